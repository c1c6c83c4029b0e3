#!/usr/bin/env python3
"""Checks that calls between berth's files go downwards only.

Reads the object files of a build directory (nm: what each file defines
and what it calls), then fails when
  - files call each other in a loop (within berth, or within berth-shim);
  - a folder calls a folder its layer may not call (the table below,
    docs/ARCHITECTURE.md's picture);
  - a face calls into a subsystem other than through the engine's queue,
    beyond the few pure helpers listed in FACE_HELPERS.

usage: check-layers.py BUILD_DIR [SOURCE_DIR] [--graph]
  SOURCE_DIR: objects whose source is gone (a stale build) are skipped
  --graph: prints the folder graph
"""
import collections
import os
import subprocess
import sys

# folder -> the folders its files may call (its own is always allowed)
ALLOWED = {
    "engine/core": {"engine/store"},  # the queue opens the store, records events
    "engine/store": {"engine/core"},  # errors and file helpers only (no loop: see below)
    "engine/runtime": {"engine/core"},
    "engine/volume": {"engine/core", "engine/store", "engine/runtime"},
    "engine/registry": {"engine/core"},  # the distribution client knows no store
    "engine/image": {"engine/core", "engine/store", "engine/runtime", "engine/registry"},
    "engine/build": {"engine/core", "engine/store", "engine/runtime", "engine/image", "engine/registry",
                     "engine/container"},
    "engine/network": {"engine/core", "engine/store", "engine/runtime"},
    "engine/logging": {"engine/core", "engine/runtime"},  # drivers' options, the monitor's records
    "engine/stats": {"engine/core", "engine/store"},
    "engine/events": {"engine/core", "engine/store"},
    # the Engine API's client: the daemon serves every command but the
    # registry's, which are the client's (credentials, login, manifests)
    "engine/remote": {"engine/core", "engine/registry"},
    "engine/system": {"engine/core", "engine/store", "engine/logging"},
    "engine/container": {"engine/core", "engine/store", "engine/runtime", "engine/volume",
                         "engine/image", "engine/stats", "engine/network", "engine/events",
                         "engine/logging"},
    "engine": {"engine/core", "engine/build", "engine/container", "engine/events", "engine/image",
               "engine/logging",
               "engine/network", "engine/registry", "engine/system", "engine/volume"},
    "widgets": {"engine/core", "generated"},
    "tui": {"widgets", "engine/core", "cli"},
    "cli": {"engine/core", "engine", "tui", "api"},
    "api": {"engine/core"},
}

# The only calls a face makes into a subsystem directly: pure parsers and
# formatters, with no state, no store and no kernel. Everything else goes
# through the command queue.
FACE_HELPERS = {
    "stats_entry_from_json",     # the stats table's row from an API stats object
    "volume_parse_mount_flag",   # --mount's syntax, checked before a call
    "resources_parse_ulimit",    # --ulimit's syntax
    "security_device_mode_valid",  # --device's mode letters
    "security_sysctl_allowed",   # --sysctl's namespaced keys
}

# The one entry into another face: the console's ":" line runs the CLI.
FACE_ENTRIES = {"cli_run", "tui_main", "engine_modules",
                "api_serve",  # `berth daemon`: the API face
                "engine_config_validate"}  # `berth daemon --validate`: daemon.json, no engine


def objects(build, source):
    """Object files per program: berth's (engine, faces, widgets), the shim's, berth-logger's."""
    programs = collections.defaultdict(list)
    for d, _, files in os.walk(build):
        for f in files:
            path = os.path.join(d, f)
            if not f.endswith(".c.o") or ".dir/" not in path:
                continue
            target = path.split(".dir/")[0].rsplit("/", 1)[-1]
            if target.startswith(("test_", "fuzz_")) or "/fuzz/" in path:
                continue
            src = source_of(path)
            if source and not src.startswith("generated/") and \
                    not os.path.exists(os.path.join(source, src)):
                continue
            programs[{"berth-shim": "shim", "berth-logger": "logger"}.get(target, "berth")].append(path)
    return programs


def source_of(obj):
    return obj.split(".dir/", 1)[1][: -len(".o")]


def symbols(objs):
    defined, used = {}, collections.defaultdict(set)
    # one nm for them all: "<object>:<value> <type> <name>" per line
    out = subprocess.run(["nm", "-A"] + objs, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        obj, sep, rest = line.partition(".o:")
        if not sep:
            continue
        src = source_of(obj + ".o")
        parts = rest.split()
        if len(parts) == 3 and parts[1] in "TDBR":
            defined[parts[2]] = src
        elif len(parts) == 2 and parts[0] == "U":
            used[src].add(parts[1])
    return defined, used


def loops(graph):
    """Strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(100000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    programs = objects(args[0], args[1] if len(args) > 1 else None)
    if not programs["berth"]:
        print("check-layers: no object files under %s" % sys.argv[1], file=sys.stderr)
        return 2
    problems = []
    folder_edges = collections.Counter()
    for program, objs in sorted(programs.items()):
        defined, used = symbols(objs)
        graph = collections.defaultdict(set)
        for src in (source_of(o) for o in objs):
            graph[src]
        for src, names in used.items():
            for name in names:
                dst = defined.get(name)
                if not dst or dst == src:
                    continue
                graph[src].add(dst)
                if program != "berth":
                    continue
                a, b = os.path.dirname(src), os.path.dirname(dst)
                if a == b:
                    continue
                folder_edges[(a, b)] += 1
                face = a in ("cli", "tui", "api")
                # engine/remote: which daemon (the docker CLI's contexts and
                # config.json, a client's files) and the engine that drives it
                if face and b.startswith("engine/") and b not in ("engine/core", "engine/remote"):
                    if name in FACE_HELPERS:
                        continue
                    problems.append("%s calls %s (%s) past the command queue" % (src, name, dst))
                elif a in ("cli", "tui", "api") and b in ("cli", "tui", "api", "engine") and \
                        name not in FACE_ENTRIES:
                    problems.append("%s calls %s of %s: not a declared entry" % (src, name, dst))
                elif b not in ALLOWED.get(a, set()) and not face:
                    problems.append("%s calls %s of %s: %s may not call %s" % (src, name, dst, a, b))
        for comp in loops(graph):
            problems.append("%s: files calling each other in a loop: %s" % (program, " ".join(comp)))
    if not folder_edges:
        problems.append("no calls between folders seen: nm's output was not understood")
    if "--graph" in sys.argv:
        for (a, b), n in sorted(folder_edges.items()):
            print("%-18s -> %-18s %d" % (a, b, n))
    for p in problems:
        print("check-layers: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
