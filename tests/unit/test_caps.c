/* Capability names, Docker's default set and --cap-add/--cap-drop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/runtime/caps.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Names resolve with or without CAP_, in any case, and back to canonical form. */
static void test_names_both_ways(void **state)
{
	(void)state;
	assert_int_equal(caps_from_name("CHOWN"), 0);
	assert_int_equal(caps_from_name("cap_chown"), 0);
	assert_int_equal(caps_from_name("CAP_CHOWN"), 0);
	assert_int_equal(caps_from_name("Sys_Admin"), 21);
	assert_int_equal(caps_from_name("CAP_NET_RAW"), 13);
	assert_int_equal(caps_from_name("audit_write"), 29);
	assert_int_equal(caps_from_name("CAP_PERFMON"), 38);
	assert_int_equal(caps_from_name("bpf"), 39);
	assert_int_equal(caps_from_name("CHECKPOINT_RESTORE"), 40);
	assert_string_equal(caps_name(0), "CAP_CHOWN");
	assert_string_equal(caps_name(21), "CAP_SYS_ADMIN");
	assert_string_equal(caps_name(40), "CAP_CHECKPOINT_RESTORE");
	for (int cap = 0; cap <= CAPS_NAMED_LAST; cap++) {
		assert_non_null(caps_name(cap));
		assert_int_equal(caps_from_name(caps_name(cap)), cap);
		assert_int_equal(caps_from_name(caps_name(cap) + 4), cap);
	}
}

/* Unknown names, "ALL" and out-of-range numbers have no match. */
static void test_unknown_names(void **state)
{
	(void)state;
	assert_int_equal(caps_from_name("FOO"), -1);
	assert_int_equal(caps_from_name("CAP_FOO"), -1);
	assert_int_equal(caps_from_name("ALL"), -1);
	assert_int_equal(caps_from_name("CAP_"), -1);
	assert_int_equal(caps_from_name(""), -1);
	assert_int_equal(caps_from_name("CAP_CHOWNX"), -1);
	assert_int_equal(caps_from_name("CHOW"), -1);
	assert_int_equal(caps_from_name(NULL), -1);
	assert_null(caps_name(-1));
	assert_null(caps_name(CAPS_NAMED_LAST + 1));
	assert_null(caps_name(63));
}

/* The default set is exactly Docker's 14. */
static void test_docker_default(void **state)
{
	static const char *const expected[] = {
		"CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",		  "CAP_FOWNER",	    "CAP_MKNOD",
		"CAP_NET_RAW", "CAP_SETGID",	   "CAP_SETUID",	  "CAP_SETFCAP",    "CAP_SETPCAP",
		"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
	};
	uint64_t mask = 0, def = caps_docker_default();

	(void)state;
	for (size_t i = 0; i < COUNT(expected); i++)
		mask |= CAPS_BIT(caps_from_name(expected[i]));
	assert_int_equal(def, mask);
	assert_int_equal(__builtin_popcountll(def), 14);
	assert_false(def & CAPS_BIT(21));
}

/* caps_last agrees with the kernel's own file. */
static void test_last_matches_kernel(void **state)
{
	char buf[16] = { 0 };
	int fd;

	(void)state;
	fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_true(read(fd, buf, sizeof(buf) - 1) > 0);
	close(fd);
	assert_int_equal(caps_last(), atoi(buf));
	assert_true(caps_last() >= CAPS_NAMED_LAST);
}

/* CapEff of this process, read on its own. */
static uint64_t effective_caps(void)
{
	char line[256];
	uint64_t eff = 0;
	FILE *f = fopen("/proc/self/status", "re");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "CapEff:", 7) == 0)
			eff = strtoull(line + 7, NULL, 16);
	fclose(f);
	return eff;
}

/* ALL is every capability the kernel knows that this process holds. */
static void test_all_is_effective_set(void **state)
{
	uint64_t known = CAPS_BIT(caps_last() + 1) - 1;
	uint64_t all = caps_all();

	(void)state;
	assert_int_equal(all, effective_caps() & known);
	/* Tests run as root. */
	assert_true(all & CAPS_BIT(21));
	assert_true(all & CAPS_BIT(0));
	assert_false(all & CAPS_BIT(caps_last() + 1));
}

/* A capability the kernel knows but this process lacks is refused like Docker. */
static void test_unavailable_capability(void **state)
{
	uint64_t missing = ~caps_all() & (CAPS_BIT(caps_last() + 1) - 1);
	uint64_t mask = caps_docker_default();
	const char *name;
	char want[160];
	berr err = { 0 };

	(void)state;
	if (!missing)
		skip();
	name = caps_name(__builtin_ctzll(missing));
	assert_int_equal(caps_apply_changes(&mask, &name, 1, NULL, 0, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	snprintf(want, sizeof(want),
		 "capability not supported by your kernel or not available in the current environment: \"%s\"",
		 name);
	assert_string_equal(err.msg, want);
	assert_int_equal(mask, caps_docker_default());
}

/* Drops come off, adds go on, names in any form. */
static void test_add_and_drop(void **state)
{
	const char *add[] = { "sys_admin", "CAP_NET_ADMIN" };
	const char *drop[] = { "NET_RAW", "cap_mknod" };
	uint64_t mask = caps_docker_default();
	berr err = { 0 };

	(void)state;
	assert_int_equal(caps_apply_changes(&mask, add, COUNT(add), drop, COUNT(drop), &err), 0);
	assert_true(mask & CAPS_BIT(21));
	assert_true(mask & CAPS_BIT(12));
	assert_false(mask & CAPS_BIT(13));
	assert_false(mask & CAPS_BIT(27));
	assert_true(mask & CAPS_BIT(0));
	assert_int_equal(__builtin_popcountll(mask), 14);

	/* Adding what is there and dropping what is not change nothing. */
	mask = caps_docker_default();
	assert_int_equal(caps_apply_changes(&mask, (const char *[]){ "CHOWN" }, 1,
					    (const char *[]){ "SYS_ADMIN" }, 1, &err),
			 0);
	assert_int_equal(mask, caps_docker_default());

	/* Nothing to apply: untouched. */
	mask = 0x5;
	assert_int_equal(caps_apply_changes(&mask, NULL, 0, NULL, 0, &err), 0);
	assert_int_equal(mask, 0x5);
}

/* "ALL" in add or drop, as Docker reads it. */
static void test_all_keyword(void **state)
{
	uint64_t mask = caps_docker_default();
	berr err = { 0 };

	(void)state;
	assert_int_equal(caps_apply_changes(&mask, (const char *[]){ "ALL" }, 1,
					    (const char *[]){ "SYS_ADMIN", "NET_ADMIN" }, 2, &err),
			 0);
	assert_int_equal(mask, caps_all() & ~(CAPS_BIT(21) | CAPS_BIT(12)));

	mask = caps_docker_default();
	assert_int_equal(caps_apply_changes(&mask, (const char *[]){ "chown", "kill" }, 2,
					    (const char *[]){ "all" }, 1, &err),
			 0);
	assert_int_equal(mask, CAPS_BIT(0) | CAPS_BIT(5));

	mask = caps_docker_default();
	assert_int_equal(caps_apply_changes(&mask, NULL, 0, (const char *[]){ "ALL" }, 1, &err), 0);
	assert_int_equal(mask, 0);

	/* ALL in both: add wins, as in Docker. */
	mask = 0;
	assert_int_equal(caps_apply_changes(&mask, (const char *[]){ "ALL" }, 1,
					    (const char *[]){ "ALL" }, 1, &err),
			 0);
	assert_int_equal(mask, caps_all());
}

/* Unknown names fail with Docker's message and leave the mask alone. */
static void test_unknown_is_invalid(void **state)
{
	uint64_t mask = caps_docker_default();
	berr err = { 0 };

	(void)state;
	assert_int_equal(caps_apply_changes(&mask, (const char *[]){ "foo" }, 1, NULL, 0, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, "unknown capability: \"CAP_FOO\"");
	assert_int_equal(mask, caps_docker_default());

	berr_clear(&err);
	assert_int_equal(caps_apply_changes(&mask, (const char *[]){ "CHOWN" }, 1,
					    (const char *[]){ "cap_bogus" }, 1, &err),
			 -1);
	assert_string_equal(err.msg, "unknown capability: \"CAP_BOGUS\"");
	assert_int_equal(mask, caps_docker_default());

	berr_clear(&err);
	assert_int_equal(caps_apply_changes(&mask, (const char *[]){ "CAP_ALL" }, 1, NULL, 0, &err),
			 -1);
	assert_string_equal(err.msg, "unknown capability: \"CAP_ALL\"");
}

/* Masks turn back into names, lowest first. */
static void test_names_of(void **state)
{
	const char *names[20];
	size_t n;

	(void)state;
	n = caps_names_of(CAPS_BIT(21) | CAPS_BIT(0) | CAPS_BIT(13), names, COUNT(names));
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "CAP_CHOWN");
	assert_string_equal(names[1], "CAP_NET_RAW");
	assert_string_equal(names[2], "CAP_SYS_ADMIN");
	assert_int_equal(caps_names_of(caps_docker_default(), names, 2), 14);
	assert_string_equal(names[1], "CAP_DAC_OVERRIDE");
	assert_int_equal(caps_names_of(0, names, COUNT(names)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_both_ways),	 cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_docker_default),	 cmocka_unit_test(test_last_matches_kernel),
		cmocka_unit_test(test_all_is_effective_set),
		cmocka_unit_test(test_unavailable_capability),	 cmocka_unit_test(test_add_and_drop),
		cmocka_unit_test(test_all_keyword),	 cmocka_unit_test(test_unknown_is_invalid),
		cmocka_unit_test(test_names_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
