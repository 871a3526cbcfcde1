/* cmd.c — create, list, validate, revoke, rotate; the sinks of a token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "json.h"
#include "out.h"
#include "store.h"
#include "text.h"

/* Default --env-file key: the source page's TURSO_API_TOKEN_<NAME>. */
#define CMD_ENV_PREFIX		"TURSO_API_TOKEN_"
/* Earlier rotations --revoke-old takes back in one run. */
#define CMD_OLD_MAX		32
/* A name as shown in a message: every byte escaped at worst. */
#define CMD_SHOWN_MAX		(4 * API_NAME_MAX)
/* The login name for the audit log, or "uid:N". */
#define CMD_USER_MAX		64

static void
warn(const struct opts *o, const char *msg)
{
	if (!o->quiet)
		fprintf(stderr, "turso-token: warning: %s\n", msg);
}

static void
shown(char *dst, const char *s)
{
	text_escape(dst, CMD_SHOWN_MAX, s, strlen(s));
}

/* Who ran us, for the audit log: --by, the login name, else the uid. */
static const char *
who(const struct opts *o, char *dst, size_t cap)
{
	const char *s;

	if (o->by != NULL)
		return o->by;
	if ((s = getenv("LOGNAME")) != NULL && s[0] != '\0')
		return s;
	if ((s = getenv("USER")) != NULL && s[0] != '\0')
		return s;
	snprintf(dst, cap, "uid:%u", (unsigned)getuid());
	return dst;
}

static int
audit(const struct opts *o, const char *event, const char *name,
    const char *id)
{
	struct store_audit rec;
	char user[CMD_USER_MAX];

	if (o->audit_log == NULL)
		return 0;
	rec.event = event;
	rec.token_name = name;
	rec.token_id = id != NULL ? id : "";
	rec.when = (long long)time(NULL);
	rec.created_by = who(o, user, sizeof(user));
	rec.purpose = o->purpose != NULL ? o->purpose : "";
	return store_audit_append(o->audit_log, &rec);
}

/*
 * What a new token is and where it goes beyond the options: the audit
 * event, the --env-file key when none is given, a second pair for that
 * file (--url-env), and for a database credential, the command that
 * takes it back (such a token cannot be revoked alone).
 */
struct delivery {
	const char *event;
	const char *env_key;		/* NULL: TURSO_API_TOKEN_<NAME> */
	const char *url_key, *url;	/* NULL: none */
	const char *undo_cmd;		/* NULL: revoke the token by name */
};

/* The token exists but did not reach a sink: revoke it, or name it. */
static int
undo(const struct opts *o, const struct api *a, const struct api_created *c,
    const struct delivery *d, const char *step)
{
	char name[CMD_SHOWN_MAX], why[ERR_MSG_MAX];

	shown(name, c->name);
	/* Cut the cause, not the remedy that follows it. */
	snprintf(why, sizeof(why), "%.300s", err_msg());
	err_clear();
	if (d->undo_cmd != NULL)
		return err_reset(ERR_STORED_REVOKED, "the token for \"%s\" was "
		    "created but %s (%s); such a token cannot be revoked alone: "
		    "run `turso-token %s` to invalidate it (with every other "
		    "token of it)", name, step, why, d->undo_cmd);
	if (api_revoke_token(a, c->name) == 0) {
		audit(o, "revoked", c->name, c->id);
		return err_reset(ERR_STORED_REVOKED, "token \"%s\" was created "
		    "but %s (%s); it has been revoked", name, step, why);
	}
	return err_reset(ERR_STORED_LOST, "token \"%s\" was created but %s "
	    "(%s), and revoking it failed (%s): revoke token \"%s\" by hand",
	    name, step, why, err_msg(), name);
}

/* Audit, then files: everything but stdout.  Undoes the token on failure. */
static int
store(const struct opts *o, const struct api *a, const struct api_created *c,
    const struct delivery *d)
{
	char key[STORE_ENV_KEY_MAX + 1];
	struct store_env_pair env[2];

	if (audit(o, d->event, c->name, c->id) != 0)
		return undo(o, a, c, d, "could not be recorded in the audit log");
	if (o->out != NULL && store_secret_file(o->out, c->token,
	    strlen(c->token), o->force) != 0)
		return undo(o, a, c, d, "could not be stored");
	if (o->env_file == NULL)
		return 0;
	if (o->env_key != NULL || d->env_key != NULL)
		snprintf(key, sizeof(key), "%s", o->env_key != NULL ?
		    o->env_key : d->env_key);
	else if (store_env_key(key, sizeof(key), CMD_ENV_PREFIX, c->name) != 0)
		return undo(o, a, c, d, "its name makes too long an --env-file "
		    "key");
	env[0].key = key;
	env[0].value = c->token;
	env[0].len = strlen(c->token);
	env[1].key = d->url_key;
	env[1].value = d->url;
	env[1].len = d->url != NULL ? strlen(d->url) : 0;
	if (store_env_upsert_pairs(o->env_file, env, d->url_key ? 2 : 1) != 0)
		return undo(o, a, c, d, "could not be stored");
	return 0;
}

/* Stdout gets the token when no file does, or when --print asks. */
static int
prints(const struct opts *o)
{
	return (o->out == NULL && o->env_file == NULL) || o->print;
}

static int
print(const struct opts *o, const struct api *a, const struct api_created *c,
    const struct delivery *d, int index, int count)
{
	if (!prints(o))
		return 0;
	if (out_token(c, o->json, index, count) != 0)
		return undo(o, a, c, d, "could not be written to stdout");
	return 0;
}

static const struct delivery created = { "created", NULL, NULL, NULL, NULL };
static const struct delivery rotated = { "rotated", NULL, NULL, NULL, NULL };

/*
 * A create failed after its request left: the answer was lost, or a 2xx
 * answer was unusable, so the token may exist.  Revoke it by name to be
 * sure; a 404 means it never existed and the first error stands.
 * Database credentials cannot be revoked: name the rotate command.
 */
static int
create_failed(const struct opts *o, const struct api *a, const char *name,
    const struct delivery *d)
{
	char shown_name[CMD_SHOWN_MAX], why[ERR_MSG_MAX];
	enum err_class cls = err_class();

	if (!api_create_unsure())
		return -1;
	shown(shown_name, name);
	snprintf(why, sizeof(why), "%.300s", err_msg());
	if (d->undo_cmd != NULL)
		return err_reset(cls, "%s; a credential may have been made all "
		    "the same: `turso-token %s` invalidates it", why,
		    d->undo_cmd);
	err_clear();
	if (api_revoke_token(a, name) == 0) {
		audit(o, "revoked", name, NULL);
		return err_reset(ERR_STORED_REVOKED, "%s; token \"%s\" may have "
		    "been created all the same, so it has been revoked", why,
		    shown_name);
	}
	if (err_class() == ERR_NOTFOUND)
		return err_reset(cls, "%s", why);
	return err_reset(cls, "%s; token \"%s\" may have been created all "
	    "the same and could not be revoked: check with `turso-token "
	    "list`", why, shown_name);
}

/* Refuse a sink that cannot work before a token exists to be lost. */
static int
check_sinks(const struct opts *o)
{
	if (o->out != NULL && store_check_target(o->out, o->force) != 0)
		return -1;
	if (o->env_file != NULL && store_check_target(o->env_file, 1) != 0)
		return -1;
	if (o->audit_log != NULL && store_check_target(o->audit_log, 1) != 0)
		return -1;
	return 0;
}

static void
restrictions(const struct opts *o, struct api_restrict *r, const char **scopes)
{
	memset(r, 0, sizeof(*r));
	r->org = o->org;
	r->group = o->group;
	r->scopes = scopes;
	r->nscopes = opts_scope_list(o, scopes, OPTS_SCOPES_MAX);
	if (r->org == NULL)
		warn(o, "no --org: creating an unrestricted token, which the "
		    "API deprecates; pass --org ORG to restrict it");
}

static void
report_created(const struct opts *o, const struct api_created *c)
{
	char name[CMD_SHOWN_MAX], id[CMD_SHOWN_MAX];

	if (!o->verbose)
		return;
	shown(name, c->name);
	shown(id, c->id);
	fprintf(stderr, "turso-token: created token \"%s\" (id %s)\n", name, id);
}

/* One name of a create: the request, then every sink. */
static int
create_one(const struct opts *o, const struct api *a, const char *name,
    const struct api_restrict *r, int index)
{
	static struct api_created c;
	int rc;

	if (opts_name_is_vague(name))
		warn(o, "the token name does not say what the token is for; "
		    "prefer names like ci-cd-pipeline or production-api");
	if (api_create_token(a, name, r, &c) != 0)
		return create_failed(o, a, name, &created);
	report_created(o, &c);
	rc = store(o, a, &c, &created);
	if (rc == 0)
		rc = print(o, a, &c, &created, index, o->nargs);
	api_forget(&c);
	return rc;
}

/*
 * Several names go one after the other over one kept-alive connection;
 * the first failure stops the run, and what was made before it stays
 * made (and printed: a JSON array is closed after the last element).
 */
int
cmd_create(const struct opts *o, const struct api *a)
{
	const char *scopes[OPTS_SCOPES_MAX];
	struct api_restrict r;
	int i, rc = 0;

	if (check_sinks(o) != 0)
		return -1;
	restrictions(o, &r, scopes);
	for (i = 0; i < o->nargs && rc == 0; i++)
		rc = create_one(o, a, o->args[i], &r, i);
	if (o->json && o->nargs > 1 && prints(o) && i > 1 &&
	    out_json_end() != 0 && rc == 0)
		rc = -1;
	return rc;
}

int
cmd_list(const struct opts *o, const struct api *a)
{
	struct json j;
	int tokens;

	if (api_list_tokens(a, o->org, &j, &tokens) != 0)
		return -1;
	return out_list(&j, tokens, o->org != NULL, o->json);
}

int
cmd_validate(const struct opts *o, const struct api *a)
{
	long long exp;

	if (api_validate(a, &exp) != 0)
		return -1;
	return out_validate(exp, o->json);
}

/* One revoke; with --force a token that is not there is no error. */
static int
revoke_one(const struct opts *o, const struct api *a, const char *name,
    const char *id)
{
	char shown_name[CMD_SHOWN_MAX];
	int rc;

	if (id != NULL)
		rc = api_revoke_org_token(a, o->org, id);
	else
		rc = api_revoke_token(a, name);
	shown(shown_name, id != NULL ? id : name);
	if (rc != 0 && o->force && err_class() == ERR_NOTFOUND) {
		err_clear();
		if (o->verbose)
			fprintf(stderr, "turso-token: no token \"%s\"; nothing "
			    "to revoke\n", shown_name);
		return 0;
	}
	if (rc != 0)
		return -1;
	if (o->verbose)
		fprintf(stderr, "turso-token: revoked token \"%s\"\n",
		    shown_name);
	if (audit(o, "revoked", name != NULL ? name : "", id) != 0) {
		char why[ERR_MSG_MAX];

		snprintf(why, sizeof(why), "%s", err_msg());
		return err_reset(ERR_LOCAL, "token \"%s\" was revoked, but the "
		    "audit log could not record it: %s", shown_name, why);
	}
	return 0;
}

int
cmd_revoke(const struct opts *o, const struct api *a)
{
	int i;

	if (o->id != NULL)
		return revoke_one(o, a, NULL, o->id);
	for (i = 0; i < o->nargs; i++)
		if (revoke_one(o, a, o->args[i], NULL) != 0)
			return -1;
	return 0;
}

/* 1 if name is base itself or an earlier rotation of it, base-<digits>. */
static int
rotation_of(const char *name, const char *base)
{
	size_t n = strlen(base);
	const char *p;

	if (strncmp(name, base, n) != 0)
		return 0;
	if (name[n] == '\0')
		return 1;
	if (name[n] != '-' || name[n + 1] == '\0')
		return 0;
	for (p = name + n + 1; *p >= '0' && *p <= '9'; p++)
		;
	return *p == '\0';
}

/*
 * --revoke-old: the old token is NAME, or an earlier rotation of it
 * (NAME-<seconds>), so that a rotation run from cron every month keeps
 * exactly one live token.  Names are copied out of the list first: each
 * revoke reuses the buffer the list was read into.
 */
static int
revoke_previous(const struct opts *o, const struct api *a, const char *keep,
    int *count)
{
	static char names[CMD_OLD_MAX][OPTS_NAME_MAX + 1];
	struct json j;
	int tokens, n = 0, i, e, t, len;

	*count = 0;
	if (api_list_tokens(a, NULL, &j, &tokens) != 0)
		return -1;
	len = json_len(&j, tokens);
	for (i = 0, e = tokens + 1; i < len && n < CMD_OLD_MAX;
	    i++, e = json_next(&j, e)) {
		t = json_get(&j, e, "name");
		if (t < 0 || json_type(&j, t) != JSON_STRING ||
		    json_string(&j, t, names[n], sizeof(names[n])) < 0) {
			err_clear();
			continue;
		}
		if (rotation_of(names[n], o->args[0]) &&
		    strcmp(names[n], keep) != 0)
			n++;
	}
	for (i = 0; i < n; i++) {
		if (api_revoke_token(a, names[i]) != 0) {
			if (err_class() != ERR_NOTFOUND)
				return -1;
			err_clear();	/* gone already: fine */
			continue;
		}
		(*count)++;
		if (audit(o, "revoked", names[i], NULL) != 0)
			return -1;
	}
	return 0;
}

/* Prefix a step's error, keeping its class: "rotate: step N (...): ...". */
static int
step_failed(const char *step, const char *after)
{
	char why[ERR_MSG_MAX];

	snprintf(why, sizeof(why), "%.300s", err_msg());
	return err_reset(err_class(), "rotate: %s failed: %s; %s", step, why,
	    after);
}

/*
 * Create NAME-<seconds>, deliver it (audit, files, stdout), prove it
 * works, and only then revoke the old one.  Delivered before it is
 * checked: a new token that fails the check is still a live token, and
 * stdout may be its only sink.
 */
int
cmd_rotate(const struct opts *o, const struct api *a)
{
	static struct api_created c;
	const char *scopes[OPTS_SCOPES_MAX];
	char name[OPTS_NAME_MAX + 1], old[CMD_SHOWN_MAX], new[CMD_SHOWN_MAX];
	struct api_restrict r;
	struct api fresh;
	long long exp;
	int rc = -1, revoked = 0;

	snprintf(name, sizeof(name), "%s-%lld", o->args[0],
	    (long long)time(NULL));
	shown(old, o->args[0]);
	shown(new, name);
	memset(&fresh, 0, sizeof(fresh));
	if (check_sinks(o) != 0)
		return -1;
	restrictions(o, &r, scopes);
	if (api_create_token(a, name, &r, &c) != 0) {
		create_failed(o, a, name, &rotated);
		return step_failed("creating the new token", "the old token "
		    "is untouched");
	}
	report_created(o, &c);
	if (store(o, a, &c, &rotated) != 0 || print(o, a, &c, &rotated, 0,
	    1) != 0)
		goto out;
	fresh = *a;
	fresh.bearer = c.token;
	if (api_validate(&fresh, &exp) != 0) {
		step_failed("validating the new token", "it was delivered but "
		    "may not work; the old token is untouched");
		goto out;
	}
	if (o->revoke_old && revoke_previous(o, a, name, &revoked) != 0) {
		step_failed("revoking the old token", "the new token is "
		    "delivered and works");
		goto out;
	}
	if (!o->quiet && o->revoke_old)
		fprintf(stderr, "turso-token: rotated \"%s\" to \"%s\"; "
		    "revoked %d old token%s\n", old, new, revoked,
		    revoked == 1 ? "" : "s");
	else if (!o->quiet)
		fprintf(stderr, "turso-token: rotated \"%s\" to \"%s\"\n",
		    old, new);
	rc = 0;
out:
	explicit_bzero(&fresh, sizeof(fresh));
	api_forget(&c);
	return rc;
}

/* The command that invalidates every credential of a database or group. */
static void
undo_command(const struct opts *o, char *dst, size_t cap)
{
	char org[CMD_SHOWN_MAX], name[CMD_SHOWN_MAX];

	shown(org, o->args[0]);
	shown(name, o->args[1]);
	snprintf(dst, cap, "%s %s %s", o->cmd == CMD_DB_TOKEN ?
	    "rotate-db-creds" : "rotate-group-creds", org, name);
}

/*
 * db-token, group-token.  With --url-env the database URL is looked up
 * first (a missing database fails before anything is minted) and stored
 * with the token in one rewrite of the env file.
 */
int
cmd_db_token(const struct opts *o, const struct api *a)
{
	static struct api_created c;
	char host[API_HOST_MAX + 1], url[API_HOST_MAX + 16];
	char again[3 * CMD_SHOWN_MAX];
	struct api_db_token t;
	struct delivery d;
	int rc;

	if (check_sinks(o) != 0)
		return -1;
	memset(&t, 0, sizeof(t));
	t.kind = o->cmd == CMD_DB_TOKEN ? API_DATABASE : API_GROUP;
	t.org = o->args[0];
	t.name = o->args[1];
	t.expiration = o->expiration;
	t.read_only = o->read_only;
	t.attach = o->attach;
	t.nattach = o->nattach;
	undo_command(o, again, sizeof(again));
	memset(&d, 0, sizeof(d));
	d.event = "created";
	d.env_key = t.kind == API_DATABASE ? "TURSO_DATABASE_TOKEN" :
	    "TURSO_GROUP_TOKEN";
	d.undo_cmd = again;
	if (o->url_env != NULL) {
		if (api_db_hostname(a, t.org, t.name, host, sizeof(host)) != 0)
			return -1;
		snprintf(url, sizeof(url), "libsql://%s", host);
		d.url_key = o->url_env;
		d.url = url;
	}
	if (api_create_db_token(a, &t, &c) != 0)
		return create_failed(o, a, t.name, &d);
	rc = store(o, a, &c, &d);
	if (rc == 0)
		rc = print(o, a, &c, &d, 0, 1);
	api_forget(&c);
	return rc;
}

/* Rotation invalidates every credential: a person must mean it. */
static int
confirm(const struct opts *o)
{
	char org[CMD_SHOWN_MAX], name[CMD_SHOWN_MAX], answer[16];
	const char *what = o->cmd == CMD_ROTATE_DB ? "database" : "group";
	ssize_t n;

	if (o->yes)
		return 0;
	if (!isatty(0))
		return err_set(ERR_USAGE, "%s invalidates every token of the %s; "
		    "not on a terminal, so give --yes to confirm", o->cmd_name,
		    what);
	shown(org, o->args[0]);
	shown(name, o->args[1]);
	fprintf(stderr, "turso-token: this invalidates every existing token of "
	    "%s \"%s\" in \"%s\".  Type yes to go on: ", what, name, org);
	n = read(0, answer, sizeof(answer) - 1);
	answer[n > 0 ? n : 0] = '\0';
	answer[strcspn(answer, "\r\n")] = '\0';
	if (strcmp(answer, "yes") != 0)
		return err_set(ERR_USAGE, "not confirmed; nothing was rotated");
	return 0;
}

int
cmd_rotate_creds(const struct opts *o, const struct api *a)
{
	enum api_db_kind kind = o->cmd == CMD_ROTATE_DB ? API_DATABASE :
	    API_GROUP;
	char name[2 * OPTS_NAME_MAX + 2];

	if (confirm(o) != 0 ||
	    api_rotate_db_creds(a, kind, o->args[0], o->args[1]) != 0)
		return -1;
	snprintf(name, sizeof(name), "%s/%s", o->args[0], o->args[1]);
	if (o->verbose) {
		char shown_name[CMD_SHOWN_MAX];

		shown(shown_name, name);
		fprintf(stderr, "turso-token: rotated the credentials of %s "
		    "\"%s\"\n", kind == API_DATABASE ? "database" : "group",
		    shown_name);
	}
	if (audit(o, "rotated", name, NULL) != 0) {
		char why[ERR_MSG_MAX];

		snprintf(why, sizeof(why), "%.300s", err_msg());
		return err_reset(ERR_LOCAL, "the credentials were rotated, but "
		    "the audit log could not record it: %s", why);
	}
	return 0;
}
