// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs directory and its files: why it is not there (not loaded,
 * debugfs not mounted, not root), whether its format is one this program
 * knows, and each file read with one read to EOF and checked against the
 * record format before anything uses it
 * (Documentation/ABI/testing/debugfs-pvtrace).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pvtrace.h"

int pvt_errf(struct pvt_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

void pvt_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("pvtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int pvt_usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("pvtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'pvtrace --help'.\n", stderr);
	return PVT_EXIT_USAGE;
}

/* The parent of @dir is missing or empty: debugfs is not mounted there. */
static int unmounted(const char *dir)
{
	char parent[4096];
	struct dirent *d;
	char *slash;
	DIR *dp;
	int empty = 1;

	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (!slash)
		snprintf(parent, sizeof(parent), ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	dp = opendir(parent);
	if (!dp)
		return errno == ENOENT || errno == ENOTDIR;
	while ((d = readdir(dp)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			empty = 0;
	closedir(dp);
	return empty;
}

static int perm_error(struct pvt_err *e, const char *path)
{
	return pvt_errf(e, PVT_EXIT_PERM,
			"%s: permission denied: debugfs is root-only, run pvtrace as root",
			path);
}

int pvt_parse_version(const char *s, unsigned int *major, unsigned int *minor)
{
	char *end;
	unsigned long a, b;

	if (*s < '0' || *s > '9')
		return -1;
	a = strtoul(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	b = strtoul(end + 1, &end, 10);
	if (*end && *end != '.' && *end != '+' && *end != '-')
		return -1;
	if (a > 65535 || b > 65535)
		return -1;
	*major = a;
	*minor = b;
	return 0;
}

int pvt_tree_check(const char *dir, struct pvt_err *e)
{
	unsigned int maj, min, kmaj, kmin;
	struct pvt_table t;
	struct stat st;
	const char *v;
	int ret, r;

	if (stat(dir, &st)) {
		if (errno == EACCES || errno == EPERM)
			return perm_error(e, dir);
		if (unmounted(dir))
			return pvt_errf(e, PVT_EXIT_NO_DEBUGFS,
					"%s does not exist: debugfs is not mounted (mount -t debugfs none /sys/kernel/debug)",
					dir);
		return pvt_errf(e, PVT_EXIT_NOT_LOADED,
				"%s does not exist: pvtrace is not loaded", dir);
	}
	if (!S_ISDIR(st.st_mode))
		return pvt_errf(e, PVT_EXIT_NOT_LOADED,
				"%s is not a directory: pvtrace is not loaded",
				dir);
	if (access(dir, R_OK | X_OK))
		return perm_error(e, dir);

	ret = pvt_load(dir, "version", 0, &t, e);
	if (ret)
		return ret;
	r = pvt_find(&t, 0, "pvtrace");
	v = r < 0 ? NULL : pvt_str(&t, r, "version");
	if (!v || !*v || pvt_parse_version(v, &maj, &min)) {
		pvt_free(&t);
		return pvt_errf(e, PVT_EXIT_MALFORMED,
				"%s/version: no \"pvtrace MAJOR.MINOR...\" record",
				dir);
	}
	if (pvt_parse_version(PVTRACE_VERSION, &kmaj, &kmin)) {
		kmaj = 0;
		kmin = 0;
	}
	if (maj > kmaj || (maj == kmaj && min > kmin)) {
		ret = pvt_errf(e, PVT_EXIT_VERSION,
			       "%s/version: pvtrace %s is newer than this program (%s), which knows its debugfs format up to %u.%u: use the pvtrace command of the same release",
			       dir, v, PVTRACE_VERSION, kmaj, kmin);
		pvt_free(&t);
		return ret;
	}
	pvt_free(&t);
	return 0;
}

/*
 * The columns that hold unsigned numbers (as scripts/pvtrace-exporter
 * checks them), and those of them where "-" is allowed.
 */
static const char *const num_cols[] = {
	"cpu", "calls", "errors", "redundant", "count", "flushes",
	"failures", "upcalls", "kernel_upcalls", "empty", "spurious",
	"events", "handlers", "direct", "foreign", "overflow",
	"backward_jumps", "intervals", "windows", "errno", "irq", "nr",
	"port", "vcpu", "rank", "missed", "error", "kernel_calls",
	"user_calls", NULL
};

static const char *const dash_cols[] = {
	"nr", "port", "vcpu", "runnable_ns", "offline_ns", "error", NULL
};

static int in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (!strcmp(*l, s))
			return 1;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* 0: free text; 1: a number; 2: a number or "-". */
static int col_kind(const char *rel, const struct pvt_table *t, int c)
{
	const char *name = t->cols[c];
	int slowest = !strcmp(rel, "slowest") ||
		      !strcmp(rel, "recorder/trace");

	if (pvt_is_hist(t) && c >= t->ncols - 3)
		return 1;
	if (slowest && (!strcmp(name, "value") || !strcmp(name, "errno")))
		return 2;
	if (!strcmp(rel, "hypercalls/subcommands") && !strcmp(name, "value"))
		return 2;
	if (in_list(dash_cols, name))
		return 2;
	if (ends_with(name, "_ns") || in_list(num_cols, name))
		return 1;
	return 0;
}

int pvt_check_table(const char *rel, const struct pvt_table *t,
		    char *msg, size_t msglen)
{
	static const char *const hist_files[] = {
		"latency", "_hist", "events_per_upcall", "multicall_batches",
		NULL
	};
	char err[256];
	u64 v;

	for (int c = 0; c < t->ncols; c++) {
		int kind = col_kind(rel, t, c);

		if (!kind)
			continue;
		for (int r = 0; r < t->nrows; r++) {
			const char *s = t->rows[r][c];

			if (kind == 2 && !strcmp(s, "-"))
				continue;
			if (pvt_u64(s, &v)) {
				snprintf(msg, msglen,
					 "line %d: column %s: \"%s\" is not an unsigned number",
					 r + 2, t->cols[c], s);
				return -1;
			}
		}
	}
	for (int i = 0; hist_files[i]; i++) {
		if (ends_with(rel, hist_files[i]) && !pvt_is_hist(t)) {
			snprintf(msg, msglen,
				 "a histogram file must end in the columns lo_<unit> hi_<unit> count");
			return -1;
		}
	}
	if (pvt_check_hist(t, err, sizeof(err))) {
		snprintf(msg, msglen, "%s", err);
		return -1;
	}
	return 0;
}

int pvt_load(const char *dir, const char *rel, int optional,
	     struct pvt_table *t, struct pvt_err *e)
{
	char path[4096], msg[512];
	struct stat st;
	size_t len = 0;
	char *text;
	int err;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	text = pvt_slurp(path, &len, &err);
	if (!text) {
		if (err == EACCES || err == EPERM)
			return perm_error(e, path);
		if (err == ENOENT && stat(dir, &st))
			return pvt_errf(e, PVT_EXIT_NOT_LOADED,
					"%s disappeared while reading: pvtrace was unloaded",
					dir);
		if (err == ENOENT && optional)
			return 1;
		if (err == ENOENT)
			return pvt_errf(e, PVT_EXIT_MALFORMED, "%s is missing",
					path);
		return pvt_errf(e, PVT_EXIT_MALFORMED, "cannot read %s: %s",
				path, strerror(err));
	}
	if (!len) {
		free(text);
		return pvt_errf(e, PVT_EXIT_MALFORMED,
				"%s is empty (not even a header line)", path);
	}
	if (text[len - 1] != '\n') {
		free(text);
		return pvt_errf(e, PVT_EXIT_MALFORMED,
				"%s is truncated: its last line has no newline",
				path);
	}
	if (pvt_parse(text, len, t, msg, sizeof(msg)) ||
	    pvt_check_table(rel, t, msg, sizeof(msg))) {
		free(text);
		pvt_free(t);
		return pvt_errf(e, PVT_EXIT_MALFORMED, "%s: %s", path, msg);
	}
	free(text);
	return 0;
}

const char *pvt_str(const struct pvt_table *t, int r, const char *col)
{
	int c = pvt_col(t, col);

	return c < 0 || r < 0 || r >= t->nrows ? "" : t->rows[r][c];
}

u64 pvt_num(const struct pvt_table *t, int r, const char *col)
{
	u64 v;

	return pvt_u64(pvt_str(t, r, col), &v) ? 0 : v;
}
