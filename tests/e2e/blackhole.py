#!/usr/bin/env python3
"""blackhole.py ADDR PORT - a listener that never answers a connect.

Binds ADDR:PORT with a backlog of 0 and fills its accept queue with its
own connections, so the kernel drops every further SYN: a client's
connect to ADDR:PORT neither succeeds nor is refused, it times out, as
with a dead host.  Prints READY, then holds for 60 s (or until killed).
"""
import socket
import sys
import time

addr, port = sys.argv[1], int(sys.argv[2])
lst = socket.socket()
lst.bind((addr, port))
lst.listen(0)
held = []
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect((addr, port))
    except BlockingIOError:
        pass
    held.append(c)
time.sleep(0.2)
print("READY", flush=True)
time.sleep(60)
