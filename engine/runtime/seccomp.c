#include "engine/runtime/seccomp.h"
#include "engine/core/fd_io.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdarg.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "engine/runtime/caps.h"

/* The kernel refuses longer filters (BPF_MAXINSNS). */
#define SECCOMP_MAX_INSNS 4096

/* libseccomp numbers a syscall that an architecture lacks -10000 and below. */
#define SCMP_ABSENT_FROM_ARCH (-10000)

/* Syscalls past the last one berth can name, up to this many past an
 * architecture's first, return ENOSYS (see enosys_prefix). */
#define SECCOMP_ENOSYS_LAST 1023

#define SECCOMP_MAX_ARCHES 16

/* What rule conditions are checked against. */
struct seccomp_host {
	uint32_t native;
	const char *arch_name; /* Docker's name for the native architecture */
	unsigned int kernel_major;
	unsigned int kernel_minor;
};

/* A profile with its architectures resolved, ready to compile. */
struct seccomp_plan {
	uint32_t default_action;
	uint32_t arches[SECCOMP_MAX_ARCHES]; /* the native one first */
	size_t narches;
	const struct seccomp_rule *rules;
	size_t nrules;
};

/* libseccomp's token, the profile name and Docker's short name of each
 * architecture; token 0 for those this libseccomp cannot build filters for. */
static const struct {
	uint32_t token;
	const char *profile_name;
	const char *docker_name;
} arch_table[] = {
	{ SCMP_ARCH_X86, "SCMP_ARCH_X86", "x86" },
	{ SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64", "amd64" },
	{ SCMP_ARCH_X32, "SCMP_ARCH_X32", "x32" },
	{ SCMP_ARCH_ARM, "SCMP_ARCH_ARM", "arm" },
	{ SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64", "arm64" },
	{ SCMP_ARCH_MIPS, "SCMP_ARCH_MIPS", "mips" },
	{ SCMP_ARCH_MIPS64, "SCMP_ARCH_MIPS64", "mips64" },
	{ SCMP_ARCH_MIPS64N32, "SCMP_ARCH_MIPS64N32", "mips64n32" },
	{ SCMP_ARCH_MIPSEL, "SCMP_ARCH_MIPSEL", "mipsel" },
	{ SCMP_ARCH_MIPSEL64, "SCMP_ARCH_MIPSEL64", "mipsel64" },
	{ SCMP_ARCH_MIPSEL64N32, "SCMP_ARCH_MIPSEL64N32", "mipsel64n32" },
	{ SCMP_ARCH_PPC, "SCMP_ARCH_PPC", "ppc" },
	{ SCMP_ARCH_PPC64, "SCMP_ARCH_PPC64", "ppc64" },
	{ SCMP_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE", "ppc64le" },
	{ SCMP_ARCH_S390, "SCMP_ARCH_S390", "s390" },
	{ SCMP_ARCH_S390X, "SCMP_ARCH_S390X", "s390x" },
	{ SCMP_ARCH_PARISC, "SCMP_ARCH_PARISC", "parisc" },
	{ SCMP_ARCH_PARISC64, "SCMP_ARCH_PARISC64", "parisc64" },
	{ SCMP_ARCH_RISCV64, "SCMP_ARCH_RISCV64", "riscv64" },
	/* Named by newer libseccomp releases; never this machine's. */
	{ 0, "SCMP_ARCH_LOONGARCH64", "loong64" },
	{ 0, "SCMP_ARCH_M68K", "m68k" },
	{ 0, "SCMP_ARCH_SH", "sh" },
	{ 0, "SCMP_ARCH_SHEB", "sheb" },
};

/* Syscalls in Docker's profile that libseccomp 2.5 cannot name, with their
 * numbers; arch 0 means every architecture that shares the common numbering
 * of syscalls added since Linux 5.1. */
static const struct {
	const char *name;
	int nr;
	uint32_t arch;
} recent_syscalls[] = {
	{ "statmount", 457, 0 },
	{ "listmount", 458, 0 },
	{ "lsm_get_self_attr", 459, 0 },
	{ "lsm_set_self_attr", 460, 0 },
	{ "lsm_list_modules", 461, 0 },
	{ "mseal", 462, 0 },
	{ "setxattrat", 463, 0 },
	{ "getxattrat", 464, 0 },
	{ "listxattrat", 465, 0 },
	{ "removexattrat", 466, 0 },
	{ "uretprobe", 335, SCMP_ARCH_X86_64 },
	{ "riscv_hwprobe", 258, SCMP_ARCH_RISCV64 },
};

/* Where an architecture's syscall numbers start (MIPS offsets its ABIs). */
static int arch_syscall_base(uint32_t arch)
{
	switch (arch) {
	case SCMP_ARCH_MIPS:
	case SCMP_ARCH_MIPSEL:
		return 4000;
	case SCMP_ARCH_MIPS64:
	case SCMP_ARCH_MIPSEL64:
		return 5000;
	case SCMP_ARCH_MIPS64N32:
	case SCMP_ARCH_MIPSEL64N32:
		return 6000;
	default:
		return 0;
	}
}

/* Docker's short name of an architecture, NULL when berth has none. */
static const char *arch_docker_name(uint32_t token)
{
	for (size_t i = 0; i < sizeof(arch_table) / sizeof(arch_table[0]); i++)
		if (token != 0 && arch_table[i].token == token)
			return arch_table[i].docker_name;
	return NULL;
}

/* The token of a profile's "SCMP_ARCH_*" name; false when unknown. */
static bool arch_from_profile_name(const char *name, uint32_t *token)
{
	for (size_t i = 0; i < sizeof(arch_table) / sizeof(arch_table[0]); i++) {
		if (strcmp(arch_table[i].profile_name, name) == 0) {
			*token = arch_table[i].token;
			return true;
		}
	}
	return false;
}

/* Learns the native architecture and the kernel version. */
static int host_probe(struct seccomp_host *host, berr *err)
{
	struct utsname uts;

	host->native = seccomp_arch_native();
	host->arch_name = arch_docker_name(host->native);
	if (!host->arch_name)
		return berr_set(err, BERR_SYSTEM, "seccomp: unsupported native architecture 0x%x",
				host->native);
	if (uname(&uts) < 0)
		return berr_sys(err, "uname");
	host->kernel_major = 0;
	host->kernel_minor = 0;
	if (sscanf(uts.release, "%u.%u", &host->kernel_major, &host->kernel_minor) < 1)
		return berr_set(err, BERR_SYSTEM, "seccomp: cannot read kernel version \"%s\"",
				uts.release);
	return 0;
}

/* True when the NULL-terminated list names the architecture. */
static bool arch_listed(const char *const *arches, const char *name)
{
	for (; *arches; arches++)
		if (strcmp(*arches, name) == 0)
			return true;
	return false;
}

/* True when the kernel is at least the condition's version. */
static bool kernel_at_least(const struct seccomp_host *host, const struct seccomp_cond *cond)
{
	if (host->kernel_major != cond->min_kernel_major)
		return host->kernel_major > cond->min_kernel_major;
	return host->kernel_minor >= cond->min_kernel_minor;
}

/* Whether a condition sets a kernel version. */
static bool cond_has_kernel(const struct seccomp_cond *cond)
{
	return cond->min_kernel_major || cond->min_kernel_minor;
}

/* Docker's reading of "includes" and "excludes": every part of includes must
 * hold, any part of excludes drops the rule. Capabilities are the bounding set. */
static bool rule_applies(const struct seccomp_rule *rule, uint64_t caps,
			 const struct seccomp_host *host)
{
	const struct seccomp_cond *ex = &rule->excludes;
	const struct seccomp_cond *in = &rule->includes;

	if (ex->arches && arch_listed(ex->arches, host->arch_name))
		return false;
	if (ex->caps & caps)
		return false;
	if (cond_has_kernel(ex) && kernel_at_least(host, ex))
		return false;
	if (in->arches && in->arches[0] && !arch_listed(in->arches, host->arch_name))
		return false;
	if (in->unknown_cap || (in->caps & caps) != in->caps)
		return false;
	if (cond_has_kernel(in) && !kernel_at_least(host, in))
		return false;
	return true;
}

/* A libseccomp filter for one architecture, not forcing no_new_privs on load. */
static scmp_filter_ctx filter_new(uint32_t arch, uint32_t native, uint32_t default_action,
				  berr *err)
{
	scmp_filter_ctx ctx;
	int rc;

	ctx = seccomp_init(default_action);
	if (!ctx) {
		berr_set(err, BERR_INVALID, "seccomp: invalid default action 0x%x", default_action);
		return NULL;
	}
	/* The shim decides on no_new_privs; the filter must not force it. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0 && arch != native) {
		rc = seccomp_arch_add(ctx, arch);
		if (rc == 0)
			rc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
	}
	if (rc < 0) {
		berr_errno(err, -rc, "seccomp: setting up the filter for %s",
			   arch_docker_name(arch) ? arch_docker_name(arch) : "an architecture");
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

/* The number of a syscall libseccomp cannot name, -1 when berth cannot either. */
static int recent_syscall_number(uint32_t arch, const char *name)
{
	for (size_t i = 0; i < sizeof(recent_syscalls) / sizeof(recent_syscalls[0]); i++) {
		if (strcmp(recent_syscalls[i].name, name) != 0)
			continue;
		if (recent_syscalls[i].arch == 0)
			return arch_syscall_base(arch) + recent_syscalls[i].nr;
		return recent_syscalls[i].arch == arch ? recent_syscalls[i].nr : -1;
	}
	return -1;
}

/* Adds one syscall's rule: all argument conditions together when their
 * indices differ, else one rule per condition (runc does the same). */
static int filter_add_syscall(scmp_filter_ctx ctx, int nr, bool exact,
			      const struct seccomp_rule *rule, const char *name, berr *err)
{
	struct scmp_arg_cmp cmps[SECCOMP_RULE_MAX_ARGS];
	bool distinct = true;
	int rc = 0;

	for (size_t i = 0; i < rule->nargs; i++) {
		cmps[i] = (struct scmp_arg_cmp){
			.arg = rule->args[i].index,
			.op = (enum scmp_compare)rule->args[i].op,
			.datum_a = rule->args[i].value,
			.datum_b = rule->args[i].value_two,
		};
		for (size_t j = 0; j < i; j++)
			if (rule->args[j].index == rule->args[i].index)
				distinct = false;
	}
	if (distinct) {
		if (exact)
			rc = seccomp_rule_add_exact_array(ctx, rule->action, nr, (unsigned)rule->nargs, cmps);
		else
			rc = seccomp_rule_add_array(ctx, rule->action, nr, (unsigned)rule->nargs, cmps);
	} else {
		for (size_t i = 0; i < rule->nargs && rc == 0; i++) {
			if (exact)
				rc = seccomp_rule_add_exact_array(ctx, rule->action, nr, 1, &cmps[i]);
			else
				rc = seccomp_rule_add_array(ctx, rule->action, nr, 1, &cmps[i]);
		}
	}
	if (rc < 0) {
		berr_errno(err, -rc, "seccomp: adding the rule for %s", name);
		err->kind = BERR_INVALID;
		return -1;
	}
	return 0;
}

/* Adds a rule's syscalls that exist on the filter's architecture. */
static int filter_add_rule(scmp_filter_ctx ctx, uint32_t arch, uint32_t native,
			   const struct seccomp_rule *rule, berr *err)
{
	for (const char *const *name = rule->names; *name; name++) {
		int arch_nr = seccomp_syscall_resolve_name_arch(arch, *name);
		bool exact = false;
		int nr;

		if (arch_nr == __NR_SCMP_ERROR) {
			/* libseccomp does not know it: berth may, on the native arch. */
			if (arch != native || (nr = recent_syscall_number(arch, *name)) < 0)
				continue;
			exact = true;
		} else if (arch_nr <= SCMP_ABSENT_FROM_ARCH) {
			continue;
		} else {
			/* libseccomp translates native (or pseudo) numbers per arch. */
			nr = seccomp_syscall_resolve_name(*name);
			if (nr == __NR_SCMP_ERROR)
				continue;
		}
		if (filter_add_syscall(ctx, nr, exact, rule, *name, err) < 0)
			return -1;
	}
	return 0;
}

/* Builds the filter for one architecture. */
static scmp_filter_ctx filter_build_arch(const struct seccomp_plan *plan, uint32_t arch,
					 const struct seccomp_host *host, uint64_t caps, berr *err)
{
	scmp_filter_ctx ctx = filter_new(arch, host->native, plan->default_action, err);

	if (!ctx)
		return NULL;
	for (size_t i = 0; i < plan->nrules; i++) {
		const struct seccomp_rule *rule = &plan->rules[i];

		/* libseccomp refuses rules that repeat the default action. */
		if (rule->action == plan->default_action || !rule_applies(rule, caps, host))
			continue;
		if (filter_add_rule(ctx, arch, host->native, rule, err) < 0)
			goto fail;
	}
	return ctx;
fail:
	seccomp_release(ctx);
	return NULL;
}

/* The highest syscall number berth can name on an architecture. */
static int arch_last_named(uint32_t arch, uint32_t native)
{
	int base = arch_syscall_base(arch);
	int last = -1;

	for (int nr = base; nr <= base + SECCOMP_ENOSYS_LAST; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(arch, nr);

		if (name) {
			last = nr;
			free(name);
		}
	}
	/* The ones berth numbers itself are added on the native arch only. */
	if (arch != native)
		return last;
	for (size_t i = 0; i < sizeof(recent_syscalls) / sizeof(recent_syscalls[0]); i++) {
		int nr = recent_syscall_number(arch, recent_syscalls[i].name);

		if (nr > last)
			last = nr;
	}
	return last;
}

/* Instructions put before libseccomp's program so that, on each architecture
 * of the plan, syscalls numbered past the last one berth can name (up to
 * SECCOMP_ENOSYS_LAST past the first) fail with ENOSYS instead of the default
 * action: a libc then falls back from calls newer than the profile, as under
 * runc. x32 shares x86_64's arch value; its numbers (bit 30) lie past the range.
 * Returns how many instructions were written to out. */
static size_t enosys_prefix(const struct seccomp_plan *plan, uint32_t native,
			    struct sock_filter *out, size_t max)
{
	const size_t block = 5;
	size_t nblocks = 0, total, p;

	if (plan->default_action == SCMP_ACT_ALLOW || plan->default_action == SCMP_ACT_LOG ||
	    plan->default_action == SCMP_ACT_ERRNO(ENOSYS))
		return 0;
	for (size_t i = 0; i < plan->narches; i++)
		if (plan->arches[i] != SCMP_ARCH_X32)
			nblocks++;
	total = 1 + nblocks * block;
	if (total > max)
		return 0;
	out[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	p = 1;
	for (size_t i = 0; i < plan->narches; i++) {
		uint32_t arch = plan->arches[i];
		int last = arch_last_named(arch, native);
		int upper = arch_syscall_base(arch) + SECCOMP_ENOSYS_LAST;

		if (arch == SCMP_ARCH_X32)
			continue;
		if (last < 0)
			last = upper;
		/* Jumps are relative: to the next block, or to the program at `total`. */
		out[p] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, block - 1);
		out[p + 1] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
							  offsetof(struct seccomp_data, nr));
		out[p + 2] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)last, 0,
							  (uint8_t)(total - (p + 3)));
		out[p + 3] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)upper,
							  (uint8_t)(total - (p + 4)), 0);
		out[p + 4] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SCMP_ACT_ERRNO(ENOSYS));
		p += block;
	}
	return total;
}

/* libseccomp's program for a filter, read back from a memory file. */
static int filter_export(scmp_filter_ctx ctx, struct sock_filter **prog, size_t *len, berr *err)
{
	struct stat st;
	ssize_t n;
	int fd, rc;

	*prog = NULL;
	*len = 0;
	fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return berr_sys(err, "seccomp: memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0) {
		berr_errno(err, -rc, "seccomp: exporting the filter");
		goto fail;
	}
	if (fstat(fd, &st) < 0) {
		berr_sys(err, "seccomp: stat of the exported filter");
		goto fail;
	}
	*len = (size_t)st.st_size / sizeof(struct sock_filter);
	*prog = malloc((size_t)st.st_size + 1);
	if (!*prog) {
		berr_errno(err, ENOMEM, "seccomp: exporting the filter");
		goto fail;
	}
	n = pread(fd, *prog, (size_t)st.st_size, 0);
	if (n != st.st_size) {
		berr_errno(err, n < 0 ? errno : EIO, "seccomp: reading the exported filter");
		goto fail;
	}
	close(fd);
	return 0;
fail:
	free(*prog);
	*prog = NULL;
	close(fd);
	return -1;
}

/* Writes a program to path through a temporary file and rename, mode 0644. */
static int program_write(const struct sock_filter *prog, size_t len, const char *path, berr *err)
{
	char tmp[PATH_MAX];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return berr_set(err, BERR_INVALID, "seccomp: path too long: %s", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return berr_sys(err, "seccomp: creating %s", tmp);
	if (fd_write_all(fd, prog, len * sizeof(*prog)) < 0) {
		berr_sys(err, "seccomp: writing %s", tmp);
		goto fail;
	}
	if (fchmod(fd, 0644) < 0) {
		berr_sys(err, "seccomp: chmod %s", tmp);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		berr_sys(err, "seccomp: writing %s", tmp);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		berr_sys(err, "seccomp: renaming %s to %s", tmp, path);
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

/* Puts the ENOSYS prefix before libseccomp's program and writes the whole. */
static int filter_write(scmp_filter_ctx ctx, const struct seccomp_plan *plan, uint32_t native,
			const char *path, berr *err)
{
	struct sock_filter prefix[1 + 5 * SECCOMP_MAX_ARCHES];
	struct sock_filter *prog, *whole;
	size_t len, nprefix;
	int rc;

	if (filter_export(ctx, &prog, &len, err) < 0)
		return -1;
	/* The prefix leaves the accumulator holding the syscall number; the
	 * program must begin by loading what it needs. */
	nprefix = len > 0 && prog[0].code == (BPF_LD | BPF_W | BPF_ABS)
			  ? enosys_prefix(plan, native, prefix, sizeof(prefix) / sizeof(prefix[0]))
			  : 0;
	if (nprefix + len > SECCOMP_MAX_INSNS) {
		free(prog);
		return berr_set(err, BERR_INVALID,
				"seccomp: the filter has %zu instructions, more than the kernel's %d",
				nprefix + len, SECCOMP_MAX_INSNS);
	}
	whole = malloc((nprefix + len) * sizeof(*whole));
	if (!whole) {
		free(prog);
		return berr_errno(err, ENOMEM, "seccomp: writing the filter");
	}
	memcpy(whole, prefix, nprefix * sizeof(*whole));
	memcpy(whole + nprefix, prog, len * sizeof(*whole));
	rc = program_write(whole, nprefix + len, path, err);
	free(whole);
	free(prog);
	return rc;
}

/* Compiles a plan, one filter per architecture merged into one, and writes it. */
static int plan_compile(const struct seccomp_plan *plan, const struct seccomp_host *host,
			uint64_t caps, const char *path, berr *err)
{
	scmp_filter_ctx ctx;
	int rc;

	ctx = filter_build_arch(plan, host->native, host, caps, err);
	if (!ctx)
		return -1;
	/* Per-architecture filters let berth add syscalls by number natively,
	 * which a filter holding several architectures refuses. */
	for (size_t i = 1; i < plan->narches; i++) {
		scmp_filter_ctx sub = filter_build_arch(plan, plan->arches[i], host, caps, err);

		if (!sub)
			goto fail;
		rc = seccomp_merge(ctx, sub);
		if (rc < 0) {
			seccomp_release(sub);
			berr_errno(err, -rc, "seccomp: merging the filter for %s",
				   arch_docker_name(plan->arches[i]));
			goto fail;
		}
	}
	rc = filter_write(ctx, plan, host->native, path, err);
	seccomp_release(ctx);
	return rc;
fail:
	seccomp_release(ctx);
	return -1;
}

/* Adds an architecture to a plan once. One that cannot share a filter with
 * the native one (another byte order) is left out: it can never be seen here. */
static void plan_add_arch(struct seccomp_plan *plan, uint32_t arch)
{
	scmp_filter_ctx probe;

	for (size_t i = 0; i < plan->narches; i++)
		if (plan->arches[i] == arch)
			return;
	if (arch == 0 || plan->narches == SECCOMP_MAX_ARCHES)
		return;
	probe = seccomp_init(SCMP_ACT_ALLOW);
	if (!probe)
		return;
	if (seccomp_arch_add(probe, arch) == 0)
		plan->arches[plan->narches++] = arch;
	seccomp_release(probe);
}

/* Adds the architectures an arch map lists for the native architecture. */
static void plan_add_arch_map(struct seccomp_plan *plan, const struct seccomp_arch_map *map,
			      size_t n, uint32_t native)
{
	for (size_t i = 0; i < n; i++) {
		if (map[i].arch != native)
			continue;
		for (size_t j = 0; j < map[i].nsub; j++)
			plan_add_arch(plan, map[i].sub_arches[j]);
		return;
	}
}

int seccomp_write_default(uint64_t caps, const char *path, berr *err)
{
	struct seccomp_host host;
	struct seccomp_plan plan = { .default_action = SCMP_ACT_ERRNO(EPERM) };
	const struct seccomp_arch_map *map;
	size_t nmap;

	if (host_probe(&host, err) < 0)
		return -1;
	plan.arches[plan.narches++] = host.native;
	map = seccomp_default_arch_map(&nmap);
	plan_add_arch_map(&plan, map, nmap, host.native);
	plan.rules = seccomp_default_rules(&plan.nrules);
	if (plan_compile(&plan, &host, caps, path, err) < 0)
		return berr_prefix(err, "compiling the default seccomp profile");
	return 0;
}

/* ---- Docker's JSON profiles ---- */

/* What a profile read from JSON owns beyond the json_t it points into. */
struct json_profile {
	json_t *root;
	struct seccomp_rule *rules;
	size_t nrules;
	struct seccomp_arch_map *arch_map;
	size_t narch_map;
	uint32_t arches[SECCOMP_MAX_ARCHES];
	size_t narches;
	uint32_t default_action;
	bool disabled;
};

/* Frees what a JSON profile allocated. */
static void json_profile_free(struct json_profile *jp)
{
	for (size_t i = 0; i < jp->nrules; i++) {
		free((void *)jp->rules[i].names);
		free((void *)jp->rules[i].includes.arches);
		free((void *)jp->rules[i].excludes.arches);
	}
	free(jp->rules);
	free(jp->arch_map);
	json_decref(jp->root);
}

/* Sets a profile error: "invalid seccomp profile: <where>: <what>". */
static int __attribute__((format(printf, 3, 4)))
profile_error(berr *err, const char *where, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return berr_set(err, BERR_INVALID, "invalid seccomp profile: %s: %s", where, what);
}

/* Reads an optional non-negative integer no larger than max. */
static int json_get_uint(json_t *obj, const char *key, uint64_t max, uint64_t *out,
			 const char *where, berr *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return profile_error(err, where, "%s must be an integer from 0 to %llu", key,
				     (unsigned long long)max);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* Reads an optional string member; NULL when absent. */
static int json_get_string(json_t *obj, const char *key, const char **out, const char *where,
			   berr *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return profile_error(err, where, "%s must be a string", key);
	*out = json_string_value(v);
	return 0;
}

/* Turns an action name and its errno into libseccomp's action value. */
static int parse_action(const char *name, json_t *obj, const char *errno_key, uint32_t *action,
			const char *where, berr *err)
{
	uint64_t ret = EPERM;

	if (json_get_uint(obj, errno_key, 0xffff, &ret, where, err) < 0)
		return -1;
	if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
		*action = SCMP_ACT_ALLOW;
	else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
		*action = SCMP_ACT_ERRNO((uint32_t)ret);
	else if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
		*action = SCMP_ACT_KILL;
	else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
		*action = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
		*action = SCMP_ACT_TRAP;
	else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
		*action = SCMP_ACT_TRACE((uint32_t)ret);
	else if (strcmp(name, "SCMP_ACT_LOG") == 0)
		*action = SCMP_ACT_LOG;
	else if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
		return profile_error(err, where, "action SCMP_ACT_NOTIFY is not supported");
	else
		return profile_error(err, where, "unknown action \"%s\"", name);
	return 0;
}

/* Turns "SCMP_CMP_*" into libseccomp's operator. */
static bool parse_op(const char *name, int *op)
{
	static const struct {
		const char *name;
		int op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE },	    { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE },	    { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE },	    { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(ops[i].name, name) == 0) {
			*op = ops[i].op;
			return true;
		}
	}
	return false;
}

/* A NULL-terminated array of the strings in a JSON array member; *out stays
 * NULL when the member is absent or null. */
static int parse_string_list(json_t *obj, const char *key, const char ***out, size_t *count,
			     const char *where, berr *err)
{
	json_t *arr = json_object_get(obj, key);
	const char **list;
	json_t *item;
	size_t i;

	*out = NULL;
	if (count)
		*count = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return profile_error(err, where, "%s must be an array of strings", key);
	list = calloc(json_array_size(arr) + 1, sizeof(*list));
	if (!list)
		return berr_errno(err, ENOMEM, "seccomp profile");
	json_array_foreach(arr, i, item) {
		if (!json_is_string(item)) {
			free(list);
			return profile_error(err, where, "%s must be an array of strings", key);
		}
		list[i] = json_string_value(item);
	}
	*out = list;
	if (count)
		*count = json_array_size(arr);
	return 0;
}

/* Reads "X.Y" as moby does: two parts, each 0..255, not both zero. */
static int parse_min_kernel(const char *s, struct seccomp_cond *cond, const char *where,
			    berr *err)
{
	unsigned int major, minor;
	int used = 0;

	if (*s == '\0')
		return 0;
	if (sscanf(s, "%3u.%3u%n", &major, &minor, &used) != 2 || s[used] != '\0' || major > 255 ||
	    minor > 255 || (major == 0 && minor == 0) || !strchr("0123456789", s[0]))
		return profile_error(err, where, "invalid kernel version \"%s\", expected \"<kernel>.<major>\"",
				     s);
	cond->min_kernel_major = major;
	cond->min_kernel_minor = minor;
	return 0;
}

/* Reads an "includes" or "excludes" object. */
static int parse_cond(json_t *rule, const char *key, struct seccomp_cond *cond, const char *where,
		      berr *err)
{
	json_t *obj = json_object_get(rule, key);
	const char **caps = NULL, **arches;
	const char *kernel;
	char sub[160];
	size_t ncaps;

	if (!obj || json_is_null(obj))
		return 0;
	snprintf(sub, sizeof(sub), "%s.%s", where, key);
	if (!json_is_object(obj))
		return profile_error(err, sub, "must be an object");
	if (parse_string_list(obj, "caps", &caps, &ncaps, sub, err) < 0)
		return -1;
	for (size_t i = 0; i < ncaps; i++) {
		int cap = caps_from_name(caps[i]);

		if (cap < 0)
			cond->unknown_cap = 1;
		else
			cond->caps |= CAPS_BIT(cap);
	}
	free(caps);
	if (parse_string_list(obj, "arches", &arches, NULL, sub, err) < 0)
		return -1;
	cond->arches = arches;
	if (json_get_string(obj, "minKernel", &kernel, sub, err) < 0)
		return -1;
	return kernel ? parse_min_kernel(kernel, cond, sub, err) : 0;
}

/* Reads a rule's "args". */
static int parse_args(json_t *rule_obj, struct seccomp_rule *rule, const char *where, berr *err)
{
	json_t *args = json_object_get(rule_obj, "args");
	json_t *arg;
	size_t i;

	if (!args || json_is_null(args))
		return 0;
	if (!json_is_array(args))
		return profile_error(err, where, "args must be an array");
	if (json_array_size(args) > SECCOMP_RULE_MAX_ARGS)
		return profile_error(err, where, "at most %d args", SECCOMP_RULE_MAX_ARGS);
	json_array_foreach(args, i, arg) {
		struct seccomp_arg *a = &rule->args[i];
		const char *op;
		uint64_t index = 0;
		char sub[160];

		snprintf(sub, sizeof(sub), "%s.args[%zu]", where, i);
		if (!json_is_object(arg))
			return profile_error(err, sub, "must be an object");
		if (json_get_uint(arg, "index", SECCOMP_RULE_MAX_ARGS - 1, &index, sub, err) < 0 ||
		    json_get_uint(arg, "value", UINT64_MAX, &a->value, sub, err) < 0 ||
		    json_get_uint(arg, "valueTwo", UINT64_MAX, &a->value_two, sub, err) < 0 ||
		    json_get_string(arg, "op", &op, sub, err) < 0)
			return -1;
		if (!op)
			return profile_error(err, sub, "op is missing");
		if (!parse_op(op, &a->op))
			return profile_error(err, sub, "unknown operator \"%s\"", op);
		a->index = (unsigned int)index;
	}
	rule->nargs = json_array_size(args);
	return 0;
}

/* Reads one entry of "syscalls". */
static int parse_rule(json_t *obj, size_t index, struct seccomp_rule *rule, berr *err)
{
	const char *name, *action;
	const char **names;
	char where[64];

	snprintf(where, sizeof(where), "syscalls[%zu]", index);
	if (!json_is_object(obj))
		return profile_error(err, where, "must be an object");
	if (json_get_string(obj, "name", &name, where, err) < 0 ||
	    parse_string_list(obj, "names", &names, NULL, where, err) < 0)
		return -1;
	rule->names = names;
	if (name && names && names[0])
		return profile_error(err, where, "both 'name' and 'names' are specified, use either");
	if (name) {
		free(names);
		rule->names = names = calloc(2, sizeof(*names));
		if (!names)
			return berr_errno(err, ENOMEM, "seccomp profile");
		names[0] = name;
	} else if (!names) {
		return profile_error(err, where, "names is missing");
	}
	if (json_get_string(obj, "action", &action, where, err) < 0)
		return -1;
	if (!action)
		return profile_error(err, where, "action is missing");
	if (parse_action(action, obj, "errnoRet", &rule->action, where, err) < 0 ||
	    parse_args(obj, rule, where, err) < 0 ||
	    parse_cond(obj, "includes", &rule->includes, where, err) < 0 ||
	    parse_cond(obj, "excludes", &rule->excludes, where, err) < 0)
		return -1;
	return 0;
}

/* Reads "architectures" (profile names) into the profile. */
static int parse_architectures(json_t *root, struct json_profile *jp, berr *err)
{
	json_t *arr = json_object_get(root, "architectures");
	json_t *item;
	size_t i;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return profile_error(err, "architectures", "must be an array of strings");
	json_array_foreach(arr, i, item) {
		uint32_t token;

		if (!json_is_string(item))
			return profile_error(err, "architectures", "must be an array of strings");
		if (!arch_from_profile_name(json_string_value(item), &token))
			return profile_error(err, "architectures", "unknown architecture \"%s\"",
					     json_string_value(item));
		if (jp->narches < SECCOMP_MAX_ARCHES)
			jp->arches[jp->narches++] = token;
	}
	return 0;
}

/* Reads "archMap": [{"architecture": ..., "subArchitectures": [...]}]. */
static int parse_arch_map(json_t *root, struct json_profile *jp, berr *err)
{
	json_t *arr = json_object_get(root, "archMap");
	json_t *entry;
	size_t i;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return profile_error(err, "archMap", "must be an array");
	jp->arch_map = calloc(json_array_size(arr) + 1, sizeof(*jp->arch_map));
	if (!jp->arch_map)
		return berr_errno(err, ENOMEM, "seccomp profile");
	json_array_foreach(arr, i, entry) {
		struct seccomp_arch_map *m = &jp->arch_map[i];
		json_t *arch = json_object_get(entry, "architecture");
		json_t *subs = json_object_get(entry, "subArchitectures");
		json_t *sub;
		size_t j;
		char where[64];

		snprintf(where, sizeof(where), "archMap[%zu]", i);
		if (!json_is_object(entry) || !json_is_string(arch))
			return profile_error(err, where, "needs an architecture");
		if (!arch_from_profile_name(json_string_value(arch), &m->arch))
			return profile_error(err, where, "unknown architecture \"%s\"", json_string_value(arch));
		if (subs && !json_is_null(subs) && !json_is_array(subs))
			return profile_error(err, where, "subArchitectures must be an array");
		json_array_foreach(subs, j, sub) {
			uint32_t token;

			if (!json_is_string(sub) || !arch_from_profile_name(json_string_value(sub), &token))
				return profile_error(err, where, "unknown sub-architecture %s",
						     json_is_string(sub) ? json_string_value(sub) : "(not a string)");
			if (m->nsub < sizeof(m->sub_arches) / sizeof(m->sub_arches[0]))
				m->sub_arches[m->nsub++] = token;
		}
		jp->narch_map++;
	}
	return 0;
}

/* Reads the whole profile document. */
static int parse_profile(struct json_profile *jp, berr *err)
{
	json_t *root = jp->root, *syscalls, *item;
	const char *default_action;
	size_t i;

	if (!json_is_object(root))
		return profile_error(err, "(top level)", "must be an object");
	if (json_get_string(root, "defaultAction", &default_action, "defaultAction", err) < 0)
		return -1;
	syscalls = json_object_get(root, "syscalls");
	if (syscalls && !json_is_null(syscalls) && !json_is_array(syscalls))
		return profile_error(err, "syscalls", "must be an array");
	/* Docker: no default action and no syscalls means seccomp is off. */
	if ((!default_action || !*default_action) && json_array_size(syscalls) == 0) {
		jp->disabled = true;
		return 0;
	}
	if (!default_action || !*default_action)
		return profile_error(err, "defaultAction", "is missing");
	if (parse_action(default_action, root, "defaultErrnoRet", &jp->default_action,
			 "defaultAction", err) < 0)
		return -1;
	if (json_array_size(json_object_get(root, "architectures")) &&
	    json_array_size(json_object_get(root, "archMap")))
		return profile_error(err, "(top level)",
				     "both 'architectures' and 'archMap' are specified, use either");
	if (parse_architectures(root, jp, err) < 0 || parse_arch_map(root, jp, err) < 0)
		return -1;
	jp->rules = calloc(json_array_size(syscalls) + 1, sizeof(*jp->rules));
	if (!jp->rules)
		return berr_errno(err, ENOMEM, "seccomp profile");
	json_array_foreach(syscalls, i, item) {
		jp->nrules++;
		if (parse_rule(item, i, &jp->rules[i], err) < 0)
			return -1;
	}
	return 0;
}

/* Loads the JSON document, opening the file close-on-exec. */
static int profile_load(const char *path, json_t **root, berr *err)
{
	json_error_t jerr;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		berr_sys(err, "opening seccomp profile (%s) failed", path);
		err->kind = BERR_INVALID;
		return -1;
	}
	*root = json_loadfd(fd, 0, &jerr);
	close(fd);
	if (!*root)
		return berr_set(err, BERR_INVALID,
				"decoding seccomp profile failed: %s (line %d, column %d)", jerr.text,
				jerr.line, jerr.column);
	return 0;
}

int seccomp_write_profile(const char *profile_json_path, uint64_t caps, const char *path,
			  berr *err)
{
	struct json_profile jp = { 0 };
	struct seccomp_plan plan = { 0 };
	struct seccomp_host host;
	int rc = -1;

	if (profile_load(profile_json_path, &jp.root, err) < 0)
		return -1;
	if (parse_profile(&jp, err) < 0)
		goto out;
	if (jp.disabled) {
		rc = 1;
		goto out;
	}
	if (host_probe(&host, err) < 0)
		goto out;
	plan.default_action = jp.default_action;
	plan.arches[plan.narches++] = host.native;
	for (size_t i = 0; i < jp.narches; i++)
		plan_add_arch(&plan, jp.arches[i]);
	plan_add_arch_map(&plan, jp.arch_map, jp.narch_map, host.native);
	plan.rules = jp.rules;
	plan.nrules = jp.nrules;
	rc = plan_compile(&plan, &host, caps, path, err);
	if (rc < 0)
		berr_prefix(err, "compiling seccomp profile %s", profile_json_path);
out:
	json_profile_free(&jp);
	return rc;
}
