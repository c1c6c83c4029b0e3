/* The Engine API client's HTTP (engine/remote/http.c) against a daemon
 * played by a thread on a real unix socket: the version asked once, JSON
 * answers by length and chunked, errors with their kinds, a kept
 * connection reused, a body streamed from a descriptor, and an upgrade
 * whose first stream bytes came with the head. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/remote/client.h"
#include "engine/remote/conn.h"
#include "engine/remote/http.h"

static char dir[] = "/tmp/berth-remote-http.XXXXXX";
static char sock_path[128];
static int listener = -1;
static pthread_t daemon_thread;
static int accepted; /* connections the daemon took */

/* Reads one request (head, and a body by length or chunked to its end);
 * returns its head, or NULL when the client closed. */
static char *read_request(int fd, struct strbuf *body)
{
	struct strbuf in = {0};
	char buf[4096];

	for (;;) {
		char *end = in.s ? strstr(in.s, "\r\n\r\n") : NULL;
		if (end) {
			size_t head_len = (size_t)(end - in.s) + 4;
			char *head = strndup(in.s, head_len);
			struct strbuf rest = {0};
			strbuf_addn(&rest, in.s + head_len, in.len - head_len);
			const char *cl = strcasestr(head, "Content-Length: ");
			if (strcasestr(head, "Transfer-Encoding: chunked")) {
				/* a chunked body ends with "0\r\n\r\n" */
				while (!rest.s || !strstr(rest.s, "0\r\n\r\n")) {
					ssize_t n = read(fd, buf, sizeof(buf));
					if (n <= 0)
						break;
					strbuf_addn(&rest, buf, (size_t)n);
				}
			} else if (cl) {
				size_t want = strtoul(cl + 16, NULL, 10);
				while (rest.len < want) {
					ssize_t n = read(fd, buf, sizeof(buf));
					if (n <= 0)
						break;
					strbuf_addn(&rest, buf, (size_t)n);
				}
			}
			if (body)
				strbuf_addn(body, rest.s ? rest.s : "", rest.len);
			strbuf_free(&rest);
			strbuf_free(&in);
			return head;
		}
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			strbuf_free(&in);
			return NULL;
		}
		strbuf_addn(&in, buf, (size_t)n);
	}
}

static void say(int fd, const char *text)
{
	size_t len = strlen(text);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
}

/* One connection: answers each request by its path, keeping it open. */
static void *serve_connection(void *arg)
{
	int fd = (int)(intptr_t)arg;
	{
		char *head;
		struct strbuf body = {0};
		while ((head = read_request(fd, &body))) {
			if (strstr(head, "GET /_ping ")) {
				say(fd, "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK");
			} else if (strstr(head, "GET /v1.41/info ")) {
				say(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
					"Content-Length: 12\r\n\r\n{\"NCPU\": 2}\n");
			} else if (strstr(head, "GET /v1.41/containers/json?all=1 ")) {
				say(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
					"3\r\n[{\"\r\n8\r\nId\":\"a\"}\r\n1\r\n]\r\n0\r\n\r\n");
			} else if (strstr(head, "GET /v1.41/containers/nope/json ")) {
				say(fd, "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
					"Content-Length: 40\r\n\r\n{\"message\":\"No such container: nope\"}\n\n\n");
			} else if (strstr(head, "POST /v1.41/images/load ")) {
				/* the data's bytes, the chunks' framing aside */
				size_t xs = 0;
				for (size_t i = 0; i < body.len; i++)
					xs += body.s[i] == 'x';
				char answer[256];
				snprintf(answer, sizeof(answer),
					 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
					 "Connection: close\r\n\r\n{\"stream\":\"got %zu\"}\n",
					 xs);
				say(fd, answer);
				strbuf_free(&body);
				free(head);
				break;
			} else if (strstr(head, "POST /v1.41/containers/c/attach")) {
				/* the stream's first frame comes with the head */
				static const char up[] = "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\n"
							 "Upgrade: tcp\r\n\r\n\x01\x00\x00\x00\x00\x00\x00\x03hi\n";
				assert_int_equal(write(fd, up, sizeof(up) - 1), (ssize_t)sizeof(up) - 1);
				strbuf_free(&body);
				free(head);
				break;
			} else {
				say(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 19\r\n\r\npage not found\n\n\n\n\n");
			}
			strbuf_free(&body);
			free(head);
		}
		close(fd);
	}
	return NULL;
}

/* The daemon: a thread per connection, as berth daemon has. */
static void *serve(void *arg)
{
	int fd;
	pthread_t t;

	(void)arg;
	while ((fd = accept(listener, NULL, NULL)) >= 0) {
		accepted++;
		if (pthread_create(&t, NULL, serve_connection, (void *)(intptr_t)fd) == 0)
			pthread_detach(t);
	}
	return NULL;
}

static int setup(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	(void)state;
	strcpy(dir, "/tmp/berth-remote-http.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock_path, sizeof(sock_path), "%s/d.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(listener, 8) < 0)
		return -1;
	accepted = 0;
	return pthread_create(&daemon_thread, NULL, serve, NULL);
}

static int teardown(void **state)
{
	(void)state;
	shutdown(listener, SHUT_RDWR);
	close(listener);
	pthread_join(daemon_thread, NULL);
	unlink(sock_path);
	return rmdir(dir);
}

static struct remote_client *client(void)
{
	struct remote_target t = {0};
	struct remote_client *cl;
	berr err = {0};

	snprintf(t.host, sizeof(t.host), "unix://%s", sock_path);
	assert_int_equal(remote_client_open(&t, &cl, &err), 0);
	return cl;
}

static void test_json_by_length_and_chunked_on_one_connection(void **state)
{
	struct remote_client *cl = client();
	json_t *result = NULL;
	berr err = {0};

	(void)state;
	assert_int_equal(remote_json(cl, "GET", "/info", NULL, &result, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(result, "NCPU")), 2);
	assert_int_equal(remote_client_api(cl), 141);
	json_decref(result);
	assert_int_equal(remote_json(cl, "GET", "/containers/json?all=1", NULL, &result, &err), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(result, 0), "Id")), "a");
	json_decref(result);
	/* the ping and both requests: one connection, kept between them */
	assert_int_equal(accepted, 1);
	remote_client_close(cl);
}

static void test_error_kind_and_message(void **state)
{
	struct remote_client *cl = client();
	json_t *result = NULL;
	berr err = {0};

	(void)state;
	assert_int_equal(remote_json(cl, "GET", "/containers/nope/json", NULL, &result, &err), -1);
	assert_int_equal(err.kind, BERR_NOT_FOUND);
	assert_string_equal(err.msg, "No such container: nope");
	berr_clear(&err);
	assert_int_equal(remote_json(cl, "GET", "/nothing", NULL, &result, &err), -1);
	assert_int_equal(err.kind, BERR_NOT_FOUND);
	assert_string_equal(err.msg, "page not found\n\n\n\n");
	remote_client_close(cl);
}

static int count_progress(void *user, json_t *message, berr *err)
{
	(void)err;
	snprintf(user, 64, "%s", json_string_value(json_object_get(message, "stream")) ?: "");
	return 0;
}

static void test_body_streamed_from_a_descriptor(void **state)
{
	struct remote_client *cl = client();
	struct remote_response *resp;
	char said[64] = "";
	int pipefd[2];
	berr err = {0};

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	char data[100000];
	memset(data, 'x', sizeof(data));
	pid_t writer = fork();
	if (writer == 0) {
		close(pipefd[0]);
		ssize_t n = write(pipefd[1], data, sizeof(data));
		_exit(n == (ssize_t)sizeof(data) ? 0 : 1);
	}
	close(pipefd[1]);
	struct remote_request req = {.method = "POST", .path = "/images/load", .body_fd = pipefd[0]};
	assert_int_equal(remote_send(cl, &req, &resp, &err), 0);
	assert_int_equal(remote_response_json_lines(resp, NULL, count_progress, said, &err), 0);
	remote_response_free(resp);
	close(pipefd[0]);
	assert_string_equal(said, "got 100000");
	int status;
	assert_int_equal(waitpid(writer, &status, 0), writer);
	remote_client_close(cl);
}

static void test_upgrade_keeps_the_first_stream_bytes(void **state)
{
	struct remote_client *cl = client();
	struct remote_response *resp;
	struct remote_request req = {.method = "POST", .path = "/containers/c/attach?stream=1",
				     .body_fd = -1, .upgrade = true};
	unsigned char frame[11];
	berr err = {0};

	(void)state;
	assert_int_equal(remote_send(cl, &req, &resp, &err), 0);
	assert_int_equal(remote_response_status(resp), 101);
	struct remote_conn *c = remote_response_take_conn(resp);
	size_t got = 0;
	while (got < sizeof(frame)) {
		ssize_t n = remote_conn_read(c, frame + got, sizeof(frame) - got, 5000);
		assert_true(n > 0);
		got += (size_t)n;
	}
	assert_int_equal(frame[0], 1);
	assert_int_equal(frame[7], 3);
	assert_memory_equal(frame + 8, "hi\n", 3);
	remote_conn_close(c);
	remote_client_close(cl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_by_length_and_chunked_on_one_connection,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_kind_and_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_body_streamed_from_a_descriptor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_keeps_the_first_stream_bytes, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
