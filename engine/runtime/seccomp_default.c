/* Docker's default seccomp profile as data: the groups of moby's
 * profiles/seccomp/default.json, in its order, with their conditions.
 * The default action is ERRNO(EPERM); everything below is an exception. */
#include "engine/runtime/seccomp.h"

#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <sys/personality.h>

#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define ARCHES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define CAP(c) (UINT64_C(1) << (c))

/* The clone flags that make new namespaces; without CAP_SYS_ADMIN clone is
 * allowed only when none of them is set. */
#define CLONE_NAMESPACE_FLAGS                                                                \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
	 CLONE_NEWCGROUP)

/* Allowed whatever the capabilities. Absent on purpose, among others: keyctl,
 * add_key, request_key, userfaultfd, kexec_*, swapon, swapoff, io_uring_*,
 * pivot_root, uselib, vm86, _sysctl. */
static const char *const always_allowed[] = {
	"accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat",
	"capget", "capset", "chdir", "chmod", "chown", "chown32", "clock_adjtime",
	"clock_adjtime64", "clock_getres", "clock_getres_time64", "clock_gettime",
	"clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range",
	"connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create",
	"epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2",
	"epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat", "exit",
	"exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
	"fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32",
	"fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock",
	"fork", "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs",
	"fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex", "futex_requeue",
	"futex_time64", "futex_wait", "futex_waitv", "futex_wake", "futimesat", "getcpu",
	"getcwd", "getdents", "getdents64", "getegid", "getegid32", "geteuid", "geteuid32",
	"getgid", "getgid32", "getgroups", "getgroups32", "getitimer", "getpeername",
	"getpgid", "getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid",
	"getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list", "getrusage",
	"getsid", "getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday",
	"getuid", "getuid32", "getxattr", "getxattrat", "inotify_add_watch", "inotify_init",
	"inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy",
	"io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set",
	"io_setup", "io_submit", "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset",
	"landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat",
	"listen", "listmount", "listxattr", "listxattrat", "llistxattr", "_llseek",
	"lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise",
	"map_shadow_stack", "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir",
	"mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2",
	"mprotect", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
	"mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap",
	"mseal", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall",
	"munmap", "name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open",
	"openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2",
	"pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl",
	"pread64", "preadv", "preadv2", "prlimit64", "process_mrelease", "pselect6",
	"pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink",
	"readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg",
	"remap_file_pages", "removexattr", "removexattrat", "rename", "renameat", "renameat2",
	"restart_syscall", "riscv_hwprobe", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
	"rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend",
	"rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity",
	"sched_getattr", "sched_getparam", "sched_get_priority_max", "sched_get_priority_min",
	"sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64",
	"sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler",
	"sched_yield", "seccomp", "select", "semctl", "semget", "semop", "semtimedop",
	"semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto",
	"setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups",
	"setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32",
	"setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32",
	"setrlimit", "set_robust_list", "setsid", "setsockopt", "set_thread_area",
	"set_tid_address", "setuid", "setuid32", "setxattr", "setxattrat", "shmat", "shmctl",
	"shmdt", "shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4", "sigprocmask",
	"sigreturn", "socketcall", "socketpair", "splice", "stat", "stat64", "statfs",
	"statfs64", "statmount", "statx", "symlink", "symlinkat", "sync", "sync_file_range",
	"syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
	"timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime",
	"timer_settime64", "timerfd_create", "timerfd_gettime", "timerfd_gettime64",
	"timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate", "truncate64",
	"ugetrlimit", "umask", "uname", "unlink", "unlinkat", "uretprobe", "utime",
	"utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid",
	"waitpid", "write", "writev",
	NULL,
};

static const struct seccomp_rule default_rules[] = {
	{ .names = always_allowed, .action = SCMP_ACT_ALLOW },
	{
		.names = NAMES("process_vm_readv", "process_vm_writev", "ptrace"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .min_kernel_major = 4, .min_kernel_minor = 8 },
	},
	/* socket for every family but AF_ALG (38) and AF_VSOCK (40). */
	{
		.names = NAMES("socket"),
		.action = SCMP_ACT_ALLOW,
		.args = { { .index = 0, .op = SCMP_CMP_LT, .value = AF_ALG } },
		.nargs = 1,
	},
	{
		.names = NAMES("socket"),
		.action = SCMP_ACT_ALLOW,
		.args = { { .index = 0, .op = SCMP_CMP_EQ, .value = AF_NFC } },
		.nargs = 1,
	},
	{
		.names = NAMES("socket"),
		.action = SCMP_ACT_ALLOW,
		.args = { { .index = 0, .op = SCMP_CMP_GT, .value = AF_VSOCK } },
		.nargs = 1,
	},
	/* personality only to set the usual personas or to query (0xffffffff). */
	{
		.names = NAMES("personality"),
		.action = SCMP_ACT_ALLOW,
		.args = { { .index = 0, .op = SCMP_CMP_EQ, .value = PER_LINUX } },
		.nargs = 1,
	},
	{
		.names = NAMES("personality"),
		.action = SCMP_ACT_ALLOW,
		.args = { { .index = 0, .op = SCMP_CMP_EQ, .value = UNAME26 } },
		.nargs = 1,
	},
	{
		.names = NAMES("personality"),
		.action = SCMP_ACT_ALLOW,
		.args = { { .index = 0, .op = SCMP_CMP_EQ, .value = PER_LINUX32 } },
		.nargs = 1,
	},
	{
		.names = NAMES("personality"),
		.action = SCMP_ACT_ALLOW,
		.args = { { .index = 0, .op = SCMP_CMP_EQ, .value = PER_LINUX32 | UNAME26 } },
		.nargs = 1,
	},
	{
		.names = NAMES("personality"),
		.action = SCMP_ACT_ALLOW,
		.args = { { .index = 0, .op = SCMP_CMP_EQ, .value = 0xffffffffu } },
		.nargs = 1,
	},
	/* Architecture-specific calls. */
	{
		.names = NAMES("sync_file_range2", "swapcontext"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .arches = ARCHES("ppc64le") },
	},
	{
		.names = NAMES("arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2",
			       "breakpoint", "cacheflush", "set_tls"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .arches = ARCHES("arm", "arm64") },
	},
	{
		.names = NAMES("arch_prctl"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .arches = ARCHES("amd64", "x32") },
	},
	{
		.names = NAMES("modify_ldt"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .arches = ARCHES("amd64", "x32", "x86") },
	},
	{
		.names = NAMES("s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .arches = ARCHES("s390", "s390x") },
	},
	{
		.names = NAMES("riscv_flush_icache"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .arches = ARCHES("riscv64") },
	},
	/* Calls that come with capabilities. */
	{
		.names = NAMES("open_by_handle_at"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_DAC_READ_SEARCH) },
	},
	{
		.names = NAMES("bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen",
			       "fspick", "lookup_dcookie", "lsm_get_self_attr", "lsm_list_modules",
			       "lsm_set_self_attr", "mount", "mount_setattr", "move_mount", "open_tree",
			       "perf_event_open", "quotactl", "quotactl_fd", "setdomainname",
			       "sethostname", "setns", "syslog", "umount", "umount2", "unshare"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_SYS_ADMIN) },
	},
	{
		.names = NAMES("clone"),
		.action = SCMP_ACT_ALLOW,
		.args = { { .index = 0, .op = SCMP_CMP_MASKED_EQ, .value = CLONE_NAMESPACE_FLAGS } },
		.nargs = 1,
		.excludes = { .caps = CAP(CAP_SYS_ADMIN), .arches = ARCHES("s390", "s390x") },
	},
	/* s390 passes clone's flags second. */
	{
		.names = NAMES("clone"),
		.action = SCMP_ACT_ALLOW,
		.args = { { .index = 1, .op = SCMP_CMP_MASKED_EQ, .value = CLONE_NAMESPACE_FLAGS } },
		.nargs = 1,
		.includes = { .arches = ARCHES("s390", "s390x") },
		.excludes = { .caps = CAP(CAP_SYS_ADMIN) },
	},
	/* clone3's flags sit in memory a filter cannot read: ENOSYS makes libcs
	 * fall back to clone, which the filter can check. */
	{
		.names = NAMES("clone3"),
		.action = SCMP_ACT_ERRNO(38),
		.excludes = { .caps = CAP(CAP_SYS_ADMIN) },
	},
	{
		.names = NAMES("reboot"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_SYS_BOOT) },
	},
	{
		.names = NAMES("chroot"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_SYS_CHROOT) },
	},
	{
		.names = NAMES("delete_module", "init_module", "finit_module"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_SYS_MODULE) },
	},
	{
		.names = NAMES("acct"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_SYS_PACCT) },
	},
	{
		.names = NAMES("kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv",
			       "process_vm_writev", "ptrace"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_SYS_PTRACE) },
	},
	{
		.names = NAMES("iopl", "ioperm"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_SYS_RAWIO) },
	},
	{
		.names = NAMES("settimeofday", "stime", "clock_settime", "clock_settime64"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_SYS_TIME) },
	},
	{
		.names = NAMES("vhangup"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_SYS_TTY_CONFIG) },
	},
	{
		.names = NAMES("get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_SYS_NICE) },
	},
	{
		.names = NAMES("syslog"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_SYSLOG) },
	},
	{
		.names = NAMES("bpf"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_BPF) },
	},
	{
		.names = NAMES("perf_event_open"),
		.action = SCMP_ACT_ALLOW,
		.includes = { .caps = CAP(CAP_PERFMON) },
	},
};

/* Which architectures a filter covers, by the native one. */
static const struct seccomp_arch_map default_arch_map[] = {
	{ SCMP_ARCH_X86_64, { SCMP_ARCH_X86, SCMP_ARCH_X32 }, 2 },
	{ SCMP_ARCH_AARCH64, { SCMP_ARCH_ARM }, 1 },
	{ SCMP_ARCH_MIPS64, { SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64N32 }, 2 },
	{ SCMP_ARCH_MIPS64N32, { SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64 }, 2 },
	{ SCMP_ARCH_MIPSEL64, { SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64N32 }, 2 },
	{ SCMP_ARCH_MIPSEL64N32, { SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64 }, 2 },
	{ SCMP_ARCH_S390X, { SCMP_ARCH_S390 }, 1 },
	{ SCMP_ARCH_RISCV64, { 0 }, 0 },
};

/* The default profile's rules, in moby's order. */
const struct seccomp_rule *seccomp_default_rules(size_t *count)
{
	*count = sizeof(default_rules) / sizeof(default_rules[0]);
	return default_rules;
}

/* The default profile's architectures, by native architecture. */
const struct seccomp_arch_map *seccomp_default_arch_map(size_t *count)
{
	*count = sizeof(default_arch_map) / sizeof(default_arch_map[0]);
	return default_arch_map;
}
