/*
 * api.h — one function per Turso Platform API endpoint.
 *
 * Each call opens a connection to the base URL (TLS for https://, plain
 * TCP for loopback http://), sends one request with the bearer, reads the
 * response within the caps of http.h and API_BODY_MAX, and turns status
 * and JSON into a typed result.  A non-2xx status becomes the error class
 * of GUIDE §5 with the server's message, escaped.
 */
#ifndef API_H
#define API_H

#include <stddef.h>

/* A created token.  Turso's JWTs are under 1 KiB; 4 KiB leaves room. */
#define API_TOKEN_MAX		4096
/* Names and ids as the server returns them. */
#define API_NAME_MAX		256
#define API_ID_MAX		128
/* Largest response body: a list of thousands of tokens fits. */
#define API_BODY_MAX		(1024 * 1024)
/* Base URL host and path prefix. */
#define API_HOST_MAX		253
#define API_PREFIX_MAX		256

struct api {
	int https;			/* 0 only for loopback http:// */
	char host[API_HOST_MAX + 1];	/* without brackets */
	int port;
	char prefix[API_PREFIX_MAX];	/* path before /v1, no trailing '/' */
	const char *bearer;		/* the credential (secret) */
	int retries;			/* more attempts after the first */
	int verbose;
	int quiet;			/* no warnings */
};

/* Close the kept-alive connection (sends TLS close_notify). */
void api_close(void);

/*
 * Parse a base URL "https://host[:port][/prefix]" into a.  http:// is
 * accepted only for loopback hosts.  Returns 0 or -1 with ERR_USAGE set.
 */
int api_set_base(struct api *a, const char *url);

struct api_restrict {
	const char *org;		/* NULL: unrestricted (deprecated) */
	const char *group;		/* needs org and scopes */
	const char **scopes;
	int nscopes;
};

struct api_created {
	char name[API_NAME_MAX];
	char id[API_ID_MAX];
	char token[API_TOKEN_MAX];	/* secret: erase with api_forget() */
};

/*
 * POST /v1/auth/api-tokens/{name}.  On success fills out (the token is
 * checked to be printable ASCII) and returns 0; else -1 with the error set.
 */
int api_create_token(const struct api *a, const char *name,
    const struct api_restrict *r, struct api_created *out);

/* DELETE /v1/auth/api-tokens/{name}.  0 or -1 with the error set. */
int api_revoke_token(const struct api *a, const char *name);

/* DELETE /v1/organizations/{org}/api-tokens/{id}.  0 or -1. */
int api_revoke_org_token(const struct api *a, const char *org, const char *id);

/*
 * GET /v1/auth/validate with a->bearer: *exp is the expiry in unix
 * seconds, or -1 when the token never expires.  0 or -1 (401 is ERR_AUTH).
 */
int api_validate(const struct api *a, long long *exp);

/*
 * GET /v1/auth/api-tokens, or /v1/organizations/{org}/api-tokens when org
 * is not NULL.  On success *j is the parsed response and *tokens the index
 * of its "tokens" array; both stay valid until the next api_ call.
 */
struct json;
int api_list_tokens(const struct api *a, const char *org, struct json *j,
    int *tokens);

/* A database credential is minted for a database or for a group. */
enum api_db_kind { API_DATABASE, API_GROUP };

struct api_db_token {
	enum api_db_kind kind;
	const char *org;
	const char *name;		/* the database or the group */
	const char *expiration;		/* NULL: the server's default (never) */
	int read_only;
	const char *const *attach;	/* comma lists of databases, or NULL */
	int nattach;
};

/*
 * POST /v1/organizations/{org}/{databases|groups}/{name}/auth/tokens with
 * expiration and authorization in the query, and
 * {"permissions":{"read_attach":{"databases":[...]}}} when attach is
 * given.  The "jwt" goes to out->token (printable ASCII checked), "ORG/NAME"
 * to out->name.  0 or -1 with the error set.
 */
int api_create_db_token(const struct api *a, const struct api_db_token *t,
    struct api_created *out);

/* POST .../{databases|groups}/{name}/auth/rotate: 0 or -1. */
int api_rotate_db_creds(const struct api *a, enum api_db_kind kind,
    const char *org, const char *name);

/*
 * GET /v1/organizations/{org}/databases/{db}: the database's "Hostname"
 * into host (checked to be a plain DNS name).  0 or -1.
 */
int api_db_hostname(const struct api *a, const char *org, const char *db,
    char *host, size_t cap);

/*
 * After a failed api_create_token() or api_create_db_token(): 1 if a
 * token may exist anyway — the request left and its answer was lost, or
 * a 2xx answer was unusable — so the caller must take it back or say so.
 */
int api_create_unsure(void);

/* Erase every buffer that held a secret (created token, bodies). */
void api_forget(struct api_created *c);

#endif
