/*
 * opts.h — the command line: argv to a struct, and the checks that need
 * no network.  Global options may stand before or after the subcommand;
 * "--opt value" and "--opt=value" are the same; "--" ends options.
 * Nothing here reads the environment or files, so it is unit-tested.
 */
#ifndef OPTS_H
#define OPTS_H

#include <stdint.h>

/* --retry: default, and the most accepted (backoff doubles each time). */
#define OPTS_RETRY_DEFAULT	2
#define OPTS_RETRY_MAX		10

/* Positional arguments after the subcommand: token names, a hundred at
 * once for a fleet, over one connection. */
#define OPTS_ARGS_MAX		256
/* --scope values: the spec lists 9 scopes and 2 presets. */
#define OPTS_SCOPES_MAX		16
/* --resolve entries (net.h keeps the same number). */
#define OPTS_RESOLVE_MAX	16
/*
 * Longest token name.  The server's rule is not published; the Turso CLI
 * once allowed 32 characters.  64 leaves room and keeps the name usable
 * in a URL, an env key and a table column.
 */
#define OPTS_NAME_MAX		64
/* --by and --purpose: an audit line (STORE_AUDIT_LINE_MAX) must hold
 * them with a name, an id and a date. */
#define OPTS_BY_MAX		128
#define OPTS_PURPOSE_MAX	512

/* The subcommands. */
enum opts_cmd {
	CMD_NONE = 0, CMD_CREATE, CMD_LIST, CMD_VALIDATE, CMD_REVOKE, CMD_ROTATE,
	CMD_DB_TOKEN, CMD_GROUP_TOKEN, CMD_ROTATE_DB, CMD_ROTATE_GROUP
};

/* --attach databases: a token reads a handful of attached databases. */
#define OPTS_ATTACH_MAX		32

/*
 * Room a rotated name needs: "-" and the unix time in seconds (10 digits
 * until the year 2286).
 */
#define OPTS_ROTATE_SUFFIX	11

struct opts {
	enum opts_cmd cmd;
	const char *cmd_name;			/* as typed, NULL if none */
	const char *args[OPTS_ARGS_MAX];
	int nargs;
	/* global */
	const char *api_url;
	const char *token_file;
	const char *cacert;
	const char *proxy;			/* NULL: from the environment */
	const char *resolve[OPTS_RESOLVE_MAX];
	int nresolve;
	int retries;				/* --retry, default 2 */
	long connect_timeout_ms;		/* 0: default */
	long max_time_ms;			/* 0: default */
	int verbose, quiet, help, version;
	/* create, rotate; --org also list and revoke */
	const char *org, *group;
	const char *scopes[OPTS_SCOPES_MAX];
	int nscopes;
	int read_only, full_access, json;
	/* where a new token goes (create, rotate) */
	const char *out, *env_file, *env_key;
	int print;
	/* --force: replace --out (create, rotate); a missing token is no
	 * error (revoke) */
	int force;
	/* audit (create, rotate, revoke) */
	const char *audit_log, *by, *purpose;
	/* revoke --org ORG --id ID; rotate --revoke-old */
	const char *id;
	int revoke_old;
	/* db-token, group-token; rotate-db-creds, rotate-group-creds */
	const char *expiration;
	const char *attach[OPTS_ATTACH_MAX];
	int nattach;
	const char *url_env;
	int yes;
	uint64_t seen;				/* bit per option given */
};

/* Parse argv.  Returns 0, or -1 with ERR_USAGE set. */
int opts_parse(struct opts *o, int argc, char **argv);

/*
 * Check what the subcommand needs: every option given applies to it, the
 * right number of names, a valid combination of restrictions, scopes from
 * the spec's list.  Returns 0 or -1 (ERR_USAGE).
 */
int opts_check(const struct opts *o);

/* Check one token name (empty, blank, control bytes, length): 0 or -1. */
int opts_check_name(const char *name);

/* 1 if the name says nothing about its purpose ("test", "token1"...). */
int opts_name_is_vague(const char *name);

/*
 * 1 if dur is the API's expiration form: "never", or one or more
 * <digits><unit> with units w d h m s ("2w1d30m").
 */
int opts_duration_valid(const char *dur);

/* Scope list to send: from --scope, --read-only or --full-access. */
int opts_scope_list(const struct opts *o, const char **out, int cap);

#endif
