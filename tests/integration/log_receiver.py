#!/usr/bin/python3
"""Log receivers on loopback for test_logging.sh, one per process.

log_receiver.py MODE ADDRESS OUT [options]

MODE
  udp | tcp | unix | unixgram   syslog: the bytes as received, appended to OUT
  tls                           syslog over TLS (--cert, --key): bytes to OUT
  journald                      native protocol on a unixgram socket: one JSON
                                object of fields per entry (memfd entries too)
  fluentd                       Forward protocol on tcp or unix (ADDRESS with a
                                "/" is a path): one JSON [tag, time, record,
                                options] per event; answers "chunk" with "ack"
  gelf-udp | gelf-tcp           GELF: chunks joined, gzip/zlib inflated; one
                                JSON object per message
  stall                         tcp: accepts and never reads
ADDRESS is host:port or a socket path. OUT.ready appears once listening.
--stop-after N  exits (closing everything) after N messages
"""
import argparse
import array
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
import zlib


def ready(out):
    with open(out + ".ready", "w") as f:
        f.write(str(os.getpid()))


def write_json(out, obj, lock=threading.Lock()):
    with lock:
        with open(out, "a") as f:
            f.write(json.dumps(obj) + "\n")


def write_raw(out, data, lock=threading.Lock()):
    with lock:
        with open(out, "ab") as f:
            f.write(data)


def inet(address):
    host, port = address.rsplit(":", 1)
    return host, int(port)


def stream_server(address, rcvbuf=0):
    if "/" in address:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(address)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.bind(inet(address))
    s.listen(16)
    return s


def serve_streams(server, handle):
    while True:
        conn, _ = server.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


class Counter:
    def __init__(self, stop_after):
        self.n = 0
        self.stop_after = stop_after

    def add(self, k=1):
        self.n += k
        if self.stop_after and self.n >= self.stop_after:
            os._exit(0)


def raw_syslog(args, counter):
    if args.mode in ("udp", "unixgram"):
        fam = socket.AF_INET if args.mode == "udp" else socket.AF_UNIX
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind(inet(args.address) if args.mode == "udp" else args.address)
        ready(args.out)
        while True:
            data = s.recv(1 << 20)
            write_raw(args.out, data)
            counter.add()
    server = stream_server(args.address)
    if args.mode == "tls":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
    ready(args.out)

    def handle(conn):
        if args.mode == "tls":
            try:
                conn = ctx.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                return
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            write_raw(args.out, data)
            counter.add(data.count(b"\n"))

    serve_streams(server, handle)


def journald(args, counter):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind(args.address)
    ready(args.out)
    while True:
        fds = array.array("i")
        data, anc, _, _ = s.recvmsg(1 << 20, socket.CMSG_SPACE(4 * fds.itemsize))
        for level, kind, payload in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
        for fd in fds:
            with os.fdopen(fd, "rb") as f:
                data = f.read()
        fields, i = {}, 0
        while i < len(data):
            nl = data.index(b"\n", i)
            line = data[i:nl]
            if b"=" in line:
                k, v = line.split(b"=", 1)
                i = nl + 1
            else:
                k = line
                (n,) = struct.unpack("<Q", data[nl + 1 : nl + 9])
                v = data[nl + 9 : nl + 9 + n]
                i = nl + 9 + n + 1
            fields[k.decode()] = v.decode("utf-8", "replace")
        write_json(args.out, fields)
        counter.add()


def fluentd(args, counter):
    import msgpack

    server = stream_server(args.address)
    ready(args.out)

    def handle(conn):
        unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            unpacker.feed(data)
            for event in unpacker:
                tag, when, record = event[0], event[1], event[2]
                options = event[3] if len(event) > 3 else {}
                if isinstance(when, msgpack.ExtType):
                    sec, nsec = struct.unpack(">II", when.data)
                    when = {"ext": when.code, "sec": sec, "nsec": nsec}
                write_json(args.out, [tag, when, record, options])
                if isinstance(options, dict) and "chunk" in options:
                    conn.sendall(msgpack.packb({"ack": options["chunk"]}))
                counter.add()

    serve_streams(server, handle)


def gelf_decode(payload):
    if payload[:2] == b"\x1f\x8b":
        payload = zlib.decompress(payload, 47)
    elif payload[:1] == b"\x78":
        payload = zlib.decompress(payload)
    return json.loads(payload)


def gelf_udp(args, counter):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind(inet(args.address))
    ready(args.out)
    pending = {}
    while True:
        data = s.recv(65536)
        if data[:2] == b"\x1e\x0f":
            mid, seq, count = data[2:10], data[10], data[11]
            parts = pending.setdefault(mid, {})
            parts[seq] = data[12:]
            if len(parts) < count:
                continue
            data = b"".join(parts[i] for i in range(count))
            del pending[mid]
            obj = gelf_decode(data)
            obj["_chunks"] = count
        else:
            obj = gelf_decode(data)
        write_json(args.out, obj)
        counter.add()


def gelf_tcp(args, counter):
    server = stream_server(args.address)
    ready(args.out)

    def handle(conn):
        buf = b""
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            buf += data
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                write_json(args.out, json.loads(msg))
                counter.add()

    serve_streams(server, handle)


def stall(args, counter):
    server = stream_server(args.address, rcvbuf=4096)
    ready(args.out)
    held = []
    while True:
        conn, _ = server.accept()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        held.append(conn)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode")
    p.add_argument("address")
    p.add_argument("out")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--stop-after", type=int, default=0)
    args = p.parse_args()
    counter = Counter(args.stop_after)
    modes = {"journald": journald, "fluentd": fluentd, "gelf-udp": gelf_udp,
             "gelf-tcp": gelf_tcp, "stall": stall}
    modes.get(args.mode, raw_syslog)(args, counter)


if __name__ == "__main__":
    main()
