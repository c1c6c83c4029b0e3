#!/usr/bin/python3
"""Load on an Engine API unix socket: CLIENTS connections with keep-alive,
each sending GET requests in turn from PATHS for SECONDS; prints the count,
the errors (any status but 200, any broken connection) and the p50 and p99
latencies in milliseconds, as one JSON line.

    api_load.py SOCKET CLIENTS SECONDS PATH [PATH...]
"""
import json
import socket
import sys
import threading
import time


def read_response(sock, buf):
    """One HTTP/1.1 response (Content-Length or chunked); returns its
    status and what was read past it."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower()] = v.strip()
    if b"content-length" in headers:
        n = int(headers[b"content-length"])
        while len(rest) < n:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            rest += chunk
        return status, rest[n:]
    # chunked
    while True:
        while b"\r\n" not in rest:
            rest += sock.recv(65536)
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        while len(rest) < size + 2:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            rest += chunk
        rest = rest[size + 2:]
        if size == 0:
            return status, rest


def client(path_sock, paths, deadline, out):
    lat, errors = [], 0
    sock = None
    buf = b""
    i = 0
    while time.monotonic() < deadline:
        if sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path_sock)
            buf = b""
        path = paths[i % len(paths)]
        i += 1
        t = time.monotonic()
        try:
            sock.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: docker\r\n\r\n")
            status, buf = read_response(sock, buf)
            if status != 200:
                errors += 1
        except (OSError, ConnectionError, ValueError, IndexError):
            errors += 1
            sock.close()
            sock = None
            continue
        lat.append((time.monotonic() - t) * 1000)
    if sock:
        sock.close()
    out.append((lat, errors))


def main():
    sock_path, clients, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    paths = sys.argv[4:]
    deadline = time.monotonic() + seconds
    results = []
    threads = [threading.Thread(target=client, args=(sock_path, paths, deadline, results))
               for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat = sorted(x for r in results for x in r[0])
    errors = sum(r[1] for r in results)
    pick = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))], 2) if lat else None
    print(json.dumps({"requests": len(lat), "errors": errors, "p50_ms": pick(0.50),
                      "p99_ms": pick(0.99), "per_s": round(len(lat) / seconds)}))


if __name__ == "__main__":
    main()
