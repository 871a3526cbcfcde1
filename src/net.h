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
 * 1 if the last net_connect() failed because no address (of the host, or
 * of the proxy) took the connection: refused or timed out, a failure that
 * may pass.  0 after a lookup failure or a proxy's refusal, which a retry
 * would only repeat.
 */
int net_connect_unreached(void);

/*
 * Read up to len bytes, waiting until the deadline.  Returns >0, 0 on
 * orderly close, -1 with ERR_NET set ("timed out", errno text).
 */
long net_read(int fd, unsigned char *buf, size_t len);

/* Write all of buf before the deadline; 0 or -1 with ERR_NET set. */
int net_write(int fd, const unsigned char *buf, size_t len);

/*
 * 1 if an idle kept-alive socket may carry another request: nothing is
 * waiting to be read on it.  On an idle HTTP connection, anything at all
 * (a FIN, a TLS close_notify) means the server is closing it, so a request
 * sent there might be lost after it was sent; checked before sending, it
 * provably never left.
 */
int net_idle_alive(int fd);

/* 1 if the connected socket's peer is a loopback address. */
int net_peer_is_loopback(int fd);

/* 1 if host is a loopback name or address (localhost, 127.0.0.0/8, ::1). */
int net_is_loopback(const char *host);

/*
 * An HTTP proxy for every later net_connect(): "http://[USER[:PASSWORD]@]
 * HOST[:PORT][/]" (scheme optional, as for curl; HOST a name, IPv4 or
 * [IPv6]; PORT 1080 when missing, curl's default).  USER and PASSWORD are
 * percent-decoded and sent as Proxy-Authorization: Basic.  url is kept by
 * reference, not copied (its password is only ever decoded on the stack
 * while a request is built): pass a string that lives as long as the
 * process, such as an argv or environment string.  NULL or "": no proxy.
 * Returns 0, or -1 with ERR_USAGE set for a bad URL or a scheme other than
 * http:// (an https:// proxy is refused, not silently used as http); the
 * message never quotes the URL, which may hold a password.
 *
 * net_connect(host, port) then returns a socket tunnelled to host:port
 * (CONNECT host:port) unless host is a loopback name or address or matches
 * the NO_PROXY list.  The proxy's host is resolved like any other, so
 * --resolve entries apply to it; the API host is resolved by the proxy.
 * A proxy that cannot be reached, does not answer within the connect
 * timeout, answers anything but 2xx (its status and escaped reason are in
 * the message), answers malformed, or sends a byte after its 2xx head,
 * fails net_connect() with ERR_NET.
 */
int net_set_proxy(const char *url);

/*
 * The NO_PROXY list, kept by reference like url above (NULL or "": empty).
 * Comma-separated entries, blanks around them ignored: "*" (no proxy for
 * any host); a name, matching itself and every name under it, with or
 * without a leading "." or "*." ("example.com" matches "example.com" and
 * "api.example.com", not "badexample.com"); an IPv4 or IPv6 address,
 * matching a host given as that same address (never a name that resolves
 * to it); a network "ADDR/BITS".  Any entry may end in ":PORT"
 * ("[V6]:PORT" for IPv6) and then matches only that port.  Names compare
 * case-insensitively; an entry that cannot be read matches nothing.
 */
void net_set_no_proxy(const char *list);

/*
 * The proxy settings from --proxy and the environment, in one call:
 * opt_proxy (the --proxy value, NULL when not given; "" means no proxy,
 * whatever the environment says), else the first non-empty of
 * HTTPS_PROXY, https_proxy, ALL_PROXY, all_proxy; and NO_PROXY, else
 * no_proxy.  Returns net_set_proxy()'s result, with the option or
 * variable named in the message.
 */
int net_proxy_from_env(const char *opt_proxy);

#endif
