#!/bin/bash
# `cmake --install` into a fresh prefix: berth from there runs containers
# (its monitor found in libexec), opens its console with its themes (no
# theme file beside the binary needed), and brings its manual, its
# bash and zsh completions, and the systemd units of `berth daemon`.
source "$(dirname "$0")/lib.sh"
busybox_image

build=$(dirname "$BERTH")
prefix=$TEST_DIR/prefix
expect_status "cmake --install" 0 cmake --install "$build" --prefix "$prefix"
installed=$prefix/bin/berth
expect_eq "the monitor in libexec" "yes" "$([ -x "$prefix/libexec/berth/berth-shim" ] && echo yes || echo no)"
unit=$prefix/lib/systemd/system
expect_eq "berth.socket installed" "yes" "$([ -f "$unit/berth.socket" ] && echo yes || echo no)"
expect_match "berth.service runs the daemon on systemd's socket" 'ExecStart=/.*/bin/berth daemon -H fd://' \
	"$(cat "$unit/berth.service" 2>/dev/null)"
expect_match "and stopping it leaves the containers" 'KillMode=process' "$(cat "$unit/berth.service" 2>/dev/null)"
expect_status "a container from the installed berth" 0 "$installed" run --rm busybox echo from-prefix
expect_eq "its output" "from-prefix" "$out"

# the console, from a copy of the binary that has no theme file anywhere
mkdir -p "$TEST_DIR/bare/bin" "$TEST_DIR/bare/libexec/berth"
cp "$installed" "$TEST_DIR/bare/bin/berth"
cp "$prefix/libexec/berth/berth-shim" "$TEST_DIR/bare/libexec/berth/"
session=berth-install-$$
tmux -S "$TEST_DIR/tmux.sock" new-session -d -s "$session" -x 80 -y 24 \
	"env BERTH_ROOT=$BERTH_ROOT BERTH_RUN=$BERTH_RUN BERTH_CGROUP_PARENT=$BERTH_CGROUP_PARENT HOME=$TEST_DIR TERM=xterm-256color $TEST_DIR/bare/bin/berth"
screen=""
for _ in $(seq 1 50); do
	screen=$(tmux -S "$TEST_DIR/tmux.sock" capture-pane -p -t "$session" 2>/dev/null)
	[[ "$screen" == *CONTAINER* || "$screen" == *"no theme"* ]] && break
	sleep 0.1
done
expect_match "the console opens" 'CONTAINER|NAME' "$screen"
if [[ "$screen" == *"no theme"* ]]; then bad "a theme file was needed: $screen"; else ok; fi
tmux -S "$TEST_DIR/tmux.sock" send-keys -t "$session" q
for _ in $(seq 1 50); do tmux -S "$TEST_DIR/tmux.sock" has-session -t "$session" 2>/dev/null || break; sleep 0.1; done
tmux -S "$TEST_DIR/tmux.sock" kill-server 2>/dev/null

# the manual: every command the binary lists has its section
man_page=$prefix/share/man/man1/berth.1
for c in $("$installed" --help | awk '/^Commands:/{on=1; next} /^$/{on=0} on {print $1}'); do
	grep -q "^\.SS berth $c\$" "$man_page" || bad "berth(1) has no section for $c"
done
ok
expect_match "the manual's options" '^\.B .*hostname string' "$(grep -- 'hostname' "$man_page" | head -1)"

# bash completion: commands, flags, container names
b run -d --name completed busybox sleep 600 >/dev/null
complete_words() { # WORD... (the last one being completed)
	PATH=$prefix/bin:$PATH bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _berth
		printf "%s\n" "${COMPREPLY[@]}"' _ "$prefix/share/bash-completion/completions/berth" "$@"
}
expect_eq "a command" "run" "$(complete_words berth ru)"
expect_eq "a flag" "--hostname" "$(complete_words berth run --hostn)"
expect_eq "a container" "completed" "$(complete_words berth stop comp)"
expect_eq "an image" "busybox:latest" "$(complete_words berth run busyb)"
expect_eq "a group's command" "prune" "$(complete_words berth volume pru)"
b rm -f completed >/dev/null
expect_status "zsh completion parses" 0 zsh -n "$prefix/share/zsh/vendor-completions/_berth"

finish
