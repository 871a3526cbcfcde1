/*
 * test_store.c — store.c against a real file system: modes, contents,
 * refusals, and no temporary file left behind.  Every test works in its
 * own mkdtemp(3) directory under /tmp and removes it at the end.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "../../src/err.h"
#include "../../src/store.h"

/* The mkdtemp(3) directory name, "/tmp/t_store.XXXXXX". */
#define TDIR_MAX	64
/* A path under the test directory: its name plus a short file name. */
#define TP_MAX		256
/* The largest file a test reads back: an env file at the cap, plus room. */
#define TREAD_MAX	(STORE_ENVFILE_MAX + 64)

static char tdir[TDIR_MAX];
static char tread[TREAD_MAX];
static char tbig[STORE_ENVFILE_MAX + 1];

/* What getdents64(2) returns; the libc struct would need _LARGEFILE64. */
struct t_dent {
	unsigned long long	ino;
	long long		off;
	unsigned short		reclen;
	unsigned char		type;
	char			name[];
};

static void
tsetup(void)
{
	snprintf(tdir, sizeof(tdir), "/tmp/t_store.XXXXXX");
	if (mkdtemp(tdir) == NULL) {
		fprintf(stderr, "  mkdtemp: %s\n", strerror(errno));
		exit(2);
	}
}

static const char *
tpath(char *buf, const char *name)
{
	int n;

	n = snprintf(buf, TP_MAX, "%s/%s", tdir, name);
	if (n < 0 || n >= TP_MAX) {
		fprintf(stderr, "  test path too long: %s\n", name);
		exit(2);
	}
	return buf;
}

/* Call fn(dirfd, name) for every entry of dir but "." and "..". */
static int
tscan(const char *dir, int (*fn)(int, const char *))
{
	char buf[4096] __attribute__((aligned(8)));
	struct t_dent *d;
	long n, off;
	int fd, count = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += d->reclen) {
			d = (struct t_dent *)(buf + off);
			if (strcmp(d->name, ".") == 0 ||
			    strcmp(d->name, "..") == 0)
				continue;
			count += fn(fd, d->name);
		}
	}
	close(fd);
	return count;
}

static int
tis_hidden(int fd, const char *name)
{
	(void)fd;
	return name[0] == '.';
}

static int
tremove(int fd, const char *name)
{
	char sub[TP_MAX];

	if (unlinkat(fd, name, 0) == 0)
		return 1;
	/* A directory: empty it first (tests nest at most one level). */
	tscan(tpath(sub, name), tremove);
	unlinkat(fd, name, AT_REMOVEDIR);
	return 1;
}

static void
tteardown(void)
{
	tscan(tdir, tremove);
	rmdir(tdir);
}

/* Temporary files (".name.XXXXXX") left in the test directory. */
static int
tleftovers(void)
{
	return tscan(tdir, tis_hidden);
}

static void
tput(const char *path, const char *s, size_t n, mode_t mode)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1 || write(fd, s, n) != (ssize_t)n) {
		fprintf(stderr, "  cannot set up %s\n", path);
		exit(2);
	}
	fchmod(fd, mode);
	close(fd);
}

/* Read path into tread, NUL-terminated; the length, or -1. */
static long
tget(const char *path)
{
	long n = 0, r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	while ((r = read(fd, tread + n, sizeof(tread) - 1 - n)) > 0)
		n += r;
	close(fd);
	tread[n] = '\0';
	return n;
}

static int
tmode(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return -1;
	return st.st_mode & 07777;
}

static int
tis_link(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

static int
texists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* err_msg() must be exactly "<path><rest>". */
static void
tmsg(const char *path, const char *rest)
{
	char want[TP_MAX + 128];

	snprintf(want, sizeof(want), "%s%s", path, rest);
	CHECK_STR(err_msg(), want);
}

#define TGET_IS(path, want) do { \
	long n_ = tget(path); \
	CHECK_MEM(tread, n_ < 0 ? 0 : (size_t)n_, want, sizeof(want) - 1); \
} while (0)

static void
secret_mode_under(mode_t mask)
{
	char p[TP_MAX];
	mode_t old;

	tsetup();
	tpath(p, "token");
	old = umask(mask);
	CHECK_INT(store_secret_file(p, "tok-123", 7, 0), 0);
	umask(old);
	CHECK_INT(tmode(p), 0600);
	TGET_IS(p, "tok-123\n");
	CHECK_INT(tleftovers(), 0);
	CHECK_INT(err_class(), ERR_OK);
	tteardown();
}

TEST(secret_mode_umask0)
{
	secret_mode_under(0);
}

TEST(secret_mode_umask077)
{
	secret_mode_under(077);
}

/* A umask that takes the owner's write bit: fchmod must put it back. */
TEST(secret_mode_umask277)
{
	secret_mode_under(0277);
}

TEST(secret_exists_kept_without_force)
{
	char p[TP_MAX];

	tsetup();
	tput(tpath(p, "token"), "old\n", 4, 0644);
	CHECK_INT(store_secret_file(p, "new", 3, 0), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	tmsg(p, ": already exists (use --force to replace it)");
	TGET_IS(p, "old\n");
	CHECK_INT(tmode(p), 0644);
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

TEST(secret_exists_replaced_with_force)
{
	char p[TP_MAX];

	tsetup();
	tput(tpath(p, "token"), "old-old-old\n", 12, 0644);
	CHECK_INT(store_secret_file(p, "new", 3, 1), 0);
	TGET_IS(p, "new\n");
	CHECK_INT(tmode(p), 0600);
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

TEST(secret_symlink_refused)
{
	char p[TP_MAX], victim[TP_MAX], dangling[TP_MAX];
	int force;

	tsetup();
	tput(tpath(victim, "victim"), "v\n", 2, 0644);
	tpath(p, "link");
	tpath(dangling, "dangling");
	CHECK_INT(symlink(victim, p), 0);
	CHECK_INT(symlink("nowhere", dangling), 0);
	for (force = 0; force <= 1; force++) {
		err_clear();
		CHECK_INT(store_secret_file(p, "tok", 3, force), -1);
		CHECK_INT(err_class(), ERR_LOCAL);
		tmsg(p, ": is a symbolic link, refusing to write a secret "
		    "through it");
		CHECK(tis_link(p));
		TGET_IS(victim, "v\n");
		CHECK_INT(tmode(victim), 0644);
		err_clear();
		CHECK_INT(store_secret_file(dangling, "tok", 3, force), -1);
		tmsg(dangling, ": is a symbolic link, refusing to write a "
		    "secret through it");
		CHECK(tis_link(dangling));
	}
	CHECK(!texists(tpath(p, "nowhere")));
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

TEST(secret_directory_refused_with_force)
{
	char p[TP_MAX];

	tsetup();
	CHECK_INT(mkdir(tpath(p, "dir"), 0755), 0);
	CHECK_INT(store_secret_file(p, "tok", 3, 1), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	tmsg(p, ": is a directory");
	CHECK_INT(tmode(p), 0755);
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

TEST(secret_missing_directory)
{
	char p[TP_MAX], d[TP_MAX];

	tsetup();
	tpath(p, "nope/token");
	CHECK_INT(store_secret_file(p, "tok", 3, 0), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	tmsg(p, ": cannot write: open directory: No such file or directory");
	CHECK(!texists(tpath(d, "nope")));
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

TEST(secret_not_a_file_name)
{
	char p[TP_MAX];

	tsetup();
	tpath(p, "");
	CHECK_INT(store_secret_file(p, "tok", 3, 1), -1);
	tmsg(p, ": not a file name");
	err_clear();
	tpath(p, "..");
	CHECK_INT(store_secret_file(p, "tok", 3, 1), -1);
	tmsg(p, ": not a file name");
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

/*
 * A write that fails after the temporary file exists.  We run as root,
 * so an unwritable directory proves nothing; a file size limit makes
 * write(2) fail with EFBIG half way instead (SIGXFSZ ignored).
 */
TEST(secret_write_failure_leaves_nothing)
{
	static const char secret[] = "0123456789abcdef0123";
	char p[TP_MAX], q[TP_MAX], want[128];
	struct rlimit old, lim;
	void (*oldsig)(int);

	tsetup();
	tpath(p, "token");
	tput(tpath(q, "kept"), "old\n", 4, 0600);
	oldsig = signal(SIGXFSZ, SIG_IGN);
	CHECK_INT(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 8;
	CHECK_INT(setrlimit(RLIMIT_FSIZE, &lim), 0);
	CHECK_INT(store_secret_file(p, secret, sizeof(secret) - 1, 0), -1);
	snprintf(want, sizeof(want), ": cannot write: write: %s",
	    strerror(EFBIG));
	tmsg(p, want);
	CHECK(strstr(err_msg(), "0123") == NULL);
	err_clear();
	CHECK_INT(store_secret_file(q, secret, sizeof(secret) - 1, 1), -1);
	tmsg(q, want);
	err_clear();
	CHECK_INT(store_env_upsert(q, "KEY", secret, sizeof(secret) - 1), -1);
	tmsg(q, want);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, oldsig);
	CHECK(!texists(p));
	TGET_IS(q, "old\n");
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

TEST(secret_relative_name)
{
	char p[TP_MAX];
	int cwd;

	tsetup();
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(cwd != -1);
	CHECK_INT(chdir(tdir), 0);
	CHECK_INT(store_secret_file("plain", "tok", 3, 0), 0);
	CHECK_INT(fchdir(cwd), 0);
	close(cwd);
	TGET_IS(tpath(p, "plain"), "tok\n");
	CHECK_INT(tmode(p), 0600);
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

/* Upsert into a file holding before; the file must then hold after. */
static void
env_case(const char *before, size_t blen, const char *after, size_t alen)
{
	char p[TP_MAX];
	long n;

	tsetup();
	tpath(p, "app.env");
	if (before != NULL)
		tput(p, before, blen, 0644);
	CHECK_INT(store_env_upsert(p, "KEY", "new-tok", 7), 0);
	CHECK_INT(err_class(), ERR_OK);
	n = tget(p);
	CHECK_MEM(tread, n < 0 ? 0 : (size_t)n, after, alen);
	CHECK_INT(tmode(p), 0600);
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

#define ENV_CASE(before, after) \
	env_case(before, sizeof(before) - 1, after, sizeof(after) - 1)

TEST(env_new_file)
{
	mode_t old;

	old = umask(0);
	env_case(NULL, 0, "KEY=new-tok\n", 12);
	umask(077);
	env_case(NULL, 0, "KEY=new-tok\n", 12);
	umask(0277);
	env_case(NULL, 0, "KEY=new-tok\n", 12);
	umask(old);
}

TEST(env_replace_keeps_other_lines)
{
	ENV_CASE("# comment \"KEY=x\"\r\n"
	    "A=1\r\n"
	    "\r\n"
	    "KEYX=2\r\n"
	    "  export\tKEY=old # trailing\r\n"
	    "B='q w'\r\n"
	    "#last",
	    "# comment \"KEY=x\"\r\n"
	    "A=1\r\n"
	    "\r\n"
	    "KEYX=2\r\n"
	    "  export\tKEY=new-tok\r\n"
	    "B='q w'\r\n"
	    "#last");
}

TEST(env_replace_last_line)
{
	ENV_CASE("A=1\nKEY=old", "A=1\nKEY=new-tok");
	ENV_CASE("A=1\nKEY=old\r", "A=1\nKEY=new-tok\r");
	ENV_CASE("KEY=\n", "KEY=new-tok\n");
	ENV_CASE("export KEY=old\n", "export KEY=new-tok\n");
}

TEST(env_append)
{
	ENV_CASE("A=1\n", "A=1\nKEY=new-tok\n");
	ENV_CASE("A=1", "A=1\nKEY=new-tok\n");
	ENV_CASE("A=1\r\n", "A=1\r\nKEY=new-tok\n");
	ENV_CASE("", "KEY=new-tok\n");
	ENV_CASE("\n", "\nKEY=new-tok\n");
}

TEST(env_only_exact_assignments_match)
{
	ENV_CASE("KEY\nKEY =x\n#KEY=c\nMYKEY=d\nexportKEY=e\nexport\n",
	    "KEY\nKEY =x\n#KEY=c\nMYKEY=d\nexportKEY=e\nexport\n"
	    "KEY=new-tok\n");
}

TEST(env_first_of_two_replaced)
{
	ENV_CASE("KEY=a\nB=2\nexport KEY=b\n",
	    "KEY=new-tok\nB=2\nexport KEY=b\n");
}

TEST(env_refuses_bad_value)
{
	static const struct {
		const char *v;
		size_t n;
	} bad[] = {
		{ "a b", 3 }, { "tok\n", 4 }, { "", 0 }, { "t\x01k", 3 },
		{ "t\0k", 3 }, { "caf\xc3\xa9", 5 }, { "t\x7fk", 3 },
	};
	char p[TP_MAX];
	size_t i;

	tsetup();
	tput(tpath(p, "app.env"), "KEY=old\n", 8, 0640);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear();
		CHECK_INT(store_env_upsert(p, "KEY", bad[i].v, bad[i].n), -1);
		CHECK_INT(err_class(), ERR_LOCAL);
		tmsg(p, ": refusing to store KEY: the value is not a run of "
		    "printable characters without spaces");
	}
	TGET_IS(p, "KEY=old\n");
	CHECK_INT(tmode(p), 0640);
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

TEST(env_refuses_bad_key)
{
	char p[TP_MAX];

	tsetup();
	tpath(p, "app.env");
	CHECK_INT(store_env_upsert(p, "1KEY", "tok", 3), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	CHECK_STR(err_msg(), "1KEY: not a valid variable name");
	err_clear();
	CHECK_INT(store_env_upsert(p, "A=B", "tok", 3), -1);
	CHECK(!texists(p));
	tteardown();
}

TEST(env_symlink_refused)
{
	char p[TP_MAX], victim[TP_MAX];

	tsetup();
	tput(tpath(victim, "victim"), "KEY=old\n", 8, 0644);
	CHECK_INT(symlink(victim, tpath(p, "app.env")), 0);
	CHECK_INT(store_env_upsert(p, "KEY", "tok", 3), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	tmsg(p, ": is a symbolic link, refusing to write a secret through it");
	CHECK(tis_link(p));
	TGET_IS(victim, "KEY=old\n");
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

TEST(env_too_large)
{
	char p[TP_MAX], want[64];
	long n;

	tsetup();
	tpath(p, "app.env");
	memset(tbig, '#', sizeof(tbig));
	tput(p, tbig, sizeof(tbig), 0600);
	CHECK_INT(store_env_upsert(p, "KEY", "tok", 3), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	snprintf(want, sizeof(want), ": too large (over %d bytes)",
	    STORE_ENVFILE_MAX);
	tmsg(p, want);
	n = tget(p);
	CHECK_INT(n, sizeof(tbig));
	/* At the cap itself, reading works but the result does not fit. */
	err_clear();
	tput(p, tbig, STORE_ENVFILE_MAX, 0600);
	CHECK_INT(store_env_upsert(p, "KEY", "tok", 3), -1);
	tmsg(p, want);
	CHECK_INT(tget(p), STORE_ENVFILE_MAX);
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

TEST(env_missing_directory)
{
	char p[TP_MAX];

	tsetup();
	tpath(p, "nope/app.env");
	CHECK_INT(store_env_upsert(p, "KEY", "tok", 3), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	tmsg(p, ": cannot write: open directory: No such file or directory");
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

TEST(env_key_from_name)
{
	char k[STORE_ENV_KEY_MAX + 1];
	char small[sizeof("TURSO_API_TOKEN_MY_APP_TOKEN")];

	CHECK_INT(store_env_key(k, sizeof(k), "TURSO_API_TOKEN_",
	    "my-app.token"), 0);
	CHECK_STR(k, "TURSO_API_TOKEN_MY_APP_TOKEN");
	CHECK_INT(store_env_key(small, sizeof(small), "TURSO_API_TOKEN_",
	    "my-app.token"), 0);
	CHECK_STR(small, "TURSO_API_TOKEN_MY_APP_TOKEN");
	CHECK_INT(store_env_key(small, sizeof(small) - 1, "TURSO_API_TOKEN_",
	    "my-app.token"), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	CHECK_INT(store_env_key(k, sizeof(k), "", "Ab9_z\xc3\xa9 x"), 0);
	CHECK_STR(k, "AB9_Z___X");
	CHECK_INT(store_env_key(k, 4, "ABCD", ""), -1);
}

TEST(env_key_validity)
{
	char k[STORE_ENV_KEY_MAX + 2];

	CHECK_INT(store_env_key_valid("A"), 1);
	CHECK_INT(store_env_key_valid("_x1"), 1);
	CHECK_INT(store_env_key_valid("a_B9"), 1);
	CHECK_INT(store_env_key_valid(""), 0);
	CHECK_INT(store_env_key_valid("1A"), 0);
	CHECK_INT(store_env_key_valid("A-B"), 0);
	CHECK_INT(store_env_key_valid("A B"), 0);
	CHECK_INT(store_env_key_valid("A\xc3\xa9"), 0);
	memset(k, 'K', STORE_ENV_KEY_MAX);
	k[STORE_ENV_KEY_MAX] = '\0';
	CHECK_INT(store_env_key_valid(k), 1);
	k[STORE_ENV_KEY_MAX] = 'K';
	k[STORE_ENV_KEY_MAX + 1] = '\0';
	CHECK_INT(store_env_key_valid(k), 0);
}

#define LINE1 "{\"event\":\"created\",\"tokenName\":\"my-app\"," \
	"\"tokenId\":\"tok_id_1\",\"createdAt\":\"2026-11-28T01:02:03Z\"," \
	"\"createdBy\":\"alice@host\",\"purpose\":\"ci deploy\"}\n"
#define LINE2 "{\"event\":\"revoked\",\"tokenName\":\"my-app\"," \
	"\"tokenId\":\"\",\"createdAt\":\"1970-01-01T00:00:00Z\"," \
	"\"createdBy\":\"bob\",\"purpose\":\"say \\\"hi\\\"\\n\"}\n"

static const struct store_audit audit1 = {
	"created", "my-app", "tok_id_1", 1795827723LL, "alice@host",
	"ci deploy"
};
static const struct store_audit audit2 = {
	"revoked", "my-app", "", 0, "bob", "say \"hi\"\n"
};

TEST(audit_two_lines)
{
	char p[TP_MAX];
	mode_t old;

	tsetup();
	tpath(p, "audit.log");
	old = umask(0277);
	CHECK_INT(store_audit_append(p, &audit1), 0);
	CHECK_INT(tmode(p), 0600);
	umask(0);
	CHECK_INT(store_audit_append(p, &audit2), 0);
	umask(old);
	TGET_IS(p, LINE1 LINE2);
	CHECK_INT(tmode(p), 0600);
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

TEST(audit_existing_mode_kept)
{
	char p[TP_MAX];

	tsetup();
	tput(tpath(p, "audit.log"), "x\n", 2, 0640);
	CHECK_INT(store_audit_append(p, &audit1), 0);
	TGET_IS(p, "x\n" LINE1);
	CHECK_INT(tmode(p), 0640);
	tteardown();
}

TEST(audit_refusals)
{
	static char longp[STORE_AUDIT_LINE_MAX];
	struct store_audit a = audit1;
	char p[TP_MAX], victim[TP_MAX];

	tsetup();
	tput(tpath(victim, "victim"), "v\n", 2, 0644);
	CHECK_INT(symlink(victim, tpath(p, "link.log")), 0);
	CHECK_INT(store_audit_append(p, &audit1), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	tmsg(p, ": is a symbolic link, refusing to append to it");
	TGET_IS(victim, "v\n");

	tpath(p, "audit.log");
	err_clear();
	a.when = 253402300800LL;	/* 10000-01-01: no four-digit year */
	CHECK_INT(store_audit_append(p, &a), -1);
	tmsg(p, ": audit time 253402300800 out of range");
	err_clear();
	a.when = 253402300799LL;
	a.purpose = longp;
	memset(longp, 'p', sizeof(longp) - 1);
	CHECK_INT(store_audit_append(p, &a), -1);
	tmsg(p, ": audit record too long or not UTF-8");
	CHECK(!texists(p));

	err_clear();
	CHECK_INT(store_audit_append(tdir, &audit1), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	CHECK_INT(tleftovers(), 0);
	tteardown();
}

const struct t_case t_cases_store[] = {
	T(secret_mode_umask0),
	T(secret_mode_umask077),
	T(secret_mode_umask277),
	T(secret_exists_kept_without_force),
	T(secret_exists_replaced_with_force),
	T(secret_symlink_refused),
	T(secret_directory_refused_with_force),
	T(secret_missing_directory),
	T(secret_not_a_file_name),
	T(secret_write_failure_leaves_nothing),
	T(secret_relative_name),
	T(env_new_file),
	T(env_replace_keeps_other_lines),
	T(env_replace_last_line),
	T(env_append),
	T(env_only_exact_assignments_match),
	T(env_first_of_two_replaced),
	T(env_refuses_bad_value),
	T(env_refuses_bad_key),
	T(env_symlink_refused),
	T(env_too_large),
	T(env_missing_directory),
	T(env_key_from_name),
	T(env_key_validity),
	T(audit_two_lines),
	T(audit_existing_mode_kept),
	T(audit_refusals),
	T_END
};
