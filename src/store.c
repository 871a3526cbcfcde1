/*
 * store.c — where a secret goes: a file of its own, a dotenv file, and an
 * audit log that never holds one.
 *
 * Every file that holds a secret is written by put_atomic(): a fresh
 * temporary file next to the target, created and renamed relative to one
 * descriptor of the target's directory, so every step names the same
 * directory even if a path component is swapped meanwhile.  The target
 * itself is never opened for writing.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "store.h"
#include "text.h"

/* The directory part of a target path: longer paths are refused, not cut. */
#define DIR_PATH_MAX	PATH_MAX
/* One directory entry: the temporary file's name. */
#define TMP_NAME_MAX	(NAME_MAX + 1)
/* Random hex digits in a temporary name, as in mkstemp's "XXXXXX". */
#define TMP_HEX		6
/* Fresh names tried before giving up; O_EXCL makes a collision harmless. */
#define TMP_TRIES	32
/* Opens of the audit log: lost create races with another writer. */
#define AUDIT_OPEN_TRIES	4

/* A file being read, plus one byte to notice it is over the cap. */
static char env_in[STORE_ENVFILE_MAX + 1];
static char env_out[STORE_ENVFILE_MAX];

struct piece {
	const char	*p;
	size_t		 n;
};

static int
fail(const char *path, const char *step, int e)
{
	return err_set(ERR_LOCAL, "%s: cannot write: %s: %s", path, step,
	    strerror(e));
}

static int
refuse_symlink(const char *path)
{
	return err_set(ERR_LOCAL,
	    "%s: is a symbolic link, refusing to write a secret through it",
	    path);
}

/*
 * Split path into its directory (copied into dir) and its last component.
 * "name" lives in ".", "/name" in "/".
 */
static int
split_path(const char *path, char *dir, size_t cap, const char **base)
{
	const char *slash, *from;
	size_t n;

	slash = strrchr(path, '/');
	if (slash == NULL) {
		*base = path;
		from = ".";
		n = 1;
	} else {
		*base = slash + 1;
		from = path;
		n = (size_t)(slash - path);
		if (n == 0)
			n = 1;
	}
	if (**base == '\0' || strcmp(*base, ".") == 0 ||
	    strcmp(*base, "..") == 0)
		return err_set(ERR_LOCAL, "%s: not a file name", path);
	if (n >= cap)
		return err_set(ERR_LOCAL, "%s: path too long", path);
	memcpy(dir, from, n);
	dir[n] = '\0';
	return 0;
}

/*
 * Temporary names only need to be unlikely to collide, not secret: when
 * getrandom() is missing (old kernels) or not ready (early boot) the
 * clock and pid do.
 */
static void
random_hex(char *dst, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	static unsigned long counter;
	unsigned char r[(TMP_HEX + 1) / 2];
	unsigned long mix;
	struct timespec ts;
	size_t i;

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		mix = (unsigned long)ts.tv_nsec ^
		    ((unsigned long)getpid() << 12) ^ (++counter * 2654435761UL);
		for (i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)(mix >> (8 * i));
	}
	for (i = 0; i < n && i / 2 < sizeof(r); i++)
		dst[i] = hex[(i % 2 ? r[i / 2] : r[i / 2] >> 4) & 0xf];
	dst[i] = '\0';
}

/* Create ".<base>.XXXXXX" in dfd, mode 0600; name receives its name. */
static int
make_temp(int dfd, const char *base, char *name, size_t cap)
{
	char hex[TMP_HEX + 1];
	size_t blen, room;
	int fd, n, try;

	/* '.' + base + '.' + hex must fit in one directory entry. */
	room = cap - 1 - 2 - TMP_HEX;
	blen = strlen(base);
	if (blen > room)
		blen = room;
	for (try = 0; try < TMP_TRIES; try++) {
		random_hex(hex, TMP_HEX);
		n = snprintf(name, cap, ".%.*s.%s", (int)blen, base, hex);
		if (n < 0 || (size_t)n >= cap) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(dfd, name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
	return -1;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * What is at the target now decides whether we may put a file there.  A
 * directory or a device is refused even with force: replacing one is
 * never what "write a token to FILE" means.
 */
static int
check_target(int dfd, const char *base, const char *path, int replace)
{
	struct stat st;

	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 0;
		return fail(path, "stat", errno);
	}
	if (S_ISLNK(st.st_mode))
		return refuse_symlink(path);
	if (S_ISDIR(st.st_mode))
		return err_set(ERR_LOCAL, "%s: is a directory", path);
	if (!S_ISREG(st.st_mode))
		return err_set(ERR_LOCAL, "%s: is not a regular file", path);
	if (!replace)
		return err_set(ERR_LOCAL,
		    "%s: already exists (use --force to replace it)", path);
	return 0;
}

/*
 * Put the finished temporary file in place.  Without replace, link()
 * rather than rename(): it fails if the target appeared since we looked,
 * so a concurrent writer's token is never overwritten.  File systems
 * without hard links fall back to a second look and rename().
 */
static int
install(int dfd, const char *tmp, const char *base, const char *path,
    int replace)
{
	if (replace) {
		if (renameat(dfd, tmp, dfd, base) == -1)
			return fail(path, "rename", errno);
		return 0;
	}
	if (linkat(dfd, tmp, dfd, base, 0) == 0) {
		if (unlinkat(dfd, tmp, 0) == -1)
			return fail(path, "remove temporary file", errno);
		return 0;
	}
	if (errno == EEXIST)
		return err_set(ERR_LOCAL,
		    "%s: already exists (use --force to replace it)", path);
	if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS)
		return fail(path, "link", errno);
	if (check_target(dfd, base, path, 0) == -1)
		return -1;
	if (renameat(dfd, tmp, dfd, base) == -1)
		return fail(path, "rename", errno);
	return 0;
}

/* Write the pieces to a fresh file and move it over path atomically. */
static int
put_atomic(const char *path, const struct piece *pc, size_t npc, int replace)
{
	char dir[DIR_PATH_MAX], tmp[TMP_NAME_MAX];
	const char *base, *step;
	int dfd, fd, e;
	size_t i;

	if (split_path(path, dir, sizeof(dir), &base) == -1)
		return -1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd == -1)
		return fail(path, "open directory", errno);
	if (check_target(dfd, base, path, replace) == -1)
		goto out;
	fd = make_temp(dfd, base, tmp, sizeof(tmp));
	if (fd == -1) {
		fail(path, "create temporary file", errno);
		goto out;
	}
	step = NULL;
	if (fchmod(fd, 0600) == -1)
		step = "chmod";
	for (i = 0; step == NULL && i < npc; i++)
		if (write_all(fd, pc[i].p, pc[i].n) == -1)
			step = "write";
	if (step == NULL && fsync(fd) == -1)
		step = "fsync";
	e = errno;
	if (close(fd) == -1 && step == NULL) {
		step = "close";
		e = errno;
	}
	if (step != NULL) {
		fail(path, step, e);
		goto unlink;
	}
	if (install(dfd, tmp, base, path, replace) == -1)
		goto unlink;
	/*
	 * The rename is only durable once the directory is.  Some file
	 * systems cannot sync a directory (EINVAL); nothing more can be
	 * done there.  Past this point the target is already replaced.
	 */
	if (fsync(dfd) == -1 && errno != EINVAL) {
		fail(path, "fsync directory", errno);
		goto out;
	}
	close(dfd);
	return 0;
unlink:
	unlinkat(dfd, tmp, 0);
out:
	close(dfd);
	return -1;
}

int
store_check_target(const char *path, int replace)
{
	char dir[DIR_PATH_MAX];
	const char *base;
	int dfd, rc;

	if (split_path(path, dir, sizeof(dir), &base) == -1)
		return -1;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return fail(path, "open directory", errno);
	rc = check_target(dfd, base, path, replace);
	close(dfd);
	return rc;
}

int
store_secret_file(const char *path, const char *secret, size_t len, int force)
{
	const struct piece pc[] = { { secret, len }, { "\n", 1 } };

	return put_atomic(path, pc, sizeof(pc) / sizeof(pc[0]), force);
}

/* Read the dotenv file at path into env_in; a missing file is empty. */
static int
env_read(const char *path, size_t *len)
{
	struct stat st;
	ssize_t r;
	size_t n;
	int fd;

	*len = 0;
	/* O_NONBLOCK: a FIFO at path must not hang us before fstat. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP && lstat(path, &st) == 0 &&
		    S_ISLNK(st.st_mode))
			return refuse_symlink(path);
		return err_set(ERR_LOCAL, "%s: cannot read: %s", path,
		    strerror(errno));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(ERR_LOCAL, "%s: is not a regular file", path);
	}
	n = 0;
	while (n < sizeof(env_in)) {
		r = read(fd, env_in + n, sizeof(env_in) - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			err_set(ERR_LOCAL, "%s: cannot read: %s", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > STORE_ENVFILE_MAX)
		return err_set(ERR_LOCAL, "%s: too large (over %d bytes)",
		    path, STORE_ENVFILE_MAX);
	*len = n;
	return 0;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Does line (n bytes, no line ending) assign key?  On yes, *at is where
 * the key starts: what precedes it (indentation, "export ") is kept.
 */
static int
env_assigns(const char *line, size_t n, const char *key, size_t klen,
    size_t *at)
{
	size_t i = 0;

	while (i < n && is_blank(line[i]))
		i++;
	if (n - i > 6 && memcmp(line + i, "export", 6) == 0 &&
	    is_blank(line[i + 6])) {
		i += 6;
		while (i < n && is_blank(line[i]))
			i++;
	}
	if (n - i <= klen || memcmp(line + i, key, klen) != 0 ||
	    line[i + klen] != '=')
		return 0;
	*at = i;
	return 1;
}

/* env_in (inlen bytes) with KEY=secret upserted, into env_out. */
static int
env_build(const char *path, size_t inlen, const char *key, const char *secret,
    size_t len, size_t *outlen)
{
	struct buf b = BUF_INIT(env_out, sizeof(env_out));
	const char *nl;
	size_t p, end, cend, next, at, klen;
	int found = 0;

	*outlen = 0;
	klen = strlen(key);
	for (p = 0; p < inlen; p = next) {
		nl = memchr(env_in + p, '\n', inlen - p);
		end = nl != NULL ? (size_t)(nl - env_in) : inlen;
		next = nl != NULL ? end + 1 : inlen;
		/* A CRLF ending stays a CRLF ending. */
		cend = end;
		if (cend > p && env_in[cend - 1] == '\r')
			cend--;
		if (found || !env_assigns(env_in + p, cend - p, key, klen,
		    &at)) {
			buf_put(&b, env_in + p, next - p);
			continue;
		}
		found = 1;
		buf_put(&b, env_in + p, at);
		buf_put(&b, key, klen);
		buf_put(&b, "=", 1);
		buf_put(&b, secret, len);
		buf_put(&b, env_in + cend, next - cend);
	}
	if (!found) {
		if (inlen > 0 && env_in[inlen - 1] != '\n')
			buf_put(&b, "\n", 1);
		buf_put(&b, key, klen);
		buf_put(&b, "=", 1);
		buf_put(&b, secret, len);
		buf_put(&b, "\n", 1);
	}
	if (b.over)
		return err_set(ERR_LOCAL, "%s: too large (over %d bytes)",
		    path, STORE_ENVFILE_MAX);
	*outlen = b.len;
	return 0;
}

/* Checks of one pair before the file is touched. */
static int
env_check(const char *path, const struct store_env_pair *p)
{
	if (!store_env_key_valid(p->key))
		return err_set(ERR_LOCAL, "%s: not a valid variable name",
		    p->key != NULL ? p->key : "");
	/* Printable tokens only, so the value never needs dotenv quoting. */
	if (!text_is_token(p->value, p->len))
		return err_set(ERR_LOCAL, "%s: refusing to store %s: the value "
		    "is not a run of printable characters without spaces",
		    path, p->key);
	return 0;
}

/*
 * Each pair is applied in memory, env_in to env_out, the result becoming
 * the next pair's input; the file is written once, at the end.
 */
static int
env_upsert(const char *path, const struct store_env_pair *p, int n)
{
	struct piece pc;
	size_t inlen, outlen = 0;
	int i;

	for (i = 0; i < n; i++)
		if (env_check(path, &p[i]) == -1)
			return -1;
	if (env_read(path, &inlen) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (i > 0) {
			memcpy(env_in, env_out, outlen);
			inlen = outlen;
		}
		if (env_build(path, inlen, p[i].key, p[i].value, p[i].len,
		    &outlen) == -1)
			return -1;
	}
	pc.p = env_out;
	pc.n = outlen;
	return put_atomic(path, &pc, 1, 1);
}

int
store_env_upsert_pairs(const char *path, const struct store_env_pair *p, int n)
{
	int rc;

	rc = env_upsert(path, p, n);
	/* Both hold every secret of the file, not only ours. */
	explicit_bzero(env_in, sizeof(env_in));
	explicit_bzero(env_out, sizeof(env_out));
	return rc;
}

int
store_env_upsert(const char *path, const char *key, const char *secret,
    size_t len)
{
	struct store_env_pair p = { key, secret, len };

	return store_env_upsert_pairs(path, &p, 1);
}

int
store_env_key(char *dst, size_t cap, const char *prefix, const char *name)
{
	size_t plen, nlen, i;
	unsigned char c;

	plen = strlen(prefix);
	nlen = strlen(name);
	if (plen >= cap || nlen >= cap - plen)
		return err_set(ERR_LOCAL,
		    "token name too long for a variable name");
	memcpy(dst, prefix, plen);
	for (i = 0; i < nlen; i++) {
		c = (unsigned char)name[i];
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		else if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9'))
			c = '_';
		dst[plen + i] = (char)c;
	}
	dst[plen + nlen] = '\0';
	return 0;
}

int
store_env_key_valid(const char *key)
{
	size_t i;
	char c;

	if (key == NULL || key[0] == '\0')
		return 0;
	for (i = 0; key[i] != '\0'; i++) {
		if (i >= STORE_ENV_KEY_MAX)
			return 0;
		c = key[i];
		if (c == '_' || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z'))
			continue;
		if (i > 0 && c >= '0' && c <= '9')
			continue;
		return 0;
	}
	return 1;
}

/*
 * Open the audit log for appending.  Opening without O_CREAT first tells
 * us whether we created the file, and only a file we created gets its
 * mode set: an existing log keeps the mode its owner chose.
 */
static int
audit_open(const char *path)
{
	const int fl = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK;	/* a FIFO without reader fails instead of hanging */
	struct stat st;
	int fd, try;

	for (try = 0; try < AUDIT_OPEN_TRIES; try++) {
		fd = open(path, fl);
		if (fd == -1 && errno == ENOENT) {
			fd = open(path, fl | O_CREAT | O_EXCL, 0600);
			if (fd == -1 && errno == EEXIST)
				continue;
			if (fd != -1 && fchmod(fd, 0600) == -1) {
				err_set(ERR_LOCAL, "%s: cannot chmod: %s",
				    path, strerror(errno));
				close(fd);
				return -1;
			}
		}
		break;
	}
	if (fd == -1) {
		if (errno == ELOOP && lstat(path, &st) == 0 &&
		    S_ISLNK(st.st_mode))
			return err_set(ERR_LOCAL,
			    "%s: is a symbolic link, refusing to append to it",
			    path);
		return err_set(ERR_LOCAL, "%s: cannot open: %s", path,
		    strerror(errno));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(ERR_LOCAL, "%s: is not a regular file", path);
	}
	return fd;
}

int
store_audit_append(const char *path, const struct store_audit *a)
{
	char line[STORE_AUDIT_LINE_MAX], when[TEXT_RFC3339_MAX];
	struct buf b = BUF_INIT(line, sizeof(line));
	ssize_t w;
	int fd;

	if (text_rfc3339(when, sizeof(when), a->when) == -1)
		return err_set(ERR_LOCAL, "%s: audit time %lld out of range",
		    path, a->when);
	buf_str(&b, "{\"event\":");
	buf_json(&b, a->event);
	buf_str(&b, ",\"tokenName\":");
	buf_json(&b, a->token_name);
	buf_str(&b, ",\"tokenId\":");
	buf_json(&b, a->token_id);
	buf_str(&b, ",\"createdAt\":");
	buf_json(&b, when);
	buf_str(&b, ",\"createdBy\":");
	buf_json(&b, a->created_by);
	buf_str(&b, ",\"purpose\":");
	buf_json(&b, a->purpose);
	buf_str(&b, "}\n");
	if (b.over)
		return err_set(ERR_LOCAL, "%s: audit record too long or not "
		    "UTF-8", path);
	fd = audit_open(path);
	if (fd == -1)
		return -1;
	/* One write(2), so concurrent appenders never interleave a line. */
	do
		w = write(fd, line, b.len);
	while (w == -1 && errno == EINTR);
	if (w == -1) {
		err_set(ERR_LOCAL, "%s: cannot append: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if ((size_t)w != b.len) {
		close(fd);
		return err_set(ERR_LOCAL, "%s: cannot append: short write",
		    path);
	}
	if (close(fd) == -1)
		return err_set(ERR_LOCAL, "%s: cannot append: %s", path,
		    strerror(errno));
	return 0;
}
