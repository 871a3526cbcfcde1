/*
 * api.c — the Turso Platform API: one function per endpoint, and the one
 * exchange they all go through (connect, TLS, HTTP, status to error).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "err.h"
#include "http.h"
#include "json.h"
#include "net.h"
#include "text.h"
#include "tls.h"

/* One path segment (a name, an organization, an id) before encoding. */
#define API_SEGMENT_MAX		256
/* Request target: prefix, fixed path, two segments percent-encoded. */
#define API_TARGET_MAX		(API_PREFIX_MAX + 128 + 2 * 3 * API_SEGMENT_MAX)
/* Create body: organization, group and every scope, quoted. */
#define API_REQBODY_MAX		2048
/* What a request is, for its messages: a verb and two quoted names. */
#define API_WHAT_MAX		200
/* Server text kept for an error message. */
#define API_SERVER_MSG_MAX	240
/* Host header: host, brackets, colon, port. */
#define API_HOSTHDR_MAX		(API_HOST_MAX + 10)

#define API_USER_AGENT		"turso-token/" TT_VERSION
/* First retry delay; it doubles with each attempt. */
#define API_BACKOFF_MS		500
/* A Retry-After longer than this (seconds) is not waited for. */
#define API_RETRY_AFTER_MAX	600

/* The response body: static, erased after each use (it may hold a token). */
static unsigned char body[API_BODY_MAX + 1];
/*
 * How much of body any response has written.  Erasing only that much
 * keeps the untouched rest of the megabyte out of memory: zeroing it
 * all would fault in 256 pages for nothing.
 */
static size_t body_high;

static long
plain_read(void *ctx, unsigned char *buf, size_t len)
{
	/* Plain http is loopback only, where a FIN is a clean end. */
	return net_read(*(int *)ctx, buf, len);
}

static int
plain_write(void *ctx, const unsigned char *buf, size_t len)
{
	return net_write(*(int *)ctx, buf, len);
}

static int
host_header(const struct api *a, char *dst, size_t cap)
{
	int v6 = strchr(a->host, ':') != NULL, dflt, n;

	dflt = a->port == (a->https ? 443 : 80);
	if (dflt)
		n = snprintf(dst, cap, v6 ? "[%s]" : "%s", a->host);
	else
		n = snprintf(dst, cap, v6 ? "[%s]:%d" : "%s:%d", a->host, a->port);
	if (n < 0 || (size_t)n >= cap)
		return err_set(ERR_USAGE, "API host name too long");
	return 0;
}

static void
warn_clock_once(const struct api *a)
{
	static int warned;

	if (tls_clock_floored() && !warned && !a->quiet) {
		warned = 1;
		fprintf(stderr, "turso-token: warning: the system clock is "
		    "before this program's build date; certificates are "
		    "checked against the build date\n");
	}
}

/*
 * The connection kept between the requests of one run (HTTP/1.1
 * keep-alive): several names, or rotate's create-validate-revoke, share
 * one TCP connection and one TLS handshake.
 */
static struct {
	int fd;			/* -1 when closed */
	int https;
	struct http_io io;
} conn = { -1, 0, { 0, 0, 0 } };

/* Attempts the last request took, for its error message. */
static int last_attempts;
/* The last request's final attempt sent bytes (see api_create_unsure). */
static int last_sent;
/* The last create may have made a token whose answer we did not get. */
static int create_unsure;

static void
conn_close(void)
{
	if (conn.fd < 0)
		return;
	if (conn.https)
		tls_close();
	close(conn.fd);
	conn.fd = -1;
}

void
api_close(void)
{
	conn_close();
}

/* A usable connection: the kept one if the server has not closed it. */
static int
conn_open(const struct api *a)
{
	if (conn.fd >= 0 && net_idle_alive(conn.fd))
		return 0;
	conn_close();
	if ((conn.fd = net_connect(a->host, a->port)) < 0)
		return -1;
	/* The bearer goes in clear over http://: only to this machine,
	 * whatever --resolve or /etc/hosts made of the name. */
	if (!a->https && !net_peer_is_loopback(conn.fd)) {
		close(conn.fd);
		conn.fd = -1;
		return err_set(ERR_USAGE, "http:// is allowed only to loopback "
		    "addresses, and %s was not reached at one; use https://",
		    a->host);
	}
	conn.https = a->https;
	conn.io.read = plain_read;
	conn.io.write = plain_write;
	conn.io.ctx = &conn.fd;
	if (a->https && tls_open(conn.fd, a->host, &conn.io) != 0) {
		conn_close();
		return -1;
	}
	if (a->https)
		warn_clock_once(a);
	return 0;
}

/*
 * One request, one response.  *sent says whether any of the request may
 * have reached the server: a request is only ever repeated when it did not.
 */
static int
exchange(const struct api *a, const char *method, const char *target,
    const char *reqbody, struct http_response *resp, int *sent)
{
	struct http_request req;
	char host[API_HOSTHDR_MAX];
	int r;

	*sent = 0;
	if (host_header(a, host, sizeof(host)) != 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.host = host;
	req.target = target;
	req.bearer = a->bearer;
	req.user_agent = API_USER_AGENT;
	if (reqbody != NULL) {
		req.body = (const unsigned char *)reqbody;
		req.body_len = strlen(reqbody);
		req.content_type = "application/json";
	}
	memset(resp, 0, sizeof(*resp));
	resp->body = body;
	resp->body_cap = API_BODY_MAX;
	if (conn_open(a) != 0)
		return -1;
	*sent = 1;
	r = http_exchange(&conn.io, &req, resp);
	if (resp->body_len + 1 > body_high)
		body_high = resp->body_len < sizeof(body) ? resp->body_len + 1 :
		    sizeof(body);
	if (r != 0 || !resp->keep_alive)
		conn_close();
	return r;
}

/* Statuses that say "not now" rather than "no". */
static int
retryable(int status)
{
	return status == 429 || status == 502 || status == 503 || status == 504;
}

/*
 * Milliseconds to wait before attempt n+1: Retry-After when the server
 * gave one (seconds or an HTTP date), else exponential backoff from
 * API_BACKOFF_MS with up to 50% jitter, so that many clients told "not
 * now" at once do not all come back at once.
 */
static long
backoff(int n, const char *retry_after)
{
	unsigned short rnd = 0;
	long ms;
	long long secs;

	if (retry_after != NULL && retry_after[0] != '\0' &&
	    (secs = text_retry_after(retry_after, (long long)time(NULL))) >= 0)
		return secs > API_RETRY_AFTER_MAX ? -1 : (long)secs * 1000;
	ms = API_BACKOFF_MS << (n < 6 ? n : 6);
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
		rnd = (unsigned short)getpid();
	return ms + (long)(rnd % (unsigned)(ms / 2 + 1));
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/*
 * exchange() with retries: a connect that reached no address (so the
 * request never left), and 429/502/503/504 answers to GET and DELETE, up
 * to a->retries more times, never past the deadline.  A POST that may
 * have reached the server is never repeated: a second create could leave
 * a token nobody stored.
 */
static int
request(const struct api *a, const char *method, const char *target,
    const char *reqbody, struct http_response *resp)
{
	int r, sent, n;
	long wait;

	for (n = 0;; n++) {
		last_attempts = n + 1;
		err_clear();
		r = exchange(a, method, target, reqbody, resp, &sent);
		last_sent = sent;
		if (n >= a->retries)
			return r;
		if (r != 0 && (sent || !net_connect_unreached()))
			return r;
		if (r == 0 && (!retryable(resp->status) ||
		    strcmp(method, "POST") == 0))
			return r;
		wait = backoff(n, r == 0 ? resp->retry_after : NULL);
		if (wait < 0 || wait >= net_time_left())
			return r;
		if (a->verbose)
			fprintf(stderr, "turso-token: %s %s: %s; retrying in "
			    "%ld ms\n", method, target, r == 0 ? "server busy" :
			    "cannot connect", wait);
		sleep_ms(wait);
	}
}

/* The server's own words from an error body, escaped, or "". */
static void
server_message(const struct http_response *resp, char *dst, size_t cap)
{
	struct json j;
	const char *raw;
	char text[API_SERVER_MSG_MAX], code[64];
	size_t len;
	int e, c;

	dst[0] = '\0';
	if (resp->body_len == 0)
		return;
	if (json_parse(&j, (const char *)resp->body, resp->body_len) != 0 ||
	    json_type(&j, 0) != JSON_OBJECT) {
		err_clear();
		text_escape(dst, cap, (const char *)resp->body,
		    resp->body_len < API_SERVER_MSG_MAX ? resp->body_len :
		    API_SERVER_MSG_MAX);
		return;
	}
	e = json_get(&j, 0, "error");
	c = json_get(&j, 0, "code");
	err_clear();
	text[0] = code[0] = '\0';
	if (e >= 0 && json_type(&j, e) == JSON_STRING) {
		if (json_string(&j, e, text, sizeof(text)) < 0) {
			err_clear();
			raw = json_raw(&j, e, &len);
			text_escape(text, sizeof(text), raw, len);
		} else {
			/* json_string output is trusted to be UTF-8, not to
			 * be harmless on a terminal: escape it. */
			char tmp[API_SERVER_MSG_MAX];

			text_escape(tmp, sizeof(tmp), text, strlen(text));
			memcpy(text, tmp, sizeof(text));
		}
	} else if (e >= 0) {
		raw = json_raw(&j, e, &len);
		text_escape(text, sizeof(text), raw, len);
	}
	if (c >= 0 && json_type(&j, c) == JSON_STRING) {
		raw = json_raw(&j, c, &len);
		text_escape(code, sizeof(code), raw, len);
	}
	if (text[0] != '\0' && code[0] != '\0')
		snprintf(dst, cap, "%s (code %s)", text, code);
	else
		snprintf(dst, cap, "%s", text[0] != '\0' ? text : code);
}

/* Map a non-2xx status to its error class and message. */
static int
status_error(const char *what, const struct http_response *resp)
{
	char msg[API_SERVER_MSG_MAX + 80], loc[HTTP_LOCATION_MAX * 4 + 4];
	int s = resp->status;
	const char *sep;

	server_message(resp, msg, sizeof(msg));
	if (last_attempts > 1) {
		size_t n = strlen(msg);

		snprintf(msg + n, sizeof(msg) - n, "%s(after %d attempts)",
		    n > 0 ? " " : "", last_attempts);
	}
	sep = msg[0] != '\0' ? ": " : "";
	if (s >= 300 && s < 400) {
		text_escape(loc, sizeof(loc), resp->location, strlen(resp->location));
		return err_set(ERR_API, "%s: server redirected (%d) to %s; not "
		    "followed, since that would send the credential elsewhere",
		    what, s, loc[0] != '\0' ? loc : "(no Location)");
	}
	if (s == 401)
		return err_set(ERR_AUTH, "%s: the credential was rejected "
		    "(401: invalid or expired token)%s%s", what, sep, msg);
	if (s == 403)
		return err_set(ERR_AUTH, "%s: not allowed with this credential "
		    "(403)%s%s", what, sep, msg);
	if (s == 404)
		return err_set(ERR_NOTFOUND, "%s: not found (404)%s%s", what,
		    sep, msg);
	if (s == 409)
		return err_set(ERR_CONFLICT, "%s: already exists (409)%s%s",
		    what, sep, msg);
	if (s == 429)
		return err_set(ERR_RATE, "%s: rate limited (429)%s%s", what,
		    sep, msg);
	if (s >= 500)
		return err_set(ERR_SERVER, "%s: server error (%d)%s%s", what, s,
		    sep, msg);
	return err_set(ERR_API, "%s: request refused (%d)%s%s", what, s, sep,
	    msg);
}

/*
 * The request target: prefix, then fmt where every "%s" takes the next
 * argument percent-encoded as one path segment.
 */
static int
target(const struct api *a, char *dst, size_t cap, const char *fmt, ...)
{
	struct buf b = BUF_INIT(dst, cap - 1);
	char enc[API_SEGMENT_MAX * 3 + 1];
	const char *seg;
	va_list ap;
	long n;

	buf_str(&b, a->prefix);
	va_start(ap, fmt);
	for (; *fmt != '\0'; fmt++) {
		if (fmt[0] != '%' || fmt[1] != 's') {
			buf_put(&b, fmt, 1);
			continue;
		}
		fmt++;
		seg = va_arg(ap, const char *);
		if ((n = text_pct_encode(enc, sizeof(enc), seg, strlen(seg))) < 0)
			b.over = 1;
		else
			buf_put(&b, enc, (size_t)n);
	}
	va_end(ap);
	if (b.over)
		return err_set(ERR_USAGE, "request path too long");
	dst[b.len] = '\0';
	return 0;
}

static int
create_body(const struct api_restrict *r, char *dst, size_t cap)
{
	struct buf b = BUF_INIT(dst, cap - 1);
	int i;

	buf_str(&b, "{\"organization\":");
	buf_json(&b, r->org);
	if (r->group != NULL) {
		buf_str(&b, ",\"group\":");
		buf_json(&b, r->group);
	}
	if (r->nscopes > 0) {
		buf_str(&b, ",\"scopes\":[");
		for (i = 0; i < r->nscopes; i++) {
			if (i > 0)
				buf_str(&b, ",");
			buf_json(&b, r->scopes[i]);
		}
		buf_str(&b, "]");
	}
	buf_str(&b, "}");
	if (b.over)
		return err_set(ERR_USAGE, "--org or --group is too long or not "
		    "valid UTF-8");
	dst[b.len] = '\0';
	return 0;
}

/* Copy an optional string member, "" when absent or not a string. */
static int
copy_member(const struct json *j, const char *key, char *dst, size_t cap)
{
	int t = json_get(j, 0, key);

	dst[0] = '\0';
	if (t == -2)
		return -1;
	if (t < 0 || json_type(j, t) != JSON_STRING)
		return 0;
	return json_string(j, t, dst, cap) < 0 ? -1 : 0;
}

/* Parse the kept body as a JSON object; ERR_PROTO names the call. */
static int
parse_object(const char *what, const struct http_response *resp,
    struct json *j)
{
	if (json_parse(j, (const char *)resp->body, resp->body_len) != 0)
		return err_reset(ERR_PROTO, "%s: %s", what, err_msg());
	if (json_type(j, 0) != JSON_OBJECT)
		return err_set(ERR_PROTO, "%s: response is not a JSON object",
		    what);
	return 0;
}

static int
parse_created(const char *what, const struct http_response *resp,
    struct api_created *out)
{
	struct json j;
	int t;

	if (parse_object(what, resp, &j) != 0)
		return -1;
	t = json_get(&j, 0, "token");
	if (t == -2)
		return err_reset(ERR_PROTO, "%s: %s", what, err_msg());
	if (t < 0 || json_type(&j, t) != JSON_STRING)
		return err_set(ERR_PROTO, "%s: response has no \"token\" string",
		    what);
	if (json_string(&j, t, out->token, sizeof(out->token)) < 0)
		return err_reset(ERR_PROTO, "%s: token in response: %s", what,
		    err_msg());
	if (!text_is_token(out->token, strlen(out->token)))
		return err_set(ERR_PROTO, "%s: the token in the response is "
		    "empty or not all printable ASCII (a space, a control or a "
		    "non-ASCII character); refused", what);
	if (copy_member(&j, "name", out->name, sizeof(out->name)) != 0 ||
	    copy_member(&j, "id", out->id, sizeof(out->id)) != 0)
		return err_reset(ERR_PROTO, "%s: %s", what, err_msg());
	return 0;
}

/* Send a bodiless request; a 2xx answer is success, its body is kept. */
static int
simple(const struct api *a, const char *method, const char *path,
    const char *what, struct http_response *resp)
{
	if (request(a, method, path, NULL, resp) != 0)
		return -1;
	if (resp->status < 200 || resp->status > 299)
		return status_error(what, resp);
	return 0;
}

static void
forget_body(const struct http_response *resp)
{
	explicit_bzero(body, resp->body_len < sizeof(body) ?
	    resp->body_len + 1 : sizeof(body));
}

int
api_create_token(const struct api *a, const char *name,
    const struct api_restrict *r, struct api_created *out)
{
	char path[API_TARGET_MAX], reqbody[API_REQBODY_MAX], what[API_WHAT_MAX];
	struct http_response resp = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(what, sizeof(what), "create \"%.64s\"", name);
	if (target(a, path, sizeof(path), "/v1/auth/api-tokens/%s", name) != 0)
		return -1;
	if (r->org != NULL && create_body(r, reqbody, sizeof(reqbody)) != 0)
		return -1;
	create_unsure = 0;
	if (request(a, "POST", path, r->org != NULL ? reqbody : NULL,
	    &resp) != 0) {
		rc = -1;
		create_unsure = last_sent;
	} else if (resp.status < 200 || resp.status > 299)
		rc = status_error(what, &resp);
	else if ((rc = parse_created(what, &resp, out)) != 0)
		create_unsure = 1;
	forget_body(&resp);
	if (rc != 0)
		explicit_bzero(out, sizeof(*out));
	else if (out->name[0] == '\0')
		snprintf(out->name, sizeof(out->name), "%s", name);
	return rc;
}

int
api_revoke_token(const struct api *a, const char *name)
{
	char path[API_TARGET_MAX], what[API_WHAT_MAX];
	struct http_response resp = { 0 };
	int rc;

	snprintf(what, sizeof(what), "revoke \"%.64s\"", name);
	if (target(a, path, sizeof(path), "/v1/auth/api-tokens/%s", name) != 0)
		return -1;
	rc = simple(a, "DELETE", path, what, &resp);
	forget_body(&resp);
	return rc;
}

int
api_revoke_org_token(const struct api *a, const char *org, const char *id)
{
	char path[API_TARGET_MAX], what[API_WHAT_MAX];
	struct http_response resp = { 0 };
	int rc;

	snprintf(what, sizeof(what), "revoke id \"%.64s\" in \"%.64s\"", id,
	    org);
	if (target(a, path, sizeof(path), "/v1/organizations/%s/api-tokens/%s",
	    org, id) != 0)
		return -1;
	rc = simple(a, "DELETE", path, what, &resp);
	forget_body(&resp);
	return rc;
}

int
api_validate(const struct api *a, long long *exp)
{
	const char *what = "validate";
	char path[API_TARGET_MAX];
	struct http_response resp = { 0 };
	struct json j;
	int t, rc = -1;

	if (target(a, path, sizeof(path), "/v1/auth/validate") != 0 ||
	    simple(a, "GET", path, what, &resp) != 0 ||
	    parse_object(what, &resp, &j) != 0)
		goto out;
	t = json_get(&j, 0, "exp");
	if (t == -2) {
		err_reset(ERR_PROTO, "%s: %s", what, err_msg());
		goto out;
	}
	if (t < 0 || json_type(&j, t) != JSON_NUMBER ||
	    json_int(&j, t, exp) != 0 || *exp < -1) {
		err_reset(ERR_PROTO, "%s: response has no valid \"exp\"", what);
		goto out;
	}
	rc = 0;
out:
	forget_body(&resp);
	return rc;
}

int
api_list_tokens(const struct api *a, const char *org, struct json *j,
    int *tokens)
{
	const char *what = "list";
	char path[API_TARGET_MAX];
	struct http_response resp = { 0 };
	int rc;

	if (org != NULL)
		rc = target(a, path, sizeof(path),
		    "/v1/organizations/%s/api-tokens", org);
	else
		rc = target(a, path, sizeof(path), "/v1/auth/api-tokens");
	if (rc != 0 || simple(a, "GET", path, what, &resp) != 0 ||
	    parse_object(what, &resp, j) != 0)
		return -1;
	*tokens = json_get(j, 0, "tokens");
	if (*tokens == -2)
		return err_reset(ERR_PROTO, "%s: %s", what, err_msg());
	if (*tokens < 0 || json_type(j, *tokens) != JSON_ARRAY)
		return err_set(ERR_PROTO, "%s: response has no \"tokens\" array",
		    what);
	return 0;
}

static const char *
kind_path(enum api_db_kind kind)
{
	return kind == API_DATABASE ? "databases" : "groups";
}

/* {"permissions":{"read_attach":{"databases":["a","b"]}}}, lists split. */
static int
attach_body(const struct api_db_token *t, char *dst, size_t cap)
{
	struct buf b = BUF_INIT(dst, cap - 1);
	char one[API_SEGMENT_MAX + 1];
	const char *p, *c;
	size_t len;
	int i, first = 1;

	buf_str(&b, "{\"permissions\":{\"read_attach\":{\"databases\":[");
	for (i = 0; i < t->nattach; i++)
		for (p = t->attach[i]; p != NULL; p = c != NULL ? c + 1 : NULL) {
			c = strchr(p, ',');
			len = c != NULL ? (size_t)(c - p) : strlen(p);
			if (len >= sizeof(one)) {
				b.over = 1;
				break;
			}
			memcpy(one, p, len);
			one[len] = '\0';
			if (!first)
				buf_str(&b, ",");
			buf_json(&b, one);
			first = 0;
		}
	buf_str(&b, "]}}}");
	if (b.over)
		return err_set(ERR_USAGE, "--attach: names too long or not UTF-8");
	dst[b.len] = '\0';
	return 0;
}

int
api_create_db_token(const struct api *a, const struct api_db_token *t,
    struct api_created *out)
{
	char path[API_TARGET_MAX], reqbody[API_REQBODY_MAX], what[API_WHAT_MAX];
	const char *authz = t->read_only ? "read-only" : "full-access";
	struct http_response resp = { 0 };
	struct json j;
	int rc = -1, k;

	memset(out, 0, sizeof(*out));
	snprintf(what, sizeof(what), "%s token for \"%.64s/%.64s\"",
	    t->kind == API_DATABASE ? "database" : "group", t->org, t->name);
	if (t->expiration != NULL)
		k = target(a, path, sizeof(path), "/v1/organizations/%s/%s/%s/"
		    "auth/tokens?expiration=%s&authorization=%s", t->org,
		    kind_path(t->kind), t->name, t->expiration, authz);
	else
		k = target(a, path, sizeof(path), "/v1/organizations/%s/%s/%s/"
		    "auth/tokens?authorization=%s", t->org, kind_path(t->kind),
		    t->name, authz);
	if (k != 0 || (t->nattach > 0 &&
	    attach_body(t, reqbody, sizeof(reqbody)) != 0))
		return -1;
	create_unsure = 0;
	if (request(a, "POST", path, t->nattach > 0 ? reqbody : NULL,
	    &resp) != 0) {
		create_unsure = last_sent;
		goto out;
	}
	if (resp.status < 200 || resp.status > 299) {
		status_error(what, &resp);
		goto out;
	}
	create_unsure = 1;	/* a 2xx: whatever is wrong below, it exists */
	if (parse_object(what, &resp, &j) != 0)
		goto out;
	k = json_get(&j, 0, "jwt");
	if (k == -2 || k < 0 || json_type(&j, k) != JSON_STRING ||
	    json_string(&j, k, out->token, sizeof(out->token)) < 0) {
		err_reset(ERR_PROTO, "%s: response has no valid \"jwt\" string",
		    what);
		goto out;
	}
	if (!text_is_token(out->token, strlen(out->token))) {
		err_set(ERR_PROTO, "%s: the token in the response is empty or "
		    "not all printable ASCII (a space, a control or a non-ASCII "
		    "character); refused", what);
		goto out;
	}
	snprintf(out->name, sizeof(out->name), "%s/%s", t->org, t->name);
	create_unsure = 0;
	rc = 0;
out:
	forget_body(&resp);
	if (rc != 0)
		explicit_bzero(out, sizeof(*out));
	return rc;
}

int
api_rotate_db_creds(const struct api *a, enum api_db_kind kind,
    const char *org, const char *name)
{
	char path[API_TARGET_MAX], what[API_WHAT_MAX];
	struct http_response resp = { 0 };

	snprintf(what, sizeof(what), "rotate the credentials of %s \"%.64s/"
	    "%.64s\"", kind == API_DATABASE ? "database" : "group", org, name);
	if (target(a, path, sizeof(path), "/v1/organizations/%s/%s/%s/auth/"
	    "rotate", org, kind_path(kind), name) != 0)
		return -1;
	return simple(a, "POST", path, what, &resp);
}

/* A DNS name: labels of letters, digits and '-', dot-separated. */
static int
is_hostname(const char *h)
{
	size_t n = strlen(h), i;

	if (n == 0 || n > API_HOST_MAX || h[0] == '.' || h[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' &&
		    h[i] <= 'Z') || (h[i] >= '0' && h[i] <= '9') ||
		    h[i] == '-' || h[i] == '.'))
			return 0;
	return 1;
}

int
api_db_hostname(const struct api *a, const char *org, const char *db,
    char *host, size_t cap)
{
	char path[API_TARGET_MAX], what[API_WHAT_MAX];
	struct http_response resp = { 0 };
	struct json j;
	int d, h;

	snprintf(what, sizeof(what), "database \"%.64s/%.64s\"", org, db);
	if (target(a, path, sizeof(path), "/v1/organizations/%s/databases/%s",
	    org, db) != 0 || simple(a, "GET", path, what, &resp) != 0 ||
	    parse_object(what, &resp, &j) != 0)
		return -1;
	d = json_get(&j, 0, "database");
	h = d >= 0 && json_type(&j, d) == JSON_OBJECT ?
	    json_get(&j, d, "Hostname") : -1;
	if (h < 0 || json_type(&j, h) != JSON_STRING ||
	    json_string(&j, h, host, cap) < 0 || !is_hostname(host))
		return err_reset(ERR_PROTO, "%s: response has no valid "
		    "database.Hostname", what);
	return 0;
}

int
api_create_unsure(void)
{
	return create_unsure;
}

void
api_forget(struct api_created *c)
{
	explicit_bzero(c, sizeof(*c));
	explicit_bzero(body, body_high);
}

/* Split "[v6]:port", "host:port" or "host" at the authority's end. */
static int
parse_authority(struct api *a, const char *s, size_t len)
{
	const char *colon = NULL, *h = s;
	size_t hlen = len;
	long port;
	char *end;

	if (len > 0 && s[0] == '[') {
		const char *rb = memchr(s, ']', len);

		if (rb == NULL)
			return -1;
		h = s + 1;
		hlen = (size_t)(rb - h);
		if ((size_t)(rb + 1 - s) < len) {
			if (rb[1] != ':')
				return -1;
			colon = rb + 1;
		}
	} else if ((colon = memchr(s, ':', len)) != NULL) {
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen > API_HOST_MAX || memchr(h, '@', hlen) != NULL)
		return -1;
	memcpy(a->host, h, hlen);
	a->host[hlen] = '\0';
	if (colon != NULL) {
		char num[8];
		size_t plen = len - (size_t)(colon + 1 - s);

		if (plen == 0 || plen >= sizeof(num))
			return -1;
		memcpy(num, colon + 1, plen);
		num[plen] = '\0';
		port = strtol(num, &end, 10);
		if (*end != '\0' || num[0] < '0' || num[0] > '9' ||
		    port < 1 || port > 65535)
			return -1;
		a->port = (int)port;
	}
	return 0;
}

int
api_set_base(struct api *a, const char *url)
{
	const char *p, *slash;
	size_t plen;

	if (strncmp(url, "https://", 8) == 0) {
		a->https = 1;
		a->port = 443;
		p = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		a->https = 0;
		a->port = 80;
		p = url + 7;
	} else {
		return err_set(ERR_USAGE, "API URL must start with https://");
	}
	if (strpbrk(p, "?#") != NULL)
		return err_set(ERR_USAGE, "API URL must not have a query or "
		    "fragment");
	slash = strchr(p, '/');
	if (parse_authority(a, p, slash ? (size_t)(slash - p) : strlen(p)) != 0)
		return err_set(ERR_USAGE, "API URL: bad host or port");
	plen = slash ? strlen(slash) : 0;
	while (plen > 0 && slash[plen - 1] == '/')
		plen--;
	if (plen >= sizeof(a->prefix))
		return err_set(ERR_USAGE, "API URL: path too long");
	memcpy(a->prefix, slash ? slash : "", plen);
	a->prefix[plen] = '\0';
	if (!a->https && !net_is_loopback(a->host))
		return err_set(ERR_USAGE, "http:// is allowed only for loopback "
		    "hosts; use https://");
	return 0;
}
