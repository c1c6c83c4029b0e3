/* Seccomp filters compiled to files, then loaded in a child process that
 * makes real syscalls under them. Runs as root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/runtime/caps.h"
#include "engine/runtime/seccomp.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif

#define CAP_SYS_CHROOT_BIT CAPS_BIT(18)
#define CAP_SYS_PTRACE_BIT CAPS_BIT(19)
#define CAP_SYS_ADMIN_BIT CAPS_BIT(21)

/* A syscall number no kernel has yet, past every one berth can name. */
#define FUTURE_SYSCALL 600

static char tmpdir[64];
static char bpf_path[128];
static char json_path[128];

/* The write end of the pipe a child reports failed checks on. */
static int report_fd = -1;

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/berth-seccomp-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(bpf_path, sizeof(bpf_path), "%s/filter.bpf", tmpdir);
	snprintf(json_path, sizeof(json_path), "%s/profile.json", tmpdir);
	return 0;
}

static int group_teardown(void **state)
{
	struct dirent *de;
	DIR *dir;

	(void)state;
	dir = opendir(tmpdir);
	if (dir) {
		while ((de = readdir(dir))) {
			if (de->d_name[0] == '.')
				continue;
			if (unlinkat(dirfd(dir), de->d_name, AT_REMOVEDIR) < 0)
				unlinkat(dirfd(dir), de->d_name, 0);
		}
		closedir(dir);
	}
	rmdir(tmpdir);
	return 0;
}

/* Removes the output of the previous test. */
static int test_setup(void **state)
{
	(void)state;
	unlink(bpf_path);
	unlink(json_path);
	return 0;
}

/* Records a failed check from inside the child. */
static void __attribute__((format(printf, 2, 3))) child_fail(int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof(msg), "line %d: ", line);
	va_start(ap, fmt);
	n += vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(msg) - 2)
		n = (int)sizeof(msg) - 2;
	msg[n++] = '\n';
	if (write(report_fd, msg, (size_t)n) < 0)
		_exit(99);
}

/* rc must be -1 with errno e. */
#define EXPECT_ERRNO(call, e)                                                                     \
	do {                                                                                      \
		errno = 0;                                                                        \
		long rc_ = (long)(call);                                                          \
		int errno_ = errno;                                                               \
		if (rc_ != -1 || errno_ != (e))                                                   \
			child_fail(__LINE__, "%s: want errno %d (%s), got rc %ld errno %d (%s)", #call, \
				   (e), strerror(e), rc_, errno_, strerror(errno_));              \
	} while (0)

/* rc must not be -1. */
#define EXPECT_OK(call)                                                              \
	do {                                                                         \
		errno = 0;                                                           \
		long rc_ = (long)(call);                                             \
		if (rc_ == -1)                                                       \
			child_fail(__LINE__, "%s failed: %s", #call, strerror(errno)); \
	} while (0)

/* Reads a filter file and loads it into this process, as berth-shim does. */
static int load_filter_file(const char *path, bool no_new_privs)
{
	static struct sock_filter insns[4096];
	struct sock_fprog prog;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, insns, sizeof(insns));
	close(fd);
	if (n <= 0 || n % (ssize_t)sizeof(insns[0]) != 0)
		return -1;
	prog.len = (unsigned short)(n / (ssize_t)sizeof(insns[0]));
	prog.filter = insns;
	if (no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

typedef void (*child_checks)(void);

/* Forks a child that loads the filter at bpf_path and runs checks; returns
 * its wait status and fails the test with any check the child reported. */
static int run_under_filter(child_checks checks, bool no_new_privs)
{
	char report[4096];
	size_t len = 0;
	ssize_t n;
	int fds[2], status;
	pid_t pid;

	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };

		close(fds[0]);
		report_fd = fds[1];
		setrlimit(RLIMIT_CORE, &no_core);
		/* cmocka catches these to report a crash; the child must die of them. */
		signal(SIGSYS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		signal(SIGILL, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGFPE, SIG_DFL);
		if (load_filter_file(bpf_path, no_new_privs) < 0) {
			child_fail(__LINE__, "loading the filter: %s", strerror(errno));
			_exit(1);
		}
		checks();
		_exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], report + len, sizeof(report) - 1 - len)) > 0)
		len += (size_t)n;
	close(fds[0]);
	report[len] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (len > 0)
		fail_msg("checks failed under the filter:\n%s", report);
	return status;
}

/* Like run_under_filter, and the child must exit 0. */
static void expect_checks_pass(child_checks checks)
{
	int status = run_under_filter(checks, true);

	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Writes a profile document to json_path. */
static void write_profile(const char *text)
{
	int fd = open(json_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void *thread_main(void *arg)
{
	return arg;
}

/* A real fork, whose child exits 7. */
static void check_fork_works(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(7);
	if (pid < 0) {
		child_fail(__LINE__, "fork: %s", strerror(errno));
		return;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
		child_fail(__LINE__, "forked child did not exit 7");
}

/* clone with flags; a child that does appear exits at once. */
static long raw_clone(unsigned long flags)
{
	long rc = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);

	if (rc == 0)
		_exit(0);
	if (rc > 0)
		waitpid((pid_t)rc, NULL, 0);
	return rc;
}

/* What the default profile must refuse and allow with Docker's default caps. */
static void default_profile_checks(void)
{
	pthread_t thread;
	void *ret = NULL;
	int fd;

	/* Ordinary work. */
	EXPECT_OK(syscall(SYS_getpid));
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	EXPECT_OK(fd);
	EXPECT_OK(write(fd, "x", 1));
	EXPECT_OK(close(fd));
	EXPECT_OK(syscall(SYS_personality, 0xffffffffUL));
	EXPECT_OK(syscall(SYS_personality, PER_LINUX));
	EXPECT_ERRNO(syscall(SYS_personality, PER_BSD), EPERM);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	EXPECT_OK(fd);
	close(fd);
	EXPECT_ERRNO(socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0), EPERM);
	EXPECT_ERRNO(socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), EPERM);
	EXPECT_OK(chroot("/"));

	/* Processes and threads: fork and clone without namespaces, clone3 says
	 * ENOSYS so glibc's pthread_create falls back to clone. */
	check_fork_works();
	if (pthread_create(&thread, NULL, thread_main, (void *)0x42) != 0 ||
	    pthread_join(thread, &ret) != 0 || ret != (void *)0x42)
		child_fail(__LINE__, "pthread_create under the filter");
	EXPECT_ERRNO(syscall(SYS_clone3, NULL, 0), ENOSYS);
	EXPECT_ERRNO(raw_clone(CLONE_NEWUSER), EPERM);
	EXPECT_ERRNO(raw_clone(CLONE_NEWNS), EPERM);
	EXPECT_ERRNO(raw_clone(CLONE_NEWNET), EPERM);

	/* Namespaces and mounts need CAP_SYS_ADMIN in the profile. Unfiltered,
	 * as root, these would succeed or fail with ENOENT. */
	EXPECT_ERRNO(unshare(CLONE_NEWNS), EPERM);
	EXPECT_ERRNO(unshare(CLONE_NEWUSER), EPERM);
	EXPECT_ERRNO(mount("none", "/nonexistent-berth-test", "tmpfs", 0, NULL), EPERM);
	EXPECT_ERRNO(umount2("/nonexistent-berth-test", 0), EPERM);
	EXPECT_ERRNO(syscall(SYS_setns, 0, 0), EPERM);

	/* Never allowed. */
	EXPECT_ERRNO(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0), EPERM);
	EXPECT_ERRNO(syscall(SYS_add_key, "user", "berth-test", "x", 1, KEY_SPEC_PROCESS_KEYRING),
		     EPERM);
	EXPECT_ERRNO(syscall(SYS_request_key, "user", "berth-test", NULL, 0), EPERM);
	EXPECT_ERRNO(syscall(SYS_userfaultfd, 0), EPERM);
	EXPECT_ERRNO(syscall(SYS_io_uring_setup, 1, NULL), EPERM);
	EXPECT_ERRNO(syscall(SYS_swapoff, "/nonexistent-berth-test"), EPERM);
	EXPECT_ERRNO(syscall(SYS_pivot_root, "/nonexistent-berth-test", "/nonexistent-berth-test"),
		     EPERM);
	EXPECT_ERRNO(syscall(SYS_kexec_file_load, -1, -1, 0, NULL, 0), EPERM);

	/* ptrace is allowed by kernel version; kcmp only with CAP_SYS_PTRACE. */
	EXPECT_ERRNO(syscall(SYS_ptrace, 2 /* PTRACE_PEEKDATA */, 0, NULL, NULL), ESRCH);
	EXPECT_ERRNO(syscall(SYS_kcmp, getpid(), getpid(), KCMP_VM, 0, 0), EPERM);

	/* Syscalls newer than the profile: ENOSYS, so a libc falls back. */
	EXPECT_ERRNO(syscall(FUTURE_SYSCALL), ENOSYS);
}

/* The default profile with Docker's default caps. */
static void test_default_profile(void **state)
{
	berr err = { 0 };
	struct stat st;

	(void)state;
	assert_int_equal(seccomp_write_default(caps_docker_default(), bpf_path, &err), 0);
	assert_int_equal(stat(bpf_path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_true(st.st_size > 0 && st.st_size % 8 == 0);
	expect_checks_pass(default_profile_checks);
}

/* With CAP_SYS_ADMIN the filter lets namespaces and mounts through. */
static void sys_admin_checks(void)
{
	char mnt[160];

	snprintf(mnt, sizeof(mnt), "%s/mnt", tmpdir);
	EXPECT_OK(unshare(CLONE_NEWNS | CLONE_NEWUTS));
	EXPECT_OK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	EXPECT_OK(mount("tmpfs", mnt, "tmpfs", 0, "size=1m"));
	EXPECT_OK(umount2(mnt, 0));
	EXPECT_OK(sethostname("berth-test", 10));
	EXPECT_OK(raw_clone(CLONE_NEWUTS));
	/* clone3 reaches the kernel, which rejects the empty arguments. */
	EXPECT_ERRNO(syscall(SYS_clone3, NULL, 0), EINVAL);
	EXPECT_ERRNO(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0), EPERM);
	EXPECT_ERRNO(syscall(SYS_kcmp, getpid(), getpid(), KCMP_VM, 0, 0), EPERM);
}

static void test_default_profile_sys_admin(void **state)
{
	char mnt[160];
	berr err = { 0 };

	(void)state;
	snprintf(mnt, sizeof(mnt), "%s/mnt", tmpdir);
	assert_true(mkdir(mnt, 0755) == 0 || errno == EEXIST);
	assert_int_equal(seccomp_write_default(caps_docker_default() | CAP_SYS_ADMIN_BIT, bpf_path, &err),
			 0);
	expect_checks_pass(sys_admin_checks);
}

/* Capabilities move single calls in and out. */
static void no_chroot_checks(void)
{
	EXPECT_ERRNO(chroot("/"), EPERM);
	EXPECT_OK(syscall(SYS_kcmp, getpid(), getpid(), KCMP_VM, 0, 0));
	EXPECT_ERRNO(unshare(CLONE_NEWNS), EPERM);
}

static void test_default_profile_follows_caps(void **state)
{
	uint64_t caps = caps_docker_default();
	berr err = { 0 };

	(void)state;
	assert_int_equal(caps_apply_changes(&caps, (const char *[]){ "SYS_PTRACE" }, 1,
					    (const char *[]){ "SYS_CHROOT" }, 1, &err),
			 0);
	assert_false(caps & CAP_SYS_CHROOT_BIT);
	assert_true(caps & CAP_SYS_PTRACE_BIT);
	assert_int_equal(seccomp_write_default(caps, bpf_path, &err), 0);
	expect_checks_pass(no_chroot_checks);
}

/* What berth-shim does after loading the filter, without no_new_privs:
 * change credentials, drop capabilities, close descriptors, exec. */
static void shim_sequence(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	gid_t groups[] = { 65534 };
	char *argv[] = { "sh", "-c", "exit 42", NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };

	EXPECT_OK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	EXPECT_OK(prctl(PR_CAPBSET_DROP, 21, 0, 0, 0));
	EXPECT_OK(setgroups(1, groups));
	EXPECT_OK(setresgid(65534, 65534, 65534));
	EXPECT_OK(setresuid(65534, 65534, 65534));
	EXPECT_OK(syscall(SYS_capset, &hdr, data));
	EXPECT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	/* Whatever failed has been reported; the exec closes the report pipe. */
	EXPECT_OK(syscall(SYS_close_range, 3, ~0U, 0x4 /* CLOSE_RANGE_CLOEXEC */));
	execve("/bin/sh", argv, envp);
	child_fail(__LINE__, "execve: %s", strerror(errno));
	_exit(1);
}

static void test_default_profile_allows_shim_sequence(void **state)
{
	berr err = { 0 };
	int status;

	(void)state;
	assert_int_equal(seccomp_write_default(caps_docker_default(), bpf_path, &err), 0);
	status = run_under_filter(shim_sequence, false);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 42);
}

/* Writing replaces the file atomically and leaves no temporary behind. */
static void test_write_replaces_file(void **state)
{
	struct dirent *de;
	berr err = { 0 };
	struct stat a, b;
	DIR *dir;

	(void)state;
	assert_int_equal(seccomp_write_default(caps_docker_default(), bpf_path, &err), 0);
	assert_int_equal(stat(bpf_path, &a), 0);
	assert_int_equal(seccomp_write_default(caps_all(), bpf_path, &err), 0);
	assert_int_equal(stat(bpf_path, &b), 0);
	assert_true(a.st_ino != b.st_ino);
	assert_true(b.st_size > a.st_size);
	dir = opendir(tmpdir);
	assert_non_null(dir);
	while ((de = readdir(dir)))
		assert_null(strstr(de->d_name, "filter.bpf."));
	closedir(dir);

	/* A directory that does not exist is a system error. */
	assert_int_equal(seccomp_write_default(0, "/nonexistent-berth-test/filter.bpf", &err), -1);
	assert_int_equal(err.kind, BERR_SYSTEM);
}

/* An allow-list profile turns one call into ENOSYS and skips unknown names. */
static void deny_getpid_checks(void)
{
	EXPECT_ERRNO(syscall(SYS_getpid), ENOSYS);
	EXPECT_OK(syscall(SYS_getppid));
	EXPECT_OK(syscall(SYS_getuid));
	/* Allow by default: no ENOSYS for future calls from the filter, but the
	 * kernel's own. */
	EXPECT_ERRNO(syscall(FUTURE_SYSCALL), ENOSYS);
}

static void test_profile_deny_getpid(void **state)
{
	berr err = { 0 };

	(void)state;
	write_profile("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		      " {\"names\": [\"getpid\", \"no_such_syscall_berth\"],"
		      "  \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}");
	assert_int_equal(seccomp_write_profile(json_path, caps_docker_default(), bpf_path, &err), 0);
	expect_checks_pass(deny_getpid_checks);
}

/* Argument conditions, includes and excludes in a custom profile. */
static const char conditions_profile[] =
	"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
	" {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 22,"
	"  \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"},"
	"            {\"index\": 0, \"value\": 131072, \"op\": \"SCMP_CMP_EQ\"}]},"
	" {\"names\": [\"getpriority\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 33,"
	"  \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"},"
	"            {\"index\": 1, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]},"
	" {\"names\": [\"umask\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 34,"
	"  \"args\": [{\"index\": 0, \"value\": 448, \"valueTwo\": 64, \"op\": \"SCMP_CMP_MASKED_EQ\"}]},"
	" {\"name\": \"getppid\", \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13,"
	"  \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
	" {\"names\": [\"getuid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 14,"
	"  \"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
	" {\"names\": [\"getgid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 15,"
	"  \"includes\": {\"minKernel\": \"99.0\"}},"
	" {\"names\": [\"getegid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 16,"
	"  \"includes\": {\"minKernel\": \"3.0\", \"arches\": [\"amd64\", \"arm64\", \"ppc64le\","
	"   \"s390x\", \"riscv64\", \"x86\", \"arm\"]}},"
	" {\"names\": [\"geteuid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 17,"
	"  \"excludes\": {\"arches\": [\"amd64\", \"arm64\", \"ppc64le\", \"s390x\", \"riscv64\","
	"   \"x86\", \"arm\"]}},"
	" {\"names\": [\"getsid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 18,"
	"  \"includes\": {\"caps\": [\"CAP_NO_SUCH_THING\"]}},"
	" {\"names\": [\"getpgrp\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 19,"
	"  \"excludes\": {\"caps\": [\"CAP_NO_SUCH_THING\"], \"minKernel\": \"99.1\"}}"
	"]}";

static void conditions_default_caps_checks(void)
{
	EXPECT_ERRNO(syscall(SYS_personality, 8), EINVAL);
	EXPECT_ERRNO(syscall(SYS_personality, 131072), EINVAL);
	EXPECT_OK(syscall(SYS_personality, 0xffffffffUL));
	/* Both conditions must hold. */
	EXPECT_ERRNO(syscall(SYS_getpriority, 0, 0), 33);
	EXPECT_OK(syscall(SYS_getpriority, 0, getpid()));
	/* (mode & 0700) == 0100 */
	EXPECT_ERRNO(syscall(SYS_umask, 0177), 34);
	EXPECT_OK(syscall(SYS_umask, 0022));
	EXPECT_OK(syscall(SYS_getppid));
	EXPECT_ERRNO(syscall(SYS_getuid), 14);
	EXPECT_OK(syscall(SYS_getgid));
	EXPECT_ERRNO(syscall(SYS_getegid), 16);
	EXPECT_OK(syscall(SYS_geteuid));
	EXPECT_OK(syscall(SYS_getsid, 0));
	EXPECT_ERRNO(syscall(SYS_getpgrp), 19);
}

static void conditions_sys_admin_checks(void)
{
	EXPECT_ERRNO(syscall(SYS_getppid), 13);
	EXPECT_OK(syscall(SYS_getuid));
}

static void test_profile_conditions(void **state)
{
	berr err = { 0 };

	(void)state;
	write_profile(conditions_profile);
	assert_int_equal(seccomp_write_profile(json_path, caps_docker_default(), bpf_path, &err), 0);
	expect_checks_pass(conditions_default_caps_checks);
	assert_int_equal(seccomp_write_profile(json_path, CAP_SYS_ADMIN_BIT, bpf_path, &err), 0);
	expect_checks_pass(conditions_sys_admin_checks);
}

/* A strict allow list: the default errno applies, future calls say ENOSYS. */
static void strict_checks(void)
{
	EXPECT_ERRNO(syscall(SYS_getppid), EACCES);
	EXPECT_ERRNO(syscall(SYS_getcwd, NULL, 0), EACCES);
	EXPECT_OK(syscall(SYS_getpid));
	EXPECT_ERRNO(syscall(FUTURE_SYSCALL), ENOSYS);
}

static void test_profile_strict_allow_list(void **state)
{
	berr err = { 0 };

	(void)state;
	write_profile("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 13,"
		      " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\","
		      "   \"SCMP_ARCH_AARCH64\", \"SCMP_ARCH_LOONGARCH64\"],"
		      " \"syscalls\": [{\"names\": [\"read\", \"write\", \"close\", \"exit\","
		      "   \"exit_group\", \"rt_sigreturn\", \"rt_sigprocmask\", \"rt_sigaction\","
		      "   \"getpid\", \"gettid\", \"tgkill\", \"mmap\", \"munmap\", \"mprotect\", \"brk\","
		      "   \"futex\", \"sigaltstack\", \"madvise\", \"sched_yield\", \"clock_gettime\","
		      "   \"fstat\", \"newfstatat\", \"prctl\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
	assert_int_equal(seccomp_write_profile(json_path, caps_docker_default(), bpf_path, &err), 0);
	expect_checks_pass(strict_checks);
}

/* archMap picks the native entry; entries for other machines are ignored. */
static void arch_map_checks(void)
{
	EXPECT_ERRNO(syscall(SYS_getpid), EPERM);
	EXPECT_OK(syscall(SYS_getppid));
}

static void test_profile_arch_map(void **state)
{
	berr err = { 0 };

	(void)state;
	write_profile("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": ["
		      " {\"architecture\": \"SCMP_ARCH_X86_64\","
		      "  \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]},"
		      " {\"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": [\"SCMP_ARCH_ARM\"]},"
		      " {\"architecture\": \"SCMP_ARCH_LOONGARCH64\", \"subArchitectures\": null}],"
		      " \"syscalls\": [{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
	assert_int_equal(seccomp_write_profile(json_path, 0, bpf_path, &err), 0);
	expect_checks_pass(arch_map_checks);
}

/* Each action does what the kernel says it does. */
static void call_getppid(void)
{
	syscall(SYS_getppid);
	child_fail(__LINE__, "survived getppid");
}

static void trace_and_log_checks(void)
{
	/* TRACE without a tracer: the kernel answers ENOSYS. */
	EXPECT_ERRNO(syscall(SYS_getppid), ENOSYS);
	EXPECT_OK(syscall(SYS_getuid));
}

/* Compiles a profile with one rule on getppid (and getuid to log). */
static void write_action_profile(const char *action)
{
	char text[512];
	berr err = { 0 };

	snprintf(text, sizeof(text),
		 "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		 " {\"names\": [\"getppid\"], \"action\": \"%s\"},"
		 " {\"names\": [\"getuid\"], \"action\": \"SCMP_ACT_LOG\"}]}",
		 action);
	write_profile(text);
	assert_int_equal(seccomp_write_profile(json_path, 0, bpf_path, &err), 0);
}

static void test_profile_actions(void **state)
{
	static const char *const killers[] = { "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
					       "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP" };
	int status;

	(void)state;
	for (size_t i = 0; i < sizeof(killers) / sizeof(killers[0]); i++) {
		write_action_profile(killers[i]);
		status = run_under_filter(call_getppid, true);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS)
			fail_msg("%s: want death by SIGSYS, got status 0x%x", killers[i], status);
	}
	write_action_profile("SCMP_ACT_TRACE");
	expect_checks_pass(trace_and_log_checks);
}

/* {} and a profile without syscalls or default action mean no seccomp. */
static void test_profile_disabled(void **state)
{
	berr err = { 0 };
	struct stat st;

	(void)state;
	write_profile("{}");
	assert_int_equal(seccomp_write_profile(json_path, 0, bpf_path, &err), 1);
	assert_int_equal(stat(bpf_path, &st), -1);
	write_profile("{\"defaultAction\": \"\", \"syscalls\": null}");
	assert_int_equal(seccomp_write_profile(json_path, 0, bpf_path, &err), 1);
	assert_int_equal(stat(bpf_path, &st), -1);
}

/* Malformed profiles are BERR_INVALID with a message that says what is wrong. */
static void test_profile_malformed(void **state)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\",", "decoding seccomp profile failed" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\"} trailing", "decoding seccomp profile failed" },
		{ "[]", "must be an object" },
		{ "{\"defaultAction\": 1}", "defaultAction must be a string" },
		{ "{\"defaultAction\": \"SCMP_ACT_FOO\"}", "unknown action \"SCMP_ACT_FOO\"" },
		{ "{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", "SCMP_ACT_NOTIFY is not supported" },
		{ "{\"syscalls\": [{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
		  "defaultAction: is missing" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}", "syscalls: must be an array" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getpid\"]}]}",
		  "syscalls[0]: action is missing" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": \"getpid\","
		  " \"action\": \"SCMP_ACT_ERRNO\"}]}",
		  "syscalls[0]: names must be an array of strings" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"name\": \"getpid\","
		  " \"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
		  "both 'name' and 'names'" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getpid\"],"
		  " \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1,"
		  " \"op\": \"SCMP_CMP_FOO\"}]}]}",
		  "syscalls[0].args[0]: unknown operator \"SCMP_CMP_FOO\"" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getpid\"],"
		  " \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1,"
		  " \"op\": \"SCMP_CMP_EQ\"}]}]}",
		  "index must be an integer from 0 to 5" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getpid\"],"
		  " \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": -1}]}",
		  "errnoRet must be an integer" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getpid\"],"
		  " \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"minKernel\": \"4\"}}]}",
		  "syscalls[0].includes: invalid kernel version \"4\"" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getpid\"],"
		  " \"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"caps\": \"CAP_SYS_ADMIN\"}}]}",
		  "syscalls[0].excludes: caps must be an array of strings" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_FOO\"]}",
		  "unknown architecture \"SCMP_ARCH_FOO\"" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\"],"
		  " \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\"}]}",
		  "both 'architectures' and 'archMap'" },
	};
	berr err;
	struct stat st;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		berr_clear(&err);
		write_profile(cases[i].text);
		if (seccomp_write_profile(json_path, 0, bpf_path, &err) != -1)
			fail_msg("accepted: %s", cases[i].text);
		assert_int_equal(err.kind, BERR_INVALID);
		if (!strstr(err.msg, cases[i].message))
			fail_msg("for %s\n want \"%s\" in \"%s\"", cases[i].text, cases[i].message, err.msg);
		assert_int_equal(stat(bpf_path, &st), -1);
	}

	berr_clear(&err);
	assert_int_equal(seccomp_write_profile("/nonexistent-berth-test.json", 0, bpf_path, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_non_null(strstr(err.msg, "opening seccomp profile (/nonexistent-berth-test.json) failed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_default_profile, test_setup),
		cmocka_unit_test_setup(test_default_profile_sys_admin, test_setup),
		cmocka_unit_test_setup(test_default_profile_follows_caps, test_setup),
		cmocka_unit_test_setup(test_default_profile_allows_shim_sequence, test_setup),
		cmocka_unit_test_setup(test_write_replaces_file, test_setup),
		cmocka_unit_test_setup(test_profile_deny_getpid, test_setup),
		cmocka_unit_test_setup(test_profile_conditions, test_setup),
		cmocka_unit_test_setup(test_profile_strict_allow_list, test_setup),
		cmocka_unit_test_setup(test_profile_arch_map, test_setup),
		cmocka_unit_test_setup(test_profile_actions, test_setup),
		cmocka_unit_test_setup(test_profile_disabled, test_setup),
		cmocka_unit_test_setup(test_profile_malformed, test_setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
