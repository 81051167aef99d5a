// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run a command, its output discarded; print its CPU time in microseconds
 * and peak RSS in KiB.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2)
		return 2;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execv(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return 1;
	printf("%ld %ld\n",
	       (long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L +
		       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec,
	       ru.ru_maxrss);
	return 0;
}
