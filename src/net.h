/*
 * net.h — resolve a host, connect to it within deadlines, move bytes.
 *
 * No heap and no libc resolver (musl's getaddrinfo allocates): --resolve
 * overrides come first, then IP literals, then /etc/hosts, then a small
 * DNS stub over UDP to the servers in /etc/resolv.conf (AAAA then A).
 * Every address found is tried in order, each within the connect timeout,
 * all within the overall deadline.  Sockets get TCP_NODELAY: a request is
 * one small write and must not wait for a delayed ACK.
 */
#ifndef NET_H
#define NET_H

#include <stddef.h>
#include <sys/socket.h>

/* --resolve entries kept; curl users rarely give more than a few. */
#define NET_RESOLVE_MAX		16
/* Addresses tried for one host (all --resolve matches, or DNS answers). */
#define NET_ADDRS_MAX		16
/* A DNS name, RFC 1035 §2.3.4. */
#define NET_HOST_MAX		253

struct net_addr {
	struct sockaddr_storage sa;
	socklen_t len;
};

struct net_resolve {
	char host[NET_HOST_MAX + 1];	/* lower-cased */
	int port;
	struct net_addr addr;
};

/*
 * Parse one curl-style "HOST:PORT:ADDR" (ADDR may be "[v6]" or bare v6)
 * and append it to the table.  Returns 0, or -1 with ERR_USAGE set.
 */
int net_resolve_add(const char *spec);

/*
 * Absolute deadline for everything that follows: now + ms (ms <= 0: none).
 * connect_ms bounds each single connect attempt (<= 0: only the deadline).
 */
void net_set_deadline(long ms);
void net_set_connect_timeout(long ms);

/* Milliseconds left before the deadline (LONG_MAX when none). */
long net_time_left(void);

/*
 * Resolve host (a name or IP literal, no brackets) and connect to port.
 * Returns a connected, blocking-mode-agnostic socket (O_NONBLOCK set; use
 * net_read/net_write), or -1 with ERR_NET set: the message names the host
 * and the last address's failure ("connection refused", "timed out"), or
 * for a lookup failure says how to use --resolve.
 */
int net_connect(const char *host, int port);

/*
 * Read up to len bytes, waiting until the deadline.  Returns >0, 0 on
 * orderly close, -1 with ERR_NET set ("timed out", errno text).
 */
long net_read(int fd, unsigned char *buf, size_t len);

/* Write all of buf before the deadline; 0 or -1 with ERR_NET set. */
int net_write(int fd, const unsigned char *buf, size_t len);

/* 1 if host is a loopback name or address (localhost, 127.0.0.0/8, ::1). */
int net_is_loopback(const char *host);

#endif
