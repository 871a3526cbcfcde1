#!/usr/bin/env python3
"""reqlog.py LOG EXPR - check what the stand-in server saw.

LOG is a server's --state-log file (one JSON object per line, see the top of
tests/mock/server.py).  EXPR is a Python expression; exit 0 if it is true,
else print what was checked (never a secret: records hold none) and exit 1.

Names available in EXPR:
    R               request records, oldest first
    H               failed TLS handshake records
    creates(name)   POST create records for the decoded token NAME
    last(name)      the last of those, or {} if none
    hdr(r, name)    first value of header NAME (any case) in record r, or None
    hdrs(r, name)   all values of header NAME in record r
    json, re        the modules
A missing file is read as no records.
"""

import json
import re
import sys


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: reqlog.py LOG EXPR\n")
        return 2
    path, expr = sys.argv[1], sys.argv[2]
    recs = []
    try:
        with open(path, encoding="utf-8") as f:
            recs = [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        pass
    reqs = [r for r in recs if r.get("kind") == "request"]
    hands = [r for r in recs if r.get("kind") == "tls-handshake-failed"]

    def creates(name):
        return [r for r in reqs if r["method"] == "POST" and
                r["segments"] == ["v1", "auth", "api-tokens", name]]

    def last(name):
        c = creates(name)
        return c[-1] if c else {}

    def hdrs(r, name):
        return [v for k, v in r.get("headers", []) if k.lower() ==
                name.lower()]

    def hdr(r, name):
        v = hdrs(r, name)
        return v[0] if v else None

    env = {"R": reqs, "H": hands, "creates": creates, "last": last,
           "hdr": hdr, "hdrs": hdrs, "json": json, "re": re}
    try:
        ok = eval(expr, env)
    except Exception as e:  # the expression itself is the failure
        ok = False
        print("server check raised %s: %s" % (type(e).__name__, e))
    if ok:
        return 0
    print("server check failed: %s" % expr)
    for r in reqs[-3:]:
        print("  saw: %s %s -> %s auth=%s body=%s" % (
            r["method"], r["target"], r["status"], r["auth"],
            json.dumps(r["body"])[:200]))
    return 1


if __name__ == "__main__":
    sys.exit(main())
