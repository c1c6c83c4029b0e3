#!/bin/bash
# Writes berth(1) from the binary's own help: every command with its usage
# and options, so the manual never says what the program does not do.
#   man/gen-man.sh path/to/berth > berth.1
set -euo pipefail
berth=${1:?usage: gen-man.sh path/to/berth}
export BERTH_ROOT=/nonexistent-berth-root # --help never opens the engine

# roff-escape: backslashes and leading dots or quotes
esc() { sed -e 's/\\/\\e/g' -e 's/^\([.'"'"']\)/\\\&\1/' -e 's/-/\\-/g'; }

commands=$("$berth" --help | awk '/^Commands:/{on=1; next} /^$/{on=0} on {print $1}')
groups=$("$berth" --help | awk '/^Management Commands:/{on=1; next} /^$/{on=0} on {print $1}')

cat <<HEAD
.TH BERTH 1 "$(date -u +%Y-%m-%d -d @"${SOURCE_DATE_EPOCH:-$(date +%s)}")" "berth" "User Commands"
.SH NAME
berth \\- a container engine and its console, with Docker's commands
.SH SYNOPSIS
.B berth
.br
.B berth
.I COMMAND
.RI [ OPTIONS ]
.RI [ ARG ...]
.SH DESCRIPTION
With no command on a terminal, berth opens its console: panes for
containers, images, networks, volumes, live stats and logs, driven by the
keyboard (press ? for its keys). With a command, berth is a command line
that speaks Docker's language: the same commands, flags, output columns,
exit statuses and error words. There is no daemon: every berth process
opens the store and reads the truth from the kernel; containers outlive
the berth that started them, watched by a small monitor each.
.SH COMMANDS
HEAD

section() { # NAME...: one .SS per command, its usage, summary and options
	local usage
	usage=$("$berth" "$@" --help)
	echo ".SS berth $*"
	printf '%s\n' "$usage" | awk 'NF && !/^Usage:/ && !/^Options:/ && !/^ / {print; exit}' | esc
	echo ".PP"
	printf '%s\n' "$usage" | awk '/^Usage:/ {sub(/^Usage: +/, ""); print}' | esc | sed 's/^/.B /'
	if printf '%s\n' "$usage" | grep -q '^Options:'; then
		echo ".RS"
		printf '%s\n' "$usage" | awk '/^Options:/{on=1; next} on && /^ /' | while IFS= read -r line; do
			flag=$(printf '%s' "$line" | sed -E 's/^ +//; s/  +.*//')
			text=$(printf '%s' "$line" | sed -E 's/^ +[^ ].*[^ ]  +//')
			echo ".TP"
			printf '%s\n' "$flag" | esc | sed 's/^/.B /'
			printf '%s\n' "$text" | esc
		done
		echo ".RE"
	fi
}

for c in $commands; do
	section "$c"
done
for g in $groups; do
	for c in $("$berth" "$g" --help | awk '/^Commands:/{on=1; next} /^$/{on=0} on {print $1}'); do
		section "$g" "$c"
	done
done

cat <<'TAIL'
.SH ENVIRONMENT
.TP
.B BERTH_ROOT
The data root: store, images, containers, volumes (default /var/lib/berth).
Private to root (0700); refused when another user owns it.
.TP
.B BERTH_RUN
The run root: monitors' sockets, pid and exit files (default /run/berth).
.TP
.B BERTH_CGROUP_PARENT
The cgroup under which containers' cgroups are made (default berth).
.TP
.B BERTH_SHIM
The monitor binary, when it is neither beside berth nor in ../libexec/berth.
.TP
.B BERTH_THEME
The console's theme: dark, light, high-contrast, monochrome, or one of
~/.config/berth/themes.
.TP
.B NO_COLOR
Set: the console draws without colour.
.SH FILES
.TP
.I /var/lib/berth/berth.db
The store (SQLite), 0600.
.TP
.I ~/.config/berth/themes/*.theme
Console themes of the user's own; they add to or override the built-in ones.
.SH EXIT STATUS
125 for a bad flag or a run the engine refuses; 126 when the container's
command cannot be run; 127 when it does not exist; the container's own
status for a foreground run; 1 for other errors, as the docker CLI.
.SH SEE ALSO
.BR docker (1)
TAIL
