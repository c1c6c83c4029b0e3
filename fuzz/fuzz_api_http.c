/* The API's HTTP requests: the input is what a client sends on a
 * connection (one or more requests, pipelined), read by http_read_headers
 * and http_read_body as a connection's thread reads them. */
#include <sys/socket.h>
#include <unistd.h>

#include "api/http.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];
	struct http_conn c;
	const char *why;
	char body[4096];

	/* what fits a socket's buffer at once */
	if (size > 65536)
		return 0;
	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	int buffer = 1 << 20;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &buffer, sizeof(buffer));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
	FUZZ_CHECK(write(sv[0], data, size) == (ssize_t)size);
	shutdown(sv[0], SHUT_WR);
	http_conn_init(&c, sv[1]);
	c.header_timeout_ms = c.idle_timeout_ms = c.io_timeout_ms = 1000;
	for (int requests = 0; requests < 64; requests++) {
		if (http_read_headers(&c, &why) != 1)
			break;
		FUZZ_CHECK(c.req.path != NULL && c.req.method[0]);
		FUZZ_CHECK(c.req.nheaders <= HTTP_MAX_HEADERS);
		ssize_t n;
		size_t total = 0;
		while ((n = http_read_body(&c, body, sizeof(body))) > 0) {
			FUZZ_CHECK((size_t)n <= sizeof(body));
			total += (size_t)n;
		}
		FUZZ_CHECK(total <= size);
		if (n < 0 || c.req.upgrade)
			break;
	}
	http_conn_release(&c);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
