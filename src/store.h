/*
 * store.h — where a secret goes: a file of its own, a dotenv file, and an
 * audit log that never holds one.
 *
 * Files that hold a secret are written atomically: a temporary file is
 * created next to the target with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600
 * whatever the umask (fchmod), written, fsync'd, renamed over the target,
 * and the directory is fsync'd.  The target itself is never opened for
 * writing, and a symlink at the target path is refused.  On any failure
 * the temporary file is removed and the target is unchanged.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>

/* Largest dotenv file we rewrite: .env files are a few KiB. */
#define STORE_ENVFILE_MAX	(256 * 1024)
/* One audit line: a few short fields. */
#define STORE_AUDIT_LINE_MAX	2048
/* Longest dotenv key accepted. */
#define STORE_ENV_KEY_MAX	128

/*
 * Write secret (len bytes) plus "\n" to path.  An existing regular file is
 * refused unless force; a symlink, a directory or any other non-regular
 * file is always refused.  Returns 0 or -1 with ERR_LOCAL set ("FILE:
 * already exists (use --force to replace it)", ...).  Only if the final
 * fsync of the directory fails has the target already been replaced.
 */
int store_secret_file(const char *path, const char *secret, size_t len, int force);

/*
 * Look before a token is created: 0 when a secret file may be written at
 * path (its directory exists, and nothing is there yet, or a regular file
 * and replace), else -1 with ERR_LOCAL set, as store_secret_file() would
 * fail.  The write checks
 * again; this only spares creating a token that has nowhere to go.
 */
int store_check_target(const char *path, int replace);

/*
 * Upsert KEY=secret into the dotenv file at path: the first line that
 * assigns KEY (optionally after "export ") is replaced, other lines are
 * kept byte for byte, and a missing key is appended (with a newline added
 * before it if the file did not end in one).  A missing file is created.
 * The result replaces the file atomically as above, mode 0600.  A symlink
 * at path is refused, and so are a key store_env_key_valid() rejects and
 * a secret that is not all 0x21..0x7e (so it never needs quoting).
 * Returns 0 or -1 with ERR_LOCAL set.
 */
int store_env_upsert(const char *path, const char *key, const char *secret, size_t len);

/* One KEY=VALUE of a dotenv upsert. */
struct store_env_pair {
	const char *key;
	const char *value;
	size_t len;
};

/*
 * Upsert several pairs in one atomic rewrite (a token and its database
 * URL arrive together or not at all).  Same rules as store_env_upsert().
 */
int store_env_upsert_pairs(const char *path, const struct store_env_pair *p,
    int n);

/*
 * Make the default key for a token name: prefix + NAME upper-cased with
 * every non-alphanumeric byte turned into '_'.  Returns 0, or -1 (with
 * ERR_LOCAL set) if it does not fit in cap.
 */
int store_env_key(char *dst, size_t cap, const char *prefix, const char *name);

/* 1 if key is a valid dotenv/shell name of at most STORE_ENV_KEY_MAX
 * bytes: [A-Za-z_][A-Za-z0-9_]*. */
int store_env_key_valid(const char *key);

struct store_audit {
	const char *event;		/* "created", "rotated", "revoked" */
	const char *token_name;
	const char *token_id;		/* may be "" */
	long long when;			/* unix seconds, written as RFC 3339 UTC */
	const char *created_by;
	const char *purpose;		/* may be "" */
};

/*
 * Append one JSON line {"event","tokenName","tokenId","createdAt",
 * "createdBy","purpose"} to path with O_APPEND|O_CREAT|O_NOFOLLOW, mode
 * 0600 when created, in a single write(2).  Returns 0 or -1 (ERR_LOCAL).
 */
int store_audit_append(const char *path, const struct store_audit *a);

#endif
