// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace top: a live view, refreshed every --delay seconds: rates per
 * hypercall (sub-command), per event channel and per vCPU, with steal.
 * The first screen shows averages since pvtrace loaded (the steal file's
 * elapsed_ns), the next ones the last interval. On a terminal: plain ANSI
 * escapes and termios (no curses: the binary is static), keys c, t, n
 * sort by calls, time or name, q quits. Otherwise (or with -b), one
 * plain block per iteration, as top -b.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "pvtrace.h"

enum sort_key { SORT_CALLS, SORT_TIME, SORT_NAME };

static const char *const sort_names[] = { "calls", "time", "name" };

struct view {
	const char *dir;
	enum sort_key sort;
	int tty, rows, cols;
	u64 dt_ns;		/* the interval of the rates */
	int since_load;
	char title[256];
	struct pvt_cost c;
	int have;
};

static int cmp_calls(const void *pa, const void *pb)
{
	const struct pvt_cost_row *a = pa, *b = pb;

	if (a->calls != b->calls)
		return a->calls > b->calls ? -1 : 1;
	return strcmp(a->name, b->name);
}

static u64 known(u64 t)
{
	return t == PVT_NO_TIME ? 0 : t;
}

static int cmp_time(const void *pa, const void *pb)
{
	const struct pvt_cost_row *a = pa, *b = pb;

	if (known(a->time_ns) != known(b->time_ns))
		return known(a->time_ns) > known(b->time_ns) ? -1 : 1;
	return cmp_calls(pa, pb);
}

static int cmp_name(const void *pa, const void *pb)
{
	const struct pvt_cost_row *a = pa, *b = pb;

	return strcmp(a->name, b->name);
}

static void sort_rows(struct pvt_cost_row *r, int n, enum sort_key k)
{
	static int (*const cmp[])(const void *, const void *) = {
		cmp_calls, cmp_time, cmp_name
	};

	if (n > 1)
		qsort(r, n, sizeof(*r), cmp[k]);
}

/* Hypercalls as leaves: a multiplexed one by sub-command. */
static int leaves(const struct pvt_cost *c, struct pvt_cost_row *out)
{
	int n = 0;

	for (int i = 0; i < c->nhc; i++) {
		int has_subs = i + 1 < c->nhc && c->hc[i + 1].parent == i;

		if (c->hc[i].parent < 0 && has_subs)
			continue;
		out[n++] = c->hc[i];
	}
	return n;
}

struct out {
	FILE *f;
	int left;		/* lines left on the screen, -1: no limit */
	int cols;
};

static __printf(2, 3) void line(struct out *o, const char *fmt, ...);

static void line(struct out *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!o->left)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (o->cols > 0 && (int)strlen(buf) > o->cols)
		buf[o->cols] = '\0';
	/* On a terminal: clear the rest of each line as it is rewritten. */
	fprintf(o->f, "%s%s\n", buf, o->left > 0 ? "\033[K" : "");
	if (o->left > 0)
		o->left--;
}

static double rate(u64 n, u64 dt_ns)
{
	return dt_ns ? (double)n * 1e9 / (double)dt_ns : 0;
}

static void table(struct out *o, const struct view *v,
		  struct pvt_cost_row *r, int n, const char *what, int max)
{
	char t[32], avg[32];

	sort_rows(r, n, v->sort);
	line(o, "%10s %8s %12s  %s", "CALLS/s", "TIME%", "AVG", what);
	for (int i = 0; i < n && i < max; i++) {
		u64 a = r[i].time_ns == PVT_NO_TIME || !r[i].timed ?
			PVT_NO_TIME : r[i].time_ns / r[i].timed;

		line(o, "%10.1f %8s %12s  %s%s", rate(r[i].calls, v->dt_ns),
		     r[i].time_ns == PVT_NO_TIME ? "-" :
		     pvt_fmt_pct(r[i].share, t, sizeof(t)),
		     pvt_fmt_ns(a, avg, sizeof(avg)), r[i].name,
		     r[i].idle ? " (idle)" : "");
	}
	if (!n)
		line(o, "%10s", "(none)");
	else if (n > max)
		line(o, "%10s  (%d more rows: a taller terminal shows them)", "",
		     n - max);
}

static void render(struct view *v, FILE *f)
{
	struct out o = { f, v->tty ? v->rows : -1, v->tty ? v->cols : 0 };
	const struct pvt_cost *c = &v->c;
	struct pvt_cost_row *r;
	int n, budget;
	char t[32];

	if (v->tty)
		fputs("\033[H", f);
	line(&o, "%s", v->title);
	line(&o, "%s over %s; sorted by %s%s", v->since_load ?
	     "averages since pvtrace loaded" : "rates", pvt_fmt_ns(v->dt_ns, t,
								   sizeof(t)),
	     sort_names[v->sort],
	     v->tty ? "   keys: c calls, t time, n name, q quit" : "");
	line(&o, "%s", "");

	/* vCPUs first: few rows, the whole guest at a glance. */
	line(&o, "%4s %10s %8s %10s %8s %8s", "CPU", "HCALLS/s", "HCALL%",
	     "UPCALLS/s", "UPCALL%", "STEAL%");
	for (int i = 0; i < c->ncpu; i++) {
		const struct pvt_cost_cpu *q = &c->cpu[i];
		char a[32], b[32];

		line(&o, "%4d %10.1f %8s %10.1f %8s %8s", q->cpu,
		     rate(q->hcalls, v->dt_ns),
		     pvt_fmt_pct(q->hcall_share, a, sizeof(a)),
		     rate(q->upcalls, v->dt_ns),
		     pvt_fmt_pct(q->upcall_share, b, sizeof(b)),
		     c->have_steal ? pvt_fmt_pct(q->steal_share, t, sizeof(t)) :
		     "-");
	}
	line(&o, "%s", "");

	r = calloc(c->nhc + c->nch + 1, sizeof(*r));
	if (!r)
		return;
	budget = o.left < 0 ? 1 << 30 : (o.left - 4) / 2;
	if (c->have_hcalls) {
		n = leaves(c, r);
		table(&o, v, r, n, "HYPERCALL", budget > 1 ? budget : 1);
	} else {
		line(&o, "(no hypercalls/: the hypercall hook is off)");
	}
	line(&o, "%s", "");
	if (c->have_channels) {
		memcpy(r, c->ch, c->nch * sizeof(*r));
		table(&o, v, r, c->nch, "CHANNEL (HANDLER)", 1 << 30);
	} else {
		line(&o, "(no upcalls/channels: the upcall hook is off)");
	}
	free(r);
	if (v->tty) {
		fputs("\033[J", f);
		fflush(f);
	} else {
		fputc('\n', f);
		fflush(f);
	}
}

/* The time since pvtrace loaded: the largest elapsed_ns in steal. */
static u64 since_load(const struct pvt_snap *s)
{
	u64 m = 0;

	for (int r = 0; r < s->steal.nrows; r++)
		if (pvt_num(&s->steal, r, "elapsed_ns") > m)
			m = pvt_num(&s->steal, r, "elapsed_ns");
	return m;
}

static struct termios saved;
static int raw_on;

static void restore(void)
{
	if (raw_on) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		fputs("\033[?25h\033[?1049l", stdout);
		fflush(stdout);
		raw_on = 0;
	}
}

static void on_quit(int sig)
{
	restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void raw_mode(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved))
		return;
	t = saved;
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
	raw_on = 1;
	atexit(restore);
	signal(SIGINT, on_quit);
	signal(SIGTERM, on_quit);
	/* The alternate screen, without the cursor. */
	fputs("\033[?1049h\033[?25l\033[H\033[2J", stdout);
}

static void winsize(struct view *v)
{
	struct winsize ws;

	v->rows = 24;
	v->cols = 80;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		v->rows = ws.ws_row;
		v->cols = ws.ws_col;
	}
}

/* Wait up to @ns for keys; 1 when q was pressed. */
static int keys(struct view *v, u64 ns)
{
	u64 end = pvt_now_ns() + ns;

	for (;;) {
		u64 now = pvt_now_ns();
		struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
		int ms, got;
		char ch;

		if (now >= end)
			return 0;
		ms = (int)((end - now + 999999) / 1000000);
		if (!v->tty) {
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
			return 0;
		}
		got = poll(&p, 1, ms);
		if (got < 0 && errno != EINTR)
			return 0;
		if (got <= 0 || read(STDIN_FILENO, &ch, 1) != 1)
			continue;
		switch (ch) {
		case 'q':
		case 'Q':
			return 1;
		case 'c':
			v->sort = SORT_CALLS;
			break;
		case 't':
			v->sort = SORT_TIME;
			break;
		case 'n':
			v->sort = SORT_NAME;
			break;
		default:
			continue;
		}
		winsize(v);
		if (v->have)
			render(v, stdout);
	}
}

static const char top_usage[] =
	"usage: pvtrace top [-d DIR] [-n ITER] [-s calls|time|name] [--delay SECONDS] [-b]\n"
	"  -d, --debugfs DIR   pvtrace's debugfs directory (default " PVT_DEBUGFS ")\n"
	"  -n, --iterations N  stop after N screens (default: until q or Ctrl-C)\n"
	"  -s, --sort KEY      calls (default), time or name\n"
	"  --delay SECONDS     between refreshes (default 1; decimals allowed)\n"
	"  -b, --batch         plain blocks, as when stdout is not a terminal\n"
	"Keys: c, t, n sort by calls, time, name; q quits.\n";

int pvt_cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "debugfs", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "sort", required_argument, NULL, 's' },
		{ "delay", required_argument, NULL, 'D' },
		{ "batch", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct view v = { .dir = PVT_DEBUGFS, .sort = SORT_CALLS };
	struct pvt_snap prev, cur;
	u64 delay = 1000000000ULL;
	long iter = -1;
	int opt, ret, batch = 0;
	struct pvt_err e;
	char *end;
	const char *kernel, *guest, *vcpus;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:n:s:bh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			v.dir = optarg;
			break;
		case 'n':
			iter = strtol(optarg, &end, 10);
			if (*end || !*optarg || iter < 1) {
				pvt_usage_err("top: -n needs a number of iterations >= 1, not '%s'",
					      optarg);
				return PVT_EXIT_USAGE;
			}
			break;
		case 's':
			for (v.sort = 0; v.sort < 3; v.sort++)
				if (!strcmp(optarg, sort_names[v.sort]))
					break;
			if (v.sort == 3)
				return pvt_usage_err("top: sort by calls, time or name, not '%s'",
						       optarg);
			break;
		case 'D':
			if (pvt_parse_seconds(optarg, &delay)) {
				pvt_usage_err("top: --delay needs a number of seconds > 0, not '%s'",
					      optarg);
				return PVT_EXIT_USAGE;
			}
			break;
		case 'b':
			batch = 1;
			break;
		case 'h':
			fputs(top_usage, stdout);
			return 0;
		default:
			return pvt_usage_err("top: bad option");
		}
	}
	if (optind < argc)
		return pvt_usage_err("top: unexpected argument '%s'",
				       argv[optind]);

	ret = pvt_tree_check(v.dir, &e);
	if (!ret)
		ret = pvt_snap_read(v.dir, &cur, &e);
	if (ret) {
		pvt_warn("%s", e.msg);
		return ret;
	}
	kernel = pvt_kv(&cur.summary, "kernel");
	guest = pvt_kv(&cur.summary, "guest_type");
	vcpus = pvt_kv(&cur.summary, "vcpus_online");
	snprintf(v.title, sizeof(v.title), "pvtrace top - %s, %s, %s vCPUs online",
		 guest ? guest : "?", kernel ? kernel : "?", vcpus ? vcpus : "?");

	v.tty = !batch && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
	if (v.tty) {
		raw_mode();
		winsize(&v);
	}
	/* First screen: everything since load, against an empty snapshot. */
	memset(&prev, 0, sizeof(prev));
	prev.summary = cur.summary;
	v.dt_ns = since_load(&cur);
	v.since_load = 1;
	if (!v.dt_ns) {
		/* No steal file, no time since load: a first interval. */
		if (v.tty)
			printf("pvtrace top: the first rates in %llu ms\033[K\n",
			       (unsigned long long)(delay / 1000000));
		prev = cur;
		if (keys(&v, delay)) {
			pvt_snap_free(&prev);
			restore();
			return 0;
		}
		ret = pvt_snap_read(v.dir, &cur, &e);
		if (ret) {
			restore();
			pvt_warn("%s", e.msg);
			pvt_snap_free(&prev);
			return ret;
		}
		v.dt_ns = cur.mono_ns - prev.mono_ns;
		v.since_load = 0;
	}
	for (long i = 0;; i++) {
		if (pvt_cost_compute(&prev, &cur, v.dt_ns, &v.c)) {
			ret = PVT_EXIT_FAIL;
			break;
		}
		v.have = 1;
		if (v.tty)
			winsize(&v);
		render(&v, stdout);
		if (!v.since_load)
			pvt_snap_free(&prev);
		if (iter > 0 && i + 1 >= iter)
			break;
		if (keys(&v, delay))
			break;
		prev = cur;
		ret = pvt_snap_read(v.dir, &cur, &e);
		if (ret) {
			restore();
			pvt_warn("%s", e.msg);
			pvt_snap_free(&prev);
			pvt_cost_free(&v.c);
			return ret;
		}
		pvt_cost_free(&v.c);
		v.have = 0;
		v.dt_ns = cur.mono_ns - prev.mono_ns;
		v.since_load = 0;
	}
	if (v.have)
		pvt_cost_free(&v.c);
	pvt_snap_free(&cur);
	restore();
	return ret;
}
