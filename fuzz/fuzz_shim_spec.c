/* berth-shim's spec file: the input is written as <bundle>/spec and read by
 * spec_load, which parses every record and checks the keys the monitor
 * needs (the exec spec goes through the same parser). Built from the
 * shim's own sources: the shim is a separate program linked with libc only. */
#include <fcntl.h>
#include <unistd.h>

#include "engine/runtime/shim/shim.h"
#include "fuzz/fuzz.h"

static char bundle[64], path[80];

static void remove_bundle(void)
{
	unlink(path);
	rmdir(bundle);
}

static void spec_free(struct spec *s)
{
	struct strlist *lists[] = {&s->lower,	   &s->args,	 &s->env,     &s->group_add,
				   &s->cgroup_set, &s->rlimits,	 &s->sysctls, &s->masked,
				   &s->readonly,   &s->dns_upstreams, &s->proxies, &s->log_attrs};

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		if (lists[i]->v)
			FUZZ_CHECK(lists[i]->v[lists[i]->n] == NULL);
		free(lists[i]->v);
	}
	free(s->mounts);
	free(s->devices);
	free(s->buf);
	free(s->path);
}

/* What the monitor relies on once the spec is accepted. */
static void check_spec(const struct spec *s)
{
	FUZZ_CHECK(s->id && s->id[0] && !strchr(s->id, '/'));
	FUZZ_CHECK(s->rootfs && s->upper && s->args.n > 0);
	for (size_t i = 0; i < s->n_mounts; i++)
		FUZZ_CHECK(s->mounts[i].dest[0] == '/');
	for (size_t i = 0; i < s->n_devices; i++) {
		FUZZ_CHECK(s->devices[i].path[0] == '/');
		FUZZ_CHECK(s->devices[i].type == 'c' || s->devices[i].type == 'b');
		FUZZ_CHECK(strlen(s->devices[i].perms) <= 3);
	}
	FUZZ_CHECK(s->log_max_size >= 0 && s->shm_size >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shim_err err = {0};
	struct spec s;
	int fd;

	if (!bundle[0]) {
		snprintf(bundle, sizeof(bundle), "/tmp/berth-fuzz-spec-XXXXXX");
		FUZZ_CHECK(mkdtemp(bundle) != NULL);
		snprintf(path, sizeof(path), "%s/spec", bundle);
		atexit(remove_bundle);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);
	if (spec_load(&s, bundle, &err) == 0)
		check_spec(&s);
	else
		FUZZ_CHECK(err.kind && err.msg[0]);
	spec_free(&s);
	return 0;
}
