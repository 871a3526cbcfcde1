/*
 * main.c — argv and environment to one command, and the one place where
 * an error becomes a message on stderr and an exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "err.h"
#include "net.h"
#include "opts.h"
#include "text.h"
#include "tls.h"

#define DEFAULT_API_URL		"https://api.turso.tech"
/* Defaults when --connect-timeout / --max-time are not given: a stuck
 * network never holds an init script for ever. */
#define DEFAULT_CONNECT_MS	10000
#define DEFAULT_MAX_TIME_MS	60000
/* Output line: {"name":..,"id":..,"token":..} with every byte escaped. */
#define OUT_LINE_MAX		(6 * (API_TOKEN_MAX + API_NAME_MAX + API_ID_MAX) + 64)

static const char usage_text[] =
"usage: turso-token [options] create NAME [--org ORG [--group GROUP\n"
"           (--scope SCOPE ... | --read-only | --full-access)]] [--json]\n"
"       turso-token --help | --version\n"
"\n"
"Create a Turso Platform API token.  The new token is printed on stdout,\n"
"one line, nothing else.  The credential is read from TURSO_API_TOKEN or\n"
"--token-file, never from the command line.\n"
"\n"
"create options:\n"
"  --org ORG            restrict the token to organization ORG\n"
"  --group GROUP        restrict it to GROUP in ORG (needs scopes)\n"
"  --scope SCOPE        grant SCOPE (repeatable): read, db:create,\n"
"                       db:delete, db:configure, db:mint-token,\n"
"                       db:rotate-creds, group:configure,\n"
"                       group:mint-token, group:rotate-creds\n"
"  --read-only          the read-only preset (scope \"read-only\")\n"
"  --full-access        the full-access preset (scope \"full-access\")\n"
"  --json               print {\"name\",\"id\",\"token\"} as JSON\n"
"  Without --org the token is unrestricted, which the API deprecates.\n"
"\n"
"options (before or after the command):\n"
"  --api-url URL        API base URL (default https://api.turso.tech;\n"
"                       http:// only for loopback hosts)\n"
"  --token-file FILE    read the credential from FILE (- for stdin)\n"
"  --cacert FILE        trust the CA certificates in PEM FILE instead\n"
"                       of the embedded Mozilla root set\n"
"  --resolve HOST:PORT:ADDR\n"
"                       connect to ADDR for HOST:PORT (repeatable)\n"
"  --connect-timeout S  seconds for each connection attempt (default 10)\n"
"  --max-time S         seconds for the whole command (default 60)\n"
"  -v, --verbose        report the created token's name and id on stderr\n"
"  -q, --quiet          no warnings\n"
"  -h, --help           this text\n"
"  --version            the version\n"
"\n"
"environment: TURSO_API_TOKEN, TURSO_API_BASEURL, SSL_CERT_FILE\n"
"exit status: 0 ok, 1 API error, 2 usage, 3 local/credential, 4 network,\n"
"  5 TLS, 6 bad response, 7 auth rejected, 8 not found, 9 exists,\n"
"  10 rate limited, 11 server error, 12 not stored (revoked),\n"
"  13 not stored and revoke failed\n";

/* The credential: a bearer token of printable ASCII. */
static char bearer[API_TOKEN_MAX];

static int quiet;

static void
warn(const char *msg)
{
	if (!quiet)
		fprintf(stderr, "turso-token: warning: %s\n", msg);
}

/* No core file and no ptrace by other users: memory holds secrets. */
static void
harden(void)
{
	struct rlimit no = { 0, 0 };

	setrlimit(RLIMIT_CORE, &no);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* A closed stdout must fail a write, not kill us with a token alive. */
	signal(SIGPIPE, SIG_IGN);
}

static int
read_all(int fd, const char *what, char *dst, size_t cap, size_t *len)
{
	ssize_t r;

	*len = 0;
	for (;;) {
		if (*len == cap)
			return err_set(ERR_LOCAL, "%s: credential longer than "
			    "%zu bytes", what, cap - 1);
		r = read(fd, dst + *len, cap - *len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return err_set(ERR_LOCAL, "%s: %s", what, strerror(errno));
		if (r == 0)
			return 0;
		*len += (size_t)r;
	}
}

/* Trim surrounding white space (a file ends in a newline) in place. */
static size_t
trim(char *s, size_t len)
{
	size_t start = 0;

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
	    s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (start < len && (s[start] == ' ' || s[start] == '\t'))
		start++;
	memmove(s, s + start, len - start);
	len -= start;
	explicit_bzero(s + len, start);
	s[len] = '\0';
	return len;
}

static int
load_credential(const struct opts *o)
{
	const char *what = o->token_file;
	char *env;
	size_t len = 0;
	int fd, rc;

	if (o->token_file != NULL) {
		if (strcmp(o->token_file, "-") == 0) {
			what = "stdin";
			rc = read_all(0, what, bearer, sizeof(bearer) - 1, &len);
		} else if ((fd = open(o->token_file, O_RDONLY | O_CLOEXEC)) < 0) {
			return err_set(ERR_LOCAL, "%s: %s", o->token_file,
			    strerror(errno));
		} else {
			rc = read_all(fd, what, bearer, sizeof(bearer) - 1, &len);
			close(fd);
		}
		if (rc != 0)
			return -1;
	} else if ((env = getenv("TURSO_API_TOKEN")) != NULL) {
		what = "TURSO_API_TOKEN";
		len = strlen(env);
		if (len >= sizeof(bearer))
			return err_set(ERR_LOCAL, "TURSO_API_TOKEN: longer than "
			    "%zu bytes", sizeof(bearer) - 1);
		memcpy(bearer, env, len);
		/* Gone from /proc/self/environ too. */
		explicit_bzero(env, len);
	} else {
		return err_set(ERR_LOCAL, "no credential: set TURSO_API_TOKEN, "
		    "or use --token-file FILE (--token-file - reads stdin)");
	}
	len = trim(bearer, len);
	if (len == 0)
		return err_set(ERR_LOCAL, "%s: the credential is empty", what);
	if (!text_is_token(bearer, len))
		return err_set(ERR_LOCAL, "%s: the credential holds spaces or "
		    "control characters", what);
	return 0;
}

static int
setup_network(const struct opts *o, struct api *a)
{
	const char *url = o->api_url, *ca = o->cacert;
	int i;

	if (url == NULL && (url = getenv("TURSO_API_BASEURL")) == NULL)
		url = DEFAULT_API_URL;
	if (api_set_base(a, url) != 0)
		return -1;
	for (i = 0; i < o->nresolve; i++)
		if (net_resolve_add(o->resolve[i]) != 0)
			return -1;
	net_set_connect_timeout(o->connect_timeout_ms ? o->connect_timeout_ms :
	    DEFAULT_CONNECT_MS);
	net_set_deadline(o->max_time_ms ? o->max_time_ms : DEFAULT_MAX_TIME_MS);
	if (ca == NULL && (ca = getenv("SSL_CERT_FILE")) != NULL && ca[0] == '\0')
		ca = NULL;
	if (ca != NULL && a->https && tls_load_cafile(ca) != 0)
		return -1;
	return 0;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* The token line (or JSON object) on stdout, through no stdio buffer. */
static int
print_created(const struct api_created *c, int json)
{
	static char line[OUT_LINE_MAX];
	struct buf b = BUF_INIT(line, sizeof(line));
	int rc = -1;

	if (json) {
		buf_str(&b, "{\"name\":");
		buf_json(&b, c->name);
		buf_str(&b, ",\"id\":");
		buf_json(&b, c->id);
		buf_str(&b, ",\"token\":");
		buf_json(&b, c->token);
		buf_str(&b, "}");
	} else {
		buf_str(&b, c->token);
	}
	buf_str(&b, "\n");
	if (!b.over)
		rc = write_all(1, line, b.len);
	explicit_bzero(line, sizeof(line));
	return rc;
}

/* The token exists but did not reach its sink: revoke it, or name it. */
static int
undo_create(const struct api *a, const struct api_created *c, const char *why)
{
	char name[API_NAME_MAX * 4];

	text_escape(name, sizeof(name), c->name, strlen(c->name));
	err_clear();
	if (api_revoke_token(a, c->name) == 0)
		return err_reset(ERR_STORED_REVOKED, "token \"%s\" was created "
		    "but %s; it has been revoked", name, why);
	return err_reset(ERR_STORED_LOST, "token \"%s\" was created but %s, "
	    "and revoking it failed (%s): revoke token \"%s\" by hand", name,
	    why, err_msg(), name);
}

static int
cmd_create(const struct opts *o, struct api *a)
{
	static struct api_created c;
	const char *scopes[OPTS_SCOPES_MAX];
	struct api_restrict r;
	char name[API_NAME_MAX * 4], id[API_ID_MAX * 4];
	int rc;

	if (opts_name_is_vague(o->args[0]))
		warn("the token name does not say what the token is for; "
		    "prefer names like ci-cd-pipeline or production-api");
	memset(&r, 0, sizeof(r));
	r.org = o->org;
	r.group = o->group;
	r.scopes = scopes;
	r.nscopes = opts_scope_list(o, scopes, OPTS_SCOPES_MAX);
	if (r.org == NULL)
		warn("no --org: creating an unrestricted token, which the API "
		    "deprecates; pass --org ORG to restrict it");
	if (api_create_token(a, o->args[0], &r, &c) != 0)
		return -1;
	if (o->verbose) {
		text_escape(name, sizeof(name), c.name, strlen(c.name));
		text_escape(id, sizeof(id), c.id, strlen(c.id));
		fprintf(stderr, "turso-token: created token \"%s\" (id %s)\n",
		    name, id);
	}
	rc = print_created(&c, o->json);
	if (rc != 0)
		rc = undo_create(a, &c, "could not be written to stdout");
	api_forget(&c);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct api a;
	int rc;

	harden();
	memset(&a, 0, sizeof(a));
	if (opts_parse(&o, argc, argv) != 0 || opts_check(&o) != 0)
		goto fail;
	quiet = o.quiet;
	if (o.help) {
		fputs(usage_text, stdout);
		return fflush(stdout) == 0 ? 0 : ERR_LOCAL;
	}
	if (o.version) {
		printf("turso-token %s\n", TT_VERSION);
		return fflush(stdout) == 0 ? 0 : ERR_LOCAL;
	}
	if (setup_network(&o, &a) != 0 || load_credential(&o) != 0)
		goto fail;
	a.bearer = bearer;
	a.verbose = o.verbose;
	rc = cmd_create(&o, &a);
	explicit_bzero(bearer, sizeof(bearer));
	if (rc == 0)
		return 0;
fail:
	explicit_bzero(bearer, sizeof(bearer));
	fprintf(stderr, "turso-token: %s\n", err_msg());
	if (err_class() == ERR_USAGE)
		fprintf(stderr, "usage: turso-token [options] create NAME "
		    "[--org ORG ...] [--json]; see --help\n");
	return err_class() != ERR_OK ? (int)err_class() : ERR_API;
}
