/*
 * benchrun [-n N] [-o FILE] [-e FILE] -- COMMAND [ARG ...]
 *
 * Run COMMAND N times (default 1), one after the other, and print one
 * line: "wall_us user_us sys_us maxrss_kib status minflt", the sums over
 * the runs (peak RSS: the largest; status: the first nonzero exit status,
 * or 128+signal; minflt: page faults, each a page first touched).  Stdout goes to FILE (-o, appended) or /dev/null, stderr
 * to FILE (-e, appended) or /dev/null.
 *
 * Used by scripts/bench, built static and small on purpose: a child's
 * ru_maxrss counts the pages it shared with its parent before exec, so a
 * large parent (a shell, Python) would inflate every figure.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct total {
	long long wall_us, user_us, sys_us;
	long maxrss_kib;
	long minflt;
	int status;
};

static void
usage(void)
{
	fputs("usage: benchrun [-n N] [-o FILE] [-e FILE] -- COMMAND [ARG ...]\n",
	    stderr);
	exit(2);
}

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long
tv_us(const struct timeval *tv)
{
	return (long long)tv->tv_sec * 1000000 + tv->tv_usec;
}

/* Point fd at path (appending), or at /dev/null when path is NULL. */
static void
redirect(int fd, const char *path)
{
	int f;

	if (path == NULL)
		f = open("/dev/null", O_WRONLY);
	else
		f = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (f < 0 || dup2(f, fd) < 0)
		_exit(126);
	close(f);
}

/* One run: the child's own resource use, from wait4(2). */
static int
run(char **argv, const char *out, const char *err, struct total *t)
{
	struct rusage ru;
	long long start;
	pid_t pid;
	int st, code;

	start = now_us();
	if ((pid = fork()) < 0) {
		perror("benchrun: fork");
		return -1;
	}
	if (pid == 0) {
		redirect(1, out);
		redirect(2, err);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) != pid) {
		perror("benchrun: wait4");
		return -1;
	}
	t->wall_us += now_us() - start;
	t->user_us += tv_us(&ru.ru_utime);
	t->sys_us += tv_us(&ru.ru_stime);
	t->minflt += ru.ru_minflt;
	if (ru.ru_maxrss > t->maxrss_kib)
		t->maxrss_kib = ru.ru_maxrss;
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (t->status == 0)
		t->status = code;
	return 0;
}

int
main(int argc, char **argv)
{
	struct total t;
	const char *out = NULL, *err = NULL;
	long n = 1, i;
	int c;

	while ((c = getopt(argc, argv, "n:o:e:")) != -1) {
		switch (c) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			if (n < 1 || n > 100000)
				usage();
			break;
		case 'o':
			out = optarg;
			break;
		case 'e':
			err = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	memset(&t, 0, sizeof(t));
	for (i = 0; i < n; i++)
		if (run(argv + optind, out, err, &t) != 0)
			return 1;
	printf("%lld %lld %lld %ld %d %ld\n", t.wall_us, t.user_us, t.sys_us,
	    t.maxrss_kib, t.status, t.minflt);
	return 0;
}
