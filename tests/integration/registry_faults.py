#!/usr/bin/env python3
"""What the registry tests put in front of, or beside, Debian's docker-registry.

  registry_faults.py proxy PORT UPSTREAM LOG
      An HTTP proxy to UPSTREAM ("http://127.0.0.1:5000") that misbehaves
      on blob downloads as told: PUT /_faults with a JSON object
        {"status": [500, 500]}      answer the next blob GETs with these
        {"truncate": [N, ...]}      send the next blobs' first N bytes, then close
        {"corrupt": 1}              flip a byte in the next blob
        {"delay": 0.2}              sleep this long between 64 KiB chunks
        {"stall": [N]}              send N bytes, then nothing until the client leaves
        {"canned": {PATH: {"type", "body", "digest"}}}  answer GETs of PATH so
      Faults touch layer blobs only (100000 bytes or more), never configs.
      Every request is logged to LOG as one JSON line: method, path, range,
      status, start and end times.
  registry_faults.py connect PORT LOG
      An HTTP proxy for HTTPS: CONNECT host:port tunnels, each logged to LOG
      as "CONNECT host:port".
  registry_faults.py token PORT KEY CERT USERS ISSUER
      A token server for the registry's token auth: GET /token with basic
      credentials from USERS ("user:password,..."); a known user gets the
      scopes asked for, anyone else a token with no access; a wrong
      password is refused. POST /token takes an OAuth2 refresh token
      ("<user>-refresh", an identity token) instead. Tokens are RS256 JWTs
      signed by KEY (openssl), carrying CERT in x5c.
"""
import base64
import http.client
import http.server
import json
import select
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse

CHUNK = 65536
BIG = 100000


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client that went away (berth cancelling a download)


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.plan = {}

    def set(self, plan):
        with self.lock:
            self.plan = plan

    def take(self, key):
        with self.lock:
            v = self.plan.get(key)
            if isinstance(v, list):
                if not v:
                    return None
                return v.pop(0)
            if key == "corrupt" and v:
                self.plan[key] = v - 1
                return True
            return v


FAULTS = Faults()
LOG_LOCK = threading.Lock()


def log(path, entry):
    with LOG_LOCK, open(path, "a") as f:
        f.write(json.dumps(entry) + "\n")


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None
    log_path = None

    def log_message(self, *args):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else None

    def do_PUT(self):
        if self.path == "/_faults":
            FAULTS.set(json.loads(self.body() or b"{}"))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.forward()

    def do_GET(self):
        self.forward()

    def do_HEAD(self):
        self.forward()

    def do_POST(self):
        self.forward()

    def do_PATCH(self):
        self.forward()

    def do_DELETE(self):
        self.forward()

    def forward(self):
        start = time.time()
        u = urllib.parse.urlsplit(self.upstream)
        body = self.body()
        entry = {"method": self.command, "path": self.path,
                 "range": self.headers.get("Range"), "start": start}
        canned = FAULTS.plan.get("canned", {}).get(self.path)
        if canned and self.command in ("GET", "HEAD"):
            payload = canned["body"].encode()
            self.send_response(200)
            self.send_header("Content-Type", canned["type"])
            if canned.get("digest"):
                self.send_header("Docker-Content-Digest", canned["digest"])
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(payload)
            entry.update(status=200, bytes=len(payload), end=time.time())
            log(self.log_path, entry)
            return
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        headers["Host"] = u.netloc
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        # layers, not configs: blobs of BIG bytes or more
        is_blob = (self.command == "GET" and "/blobs/sha256:" in self.path and
                   resp.status in (200, 206) and int(resp.getheader("Content-Length") or 0) >= BIG)
        status = FAULTS.take("status") if is_blob else None
        if status:
            resp.read()
            conn.close()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            payload = b'{"errors":[{"code":"UNKNOWN","message":"injected"}]}'
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            entry.update(status=status, bytes=0, end=time.time())
            log(self.log_path, entry)
            return
        truncate = FAULTS.take("truncate") if is_blob else None
        stall = FAULTS.take("stall") if is_blob else None
        corrupt = FAULTS.take("corrupt") if is_blob else None
        delay = FAULTS.take("delay") if is_blob else None
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() in ("connection", "transfer-encoding", "keep-alive"):
                continue
            self.send_header(k, v)
        if truncate is not None or stall is not None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        sent = 0
        try:
            if self.command != "HEAD":
                while True:
                    chunk = resp.read(CHUNK)
                    if not chunk:
                        break
                    if corrupt:
                        chunk = bytes([chunk[0] ^ 0xFF]) + chunk[1:]
                        corrupt = False
                    if truncate is not None and sent + len(chunk) >= truncate:
                        self.wfile.write(chunk[: truncate - sent])
                        sent = truncate
                        break
                    if stall is not None and sent + len(chunk) >= stall:
                        self.wfile.write(chunk[: stall - sent])
                        self.wfile.flush()
                        sent = stall
                        # the client gives up; a read on its socket tells when
                        self.connection.settimeout(120)
                        self.connection.recv(1)
                        break
                    self.wfile.write(chunk)
                    sent += len(chunk)
                    if delay:
                        self.wfile.flush()
                        time.sleep(delay)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        conn.close()
        entry.update(status=resp.status, bytes=sent, end=time.time())
        log(self.log_path, entry)


class Connect(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_path = None

    def log_message(self, *args):
        pass

    def do_CONNECT(self):
        host, _, port = self.path.rpartition(":")
        with LOG_LOCK, open(self.log_path, "a") as f:
            f.write("CONNECT %s\n" % self.path)
        try:
            upstream = socket.create_connection((host, int(port)), timeout=30)
        except OSError:
            self.send_response(502)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        conns = [self.connection, upstream]
        try:
            while True:
                ready, _, _ = select.select(conns, [], [], 60)
                if not ready:
                    break
                for r in ready:
                    data = r.recv(65536)
                    if not data:
                        return
                    (upstream if r is self.connection else self.connection).sendall(data)
        except OSError:
            pass
        finally:
            upstream.close()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Token(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    key = cert_der = issuer = None
    users = {}
    refresh = {}  # identity token -> user: "<user>-refresh" for each user

    def log_message(self, *args):
        pass

    def reply(self, status, doc):
        payload = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self):
        # OAuth2: an identity token (refresh_token) stands for its user
        n = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(n).decode())
        user = self.refresh.get(form.get("refresh_token", [""])[0])
        if form.get("grant_type") != ["refresh_token"] or not user:
            self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "invalid refresh token"}]})
            return
        self.grant(user, form.get("scope", []), form.get("service", [""])[0])

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        user = None
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            name, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            if self.users.get(name) != password:
                self.reply(401, {"errors": [{"code": "UNAUTHORIZED",
                                             "message": "incorrect username or password"}]})
                return
            user = name
        self.grant(user, q.get("scope", []), q.get("service", [""])[0])

    def grant(self, user, scopes, service):
        access = []
        for scope in scopes:
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            if user:
                access.append({"type": kind, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": user or "", "aud": service,
                  "exp": now + 300, "nbf": now - 10, "iat": now, "jti": str(time.time_ns()),
                  "access": access}
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.cert_der]}
        signing = (b64url(json.dumps(header).encode()) + "." +
                   b64url(json.dumps(claims).encode())).encode()
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key],
                             input=signing, capture_output=True, check=True).stdout
        self.reply(200, {"token": signing.decode() + "." + b64url(sig), "expires_in": 300})


def main():
    mode = sys.argv[1]
    port = int(sys.argv[2])
    if mode == "proxy":
        Proxy.upstream = sys.argv[3]
        Proxy.log_path = sys.argv[4]
        Server(("127.0.0.1", port), Proxy).serve_forever()
    elif mode == "connect":
        Connect.log_path = sys.argv[3]
        Server(("127.0.0.1", port), Connect).serve_forever()
    elif mode == "token":
        Token.key = sys.argv[3]
        der = subprocess.run(["openssl", "x509", "-in", sys.argv[4], "-outform", "DER"],
                             capture_output=True, check=True).stdout
        Token.cert_der = base64.b64encode(der).decode()
        Token.users = dict(u.split(":", 1) for u in sys.argv[5].split(","))
        Token.refresh = {name + "-refresh": name for name in Token.users}
        Token.issuer = sys.argv[6]
        Server(("127.0.0.1", port), Token).serve_forever()


if __name__ == "__main__":
    main()
