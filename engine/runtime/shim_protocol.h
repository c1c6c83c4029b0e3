/* How berth and berth-shim, the per-container monitor, talk.
 *
 * Spawning. berth runs `berth-shim <bundle-dir> <run-dir>` where
 *   bundle-dir = <root>/containers/<id>   (holds the file "spec")
 *   run-dir    = <run-root>/containers/<id>
 * with these descriptors open:
 *   fd 3  the write end of the start pipe. The shim writes exactly one line:
 *           "ok <init-pid> <shim-pid>\n"       the container's command is running
 *           "error <kind> <message>\n"          it is not; kind is one of
 *                                               cannot_exec, cmd_not_found, system
 *         and closes it. berth reads until EOF.
 *   fd 4  optional (when the spec says "attach-fd 1"): a connected stream
 *         socket, treated as the first attach client, so a foreground `run`
 *         misses no output.
 *   fd 5  optional (when the spec says "net-join 1"): the network namespace
 *         the container's init joins instead of a new one (berth made it
 *         and its links, or it is another container's). The monitor keeps
 *         it open for its whole life, so that the namespace, and the links
 *         in it, outlive a restart of the init and end with the monitor.
 *   fd 6  optional (when the spec says "dns-fd 1"): a UDP socket bound to
 *         127.0.0.11:53 in that namespace, served by the resolver process
 *         the monitor forks (dns.c) for the container's whole life.
 * The shim forks; the first process exits at once (berth reaps it), the
 * second calls setsid(), becomes child subreaper and monitors the container.
 *
 * The spec file: one "key value" record per line; the value is the rest of
 * the line with "\\" written as "\\\\" and newline as "\\n". Repeated keys
 * form lists in order. Keys:
 *   id <64 hex>
 *   layers-dir <abs dir>        overlay lowerdirs are given relative to it
 *   lower <chainid-hex>/diff    repeated, topmost first; none = empty image
 *   upper <abs dir>   work <abs dir>   rootfs <abs dir (the mount point)>
 *   readonly-rootfs 0|1
 *   arg <string>                repeated: argv, argv[0] looked up in PATH
 *   env <KEY=VALUE>             repeated
 *   cwd <abs path>              created in the rootfs when missing
 *   user <uid|name>[:<gid|group>]   resolved from the rootfs' /etc/passwd and
 *                               /etc/group, parsed as files (never NSS)
 *   group-add <gid|group>       repeated
 *   hostname <name>
 *   etc-hostname <abs file>  etc-hosts <abs file>  etc-resolv <abs file>
 *                               bind-mounted onto /etc/hostname, hosts, resolv.conf
 *   tty 0|1    open-stdin 0|1    attach-fd 0|1
 *   console-size <rows> <cols>  the pty's size before the command runs (tty only)
 *   namespace <mount|uts|ipc|pid|net|cgroup>   repeated; net absent = host netns
 *                               (unless net-join)
 *   net-join 0|1                the init joins the namespace of fd 5
 *   dns-fd 0|1                  fd 6 is the resolver's socket
 *   dns-dir <abs dir>           where the networks' name tables are
 *                               ("<network id>": "name address" lines)
 *   dns-container <id>          dns-dir/c-<id> lists the tables of the
 *                               container's networks, one id per line
 *   dns-upstream <ipv4>         repeated: where other names go (port 53)
 *   proxy <address> <port>      repeated: fd 7, 8... listens on [::1] (a
 *                               port published there), relayed to the
 *                               container's address and port
 *   cgroup-parent <name>        e.g. "berth"; cgroup is <parent>/<id> in every
 *                               v1 hierarchy and in the v2 unified tree
 *   cgroup-set <file> <value>   repeated, e.g. "memory.limit_in_bytes 1048576";
 *                               written in order, each into the first hierarchy
 *                               that has the file (v1: by its controller prefix)
 *   rlimit <name> <soft> <hard> repeated: Docker's ulimit names (nofile, nproc,
 *                               core...), values decimal or "unlimited"; set by
 *                               the init with setrlimit before it drops privileges
 *   sysctl <key> <value>        repeated: net.ipv4.ip_forward 1 is written to the
 *                               container's /proc/sys/net/ipv4/ip_forward after
 *                               pivot_root, before /proc/sys turns read-only
 *   shm-size <bytes>            size of the /dev/shm tmpfs; absent = 64 MiB
 *   cap <number>                repeated: the capability set kept (bounding,
 *                               permitted, effective); inheritable, ambient empty
 *   seccomp <abs file>          raw struct sock_filter array; absent = unconfined
 *   no-new-privileges 0|1
 *   masked <path>               repeated (files get /dev/null, dirs a ro tmpfs)
 *   readonly <path>             repeated (bind-remounted read-only)
 *   mount <type>\t<source>\t<destination>\t<comma options>   repeated
 *   device <path> <c|b> <major> <minor> <mode-octal> [<access>]   repeated
 *                               (default set added by berth: null zero full random
 *                               urandom tty); access is the devices cgroup's
 *                               "rwm", "r"..., absent = rwm
 *   log-driver <name>           json-file, local, none, syslog, journald, gelf, fluentd
 *   log-path <abs file>         the log kept on the host (json-file's, local's, or
 *                               the cache beside a receiver); absent = none kept
 *   log-format json|local       json-file lines, or the local driver's framed
 *                               protobuf entries (logger.c)
 *   log-max-size <bytes>  log-max-file <n>  log-compress 0|1
 *                               rotation: <log>.1 ... <log>.<n-1>, gzipped to .gz
 *                               by berth-logger --compress when log-compress is 1
 *   log-mode blocking|non-blocking   log-max-buffer <bytes>
 *                               what waits for berth-logger (log_forward.c)
 *   log-store-attr <key>\t<value>   repeated: attributes kept with each entry
 *   log-helper <abs file>       berth-logger (receivers, compression)
 *   log-tag, log-attr, log-opt, log-address, log-id, log-name, log-image-id,
 *   log-image-name, log-command, log-created
 *                               berth-logger's own (engine/runtime/log_wire.h);
 *                               the monitor passes over them
 *   stop-signal <n>
 *   health <interval-ns> <timeout-ns> <start-period-ns> <retries>
 *                               runs <run-dir>/health.spec (an exec spec written
 *                               by berth) in exec mode every interval
 *
 * The run directory, written by the shim:
 *   shim.pid    "<pid> <starttime>\n" (starttime: field 22 of /proc/pid/stat)
 *   init.pid    "<pid> <starttime>\n" of the container's first process
 *   exit        "<code> <finished-unix-ns> <oom 0|1>\n", written via rename once
 *               the container's process is gone and its output is drained.
 *               code is 128+N when killed by signal N.
 *   log-dropped "<count>\n": log messages a receiver never got (non-blocking
 *               mode, or a driver's retries ran out), at most once a second
 *   health      Docker's State.Health JSON ({"Status","FailingStreak","Log"}),
 *               written via rename after every check (health check only)
 *   attach.sock unix stream socket for attach clients (mode 0600), removed
 *               as soon as the container is gone
 * When the container is gone the shim removes its cgroups, writes "exit",
 * tells attach clients, and exits. It never touches berth.db: the next berth
 * process reads the run directory and brings the store up to date.
 * A start that fails once the init exists ("error ..." on fd 3) still ends
 * with "exit": 127 (cmd_not_found), 126 (cannot_exec) or 128 (system).
 *
 * Signals to the shim: SIGTERM, SIGINT and SIGHUP SIGKILL the container's
 * init, which is then recorded and cleaned up as usual (exit 137). A shim
 * killed outright takes the container with it (the init has
 * PR_SET_PDEATHSIG SIGKILL) and leaves no "exit" and its cgroups behind.
 *
 * Attach stream, both directions on the socket, in frames:
 *   [stream:1][0][0][0][length:4 big-endian][payload]
 *   shim -> client: 1 stdout, 2 stderr, 3 exit (payload: decimal exit code,
 *                   the last frame before the shim closes the connection)
 *   client -> shim: 0 stdin (length 0 = close the container's stdin; with
 *                   a tty it sends the EOF character, ^D, instead),
 *                   4 resize (payload "<rows> <cols>")
 * With a tty all output comes as stream 1. Clients connecting later get only
 * new output. A client that stops reading gets a bounded backlog (1 MiB past
 * its socket buffer) and is then disconnected, without an exit frame: it
 * never holds up the container.
 *
 * Exec mode: `berth-shim --exec <bundle-dir> <run-dir> <run-dir>/exec-<id>.spec`
 * runs one more command in the running container (`berth exec`). Same fd 3
 * start line ("ok <pid> <monitor-pid>" or "error <kind> <message>"), same
 * fork-and-setsid detach; fd 4 is the only client, present when the spec
 * says "attach-fd 1" (no attach.sock, no log). The exec spec uses the spec
 * format with these keys only: id (must be the bundle's), arg, env (the
 * whole environment: berth merges Docker's PATH/HOSTNAME/TERM base, the
 * container's Env and the exec's), cwd (must exist: chdir failures are
 * cmd_not_found for ENOENT/ENOTDIR, cannot_exec for EACCES, as Docker
 * reports runc's), user, group-add, tty, console-size, open-stdin,
 * attach-fd, cap, seccomp, no-new-privileges, rlimit (berth copies the
 * container's; --privileged gives every capability and keeps seccomp).
 * The monitor, before anything of the container is joined, sets
 * PR_SET_DUMPABLE 0 (CVE-2019-5736), opens /proc/<init>/ns/<each> and the init's
 * cgroup.procs in every hierarchy of /proc/<init>/cgroup through a
 * /proc/<init> directory fd (init pid from init.pid, checked by start time
 * before and after) and reads the seccomp program. It joins the pid
 * namespace (setns) and forks; the child, with PR_SET_PDEATHSIG SIGKILL
 * (set again after the change of user), writes "0" to each cgroup.procs,
 * joins mnt (so / and . are the container's root), ipc, uts, net and
 * cgroup, calls setsid, takes a pty of the container's devpts (tty) or the
 * monitor's pipes or the container's /dev/null (detached), then cwd, user,
 * rlimits, env (HOME from passwd when unset), close_range, privileges in
 * the init's order, and execs with the PATH lookup of the init. Failures
 * come back as the start line's error with 127/126/128, and the child is
 * reaped (it must not stay a zombie under the container's init).
 * Frames are those above: stdout 1, stderr 2 (all 1 with a tty), exit 3,
 * stdin 0, resize 4. Unlike attach, nothing is dropped: past 256 KiB of
 * unsent frames the monitor stops reading the command's output, which then
 * waits, as under `docker exec`; a client that goes away closes the
 * command's stdin pipe and its output is discarded from then on. Once the
 * command is gone the monitor drains what its output holds, writes
 * <run-dir>/exec-<id>.exit "<code> <finished-unix-ns>\n", sends the exit
 * frame, waits up to 2 s for the client to hang up, removes
 * <run-dir>/exec-<id>.pid ("<pid> <starttime>\n" of the monitor, written
 * before "ok") and exits. SIGTERM, SIGINT and SIGHUP SIGKILL the command.
 * berth removes the spec once the start line is read; whoever takes the
 * .exit record (unlinking it) emits exec_die; a .pid whose monitor is gone
 * with no .exit is an exec lost with status 255. */
#ifndef BERTH_RUNTIME_SHIM_PROTOCOL_H
#define BERTH_RUNTIME_SHIM_PROTOCOL_H

#define SHIM_START_FD 3
#define SHIM_ATTACH_FD 4
#define SHIM_NETNS_FD 5
#define SHIM_DNS_FD 6
/* The listeners of ports published on [::1], one per "proxy <address>
 * <port>" line of the spec, in order (see shim/proxy.c). */
#define SHIM_PROXY_FD 7
#define SHIM_PROXY_MAX 16

/* The first line of a container's list of name tables (c-<id>, berth's
 * engine/network/dns_tables.c) when all its networks are internal: its
 * resolver then forwards no name, whatever it was started with. */
#define DNS_LIST_INTERNAL "!internal"

enum shim_stream {
	SHIM_STREAM_STDIN = 0,
	SHIM_STREAM_STDOUT = 1,
	SHIM_STREAM_STDERR = 2,
	SHIM_STREAM_EXIT = 3,
	SHIM_STREAM_RESIZE = 4,
};

#define SHIM_FRAME_HEADER 8

#endif
