/*
 * main.c — argv and environment to one command, and the one place where
 * an error becomes a message on stderr and an exit status.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "api.h"
#include "cmd.h"
#include "cred.h"
#include "err.h"
#include "net.h"
#include "opts.h"
#include "tls.h"

#define DEFAULT_API_URL		"https://api.turso.tech"
/* Defaults when --connect-timeout / --max-time are not given: a stuck
 * network never holds an init script for ever. */
#define DEFAULT_CONNECT_MS	10000
#define DEFAULT_MAX_TIME_MS	60000
static const char usage_text[] =
"usage: turso-token [options] create NAME ... [restriction] [sink]\n"
"       turso-token [options] rotate NAME [restriction] [sink] [--revoke-old]\n"
"       turso-token [options] list [--org ORG] [--json]\n"
"       turso-token [options] validate [--json]\n"
"       turso-token [options] revoke (NAME ... | --org ORG --id ID) [--force]\n"
"                   [audit]\n"
"       turso-token [options] db-token ORG DB [db-options] [sink]\n"
"                   [--url-env KEY]\n"
"       turso-token [options] group-token ORG GROUP [db-options] [sink]\n"
"       turso-token [options] rotate-db-creds ORG DB [--yes] [audit]\n"
"       turso-token [options] rotate-group-creds ORG GROUP [--yes] [audit]\n"
"       turso-token --help | --version\n"
"\n"
"restriction: --org ORG [--group GROUP\n"
"             (--scope SCOPE ... | --read-only | --full-access)]\n"
"sink:        [--out FILE [--force]] [--env-file FILE [--env-key KEY]]\n"
"             [--print] [--json] [audit]\n"
"audit:       --audit-log FILE [--by WHO] [--purpose TEXT]\n"
"db-options:  [--expiration DUR] [--read-only] [--attach DB,...]\n"
"\n"
"Create, list, validate, rotate and revoke Turso Platform API tokens, and\n"
"mint database credentials.  A new token is printed on stdout, one line,\n"
"nothing else, unless --out or --env-file store it.  The credential is\n"
"read from --token-file, TURSO_API_TOKEN or the Turso CLI's settings,\n"
"never from the command line.\n"
"\n"
"commands:\n"
"  create NAME ...      create a token per NAME, in order, over one\n"
"                       connection; with --json, an array of them\n"
"  rotate NAME          create NAME-<unix seconds> with the restriction\n"
"                       given, deliver it, check that it works, and with\n"
"                       --revoke-old revoke NAME and its earlier rotations\n"
"  list                 the tokens as a table (NAME SCOPE PERMISSIONS\n"
"                       CREATED AT; with --org, OWNER too)\n"
"  validate             check the credential itself and show its expiry\n"
"  revoke NAME ...      revoke tokens by name; with --org ORG --id ID, the\n"
"                       organization's token with that id\n"
"  db-token ORG DB      mint a database credential (a JWT for libSQL)\n"
"  group-token ORG GROUP  mint one for every database of the group\n"
"  rotate-db-creds ORG DB, rotate-group-creds ORG GROUP\n"
"                       invalidate every credential of the database or group;\n"
"                       asks on a terminal, else needs --yes\n"
"\n"
"restriction (create, rotate):\n"
"  --org ORG            restrict the token to organization ORG (list: the\n"
"                       organization's tokens)\n"
"  --group GROUP        restrict it to GROUP in ORG (needs scopes)\n"
"  --scope SCOPE        grant SCOPE (repeatable): read, db:create,\n"
"                       db:delete, db:configure, db:mint-token,\n"
"                       db:rotate-creds, group:configure,\n"
"                       group:mint-token, group:rotate-creds\n"
"  --read-only          the read-only preset (scope \"read-only\")\n"
"  --full-access        the full-access preset (scope \"full-access\")\n"
"  Without --org the token is unrestricted, which the API deprecates.\n"
"\n"
"sink (create, rotate):\n"
"  --out FILE           write the token to FILE: mode 0600, atomically,\n"
"                       never through a symlink, never over an existing\n"
"                       file unless --force\n"
"  --env-file FILE      set TURSO_API_TOKEN_<NAME>=token in the dotenv FILE,\n"
"                       keeping its other lines\n"
"  --env-key KEY        the variable --env-file sets instead\n"
"  --print              print the token on stdout too\n"
"  --json               print {\"name\",\"id\",\"token\"}; list, validate:\n"
"                       JSON output\n"
"  --audit-log FILE     append a JSON line per created, rotated or revoked\n"
"                       token (never the token itself); also revoke\n"
"  --by WHO             who, for the audit log (default: the login name)\n"
"  --purpose TEXT       why, for the audit log\n"
"  --force              revoke: a missing token is not an error\n"
"  If a token cannot be stored, it is revoked at once.\n"
"\n"
"db-options (db-token, group-token):\n"
"  --expiration DUR     never, or a duration such as 2w1d30m (w d h m s)\n"
"  --read-only          a read-only credential (default: full access)\n"
"  --attach DB,...      may also read these databases with ATTACH\n"
"  --url-env KEY        db-token with --env-file: also set\n"
"                       KEY=libsql://<hostname>\n"
"  --yes                (rotate-*-creds) do not ask\n"
"  Sinks as above but --json; --env-file's default key is\n"
"  TURSO_DATABASE_TOKEN or TURSO_GROUP_TOKEN.  Such a credential cannot be\n"
"  revoked alone: if it cannot be stored, the message says to run\n"
"  rotate-db-creds or rotate-group-creds (exit 12).\n"
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
"  --proxy URL          tunnel through the HTTP proxy URL,\n"
"                       http://[USER:PASS@]HOST[:PORT] (default port 1080;\n"
"                       \"\" for none); else HTTPS_PROXY, https_proxy,\n"
"                       ALL_PROXY, all_proxy; NO_PROXY, no_proxy exempt hosts\n"
"  --retry N            try again N times (default 2, at most 10) after\n"
"                       429/502/503/504 or a failed connect, with backoff\n"
"                       and Retry-After; a create is repeated only if it\n"
"                       never reached the server\n"
"  -v, --verbose        report what was created or revoked on stderr\n"
"  -q, --quiet          no warnings\n"
"  -h, --help           this text\n"
"  --version            the version\n"
"\n"
"credential: --token-file, else TURSO_API_TOKEN, else the Turso CLI's\n"
"  settings.json (in TURSO_CONFIG_FOLDER, XDG_CONFIG_HOME/turso or\n"
"  HOME/.config/turso)\n"
"environment: TURSO_API_TOKEN, TURSO_API_BASEURL, SSL_CERT_FILE,\n"
"  TURSO_CONFIG_FOLDER, HTTPS_PROXY, ALL_PROXY, NO_PROXY\n"
"exit status: 0 ok, 1 API error, 2 usage, 3 local/credential, 4 network,\n"
"  5 TLS, 6 bad response, 7 auth rejected, 8 not found, 9 exists,\n"
"  10 rate limited, 11 server error, 12 not stored (revoked),\n"
"  13 not stored and revoke failed\n";

/* One row per command; the commands themselves are in cmd.c. */
static const struct {
	enum opts_cmd cmd;
	int (*run)(const struct opts *, const struct api *);
} commands[] = {
	{ CMD_CREATE, cmd_create },
	{ CMD_ROTATE, cmd_rotate },
	{ CMD_LIST, cmd_list },
	{ CMD_VALIDATE, cmd_validate },
	{ CMD_REVOKE, cmd_revoke },
	{ CMD_DB_TOKEN, cmd_db_token },
	{ CMD_GROUP_TOKEN, cmd_db_token },
	{ CMD_ROTATE_DB, cmd_rotate_creds },
	{ CMD_ROTATE_GROUP, cmd_rotate_creds },
};

/* The credential: a bearer token of printable ASCII. */
static char bearer[API_TOKEN_MAX];

/* No core file and no ptrace by other users: memory holds secrets. */
static void
harden(void)
{
	struct rlimit no = { 0, 0 };

	setrlimit(RLIMIT_CORE, &no);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* A closed stdout or a file size limit must fail a write, not kill
	 * us with a token alive. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
}

static int
setup_network(const struct opts *o, struct api *a)
{
	const char *url = o->api_url, *ca = o->cacert;
	int i;

	if (url == NULL && (url = getenv("TURSO_API_BASEURL")) == NULL)
		url = DEFAULT_API_URL;
	/* A bad value from the environment is local configuration (3),
	 * from the command line a usage error (2). */
	if (api_set_base(a, url) != 0)
		return o->api_url != NULL ? -1 : err_reset(ERR_LOCAL,
		    "TURSO_API_BASEURL: %.300s", err_msg());
	for (i = 0; i < o->nresolve; i++)
		if (net_resolve_add(o->resolve[i]) != 0)
			return -1;
	if (net_proxy_from_env(o->proxy) != 0)
		return o->proxy != NULL ? -1 : err_reset(ERR_LOCAL, "%.300s",
		    err_msg());
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
run(const struct opts *o, const struct api *a)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].cmd == o->cmd)
			return commands[i].run(o, a);
	return err_set(ERR_USAGE, "no command given (see --help)");
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
	if (o.help) {
		fputs(usage_text, stdout);
		return fflush(stdout) == 0 ? 0 : ERR_LOCAL;
	}
	if (o.version) {
		printf("turso-token %s\n", TT_VERSION);
		return fflush(stdout) == 0 ? 0 : ERR_LOCAL;
	}
	if (setup_network(&o, &a) != 0 ||
	    cred_load(o.token_file, bearer, sizeof(bearer)) != 0)
		goto fail;
	a.bearer = bearer;
	a.retries = o.retries;
	a.verbose = o.verbose;
	a.quiet = o.quiet;
	rc = run(&o, &a);
	api_close();
	explicit_bzero(bearer, sizeof(bearer));
	if (rc == 0)
		return 0;
fail:
	api_close();
	explicit_bzero(bearer, sizeof(bearer));
	fprintf(stderr, "turso-token: %s\n", err_msg());
	if (err_class() == ERR_USAGE)
		fputs("usage: turso-token [options] COMMAND ...; see "
		    "turso-token --help\n", stderr);
	return err_class() != ERR_OK ? (int)err_class() : ERR_API;
}
