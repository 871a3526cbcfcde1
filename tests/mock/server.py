#!/usr/bin/env python3
"""Stand-in for the Turso Platform API, for the end-to-end tests.

Python 3 standard library only.  Speaks HTTP/1.1 (keep-alive allowed) over
real TLS (Python's ssl, i.e. OpenSSL: an implementation independent of the
client's BearSSL), or plain HTTP with --plain.

Usage:
    server.py --port N --cert CHAIN.pem --key KEY.pem
              --admin-token-file FILE [--state-log FILE] [--plain] [--quiet]
              [--ciphers LIST]

    --port 0            pick an ephemeral port
    --cert/--key        server chain (leaf first) and key (not with --plain)
    --admin-token-file  file holding the one bearer the server accepts besides
                        the tokens it creates (trailing CR/LF stripped)
    --state-log FILE    append one JSON object per line for every API request
                        and every failed TLS handshake (see RECORDS)
    --plain             plain HTTP instead of HTTPS
    --bind ADDR         listen on ADDR instead of 127.0.0.1 (e.g. ::1)
    --quiet             no per-request line on stderr
    --ciphers LIST      OpenSSL cipher list for TLS 1.2 and below, set before
                        the certificate is loaded; "DEFAULT:@SECLEVEL=0" lets
                        OpenSSL 3 serve certificates it deems too weak (SHA-1
                        or MD5 signatures, RSA under 2048 bits) so that the
                        client's own refusal can be tested

Once listening on 127.0.0.1, prints exactly "PORT <n>" on stdout and nothing
else on stdout ever.  A one-line summary of each request (method, path,
status) goes to stderr; header values, bodies and tokens are never printed.

API (per spec/turso-platform-openapi.json):
    POST   /v1/auth/api-tokens/{name}        create; body optional, see below
    GET    /v1/auth/api-tokens               {"tokens":[...]}
    DELETE /v1/auth/api-tokens/{name}        {"token":name} or 404
    GET    /v1/auth/validate                 {"exp":-1} for the admin token,
                                             the token's exp for a created one
    GET    /v1/organizations/{org}/api-tokens
    DELETE /v1/organizations/{org}/api-tokens/{id}
    GET    /v1/organizations/{org}/databases/{db}  {"database":{"Hostname":
                                             "{db}-{org}.turso.io",...}}
    POST   /v1/organizations/{org}/databases/{db}/auth/tokens  {"jwt":...}
           (query expiration and authorization checked; an optional body
           must be {"permissions":{"read_attach":{"databases":[...]}}})
    POST   /v1/organizations/{org}/groups/{group}/auth/tokens  {"jwt":...}
    POST   /v1/organizations/{org}/databases/{db}/auth/rotate  empty 200
    POST   /v1/organizations/{org}/groups/{group}/auth/rotate  empty 200
  Organizations, databases and groups whose name starts with "missing" do not
  exist (404); every other one does.  Path segments are percent-decoded one by
  one, so "%2F" stays inside a segment.

Every API request must carry exactly one Host header (else 400) and exactly
one "Authorization: Bearer <admin token or a live created token>" (else 401).
A create body, when sent (Content-Length > 0), must have Content-Type
application/json and be a JSON object with only the keys organization
(non-empty string), group (non-empty string) and scopes (array of the spec's
scope enum); group needs organization and a non-empty scopes; duplicate keys
are refused.  Without a body, Content-Length must be absent or 0.  Request
bodies with Transfer-Encoding are refused (400).  Violations give
400 {"error": "..."}.

FAULTS
  A create whose name starts with "fault-" triggers a fault instead of the
  normal answer (after the Host and auth checks).  The mode is the name up to
  the first ".", so "fault-500.b" is mode fault-500 (unique names per test).
  Fault tokens are not stored.  An unknown mode gives 400.
    fault-400 fault-402 fault-404 fault-409   JSON error with that status
    fault-401 fault-403                       JSON error with that status
    fault-429 fault-503                       JSON error + "Retry-After: 1"
    fault-500 fault-502                       JSON error with that status
    fault-error-object   400 {"error":{"message":..},"code":"bad_request"}
    fault-error-nonjson  500 with an HTML body
    fault-error-ctrl     400, "error" holds "\\u001b]0;x\\u0007" (JSON-escaped)
    fault-nonjson        200, Content-Type text/html, "<html>oops</html>"
    fault-truncated      200, Content-Length 100, 20 bytes, TCP close (no
                         close_notify)
    fault-chunked        valid create answer, chunked, chunk extensions, a
                         trailer, head and chunks in separate TLS records
    fault-badchunk       chunked with a non-hexadecimal chunk size
    fault-bigchunked     chunked, 10 MiB of chunks
    fault-noclose-notify close-delimited valid body, TCP close without
                         close_notify (a truncation attack: must fail)
    fault-close-delimited close-delimited valid body, close_notify sent
                         (must succeed)
    fault-cl-noclose-notify Content-Length-framed valid body, "Connection:
                         close", TCP close without close_notify (framing
                         proves the body complete: must succeed)
    fault-100continue    "100 Continue" interim response, then a valid answer
    fault-ctrl           200, token holds "\\u001b[31m" (JSON-escaped)
    fault-ctrl-raw       200, token holds a raw ESC byte (invalid JSON)
    fault-nul            200, token holds "\\u0000"
    fault-notoken        200 {"name","id"} without "token"
    fault-emptytoken     200 with "token": ""
    fault-emptybody      200 with Content-Length 0
    fault-manytokens     200 valid create answer plus a 300000-element array
                         (~600 KB: more JSON tokens than any sane cap)
    fault-deepjson       200 valid create answer plus arrays nested 5000 deep
    fault-badstatus      status line "HTTP/1.1 2x0 OK"
    fault-longheader     200 with one 100 KiB header line
    fault-manyheaders    200 with 5000 header lines
    fault-redirect       302, "Location: https://evil.example/"
    fault-close          valid answer with "Connection: close", then close
    fault-stored-bad     the token is made and stored like any other, but
                         the answer's "token" is "not a token" (unusable)
    fault-slow           sleeps 30 s before answering
    fault-drip           valid answer, body sent one byte every 0.5 s
    fault-bigbody        200, Content-Length 10 MiB, body streamed
    fault-drip-head      the whole answer, head included, one byte a second
  Raw answers (then a clean close), each breaking one rule of RFC 9112:
    fault-chunk-hex100   a chunk size of 100 hex digits
    fault-chunk-overflow a chunk size of 2^64 (17 hex digits)
    fault-chunk-wrap32   the valid answer as one chunk whose size says 2^32
                         more than it holds (a 32-bit size_t reads it as
                         the true size)
    fault-chunk-badhex   a chunk size "5g"
    fault-chunk-nocrlf   chunk data not followed by CRLF
    fault-chunk-nolast   valid chunks, then close without the last chunk
    fault-chunk-nul      a NUL byte in a chunk size line
    fault-te-cl          Transfer-Encoding: chunked and Content-Length
    fault-cl-twice       two different Content-Length fields
    fault-cl-negative    Content-Length: -1
    fault-cl-nonnumeric  Content-Length: twelve
    fault-cl-21digits    a 21-digit Content-Length
    fault-cl-wrap32      the valid answer with a Content-Length 2^32 more
                         than its length (a 32-bit size_t reads the true one)
    fault-te-gzip        Transfer-Encoding: gzip
    fault-te-notlast     Transfer-Encoding: chunked, gzip
    fault-short-cl       Content-Length 100, 20 bytes, close_notify
    fault-obsfold        a header continued on an indented line
    fault-leading-ws     the first header line starts with a space
    fault-bare-cr        a CR not followed by LF inside a header line
    fault-status-99      "HTTP/1.1 99 OK"
    fault-status-1000    "HTTP/1.1 1000 OK"
    fault-http2          "HTTP/2.0 200 OK"
    fault-http09         the body alone, no status line (HTTP/0.9)
    fault-noreason       "HTTP/1.1 200" with no reason phrase, valid answer
                         (must succeed)
  200 answers (Content-Length framed) whose JSON body is hostile:
    fault-json-truncated the valid answer cut inside the token string
    fault-token-null     "token": null
    fault-token-number   "token": 12345
    fault-token-object   "token": {"token": "..."}
    fault-token-dup      two "token" members
    fault-token-badutf8  a 0xff byte inside the token string
    fault-token-surrogate "\\ud800" (a lone surrogate) inside the token
    fault-token-utf8     "\\u00e9" (valid, printable, not ASCII) in the token
    fault-token-space    a space inside the token
    fault-json-garbage   the valid answer followed by "garbage"
    fault-json-deep100k  the valid answer plus arrays nested 100000 deep
    fault-error-ctrl-raw 400, "error" holds raw ESC and BEL bytes (not JSON)
  The same modes can be armed for ANY later API request (list, validate,
  ...) through the control interface below.

CONTROL (no authentication; never recorded):
    GET  /_mock/requests   JSON list of the request records (see RECORDS)
    GET  /_mock/tokens     JSON list of stored tokens, secret values omitted
    POST /_mock/fault      body {"mode":"fault-503","count":2}: the next 2 API
                           requests that pass the auth check get that fault
                           (with "method":"DELETE": the next 2 DELETEs)
    POST /_mock/bulk       body {"count":N,"prefix":"p"}: store N tokens
                           p-000000... in organization "bulk" at once
    POST /_mock/reset      forget requests and armed faults; body
                           {"tokens":true} also forgets the created tokens

RECORDS
  One JSON object per API request, kept in memory (GET /_mock/requests) and,
  with --state-log, appended as one line to that file before the response is
  sent (so a client that has seen the response can read its record):
    kind         "request"
    seq, conn, conn_seq  request number, connection number, number of the
                 request on its connection (keep-alive shows as conn_seq > 1)
    tls          {"version","cipher"} or null with --plain
    method, target (raw request-target), path (raw path), segments (the
                 percent-decoded path segments), query (decoded {k: [v...]}),
    version      request HTTP version
    headers      [[name, value], ...] in order, Authorization value redacted
    auth         "admin" | "created:<name>" | "invalid" | "missing" |
                 "multiple" | "malformed" (no "Bearer " prefix)
    body         request body as text (invalid UTF-8 backslash-escaped)
    body_len     its length in bytes
    body_json    the parsed body or null
    status       the status the server answered (or the fault's status)
    fault        fault mode or null
    leak         true if the admin token or a created token appeared
                 anywhere in the request except the Authorization header
                 (target, other headers, body); it is replaced by
                 "[admin]" / "[token:NAME]" in the record
  A failed TLS handshake is recorded as {"kind":"tls-handshake-failed",
  "conn", "error"} in the state log only.
  No record ever holds the admin token or a created token.
"""

import argparse
import base64
import datetime
import email.utils
import http
import http.server
import json
import re
import secrets
import socket
import ssl
import sys
import threading
import time
import urllib.parse

# Every socket read and write gives up after this long, so a test that
# leaves a connection open can never wedge the server.
SOCKET_TIMEOUT = 10

# Request bodies beyond this are refused: the largest legal create body is a
# few hundred bytes.
MAX_REQUEST_BODY = 64 * 1024

# Longest token name accepted; the real rule is unpublished.
MAX_NAME = 255

SCOPE_ENUM = [
    "read", "db:create", "db:delete", "db:configure", "db:mint-token",
    "db:rotate-creds", "group:configure", "group:mint-token",
    "group:rotate-creds", "read-only", "full-access",
]
INDIVIDUAL_SCOPES = SCOPE_ENUM[:9]
PRESETS = {"read-only": ["read"], "full-access": INDIVIDUAL_SCOPES}

# Created tokens expire a year after creation (validate reports it).
TOKEN_LIFETIME = 365 * 86400

BIG = 10 * 1024 * 1024

FAULT_STATUS = {
    "fault-400": 400, "fault-401": 401, "fault-402": 402, "fault-403": 403,
    "fault-404": 404, "fault-409": 409, "fault-429": 429, "fault-500": 500,
    "fault-502": 502, "fault-503": 503,
}
OTHER_FAULTS = [
    "fault-close", "fault-stored-bad",
    "fault-error-object", "fault-error-nonjson", "fault-error-ctrl",
    "fault-nonjson", "fault-truncated", "fault-chunked", "fault-badchunk",
    "fault-bigchunked", "fault-noclose-notify", "fault-close-delimited",
    "fault-cl-noclose-notify", "fault-100continue", "fault-ctrl",
    "fault-ctrl-raw", "fault-nul", "fault-notoken", "fault-emptytoken",
    "fault-emptybody", "fault-manytokens", "fault-deepjson",
    "fault-badstatus", "fault-longheader", "fault-manyheaders",
    "fault-redirect", "fault-slow", "fault-drip", "fault-bigbody",
    "fault-drip-head",
]


def _raw(status_line, fields, body=b""):
    """STATUS_LINE, the FIELDS [(name, value)] and BODY exactly as given:
    nothing is checked or added, so each can break one rule."""
    return (status_line + b"\r\n" +
            b"".join(n + b": " + v + b"\r\n" for n, v in fields) +
            b"\r\n" + body)


_OK = b"HTTP/1.1 200 OK"
_CT = (b"Content-Type", b"application/json")
_TE = (b"Transfer-Encoding", b"chunked")


def _cl(body):
    return (b"Content-Length", b"%d" % len(body))


def _chunks(body):
    """BODY as one chunk and the last chunk."""
    return b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"


# Raw answers, given the valid create answer G: see FAULTS in the docstring.
RAW_FAULTS = {
    "fault-chunk-hex100": lambda g: _raw(_OK, [_CT, _TE], b"f" * 100 +
                                         b"\r\n" + g + b"\r\n0\r\n\r\n"),
    "fault-chunk-overflow": lambda g: _raw(_OK, [_CT, _TE],
                                           b"10000000000000000\r\n" + g +
                                           b"\r\n0\r\n\r\n"),
    "fault-chunk-wrap32": lambda g: _raw(_OK, [_CT, _TE],
                                         b"%x\r\n" % (len(g) + 2**32) + g +
                                         b"\r\n0\r\n\r\n"),
    "fault-chunk-badhex": lambda g: _raw(_OK, [_CT, _TE], b"5g\r\n" + g +
                                         b"\r\n0\r\n\r\n"),
    "fault-chunk-nocrlf": lambda g: _raw(_OK, [_CT, _TE], b"%x\r\n" % len(g)
                                         + g + b"XX0\r\n\r\n"),
    "fault-chunk-nolast": lambda g: _raw(_OK, [_CT, _TE], b"%x\r\n" % len(g)
                                         + g + b"\r\n"),
    "fault-chunk-nul": lambda g: _raw(_OK, [_CT, _TE], b"%x\0\r\n" % len(g)
                                      + g + b"\r\n0\r\n\r\n"),
    "fault-te-cl": lambda g: _raw(_OK, [_CT, _TE, _cl(_chunks(g))],
                                  _chunks(g)),
    "fault-cl-twice": lambda g: _raw(_OK, [_CT, _cl(g), (b"Content-Length",
                                                         b"%d" % (len(g) + 1))
                                           ], g),
    "fault-cl-negative": lambda g: _raw(_OK, [_CT, (b"Content-Length",
                                                    b"-1")], g),
    "fault-cl-nonnumeric": lambda g: _raw(_OK, [_CT, (b"Content-Length",
                                                      b"twelve")], g),
    "fault-cl-21digits": lambda g: _raw(_OK, [_CT, (b"Content-Length",
                                                    b"1" + b"0" * 20)], g),
    "fault-cl-wrap32": lambda g: _raw(_OK, [_CT, (b"Content-Length",
                                                  b"%d" % (len(g) + 2**32))],
                                      g),
    "fault-te-gzip": lambda g: _raw(_OK, [_CT, (b"Transfer-Encoding",
                                                b"gzip")], g),
    "fault-te-notlast": lambda g: _raw(_OK, [_CT, (b"Transfer-Encoding",
                                                   b"chunked, gzip")],
                                       _chunks(g)),
    "fault-short-cl": lambda g: _raw(_OK, [_CT, (b"Content-Length",
                                                 b"100")], g[:20]),
    "fault-obsfold": lambda g: _raw(_OK, [_CT, _cl(g), (b"X-Folded",
                                                        b"one\r\n  two")], g),
    "fault-leading-ws": lambda g: _raw(_OK, [(b" X-Lead", b"v"), _CT, _cl(g)],
                                       g),
    "fault-bare-cr": lambda g: _raw(_OK, [(b"X-Bare", b"a\rb"), _CT, _cl(g)],
                                    g),
    "fault-status-99": lambda g: _raw(b"HTTP/1.1 99 OK", [_CT, _cl(g)], g),
    "fault-status-1000": lambda g: _raw(b"HTTP/1.1 1000 OK", [_CT, _cl(g)],
                                        g),
    "fault-http2": lambda g: _raw(b"HTTP/2.0 200 OK", [_CT, _cl(g)], g),
    "fault-http09": lambda g: g,
    "fault-noreason": lambda g: _raw(b"HTTP/1.1 200", [_CT, _cl(g)], g),
}


def _in_token(goodb, text):
    """GOODB with TEXT inserted at the start of the token string."""
    return goodb.replace(b'"token":"', b'"token":"' + text, 1)


# (status, body) from the valid answer as a dict G and as bytes B.
BODY_FAULTS = {
    "fault-json-truncated": lambda g, b: (200, b[:b.index(b'"token":"') +
                                                15]),
    "fault-token-null": lambda g, b: (200, jbytes(dict(g, token=None))),
    "fault-token-number": lambda g, b: (200, jbytes(dict(g, token=12345))),
    "fault-token-object": lambda g, b: (200, jbytes(dict(
        g, token={"token": g["token"]}))),
    "fault-token-dup": lambda g, b: (200, b[:-1] + b',"token":"eyJsecond"}'),
    "fault-token-badutf8": lambda g, b: (200, _in_token(b, b"\xff")),
    "fault-token-surrogate": lambda g, b: (200, _in_token(b, b"\\ud800")),
    "fault-token-utf8": lambda g, b: (200, _in_token(b, b"\\u00e9")),
    "fault-token-space": lambda g, b: (200, _in_token(b, b"a b")),
    "fault-json-garbage": lambda g, b: (200, b + b"garbage"),
    "fault-json-deep100k": lambda g, b: (200, b[:-1] + b',"x":' +
                                         b"[" * 100000 + b"]" * 100000 +
                                         b"}"),
    "fault-error-ctrl-raw": lambda g, b: (400, b'{"error":"bad \x1b]0;x'
                                          b'\x07 thing"}'),
}

FAULTS = (set(FAULT_STATUS) | set(OTHER_FAULTS) | set(RAW_FAULTS) |
          set(BODY_FAULTS))


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def new_id():
    """An id shaped like the spec's example "clGFZ4STEe6fljpFzIum8A"."""
    return b64url(secrets.token_bytes(16))


def new_jwt(claims):
    """A printable, JWT-shaped token; the signature is random bytes."""
    head = b64url(b'{"alg":"EdDSA","typ":"JWT"}')
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    return head + "." + body + "." + b64url(secrets.token_bytes(64))


def jbytes(obj):
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


class BadRequest(Exception):
    pass


def _no_dup_pairs(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise BadRequest("duplicate key %r in request body" % k)
        obj[k] = v
    return obj


class State:
    """Everything the server remembers, behind one lock."""

    def __init__(self, admin, log_path):
        self.lock = threading.Lock()
        self.admin = admin
        self.tokens = {}        # name -> record (holds the secret "token")
        self.requests = []
        self.faults = []        # [[mode, remaining], ...]
        self.seq = 0
        self.conn_seq = 0
        self.log_path = log_path

    def next_conn(self):
        with self.lock:
            self.conn_seq += 1
            return self.conn_seq

    def scrub_text(self, text):
        """TEXT with every secret (as is, JSON-escaped or percent-encoded)
        replaced by a label, and whether there was one.  Lock held."""
        found = False
        labels = [(self.admin, "[admin]")]
        labels += [(t["token"], "[token:%s]" % n)
                   for n, t in self.tokens.items()]
        for value, label in labels:
            for form in (value, json.dumps(value)[1:-1],
                         urllib.parse.quote(value, safe="")):
                if form and form in text:
                    found = True
                    text = text.replace(form, label)
        return text, found

    def scrub(self, rec):
        """REC with every secret replaced; "leak" says whether one was
        found (it can only be outside Authorization, already redacted)."""
        text, leak = self.scrub_text(json.dumps(rec))
        rec = json.loads(text)
        rec["leak"] = leak
        return rec

    def log(self, rec):
        with self.lock:
            if rec.get("kind") == "request":
                rec = self.scrub(rec)
                self.seq += 1
                rec["seq"] = self.seq
                self.requests.append(rec)
            if self.log_path:
                with open(self.log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(rec) + "\n")

    def classify(self, values):
        """Who the Authorization header values say the caller is."""
        if not values:
            return "missing", None
        if len(values) > 1:
            return "multiple", None
        v = values[0]
        if not v.startswith("Bearer "):
            return "malformed", None
        bearer = v[len("Bearer "):]
        with self.lock:
            if bearer == self.admin:
                return "admin", None
            for name, t in self.tokens.items():
                if t["token"] == bearer:
                    return "created:" + name, t
        return "invalid", None

    def take_fault(self, method):
        with self.lock:
            self.faults = [f for f in self.faults if f[1] > 0]
            for f in self.faults:
                if f[2] is None or f[2] == method:
                    f[1] -= 1
                    return f[0]
        return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "turso-mock/1"
    sys_version = ""
    timeout = SOCKET_TIMEOUT
    # The socket is unbuffered for writes (wbufsize 0), so every write below
    # becomes its own TLS record: that is what fault-chunked relies on.

    def __init__(self, sock, addr, server, conn_id=0, tls_info=None):
        self.conn_id = conn_id
        self.tls_info = tls_info
        super().__init__(sock, addr, server)

    def setup(self):
        super().setup()
        self.conn_requests = 0
        self.no_close_notify = False

    # -- plumbing ---------------------------------------------------------

    def log_message(self, fmt, *args):
        if not self.server.quiet:
            sys.stderr.write("mock: " + (fmt % args) + "\n")

    def log_error(self, fmt, *args):
        # http.server's messages quote the request line, which could hold
        # anything; the status that follows (log_request) is enough.
        pass

    def log_request(self, code="-", size="-"):
        # Only reached through send_error() (a request line or header block
        # http.server refused); say no more than note() would.
        if getattr(self, "command", None) and getattr(self, "path", None):
            return self.note(code)
        self.log_message("refused a malformed request: %s", code)

    def note(self, status):
        # Only the method, the raw path and the status; header values and
        # bodies are never shown, and a secret a client wrongly put in the
        # path is replaced.
        with self.server.state.lock:
            path, _ = self.server.state.scrub_text(self.path.split("?")[0])
        self.log_message("%s %s %s", self.command, path, status)

    def raw(self, data):
        self.wfile.write(data)

    def head(self, status, headers, reason=None):
        lines = ["HTTP/1.1 %d %s" % (status, reason or
                                     http.HTTPStatus(status).phrase),
                 "Date: " + email.utils.formatdate(usegmt=True),
                 "Server: turso-mock"]
        lines += ["%s: %s" % kv for kv in headers]
        if self.close_connection:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def send(self, status, body=b"", ctype="application/json", extra=()):
        hdrs = []
        if ctype is not None:
            hdrs.append(("Content-Type", ctype))
        hdrs.append(("Content-Length", str(len(body))))
        hdrs += list(extra)
        self.raw(self.head(status, hdrs) + body)

    def send_json(self, status, obj, extra=()):
        self.send(status, jbytes(obj), extra=extra)

    # -- request handling -------------------------------------------------

    def do_GET(self):
        self.dispatch()

    do_POST = do_DELETE = do_PUT = do_PATCH = do_GET

    def read_body(self):
        if self.headers.get_all("Transfer-Encoding"):
            # Read nothing: the connection is closed after the answer.
            self.close_connection = True
            raise BadRequest("Transfer-Encoding in a request is not "
                             "supported by the mock")
        cls = self.headers.get_all("Content-Length") or []
        if len(cls) > 1:
            self.close_connection = True
            raise BadRequest("more than one Content-Length")
        if not cls:
            return b""
        if not re.fullmatch(r"[0-9]{1,9}", cls[0].strip()):
            self.close_connection = True
            raise BadRequest("Content-Length is not a number")
        n = int(cls[0])
        if n > MAX_REQUEST_BODY:
            self.close_connection = True
            raise BadRequest("request body too large")
        data = self.rfile.read(n)
        if len(data) != n:
            self.close_connection = True
            raise BadRequest("request body shorter than Content-Length")
        return data

    def dispatch(self):
        self.conn_requests += 1
        target = self.path
        if target.startswith("/_mock/"):
            return self.control(target)
        rec = {
            "kind": "request", "conn": self.conn_id,
            "conn_seq": self.conn_requests, "tls": self.tls_info,
            "method": self.command, "target": target,
            "version": self.request_version, "status": None, "fault": None,
            "auth": None, "body": "", "body_len": 0, "body_json": None,
        }
        path, _, query = target.partition("?")
        rec["path"] = path
        rec["query"] = urllib.parse.parse_qs(query, keep_blank_values=True)
        segs = path.split("/")
        rec["segments"] = [urllib.parse.unquote(s, errors="strict")
                           if _decodable(s) else None for s in segs[1:]]
        auth, who = self.server.state.classify(
            self.headers.get_all("Authorization") or [])
        rec["auth"] = auth
        rec["headers"] = [[k, self.redact(k, v, auth)]
                          for k, v in self.headers.items()]
        try:
            body = self.read_body()
        except BadRequest as e:
            rec["status"] = 400
            self.server.state.log(rec)
            return self.finish_json(400, {"error": str(e)})
        rec["body"] = body.decode("utf-8", errors="backslashreplace")
        rec["body_len"] = len(body)
        try:
            rec["body_json"] = json.loads(body) if body else None
        except ValueError:
            rec["body_json"] = None
        self.rec = rec

        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not hosts[0].strip():
            return self.answer(400, {"error": "exactly one Host header is "
                                     "required"})
        if not auth.startswith("created:") and auth != "admin":
            return self.answer(401, {"error": "invalid token"})
        fault = self.server.state.take_fault(self.command)
        if fault:
            return self.fault(fault)
        return self.route(rec["segments"], body, who)

    def redact(self, name, value, auth):
        if name.lower() != "authorization":
            return value
        if auth == "admin":
            return "Bearer [admin]"
        if auth.startswith("created:"):
            return "Bearer [" + auth + "]"
        return "[%s, %d bytes]" % (auth, len(value))

    def answer(self, status, obj, extra=()):
        self.rec["status"] = status
        self.server.state.log(self.rec)
        self.finish_json(status, obj, extra)

    def finish_json(self, status, obj, extra=()):
        self.note(status)
        self.send_json(status, obj, extra)

    def answer_empty(self, status):
        self.rec["status"] = status
        self.server.state.log(self.rec)
        self.note(status)
        self.send(status, b"", ctype=None)

    # -- routes -----------------------------------------------------------

    def route(self, segs, body, who):
        m = self.command
        if None in segs:
            return self.answer(400, {"error": "bad percent-encoding in path"})
        if segs[:3] == ["v1", "auth", "api-tokens"]:
            if len(segs) == 3:
                if m != "GET":
                    return self.not_allowed("GET")
                return self.list_tokens()
            if len(segs) == 4:
                if m == "POST":
                    return self.create(segs[3], body)
                if m == "DELETE":
                    return self.revoke(segs[3])
                return self.not_allowed("POST, DELETE")
        if segs == ["v1", "auth", "validate"]:
            if m != "GET":
                return self.not_allowed("GET")
            exp = -1 if who is None else who["exp"]
            return self.answer(200, {"exp": exp})
        if len(segs) >= 4 and segs[:2] == ["v1", "organizations"]:
            return self.org_route(segs[2], segs[3:])
        return self.answer(404, {"error": "route not found"})

    def not_allowed(self, allow):
        return self.answer(405, {"error": "method not allowed"},
                           extra=[("Allow", allow)])

    def org_route(self, org, rest):
        m = self.command
        if org.startswith("missing"):
            return self.answer(404, {"error": "organization not found"})
        if rest == ["api-tokens"]:
            if m != "GET":
                return self.not_allowed("GET")
            with self.server.state.lock:
                toks = [dict(self.public(t),
                             owner={"username": "mock-user",
                                    "email": "mock-user@example.com"})
                        for t in self.server.state.tokens.values()
                        if t.get("organization") == org]
            return self.answer(200, {"tokens": toks})
        if len(rest) == 2 and rest[0] == "api-tokens":
            if m != "DELETE":
                return self.not_allowed("DELETE")
            with self.server.state.lock:
                for name, t in list(self.server.state.tokens.items()):
                    if t["id"] == rest[1] and t.get("organization") == org:
                        del self.server.state.tokens[name]
                        break
                else:
                    t = None
            if t is None:
                return self.answer(404, {"error": "token not found"})
            return self.answer(200, {"token": rest[1]})
        if len(rest) == 2 and rest[0] == "databases":
            if m != "GET":
                return self.not_allowed("GET")
            if rest[1].startswith("missing"):
                return self.answer(404, {"error": "could not find database "
                                         "with name %s: record not found" %
                                         rest[1]})
            return self.answer(200, {"database": {
                "Name": rest[1], "DbId": new_id(),
                "Hostname": "%s-%s.turso.io" % (rest[1], org),
                "group": "default", "primaryRegion": "aws-us-east-1"}})
        if (len(rest) == 4 and rest[0] in ("databases", "groups")
                and rest[2] == "auth" and rest[3] in ("tokens", "rotate")):
            kind = "database" if rest[0] == "databases" else "group"
            if m != "POST":
                return self.not_allowed("POST")
            if rest[1].startswith("missing"):
                return self.answer(404, {"error": "could not find %s with "
                                         "name %s: record not found" %
                                         (kind, rest[1])})
            if rest[3] == "rotate":
                return self.answer_empty(200)
            q = self.rec["query"]
            exp = q.get("expiration", ["never"])
            authz = q.get("authorization", ["full-access"])
            if (len(exp) != 1 or not re.fullmatch(
                    r"never|([0-9]+[wdhms])+", exp[0])):
                return self.answer(400, {"error": "Invalid expiration "
                                         "format"})
            if len(authz) != 1 or authz[0] not in ("full-access",
                                                    "read-only"):
                return self.answer(400, {"error": "Invalid authorization"})
            if self.rec["body_len"]:
                b = self.rec["body_json"]
                ok = (isinstance(b, dict) and list(b) == ["permissions"] and
                      isinstance(b["permissions"], dict) and
                      list(b["permissions"]) == ["read_attach"] and
                      isinstance(b["permissions"]["read_attach"], dict) and
                      list(b["permissions"]["read_attach"]) == ["databases"])
                dbs = b["permissions"]["read_attach"]["databases"] if ok \
                    else None
                if not (isinstance(dbs, list) and dbs and
                        all(isinstance(x, str) and x for x in dbs)):
                    return self.answer(400, {"error": "invalid token "
                                             "permissions body"})
                if not any(h.lower() == "content-type" and
                           v.startswith("application/json")
                           for h, v in self.rec["headers"]):
                    return self.answer(400, {"error": "body without "
                                             "Content-Type: application/json"})
            return self.answer(200, {"jwt": new_jwt({
                "a": "ro" if authz[0] == "read-only" else "rw",
                "iat": int(time.time()), "id": new_id()})})
        return self.answer(404, {"error": "route not found"})

    @staticmethod
    def public(t):
        return {k: v for k, v in t.items() if k not in ("token", "exp")}

    def list_tokens(self):
        with self.server.state.lock:
            toks = [self.public(t)
                    for t in self.server.state.tokens.values()]
        return self.answer(200, {"tokens": toks})

    def revoke(self, name):
        with self.server.state.lock:
            t = self.server.state.tokens.pop(name, None)
        if t is None:
            return self.answer(404, {"error": "token not found"})
        return self.answer(200, {"token": name})

    def check_create_body(self, body):
        """The restriction a create body asks for, or BadRequest."""
        if not body:
            return {}
        ctype = (self.headers.get("Content-Type") or "")
        if ctype.split(";", 1)[0].strip().lower() != "application/json":
            raise BadRequest("Content-Type must be application/json")
        try:
            obj = json.loads(body.decode("utf-8"),
                             object_pairs_hook=_no_dup_pairs)
        except UnicodeDecodeError:
            raise BadRequest("request body is not UTF-8")
        except ValueError as e:
            raise BadRequest("request body is not JSON: %s" % e)
        if not isinstance(obj, dict):
            raise BadRequest("request body must be a JSON object")
        extra = set(obj) - {"organization", "group", "scopes"}
        if extra:
            raise BadRequest("unknown field(s): %s" % ", ".join(sorted(extra)))
        for k in ("organization", "group"):
            if k in obj and (not isinstance(obj[k], str) or not obj[k]):
                raise BadRequest("%s must be a non-empty string" % k)
        out = {}
        if "organization" in obj:
            out["organization"] = obj["organization"]
        if "group" in obj:
            if "organization" not in obj:
                raise BadRequest("group requires organization")
            if not obj.get("scopes"):
                raise BadRequest("group requires a non-empty scopes list")
            out["group"] = obj["group"]
        if "scopes" in obj:
            sc = obj["scopes"]
            if not isinstance(sc, list):
                raise BadRequest("scopes must be an array")
            for s in sc:
                if not isinstance(s, str) or s not in SCOPE_ENUM:
                    raise BadRequest("invalid scope: %s" % json.dumps(s))
            expanded = []
            for s in sc:
                for e in PRESETS.get(s, [s]):
                    if e not in expanded:
                        expanded.append(e)
            out["scopes"] = expanded
        return out

    def create(self, name, body):
        stored_bad = False
        if name.startswith("fault-"):
            mode = name.split(".", 1)[0]
            if mode not in FAULTS:
                return self.answer(400, {"error": "mock: unknown fault mode "
                                         + mode})
            if mode != "fault-stored-bad":
                return self.fault(mode, name)
            self.rec["fault"] = mode
            stored_bad = True
        if not name or len(name.encode()) > MAX_NAME:
            return self.answer(400, {"error": "invalid token name length"})
        if any(ord(c) < 0x20 or ord(c) == 0x7f for c in name):
            return self.answer(400, {"error": "invalid character in token "
                                     "name"})
        try:
            restr = self.check_create_body(body)
        except BadRequest as e:
            return self.answer(400, {"error": str(e)})
        now = int(time.time())
        t = {"name": name, "id": new_id()}
        t.update(restr)
        t["created_at"] = datetime.datetime.fromtimestamp(
            now, datetime.timezone.utc).strftime("%Y-%m-%d")
        t["exp"] = now + TOKEN_LIFETIME
        t["token"] = new_jwt({"iat": now, "exp": t["exp"], "id": t["id"]})
        with self.server.state.lock:
            if name in self.server.state.tokens:
                t = None
            else:
                self.server.state.tokens[name] = t
        if t is None:
            return self.answer(409, {"error": "a token with name %s already "
                                     "exists" % name})
        if stored_bad:
            # Made and stored, but the answer is no use to the client.
            return self.answer(200, {"name": name, "id": t["id"],
                                     "token": "not a token"})
        return self.answer(200, {"name": name, "id": t["id"],
                                 "token": t["token"]})

    # -- faults -----------------------------------------------------------

    def fault(self, mode, name="fault"):
        """Answer with fault MODE; NAME goes into bodies that look valid."""
        self.rec["fault"] = mode
        good = {"name": name, "id": new_id(),
                "token": new_jwt({"iat": int(time.time()), "fault": mode})}
        goodb = jbytes(good)
        st = FAULT_STATUS.get(mode)
        if st is not None:
            extra = [("Retry-After", "1")] if st in (429, 503) else []
            return self.answer(st, {"error": "mock %s" % mode}, extra)
        if mode == "fault-close":
            # A valid answer, then the server closes the connection.
            self.close_connection = True
            return self.answer(200, good, [("Connection", "close")])
        simple = {
            "fault-error-object": (400, {"error": {"message": "nested"},
                                         "code": "bad_request"}),
            "fault-error-ctrl": (400, {"error": "bad \u001b]0;x\u0007 "
                                       "thing"}),
            "fault-ctrl": (200, dict(good, token="eyJhbGci\u001b[31mred")),
            "fault-nul": (200, dict(good, token="eyJhbGci\u0000nul")),
            "fault-notoken": (200, {"name": name, "id": good["id"]}),
            "fault-emptytoken": (200, dict(good, token="")),
            # More JSON tokens than any sane cap, in well under 1 MiB.
            "fault-manytokens": (200, dict(good, pad=[0] * 300000)),
        }
        if mode in simple:
            st, obj = simple[mode]
            return self.answer(st, obj)
        if mode in BODY_FAULTS:
            st, body = BODY_FAULTS[mode](good, goodb)
            self.rec["status"] = st
            self.server.state.log(self.rec)
            self.note(st)
            return self.send(st, body)
        if mode in RAW_FAULTS:
            self.close_connection = True
            self.server.state.log(self.rec)
            self.note("raw")
            return self.raw(RAW_FAULTS[mode](goodb))
        self.rec["status"] = {
            "fault-error-nonjson": 500, "fault-redirect": 302,
            "fault-badstatus": 200,
        }.get(mode, 200)
        self.server.state.log(self.rec)
        self.note(self.rec["status"])
        getattr(self, "f_" + mode[len("fault-"):].replace("-", "_"))(goodb)

    def f_error_nonjson(self, goodb):
        self.send(500, b"<html><body>Internal Server Error</body></html>",
                  ctype="text/html")

    def f_nonjson(self, goodb):
        self.send(200, b"<html>oops</html>", ctype="text/html")

    def f_ctrl_raw(self, goodb):
        self.send(200, goodb.replace(b'"token":"eyJ', b'"token":"\x1beyJ'))

    def f_emptybody(self, goodb):
        self.send(200, b"")

    def f_deepjson(self, goodb):
        # A well-formed create answer with one member nested 5000 deep.
        self.send(200, goodb[:-1] + b',"x":' + b"[" * 5000 + b"]" * 5000 +
                  b"}")

    def f_redirect(self, goodb):
        self.send(302, b"", ctype=None,
                  extra=[("Location", "https://evil.example/")])

    def f_truncated(self, goodb):
        self.close_connection = True
        self.no_close_notify = True
        self.raw(self.head(200, [("Content-Type", "application/json"),
                                 ("Content-Length", "100")]) + goodb[:20])

    def f_chunked(self, goodb):
        # Head split over two records, three chunks with extensions and
        # mixed-case hex, then a trailer field.
        h = self.head(200, [("Content-Type", "application/json"),
                            ("Transfer-Encoding", "chunked")])
        self.raw(h[:20])
        self.raw(h[20:])
        a, b, c = goodb[:7], goodb[7:40], goodb[40:]
        self.raw(b"%x;ext=1\r\n" % len(a) + a + b"\r\n")
        self.raw(b"%X ; name=\"quoted value\"\r\n" % len(b) + b + b"\r\n")
        self.raw(b"%x\r\n" % len(c) + c + b"\r\n")
        self.raw(b"0;last\r\nX-Mock-Trailer: yes\r\n\r\n")

    def f_badchunk(self, goodb):
        self.close_connection = True
        h = self.head(200, [("Content-Type", "application/json"),
                            ("Transfer-Encoding", "chunked")])
        self.raw(h + b"zz\r\n" + goodb + b"\r\n0\r\n\r\n")

    def f_bigchunked(self, goodb):
        self.close_connection = True
        self.raw(self.head(200, [("Content-Type", "application/json"),
                                 ("Transfer-Encoding", "chunked")]))
        piece = b" " * 65536
        try:
            self.raw(b"1\r\n[\r\n")
            for _ in range(BIG // len(piece)):
                self.raw(b"%x\r\n" % len(piece) + piece + b"\r\n")
            self.raw(b"1\r\n]\r\n0\r\n\r\n")
        except OSError:
            pass

    def close_delimited(self, goodb):
        self.close_connection = True
        # head() adds "Connection: close" once close_connection is set.
        self.raw(self.head(200, [("Content-Type", "application/json")]) +
                 goodb)

    def f_noclose_notify(self, goodb):
        self.no_close_notify = True
        self.close_delimited(goodb)

    def f_close_delimited(self, goodb):
        self.close_delimited(goodb)

    def f_cl_noclose_notify(self, goodb):
        self.close_connection = True
        self.no_close_notify = True
        self.send(200, goodb)

    def f_100continue(self, goodb):
        self.raw(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.send(200, goodb)

    def f_badstatus(self, goodb):
        self.close_connection = True
        self.raw(b"HTTP/1.1 2x0 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(goodb) + goodb)

    def f_longheader(self, goodb):
        self.close_connection = True
        self.send(200, goodb, extra=[("X-Long", "a" * (100 * 1024))])

    def f_manyheaders(self, goodb):
        self.close_connection = True
        self.send(200, goodb,
                  extra=[("X-Many-%d" % i, "v") for i in range(5000)])

    def f_slow(self, goodb):
        self.close_connection = True
        time.sleep(30)
        self.send(200, goodb)

    def f_drip(self, goodb):
        self.close_connection = True
        self.raw(self.head(200, [("Content-Type", "application/json"),
                                 ("Content-Length", str(len(goodb)))]))
        for i in range(len(goodb)):
            time.sleep(0.5)
            self.raw(goodb[i:i + 1])

    def f_drip_head(self, goodb):
        self.close_connection = True
        data = self.head(200, [("Content-Type", "application/json"),
                               ("Content-Length", str(len(goodb)))]) + goodb
        for i in range(len(data)):
            self.raw(data[i:i + 1])
            time.sleep(1)

    def f_bigbody(self, goodb):
        self.close_connection = True
        self.raw(self.head(200, [("Content-Type", "application/json"),
                                 ("Content-Length", str(BIG))]))
        piece = b" " * 65536
        try:
            for _ in range(BIG // len(piece)):
                self.raw(piece)
        except OSError:
            pass

    # -- control interface ------------------------------------------------

    def control(self, target):
        st = self.server.state
        try:
            body = self.read_body()
            obj = json.loads(body) if body else {}
        except (BadRequest, ValueError) as e:
            return self.finish_json(400, {"error": str(e)})
        if self.command == "GET" and target == "/_mock/requests":
            with st.lock:
                data = json.dumps(st.requests).encode()
            self.note(200)
            return self.send(200, data)
        if self.command == "GET" and target == "/_mock/tokens":
            with st.lock:
                toks = [self.public(t) for t in st.tokens.values()]
            return self.finish_json(200, toks)
        if self.command == "POST" and target == "/_mock/fault":
            mode, count = obj.get("mode"), obj.get("count", 1)
            method = obj.get("method")
            if mode not in FAULTS or not isinstance(count, int) or \
                    method not in (None, "GET", "POST", "DELETE"):
                return self.finish_json(400, {"error": "bad fault"})
            with st.lock:
                st.faults.append([mode, count, method])
            return self.finish_json(200, {"armed": mode, "count": count})
        if self.command == "POST" and target == "/_mock/bulk":
            count, prefix = obj.get("count"), obj.get("prefix", "bulk")
            if not isinstance(count, int) or not 0 < count <= 100000:
                return self.finish_json(400, {"error": "bad count"})
            day = time.strftime("%Y-%m-%d", time.gmtime())
            with st.lock:
                for i in range(count):
                    name = "%s-%06d" % (prefix, i)
                    st.tokens[name] = {
                        "name": name, "id": new_id(), "organization": "bulk",
                        "created_at": day, "exp": -1,
                        "token": new_jwt({"id": name})}
            return self.finish_json(200, {"created": count})
        if self.command == "POST" and target == "/_mock/reset":
            with st.lock:
                st.requests.clear()
                st.faults.clear()
                if obj.get("tokens"):
                    st.tokens.clear()
            return self.finish_json(200, {"reset": True})
        return self.finish_json(404, {"error": "no such control"})


def _decodable(seg):
    try:
        urllib.parse.unquote(seg, errors="strict")
        return True
    except UnicodeDecodeError:
        return False


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def get_request(self):
        sock, addr = self.socket.accept()
        sock.settimeout(SOCKET_TIMEOUT)
        return sock, addr

    def finish_request(self, sock, addr):
        """Run the TLS handshake in the connection's own thread, then
        serve, then close the way the handler asked for."""
        conn = self.state.next_conn()
        tls = None
        if self.ctx is not None:
            try:
                sock = self.ctx.wrap_socket(sock, server_side=True)
            except (ssl.SSLError, OSError) as e:
                self.state.log({"kind": "tls-handshake-failed",
                                "conn": conn, "error": str(e)})
                if not self.quiet:
                    sys.stderr.write("mock: tls handshake failed: %s\n" % e)
                sock.close()
                return
            tls = {"version": sock.version(), "cipher": sock.cipher()[0]}
        h = None
        try:
            h = self.RequestHandlerClass(sock, addr, self, conn, tls)
        except (OSError, ssl.SSLError):
            pass
        finally:
            self.close_conn(sock, h is None or not h.no_close_notify)

    @staticmethod
    def close_conn(sock, notify):
        """Close SOCK; send TLS close_notify first only when NOTIFY."""
        try:
            if isinstance(sock, ssl.SSLSocket):
                if notify:
                    # unwrap() sends close_notify, then waits (bounded by
                    # the timeout) for the peer's.
                    sock.settimeout(2)
                    try:
                        sock = sock.unwrap()
                    except (OSError, ssl.SSLError, ValueError):
                        pass
                else:
                    # Dropping the SSL object first makes shutdown() a bare
                    # TCP FIN: no close_notify goes out.
                    sock._sslobj = None
            try:
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            # Drain what the peer still sends so close() sends FIN, not RST.
            sock.settimeout(1)
            try:
                while socket.socket.recv(sock, 4096):
                    pass
            except OSError:
                pass
        finally:
            sock.close()

    def shutdown_request(self, request):
        # finish_request already closed the (wrapped) connection.
        pass


def main():
    ap = argparse.ArgumentParser(description="stand-in Turso Platform API")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--admin-token-file", required=True)
    ap.add_argument("--state-log")
    ap.add_argument("--plain", action="store_true")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--ciphers")
    a = ap.parse_args()

    with open(a.admin_token_file, encoding="utf-8") as f:
        admin = f.read().rstrip("\r\n")
    if not admin:
        ap.error("admin token file is empty")

    ctx = None
    if not a.plain:
        if not a.cert or not a.key:
            ap.error("--cert and --key are required without --plain")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if a.ciphers:
            # Before the chain: OpenSSL checks its security level on load.
            ctx.set_ciphers(a.ciphers)
        ctx.load_cert_chain(a.cert, a.key)

    if ":" in a.bind:
        Server.address_family = socket.AF_INET6
    srv = Server((a.bind, a.port), Handler)
    srv.ctx = ctx
    srv.quiet = a.quiet
    srv.state = State(admin, a.state_log)
    sys.stdout.write("PORT %d\n" % srv.server_address[1])
    sys.stdout.flush()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
