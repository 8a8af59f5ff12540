// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace record and pvtrace report. record sets the flight recorder's
 * module parameters (record_filter, record_buffer_kb, record), measures a
 * command, a duration or until Ctrl-C, and stops. While it runs, a child
 * process drains every CPU's recorder/stream/cpuN (stream.c) into spill
 * files, so a recording is bounded by disk, not by the buffers or memory;
 * at the end it writes them merged in time order, in recorder/trace's
 * format, and recorder/status beside it. A flight recording (-f: only its last
 * seconds) is not streamed: it is read whole from recorder/trace once it
 * has ended, by Ctrl-C, its time, or its trigger (-T). With a module that
 * has no streams it copies recorder/trace. report runs
 * scripts/pvtrace-report.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pvtrace.h"

static int set_param(const char *params, const char *name, const char *v)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", params, name);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", v) < 0 || fclose(f)) {
		int err = errno;

		pvt_warn("cannot set %s to %s: %s", path, v, strerror(err));
		return err == EACCES || err == EPERM ? PVT_EXIT_PERM :
		       PVT_EXIT_FAIL;
	}
	return 0;
}

/* Module parameter @name into @buf, without its newline; 0 or -1. */
static int get_param(const char *params, const char *name, char *buf,
		     size_t size)
{
	char path[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", params, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, size, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* For pvt_wait_until(): has the recording stopped by itself (a trigger)? */
static int rec_stopped(void *arg)
{
	char v[64];

	return !get_param(arg, "record", v, sizeof(v)) && strcmp(v, "recording");
}

/* Copy DIR/REL to @out; 0 or an exit code. */
static int copy(const char *dir, const char *rel, const char *out)
{
	char path[4096];
	size_t len;
	char *text;
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	text = pvt_slurp(path, &len, &err);
	if (!text) {
		pvt_warn("cannot read %s: %s", path, strerror(err));
		return err == EACCES ? PVT_EXIT_PERM : PVT_EXIT_MALFORMED;
	}
	f = strcmp(out, "-") ? fopen(out, "w") : stdout;
	if (!f || fwrite(text, 1, len, f) != len ||
	    (f != stdout ? fclose(f) : fflush(f))) {
		pvt_warn("cannot write %s: %s", out, strerror(errno));
		free(text);
		return PVT_EXIT_OUTPUT;
	}
	free(text);
	return 0;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/*
 * Open every DIR/recorder/stream/cpuN, in CPU order: their count, or -1
 * with @e filled.
 */
static int open_streams(const char *dir, int **fds, struct pvt_err *e)
{
	char path[PVT_PATH_MAX + 64], *end;
	unsigned int *cpu = NULL, *bigger;
	int n = 0, cap = 0, i;
	struct dirent *d;
	DIR *sd;

	*fds = NULL;
	snprintf(path, sizeof(path), "%s/recorder/stream", dir);
	sd = opendir(path);
	if (!sd) {
		pvt_errf(e, PVT_EXIT_FAIL, "cannot open %s: %s", path,
			 strerror(errno));
		return -1;
	}
	while ((d = readdir(sd))) {
		unsigned long c;

		if (strncmp(d->d_name, "cpu", 3) || !d->d_name[3])
			continue;
		c = strtoul(d->d_name + 3, &end, 10);
		if (*end || c > 1U << 20)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			bigger = realloc(cpu, cap * sizeof(*cpu));
			if (!bigger) {
				closedir(sd);
				free(cpu);
				pvt_errf(e, PVT_EXIT_FAIL, "out of memory");
				return -1;
			}
			cpu = bigger;
		}
		cpu[n++] = c;
	}
	closedir(sd);
	qsort(cpu, n, sizeof(*cpu), cmp_uint);
	*fds = calloc(n ? n : 1, sizeof(**fds));
	if (!*fds) {
		free(cpu);
		pvt_errf(e, PVT_EXIT_FAIL, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/recorder/stream/cpu%u", dir,
			 cpu[i]);
		(*fds)[i] = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if ((*fds)[i] < 0) {
			pvt_errf(e, errno == EACCES ? PVT_EXIT_PERM :
				 PVT_EXIT_FAIL, "cannot open %s: %s%s", path,
				 strerror(errno),
				 errno == EBUSY ? " (another reader has it)" : "");
			while (i--)
				close((*fds)[i]);
			free(*fds);
			*fds = NULL;
			free(cpu);
			return -1;
		}
	}
	free(cpu);
	return n;
}

/*
 * The recording's own header (Documentation/pvtrace.1, FILES): its format
 * and version, then "# KEY VALUE" lines of the guest (summary) and of the
 * recording (recorder/status, read after it stopped), so that the file
 * says what it is without the machine it came from. Times in it are
 * already nanoseconds, names already resolved.
 */
static int write_meta(FILE *f, void *arg, struct pvt_err *e)
{
	static const char *const rel[] = { "summary", "recorder/status" };
	const char *dir = arg;
	struct pvt_table t;
	int ret = 0;

	fprintf(f, "# pvtrace-recording %d\n", PVT_RECORDING_VERSION);
	for (size_t i = 0; i < ARRAY_SIZE(rel) && !ret; i++) {
		ret = pvt_load(dir, rel[i], 0, &t, e);
		if (ret)
			break;
		for (int r = 0; r < t.nrows; r++)
			if (t.ncols >= 2)
				fprintf(f, "# %s %s\n", t.rows[r][0], t.rows[r][1]);
		pvt_free(&t);
	}
	return ret;
}

/*
 * A spill file for one stream, unlinked at once: beside @out (the
 * recording goes to that file system anyway), or in $TMPDIR or /tmp for
 * standard output. NULL, reported, if none can be made.
 */
static FILE *spill_file(const char *out)
{
	const char *tmp = getenv("TMPDIR");
	char path[PVT_PATH_MAX + 32];
	const char *slash;
	FILE *f;
	int fd;

	if (strcmp(out, "-")) {
		slash = strrchr(out, '/');
		snprintf(path, sizeof(path), "%.*s.pvtrace-spill.XXXXXX",
			 slash ? (int)(slash - out + 1) : 0, out);
	} else {
		snprintf(path, sizeof(path), "%s/pvtrace-spill.XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
	}
	fd = mkstemp(path);
	if (fd < 0) {
		pvt_warn("cannot make a spill file %s: %s", path, strerror(errno));
		return NULL;
	}
	unlink(path);
	f = fdopen(fd, "w+");
	if (!f) {
		pvt_warn("cannot open a spill file: %s", strerror(errno));
		close(fd);
	}
	return f;
}

/*
 * The child that drains the streams until the recording ends, each into
 * a spill file, then merges them into @out. It tells the parent through
 * @ready that its streams are open ("0") or that it failed (its exit
 * code follows).
 */
static int drainer(const char *dir, const char *out, int ready)
{
	struct pvt_err e;
	int n, *fds, ret = 0;
	FILE **spill, *f;
	u64 lines;

	/* The terminal's Ctrl-C is for the command or the wait, not for us. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	/* Killed, pvtrace record takes us along: no stream stays open. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() == 1)
		return PVT_EXIT_FAIL;
	n = open_streams(dir, &fds, &e);
	if (n < 0) {
		pvt_warn("%s", e.msg);
		return e.code;
	}
	spill = calloc(n ? n : 1, sizeof(*spill));
	if (!spill) {
		pvt_warn("out of memory");
		return PVT_EXIT_FAIL;
	}
	for (int i = 0; i < n && !ret; i++) {
		spill[i] = spill_file(out);
		if (!spill[i])
			ret = PVT_EXIT_OUTPUT;
	}
	if (ret)
		goto out;
	if (write(ready, "0", 1) != 1)
		return PVT_EXIT_FAIL;
	close(ready);
	ret = pvt_drain_streams(fds, n, spill, &e);
	for (int i = 0; i < n && !ret; i++)
		if (fflush(spill[i]))
			ret = pvt_errf(&e, PVT_EXIT_OUTPUT,
				       "writing a spill file: %s", strerror(errno));
	if (!ret) {
		f = strcmp(out, "-") ? fopen(out, "w") : stdout;
		if (!f) {
			pvt_errf(&e, PVT_EXIT_OUTPUT, "cannot write %s: %s",
				 out, strerror(errno));
			ret = e.code;
		} else {
			ret = pvt_merge_streams(spill, n, f, &lines, &e,
						write_meta, (void *)dir);
			if ((f != stdout ? fclose(f) : fflush(f)) && !ret)
				ret = pvt_errf(&e, PVT_EXIT_OUTPUT,
					       "cannot write %s: %s", out,
					       strerror(errno));
		}
	}
	if (ret)
		pvt_warn("%s", e.msg);
out:
	for (int i = 0; i < n; i++) {
		if (spill[i])
			fclose(spill[i]);
		close(fds[i]);
	}
	free(spill);
	free(fds);
	return ret;
}

/*
 * A flight recording, read whole once stopped: its header (write_meta()),
 * then recorder/trace. 0 or an exit code.
 */
static int write_flight(const char *dir, const char *out)
{
	char path[PVT_PATH_MAX + 32];
	struct pvt_err e;
	size_t len;
	char *text;
	FILE *f;
	int err, ret;

	snprintf(path, sizeof(path), "%s/recorder/trace", dir);
	text = pvt_slurp(path, &len, &err);
	if (!text) {
		pvt_warn("cannot read %s: %s", path, strerror(err));
		return err == EACCES ? PVT_EXIT_PERM : PVT_EXIT_MALFORMED;
	}
	f = strcmp(out, "-") ? fopen(out, "w") : stdout;
	if (!f) {
		pvt_warn("cannot write %s: %s", out, strerror(errno));
		free(text);
		return PVT_EXIT_OUTPUT;
	}
	ret = write_meta(f, (void *)dir, &e);
	if (ret)
		pvt_warn("%s", e.msg);
	else if (fwrite(text, 1, len, f) != len)
		ret = PVT_EXIT_OUTPUT;
	if ((f != stdout ? fclose(f) : fflush(f)) && !ret)
		ret = PVT_EXIT_OUTPUT;
	if (ret == PVT_EXIT_OUTPUT)
		pvt_warn("cannot write %s: %s", out, strerror(errno));
	free(text);
	return ret;
}

/* What ended the recording, if a trigger did: one line on stderr. */
static void say_trigger(const char *dir)
{
	const char *fired, *name, *cpu, *dur, *val;
	struct pvt_table t;
	struct pvt_err e;

	if (pvt_load(dir, "recorder/status", 0, &t, &e))
		return;
	fired = pvt_kv(&t, "trigger_fired");
	name = pvt_kv(&t, "trigger_name");
	cpu = pvt_kv(&t, "trigger_cpu");
	dur = pvt_kv(&t, "trigger_duration_ns");
	val = pvt_kv(&t, "trigger_value");
	if (fired && strcmp(fired, "-") && name && cpu && dur && val)
		pvt_warn("the trigger %s fired: %s on vCPU %s, %s ns, value %s; the recording ends there",
			 fired, name, cpu, dur, val);
	pvt_free(&t);
}

/* Start the drainer once the recording runs: its pid, or -1 (reported). */
static pid_t start_drainer(const char *dir, const char *out)
{
	int p[2], status;
	char c;
	pid_t pid;

	if (pipe(p)) {
		pvt_warn("cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		pvt_warn("cannot fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (!pid) {
		close(p[0]);
		exit(drainer(dir, out, p[1]));
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		/* It failed before its streams were open, and said why. */
		waitpid(pid, &status, 0);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

/*
 * The events a recording lost (recorder/status), or 0; their span in
 * @span ("from T1 to T2 ns"), or "" if the status has none.
 */
static u64 lost_events(const char *dir, char *span, size_t size)
{
	const char *v, *first, *last;
	struct pvt_table t;
	struct pvt_err e;
	u64 lost = 0;

	span[0] = '\0';
	if (pvt_load(dir, "recorder/status", 0, &t, &e))
		return 0;
	v = pvt_kv(&t, "lost");
	if (!v || pvt_u64(v, &lost))
		lost = 0;
	first = pvt_kv(&t, "lost_first_ns");
	last = pvt_kv(&t, "lost_last_ns");
	if (lost && first && last && strcmp(first, "-"))
		snprintf(span, size, " (events starting from %s to %s ns)",
			 first, last);
	pvt_free(&t);
	return lost;
}

static const char record_usage[] =
	"usage: pvtrace record [-o FILE] [-t SECONDS] [-F FILTER] [-b KB] [-f DUR] [-T TRIGGER] [-d DIR] [--] [CMD [ARG]...]\n"
	"  -o, --output FILE   the recording (default pvtrace.trace; - is stdout);\n"
	"                      recorder/status goes to FILE.status\n"
	"  -t, --timeout SECS  record for SECS seconds (without CMD)\n"
	"  -F, --filter F      record_filter (default: as set)\n"
	"  -b, --buffer-kb KB  record_buffer_kb (default: as set)\n"
	"  -f, --flight DUR    keep only the last DUR (10s, 500ms; off: all),\n"
	"                      written when the recording ends (record_flight)\n"
	"  -T, --trigger T     end the recording when T happens, e.g. hcall>1ms,\n"
	"                      upcall>500us, error=event_channel_op (record_trigger;\n"
	"                      none: no trigger)\n"
	"  -d, --debugfs DIR   pvtrace's debugfs directory (default " PVT_DEBUGFS ")\n"
	"  -P, --params DIR    its module parameters (default " PVT_PARAMS ")\n";

int pvt_cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, 't' },
		{ "filter", required_argument, NULL, 'F' },
		{ "buffer-kb", required_argument, NULL, 'b' },
		{ "flight", required_argument, NULL, 'f' },
		{ "trigger", required_argument, NULL, 'T' },
		{ "debugfs", required_argument, NULL, 'd' },
		{ "params", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = "pvtrace.trace", *filter = NULL, *kb = NULL;
	const char *flight_arg = NULL, *trig_arg = NULL;
	char flight[64] = "off", trig[300] = "none";
	const char *dir = PVT_DEBUGFS, *params = PVT_PARAMS;
	char status_out[PVT_PATH_MAX + 8], stream_dir[PVT_PATH_MAX + 32];
	char span[96];
	int opt, ret, status = 0, dstatus = 0;
	u64 timeout = 0, lost;
	struct pvt_err e;
	pid_t drain = 0;
	struct stat st;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:t:F:b:f:T:d:P:h", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 't':
			if (pvt_parse_seconds(optarg, &timeout)) {
				pvt_usage_err("record: -t needs a number of seconds > 0, not '%s'",
					      optarg);
				return PVT_EXIT_USAGE;
			}
			break;
		case 'F':
			filter = optarg;
			break;
		case 'b':
			kb = optarg;
			break;
		case 'f':
			flight_arg = optarg;
			break;
		case 'T':
			trig_arg = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'P':
			params = optarg;
			break;
		case 'h':
			fputs(record_usage, stdout);
			return 0;
		default:
			return pvt_usage_err("record: bad option");
		}
	}
	if (argv[optind] && timeout)
		return pvt_usage_err("record: -t is for a recording without a command");

	if (!argv[optind])
		pvt_wait_prepare();
	ret = pvt_tree_check(dir, &e);
	if (ret) {
		pvt_warn("%s", e.msg);
		return ret;
	}
	if (filter)
		ret = set_param(params, "record_filter", filter);
	if (!ret && kb)
		ret = set_param(params, "record_buffer_kb", kb);
	if (!ret && flight_arg)
		ret = set_param(params, "record_flight", flight_arg);
	if (!ret && trig_arg)
		ret = set_param(params, "record_trigger", trig_arg);
	if (!ret)
		ret = set_param(params, "record", "on");
	if (ret)
		return ret;
	/* As set now (a module without them: neither). */
	get_param(params, "record_flight", flight, sizeof(flight));
	get_param(params, "record_trigger", trig, sizeof(trig));
	snprintf(stream_dir, sizeof(stream_dir), "%s/recorder/stream", dir);
	/* A flight recording is read whole at its end, not streamed. */
	if (!strcmp(flight, "off") && !stat(stream_dir, &st)) {
		drain = start_drainer(dir, out);
		if (drain < 0) {
			set_param(params, "record", "off");
			return PVT_EXIT_FAIL;
		}
	}
	if (argv[optind])
		status = pvt_run(argv + optind);
	else
		pvt_wait_until(timeout, strcmp(trig, "none") ? rec_stopped : NULL,
			       (void *)params);
	ret = set_param(params, "record", "off");
	if (drain > 0) {
		/* The streams end once the recording has stopped; if not... */
		if (ret)
			kill(drain, SIGKILL);
		while (waitpid(drain, &dstatus, 0) < 0 && errno == EINTR)
			;
		if (!ret)
			ret = WIFEXITED(dstatus) ? WEXITSTATUS(dstatus) :
			      PVT_EXIT_FAIL;
	} else if (!ret && strcmp(flight, "off")) {
		ret = write_flight(dir, out);
	} else if (!ret) {
		ret = copy(dir, "recorder/trace", out);
	}
	say_trigger(dir);
	lost = lost_events(dir, span, sizeof(span));
	if (lost)
		pvt_warn("%llu events were lost%s: a vCPU's buffer filled faster than it was read (raise -b, or filter with -F; recorder/percpu says which vCPU)",
			 (unsigned long long)lost, span);
	if (!ret && strcmp(out, "-")) {
		snprintf(status_out, sizeof(status_out), "%s.status", out);
		ret = copy(dir, "recorder/status", status_out);
	}
	if (ret)
		return ret;
	return status < 0 ? PVT_EXIT_FAIL : status;
}

int pvt_cmd_report(int argc, char **argv)
{
	char self[PVT_PATH_MAX], path[PVT_PATH_MAX + 32], *slash;
	static const char *const rel[] = {
		"pvtrace-report", "scripts/pvtrace-report",
	};
	ssize_t n;

	(void)argc;
	/* Beside this program (installed, or the top of the tree)... */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(rel); i++) {
			snprintf(path, sizeof(path), "%s/%s", self, rel[i]);
			if (!access(path, X_OK)) {
				argv[0] = path;
				execv(path, argv);
			}
		}
	}
	/* ... else on the PATH. */
	argv[0] = "pvtrace-report";
	execvp(argv[0], argv);
	pvt_warn("cannot run pvtrace-report: %s (install scripts/pvtrace-report)",
		 strerror(errno));
	return PVT_EXIT_FAIL;
}
