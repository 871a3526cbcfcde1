/*
 * cred.h — the credential: where it is read from, and nowhere else.
 *
 * In order: --token-file FILE (or - for stdin); the TURSO_API_TOKEN
 * environment variable (wiped from the environment once copied); the
 * Turso CLI's settings.json ("token" key) in $TURSO_CONFIG_FOLDER, else
 * $XDG_CONFIG_HOME/turso, else $HOME/.config/turso — so a host where
 * someone ran `turso auth login` just works.  Never from argv.
 */
#ifndef CRED_H
#define CRED_H

#include <stddef.h>

/* Largest settings.json read: the Turso CLI writes a few hundred bytes. */
#define CRED_SETTINGS_MAX	(64 * 1024)

/*
 * Load the credential into dst (cap bytes, NUL-terminated, surrounding
 * white space removed).  token_file may be NULL.  Returns 0, or -1 with
 * ERR_LOCAL set (none found, unreadable, empty, malformed settings.json,
 * spaces or control characters).  The caller erases dst after use.
 */
int cred_load(const char *token_file, char *dst, size_t cap);

#endif
