/* cred.c — the credential from a file, stdin, the environment or the
 * Turso CLI's settings; nothing else. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cred.h"
#include "err.h"
#include "json.h"
#include "text.h"

static int
read_all(int fd, const char *what, char *dst, size_t cap, size_t *len)
{
	ssize_t r;

	*len = 0;
	for (;;) {
		if (*len == cap)
			return err_set(ERR_LOCAL, "%s: longer than "
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
	while (start < len && (s[start] == ' ' || s[start] == '\t' ||
	    s[start] == '\n' || s[start] == '\r'))
		start++;
	memmove(s, s + start, len - start);
	len -= start;
	explicit_bzero(s + len, start);
	s[len] = '\0';
	return len;
}

/* --token-file: a file, or standard input for "-". */
static int
from_file(const char *path, char *dst, size_t cap, size_t *len)
{
	int fd, rc;

	if (strcmp(path, "-") == 0)
		return read_all(0, "stdin", dst, cap - 1, len);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(ERR_LOCAL, "%s: %s", path, strerror(errno));
	rc = read_all(fd, path, dst, cap - 1, len);
	close(fd);
	return rc;
}

static int
from_env(char *env, char *dst, size_t cap, size_t *len)
{
	*len = strlen(env);
	if (*len >= cap)
		return err_set(ERR_LOCAL, "TURSO_API_TOKEN: longer than %zu "
		    "bytes", cap - 1);
	memcpy(dst, env, *len);
	/* Gone from /proc/self/environ too. */
	explicit_bzero(env, *len);
	return 0;
}

/* The Turso CLI's settings.json: its directory, by the CLI's own rules. */
static int
settings_path(char *dst, size_t cap)
{
	const char *dir;
	int n;

	if ((dir = getenv("TURSO_CONFIG_FOLDER")) != NULL && dir[0] != '\0')
		n = snprintf(dst, cap, "%s/settings.json", dir);
	else if ((dir = getenv("XDG_CONFIG_HOME")) != NULL && dir[0] != '\0')
		n = snprintf(dst, cap, "%s/turso/settings.json", dir);
	else if ((dir = getenv("HOME")) != NULL && dir[0] != '\0')
		n = snprintf(dst, cap, "%s/.config/turso/settings.json", dir);
	else
		return -1;
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/*
 * settings.json's "token".  A missing file is "no credential here" (1);
 * a file that is there but unreadable or malformed is an error (-1).
 */
static int
from_settings(char *dst, size_t cap, size_t *len, const char **what)
{
	static char path[4096], text[CRED_SETTINGS_MAX];
	struct json j;
	size_t n = 0;
	int fd, t, rc = -1;

	if (settings_path(path, sizeof(path)) != 0)
		return 1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		return err_set(ERR_LOCAL, "%s: %s", path, strerror(errno));
	}
	*what = path;
	rc = read_all(fd, path, text, sizeof(text), &n);
	close(fd);
	if (rc != 0)
		goto out;
	rc = -1;
	if (json_parse(&j, text, n) != 0 || json_type(&j, 0) != JSON_OBJECT) {
		err_reset(ERR_LOCAL, "%s: not a JSON object (the Turso CLI's "
		    "settings)", path);
		goto out;
	}
	t = json_get(&j, 0, "token");
	if (t < 0 || json_type(&j, t) != JSON_STRING) {
		err_reset(ERR_LOCAL, "%s: no \"token\" string; run `turso auth "
		    "login`, set TURSO_API_TOKEN or use --token-file", path);
		goto out;
	}
	if (json_string(&j, t, dst, cap) < 0) {
		err_reset(ERR_LOCAL, "%s: the token is too long", path);
		goto out;
	}
	*len = strlen(dst);
	rc = 0;
out:
	explicit_bzero(text, sizeof(text));
	return rc;
}

int
cred_load(const char *token_file, char *dst, size_t cap)
{
	const char *what = token_file;
	char *env;
	size_t len = 0;
	int rc;

	if (token_file != NULL) {
		rc = from_file(token_file, dst, cap, &len);
		if (strcmp(token_file, "-") == 0)
			what = "stdin";
	} else if ((env = getenv("TURSO_API_TOKEN")) != NULL) {
		what = "TURSO_API_TOKEN";
		rc = from_env(env, dst, cap, &len);
	} else if ((rc = from_settings(dst, cap, &len, &what)) == 1) {
		return err_set(ERR_LOCAL, "no credential: set TURSO_API_TOKEN, "
		    "use --token-file FILE (- reads stdin), or log in with the "
		    "Turso CLI (settings.json)");
	}
	if (rc != 0)
		return -1;
	len = trim(dst, len);
	if (len == 0)
		return err_set(ERR_LOCAL, "%s: the credential is empty", what);
	if (!text_is_token(dst, len))
		return err_set(ERR_LOCAL, "%s: the credential holds spaces or "
		    "control characters", what);
	return 0;
}

