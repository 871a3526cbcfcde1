/*
 * test_net.c — --resolve parsing, loopback names, hosts and resolv.conf
 * parsing, the DNS answer parser on hand-made packets, and real sockets
 * on 127.0.0.1: connects, deadlines, and a DNS round trip against a
 * forked stand-in server.  The HTTP proxy: URL parsing, NO_PROXY
 * matching, base64, the CONNECT request bytes, answers from a stand-in
 * proxy on a socket pair, and a tunnel through a forked one.
 *
 * net.c is included so that its static functions can be called.
 */
#include "../../src/net.c"

#include <sys/wait.h>
#include <stdlib.h>

#include "t.h"

/* A packet under construction. */
struct pkt {
	unsigned char b[1024];
	size_t n;
};

static void
reset(void)
{
	resolve_n = 0;
	net_set_deadline(0);
	net_set_connect_timeout(0);
	hosts_path = "/etc/hosts";
	resolv_path = "/etc/resolv.conf";
	dns_port = DNS_PORT;
	net_set_proxy(NULL);
	net_set_no_proxy(NULL);
	err_clear();
}

static void
put(struct pkt *p, const void *d, size_t n)
{
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static void
put16(struct pkt *p, unsigned v)
{
	p->b[p->n++] = v >> 8;
	p->b[p->n++] = v & 0xff;
}

/* Header and question of an answer to q, with rcode and ancount. */
static void
reply_start(struct pkt *p, const unsigned char *q, int qlen, int rcode,
    int ancount)
{
	p->n = 0;
	put(p, q, qlen);
	p->b[2] = 0x80 | (q[2] & 0x01);
	p->b[3] = 0x80 | rcode;
	p->b[6] = ancount >> 8;
	p->b[7] = ancount & 0xff;
}

/* One IN record: name (wire form, nlen bytes), type, RDATA. */
static void
rr(struct pkt *p, const void *name, size_t nlen, int type, const void *rd,
    size_t rdlen)
{
	put(p, name, nlen);
	put16(p, type);
	put16(p, DNS_IN);
	put16(p, 0);
	put16(p, 300);
	put16(p, rdlen);
	put(p, rd, rdlen);
}

/* Names in wire form; sizeof() counts the literal's NUL as the root. */
#define NAME_API	"\3api\5turso\4tech"
#define NAME_EDGE	"\4edge\7example\3net"
#define PTR_QNAME	"\xc0\x0c"

static const unsigned char ip4_a[4] = { 1, 2, 3, 4 };
static const unsigned char ip4_b[4] = { 5, 6, 7, 8 };
static const unsigned char ip6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

/* Fields of an address, read by copy (see sa_get() in net.c). */
static unsigned
ipv4_of(const struct net_addr *a)
{
	union sa_any u;

	sa_get(&a->sa, &u);
	return ntohl(u.v4.sin_addr.s_addr);
}

static int
port_of(const struct net_addr *a)
{
	union sa_any u;

	sa_get(&a->sa, &u);
	return ntohs(a->sa.ss_family == AF_INET ? u.v4.sin_port :
	    u.v6.sin6_port);
}

static const unsigned char *
ipv6_of(const struct net_addr *a)
{
	static union sa_any u;

	sa_get(&a->sa, &u);
	return u.v6.sin6_addr.s6_addr;
}

static unsigned
scope_of(const struct net_addr *a)
{
	union sa_any u;

	sa_get(&a->sa, &u);
	return u.v6.sin6_scope_id;
}

/* ---- --resolve ---- */

TEST(resolve_good)
{
	struct net_addr out[NET_ADDRS_MAX];
	static const unsigned char loop6[16] = { [15] = 1 };

	reset();
	memset(out, 0, sizeof(out));
	CHECK_INT(net_resolve_add("api.turso.tech:443:127.0.0.1"), 0);
	CHECK_INT(net_resolve_add("api.turso.tech:443:[::1]"), 0);
	CHECK_INT(net_resolve_add("API.turso.tech:443:::1"), 0);
	CHECK_INT(net_resolve_add("other.example:1:10.0.0.1"), 0);
	CHECK_INT(net_resolve_add("api.turso.tech:65535:192.0.2.7"), 0);
	CHECK_INT(err_class(), ERR_OK);
	CHECK_INT(resolve_n, 5);
	CHECK_STR(resolve_tab[0].host, "api.turso.tech");
	CHECK_STR(resolve_tab[2].host, "api.turso.tech");
	CHECK_INT(resolve_tab[0].port, 443);
	CHECK_INT(resolve_tab[0].addr.sa.ss_family, AF_INET);
	CHECK_INT(resolve_tab[0].addr.len, sizeof(struct sockaddr_in));
	CHECK_INT(ipv4_of(&resolve_tab[0].addr), 0x7f000001);
	CHECK_INT(port_of(&resolve_tab[0].addr), 443);
	CHECK_INT(resolve_tab[1].addr.sa.ss_family, AF_INET6);
	CHECK_INT(resolve_tab[1].addr.len, sizeof(struct sockaddr_in6));
	CHECK_MEM(ipv6_of(&resolve_tab[1].addr), 16, loop6, 16);
	CHECK_INT(resolve_tab[2].addr.sa.ss_family, AF_INET6);
	CHECK_MEM(ipv6_of(&resolve_tab[2].addr), 16, loop6, 16);
	CHECK_INT(port_of(&resolve_tab[2].addr), 443);
	CHECK_INT(resolve_tab[3].port, 1);
	CHECK_INT(resolve_tab[4].port, 65535);

	/* All entries for host:port, in order; host case-insensitive. */
	CHECK_INT(lookup_resolve("Api.Turso.TECH", 443, out), 3);
	CHECK_INT(out[0].sa.ss_family, AF_INET);
	CHECK_INT(out[1].sa.ss_family, AF_INET6);
	CHECK_INT(out[2].sa.ss_family, AF_INET6);
	CHECK_INT(lookup_resolve("api.turso.tech", 444, out), 0);
	CHECK_INT(lookup_resolve("api.turso.tech", 65535, out), 1);
	CHECK_INT(ipv4_of(&out[0]), 0xc0000207);
	CHECK_INT(lookup_resolve("turso.tech", 443, out), 0);
	reset();
}

TEST(resolve_bad)
{
	static const char *bad[] = {
		"", "api.turso.tech", "api.turso.tech:443",
		"api.turso.tech:443:", ":443:127.0.0.1",
		"h:0:127.0.0.1", "h:70000:127.0.0.1", "h:65536:127.0.0.1",
		"h::127.0.0.1", "h:44x:127.0.0.1", "h:+443:127.0.0.1",
		"h:-1:127.0.0.1", "h:000443:127.0.0.1",
		"h:443:127.0.0.256", "h:443:localhost", "h:443:[127.0.0.1]",
		"h:443:[::1", "h:443:::1]", "h:443:127.0.0.1 ", "h:443:1.2.3",
		"h:443:::g", "h:443:127.0.0.1,127.0.0.2",
	};
	char longhost[NET_HOST_MAX + 32];
	size_t i;

	reset();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear();
		if (net_resolve_add(bad[i]) != -1)
			fprintf(stderr, "  accepted: \"%s\"\n", bad[i]);
		CHECK_INT(err_class(), ERR_USAGE);
		CHECK_STR(err_msg(), "--resolve: expected HOST:PORT:ADDR");
	}
	CHECK_INT(net_resolve_add(NULL), -1);
	CHECK_INT(resolve_n, 0);

	/* A host of NET_HOST_MAX bytes is fine, one more is not. */
	memset(longhost, 'a', NET_HOST_MAX);
	strcpy(longhost + NET_HOST_MAX, ":443:127.0.0.1");
	err_clear();
	CHECK_INT(net_resolve_add(longhost), 0);
	memset(longhost, 'a', NET_HOST_MAX + 1);
	strcpy(longhost + NET_HOST_MAX + 1, ":443:127.0.0.1");
	CHECK_INT(net_resolve_add(longhost), -1);
	CHECK_INT(err_class(), ERR_USAGE);
	reset();
}

TEST(resolve_full)
{
	int i;

	reset();
	for (i = 0; i < NET_RESOLVE_MAX; i++)
		CHECK_INT(net_resolve_add("h:443:127.0.0.1"), 0);
	CHECK_INT(net_resolve_add("h:443:127.0.0.1"), -1);
	CHECK_INT(err_class(), ERR_USAGE);
	CHECK_STR(err_msg(), "--resolve: more than 16 entries");
	CHECK_INT(resolve_n, NET_RESOLVE_MAX);
	reset();
}

/* ---- loopback ---- */

TEST(loopback)
{
	static const char *yes[] = {
		"localhost", "LocalHost", "localhost.", "a.localhost",
		"x.y.LOCALHOST", "127.0.0.1", "127.255.255.254", "127.1.2.3",
		"::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1",
	};
	static const char *no[] = {
		"", "localhost.example", "notlocalhost", ".localhost",
		"localhost..", "128.0.0.1", "126.255.255.255", "0.0.0.0",
		"10.0.0.1", "::", "::2", "::ffff:10.0.0.1", "api.turso.tech",
		"127.0.0.1.nip.io", "127.1", "[127.0.0.1]",
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (net_is_loopback(yes[i]) != 1) {
			fprintf(stderr, "  not loopback: \"%s\"\n", yes[i]);
			t_failed_checks++;
		}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (net_is_loopback(no[i]) != 0) {
			fprintf(stderr, "  loopback: \"%s\"\n", no[i]);
			t_failed_checks++;
		}
	CHECK_INT(net_is_loopback(NULL), 0);
}

/* Names under localhost never reach hosts or DNS. */
TEST(lookup_localhost)
{
	struct net_addr out[NET_ADDRS_MAX];
	static const unsigned char loop6[16] = { [15] = 1 };

	reset();
	hosts_path = "/nonexistent/hosts";
	resolv_path = "/nonexistent/resolv.conf";
	CHECK_INT(lookup("app.localhost", 8080, out), 2);
	CHECK_INT(out[0].sa.ss_family, AF_INET6);
	CHECK_MEM(ipv6_of(&out[0]), 16, loop6, 16);
	CHECK_INT(out[1].sa.ss_family, AF_INET);
	CHECK_INT(ipv4_of(&out[1]), 0x7f000001);
	CHECK_INT(port_of(&out[1]), 8080);
	/* A literal is itself. */
	CHECK_INT(lookup("192.0.2.1", 443, out), 1);
	CHECK_INT(ipv4_of(&out[0]), 0xc0000201);
	CHECK_INT(err_class(), ERR_OK);
	reset();
}

/* ---- files ---- */

static const char *
write_tmp(char *path, const char *text)
{
	int fd;

	strcpy(path, "/tmp/test_net.XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return NULL;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return NULL;
	}
	close(fd);
	return path;
}

TEST(hosts_file)
{
	struct net_addr out[NET_ADDRS_MAX];
	char path[64];
	static const unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8,
	    [14] = 0xab, [15] = 0xcd };

	reset();
	CHECK(write_tmp(path,
	    "# comment api.turso.tech\n"
	    "127.0.0.1\tlocalhost\n"
	    "10.0.0.1 other api.turso.tech.evil\n"
	    "192.0.2.10   API.Turso.Tech  api # trailing comment\r\n"
	    "bogus api.turso.tech\n"
	    "   \n"
	    "2001:db8::abcd api.turso.tech\n"
	    "#192.0.2.99 api.turso.tech\n"
	    "192.0.2.11 alias api.turso.tech") != NULL);
	hosts_path = path;
	CHECK_INT(lookup_hosts("api.turso.tech", 443, out, NET_ADDRS_MAX), 3);
	CHECK_INT(ipv4_of(&out[0]), 0xc000020a);
	CHECK_INT(port_of(&out[0]), 443);
	CHECK_INT(out[1].sa.ss_family, AF_INET6);
	CHECK_MEM(ipv6_of(&out[1]), 16, v6, 16);
	CHECK_INT(ipv4_of(&out[2]), 0xc000020b);
	CHECK_INT(lookup_hosts("api.turso.tech", 443, out, 1), 1);
	CHECK_INT(lookup_hosts("api", 443, out, NET_ADDRS_MAX), 1);
	CHECK_INT(lookup_hosts("turso.tech", 443, out, NET_ADDRS_MAX), 0);
	unlink(path);
	hosts_path = "/nonexistent/hosts";
	CHECK_INT(lookup_hosts("api.turso.tech", 443, out, NET_ADDRS_MAX), 0);
	reset();
}

TEST(read_text_cut)
{
	char path[64], buf[8];

	CHECK(write_tmp(path, "a\nbb\nccc\n") != NULL);
	/* 7 bytes fit: "a\nbb\ncc" is cut inside "ccc", which is dropped. */
	CHECK_INT(read_text(path, buf, sizeof(buf)), 5);
	CHECK_STR(buf, "a\nbb\n");
	unlink(path);
	CHECK(write_tmp(path, "a\nbb\ncc") != NULL);
	/* Exactly 7 bytes: nothing was cut. */
	CHECK_INT(read_text(path, buf, sizeof(buf)), 7);
	CHECK_STR(buf, "a\nbb\ncc");
	unlink(path);
	CHECK_INT(read_text("/nonexistent/x", buf, sizeof(buf)), -1);
}

TEST(resolv_file)
{
	struct net_addr ns[DNS_SERVERS_MAX + 1];
	char path[64];

	reset();
	CHECK(write_tmp(path,
	    "# generated\n"
	    "; old style comment\n"
	    "search example.com\n"
	    "nameserver\n"
	    "nameserver not-an-address\n"
	    "nameserver 10.0.0.1\n"
	    "  nameserver\t::1  # local\n"
	    "nameservers 10.9.9.9\n"
	    "nameserver 1.1.1.1\n"
	    "nameserver 8.8.8.8\n"
	    "options ndots:2\n") != NULL);
	resolv_path = path;
	CHECK_INT(resolv_servers(ns, DNS_SERVERS_MAX), 3);
	CHECK_INT(ipv4_of(&ns[0]), 0x0a000001);
	CHECK_INT(port_of(&ns[0]), 53);
	CHECK_INT(ns[1].sa.ss_family, AF_INET6);
	CHECK_INT(ipv4_of(&ns[2]), 0x01010101);
	unlink(path);

	CHECK(write_tmp(path, "nameserver fe80::1%1\nnameserver fe80::2%\n"
	    "nameserver fe80::3%no-such-if0\nnameserver 10.0.0.1%1\n"
	    "nameserver fe80::4%lo\n") != NULL);
	CHECK_INT(resolv_servers(ns, DNS_SERVERS_MAX), 2);
	CHECK_INT(scope_of(&ns[0]), 1);
	CHECK_INT(scope_of(&ns[1]), if_nametoindex("lo"));
	unlink(path);

	CHECK(write_tmp(path, "search example.com\n") != NULL);
	CHECK_INT(resolv_servers(ns, DNS_SERVERS_MAX), 0);
	err_clear();
	hosts_path = "/nonexistent/hosts";
	CHECK_INT(net_connect("nosuch.example", 443), -1);
	CHECK_INT(err_class(), ERR_NET);
	{
		char want[256];

		snprintf(want, sizeof(want), "cannot resolve nosuch.example: "
		    "no DNS server configured (no nameserver in %s); use "
		    "--resolve nosuch.example:443:ADDR", path);
		CHECK_STR(err_msg(), want);
	}
	unlink(path);
	reset();
}

TEST(no_resolv_conf)
{
	reset();
	hosts_path = "/nonexistent/hosts";
	resolv_path = "/etc/resolv.conf.absent";
	CHECK_INT(net_connect("api.turso.tech", 443), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "cannot resolve api.turso.tech: no DNS server "
	    "configured (no /etc/resolv.conf.absent); use --resolve "
	    "api.turso.tech:443:ADDR");
	reset();
}

/* ---- DNS packets ---- */

TEST(dns_build)
{
	static const unsigned char want[] =
	    "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
	    NAME_API "\0\x00\x1c\x00\x01";
	unsigned char q[DNS_QUERY_MAX], q2[DNS_QUERY_MAX];
	char name[300];
	int n;

	n = dns_query_build(q, 0x1234, "API.turso.tech", DNS_AAAA);
	CHECK_MEM(q, n, want, sizeof(want) - 1);
	/* A trailing dot makes no difference. */
	CHECK_INT(dns_query_build(q2, 0x1234, "api.turso.tech.", DNS_AAAA), n);
	CHECK_MEM(q2, n, want, sizeof(want) - 1);
	CHECK_INT(dns_query_build(q, 1, "", DNS_A), -1);
	CHECK_INT(dns_query_build(q, 1, ".", DNS_A), -1);
	CHECK_INT(dns_query_build(q, 1, "a..b", DNS_A), -1);
	CHECK_INT(dns_query_build(q, 1, ".a", DNS_A), -1);
	CHECK_INT(dns_query_build(q, 1, "a.b..", DNS_A), -1);
	CHECK_INT(dns_query_build(q, 1, "a b", DNS_A), -1);
	CHECK_INT(dns_query_build(q, 1, "a\x7f", DNS_A), -1);
	/* Labels of 63 bytes, not 64. */
	memset(name, 'x', 64);
	name[64] = '\0';
	CHECK_INT(dns_query_build(q, 1, name, DNS_A), -1);
	name[63] = '\0';
	CHECK_INT(dns_query_build(q, 1, name, DNS_A), 12 + 1 + 63 + 1 + 4);
	/* 253 characters encode to 255 bytes, the most there can be. */
	memset(name, 'a', 253);
	for (n = 1; n < 253; n += 2)
		name[n] = '.';
	name[253] = '\0';
	CHECK_INT(dns_query_build(q, 1, name, DNS_A), 12 + 255 + 4);
	strcpy(name + 253, ".a");
	CHECK_INT(dns_query_build(q, 1, name, DNS_A), -1);
}

/* A query for api.turso.tech of type qtype, id 0xbeef. */
static int
query(unsigned char *q, int qtype)
{
	return dns_query_build(q, 0xbeef, "api.turso.tech", qtype);
}

TEST(dns_parse_a)
{
	unsigned char q[DNS_QUERY_MAX];
	struct net_addr out[NET_ADDRS_MAX];
	struct pkt p;
	int ql = query(q, DNS_A);

	reply_start(&p, q, ql, 0, 4);
	rr(&p, PTR_QNAME, 2, DNS_A, ip4_a, 4);
	/* Wrong type, then wrong name: both skipped. */
	rr(&p, PTR_QNAME, 2, DNS_AAAA, ip6_a, 16);
	rr(&p, NAME_EDGE, sizeof(NAME_EDGE), DNS_A, ip4_a, 4);
	rr(&p, PTR_QNAME, 2, DNS_A, ip4_b, 4);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX), 2);
	CHECK_INT(out[0].sa.ss_family, AF_INET);
	CHECK_INT(ipv4_of(&out[0]), 0x01020304);
	CHECK_INT(port_of(&out[0]), 443);
	CHECK_INT(ipv4_of(&out[1]), 0x05060708);
	/* At most max addresses are kept. */
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, 1), 1);
	CHECK_INT(ipv4_of(&out[0]), 0x01020304);
	/* No answers at all: zero addresses, not an error. */
	reply_start(&p, q, ql, 0, 0);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX), 0);
}

TEST(dns_parse_aaaa)
{
	unsigned char q[DNS_QUERY_MAX];
	struct net_addr out[NET_ADDRS_MAX];
	struct pkt p;
	int ql = query(q, DNS_AAAA);

	/* The owner written out in full, in another case. */
	reply_start(&p, q, ql, 0, 2);
	rr(&p, "\3API\5Turso\4TECH", sizeof(NAME_API), DNS_AAAA, ip6_a, 16);
	rr(&p, PTR_QNAME, 2, DNS_A, ip4_a, 4);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 8443, out, NET_ADDRS_MAX), 1);
	CHECK_INT(out[0].sa.ss_family, AF_INET6);
	CHECK_INT(out[0].len, sizeof(struct sockaddr_in6));
	CHECK_MEM(ipv6_of(&out[0]), 16, ip6_a, 16);
	CHECK_INT(port_of(&out[0]), 8443);
	/* An AAAA record of the wrong size is malformed. */
	reply_start(&p, q, ql, 0, 1);
	rr(&p, PTR_QNAME, 2, DNS_AAAA, ip6_a, 4);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);
}

TEST(dns_parse_cname)
{
	unsigned char q[DNS_QUERY_MAX];
	struct net_addr out[NET_ADDRS_MAX];
	struct pkt p;
	int ql = query(q, DNS_A);
	size_t target;

	/* api.turso.tech CNAME edge.example.net; edge.example.net A. */
	reply_start(&p, q, ql, 0, 3);
	rr(&p, PTR_QNAME, 2, DNS_CNAME, NAME_EDGE, sizeof(NAME_EDGE));
	target = p.n - sizeof(NAME_EDGE);
	/* An A record for the first name is ignored once it is an alias. */
	rr(&p, PTR_QNAME, 2, DNS_A, ip4_b, 4);
	put16(&p, 0xc000 | target);
	put16(&p, DNS_A);
	put16(&p, DNS_IN);
	put16(&p, 0);
	put16(&p, 60);
	put16(&p, 4);
	put(&p, ip4_a, 4);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX), 1);
	CHECK_INT(ipv4_of(&out[0]), 0x01020304);

	/* Address first, CNAME after: still followed. */
	reply_start(&p, q, ql, 0, 2);
	rr(&p, NAME_EDGE, sizeof(NAME_EDGE), DNS_A, ip4_b, 4);
	rr(&p, PTR_QNAME, 2, DNS_CNAME, NAME_EDGE, sizeof(NAME_EDGE));
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX), 1);
	CHECK_INT(ipv4_of(&out[0]), 0x05060708);

	/* A chain of two, the target compressed as "edge" + pointer to
	 * "turso.tech" inside the question (offset 16). */
	reply_start(&p, q, ql, 0, 3);
	rr(&p, PTR_QNAME, 2, DNS_CNAME, "\4edge\xc0\x10", 7);
	target = p.n - 7;
	put16(&p, 0xc000 | target);
	put16(&p, DNS_CNAME);
	put16(&p, DNS_IN);
	put16(&p, 0);
	put16(&p, 60);
	put16(&p, sizeof(NAME_EDGE));
	put(&p, NAME_EDGE, sizeof(NAME_EDGE));
	rr(&p, NAME_EDGE, sizeof(NAME_EDGE), DNS_A, ip4_a, 4);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX), 1);
	CHECK_INT(ipv4_of(&out[0]), 0x01020304);

	/* A CNAME loop: api -> edge -> api. */
	reply_start(&p, q, ql, 0, 2);
	rr(&p, PTR_QNAME, 2, DNS_CNAME, NAME_EDGE, sizeof(NAME_EDGE));
	rr(&p, NAME_EDGE, sizeof(NAME_EDGE), DNS_CNAME, PTR_QNAME, 2);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);

	/* A CNAME whose target does not fill its RDATA. */
	reply_start(&p, q, ql, 0, 1);
	rr(&p, PTR_QNAME, 2, DNS_CNAME, NAME_EDGE "\0", sizeof(NAME_EDGE) + 1);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);
}

TEST(dns_parse_pointers)
{
	unsigned char q[DNS_QUERY_MAX];
	struct net_addr out[NET_ADDRS_MAX];
	struct pkt p;
	int ql = query(q, DNS_A);
	size_t at;

	/* "api" + pointer to "turso.tech" at offset 16: the same name. */
	reply_start(&p, q, ql, 0, 1);
	rr(&p, "\3api\xc0\x10", 6, DNS_A, ip4_a, 4);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX), 1);

	/* A pointer to itself. */
	reply_start(&p, q, ql, 0, 1);
	at = p.n;
	put16(&p, 0xc000 | at);
	put(&p, "\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 14);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);

	/* A label, then a pointer back to that label: a loop. */
	reply_start(&p, q, ql, 0, 1);
	at = p.n;
	put(&p, "\1x", 2);
	put16(&p, 0xc000 | at);
	put(&p, "\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 14);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);

	/* A pointer forward (to the right name, after the record), one
	 * past the end, and one cut in half. */
	reply_start(&p, q, ql, 0, 1);
	at = p.n;
	put16(&p, 0xc000 | (at + 16));
	put(&p, "\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 14);
	put(&p, NAME_API, sizeof(NAME_API));
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);
	reply_start(&p, q, ql, 0, 1);
	put16(&p, 0xc000 | 0x3fff);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);
	reply_start(&p, q, ql, 0, 1);
	put(&p, "\xc0", 1);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);
	/* Extended label type 0x40. */
	reply_start(&p, q, ql, 0, 1);
	rr(&p, "\x41x", 3, DNS_A, ip4_a, 4);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);
}

TEST(dns_parse_truncated)
{
	unsigned char q[DNS_QUERY_MAX];
	struct net_addr out[NET_ADDRS_MAX];
	struct pkt p;
	int ql = query(q, DNS_A);
	size_t full;

	reply_start(&p, q, ql, 0, 1);
	rr(&p, PTR_QNAME, 2, DNS_A, ip4_a, 4);
	full = p.n;
	CHECK_INT(dns_parse(p.b, full, q, ql, 443, out, NET_ADDRS_MAX), 1);
	/* RDATA cut, fixed RR fields cut, name cut. */
	CHECK_INT(dns_parse(p.b, full - 2, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);
	CHECK_INT(dns_parse(p.b, full - 9, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);
	CHECK_INT(dns_parse(p.b, ql + 1, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);
	/* More answers announced than present. */
	p.b[7] = 2;
	CHECK_INT(dns_parse(p.b, full, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);
	/* An A record of 3 bytes. */
	reply_start(&p, q, ql, 0, 1);
	rr(&p, PTR_QNAME, 2, DNS_A, ip4_a, 3);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MALFORMED);
	/* Shorter than a header, or than the question: not ours. */
	CHECK_INT(dns_parse(p.b, 11, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MISMATCH);
	CHECK_INT(dns_parse(p.b, ql - 1, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MISMATCH);
}

TEST(dns_parse_mismatch)
{
	unsigned char q[DNS_QUERY_MAX], other[DNS_QUERY_MAX];
	struct net_addr out[NET_ADDRS_MAX];
	struct pkt p;
	int ql = query(q, DNS_A), ol;

	reply_start(&p, q, ql, 0, 1);
	rr(&p, PTR_QNAME, 2, DNS_A, ip4_a, 4);
	/* Wrong id. */
	p.b[1] ^= 1;
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MISMATCH);
	p.b[1] ^= 1;
	/* QR clear: a query, not an answer. */
	p.b[2] &= 0x7f;
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MISMATCH);
	p.b[2] |= 0x80;
	/* Two questions. */
	p.b[5] = 2;
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MISMATCH);
	p.b[5] = 1;
	/* The answer to another name, same id and length. */
	ol = dns_query_build(other, 0xbeef, "api.turso.tecx", DNS_A);
	CHECK_INT(ol, ql);
	reply_start(&p, other, ol, 0, 1);
	rr(&p, PTR_QNAME, 2, DNS_A, ip4_a, 4);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MISMATCH);
	/* The answer to the AAAA query. */
	ol = query(other, DNS_AAAA);
	reply_start(&p, other, ol, 0, 1);
	rr(&p, PTR_QNAME, 2, DNS_AAAA, ip6_a, 16);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_MISMATCH);
	/* Nothing else wrong: it matches. */
	CHECK_INT(dns_parse(p.b, p.n, other, ol, 443, out, NET_ADDRS_MAX), 1);
}

TEST(dns_parse_rcode)
{
	unsigned char q[DNS_QUERY_MAX];
	struct net_addr out[NET_ADDRS_MAX];
	struct pkt p;
	int ql = query(q, DNS_A);

	reply_start(&p, q, ql, 3, 0);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_NXDOMAIN);
	reply_start(&p, q, ql, 2, 0);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_FAILED);
	reply_start(&p, q, ql, 5, 0);
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_REFUSED);
	/* TC: a failure of this server, even with answers. */
	reply_start(&p, q, ql, 0, 1);
	rr(&p, PTR_QNAME, 2, DNS_A, ip4_a, 4);
	p.b[2] |= 0x02;
	CHECK_INT(dns_parse(p.b, p.n, q, ql, 443, out, NET_ADDRS_MAX),
	    DNS_TRUNCATED);
}

/* ---- sockets ---- */

/* A TCP socket listening on 127.0.0.1; *port gets its port. */
static int
listener(int *port)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 4) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A port on 127.0.0.1 with nobody listening (bound, then released). */
static int
dead_port(void)
{
	int port, fd = listener(&port);

	if (fd == -1)
		return -1;
	close(fd);
	return port;
}

static double
elapsed_s(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

TEST(connect_resolve)
{
	char spec[64];
	unsigned char buf[16];
	socklen_t sl = sizeof(int);
	int lfd, port, fd, sfd, nodelay = 0;

	reset();
	CHECK((lfd = listener(&port)) != -1);
	snprintf(spec, sizeof(spec), "api.turso.tech:%d:127.0.0.1", port);
	CHECK_INT(net_resolve_add(spec), 0);
	fd = net_connect("API.turso.tech", port);
	CHECK(fd >= 0);
	if (fd < 0) {
		fprintf(stderr, "  %s\n", err_msg());
		close(lfd);
		return;
	}
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK_INT(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &sl), 0);
	CHECK(nodelay != 0);
	sfd = accept(lfd, NULL, NULL);
	CHECK(sfd >= 0);
	CHECK_INT(write(sfd, "hello", 5), 5);
	CHECK_INT(net_read(fd, buf, sizeof(buf)), 5);
	CHECK_MEM(buf, 5, "hello", 5);
	CHECK_INT(net_write(fd, (const unsigned char *)"ping", 4), 0);
	CHECK_INT(read(sfd, buf, sizeof(buf)), 4);
	CHECK_MEM(buf, 4, "ping", 4);
	/* Orderly close reads as 0. */
	close(sfd);
	CHECK_INT(net_read(fd, buf, sizeof(buf)), 0);
	CHECK_INT(err_class(), ERR_OK);
	close(fd);
	close(lfd);
	reset();
}

TEST(connect_fallback)
{
	struct net_addr a[2];
	int lfd, port, dead, fd;

	reset();
	CHECK((dead = dead_port()) > 0);
	CHECK((lfd = listener(&port)) != -1);
	CHECK_INT(addr_literal("127.0.0.1", 9, dead, &a[0]), 0);
	CHECK_INT(addr_literal("127.0.0.1", 9, port, &a[1]), 0);
	fd = connect_addrs("api.turso.tech", port, a, 2);
	CHECK(fd >= 0);
	CHECK_INT(err_class(), ERR_OK);
	if (fd >= 0)
		close(fd);

	/* Through net_connect: a dead address for host:port, a live one. */
	{
		char spec[64];

		snprintf(spec, sizeof(spec), "h.test:%d:127.0.0.2", port);
		CHECK_INT(net_resolve_add(spec), 0);
		snprintf(spec, sizeof(spec), "h.test:%d:127.0.0.1", port);
		CHECK_INT(net_resolve_add(spec), 0);
		fd = net_connect("h.test", port);
		CHECK(fd >= 0);
		if (fd >= 0)
			close(fd);
		CHECK_INT(err_class(), ERR_OK);
	}
	close(lfd);
	reset();
}

TEST(connect_refused)
{
	char want[128];
	int dead;

	reset();
	CHECK((dead = dead_port()) > 0);
	CHECK_INT(net_connect("127.0.0.1", dead), -1);
	CHECK_INT(err_class(), ERR_NET);
	snprintf(want, sizeof(want), "cannot connect to 127.0.0.1 port %d: "
	    "connection refused", dead);
	CHECK_STR(err_msg(), want);
	err_clear();
	CHECK_INT(net_connect("127.0.0.1", 0), -1);
	CHECK_INT(err_class(), ERR_NET);
	reset();
}

TEST(read_deadline)
{
	struct timespec t0;
	unsigned char buf[16];
	char want[128];
	long left;
	int lfd, port, fd;

	reset();
	CHECK_INT(net_time_left(), LONG_MAX);
	net_set_deadline(5000);
	left = net_time_left();
	CHECK(left > 4900 && left <= 5000);
	net_set_deadline(0);
	CHECK_INT(net_time_left(), LONG_MAX);

	/* The listener never accepts and never sends. */
	CHECK((lfd = listener(&port)) != -1);
	fd = net_connect("127.0.0.1", port);
	CHECK(fd >= 0);
	net_set_deadline(300);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(net_read(fd, buf, sizeof(buf)), -1);
	CHECK(elapsed_s(&t0) >= 0.29);
	CHECK(elapsed_s(&t0) < 2.0);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "timed out after 300 ms (--max-time)");
	CHECK_INT(net_time_left(), 0);
	/* Once past the deadline, nothing new starts. */
	err_clear();
	CHECK_INT(net_connect("127.0.0.1", port), -1);
	snprintf(want, sizeof(want), "cannot connect to 127.0.0.1 port %d: "
	    "timed out", port);
	CHECK_STR(err_msg(), want);
	close(fd);
	close(lfd);
	reset();
}

TEST(write_closed_peer)
{
	int sv[2];

	reset();
	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	/* Without MSG_NOSIGNAL this would kill the test with SIGPIPE. */
	CHECK_INT(net_write(sv[0], (const unsigned char *)"x", 1), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "write failed: connection closed by peer");
	close(sv[0]);
	reset();
}

/* ---- DNS over a real socket ---- */

/* How the stand-in DNS server answers. */
enum { FAKE_ANSWER, FAKE_NXDOMAIN, FAKE_NODATA, FAKE_TRUNCATED,
    FAKE_SPOOF_FIRST, FAKE_SILENT };

/* Answer the next `count` queries on fd: AAAA ::1, A 127.0.0.1. */
static void
fake_dns(int fd, int mode, int count)
{
	static const unsigned char v6[16] = { [15] = 1 };
	static const unsigned char v4[4] = { 127, 0, 0, 1 };
	struct sockaddr_storage from;
	socklen_t fl;
	unsigned char q[512];
	struct pkt p;
	ssize_t n;
	int i, qtype, spoof;

	spoof = socket(AF_INET, SOCK_DGRAM, 0);
	for (i = 0; i < count; i++) {
		fl = sizeof(from);
		n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from,
		    &fl);
		if (n < 16)
			return;
		if (mode == FAKE_SILENT)
			continue;
		qtype = get16(q + n - 4);
		if (mode == FAKE_NXDOMAIN || mode == FAKE_NODATA) {
			reply_start(&p, q, n, mode == FAKE_NXDOMAIN ? 3 : 0, 0);
		} else {
			reply_start(&p, q, n, 0, 1);
			rr(&p, PTR_QNAME, 2, qtype, qtype == DNS_A ? v4 : v6,
			    qtype == DNS_A ? 4 : 16);
		}
		if (mode == FAKE_TRUNCATED)
			p.b[2] |= 0x02;
		if (mode == FAKE_SPOOF_FIRST) {
			/* A right answer from the wrong port, then the
			 * real server says the name does not exist. */
			sendto(spoof, p.b, p.n, 0, (struct sockaddr *)&from,
			    fl);
			usleep(20000);
			reply_start(&p, q, n, 3, 0);
		}
		sendto(fd, p.b, p.n, 0, (struct sockaddr *)&from, fl);
	}
}

/* Fork a stand-in DNS server on 127.0.0.1; *server gets its address. */
static pid_t
fake_server(int mode, int count, struct net_addr *server)
{
	struct timeval tv = { 3, 0 };
	socklen_t sl = sizeof(server->sa);
	pid_t pid;
	int fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	memset(server, 0, sizeof(*server));
	addr_literal("127.0.0.1", 9, 0, server);
	if (bind(fd, (struct sockaddr *)&server->sa, server->len) == -1 ||
	    getsockname(fd, (struct sockaddr *)&server->sa, &sl) == -1) {
		close(fd);
		return -1;
	}
	/* The child never outlives a parent that stopped asking. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if ((pid = fork()) == 0) {
		fake_dns(fd, mode, count);
		_exit(0);
	}
	close(fd);
	return pid;
}

static void
reap(pid_t pid)
{
	int st;

	if (pid > 0)
		waitpid(pid, &st, 0);
}

TEST(dns_round_trip)
{
	static const unsigned char loop6[16] = { [15] = 1 };
	struct net_addr server, out[NET_ADDRS_MAX];
	const char *why = "";
	pid_t pid;

	reset();
	CHECK((pid = fake_server(FAKE_ANSWER, 2, &server)) > 0);
	CHECK_INT(dns_ask(&server, "api.turso.tech", 443, out, NET_ADDRS_MAX,
	    &why), 2);
	/* IPv6 first. */
	CHECK_INT(out[0].sa.ss_family, AF_INET6);
	CHECK_MEM(ipv6_of(&out[0]), 16, loop6, 16);
	CHECK_INT(port_of(&out[0]), 443);
	CHECK_INT(out[1].sa.ss_family, AF_INET);
	CHECK_INT(ipv4_of(&out[1]), 0x7f000001);
	CHECK_INT(port_of(&out[1]), 443);
	reap(pid);

	CHECK((pid = fake_server(FAKE_NXDOMAIN, 2, &server)) > 0);
	CHECK_INT(dns_ask(&server, "nosuch.turso.tech", 443, out,
	    NET_ADDRS_MAX, &why), DNS_NXDOMAIN);
	reap(pid);

	/* An answer from another port is not the server's. */
	CHECK((pid = fake_server(FAKE_SPOOF_FIRST, 2, &server)) > 0);
	CHECK_INT(dns_ask(&server, "api.turso.tech", 443, out, NET_ADDRS_MAX,
	    &why), DNS_NXDOMAIN);
	reap(pid);
	CHECK_INT(err_class(), ERR_OK);
	reset();
}

/* The whole path: resolv.conf -> stand-in DNS -> connect. */
TEST(dns_connect)
{
	struct net_addr server;
	char path[64];
	int lfd, port, fd;
	pid_t pid;

	reset();
	CHECK((lfd = listener(&port)) != -1);
	CHECK((pid = fake_server(FAKE_ANSWER, 2, &server)) > 0);
	CHECK(write_tmp(path, "nameserver 127.0.0.1\n") != NULL);
	resolv_path = path;
	hosts_path = "/nonexistent/hosts";
	dns_port = port_of(&server);
	/* ::1 is tried first and refused; 127.0.0.1 answers. */
	fd = net_connect("api.turso.tech", port);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	else
		fprintf(stderr, "  %s\n", err_msg());
	reap(pid);

	err_clear();
	CHECK((pid = fake_server(FAKE_NXDOMAIN, 2, &server)) > 0);
	dns_port = port_of(&server);
	CHECK_INT(net_connect("nosuch.turso.tech", port), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "cannot resolve nosuch.turso.tech: no such host");
	reap(pid);

	/* The first server refuses (nobody on 127.0.0.2), the next answers. */
	err_clear();
	CHECK((pid = fake_server(FAKE_ANSWER, 2, &server)) > 0);
	dns_port = port_of(&server);
	unlink(path);
	CHECK(write_tmp(path, "nameserver 127.0.0.2\nnameserver 127.0.0.1\n")
	    != NULL);
	fd = net_connect("api.turso.tech", port);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	reap(pid);

	/* The name exists but has no address. */
	err_clear();
	CHECK((pid = fake_server(FAKE_NODATA, 2, &server)) > 0);
	dns_port = port_of(&server);
	CHECK_INT(net_connect("api.turso.tech", port), -1);
	CHECK_STR(err_msg(), "cannot resolve api.turso.tech: no IPv6 or IPv4 "
	    "address");
	reap(pid);

	/* TC set: this server failed, and it is said why. */
	err_clear();
	CHECK((pid = fake_server(FAKE_TRUNCATED, 2, &server)) > 0);
	dns_port = port_of(&server);
	CHECK_INT(net_connect("api.turso.tech", port), -1);
	CHECK_STR(err_msg(), "cannot resolve api.turso.tech: DNS server "
	    "127.0.0.1: answer truncated (TC bit set) and DNS over TCP is not "
	    "supported");
	reap(pid);

	/* A server that never answers, under a 300 ms deadline. */
	{
		struct timespec t0;

		err_clear();
		CHECK((pid = fake_server(FAKE_SILENT, 2, &server)) > 0);
		dns_port = port_of(&server);
		net_set_deadline(300);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		CHECK_INT(net_connect("api.turso.tech", port), -1);
		CHECK(elapsed_s(&t0) < 2.0);
		CHECK_STR(err_msg(), "cannot resolve api.turso.tech: timed out "
		    "after 300 ms (--max-time)");
		reap(pid);
	}

	/* Nobody on the port at all: refused, said at once. */
	err_clear();
	net_set_deadline(0);
	dns_port = dead_port();
	CHECK_INT(net_connect("api.turso.tech", port), -1);
	CHECK_STR(err_msg(), "cannot resolve api.turso.tech: DNS server "
	    "127.0.0.1: connection refused");
	unlink(path);
	close(lfd);
	reset();
}

/* ---- HTTP proxy ---- */

static void
proxy_reset(void)
{
	static const char *const vars[] = { "HTTPS_PROXY", "https_proxy",
	    "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy" };
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	reset();
}

/* Decoded "user:password" of the proxy set, "" when none. */
static const char *
proxy_cred_text(void)
{
	static char buf[PROXY_CRED_MAX + 1];
	long n;

	if (proxy.cred == NULL)
		return "";
	n = cred_decode(buf, PROXY_CRED_MAX, proxy.cred, proxy.cred_len);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

TEST(proxy_url_good)
{
	static const struct {
		const char *url, *host;
		int port;
		const char *cred;
	} good[] = {
		{ "http://proxy.example:3128", "proxy.example", 3128, "" },
		{ "HTTP://Proxy.Example:3128/", "Proxy.Example", 3128, "" },
		{ "proxy.example:8080", "proxy.example", 8080, "" },
		{ "http://proxy.example", "proxy.example", 1080, "" },
		{ "http://proxy_1.example/", "proxy_1.example", 1080, "" },
		{ "http://10.0.0.1:3128", "10.0.0.1", 3128, "" },
		{ "http://[::1]:3128", "::1", 3128, "" },
		{ "http://[2001:db8::1]", "2001:db8::1", 1080, "" },
		{ "http://proxy:65535", "proxy", 65535, "" },
		{ "http://user:pw@proxy:3128", "proxy", 3128, "user:pw" },
		{ "http://user:pa%3Ass@proxy:1", "proxy", 1, "user:pa:ss" },
		{ "http://us%40er:p@ss@proxy:1", "proxy", 1, "us@er:p@ss" },
		{ "http://user@proxy:1", "proxy", 1, "user:" },
		{ "http://Aladdin:open%20sesame@[::1]:1", "::1", 1,
		    "Aladdin:open sesame" },
		{ "http://%C3%A9t%C3%A9:%e2%82%ac@proxy:1", "proxy", 1,
		    "\xc3\xa9t\xc3\xa9:\xe2\x82\xac" },
	};
	size_t i;

	proxy_reset();
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err_clear();
		CHECK_INT(net_set_proxy(good[i].url), 0);
		CHECK_INT(err_class(), ERR_OK);
		CHECK_STR(proxy.host, good[i].host);
		CHECK_INT(proxy.port, good[i].port);
		CHECK_STR(proxy_cred_text(), good[i].cred);
		if (t_failed_checks)
			fprintf(stderr, "  for %s\n", good[i].url);
	}
	/* NULL and "" unset it. */
	CHECK_INT(net_set_proxy(""), 0);
	CHECK_STR(proxy.host, "");
	CHECK_INT(net_set_proxy("http://proxy:1"), 0);
	CHECK_INT(net_set_proxy(NULL), 0);
	CHECK_STR(proxy.host, "");
	proxy_reset();
}

TEST(proxy_url_refused)
{
	static const struct {
		const char *url, *msg;
	} bad[] = {
		{ "https://secret:secret@proxy:3128", "proxy: https:// proxies "
		    "are not supported; use an http:// proxy (TLS with the API "
		    "still runs end to end through its tunnel)" },
		{ "socks5h://secret@proxy:1080", "proxy: socks5h:// proxies "
		    "are not supported, only http://" },
		{ "://proxy:1", "proxy: not a proxy URL (want "
		    "http://[USER:PASSWORD@]HOST[:PORT])" },
		{ "ht tp://secret@proxy:1", "proxy: not a proxy URL (want "
		    "http://[USER:PASSWORD@]HOST[:PORT])" },
		{ "http://", NULL },
		{ "http://:3128", NULL },
		{ "http://secret@", NULL },
		{ "http://proxy:", NULL },
		{ "http://proxy:0", NULL },
		{ "http://proxy:65536", NULL },
		{ "http://proxy:080x", NULL },
		{ "http://proxy:-1", NULL },
		{ "http://proxy:3128/path", "proxy: a proxy URL has no path "
		    "or query (want http://[USER:PASSWORD@]HOST[:PORT])" },
		{ "http://proxy:3128?secret", NULL },
		{ "http://proxy:3128#x", NULL },
		{ "http://[::1", NULL },
		{ "http://[::1]x", NULL },
		{ "http://::1:3128", NULL },
		{ "http://[127.0.0.1]:80", NULL },
		{ "http://[nothost]:80", NULL },
		{ "http://pro xy:1", NULL },
		{ "http://pro%78y:1", NULL },
		{ "http://user:sec%zzret@proxy:1", "proxy: bad user name or "
		    "password (percent-encode special characters; at most 256 "
		    "bytes) (want http://[USER:PASSWORD@]HOST[:PORT])" },
		{ "http://user:secret%4@proxy:1", NULL },
		{ "http://us%3Aer:secret@proxy:1", NULL },
		{ "http://user:sec%0aret@proxy:1", NULL },
		{ "http://user:sec%7fret@proxy:1", NULL },
		{ "http://user:sec%00ret@proxy:1", NULL },
		{ "http://user:sec\001ret@proxy:1", NULL },
		{ "http://user:sec ret@proxy:1", NULL },
		{ "http://user:sec\xc3\xa9ret@proxy:1", NULL },
	};
	char longcred[400], longhost[300];
	size_t i;

	proxy_reset();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear();
		CHECK_INT(net_set_proxy("http://good:1"), 0);
		CHECK_INT(net_set_proxy(bad[i].url), -1);
		CHECK_INT(err_class(), ERR_USAGE);
		if (bad[i].msg != NULL)
			CHECK_STR(err_msg(), bad[i].msg);
		/* The URL's secrets never reach a message. */
		CHECK(strstr(err_msg(), "secret") == NULL);
		/* A bad URL leaves no proxy, not the previous one. */
		CHECK_STR(proxy.host, "");
		if (t_failed_checks)
			fprintf(stderr, "  for %s: %s\n", bad[i].url,
			    err_msg());
	}
	/* 256 bytes of "user:password" fit, 257 do not. */
	memset(longcred, 0, sizeof(longcred));
	memcpy(longcred, "http://u:", 9);
	memset(longcred + 9, 'p', 254);
	strcat(longcred, "@proxy:1");
	err_clear();
	CHECK_INT(net_set_proxy(longcred), 0);
	CHECK_INT(strlen(proxy_cred_text()), 256);
	memset(longcred + 9, 'p', 255);
	strcpy(longcred + 9 + 255, "@proxy:1");
	CHECK_INT(net_set_proxy(longcred), -1);
	CHECK_INT(err_class(), ERR_USAGE);
	/* A host of 253 bytes is a name; 254 is not. */
	err_clear();
	memcpy(longhost, "http://", 7);
	memset(longhost + 7, 'h', 253);
	strcpy(longhost + 7 + 253, ":1");
	CHECK_INT(net_set_proxy(longhost), 0);
	memset(longhost + 7, 'h', 254);
	strcpy(longhost + 7 + 254, ":1");
	CHECK_INT(net_set_proxy(longhost), -1);
	CHECK_INT(err_class(), ERR_USAGE);
	proxy_reset();
}

TEST(proxy_from_env)
{
	proxy_reset();
	CHECK_INT(net_proxy_from_env(NULL), 0);
	CHECK_STR(proxy.host, "");
	CHECK(no_proxy == NULL);

	setenv("all_proxy", "http://p4:4", 1);
	CHECK_INT(net_proxy_from_env(NULL), 0);
	CHECK_STR(proxy.host, "p4");
	setenv("ALL_PROXY", "http://p3:3", 1);
	CHECK_INT(net_proxy_from_env(NULL), 0);
	CHECK_STR(proxy.host, "p3");
	setenv("https_proxy", "http://p2:2", 1);
	CHECK_INT(net_proxy_from_env(NULL), 0);
	CHECK_STR(proxy.host, "p2");
	setenv("HTTPS_PROXY", "http://p1:1", 1);
	CHECK_INT(net_proxy_from_env(NULL), 0);
	CHECK_STR(proxy.host, "p1");
	CHECK_INT(proxy.port, 1);
	/* An empty variable is as good as unset. */
	setenv("HTTPS_PROXY", "", 1);
	CHECK_INT(net_proxy_from_env(NULL), 0);
	CHECK_STR(proxy.host, "p2");
	/* --proxy wins; --proxy "" turns the environment's proxy off. */
	CHECK_INT(net_proxy_from_env("http://opt:9"), 0);
	CHECK_STR(proxy.host, "opt");
	CHECK_INT(net_proxy_from_env(""), 0);
	CHECK_STR(proxy.host, "");
	/* The message names where the bad URL came from. */
	setenv("HTTPS_PROXY", "https://p1:1", 1);
	CHECK_INT(net_proxy_from_env(NULL), -1);
	CHECK_INT(err_class(), ERR_USAGE);
	CHECK(strncmp(err_msg(), "HTTPS_PROXY: https:// proxies", 29) == 0);
	err_clear();
	unsetenv("HTTPS_PROXY");
	setenv("https_proxy", "socks5://p:1", 1);
	CHECK_INT(net_proxy_from_env(NULL), -1);
	CHECK_STR(err_msg(), "https_proxy: socks5:// proxies are not "
	    "supported, only http://");
	err_clear();
	CHECK_INT(net_proxy_from_env("http://p:0"), -1);
	CHECK(strncmp(err_msg(), "--proxy: bad proxy host or port", 31) == 0);
	err_clear();

	/* NO_PROXY, else no_proxy; an empty one counts as unset. */
	setenv("no_proxy", "low.example", 1);
	CHECK_INT(net_proxy_from_env("http://p:1"), 0);
	CHECK_STR(no_proxy, "low.example");
	setenv("NO_PROXY", "up.example", 1);
	CHECK_INT(net_proxy_from_env("http://p:1"), 0);
	CHECK_STR(no_proxy, "up.example");
	setenv("NO_PROXY", "", 1);
	CHECK_INT(net_proxy_from_env("http://p:1"), 0);
	CHECK_STR(no_proxy, "low.example");
	proxy_reset();
}

TEST(no_proxy_table)
{
	static const struct {
		const char *list, *host;
		int port, want;
	} cases[] = {
		{ "example.com", "example.com", 443, 1 },
		{ "example.com", "api.example.com", 443, 1 },
		{ "example.com", "a.b.example.com", 443, 1 },
		{ ".example.com", "api.example.com", 443, 1 },
		{ ".example.com", "example.com", 443, 1 },
		{ "*.example.com", "api.example.com", 443, 1 },
		{ "*.example.com", "example.com", 443, 1 },
		{ "example.com", "badexample.com", 443, 0 },
		{ "example.com", "example.com.evil", 443, 0 },
		{ "api.example.com", "example.com", 443, 0 },
		{ "EXAMPLE.com", "Api.Example.COM", 443, 1 },
		{ "example.com.", "api.example.com", 443, 1 },
		{ "example.com", "api.example.com.", 443, 1 },
		{ "other.org, example.com", "api.example.com", 443, 1 },
		{ " other.org ,\texample.com\t", "api.example.com", 443, 1 },
		{ "other.org,,", "api.example.com", 443, 0 },
		{ "*", "api.turso.tech", 443, 1 },
		{ "other.org,*", "api.turso.tech", 443, 1 },
		{ "*x", "api.turso.tech", 443, 0 },
		{ ".", "api.turso.tech", 443, 0 },
		{ "", "api.turso.tech", 443, 0 },
		{ "example.com:443", "api.example.com", 443, 1 },
		{ "example.com:8443", "api.example.com", 443, 0 },
		{ "example.com:bad", "api.example.com", 443, 0 },
		{ "10.1.2.3", "10.1.2.3", 443, 1 },
		{ "10.1.2.3", "10.1.2.4", 443, 0 },
		{ "10.1.2.3:443", "10.1.2.3", 443, 1 },
		{ "10.1.2.3:80", "10.1.2.3", 443, 0 },
		{ "10.0.0.0/8", "10.200.3.4", 443, 1 },
		{ "10.0.0.0/8", "11.0.0.1", 443, 0 },
		{ "192.168.0.0/17", "192.168.127.255", 443, 1 },
		{ "192.168.0.0/17", "192.168.128.0", 443, 0 },
		{ "0.0.0.0/0", "203.0.113.9", 443, 1 },
		{ "10.0.0.0/33", "10.0.0.1", 443, 0 },
		{ "10.0.0.0/", "10.0.0.1", 443, 0 },
		{ "10.0.0.0/8x", "10.0.0.1", 443, 0 },
		/* An address entry never matches a name, nor a name entry an
		 * address: NO_PROXY is read without resolving anything. */
		{ "10.1.2.3", "api.turso.tech", 443, 0 },
		{ "1.2.3", "1.2.3", 443, 1 },
		{ "2001:db8::1", "2001:db8::1", 443, 1 },
		{ "2001:db8::1", "2001:db8:0:0::1", 443, 1 },
		{ "2001:db8::1", "2001:db8::2", 443, 0 },
		{ "[2001:db8::1]", "2001:db8::1", 443, 1 },
		{ "[2001:db8::1]:443", "2001:db8::1", 443, 1 },
		{ "[2001:db8::1]:80", "2001:db8::1", 443, 0 },
		{ "[2001:db8::1]x", "2001:db8::1", 443, 0 },
		{ "[2001:db8::1", "2001:db8::1", 443, 0 },
		{ "2001:db8::/32", "2001:db8:ffff::1", 443, 1 },
		{ "2001:db8::/32", "2001:db9::1", 443, 0 },
		{ "2001:db8::/129", "2001:db8::1", 443, 0 },
		{ "10.0.0.0/8", "2001:db8::1", 443, 0 },
	};
	size_t i;

	proxy_reset();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (no_proxy_match(cases[i].list, cases[i].host,
		    cases[i].port) != cases[i].want) {
			fprintf(stderr, "  NO_PROXY \"%s\", %s:%d: want %d\n",
			    cases[i].list, cases[i].host, cases[i].port,
			    cases[i].want);
			t_failed_checks++;
		}
	}
	CHECK_INT(no_proxy_match(NULL, "api.turso.tech", 443), 0);

	/* What net_connect() asks: no proxy, loopback, NO_PROXY. */
	CHECK_INT(proxy_bypass("api.turso.tech", 443), 1);
	CHECK_INT(net_set_proxy("http://proxy:3128"), 0);
	CHECK_INT(proxy_bypass("api.turso.tech", 443), 0);
	CHECK_INT(proxy_bypass("localhost", 443), 1);
	CHECK_INT(proxy_bypass("127.0.0.1", 443), 1);
	CHECK_INT(proxy_bypass("::1", 443), 1);
	net_set_no_proxy("turso.tech");
	CHECK_INT(proxy_bypass("api.turso.tech", 443), 1);
	net_set_no_proxy("");
	CHECK_INT(proxy_bypass("api.turso.tech", 443), 0);
	proxy_reset();
}

TEST(proxy_base64)
{
	/* RFC 4648 §10, RFC 7617 §2, and the last two alphabet letters. */
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "" },
		{ "f", "Zg==" },
		{ "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
		{ "Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ==" },
		{ "\xfb\xff", "+/8=" },
		{ "\xff\xff\xff", "////" },
	};
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CHECK_INT(b64_encode(out, (const unsigned char *)v[i].in,
		    strlen(v[i].in)), strlen(v[i].out));
		CHECK_STR(out, v[i].out);
	}
	/* The longest credential fills its buffer exactly. */
	{
		unsigned char cred[PROXY_CRED_MAX];
		char b64[PROXY_CRED_B64_MAX];

		memset(cred, 'x', sizeof(cred));
		CHECK_INT(b64_encode(b64, cred, sizeof(cred)),
		    PROXY_CRED_B64_MAX - 1);
	}
}

#define UA	"User-Agent: turso-token/" TT_VERSION "\r\n"

TEST(proxy_request_bytes)
{
	static const char plain[] =
	    "CONNECT api.turso.tech:443 HTTP/1.1\r\n"
	    "Host: api.turso.tech:443\r\n"
	    UA
	    "\r\n";
	static const char auth[] =
	    "CONNECT api.turso.tech:8443 HTTP/1.1\r\n"
	    "Host: api.turso.tech:8443\r\n"
	    UA
	    "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"
	    "\r\n";
	static const char v6[] =
	    "CONNECT [2001:db8::1]:443 HTTP/1.1\r\n"
	    "Host: [2001:db8::1]:443\r\n"
	    UA
	    "\r\n";
	char out[PROXY_REQUEST_MAX];
	long n;

	proxy_reset();
	CHECK_INT(net_set_proxy("http://proxy:3128"), 0);
	n = proxy_request(out, sizeof(out), "api.turso.tech", 443);
	CHECK_MEM(out, n, plain, sizeof(plain) - 1);
	n = proxy_request(out, sizeof(out), "2001:db8::1", 443);
	CHECK_MEM(out, n, v6, sizeof(v6) - 1);
	CHECK_INT(net_set_proxy("http://Aladdin:open%20sesame@proxy:3128"), 0);
	n = proxy_request(out, sizeof(out), "api.turso.tech", 8443);
	CHECK_MEM(out, n, auth, sizeof(auth) - 1);
	/* No room: nothing half-built is left, and it says so. */
	CHECK_INT(proxy_request(out, 100, "api.turso.tech", 443), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	for (n = 0; n < 100 && out[n] == '\0'; n++)
		;
	CHECK_INT(n, 100);
	/* A host that would split the request line never goes out. */
	err_clear();
	CHECK_INT(proxy_request(out, sizeof(out), "a.example\r\nX: y", 443),
	    -1);
	CHECK_INT(err_class(), ERR_NET);
	err_clear();
	CHECK_INT(proxy_request(out, sizeof(out), "a b", 443), -1);
	/* The longest host and credential fit the request buffer. */
	{
		char url[600], host[NET_HOST_MAX + 1];

		err_clear();
		memset(host, 'h', NET_HOST_MAX);
		host[NET_HOST_MAX] = '\0';
		strcpy(url, "http://u:");
		memset(url + 9, 'p', 254);
		strcpy(url + 9 + 254, "@proxy:1");
		CHECK_INT(net_set_proxy(url), 0);
		CHECK(proxy_request(out, sizeof(out), host, 65535) > 0);
		CHECK_INT(err_class(), ERR_OK);
	}
	proxy_reset();
}

/*
 * Run proxy_tunnel() against a stand-in proxy that answers with the
 * len bytes of answer (then closes when close_after).  What the client
 * sent is left in sent (NUL-terminated).  Returns proxy_tunnel()'s result
 * and leaves the client's end in *fd and the proxy's in *peer, or closes
 * them when fd is NULL.
 */
static int
tunnel_with(const char *answer, size_t len, int close_after, char *sent,
    size_t cap, int *fd, int *peer)
{
	ssize_t n;
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -2;
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	if (write(sv[1], answer, len) != (ssize_t)len)
		return -2;
	if (close_after)
		shutdown(sv[1], SHUT_WR);
	r = proxy_tunnel(sv[0], "api.turso.tech", 443);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	n = read(sv[1], sent, cap - 1);
	sent[n < 0 ? 0 : n] = '\0';
	if (fd != NULL) {
		*fd = sv[0];
		*peer = sv[1];
	} else {
		close(sv[0]);
		close(sv[1]);
	}
	return r;
}

#define TUNNEL(a, close_after) \
	tunnel_with((a), sizeof(a) - 1, (close_after), sent, sizeof(sent), \
	    NULL, NULL)

TEST(proxy_answers)
{
	static const char ok11[] = "HTTP/1.1 200 Connection established\r\n"
	    "\r\n";
	static const char ok10[] = "HTTP/1.0 200 Connection established\r\n"
	    "Proxy-agent: tinyproxy/1.11.1\r\n\r\n";
	static const char interim[] = "HTTP/1.1 100 Continue\r\n\r\n"
	    "HTTP/1.1 200 OK\r\n\r\n";
	static const char lf_only[] = "HTTP/1.1 200 OK\n\n";
	static const char a407[] = "HTTP/1.1 407 Proxy Authentication "
	    "Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\n"
	    "Content-Length: 5\r\n\r\nnope!";
	static const char a401[] = "HTTP/1.0 401 Unauthorized\r\n\r\n";
	static const char a403[] = "HTTP/1.0 403 Forbidden\r\n\r\n<html>";
	static const char a502[] = "HTTP/1.1 502 Bad \xe2\x80\xae Gateway\r\n"
	    "Content-Length: 0\r\n\r\n";
	static const char a403bare[] = "HTTP/1.1 403\r\n\r\n";
	static const char a100only[] = "HTTP/1.1 100 Continue\r\n\r\n"
	    "HTTP/1.1 503 Busy\r\n\r\n";
	static const char extra[] = "HTTP/1.1 200 OK\r\n\r\n\x16\x03\x03";
	static const char cut[] = "HTTP/1.1 200 OK\r\n";
	static const char ssh[] = "SSH-2.0-OpenSSH_9.2\r\n";
	static const char ctl[] = "HTTP/1.1 200 O\033K\r\n\r\n";
	char sent[2048];
	unsigned char buf[16];
	int fd, peer;

	proxy_reset();
	/* A stand-in that fails to answer fails the test, never hangs it. */
	net_set_deadline(5000);
	CHECK_INT(net_set_proxy("http://Aladdin:open%20sesame@proxy:3128"), 0);

	/* 200: the tunnel is open, the request went out whole, and the
	 * server's first bytes after it are the caller's to read. */
	CHECK_INT(tunnel_with(ok11, sizeof(ok11) - 1, 0, sent, sizeof(sent),
	    &fd, &peer), 0);
	CHECK_STR(sent, "CONNECT api.turso.tech:443 HTTP/1.1\r\n"
	    "Host: api.turso.tech:443\r\n" UA
	    "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
	CHECK_INT(write(peer, "\x16\x03\x03hello", 8), 8);
	CHECK_INT(net_read(fd, buf, sizeof(buf)), 8);
	CHECK_MEM(buf, 8, "\x16\x03\x03hello", 8);
	close(fd);
	close(peer);
	CHECK_INT(err_class(), ERR_OK);

	CHECK_INT(TUNNEL(ok10, 0), 0);
	CHECK_INT(TUNNEL(interim, 0), 0);
	CHECK_INT(TUNNEL(lf_only, 0), 0);
	CHECK_INT(err_class(), ERR_OK);

	/* Refusals: exit 4 with the proxy's status and reason. */
	CHECK_INT(TUNNEL(a407, 0), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "proxy proxy port 3128 refused the tunnel to "
	    "api.turso.tech port 443: 407 Proxy Authentication Required "
	    "(the proxy refused the user name and password)");
	err_clear();
	CHECK_INT(TUNNEL(a401, 0), -1);
	CHECK_STR(err_msg(), "proxy proxy port 3128 refused the tunnel to "
	    "api.turso.tech port 443: 401 Unauthorized (the proxy refused the "
	    "user name and password)");
	err_clear();
	CHECK_INT(net_set_proxy("http://proxy:3128"), 0);
	CHECK_INT(TUNNEL(a407, 0), -1);
	CHECK(strstr(err_msg(), ": 407 Proxy Authentication Required (the "
	    "proxy wants a user name and password: "
	    "http://USER:PASSWORD@HOST:PORT)") != NULL);
	err_clear();
	CHECK_INT(TUNNEL(a403, 1), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "proxy proxy port 3128 refused the tunnel to "
	    "api.turso.tech port 443: 403 Forbidden");
	err_clear();
	CHECK_INT(TUNNEL(a502, 0), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "proxy proxy port 3128 refused the tunnel to "
	    "api.turso.tech port 443: 502 Bad \\xe2\\x80\\xae Gateway");
	err_clear();
	CHECK_INT(TUNNEL(a403bare, 0), -1);
	CHECK(strstr(err_msg(), "port 443: 403") != NULL);
	CHECK(strstr(err_msg(), "port 443: 403 ") == NULL);
	err_clear();
	CHECK_INT(TUNNEL(a100only, 0), -1);
	CHECK(strstr(err_msg(), "port 443: 503 Busy") != NULL);
	err_clear();

	/* Anything after a 2xx head is a protocol error: it cannot be the
	 * server's, which has not seen our ClientHello yet. */
	CHECK_INT(TUNNEL(extra, 0), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "proxy proxy port 3128: bytes after its answer "
	    "to CONNECT, before the tunnel was used");
	err_clear();
	CHECK_INT(TUNNEL(cut, 1), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "proxy proxy port 3128: answer to CONNECT: "
	    "connection closed before the response was complete");
	err_clear();
	CHECK_INT(TUNNEL(ssh, 1), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "proxy proxy port 3128: answer to CONNECT: "
	    "response does not start with a status line");
	err_clear();
	CHECK_INT(TUNNEL(ctl, 1), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK(strstr(err_msg(), "control character") != NULL);
	err_clear();
	proxy_reset();
}

TEST(proxy_answer_bounds)
{
	static char big[HTTP_HEAD_MAX + 1024];
	struct timespec t0;
	char sent[2048];
	size_t n;

	proxy_reset();
	CHECK_INT(net_set_proxy("http://proxy:3128"), 0);
	/* A head over HTTP_HEAD_MAX. */
	n = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\nX: ");
	memset(big + n, 'a', sizeof(big) - n);
	CHECK_INT(tunnel_with(big, sizeof(big), 1, sent, sizeof(sent), NULL,
	    NULL), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "proxy proxy port 3128: answer to CONNECT: "
	    "response head larger than 16384 bytes");

	/* A proxy that says nothing: the connect timeout ends the wait. */
	err_clear();
	net_set_connect_timeout(200);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(tunnel_with("", 0, 0, sent, sizeof(sent), NULL, NULL), -1);
	CHECK(elapsed_s(&t0) >= 0.19);
	CHECK(elapsed_s(&t0) < 2.0);
	CHECK_STR(err_msg(), "proxy proxy port 3128: answer to CONNECT: "
	    "timed out (--connect-timeout)");
	/* Or the overall deadline, when it comes first. */
	err_clear();
	net_set_connect_timeout(0);
	net_set_deadline(200);
	CHECK_INT(tunnel_with("", 0, 0, sent, sizeof(sent), NULL, NULL), -1);
	CHECK_STR(err_msg(), "proxy proxy port 3128: answer to CONNECT: "
	    "timed out after 200 ms (--max-time)");
	proxy_reset();
}

/* A stand-in proxy: accept once, read the request head, answer 200, then
 * send the request back through the "tunnel" and close. */
static pid_t
fake_proxy(int lfd)
{
	char req[2048];
	size_t n = 0;
	ssize_t r;
	pid_t pid;
	int fd;

	if ((pid = fork()) != 0) {
		close(lfd);
		return pid;
	}
	alarm(5);
	if ((fd = accept(lfd, NULL, NULL)) == -1)
		_exit(1);
	while (n < sizeof(req) - 1 && (r = read(fd, req + n,
	    sizeof(req) - 1 - n)) > 0) {
		n += r;
		req[n] = '\0';
		if (strstr(req, "\r\n\r\n") != NULL)
			break;
	}
	if (write(fd, "HTTP/1.1 200 OK\r\n\r\n", 19) != 19)
		_exit(1);
	/* Apart, so the client has surely read the head first. */
	usleep(50000);
	if (write(fd, req, n) != (ssize_t)n)
		_exit(1);
	close(fd);
	_exit(0);
}

TEST(proxy_connect_e2e)
{
	static const char want[] =
	    "CONNECT api.turso.tech:443 HTTP/1.1\r\n"
	    "Host: api.turso.tech:443\r\n" UA
	    "Proxy-Authorization: Basic dXNlcjpwdw==\r\n\r\n";
	char url[128], spec[64], msg[128];
	unsigned char buf[1024];
	size_t got = 0;
	long r;
	int lfd, port, fd, dead, direct;
	pid_t pid;

	proxy_reset();
	net_set_deadline(5000);
	/* The proxy's name goes through --resolve like any other. */
	CHECK((lfd = listener(&port)) != -1);
	snprintf(spec, sizeof(spec), "proxy.test:%d:127.0.0.1", port);
	CHECK_INT(net_resolve_add(spec), 0);
	snprintf(url, sizeof(url), "http://user:pw@proxy.test:%d", port);
	CHECK_INT(net_set_proxy(url), 0);
	CHECK((pid = fake_proxy(lfd)) > 0);
	fd = net_connect("api.turso.tech", 443);
	CHECK(fd >= 0);
	if (fd >= 0) {
		while (got < sizeof(buf) &&
		    (r = net_read(fd, buf + got, sizeof(buf) - got)) > 0)
			got += r;
		CHECK_MEM(buf, got, want, sizeof(want) - 1);
		close(fd);
	} else {
		fprintf(stderr, "  %s\n", err_msg());
	}
	reap(pid);
	CHECK_INT(err_class(), ERR_OK);

	/* The proxy is down: 4, and the message says it was the proxy. */
	CHECK((dead = dead_port()) > 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", dead);
	CHECK_INT(net_set_proxy(url), 0);
	CHECK_INT(net_connect("api.turso.tech", 443), -1);
	CHECK_INT(err_class(), ERR_NET);
	snprintf(msg, sizeof(msg), "proxy: cannot connect to 127.0.0.1 port "
	    "%d: connection refused", dead);
	CHECK_STR(err_msg(), msg);

	/* Loopback and NO_PROXY hosts go direct, past the dead proxy. */
	err_clear();
	CHECK((lfd = listener(&port)) != -1);
	direct = net_connect("127.0.0.1", port);
	CHECK(direct >= 0);
	if (direct >= 0)
		close(direct);
	snprintf(spec, sizeof(spec), "api.turso.tech:%d:127.0.0.1", port);
	CHECK_INT(net_resolve_add(spec), 0);
	CHECK_INT(net_connect("api.turso.tech", port), -1);
	err_clear();
	net_set_no_proxy("example.org, turso.tech");
	direct = net_connect("api.turso.tech", port);
	CHECK(direct >= 0);
	if (direct >= 0)
		close(direct);
	net_set_no_proxy("*");
	direct = net_connect("api.turso.tech", port);
	CHECK(direct >= 0);
	if (direct >= 0)
		close(direct);
	CHECK_INT(err_class(), ERR_OK);
	close(lfd);
	proxy_reset();
}

const struct t_case t_cases_net[] = {
	T(resolve_good),
	T(resolve_bad),
	T(resolve_full),
	T(loopback),
	T(lookup_localhost),
	T(hosts_file),
	T(read_text_cut),
	T(resolv_file),
	T(no_resolv_conf),
	T(dns_build),
	T(dns_parse_a),
	T(dns_parse_aaaa),
	T(dns_parse_cname),
	T(dns_parse_pointers),
	T(dns_parse_truncated),
	T(dns_parse_mismatch),
	T(dns_parse_rcode),
	T(connect_resolve),
	T(connect_fallback),
	T(connect_refused),
	T(read_deadline),
	T(write_closed_peer),
	T(dns_round_trip),
	T(dns_connect),
	T(proxy_url_good),
	T(proxy_url_refused),
	T(proxy_from_env),
	T(no_proxy_table),
	T(proxy_base64),
	T(proxy_request_bytes),
	T(proxy_answers),
	T(proxy_answer_bounds),
	T(proxy_connect_e2e),
	T_END
};
