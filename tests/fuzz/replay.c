/*
 * replay.c — runs a fuzz target's LLVMFuzzerTestOneInput() over every file
 * of the given corpus directories, without libFuzzer, so that `make test`
 * replays the committed corpus under AddressSanitizer and UBSan with any
 * compiler.  Each file runs in its own child process: a crash or a failed
 * property fails that file and the run goes on.
 *
 * Prints "not ok - FILE (why)" for each failure and ends with
 * "N passed, N failed", N counting files; exits 1 if any failed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

/* Largest corpus file replayed: libFuzzer runs here use -max_len far
 * below this. */
#define REPLAY_FILE_MAX		(4 * 1024 * 1024)

static int passed, failed;

static int
read_file(const char *path, uint8_t **data, size_t *len)
{
	struct stat st;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	if (fstat(fd, &st) != 0 || st.st_size > REPLAY_FILE_MAX) {
		close(fd);
		return -1;
	}
	/* One spare byte, so an empty file is still a valid buffer. */
	*data = malloc((size_t)st.st_size + 1);
	*len = 0;
	while (*data != NULL && *len < (size_t)st.st_size) {
		r = read(fd, *data + *len, (size_t)st.st_size - *len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		*len += (size_t)r;
	}
	close(fd);
	return *data != NULL && *len == (size_t)st.st_size ? 0 : -1;
}

static void
replay(const char *path)
{
	uint8_t *data = NULL;
	size_t len;
	pid_t pid;
	int st;

	if (read_file(path, &data, &len) != 0) {
		printf("not ok - %s (cannot read it)\n", path);
		failed++;
		free(data);
		return;
	}
	fflush(stdout);
	if ((pid = fork()) == 0) {
		LLVMFuzzerTestOneInput(data, len);
		_exit(0);
	}
	free(data);
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		printf("not ok - %s (cannot run it)\n", path);
		failed++;
	} else if (WIFSIGNALED(st)) {
		printf("not ok - %s (signal %d)\n", path, WTERMSIG(st));
		failed++;
	} else if (WEXITSTATUS(st) != 0) {
		printf("not ok - %s (exit %d)\n", path, WEXITSTATUS(st));
		failed++;
	} else {
		passed++;
	}
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void
replay_dir(const char *dir)
{
	struct dirent **ents;
	char path[4096];
	struct stat st;
	int n, i;

	if ((n = scandir(dir, &ents, NULL, by_name)) < 0) {
		printf("not ok - %s (cannot list it)\n", dir);
		failed++;
		return;
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' &&
		    snprintf(path, sizeof(path), "%s/%s", dir,
		    ents[i]->d_name) < (int)sizeof(path) &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode))
			replay(path);
		free(ents[i]);
	}
	free(ents);
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay(argv[i]);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0 || passed == 0;
}
