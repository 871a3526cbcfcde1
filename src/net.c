/*
 * net.c — find a host's addresses without the libc resolver, connect
 * within deadlines, and move bytes without ever blocking past them.
 *
 * Lookup order: --resolve entries for host:port (only those, when any
 * match); an IP literal; names under "localhost", which are always the
 * loopback addresses (RFC 6761 §6.3) so that the plain-http exception for
 * loopback cannot be steered elsewhere by a DNS answer; /etc/hosts; then
 * a DNS stub (RFC 1035) asking the resolv.conf servers over UDP for AAAA
 * and A at once.
 *
 * With an HTTP proxy set, net_connect() looks up and connects to the
 * proxy by the same rules and opens a CONNECT tunnel (RFC 9110 §9.3.6)
 * to the host, which the proxy resolves.  What goes through the tunnel
 * is the caller's business: TLS and its checks stay end to end.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/types.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "http.h"
#include "net.h"
#include "text.h"

/*
 * /etc/hosts is read whole into the stack.  Real ones are a few hundred
 * bytes; ad-blocking lists run to megabytes, and of those only the first
 * 64 KiB are looked at (a cut last line is dropped, never half-parsed).
 */
#define NET_HOSTS_FILE_MAX	(64 * 1024)
/* resolv.conf is a handful of lines; 8 KiB leaves room for comments. */
#define NET_RESOLV_FILE_MAX	(8 * 1024)
/* Servers used, as many as the libc resolvers use (MAXNS). */
#define DNS_SERVERS_MAX		3
/*
 * One try waits 2 s and each server gets 2 tries: shorter than the libc
 * default (5 s) so that a dead first server leaves time for the next
 * within a typical --max-time.  The deadline always wins.
 */
#define DNS_TRY_MS		2000
#define DNS_TRIES		2
#define DNS_PORT		53
/* An encoded name, root label included (RFC 1035 §2.3.4). */
#define DNS_NAME_MAX		255
/* A query: header, the longest name, type and class. */
#define DNS_QUERY_MAX		(12 + DNS_NAME_MAX + 4)
/*
 * We send no EDNS, so answers are at most 512 bytes (RFC 1035 §4.2.1);
 * the larger buffer reads an oversized answer from a lax server whole
 * instead of parsing a cut one.
 */
#define DNS_REPLY_MAX		4096
/*
 * Compression pointers followed within one name.  Real answers chain two
 * or three; each pointer must also point before the last one, so this is
 * a second guard, not the only one.
 */
#define DNS_PTR_MAX		32
/* CNAMEs followed within one answer; CDN chains are 2 to 4 long. */
#define DNS_CNAME_MAX		8
/* An address token in hosts or resolv.conf, zone ("%eth0") included. */
#define NET_ADDR_TEXT_MAX	(INET6_ADDRSTRLEN + IF_NAMESIZE)

#define DNS_A			1
#define DNS_CNAME		5
#define DNS_AAAA		28
#define DNS_IN			1

/* dns_parse() results below zero; zero and above count addresses. */
enum {
	DNS_MISMATCH = -1,	/* not an answer to this query: ignore it */
	DNS_MALFORMED = -2,
	DNS_TRUNCATED = -3,	/* TC set; we do not fall back to TCP */
	DNS_NXDOMAIN = -4,
	DNS_REFUSED = -5,
	DNS_FAILED = -6,	/* any other RCODE */
	DNS_PENDING = -7	/* no answer yet */
};

/* One query in flight and what came back for it. */
struct dns_query {
	unsigned char pkt[DNS_QUERY_MAX];
	int len;
	int status;		/* DNS_PENDING, else dns_parse()'s result */
	struct net_addr addr[NET_ADDRS_MAX];
};

/* One resource record as dns_rr_next() finds it. */
struct dns_rr {
	unsigned char name[DNS_NAME_MAX];
	int namelen;
	unsigned type, class;
	size_t rdoff, rdlen;
};

/* Files and port consulted: variables so the unit tests can redirect them. */
static const char *hosts_path = "/etc/hosts";
static const char *resolv_path = "/etc/resolv.conf";
static int dns_port = DNS_PORT;

static struct net_resolve resolve_tab[NET_RESOLVE_MAX];
static int resolve_n;

static struct timespec deadline;
static long deadline_ms;	/* as set, for messages; 0: no deadline */
static long connect_ms;		/* per attempt; 0: only the deadline */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* strerror() as a lower-case fragment, in the style of our messages. */
static const char *
reason(int e)
{
	static char buf[128];
	const char *s;

	if (e == ETIMEDOUT)
		return "timed out";
	if (e == EPIPE)
		return "connection closed by peer";
	s = strerror(e);
	/* A cut reason is still a reason; 128 bytes hold every errno text. */
	snprintf(buf, sizeof(buf), "%s", s);
	if (buf[0] != '\0' && buf[1] >= 'a' && buf[1] <= 'z')
		buf[0] = lower((unsigned char)buf[0]);
	return buf;
}

/* ---- time ---- */

static void
now(struct timespec *t)
{
	clock_gettime(CLOCK_MONOTONIC, t);
}

static long
since_ms(const struct timespec *t0)
{
	struct timespec t;

	now(&t);
	return (long)((t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000);
}

void
net_set_deadline(long ms)
{
	if (ms <= 0) {
		deadline_ms = 0;
		return;
	}
	now(&deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	deadline_ms = ms;
}

void
net_set_connect_timeout(long ms)
{
	connect_ms = ms > 0 ? ms : 0;
}

long
net_time_left(void)
{
	struct timespec t;
	long long sec, ms;
	long nsec;

	if (deadline_ms == 0)
		return LONG_MAX;
	now(&t);
	sec = (long long)deadline.tv_sec - t.tv_sec;
	nsec = deadline.tv_nsec - t.tv_nsec;
	if (nsec < 0) {
		sec--;
		nsec += 1000000000L;
	}
	if (sec < 0)
		return 0;
	/* Round up: 0 must mean the deadline has really passed. */
	ms = sec * 1000 + (nsec + 999999) / 1000000;
	return ms > deadline_ms ? deadline_ms : (long)ms;
}

/* What is left of a budget of cap ms begun at t0 (cap 0: none) and of
 * the deadline; LONG_MAX when neither bounds the wait. */
static long
budget_left(const struct timespec *t0, long cap)
{
	long left = net_time_left(), c;

	if (cap > 0) {
		c = cap - since_ms(t0);
		if (c < 0)
			c = 0;
		if (c < left)
			left = c;
	}
	return left;
}

static int
poll_ms(long left)
{
	if (left == LONG_MAX)
		return -1;
	return left > INT_MAX ? INT_MAX : (int)left;
}

static const char *
timeout_text(void)
{
	/* The longest text, with a 20-digit count, takes 52 bytes. */
	static char buf[64];

	if (deadline_ms % 1000 == 0)
		snprintf(buf, sizeof(buf), "timed out after %ld s "
		    "(--max-time)", deadline_ms / 1000);
	else
		snprintf(buf, sizeof(buf), "timed out after %ld ms "
		    "(--max-time)", deadline_ms);
	return buf;
}

/* ---- addresses ---- */

/*
 * The bytes in a sockaddr_storage are only ever copied in and out of a
 * sockaddr_in or sockaddr_in6 with memcpy(), never reached through a cast
 * pointer: that would break C's aliasing rules, which GCC at -O2 acts on.
 */
union sa_any {
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

static void
sa_get(const struct sockaddr_storage *ss, union sa_any *u)
{
	memcpy(u, ss, sizeof(*u));
}

static void
sa_put(struct net_addr *out, const union sa_any *u, socklen_t len)
{
	memset(out, 0, sizeof(*out));
	memcpy(&out->sa, u, len);
	out->len = len;
}

/* Build out from a raw address of family (4 or 16 bytes) and port. */
static void
addr_make(int family, const void *raw, int port, struct net_addr *out)
{
	union sa_any u;

	memset(&u, 0, sizeof(u));
	if (family == AF_INET) {
		u.v4.sin_family = AF_INET;
		u.v4.sin_port = htons(port);
		memcpy(&u.v4.sin_addr, raw, 4);
		sa_put(out, &u, sizeof(u.v4));
	} else {
		u.v6.sin6_family = AF_INET6;
		u.v6.sin6_port = htons(port);
		memcpy(&u.v6.sin6_addr, raw, 16);
		sa_put(out, &u, sizeof(u.v6));
	}
}

/*
 * Fill out from the IPv4 or IPv6 literal s of n bytes ("[v6]" allowed).
 * Returns 0, or -1 if s is not one.
 */
static int
addr_literal(const char *s, size_t n, int port, struct net_addr *out)
{
	char tmp[INET6_ADDRSTRLEN];
	unsigned char raw[16];
	int bracketed = 0;

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
		bracketed = 1;
	}
	if (n == 0 || n >= sizeof(tmp) || memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (!bracketed && inet_pton(AF_INET, tmp, raw) == 1) {
		addr_make(AF_INET, raw, port, out);
		return 0;
	}
	if (inet_pton(AF_INET6, tmp, raw) == 1) {
		addr_make(AF_INET6, raw, port, out);
		return 0;
	}
	return -1;
}

/*
 * As addr_literal(), but an IPv6 address may carry a zone ("fe80::1%eth0"
 * or "%2"), as resolv.conf allows for link-local servers.
 */
static int
addr_zoned(const char *s, size_t n, int port, struct net_addr *out)
{
	const char *pct = memchr(s, '%', n);
	char zone[IF_NAMESIZE];
	union sa_any u;
	size_t zl, i;
	unsigned long idx = 0;

	if (pct == NULL)
		return addr_literal(s, n, port, out);
	if (addr_literal(s, pct - s, port, out) == -1 ||
	    out->sa.ss_family != AF_INET6)
		return -1;
	zl = n - (pct - s) - 1;
	if (zl == 0 || zl >= sizeof(zone))
		return -1;
	memcpy(zone, pct + 1, zl);
	zone[zl] = '\0';
	for (i = 0; i < zl && zone[i] >= '0' && zone[i] <= '9'; i++)
		;
	/* Up to 9 digits: an index, which cannot overflow; else a name. */
	if (i == zl && zl <= 9)
		for (i = 0; i < zl; i++)
			idx = idx * 10 + (zone[i] - '0');
	else
		idx = if_nametoindex(zone);
	if (idx == 0)
		return -1;
	sa_get(&out->sa, &u);
	u.v6.sin6_scope_id = idx;
	sa_put(out, &u, sizeof(u.v6));
	return 0;
}

static int
addr_is_loopback(const struct net_addr *a)
{
	union sa_any u;

	sa_get(&a->sa, &u);
	if (a->sa.ss_family == AF_INET)
		return (ntohl(u.v4.sin_addr.s_addr) >> 24) == 127;
	if (IN6_IS_ADDR_LOOPBACK(&u.v6.sin6_addr))
		return 1;
	return IN6_IS_ADDR_V4MAPPED(&u.v6.sin6_addr) &&
	    u.v6.sin6_addr.s6_addr[12] == 127;
}

/* Same address and port (the source check on DNS answers). */
static int
addr_equal(const struct sockaddr_storage *a, const struct net_addr *b)
{
	union sa_any ua, ub;

	if (a->ss_family != b->sa.ss_family)
		return 0;
	sa_get(a, &ua);
	sa_get(&b->sa, &ub);
	if (a->ss_family == AF_INET)
		return ua.v4.sin_port == ub.v4.sin_port &&
		    ua.v4.sin_addr.s_addr == ub.v4.sin_addr.s_addr;
	return ua.v6.sin6_port == ub.v6.sin6_port &&
	    memcmp(&ua.v6.sin6_addr, &ub.v6.sin6_addr, 16) == 0;
}

static const char *
addr_text(const struct net_addr *a)
{
	static char buf[INET6_ADDRSTRLEN];
	union sa_any u;
	const void *raw;

	sa_get(&a->sa, &u);
	if (a->sa.ss_family == AF_INET)
		raw = &u.v4.sin_addr;
	else
		raw = &u.v6.sin6_addr;
	if (inet_ntop(a->sa.ss_family, raw, buf, sizeof(buf)) == NULL)
		return "?";
	return buf;
}

/* "localhost", "localhost." and any name under it. */
static int
is_localhost_name(const char *host)
{
	size_t n = strlen(host);

	if (n > 0 && host[n - 1] == '.')
		n--;
	if (n == 9)
		return strncasecmp(host, "localhost", 9) == 0;
	return n > 10 && strncasecmp(host + n - 10, ".localhost", 10) == 0;
}

int
net_is_loopback(const char *host)
{
	struct net_addr a;

	if (host == NULL)
		return 0;
	if (is_localhost_name(host))
		return 1;
	if (addr_literal(host, strlen(host), 0, &a) == -1)
		return 0;
	return addr_is_loopback(&a);
}

/* ---- --resolve ---- */

/* 1..65535 in plain decimal, or -1. */
static int
parse_port(const char *s, size_t n)
{
	size_t i;
	long v = 0;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v >= 1 && v <= 65535 ? (int)v : -1;
}

int
net_resolve_add(const char *spec)
{
	struct net_resolve r;
	const char *c1, *c2;
	size_t hl, i;

	if (spec == NULL || (c1 = strchr(spec, ':')) == NULL ||
	    (c2 = strchr(c1 + 1, ':')) == NULL)
		goto bad;
	hl = c1 - spec;
	if (hl == 0 || hl > NET_HOST_MAX)
		goto bad;
	if ((r.port = parse_port(c1 + 1, c2 - c1 - 1)) == -1)
		goto bad;
	if (addr_literal(c2 + 1, strlen(c2 + 1), r.port, &r.addr) == -1)
		goto bad;
	for (i = 0; i < hl; i++)
		r.host[i] = lower((unsigned char)spec[i]);
	r.host[hl] = '\0';
	if (resolve_n == NET_RESOLVE_MAX)
		return err_set(ERR_USAGE, "--resolve: more than %d entries",
		    NET_RESOLVE_MAX);
	resolve_tab[resolve_n++] = r;
	return 0;
bad:
	return err_set(ERR_USAGE, "--resolve: expected HOST:PORT:ADDR");
}

static int
lookup_resolve(const char *host, int port, struct net_addr *out)
{
	int i, n = 0;

	for (i = 0; i < resolve_n && n < NET_ADDRS_MAX; i++)
		if (resolve_tab[i].port == port &&
		    strcasecmp(resolve_tab[i].host, host) == 0)
			out[n++] = resolve_tab[i].addr;
	return n;
}

/* ---- small text files ---- */

/*
 * Read at most cap - 1 bytes of path into buf and NUL-terminate it.  If
 * the file is longer, its cut last line is dropped.  Returns the length,
 * or -1 if the file cannot be read.
 */
static long
read_text(const char *path, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;
	char extra;
	int fd, more = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	while (n < cap - 1) {
		r = read(fd, buf + n, cap - 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += r;
	}
	if (n == cap - 1) {
		while ((r = read(fd, &extra, 1)) == -1 && errno == EINTR)
			;
		more = r > 0;
	}
	close(fd);
	if (more)
		while (n > 0 && buf[n - 1] != '\n')
			n--;
	buf[n] = '\0';
	return (long)n;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\0';
}

/* Next blank-separated token in [*p, end), or NULL; *len gets its size. */
static const char *
next_token(const char **p, const char *end, size_t *len)
{
	const char *s = *p, *t;

	while (s < end && is_blank(*s))
		s++;
	if (s == end) {
		*p = s;
		return NULL;
	}
	for (t = s; t < end && !is_blank(*t); t++)
		;
	*p = t;
	*len = t - s;
	return s;
}

/* The line starting at *p, comments cut; *p moves to the next line. */
static const char *
next_line(const char **p, const char *end, const char **lend)
{
	const char *s = *p, *nl, *c;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', end - s);
	*p = nl != NULL ? nl + 1 : end;
	*lend = nl != NULL ? nl : end;
	/* '#' in hosts, ';' too in resolv.conf: never part of an address. */
	if ((c = memchr(s, '#', *lend - s)) != NULL)
		*lend = c;
	if ((c = memchr(s, ';', *lend - s)) != NULL)
		*lend = c;
	return s;
}

/* ---- /etc/hosts ---- */

static int
lookup_hosts(const char *host, int port, struct net_addr *out, int max)
{
	char buf[NET_HOSTS_FILE_MAX];
	const char *p = buf, *end, *line, *lend, *tok;
	size_t hl = strlen(host), tl;
	struct net_addr a;
	long len;
	int n = 0;

	if ((len = read_text(hosts_path, buf, sizeof(buf))) <= 0)
		return 0;
	end = buf + len;
	while (n < max && (line = next_line(&p, end, &lend)) != NULL) {
		if ((tok = next_token(&line, lend, &tl)) == NULL ||
		    addr_literal(tok, tl, port, &a) == -1)
			continue;
		while ((tok = next_token(&line, lend, &tl)) != NULL) {
			if (tl == hl && strncasecmp(tok, host, hl) == 0) {
				out[n++] = a;
				break;
			}
		}
	}
	return n;
}

/* ---- DNS: /etc/resolv.conf ---- */

/* Servers from "nameserver" lines; -1 if the file cannot be read. */
static int
resolv_servers(struct net_addr *out, int max)
{
	char buf[NET_RESOLV_FILE_MAX];
	const char *p = buf, *end, *line, *lend, *tok;
	size_t tl;
	long len;
	int n = 0;

	if ((len = read_text(resolv_path, buf, sizeof(buf))) == -1)
		return -1;
	end = buf + len;
	while (n < max && (line = next_line(&p, end, &lend)) != NULL) {
		if ((tok = next_token(&line, lend, &tl)) == NULL ||
		    tl != 10 || memcmp(tok, "nameserver", 10) != 0)
			continue;
		if ((tok = next_token(&line, lend, &tl)) == NULL ||
		    tl >= NET_ADDR_TEXT_MAX)
			continue;
		if (addr_zoned(tok, tl, dns_port, &out[n]) == 0)
			n++;
	}
	return n;
}

/* ---- DNS: packets ---- */

/*
 * Write a recursive query for name and qtype into q (at least
 * DNS_QUERY_MAX bytes), the name lower-cased.  Returns its length, or -1
 * if name is not a DNS name of printable ASCII.
 */
static int
dns_query_build(unsigned char *q, unsigned id, const char *name, int qtype)
{
	const char *s = name, *dot;
	size_t ll, i;
	int n = 12, c;

	memset(q, 0, 12);
	q[0] = id >> 8;
	q[1] = id & 0xff;
	q[2] = 0x01;			/* RD */
	q[5] = 1;			/* QDCOUNT */
	do {
		dot = strchr(s, '.');
		ll = dot != NULL ? (size_t)(dot - s) : strlen(s);
		/* The label, its length byte and the root label must fit. */
		if (ll == 0 || ll > 63 || n - 12 + 1 + ll + 1 > DNS_NAME_MAX)
			return -1;
		q[n++] = ll;
		for (i = 0; i < ll; i++) {
			c = (unsigned char)s[i];
			if (c <= ' ' || c >= 0x7f)
				return -1;
			q[n++] = lower(c);
		}
		s += ll;
		if (dot != NULL)
			s++;		/* a trailing dot ends the name */
	} while (*s != '\0');
	q[n++] = 0;
	q[n++] = qtype >> 8;
	q[n++] = qtype & 0xff;
	q[n++] = 0;
	q[n++] = DNS_IN;
	return n;
}

/*
 * Read the possibly compressed name at *off into out (uncompressed wire
 * form, lower-cased) and move *off past it.  Returns the name's length,
 * or -1 if it runs off the packet, is too long or loops.
 */
static int
dns_name(const unsigned char *p, size_t len, size_t *off, unsigned char *out)
{
	size_t pos = *off, start = *off, ptr;
	unsigned c, i;
	int n = 0, hops = 0, jumped = 0;

	for (;;) {
		if (pos >= len)
			return -1;
		c = p[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len || ++hops > DNS_PTR_MAX)
				return -1;
			ptr = (c & 0x3f) << 8 | p[pos + 1];
			/* Only to a prior occurrence (RFC 1035 §4.1.4), and
			 * before the last one: so every jump goes further back
			 * and no chain can loop. */
			if (ptr >= start)
				return -1;
			if (!jumped)
				*off = pos + 2;
			jumped = 1;
			pos = start = ptr;
			continue;
		}
		if (c & 0xc0)
			return -1;	/* extended label types (RFC 6891) */
		if (n + 1 + c + (c != 0) > DNS_NAME_MAX || pos + 1 + c > len)
			return -1;
		out[n++] = c;
		for (i = 0; i < c; i++)
			out[n++] = lower(p[pos + 1 + i]);
		pos += 1 + c;
		if (c == 0)
			break;
	}
	if (!jumped)
		*off = pos;
	return n;
}

/* Read the resource record at *off and move past it; 0, or -1 if malformed. */
static int
dns_rr_next(const unsigned char *p, size_t len, size_t *off, struct dns_rr *rr)
{
	if ((rr->namelen = dns_name(p, len, off, rr->name)) == -1 ||
	    len - *off < 10)
		return -1;
	rr->type = get16(p + *off);
	rr->class = get16(p + *off + 2);
	rr->rdlen = get16(p + *off + 8);
	rr->rdoff = *off + 10;
	if (len - rr->rdoff < rr->rdlen)
		return -1;
	*off = rr->rdoff + rr->rdlen;
	return 0;
}

/*
 * If the an answers from off hold a CNAME for want, replace want by its
 * target.  Returns 1 if so, 0 if not, -1 if the answers are malformed.
 */
static int
dns_follow(const unsigned char *p, size_t len, size_t off, unsigned an,
    unsigned char *want, int *wantlen)
{
	struct dns_rr rr;
	unsigned i;
	size_t o;
	int n;

	for (i = 0; i < an; i++) {
		if (dns_rr_next(p, len, &off, &rr) == -1)
			return -1;
		if (rr.type != DNS_CNAME || rr.class != DNS_IN ||
		    rr.namelen != *wantlen ||
		    memcmp(rr.name, want, *wantlen) != 0)
			continue;
		o = rr.rdoff;
		/* The target must fill the RDATA exactly. */
		if ((n = dns_name(p, len, &o, want)) == -1 ||
		    o != rr.rdoff + rr.rdlen)
			return -1;
		*wantlen = n;
		return 1;
	}
	return 0;
}

/*
 * Parse the answer p (len bytes) to the query q (qlen bytes, built by
 * dns_query_build()).  Addresses of the queried type owned by the name or
 * the end of its CNAME chain go to out (at most max, with port), in
 * answer order.  Returns their number, or a DNS_* code: DNS_MISMATCH when
 * the packet is too short, or its id, flags or question do not match (an
 * answer to be ignored, so a stray datagram cannot end the wait), the
 * RCODE as DNS_NXDOMAIN etc., DNS_TRUNCATED, DNS_MALFORMED.
 */
static int
dns_parse(const unsigned char *p, size_t len, const unsigned char *q,
    size_t qlen, int port, struct net_addr *out, int max)
{
	unsigned char want[DNS_NAME_MAX];
	struct dns_rr rr;
	size_t qd = qlen - 12, i, off;
	unsigned qtype = get16(q + qlen - 4), an, k;
	int wantlen = (int)qd - 4, hops, r, n = 0;

	/* Too short to be anyone's answer, so it cannot end a wait. */
	if (len < 12)
		return DNS_MISMATCH;
	/* QR set, OPCODE 0, our id, our one question. */
	if (get16(p) != get16(q) || (p[2] & 0xf8) != 0x80 ||
	    get16(p + 4) != 1 || len < 12 + qd)
		return DNS_MISMATCH;
	for (i = 0; i < qd - 4; i++)
		if (lower(p[12 + i]) != q[12 + i])
			return DNS_MISMATCH;
	if (memcmp(p + 12 + qd - 4, q + 12 + qd - 4, 4) != 0)
		return DNS_MISMATCH;
	if (p[2] & 0x02)
		return DNS_TRUNCATED;
	switch (p[3] & 0x0f) {
	case 0:
		break;
	case 3:
		return DNS_NXDOMAIN;
	case 5:
		return DNS_REFUSED;
	default:
		return DNS_FAILED;
	}
	an = get16(p + 6);
	off = 12 + qd;
	memcpy(want, q + 12, wantlen);
	/* The chain first, so an address may come before its CNAME. */
	for (hops = 0; (r = dns_follow(p, len, off, an, want, &wantlen)) != 0;
	    hops++)
		if (r == -1 || hops == DNS_CNAME_MAX)
			return DNS_MALFORMED;
	for (k = 0; k < an; k++) {
		if (dns_rr_next(p, len, &off, &rr) == -1)
			return DNS_MALFORMED;
		if (rr.type != qtype || rr.class != DNS_IN ||
		    rr.namelen != wantlen ||
		    memcmp(rr.name, want, wantlen) != 0)
			continue;
		if (rr.rdlen != (qtype == DNS_A ? 4 : 16))
			return DNS_MALFORMED;
		if (n < max)
			addr_make(qtype == DNS_A ? AF_INET : AF_INET6,
			    p + rr.rdoff, port, &out[n++]);
	}
	return n;
}

static const char *
dns_status_text(int status)
{
	switch (status) {
	case DNS_MALFORMED:
		return "malformed answer";
	case DNS_TRUNCATED:
		return "answer truncated (TC bit set) and DNS over TCP is "
		    "not supported";
	case DNS_NXDOMAIN:
		return "no such host";
	case DNS_REFUSED:
		return "query refused";
	case DNS_PENDING:
		return "no answer (timed out)";
	default:
		return "server failure";
	}
}

/* ---- DNS: the exchange ---- */

/*
 * Query ids must be unguessable (a forged answer must match one).
 * getrandom(2) first, without blocking: early at boot, before the pool
 * is ready, and on kernels before 3.17 /dev/urandom still answers.
 */
static int
random_bytes(unsigned char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;
	int fd;

	while ((r = getrandom(buf, n, GRND_NONBLOCK)) == -1 && errno == EINTR)
		;
	if (r == (ssize_t)n)
		return 0;
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (got < n) {
		r = read(fd, buf + got, n - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	close(fd);
	return got == n ? 0 : -1;
}

static int
dns_pending(const struct dns_query *qs, int nq)
{
	int i, n = 0;

	for (i = 0; i < nq; i++)
		n += qs[i].status == DNS_PENDING;
	return n;
}

/* Take one datagram: ignore strays, record a matching answer.
 * Returns 0, or -1 with errno (ECONNREFUSED: nobody serves there). */
static int
dns_receive(int fd, const struct net_addr *server, struct dns_query *qs,
    int nq, int port)
{
	unsigned char buf[DNS_REPLY_MAX];
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t r;
	int i, st;

	r = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	if (r == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR ? 0 : -1;
	/* The socket is connected, so the kernel filters too; check anyway. */
	if (!addr_equal(&from, server))
		return 0;
	for (i = 0; i < nq; i++) {
		if (qs[i].status != DNS_PENDING)
			continue;
		st = dns_parse(buf, r, qs[i].pkt, qs[i].len, port, qs[i].addr,
		    NET_ADDRS_MAX);
		if (st != DNS_MISMATCH) {
			qs[i].status = st;
			break;
		}
	}
	return 0;
}

/* (Re)send the pending queries and wait one try for their answers.
 * Returns 0 (some may still be pending), or -1 with errno. */
static int
dns_try(int fd, const struct net_addr *server, struct dns_query *qs, int nq,
    int port)
{
	struct timespec t0;
	struct pollfd pfd;
	long left;
	int i, r;

	for (i = 0; i < nq; i++)
		if (qs[i].status == DNS_PENDING &&
		    send(fd, qs[i].pkt, qs[i].len, MSG_NOSIGNAL) == -1)
			return -1;
	now(&t0);
	while (dns_pending(qs, nq) > 0) {
		if ((left = budget_left(&t0, DNS_TRY_MS)) == 0)
			return 0;
		pfd.fd = fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, poll_ms(left));
		if (r == -1 && errno != EINTR)
			return -1;
		if (r > 0 && dns_receive(fd, server, qs, nq, port) == -1)
			return -1;
	}
	return 0;
}

/* What a server's two answers add up to: addresses (IPv6 first), 0 for
 * "no address records", DNS_NXDOMAIN, or a failure with *why. */
static int
dns_outcome(const struct dns_query *qs, int nq, struct net_addr *out,
    int max, const char **why)
{
	int i, j, n = 0, nx = 0, done = 0;

	for (i = 0; i < nq; i++) {
		if (qs[i].status == DNS_NXDOMAIN)
			nx++;
		if (qs[i].status < 0)
			continue;
		done++;
		for (j = 0; j < qs[i].status && n < max; j++)
			out[n++] = qs[i].addr[j];
	}
	if (n > 0)
		return n;
	if (nx == nq)
		return DNS_NXDOMAIN;
	if (nx + done == nq)
		return 0;
	for (i = 0; i < nq; i++) {
		if (qs[i].status < 0 && qs[i].status != DNS_NXDOMAIN) {
			*why = dns_status_text(qs[i].status);
			return qs[i].status;
		}
	}
	return DNS_FAILED;	/* not reached */
}

/*
 * Ask one server for the AAAA and A records of host, both queries at
 * once, up to DNS_TRIES times.  Returns the number of addresses (with
 * port, IPv6 first, at most max), 0 if the host has none, DNS_NXDOMAIN,
 * or another DNS_* code with the reason in *why.
 */
static int
dns_ask(const struct net_addr *server, const char *host, int port,
    struct net_addr *out, int max, const char **why)
{
	static const int qtypes[2] = { DNS_AAAA, DNS_A };
	struct dns_query qs[2];
	unsigned char ids[4];
	unsigned id;
	int fd, i, t;

	if (random_bytes(ids, sizeof(ids)) == -1) {
		*why = "no random source for query ids";
		return DNS_FAILED;
	}
	for (i = 0; i < 2; i++) {
		id = get16(ids + 2 * i);
		if (i == 1 && id == get16(ids))
			id ^= 1;
		qs[i].len = dns_query_build(qs[i].pkt, id, host, qtypes[i]);
		if (qs[i].len == -1) {
			*why = "not a valid host name";
			return DNS_FAILED;
		}
		qs[i].status = DNS_PENDING;
	}
	fd = socket(server->sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1) {
		*why = reason(errno);
		return DNS_FAILED;
	}
	/* Connected: only the server is heard, and an ICMP "port
	 * unreachable" comes back as ECONNREFUSED instead of a wait. */
	if (connect(fd, (const struct sockaddr *)&server->sa,
	    server->len) == -1)
		goto fail;
	for (t = 0; t < DNS_TRIES && dns_pending(qs, 2) > 0; t++) {
		if (net_time_left() == 0)
			break;
		if (dns_try(fd, server, qs, 2, port) == -1)
			goto fail;
	}
	close(fd);
	return dns_outcome(qs, 2, out, max, why);
fail:
	*why = reason(errno);
	close(fd);
	return DNS_FAILED;
}

static int
dns_lookup(const char *host, int port, struct net_addr *out)
{
	struct net_addr ns[DNS_SERVERS_MAX];
	unsigned char q[DNS_QUERY_MAX];
	const char *why = "no answer";
	int n, i, r;

	if (dns_query_build(q, 0, host, DNS_A) == -1)
		return err_set(ERR_NET, "cannot resolve %s: not a valid host "
		    "name", host);
	n = resolv_servers(ns, DNS_SERVERS_MAX);
	if (n <= 0)
		return err_set(ERR_NET, "cannot resolve %s: no DNS server "
		    "configured (%s %s); use --resolve %s:%d:ADDR", host,
		    n == -1 ? "no" : "no nameserver in", resolv_path, host,
		    port);
	for (i = 0; i < n; i++) {
		r = dns_ask(&ns[i], host, port, out, NET_ADDRS_MAX, &why);
		if (r > 0)
			return r;
		if (r == 0)
			return err_set(ERR_NET, "cannot resolve %s: no IPv6 or "
			    "IPv4 address", host);
		if (r == DNS_NXDOMAIN)
			return err_set(ERR_NET, "cannot resolve %s: no such "
			    "host", host);
		if (net_time_left() == 0)
			return err_set(ERR_NET, "cannot resolve %s: %s", host,
			    timeout_text());
	}
	/* Each server failed; the last one's reason is the freshest. */
	return err_set(ERR_NET, "cannot resolve %s: DNS server %s: %s", host,
	    addr_text(&ns[n - 1]), why);
}

/* ---- connect ---- */

/* The HTTP proxy, at the end of this file. */
static int proxy_bypass(const char *, int);
static int proxy_connect(const char *, int);

/* Every address for host:port in the order to try; -1 with ERR_NET. */
static int
lookup(const char *host, int port, struct net_addr *out)
{
	static const unsigned char v6_loop[16] = { [15] = 1 };
	static const unsigned char v4_loop[4] = { 127, 0, 0, 1 };
	int n;

	if ((n = lookup_resolve(host, port, out)) > 0)
		return n;
	if (addr_literal(host, strlen(host), port, &out[0]) == 0)
		return 1;
	if (is_localhost_name(host)) {
		addr_make(AF_INET6, v6_loop, port, &out[0]);
		addr_make(AF_INET, v4_loop, port, &out[1]);
		return 2;
	}
	if ((n = lookup_hosts(host, port, out, NET_ADDRS_MAX)) > 0)
		return n;
	return dns_lookup(host, port, out);
}

/* Connect to a within the connect timeout and the deadline.  Returns the
 * socket, or -1 with errno (ETIMEDOUT when a bound ran out). */
static int
connect_one(const struct net_addr *a)
{
	struct timespec t0;
	struct pollfd pfd;
	socklen_t sl;
	long left;
	int fd, e, r, one = 1;

	fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	now(&t0);
	if (connect(fd, (const struct sockaddr *)&a->sa, a->len) == -1) {
		if (errno != EINPROGRESS && errno != EINTR)
			goto fail;
		for (;;) {
			if ((left = budget_left(&t0, connect_ms)) == 0) {
				errno = ETIMEDOUT;
				goto fail;
			}
			pfd.fd = fd;
			pfd.events = POLLOUT;
			r = poll(&pfd, 1, poll_ms(left));
			if (r == -1 && errno != EINTR)
				goto fail;
			if (r > 0)
				break;
		}
		sl = sizeof(e);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) == -1)
			goto fail;
		if (e != 0) {
			errno = e;
			goto fail;
		}
	}
	/* A speed-up only: a socket without it still works. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* The last net_connect() reached no address (see net_connect_unreached). */
static int unreached;

/* Try each address in turn; the message gives the last failure. */
static int
connect_addrs(const char *host, int port, const struct net_addr *a, int n)
{
	int i, fd, e = ENOENT;

	for (i = 0; i < n; i++) {
		if (net_time_left() == 0) {
			e = ETIMEDOUT;
			break;
		}
		if ((fd = connect_one(&a[i])) != -1)
			return fd;
		e = errno;
	}
	unreached = 1;
	return err_set(ERR_NET, "cannot connect to %s port %d: %s", host, port,
	    reason(e));
}

int
net_connect_unreached(void)
{
	return unreached;
}

int
net_connect(const char *host, int port)
{
	struct net_addr addrs[NET_ADDRS_MAX];
	int n;

	unreached = 0;
	if (host == NULL || *host == '\0' || strlen(host) > NET_HOST_MAX)
		return err_set(ERR_NET, "cannot resolve host: not a valid host "
		    "name");
	if (port < 1 || port > 65535)
		return err_set(ERR_NET, "cannot connect to %s port %d: not a "
		    "valid port", host, port);
	if (!proxy_bypass(host, port))
		return proxy_connect(host, port);
	if ((n = lookup(host, port, addrs)) == -1)
		return -1;
	return connect_addrs(host, port, addrs, n);
}

/* ---- I/O ---- */

/* Wait until fd is ready for events or the deadline passes. */
static int
wait_io(int fd, short events)
{
	struct pollfd pfd;
	long left;
	int r;

	for (;;) {
		if ((left = net_time_left()) == 0)
			return err_set(ERR_NET, "%s", timeout_text());
		pfd.fd = fd;
		pfd.events = events;
		r = poll(&pfd, 1, poll_ms(left));
		if (r > 0)
			return 0;
		if (r == -1 && errno != EINTR)
			return err_set(ERR_NET, "poll: %s", reason(errno));
	}
}

long
net_read(int fd, unsigned char *buf, size_t len)
{
	ssize_t r;

	for (;;) {
		if ((r = recv(fd, buf, len, 0)) >= 0)
			return (long)r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return err_set(ERR_NET, "read failed: %s",
			    reason(errno));
		if (wait_io(fd, POLLIN) == -1)
			return -1;
	}
}

int
net_write(int fd, const unsigned char *buf, size_t len)
{
	size_t off = 0;
	ssize_t r;

	while (off < len) {
		/* MSG_NOSIGNAL: a peer that closed gives EPIPE, not SIGPIPE. */
		if ((r = send(fd, buf + off, len - off, MSG_NOSIGNAL)) >= 0) {
			off += r;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return err_set(ERR_NET, "write failed: %s",
			    reason(errno));
		if (wait_io(fd, POLLOUT) == -1)
			return -1;
	}
	return 0;
}

int
net_idle_alive(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 0) == 0;
}

/* ---- HTTP proxy: the CONNECT tunnel ---- */

/*
 * The port of a proxy URL that names none: 1080, curl's default for
 * http:// proxies, so that one HTTPS_PROXY value means the same proxy to
 * curl and to us.
 */
#define PROXY_PORT_DEFAULT	1080
/*
 * "user:password" once percent-decoded.  Proxy accounts are short; 256
 * bytes hold a long generated password and keep the request small.
 */
#define PROXY_CRED_MAX		256
/* Its base64 form: 4 bytes for every 3, rounded up, and a NUL. */
#define PROXY_CRED_B64_MAX	(4 * ((PROXY_CRED_MAX + 2) / 3) + 1)
/*
 * The CONNECT request: two lines that name "[host]:port" (at most 261
 * bytes each), User-Agent, and the Basic credentials (PROXY_CRED_B64_MAX
 * plus the field name).  Under 1 KiB.
 */
#define PROXY_REQUEST_MAX	1024
/* "HOST:PORT" or "[v6]:PORT" for the request line. */
#define PROXY_TARGET_MAX	(NET_HOST_MAX + 2 + 6 + 1)
/* A URL scheme worth naming in a message ("socks5h" is 7 bytes). */
#define PROXY_SCHEME_MAX	16
/*
 * The status line kept for the message: "HTTP/1.1 407 " and a reason
 * phrase, which is a few words ("Proxy Authentication Required"); a
 * longer one is cut.
 */
#define PROXY_STATUS_MAX	(13 + 128)
/* The reason phrase escaped (text_escape() may quadruple each byte). */
#define PROXY_REASON_TEXT_MAX	(4 * 128 + 4)
/* One read of the answer to CONNECT; a whole answer usually fits. */
#define PROXY_READ_CHUNK	1024

/* The proxy in use: host[0] == '\0' when there is none. */
struct proxy_conf {
	char host[NET_HOST_MAX + 1];	/* name or address, no brackets */
	int port;
	/*
	 * "user:password" still percent-encoded, inside the caller's URL
	 * string: the secret is not copied, only decoded on the stack for
	 * the moment a request is built.  NULL when the URL has none.
	 */
	const char *cred;
	size_t cred_len;
};

static struct proxy_conf proxy;
static const char *no_proxy;	/* the caller's NO_PROXY string, or NULL */

static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Percent-decode one part of a URL's user info (n bytes) into dst (cap
 * bytes, no NUL added).  The raw part must be visible ASCII; an escape
 * must be complete; the result must hold no control character (RFC 7617
 * §2) and, for the user name, no ':'.  Returns the length or -1.
 */
static long
cred_part(char *dst, size_t cap, const char *s, size_t n, int is_user)
{
	size_t i, o = 0;
	int hi, lo, c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f)
			return -1;
		if (c == '%') {
			if (n - i < 3 || (hi = hex_digit(s[i + 1])) == -1 ||
			    (lo = hex_digit(s[i + 2])) == -1)
				return -1;
			c = hi << 4 | lo;
			i += 2;
		}
		if (c < 0x20 || c == 0x7f || (is_user && c == ':') || o == cap)
			return -1;
		dst[o++] = (char)c;
	}
	return (long)o;
}

/*
 * Decode the raw user info s (n bytes, "user[:password]") into dst as
 * "user:password", the form Basic authentication encodes (RFC 7617 §2;
 * a missing password is empty, as curl sends it).  Returns the length,
 * or -1.  dst holds a secret: the caller erases it.
 */
static long
cred_decode(char *dst, size_t cap, const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t ul = colon != NULL ? (size_t)(colon - s) : n;
	long u, p = 0;

	if ((u = cred_part(dst, cap, s, ul, 1)) == -1 || (size_t)u == cap)
		return -1;
	dst[u] = ':';
	if (colon != NULL && (p = cred_part(dst + u + 1, cap - u - 1,
	    colon + 1, n - ul - 1, 0)) == -1)
		return -1;
	return u + 1 + p;
}

/* RFC 4648 §4 base64 of s (n bytes) into dst, which holds 4*ceil(n/3)+1. */
static size_t
b64_encode(char *dst, const unsigned char *s, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long v;
	size_t i, o = 0;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (unsigned long)s[i] << 16 | s[i + 1] << 8 | s[i + 2];
		dst[o++] = tab[v >> 18 & 63];
		dst[o++] = tab[v >> 12 & 63];
		dst[o++] = tab[v >> 6 & 63];
		dst[o++] = tab[v & 63];
	}
	if (n - i > 0) {
		v = (unsigned long)s[i] << 16;
		if (n - i == 2)
			v |= s[i + 1] << 8;
		dst[o++] = tab[v >> 18 & 63];
		dst[o++] = tab[v >> 12 & 63];
		dst[o++] = n - i == 2 ? tab[v >> 6 & 63] : '=';
		dst[o++] = '=';
	}
	dst[o] = '\0';
	return o;
}

static int
proxy_url_bad(const char *what, const char *why)
{
	return err_set(ERR_USAGE, "%s: %s (want http://[USER:PASSWORD@]HOST"
	    "[:PORT])", what, why);
}

/*
 * Skip "http://" (any case) in url, or nothing when there is no scheme
 * ("HOST:PORT" means http, as for curl).  Any other scheme is a usage
 * error naming it; the rest of the URL is never shown, since it may hold
 * a password.
 */
static int
proxy_scheme(const char *url, const char *what, const char **rest)
{
	const char *sep = strstr(url, "://");
	size_t n, i;

	*rest = url;
	if (sep == NULL)
		return 0;
	n = sep - url;
	if (n == 4 && strncasecmp(url, "http", 4) == 0) {
		*rest = sep + 3;
		return 0;
	}
	if (n == 5 && strncasecmp(url, "https", 5) == 0)
		return err_set(ERR_USAGE, "%s: https:// proxies are not "
		    "supported; use an http:// proxy (TLS with the API still "
		    "runs end to end through its tunnel)", what);
	for (i = 0; i < n; i++)
		if (!((url[i] >= 'a' && url[i] <= 'z') ||
		    (url[i] >= 'A' && url[i] <= 'Z') ||
		    (url[i] >= '0' && url[i] <= '9') ||
		    url[i] == '+' || url[i] == '-' || url[i] == '.'))
			break;
	if (n > 0 && i == n && n <= PROXY_SCHEME_MAX)
		return err_set(ERR_USAGE, "%s: %.*s:// proxies are not "
		    "supported, only http://", what, (int)n, url);
	return proxy_url_bad(what, "not a proxy URL");
}

/* "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT" (n bytes) into pc. */
static int
proxy_hostport(const char *s, size_t n, struct proxy_conf *pc)
{
	const char *h = s, *end = s + n, *rest, *rb;
	struct net_addr a;
	size_t hl, i;

	if (n > 0 && s[0] == '[') {
		if ((rb = memchr(s, ']', n)) == NULL)
			return -1;
		h = s + 1;
		hl = rb - h;
		rest = rb + 1;
		if (addr_literal(h, hl, 0, &a) == -1 ||
		    a.sa.ss_family != AF_INET6)
			return -1;
	} else {
		rest = memchr(s, ':', n);
		if (rest == NULL)
			rest = end;
		hl = rest - s;
		/* A name (letters, digits, '-', '_', '.') or IPv4. */
		for (i = 0; i < hl; i++)
			if (!((s[i] >= 'a' && s[i] <= 'z') ||
			    (s[i] >= 'A' && s[i] <= 'Z') ||
			    (s[i] >= '0' && s[i] <= '9') ||
			    s[i] == '-' || s[i] == '_' || s[i] == '.'))
				return -1;
	}
	if (hl == 0 || hl > NET_HOST_MAX)
		return -1;
	if (rest == end)
		pc->port = PROXY_PORT_DEFAULT;
	else if (*rest != ':' ||
	    (pc->port = parse_port(rest + 1, end - rest - 1)) == -1)
		return -1;
	memcpy(pc->host, h, hl);
	pc->host[hl] = '\0';
	return 0;
}

/*
 * Parse url into pc; what names its source in messages ("--proxy",
 * "HTTPS_PROXY").  Returns 0, or -1 with ERR_USAGE set.
 */
static int
proxy_parse(const char *url, const char *what, struct proxy_conf *pc)
{
	char cred[PROXY_CRED_MAX];
	const char *rest, *end, *at = NULL, *p;
	long r;

	memset(pc, 0, sizeof(*pc));
	if (proxy_scheme(url, what, &rest) == -1)
		return -1;
	/* The authority ends where a path, query or fragment begins. */
	end = rest + strcspn(rest, "/?#");
	if (*end != '\0' && strcmp(end, "/") != 0)
		return proxy_url_bad(what, "a proxy URL has no path or query");
	/* The last '@': a host has none, a sloppy password may. */
	for (p = rest; p < end; p++)
		if (*p == '@')
			at = p;
	if (at != NULL) {
		r = cred_decode(cred, sizeof(cred), rest, at - rest);
		explicit_bzero(cred, sizeof(cred));
		if (r == -1)
			return proxy_url_bad(what, "bad user name or password "
			    "(percent-encode special characters; at most "
			    "256 bytes)");
		pc->cred = rest;
		pc->cred_len = at - rest;
		rest = at + 1;
	}
	if (proxy_hostport(rest, end - rest, pc) == -1) {
		memset(pc, 0, sizeof(*pc));
		return proxy_url_bad(what, "bad proxy host or port");
	}
	return 0;
}

/* Set the proxy from url (NULL or "": none); what names the source. */
static int
proxy_set(const char *url, const char *what)
{
	struct proxy_conf pc;

	memset(&proxy, 0, sizeof(proxy));
	if (url == NULL || url[0] == '\0')
		return 0;
	if (proxy_parse(url, what, &pc) == -1)
		return -1;
	proxy = pc;
	return 0;
}

int
net_set_proxy(const char *url)
{
	return proxy_set(url, "proxy");
}

void
net_set_no_proxy(const char *list)
{
	no_proxy = list != NULL && list[0] != '\0' ? list : NULL;
}

int
net_proxy_from_env(const char *opt_proxy)
{
	static const char *const vars[] = {
		"HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"
	};
	const char *v;
	size_t i;

	if ((v = getenv("NO_PROXY")) == NULL || v[0] == '\0')
		v = getenv("no_proxy");
	net_set_no_proxy(v);
	/* --proxy "" says "no proxy" over whatever the environment says. */
	if (opt_proxy != NULL)
		return proxy_set(opt_proxy, "--proxy");
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) != NULL && v[0] != '\0')
			return proxy_set(v, vars[i]);
	return proxy_set(NULL, NULL);
}

/* ---- NO_PROXY ---- */

/*
 * Is the IP literal host inside e (n bytes): an address, or a network
 * "ADDR/BITS"?  A host that is a name never matches an address entry.
 */
static int
no_proxy_ip(const char *e, size_t n, const char *host)
{
	const char *slash = memchr(e, '/', n);
	struct net_addr h, a;
	union sa_any uh, ua;
	const unsigned char *hb, *ab;
	size_t i;
	int bits, max;

	if (addr_literal(host, strlen(host), 0, &h) == -1 ||
	    addr_literal(e, slash != NULL ? (size_t)(slash - e) : n, 0,
	    &a) == -1 || h.sa.ss_family != a.sa.ss_family)
		return 0;
	max = a.sa.ss_family == AF_INET ? 32 : 128;
	bits = max;
	if (slash != NULL) {
		i = n - (slash - e) - 1;
		if (i == 0 || i > 3)
			return 0;
		for (bits = 0; i > 0; i--, slash++) {
			if (slash[1] < '0' || slash[1] > '9')
				return 0;
			bits = bits * 10 + (slash[1] - '0');
		}
		if (bits > max)
			return 0;
	}
	sa_get(&h.sa, &uh);
	sa_get(&a.sa, &ua);
	if (max == 32) {
		hb = (const unsigned char *)&uh.v4.sin_addr;
		ab = (const unsigned char *)&ua.v4.sin_addr;
	} else {
		hb = uh.v6.sin6_addr.s6_addr;
		ab = ua.v6.sin6_addr.s6_addr;
	}
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (hb[i] != ab[i])
			return 0;
	return bits == 0 ||
	    ((hb[i] ^ ab[i]) & (0xff << (8 - bits)) & 0xff) == 0;
}

/*
 * Is the name host e (n bytes) or under it?  "example.com",
 * ".example.com" and "*.example.com" all match "example.com" and
 * "api.example.com", never "badexample.com".
 */
static int
no_proxy_name(const char *e, size_t n, const char *host)
{
	size_t hl = strlen(host);

	if (n >= 2 && e[0] == '*' && e[1] == '.') {
		e += 2;
		n -= 2;
	} else if (n >= 1 && e[0] == '.') {
		e++;
		n--;
	}
	if (n > 0 && e[n - 1] == '.')
		n--;
	if (hl > 0 && host[hl - 1] == '.')
		hl--;
	if (n == 0 || n > hl || strncasecmp(host + hl - n, e, n) != 0)
		return 0;
	return hl == n || host[hl - n - 1] == '.';
}

/*
 * One NO_PROXY entry e (n bytes, trimmed): "*", a name, an address or a
 * network, each optionally with ":PORT" ("[V6]:PORT" for IPv6), which
 * must then equal port.  An entry that cannot be read matches nothing.
 */
static int
no_proxy_entry(const char *e, size_t n, const char *host, int port)
{
	const char *colon = NULL, *rb, *p;
	struct net_addr a;
	size_t colons = 0, an = n;
	int eport = 0;

	if (n == 1 && e[0] == '*')
		return 1;
	if (n > 0 && e[0] == '[') {
		if ((rb = memchr(e, ']', n)) == NULL)
			return 0;
		if (rb + 1 < e + n) {
			if (rb[1] != ':')
				return 0;
			colon = rb + 1;
		}
		an = rb - e - 1;
		if (colon != NULL && (eport = parse_port(colon + 1,
		    e + n - colon - 1)) == -1)
			return 0;
		e++;
	} else {
		for (p = e; p < e + n; p++)
			if (*p == ':' && colons++ == 0)
				colon = p;
		/* Two colons or more: a bare IPv6 address, no port. */
		if (colons == 1) {
			an = colon - e;
			if ((eport = parse_port(colon + 1, n - an - 1)) == -1)
				return 0;
		}
	}
	if (eport != 0 && eport != port)
		return 0;
	if (memchr(e, '/', an) != NULL || addr_literal(e, an, 0, &a) == 0)
		return no_proxy_ip(e, an, host);
	return no_proxy_name(e, an, host);
}

/* Does the comma-separated list match host:port? */
static int
no_proxy_match(const char *list, const char *host, int port)
{
	const char *s = list, *e;
	size_t n;

	if (list == NULL)
		return 0;
	while (*s != '\0') {
		n = strcspn(s, ",");
		e = s;
		s += n;
		if (*s == ',')
			s++;
		while (n > 0 && (*e == ' ' || *e == '\t')) {
			e++;
			n--;
		}
		while (n > 0 && (e[n - 1] == ' ' || e[n - 1] == '\t'))
			n--;
		if (n > 0 && no_proxy_entry(e, n, host, port))
			return 1;
	}
	return 0;
}

/*
 * 1 when host:port is reached directly: no proxy is set, NO_PROXY says
 * so, or host is a loopback name or address.  A proxy elsewhere cannot
 * reach this machine's loopback, and plain http:// (loopback only) must
 * never cross the network, even to a proxy.
 */
static int
proxy_bypass(const char *host, int port)
{
	return proxy.host[0] == '\0' || net_is_loopback(host) ||
	    no_proxy_match(no_proxy, host, port);
}

/* ---- the tunnel ---- */

/*
 * Build the CONNECT request for host:port into out (cap bytes), with
 * Basic credentials when the proxy URL has them.  Returns the length, or
 * -1 with the error set.  out holds a secret: the caller erases it.
 */
static long
proxy_request(char *out, size_t cap, const char *host, int port)
{
	char target[PROXY_TARGET_MAX], cred[PROXY_CRED_MAX];
	char b64[PROXY_CRED_B64_MAX];
	struct buf b = BUF_INIT(out, cap);
	const char *p;
	long n;

	/* A byte that could end the request line early never goes out. */
	for (p = host; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return err_set(ERR_NET, "cannot connect to host: not "
			    "a valid host name");
	snprintf(target, sizeof(target), strchr(host, ':') != NULL ?
	    "[%s]:%d" : "%s:%d", host, port);
	buf_str(&b, "CONNECT ");
	buf_str(&b, target);
	buf_str(&b, " HTTP/1.1\r\nHost: ");
	buf_str(&b, target);
	buf_str(&b, "\r\nUser-Agent: turso-token/" TT_VERSION "\r\n");
	if (proxy.cred != NULL) {
		/* proxy_parse() checked it; only a changed string fails. */
		if ((n = cred_decode(cred, sizeof(cred), proxy.cred,
		    proxy.cred_len)) == -1)
			n = 0;
		b64_encode(b64, (const unsigned char *)cred, (size_t)n);
		explicit_bzero(cred, sizeof(cred));
		buf_str(&b, "Proxy-Authorization: Basic ");
		buf_str(&b, b64);
		buf_str(&b, "\r\n");
		explicit_bzero(b64, sizeof(b64));
	}
	buf_str(&b, "\r\n");
	if (b.over) {
		explicit_bzero(out, cap);
		return err_set(ERR_LOCAL, "proxy: CONNECT request larger than "
		    "%zu bytes", cap);
	}
	return (long)b.len;
}

/*
 * The status line of the last head, caught as the parser's bytes go by
 * (the parser keeps the code, not the reason phrase).  A line after an
 * empty one starts a new head: an interim 1xx answer is replaced.
 */
struct status_grab {
	char line[PROXY_STATUS_MAX];
	size_t len;
	size_t cur;		/* bytes on the current line */
	int in_status;
	int new_head;		/* the next byte starts a status line */
};

static void
status_grab(struct status_grab *g, const unsigned char *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (d[i] == '\n') {
			g->new_head = g->cur == 0;
			g->in_status = 0;
			g->cur = 0;
			continue;
		}
		if (g->new_head) {
			g->len = 0;
			g->in_status = 1;
			g->new_head = 0;
		}
		/* The parser lets a CR stand only before LF. */
		if (d[i] == '\r')
			continue;
		g->cur++;
		if (g->in_status && g->len < sizeof(g->line) - 1)
			g->line[g->len++] = (char)d[i];
	}
	g->line[g->len] = '\0';
}

/*
 * Read from fd within the connect timeout (from t0) and the deadline:
 * a proxy that accepts and then says nothing is a connect that hangs.
 * Returns >0, 0 on close, -1 with ERR_NET set.
 */
static long
proxy_recv(int fd, unsigned char *buf, size_t len, const struct timespec *t0)
{
	struct pollfd pfd;
	ssize_t r;
	long left;

	for (;;) {
		if ((r = recv(fd, buf, len, 0)) >= 0)
			return (long)r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return err_set(ERR_NET, "%s", reason(errno));
		if ((left = budget_left(t0, connect_ms)) == 0)
			return err_set(ERR_NET, "%s", net_time_left() == 0 ?
			    timeout_text() : "timed out (--connect-timeout)");
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, poll_ms(left)) == -1 && errno != EINTR)
			return err_set(ERR_NET, "poll: %s", reason(errno));
	}
}

/* The proxy said no: its status and reason phrase, escaped. */
static int
proxy_refused(const struct status_grab *g, int status, const char *host,
    int port)
{
	char text[PROXY_REASON_TEXT_MAX];
	const char *why = g->len > 13 ? g->line + 13 : "";
	const char *hint = "";

	text_escape(text, sizeof(text), why, strlen(why));
	/* 407 is the standard answer; tinyproxy says 401 to a bad password. */
	if (status == 407 || status == 401)
		hint = proxy.cred == NULL ? " (the proxy wants a user name "
		    "and password: http://USER:PASSWORD@HOST:PORT)" :
		    " (the proxy refused the user name and password)";
	return err_set(ERR_NET, "proxy %s port %d refused the tunnel to %s "
	    "port %d: %d%s%s%s", proxy.host, proxy.port, host, port, status,
	    text[0] != '\0' ? " " : "", text, hint);
}

/*
 * Read the proxy's answer to CONNECT on fd.  Returns 0 when the tunnel
 * is open (a 2xx, and not one byte more: after it, the next byte is the
 * server's, and only after our TLS ClientHello), else -1 with ERR_NET.
 */
static int
proxy_answer(int fd, const char *host, int port)
{
	unsigned char buf[PROXY_READ_CHUNK];
	struct http_response resp;
	struct http_parser p;
	struct status_grab g;
	struct timespec t0;
	size_t used = 0;
	long n;
	int r = HTTP_MORE;

	memset(&resp, 0, sizeof(resp));
	memset(&g, 0, sizeof(g));
	g.new_head = 1;
	/* A 2xx to CONNECT has no body (RFC 9110 §9.3.6), as for HEAD. */
	http_parser_init(&p, &resp, 1);
	now(&t0);
	while (r == HTTP_MORE) {
		if ((n = proxy_recv(fd, buf, sizeof(buf), &t0)) == -1)
			goto fail;
		if (n == 0) {
			http_parser_eof(&p, 1);
			goto fail;
		}
		if ((r = http_parser_feed(&p, buf, (size_t)n, &used)) ==
		    HTTP_ERROR)
			goto fail;
		status_grab(&g, buf, used);
	}
	if (resp.status < 200 || resp.status > 299)
		return proxy_refused(&g, resp.status, host, port);
	if (used != (size_t)n)
		return err_set(ERR_NET, "proxy %s port %d: bytes after its "
		    "answer to CONNECT, before the tunnel was used", proxy.host,
		    proxy.port);
	return 0;
fail:
	return err_reset(ERR_NET, "proxy %s port %d: answer to CONNECT: %s",
	    proxy.host, proxy.port, err_msg());
}

/* Open fd's tunnel to host:port: send CONNECT and read the answer. */
static int
proxy_tunnel(int fd, const char *host, int port)
{
	char req[PROXY_REQUEST_MAX];
	long len;
	int r;

	if ((len = proxy_request(req, sizeof(req), host, port)) == -1)
		return -1;
	r = net_write(fd, (const unsigned char *)req, (size_t)len);
	explicit_bzero(req, sizeof(req));
	if (r == -1)
		return err_reset(ERR_NET, "proxy %s port %d: sending CONNECT: "
		    "%s", proxy.host, proxy.port, err_msg());
	return proxy_answer(fd, host, port);
}

/*
 * Connect to the proxy (its host resolved like any other: --resolve,
 * hosts, DNS; each address within the connect timeout) and open a
 * tunnel to host:port through it.  Returns the socket or -1 (ERR_NET).
 */
static int
proxy_connect(const char *host, int port)
{
	struct net_addr addrs[NET_ADDRS_MAX];
	int n, fd;

	if ((n = lookup(proxy.host, proxy.port, addrs)) == -1 ||
	    (fd = connect_addrs(proxy.host, proxy.port, addrs, n)) == -1)
		return err_reset(ERR_NET, "proxy: %s", err_msg());
	if (proxy_tunnel(fd, host, port) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
net_peer_is_loopback(int fd)
{
	struct sockaddr_storage ss;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	socklen_t len = sizeof(ss);
	char text[INET6_ADDRSTRLEN];
	const char *t = NULL;

	/* Copied out, not cast: see the note on aliasing at the top. */
	if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	if (ss.ss_family == AF_INET) {
		memcpy(&v4, &ss, sizeof(v4));
		t = inet_ntop(AF_INET, &v4.sin_addr, text, sizeof(text));
	} else if (ss.ss_family == AF_INET6) {
		memcpy(&v6, &ss, sizeof(v6));
		t = inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof(text));
	}
	return t != NULL && net_is_loopback(text);
}
