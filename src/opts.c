/* opts.c — argv to struct opts, and the checks that need no network. */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "opts.h"
#include "store.h"
#include "text.h"

/* Longest timeout accepted, in seconds: a day is already absurd. */
#define OPTS_SECS_MAX	86400

enum opt_id {
	O_API_URL, O_TOKEN_FILE, O_CACERT, O_RESOLVE, O_CONNECT_TIMEOUT,
	O_MAX_TIME, O_VERBOSE, O_QUIET, O_HELP, O_VERSION,
	O_ORG, O_GROUP, O_SCOPE, O_READ_ONLY, O_FULL_ACCESS, O_JSON,
	O_OUT, O_ENV_FILE, O_ENV_KEY, O_PRINT, O_FORCE, O_AUDIT_LOG, O_BY,
	O_PURPOSE, O_ID, O_REVOKE_OLD, O_RETRY, O_EXPIRATION, O_ATTACH,
	O_URL_ENV, O_YES, O_PROXY
};

/* Which commands an option applies to. */
#define FOR(c)		(1u << (c))
#define ANY		(~0u)
#define MINT		(FOR(CMD_CREATE) | FOR(CMD_ROTATE))
#define DBTOK		(FOR(CMD_DB_TOKEN) | FOR(CMD_GROUP_TOKEN))
#define SINK		(MINT | DBTOK)
#define DBROT		(FOR(CMD_ROTATE_DB) | FOR(CMD_ROTATE_GROUP))

struct opt_def {
	const char *name;	/* with dashes */
	enum opt_id id;
	int has_arg;
	unsigned cmds;		/* FOR() mask, ANY for global options */
};

static const struct opt_def defs[] = {
	{ "--api-url", O_API_URL, 1, ANY },
	{ "--token-file", O_TOKEN_FILE, 1, ANY },
	{ "--cacert", O_CACERT, 1, ANY },
	{ "--resolve", O_RESOLVE, 1, ANY },
	{ "--connect-timeout", O_CONNECT_TIMEOUT, 1, ANY },
	{ "--max-time", O_MAX_TIME, 1, ANY },
	{ "--retry", O_RETRY, 1, ANY },
	{ "--proxy", O_PROXY, 1, ANY },
	{ "-v", O_VERBOSE, 0, ANY },
	{ "--verbose", O_VERBOSE, 0, ANY },
	{ "-q", O_QUIET, 0, ANY },
	{ "--quiet", O_QUIET, 0, ANY },
	{ "-h", O_HELP, 0, ANY },
	{ "--help", O_HELP, 0, ANY },
	{ "--version", O_VERSION, 0, ANY },
	{ "--org", O_ORG, 1, MINT | FOR(CMD_LIST) | FOR(CMD_REVOKE) },
	{ "--group", O_GROUP, 1, MINT },
	{ "--scope", O_SCOPE, 1, MINT },
	{ "--read-only", O_READ_ONLY, 0, MINT | DBTOK },
	{ "--full-access", O_FULL_ACCESS, 0, MINT },
	{ "--json", O_JSON, 0, MINT | FOR(CMD_LIST) | FOR(CMD_VALIDATE) },
	{ "--out", O_OUT, 1, SINK },
	{ "--env-file", O_ENV_FILE, 1, SINK },
	{ "--env-key", O_ENV_KEY, 1, SINK },
	{ "--print", O_PRINT, 0, SINK },
	{ "--force", O_FORCE, 0, SINK | FOR(CMD_REVOKE) },
	{ "--audit-log", O_AUDIT_LOG, 1, SINK | FOR(CMD_REVOKE) | DBROT },
	{ "--by", O_BY, 1, SINK | FOR(CMD_REVOKE) | DBROT },
	{ "--purpose", O_PURPOSE, 1, SINK | FOR(CMD_REVOKE) | DBROT },
	{ "--expiration", O_EXPIRATION, 1, DBTOK },
	{ "--attach", O_ATTACH, 1, DBTOK },
	{ "--url-env", O_URL_ENV, 1, FOR(CMD_DB_TOKEN) },
	{ "--yes", O_YES, 0, DBROT },
	{ "--id", O_ID, 1, FOR(CMD_REVOKE) },
	{ "--revoke-old", O_REVOKE_OLD, 0, FOR(CMD_ROTATE) },
};

/* The create body's scopes, from the spec's enum. */
static const char *const known_scopes[] = {
	"read", "db:create", "db:delete", "db:configure", "db:mint-token",
	"db:rotate-creds", "group:configure", "group:mint-token",
	"group:rotate-creds", "read-only", "full-access",
};

static const struct {
	const char *name;
	enum opts_cmd cmd;
} commands[] = {
	{ "create", CMD_CREATE },
	{ "list", CMD_LIST },
	{ "validate", CMD_VALIDATE },
	{ "revoke", CMD_REVOKE },
	{ "rotate", CMD_ROTATE },
	{ "db-token", CMD_DB_TOKEN },
	{ "group-token", CMD_GROUP_TOKEN },
	{ "rotate-db-creds", CMD_ROTATE_DB },
	{ "rotate-group-creds", CMD_ROTATE_GROUP },
};

/* Seconds as a decimal with up to 3 fractional digits, > 0. */
static int
parse_secs(const char *opt, const char *s, long *ms)
{
	long whole = 0, frac = 0;
	int fdigits = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		goto bad;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > OPTS_SECS_MAX)
			goto bad;
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p) && fdigits < 3; p++, fdigits++)
			frac = frac * 10 + (*p - '0');
		if (fdigits == 0)
			goto bad;
		for (; fdigits < 3; fdigits++)
			frac *= 10;
	}
	if (*p != '\0' || (whole == 0 && frac == 0))
		goto bad;
	*ms = whole * 1000 + frac;
	return 0;
bad:
	return err_set(ERR_USAGE, "%s: expected a number of seconds "
	    "from 0.001 to %d", opt, OPTS_SECS_MAX);
}

/* A whole number from 0 to max, digits only. */
static int
parse_count(const char *opt, const char *s, int max, int *out)
{
	int n = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9' && n <= max; p++)
		n = n * 10 + (*p - '0');
	if (p == s || *p != '\0' || n > max)
		return err_set(ERR_USAGE, "%s: expected a whole number from 0 "
		    "to %d", opt, max);
	*out = n;
	return 0;
}

static const struct opt_def *
find_def(const char *arg, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (strlen(defs[i].name) == len &&
		    strncmp(defs[i].name, arg, len) == 0)
			return &defs[i];
	return NULL;
}

/* Names in a comma list, or -1 if one is empty. */
static int
list_count(const char *p)
{
	const char *c;
	int n = 1;

	for (; (c = strchr(p, ',')) != NULL; p = c + 1, n++)
		if (c == p)
			return -1;
	return *p == '\0' ? -1 : n;
}

/* --attach a,b (repeatable), kept as given; split when the body is built. */
static int
add_attach(struct opts *o, const char *val)
{
	int i, n = list_count(val), total = n;

	if (n < 0)
		return err_set(ERR_USAGE, "--attach: empty database name");
	for (i = 0; i < o->nattach; i++)
		total += list_count(o->attach[i]);
	if (o->nattach == OPTS_ATTACH_MAX || total > OPTS_ATTACH_MAX)
		return err_set(ERR_USAGE, "--attach: more than %d databases",
		    OPTS_ATTACH_MAX);
	o->attach[o->nattach++] = val;
	return 0;
}

static int
set_opt(struct opts *o, const struct opt_def *d, const char *val)
{
	switch (d->id) {
	case O_API_URL:		o->api_url = val; break;
	case O_TOKEN_FILE:	o->token_file = val; break;
	case O_CACERT:		o->cacert = val; break;
	case O_PROXY:		o->proxy = val; break;
	case O_RESOLVE:
		if (o->nresolve == OPTS_RESOLVE_MAX)
			return err_set(ERR_USAGE, "--resolve: more than %d "
			    "entries", OPTS_RESOLVE_MAX);
		o->resolve[o->nresolve++] = val;
		break;
	case O_CONNECT_TIMEOUT:
		return parse_secs(d->name, val, &o->connect_timeout_ms);
	case O_MAX_TIME:
		return parse_secs(d->name, val, &o->max_time_ms);
	case O_RETRY:
		return parse_count(d->name, val, OPTS_RETRY_MAX, &o->retries);
	case O_VERBOSE:		o->verbose = 1; break;
	case O_QUIET:		o->quiet = 1; break;
	case O_HELP:		o->help = 1; break;
	case O_VERSION:		o->version = 1; break;
	case O_ORG:		o->org = val; break;
	case O_GROUP:		o->group = val; break;
	case O_SCOPE:
		if (o->nscopes == OPTS_SCOPES_MAX)
			return err_set(ERR_USAGE, "--scope: more than %d "
			    "scopes", OPTS_SCOPES_MAX);
		o->scopes[o->nscopes++] = val;
		break;
	case O_READ_ONLY:	o->read_only = 1; break;
	case O_FULL_ACCESS:	o->full_access = 1; break;
	case O_JSON:		o->json = 1; break;
	case O_OUT:		o->out = val; break;
	case O_ENV_FILE:	o->env_file = val; break;
	case O_ENV_KEY:		o->env_key = val; break;
	case O_PRINT:		o->print = 1; break;
	case O_FORCE:		o->force = 1; break;
	case O_AUDIT_LOG:	o->audit_log = val; break;
	case O_BY:		o->by = val; break;
	case O_PURPOSE:		o->purpose = val; break;
	case O_ID:		o->id = val; break;
	case O_REVOKE_OLD:	o->revoke_old = 1; break;
	case O_EXPIRATION:	o->expiration = val; break;
	case O_ATTACH:
		if (add_attach(o, val) != 0)
			return -1;
		break;
	case O_URL_ENV:		o->url_env = val; break;
	case O_YES:		o->yes = 1; break;
	}
	o->seen |= (uint64_t)1 << d->id;
	return 0;
}

/* One option at argv[*i]; advances *i past its value. */
static int
parse_option(struct opts *o, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *eq = strchr(arg, '=');
	size_t len = eq != NULL && arg[1] == '-' ? (size_t)(eq - arg) : strlen(arg);
	const struct opt_def *d = find_def(arg, len);
	const char *val = NULL;

	if (d == NULL)
		return err_set(ERR_USAGE, "unknown option %.*s (see --help)",
		    (int)(len > 64 ? 64 : len), arg);
	if (d->has_arg) {
		if (eq != NULL && arg[1] == '-')
			val = eq + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else
			return err_set(ERR_USAGE, "%s needs a value", d->name);
	} else if (eq != NULL && arg[1] == '-') {
		return err_set(ERR_USAGE, "%s takes no value", d->name);
	}
	return set_opt(o, d, val);
}

static enum opts_cmd
find_command(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(s, commands[i].name) == 0)
			return commands[i].cmd;
	return CMD_NONE;
}

int
opts_parse(struct opts *o, int argc, char **argv)
{
	int i, only_args = 0;

	memset(o, 0, sizeof(*o));
	o->retries = OPTS_RETRY_DEFAULT;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!only_args && strcmp(a, "--") == 0) {
			only_args = 1;
		} else if (!only_args && a[0] == '-' && a[1] != '\0') {
			if (parse_option(o, argc, argv, &i) != 0)
				return -1;
		} else if (o->cmd == CMD_NONE) {
			if ((o->cmd = find_command(a)) == CMD_NONE)
				return err_set(ERR_USAGE, "unknown command "
				    "\"%.64s\" (see --help)", a);
			o->cmd_name = a;
		} else if (o->nargs == OPTS_ARGS_MAX) {
			return err_set(ERR_USAGE, "more than %d names",
			    OPTS_ARGS_MAX);
		} else {
			o->args[o->nargs++] = a;
		}
	}
	return 0;
}

int
opts_check_name(const char *name)
{
	size_t len = strlen(name), i;
	int blank = 1;

	if (len == 0)
		return err_set(ERR_USAGE, "a name is empty");
	if (len > OPTS_NAME_MAX)
		return err_set(ERR_USAGE, "a name is %zu bytes long; at most %d "
		    "are accepted", len, OPTS_NAME_MAX);
	if (!text_is_plain(name, len))
		return err_set(ERR_USAGE, "a name holds a control character or "
		    "is not valid UTF-8");
	for (i = 0; i < len; i++)
		if (!isspace((unsigned char)name[i]))
			blank = 0;
	if (blank)
		return err_set(ERR_USAGE, "a name is only white space");
	return 0;
}

int
opts_name_is_vague(const char *name)
{
	/* The source page's bad examples ("token1", "test") and their kin:
	 * a generic word, optionally followed by digits. */
	static const char *const vague[] = {
		"token", "test", "tmp", "temp", "foo", "bar", "baz", "new",
		"key", "api", "default", "mytoken", "my-token", "example",
	};
	size_t i, n;
	const char *p;

	for (i = 0; i < sizeof(vague) / sizeof(vague[0]); i++) {
		n = strlen(vague[i]);
		if (strncasecmp(name, vague[i], n) != 0)
			continue;
		for (p = name + n; isdigit((unsigned char)*p); p++)
			;
		if (*p == '\0')
			return 1;
	}
	return 0;
}

static int
scope_known(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(known_scopes) / sizeof(known_scopes[0]); i++)
		if (strcmp(s, known_scopes[i]) == 0)
			return 1;
	return 0;
}

/* Every option given applies to the command. */
static int
check_applies(const struct opts *o)
{
	size_t i;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if ((o->seen & (uint64_t)1 << defs[i].id) &&
		    !(defs[i].cmds & FOR(o->cmd)))
			return err_set(ERR_USAGE, "%s does not apply to %s",
			    defs[i].name, o->cmd_name);
	return 0;
}

static int
check_restrictions(const struct opts *o)
{
	int i;

	if (o->read_only && o->full_access)
		return err_set(ERR_USAGE, "--read-only and --full-access "
		    "exclude each other");
	if ((o->read_only || o->full_access) && o->nscopes > 0)
		return err_set(ERR_USAGE, "--scope cannot be combined with "
		    "--read-only or --full-access");
	for (i = 0; i < o->nscopes; i++)
		if (!scope_known(o->scopes[i]))
			return err_set(ERR_USAGE, "unknown scope \"%.40s\" "
			    "(see --help for the list)", o->scopes[i]);
	if (o->group != NULL && o->org == NULL)
		return err_set(ERR_USAGE, "--group needs --org");
	if (o->group != NULL && o->nscopes == 0 && !o->read_only &&
	    !o->full_access)
		return err_set(ERR_USAGE, "--group needs --scope, --read-only "
		    "or --full-access");
	if (o->group == NULL && (o->nscopes > 0 || o->read_only ||
	    o->full_access))
		return err_set(ERR_USAGE, "scopes restrict a group-scoped "
		    "token: add --org ORG --group GROUP");
	if (o->group != NULL && o->group[0] == '\0')
		return err_set(ERR_USAGE, "--group is empty");
	return 0;
}

/* Free text of an option: plain (text_is_plain) and at most max bytes. */
static int
check_text(const char *opt, const char *val, size_t max)
{
	if (val == NULL)
		return 0;
	if (strlen(val) > max)
		return err_set(ERR_USAGE, "%s: longer than %zu bytes", opt, max);
	if (!text_is_plain(val, strlen(val)))
		return err_set(ERR_USAGE, "%s: holds a control character or is "
		    "not valid UTF-8", opt);
	return 0;
}

/*
 * Checked before anything is created, so the audit line of a new token
 * always fits (STORE_AUDIT_LINE_MAX) and shows what was given.
 */
static int
check_audit(const struct opts *o)
{
	if ((o->by != NULL || o->purpose != NULL) && o->audit_log == NULL)
		return err_set(ERR_USAGE, "--by and --purpose need --audit-log");
	if (check_text("--by", o->by, OPTS_BY_MAX) != 0 ||
	    check_text("--purpose", o->purpose, OPTS_PURPOSE_MAX) != 0)
		return -1;
	return 0;
}

/* Where a new token goes, and the audit record. */
static int
check_sinks(const struct opts *o)
{
	if (o->env_key != NULL && o->env_file == NULL)
		return err_set(ERR_USAGE, "--env-key needs --env-file");
	if (o->env_key != NULL && !store_env_key_valid(o->env_key))
		return err_set(ERR_USAGE, "--env-key: \"%.64s\" is not a valid "
		    "variable name ([A-Za-z_][A-Za-z0-9_]*, at most %d bytes)",
		    o->env_key, STORE_ENV_KEY_MAX);
	if (o->print && o->out == NULL && o->env_file == NULL)
		return err_set(ERR_USAGE, "--print needs --out or --env-file "
		    "(without them the token is printed anyway)");
	if (o->force && o->out == NULL)
		return err_set(ERR_USAGE, "--force applies to --out");
	return check_audit(o);
}

static int
check_one_name(const struct opts *o, size_t max)
{
	if (o->nargs == 0)
		return err_set(ERR_USAGE, "%s: missing token NAME", o->cmd_name);
	if (o->nargs > 1)
		return err_set(ERR_USAGE, "%s: one NAME at a time", o->cmd_name);
	if (opts_check_name(o->args[0]) != 0)
		return -1;
	if (strlen(o->args[0]) > max)
		return err_set(ERR_USAGE, "%s: NAME may have at most %zu bytes "
		    "here, to leave room for the \"-SECONDS\" suffix",
		    o->cmd_name, max);
	return 0;
}

/* create takes several names; a file of one token takes one. */
static int
check_names(const struct opts *o)
{
	int i;

	if (o->nargs == 0)
		return err_set(ERR_USAGE, "create: missing token NAME");
	for (i = 0; i < o->nargs; i++)
		if (opts_check_name(o->args[i]) != 0)
			return -1;
	if (o->nargs > 1 && (o->out != NULL || o->env_key != NULL))
		return err_set(ERR_USAGE, "--out and --env-key hold one token: "
		    "give one NAME");
	return 0;
}

static int
check_revoke(const struct opts *o)
{
	int i;

	if (check_audit(o) != 0)
		return -1;
	if (o->id != NULL || o->org != NULL) {
		if (o->id == NULL || o->org == NULL)
			return err_set(ERR_USAGE, "revoke: --org and --id go "
			    "together (the organization endpoint takes an id)");
		if (o->nargs > 0)
			return err_set(ERR_USAGE, "revoke: give NAME or --org "
			    "ORG --id ID, not both");
		if (o->id[0] == '\0')
			return err_set(ERR_USAGE, "--id is empty");
		return 0;
	}
	if (o->nargs == 0)
		return err_set(ERR_USAGE, "revoke: missing token NAME");
	for (i = 0; i < o->nargs; i++)
		if (opts_check_name(o->args[i]) != 0)
			return -1;
	return 0;
}

int
opts_duration_valid(const char *dur)
{
	const char *p = dur;
	int digits;

	if (strcmp(dur, "never") == 0)
		return 1;
	if (*p == '\0')
		return 0;
	while (*p != '\0') {
		for (digits = 0; *p >= '0' && *p <= '9'; p++)
			if (++digits > 9)
				return 0;
		if (digits == 0 || strchr("wdhms", *p) == NULL || *p == '\0')
			return 0;
		p++;
	}
	return 1;
}

static int
check_org_and_target(const struct opts *o)
{
	if (o->nargs != 2)
		return err_set(ERR_USAGE, "%s: expected ORG and %s", o->cmd_name,
		    o->cmd == CMD_GROUP_TOKEN || o->cmd == CMD_ROTATE_GROUP ?
		    "GROUP" : "DB");
	if (opts_check_name(o->args[0]) != 0 ||
	    opts_check_name(o->args[1]) != 0)
		return -1;
	return 0;
}

/* db-token, group-token: ORG and the database or group, then sinks. */
static int
check_db_token(const struct opts *o)
{
	if (check_org_and_target(o) != 0 || check_sinks(o) != 0)
		return -1;
	if (o->expiration != NULL && !opts_duration_valid(o->expiration))
		return err_set(ERR_USAGE, "--expiration: \"%.32s\" is not "
		    "\"never\" or a duration such as 2w1d30m (units w d h m "
		    "s)", o->expiration);
	if (o->url_env != NULL && o->env_file == NULL)
		return err_set(ERR_USAGE, "--url-env needs --env-file");
	if (o->url_env != NULL && !store_env_key_valid(o->url_env))
		return err_set(ERR_USAGE, "--url-env: \"%.64s\" is not a valid "
		    "variable name", o->url_env);
	/* One key for both would leave the URL where the token should be. */
	if (o->url_env != NULL && strcmp(o->url_env, o->env_key != NULL ?
	    o->env_key : "TURSO_DATABASE_TOKEN") == 0)
		return err_set(ERR_USAGE, "--url-env and the token's key are "
		    "both %s", o->url_env);
	return 0;
}

static int
check_no_args(const struct opts *o)
{
	if (o->nargs > 0)
		return err_set(ERR_USAGE, "%s takes no NAME", o->cmd_name);
	return 0;
}

int
opts_check(const struct opts *o)
{
	if (o->help || o->version)
		return 0;
	if (o->cmd == CMD_NONE)
		return err_set(ERR_USAGE, "no command given (see --help)");
	if (check_applies(o) != 0)
		return -1;
	if (o->org != NULL && o->org[0] == '\0')
		return err_set(ERR_USAGE, "--org is empty");
	if (check_text("--org", o->org, OPTS_NAME_MAX) != 0 ||
	    check_text("--group", o->group, OPTS_NAME_MAX) != 0 ||
	    check_text("--id", o->id, OPTS_NAME_MAX) != 0)
		return -1;
	switch (o->cmd) {
	case CMD_CREATE:
		if (check_names(o) != 0 || check_restrictions(o) != 0)
			return -1;
		return check_sinks(o);
	case CMD_ROTATE:
		if (check_one_name(o, OPTS_NAME_MAX - OPTS_ROTATE_SUFFIX) != 0 ||
		    check_restrictions(o) != 0)
			return -1;
		return check_sinks(o);
	case CMD_REVOKE:
		return check_revoke(o);
	case CMD_LIST:
	case CMD_VALIDATE:
		return check_no_args(o);
	case CMD_DB_TOKEN:
	case CMD_GROUP_TOKEN:
		return check_db_token(o);
	case CMD_ROTATE_DB:
	case CMD_ROTATE_GROUP:
		if (check_audit(o) != 0)
			return -1;
		return check_org_and_target(o);
	case CMD_NONE:
		break;
	}
	return 0;
}

int
opts_scope_list(const struct opts *o, const char **out, int cap)
{
	int i, n = 0;

	if (o->read_only && n < cap)
		out[n++] = "read-only";
	if (o->full_access && n < cap)
		out[n++] = "full-access";
	for (i = 0; i < o->nscopes && n < cap; i++)
		out[n++] = o->scopes[i];
	return n;
}
