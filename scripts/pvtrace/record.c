// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace record and pvtrace report, for now thin wrappers: record sets
 * the flight recorder's module parameters (record_filter,
 * record_buffer_kb, record), measures a command, a duration or until
 * Ctrl-C, stops, and copies recorder/trace (and recorder/status) to a
 * file; report runs scripts/pvtrace-report. Kept apart: both are to be
 * replaced by streaming.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
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

static const char record_usage[] =
	"usage: pvtrace record [-o FILE] [-t SECONDS] [-F FILTER] [-b KB] [-d DIR] [--] [CMD [ARG]...]\n"
	"  -o, --output FILE   the recording (default pvtrace.trace; - is stdout);\n"
	"                      recorder/status goes to FILE.status\n"
	"  -t, --timeout SECS  record for SECS seconds (without CMD)\n"
	"  -F, --filter F      record_filter (default: as set)\n"
	"  -b, --buffer-kb KB  record_buffer_kb (default: as set)\n"
	"  -d, --debugfs DIR   pvtrace's debugfs directory (default " PVT_DEBUGFS ")\n"
	"  -P, --params DIR    its module parameters (default " PVT_PARAMS ")\n";

int pvt_cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, 't' },
		{ "filter", required_argument, NULL, 'F' },
		{ "buffer-kb", required_argument, NULL, 'b' },
		{ "debugfs", required_argument, NULL, 'd' },
		{ "params", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = "pvtrace.trace", *filter = NULL, *kb = NULL;
	const char *dir = PVT_DEBUGFS, *params = PVT_PARAMS;
	char status_out[PVT_PATH_MAX + 8];
	struct pvt_err e;
	int opt, ret, status = 0;
	u64 timeout = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:t:F:b:d:P:h", opts,
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
	if (!ret)
		ret = set_param(params, "record", "on");
	if (ret)
		return ret;
	if (argv[optind])
		status = pvt_run(argv + optind);
	else
		pvt_wait(timeout);
	ret = set_param(params, "record", "off");
	if (!ret)
		ret = copy(dir, "recorder/trace", out);
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
