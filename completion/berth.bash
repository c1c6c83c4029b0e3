# bash completion for berth: commands, flags, and the names of containers,
# images and volumes, all asked of berth itself (so they are always what
# this berth has; `--help` never opens the engine).

_berth_words() { # the commands listed under a help's "Commands:" headings
	berth "$@" --help 2>/dev/null |
		awk '/^(Management )?Commands:/ {on = 1; next} /^$/ {on = 0} on {print $1}'
}

_berth_flags() { # every flag a command's help lists
	berth "$@" --help 2>/dev/null |
		awk '/^Options:/ {on = 1; next} on && /^ / {
			for (i = 1; i <= NF; i++) if ($i ~ /^-/) { sub(/,$/, "", $i); print $i }
		}'
}

_berth_containers() { berth ps -a --format '{{.Names}}' 2>/dev/null; }
_berth_images() {
	berth images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -v '<none>'
}
_berth_volumes() { berth volume ls -q 2>/dev/null; }

_berth() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local -a typed=()
	local i cmd sub=
	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == -* ]] || typed+=("${COMP_WORDS[i]}")
	done
	if ((${#typed[@]} == 0)); then
		mapfile -t COMPREPLY < <(compgen -W "$(_berth_words)" -- "$cur")
		return
	fi
	cmd=${typed[0]}
	case $cmd in
	container | image | volume | system)
		if ((${#typed[@]} == 1)); then
			mapfile -t COMPREPLY < <(compgen -W "$(_berth_words "$cmd")" -- "$cur")
			return
		fi
		sub=${typed[1]}
		;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_berth_flags "$cmd" $sub)" -- "$cur")
		return
	fi
	case $prev in
	--network | --net) mapfile -t COMPREPLY < <(compgen -W "none host" -- "$cur"); return ;;
	--volumes-from) mapfile -t COMPREPLY < <(compgen -W "$(_berth_containers)" -- "$cur"); return ;;
	-v | --volume) mapfile -t COMPREPLY < <(compgen -W "$(_berth_volumes)" -- "$cur"); return ;;
	esac
	case "$cmd${sub:+ $sub}" in
	run | create | rmi | history | tag | save | "container run" | "container create" | \
		"image rm" | "image remove" | "image history" | "image inspect" | "image tag" | "image save")
		mapfile -t COMPREPLY < <(compgen -W "$(_berth_images)" -- "$cur") ;;
	"volume inspect" | "volume rm" | "volume remove")
		mapfile -t COMPREPLY < <(compgen -W "$(_berth_volumes)" -- "$cur") ;;
	images | ps | info | version | events | load | import | "volume create" | "volume ls" | \
		"volume list" | "volume prune" | "image ls" | "image list" | "image prune" | \
		"image load" | "image import" | "container ls" | "container list" | "container ps" | \
		"container prune" | "system info" | "system events")
		COMPREPLY=() ;;
	*) mapfile -t COMPREPLY < <(compgen -W "$(_berth_containers)" -- "$cur") ;;
	esac
}

complete -F _berth berth
