/* berth-shim's internal face: the spec, the error type and what each file
 * offers the others. The shim links against libc only. */
#ifndef BERTH_RUNTIME_SHIM_SHIM_H
#define BERTH_RUNTIME_SHIM_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

#include "json_text.h"

/* An error on its way to the start line: "error <kind> <msg>". */
struct shim_err {
	const char *kind; /* "system", "cannot_exec" or "cmd_not_found" */
	char msg[480];
};

/* Sets the error with an explicit kind; returns -1. */
int shim_fail(struct shim_err *err, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Sets a "system" error and appends ": strerror(errno)"; returns -1. */
int shim_sys(struct shim_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable array of strings pointing into the spec's buffer. */
struct strlist {
	char **v;
	size_t n;
};

/* One `mount` record. */
struct spec_mount {
	char *type, *source, *dest, *options;
};

/* One `device` record. */
struct spec_device {
	char *path;
	char type; /* 'c' or 'b' */
	unsigned major, minor;
	unsigned mode;
	char perms[4]; /* devices cgroup access ("rwm", "r"...), "" = rwm */
};

/* The parsed spec file; every string points into `buf`. */
struct spec {
	char *buf;
	char *path; /* the file it was read from */
	char *id, *layers_dir, *upper, *work, *rootfs;
	struct strlist lower;
	int readonly_rootfs;
	struct strlist args, env, group_add;
	char *cwd, *user, *hostname;
	char *etc_hostname, *etc_hosts, *etc_resolv;
	int tty, open_stdin, stdin_once, attach_fd;
	int net_join; /* the init joins the network namespace of fd 5 */
	int dns_fd;   /* fd 6: the resolver's socket in that namespace */
	char *dns_dir, *dns_container;
	struct strlist dns_upstreams;
	struct strlist proxies; /* "<address> <port>" of fds 7.. (ports on [::1]) */
	unsigned console_rows, console_cols; /* the pty's first size; 0 = unset */
	int namespaces; /* CLONE_NEW* flags */
	char *cgroup_parent;
	struct strlist cgroup_set; /* "<file> <value>" */
	struct strlist rlimits;    /* "<name> <soft> <hard>" */
	struct strlist sysctls;    /* "<key> <value>" */
	long long shm_size;        /* bytes of /dev/shm; 0 = 64 MiB */
	uint64_t caps;
	char *seccomp;
	int no_new_privs;
	struct strlist masked, readonly;
	struct spec_mount *mounts;
	size_t n_mounts;
	struct spec_device *devices;
	size_t n_devices;
	/* logging (log-* records): the driver, the file kept on the host and
	 * its format and rotation, the mode, the tag, the attributes, and
	 * berth-logger for receivers and compression */
	char *log_driver, *log_path, *log_format, *log_mode, *log_helper;
	long long log_max_size;
	int log_max_file;
	int log_compress;
	long long log_max_buffer;
	struct strlist log_attrs; /* "<key>\t<value>" */
	int stop_signal;
	enum { RESTART_NO, RESTART_ALWAYS, RESTART_ON_FAILURE } restart;
	int restart_max; /* on-failure: retries allowed, 0 = unlimited */
	/* health check ("health" record): 0 interval = none; durations in ns */
	long long health_interval, health_timeout, health_start_period;
	int health_retries;
};

/* spec.c */
/* Reads and checks <bundle>/spec. */
int spec_load(struct spec *s, const char *bundle_dir, struct shim_err *err);
/* Reads a spec file without checking it (the exec spec has fewer keys). */
int spec_read_file(struct spec *s, const char *path, struct shim_err *err);

/* exec_monitor.c: `berth-shim --exec <bundle-dir> <run-dir> <exec-spec>`. */
int exec_main(const char *bundle_dir, const char *run_dir, const char *spec_path);

/* cgroup.c */
/* Creates the container's cgroup in every hierarchy and applies cgroup-set. */
int cgroup_create(const struct spec *s, struct shim_err *err);
/* Moves a process into every cgroup created. */
int cgroup_enter(pid_t pid, struct shim_err *err);
/* Opens what the init needs to move itself into its cgroups (before clone). */
int cgroup_join_prepare(struct shim_err *err);
/* The v2 cgroup directory for CLONE_INTO_CGROUP, or -1. */
int cgroup_join_v2_fd(void);
/* In the init: joins every v1 hierarchy (and v2 unless born there). */
int cgroup_join_self(bool in_v2_already, struct shim_err *err);
/* In the shim, after clone: closes the prepared descriptors. */
void cgroup_join_done(void);
/* Whether the memory controller recorded an OOM kill. */
int cgroup_oom_killed(void);
/* Kills what is left in the cgroups and removes them. */
void cgroup_remove(void);

/* The descriptors the container's init is handed. */
struct init_fds {
	int sync;    /* read end: one byte from the shim once the cgroups hold us */
	int errpipe; /* write end, CLOEXEC: "<kind> <msg>" when setup or exec fails */
	int stdin_r; /* -1: /dev/null of the container (or the pty) */
	int stdout_w, stderr_w;
	int pty_sock; /* tty only: socket to send the pty master over */
};

/* container.c */
/* Clones the container's init, which sets itself up and execs; returns its pid. */
pid_t container_start(const struct spec *s, const struct init_fds *fds, struct shim_err *err);

/* root_path.c (child side) */
/* openat2 of path inside root (RESOLVE_IN_ROOT, no magic links), CLOEXEC. */
int root_path_resolve(int rootfd, const char *path, int flags);
/* Opens path inside root as O_PATH without leaving it, creating missing
 * parents and the last element (a file when is_file, else a directory). */
int root_path_open(int rootfd, const char *path, int create, int is_file, struct shim_err *err);

/* mounts.c (child side) */
/* Mounts the overlay at rootfs. */
int mnt_rootfs(const struct spec *s, struct shim_err *err);
/* Mounts /proc, /dev, /sys and the rest under rootfs. */
int mnt_standard(const struct spec *s, int rootfd, struct shim_err *err);
/* Bind-mounts the etc files and applies the `mount` records. */
int mnt_user(const struct spec *s, int rootfd, struct shim_err *err);
/* Bind-mounts the pty slave at /dev/console. */
int mnt_console(int rootfd, int ptyno, struct shim_err *err);
/* Makes rootfs the root and detaches the old one. */
int mnt_pivot(const char *rootfs, struct shim_err *err);
/* Masks and write-protects paths, after pivot_root. */
int mnt_masked_readonly(const struct spec *s, struct shim_err *err);
/* Remounts the root read-only. */
int mnt_readonly_root(struct shim_err *err);

/* devices.c (child side) */
/* Creates the `device` nodes under the rootfs' /dev. */
int dev_create(const struct spec *s, int rootfd, struct shim_err *err);
/* The devices cgroup v1 rules: deny all, allow the defaults and the spec's. */
int dev_cgroup_v1(const struct spec *s, int cgdir, struct shim_err *err);

/* cgroup_mount.c (child side, before pivot_root) */
/* Without a cgroup namespace: a read-only tmpfs at /sys/fs/cgroup with the
 * container's own cgroup of each v1 hierarchy bound read-only under its name. */
int cgroup_mount_v1(const struct spec *s, int rootfd, struct shim_err *err);

/* rlimits.c (child side, before dropping CAP_SYS_RESOURCE) */
/* Applies the `rlimit` records with setrlimit. */
int rlimits_apply(const struct spec *s, struct shim_err *err);

/* sysctl.c (child side, after pivot_root, before /proc/sys turns read-only) */
/* Writes the `sysctl` records under the container's /proc/sys. */
int sysctl_apply(const struct spec *s, struct shim_err *err);

/* caps.c (child side) */
/* Drops the bounding set and sets permitted = effective = caps. */
int caps_drop_bounding(uint64_t caps, struct shim_err *err);
int caps_apply(uint64_t caps, struct shim_err *err);

/* seccomp.c (child side) */
/* Reads the filter file into memory (before pivot_root: it is a host path). */
int seccomp_read(const char *path, void **prog, size_t *len, struct shim_err *err);
/* Installs it. */
int seccomp_load(void *prog, size_t len, struct shim_err *err);

/* user.c (child side, after pivot_root) */
struct user_ids {
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t n_groups;
	char home[256];
};
/* Resolves "user[:group]" and group-add from /etc/passwd and /etc/group. */
int user_resolve(const struct spec *s, struct user_ids *ids, struct shim_err *err);
/* setgroups, setresgid, setresuid keeping capabilities. */
int user_switch(const struct user_ids *ids, struct shim_err *err);

/* exec.c (child side) */
/* Looks argv[0] up in the container's PATH and execs; returns only on
 * failure, with the kind and the exit code (126/127) to use. */
int exec_command(const struct spec *s, char **envp, int *code, struct shim_err *err);

/* pty.c */
/* Child: opens a pty in the container's devpts, makes it the controlling
 * terminal on 0/1/2, sends the master over sock; returns the pty number. */
int pty_setup_child(int rootfd, int sock, struct shim_err *err);
/* Shim: receives the master. */
int pty_recv_master(int sock, struct shim_err *err);
/* Sets the window size. */
void pty_resize(int master, unsigned rows, unsigned cols);


/* A message's place in a line logged in pieces (ordinal 0: a whole line). */
struct log_meta {
	const char *id; /* 64 hex, the same for every piece of the line */
	int ordinal;	/* 1, 2, ... */
	bool last;	/* the line's end */
};

/* log_file.c: the log kept on the host, batched and rotated. */
struct log_file {
	const char *path, *helper; /* helper: berth-logger, for compression */
	int fd;
	long long size, max_size; /* max_size <= 0: never rotated */
	int max_file;
	bool compress;
	unsigned long long rotations; /* <log>.rotations: how many so far */
	pid_t compressor;
	char *buf;
	size_t len, cap;
};
int log_file_open(struct log_file *f, struct shim_err *err);
/* Adds one entry to the batch (rotating first when the file is full). */
void log_file_append(struct log_file *f, const void *entry, size_t n);
/* Writes the batch with one write(2). */
void log_file_flush(struct log_file *f);
/* A child was reaped: the compressor, perhaps. */
void log_file_reaped(struct log_file *f, pid_t pid);

/* logger.c */
/* Opens the log kept on the host and starts berth-logger for a receiver. */
int logger_open(const struct spec *s, const char *run_dir, struct shim_err *err);
/* Logs one message: a line (its newline, if any, is dropped: the format
 * puts its own) or, with piece, 16 KiB of a longer line. */
void logger_write(int stream, const char *data, size_t len, bool piece, const struct timespec *ts);
/* Ends a batch: what was logged reaches the file. */
void logger_flush(void);
/* A child of the monitor was reaped. */
void logger_reaped(pid_t pid);
/* The container is gone: flush, give the receiver what is queued, stop. */
void logger_close(void);
/* The container starts again (its restart policy). */
void logger_restart(void);
/* Whether logger_close has messages to hand over (it may take a while). */
bool logger_pending(void);

/* log_forward.c: messages to berth-logger, which sends them on. */
struct pollfd;
int log_forward_open(const struct spec *s, const char *run_dir, struct shim_err *err);
void log_forward_send(int stream, const char *data, size_t len, const struct log_meta *meta,
		      const struct timespec *ts);
/* Blocking mode with a full queue: the container's output waits. */
bool log_forward_full(void);
size_t log_forward_poll_fill(struct pollfd *pfd, size_t max);
/* Milliseconds until the forwarder needs the loop again; -1 = never. */
int log_forward_poll_timeout(void);
void log_forward_poll_handle(const struct pollfd *pfd, size_t n);
void log_forward_reaped(pid_t pid);
/* Messages still wait for berth-logger. */
bool log_forward_pending(void);
void log_forward_close(void);

/* attach.c */
struct monitor_io;
/* Creates <run>/attach.sock; adds fd as the first client when >= 0. What
 * clients send goes to io (stdin, resizes). */
int attach_listen(const char *run_dir, int first_client, struct monitor_io *io,
		  struct shim_err *err);
/* Output to every client as a frame. */
void attach_broadcast(int stream, const char *data, size_t len);
/* Stops taking clients and removes the socket. */
void attach_unlisten(void);
/* Sends the exit frame, flushes and closes every client. */
void attach_finish(int code);

/* health.c: the HEALTHCHECK probe, run through `berth-shim --exec`. */
struct pollfd;
/* Starts the schedule (status "starting") when the spec has a health check. */
void health_start(const struct spec *s, const char *bundle_dir, const char *run_dir);
/* Milliseconds until the health check needs the loop again; -1 = never. */
int health_poll_timeout(void);
/* Adds the running probe's descriptors to the poll set; returns how many. */
size_t health_poll_fill(struct pollfd *pfd, size_t max);
/* Handles their events and the timers (call after every poll). */
void health_poll_handle(const struct pollfd *pfd, size_t n);
/* The container is gone: ends a running probe. */
void health_stop(void);

/* The event loop's view of a file descriptor: attach.c registers its own. */
struct pollfd;
/* Adds attach's descriptors to the poll set; returns how many. */
size_t attach_poll_fill(struct pollfd *pfd, size_t max);
/* Handles their events (the same entries, in the same order). */
void attach_poll_handle(const struct pollfd *pfd, size_t n);

/* stdin_pipe.c: a command's stdin with what waits for room in the pipe. */
struct stdin_pipe {
	int fd;   /* -1: closed */
	bool tty; /* fd is the pty master: closing sends ^D and keeps it open */
	char pend[4096];
	size_t off, len;
	bool close_wanted;
};
/* Starts feeding fd (-1: none). */
void stdin_pipe_open(struct stdin_pipe *p, int fd, bool tty);
/* Writes up to 4096 bytes; what the pipe does not take now waits. */
void stdin_pipe_write(struct stdin_pipe *p, const char *data, size_t len);
/* Writes what waits (call when fd polls writable). */
void stdin_pipe_flush(struct stdin_pipe *p);
/* Closes once what waits is written. */
void stdin_pipe_close(struct stdin_pipe *p);
/* Closes now (a pipe), or sends ^D (a terminal). */
void stdin_pipe_shut(struct stdin_pipe *p);
/* Forgets the descriptor for a new run (closing a pipe, not a terminal). */
void stdin_pipe_release(struct stdin_pipe *p);

/* fileio.c */
/* Writes all of buf; returns -1 on error. */
int write_all(int fd, const void *buf, size_t len);
/* Writes a file through <path>.tmp and rename. */
int write_file_atomic(const char *path, const char *data, size_t len);
/* Field 22 of /proc/<pid>/stat. */
unsigned long long proc_starttime(pid_t pid);
/* Writes "<pid> <starttime>" to path (how berth tells a live pid from a reused one). */
int write_pid_record(const char *path, pid_t pid);

/* dns.c: forks the container's resolver, which serves fd 6 (dns-fd). */
pid_t dns_start(const struct spec *s, struct shim_err *err);
/* proxy.c: forks the relay of the ports published on [::1], which takes
 * the listeners (fds 7.., one per "proxy" line) with it. */
pid_t proxy_start(const struct spec *s, struct shim_err *err);

#endif
