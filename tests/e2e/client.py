#!/usr/bin/env python3
"""client.py PORT CA PATH [--data JSON] [--bearer-file FILE] - talk to the
stand-in server as api.turso.tech on 127.0.0.1:PORT, trusting CA.

Prints the response body on stdout and exits 0 for a 2xx status, else 1.
With --data the request is a POST of that JSON; with --bearer-file the
first line of FILE is sent as "Authorization: Bearer ..." (a credential
never goes through argv).  Only the tests use this; it needs nothing but
Python's standard library, so the suite does not depend on curl.
"""

import argparse
import http.client
import socket
import ssl
import sys


class Conn(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 while verifying the name api.turso.tech."""

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.port), 10)
        self.sock = self._context.wrap_socket(raw,
                                              server_hostname=self.host)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("ca")
    ap.add_argument("path")
    ap.add_argument("--data")
    ap.add_argument("--bearer-file")
    a = ap.parse_args()
    ctx = ssl.create_default_context(cafile=a.ca)
    c = Conn("api.turso.tech", a.port, context=ctx, timeout=10)
    headers = {}
    if a.bearer_file:
        with open(a.bearer_file, encoding="utf-8") as f:
            headers["Authorization"] = "Bearer " + f.readline().rstrip("\n")
    body = None
    if a.data is not None:
        body = a.data.encode()
        headers["Content-Type"] = "application/json"
    c.request("POST" if body is not None else "GET", a.path, body, headers)
    r = c.getresponse()
    sys.stdout.write(r.read().decode("utf-8", "replace"))
    return 0 if 200 <= r.status < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
