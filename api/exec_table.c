/* The daemon's exec instances (exec_table.h). */
#include "api/exec_table.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void api_exec_table_init(struct api_exec_table *t)
{
	pthread_mutex_init(&t->lock, NULL);
	t->execs = json_object();
	t->order = json_array();
}

/* 32 random bytes in hex, as Docker's ids. */
static int random_id(char *id)
{
	unsigned char raw[32];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	ssize_t n = read(fd, raw, sizeof(raw));
	close(fd);
	if (n != (ssize_t)sizeof(raw))
		return -1;
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(id + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

/* Forgets the oldest ended execs beyond what is kept (lock held). */
static void trim(struct api_exec_table *t)
{
	size_t i = 0;

	while (json_array_size(t->order) > API_EXEC_KEEP && i < json_array_size(t->order)) {
		const char *id = json_string_value(json_array_get(t->order, i));
		json_t *e = json_object_get(t->execs, id);
		if (e && json_is_true(json_object_get(e, "Running"))) {
			i++;
			continue;
		}
		json_object_del(t->execs, id);
		json_array_remove(t->order, i);
	}
}

int api_exec_add(struct api_exec_table *t, const char *container_id, json_t *config, char *id)
{
	if (random_id(id) < 0)
		return -1;
	pthread_mutex_lock(&t->lock);
	json_object_set_new(t->execs, id,
			    json_pack("{s:s, s:O, s:b, s:n, s:i, s:i, s:b}", "ContainerID",
				      container_id, "Config", config, "Running", 0, "ExitCode", "Pid",
				      0, "fd", -1, "Started", 0));
	json_array_append_new(t->order, json_string(id));
	trim(t);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

json_t *api_exec_get(struct api_exec_table *t, const char *id)
{
	json_t *copy;

	pthread_mutex_lock(&t->lock);
	copy = json_deep_copy(json_object_get(t->execs, id));
	pthread_mutex_unlock(&t->lock);
	return copy;
}

bool api_exec_begin(struct api_exec_table *t, const char *id, int attach_fd)
{
	bool fresh = false;
	json_t *e;

	pthread_mutex_lock(&t->lock);
	e = json_object_get(t->execs, id);
	if (e && !json_is_true(json_object_get(e, "Started"))) {
		fresh = true;
		json_object_set_new(e, "Started", json_true());
		json_object_set_new(e, "Running", json_true());
		json_object_set_new(e, "fd", json_integer(attach_fd));
	}
	pthread_mutex_unlock(&t->lock);
	return fresh;
}

void api_exec_end(struct api_exec_table *t, const char *id, int exit_code)
{
	json_t *e;

	pthread_mutex_lock(&t->lock);
	e = json_object_get(t->execs, id);
	if (e) {
		json_object_set_new(e, "Running", json_false());
		json_object_set_new(e, "ExitCode", json_integer(exit_code));
		json_object_set_new(e, "fd", json_integer(-1));
	}
	pthread_mutex_unlock(&t->lock);
}

int api_exec_send(struct api_exec_table *t, const char *id, const void *data, size_t len)
{
	int rc = -1;
	json_t *e;

	pthread_mutex_lock(&t->lock);
	e = json_object_get(t->execs, id);
	int fd = e ? (int)json_integer_value(json_object_get(e, "fd")) : -1;
	if (fd >= 0)
		rc = send(fd, data, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
	pthread_mutex_unlock(&t->lock);
	return rc;
}
