// SPDX-License-Identifier: GPL-2.0
/*
 * The interval stat and record measure: a command's run, or a wait until
 * Ctrl-C or a timeout.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pvtrace.h"

static sigset_t wait_set, wait_old;
static int wait_blocked;

/*
 * Block SIGINT and SIGTERM from now on, so that one sent before pvt_wait()
 * ends the wait instead of being lost (or killing the program).
 */
void pvt_wait_prepare(void)
{
	sigemptyset(&wait_set);
	sigaddset(&wait_set, SIGINT);
	sigaddset(&wait_set, SIGTERM);
	sigprocmask(SIG_BLOCK, &wait_set, &wait_old);
	wait_blocked = 1;
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Without CMD: until SIGINT or SIGTERM, or @ns (0: no limit), or, if @done
 * is given, until it returns non-zero (asked every PVT_WAIT_POLL_MS).
 */
void pvt_wait_until(u64 ns, int (*done)(void *arg), void *arg)
{
	u64 end = ns ? now_ns() + ns : 0, slice;

	if (!wait_blocked)
		pvt_wait_prepare();
	/* Blocked, the signal ends the wait without killing the program. */
	for (;;) {
		struct timespec ts;
		u64 now = now_ns();
		int sig;

		if (end && now >= end)
			break;
		if (done && done(arg))
			break;
		slice = end ? end - now : 0;
		if (done && (!slice || slice > PVT_WAIT_POLL_MS * 1000000ULL))
			slice = PVT_WAIT_POLL_MS * 1000000ULL;
		ts.tv_sec = (time_t)(slice / 1000000000ULL);
		ts.tv_nsec = (long)(slice % 1000000000ULL);
		sig = slice ? sigtimedwait(&wait_set, NULL, &ts) :
		      sigwaitinfo(&wait_set, NULL);
		if (sig >= 0 || (errno != EINTR && errno != EAGAIN))
			break;
	}
	sigprocmask(SIG_SETMASK, &wait_old, NULL);
	wait_blocked = 0;
}

/* Without CMD: until SIGINT or SIGTERM, or @ns (0: no limit). */
void pvt_wait(u64 ns)
{
	pvt_wait_until(ns, NULL, NULL);
}

/* Run @cmd; its exit status, or 128 + the signal that killed it. */
int pvt_run(char **cmd)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		pvt_warn("cannot fork: %s", strerror(errno));
		return -1;
	}
	if (!pid) {
		execvp(cmd[0], cmd);
		pvt_warn("cannot run %s: %s", cmd[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	/* As time(1): the terminal's Ctrl-C is for CMD; report after it. */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = 0;
			break;
		}
	}
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
