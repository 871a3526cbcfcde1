/*
 * opts.h — the command line: argv to a struct, and the checks that need
 * no network.  Global options may stand before or after the subcommand;
 * "--opt value" and "--opt=value" are the same; "--" ends options.
 * Nothing here reads the environment or files, so it is unit-tested.
 */
#ifndef OPTS_H
#define OPTS_H

/* Positional arguments after the subcommand (token names). */
#define OPTS_ARGS_MAX		64
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

struct opts {
	const char *cmd;			/* subcommand, NULL if none */
	const char *args[OPTS_ARGS_MAX];
	int nargs;
	/* global */
	const char *api_url;
	const char *token_file;
	const char *cacert;
	const char *resolve[OPTS_RESOLVE_MAX];
	int nresolve;
	long connect_timeout_ms;		/* 0: default */
	long max_time_ms;			/* 0: default */
	int verbose, quiet, help, version;
	/* create */
	const char *org, *group;
	const char *scopes[OPTS_SCOPES_MAX];
	int nscopes;
	int read_only, full_access, json;
};

/* Parse argv.  Returns 0, or -1 with ERR_USAGE set. */
int opts_parse(struct opts *o, int argc, char **argv);

/*
 * Check what the subcommand needs: one name, a valid combination of
 * restrictions, scopes from the spec's list.  Returns 0 or -1 (ERR_USAGE).
 */
int opts_check(const struct opts *o);

/* Check one token name (empty, blank, control bytes, length): 0 or -1. */
int opts_check_name(const char *name);

/* 1 if the name says nothing about its purpose ("test", "token1"...). */
int opts_name_is_vague(const char *name);

/* Scope list to send: from --scope, --read-only or --full-access. */
int opts_scope_list(const struct opts *o, const char **out, int cap);

#endif
