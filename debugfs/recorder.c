// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/pvtrace/recorder/ and pvtrace/slowest: presentation of
 * the flight recorder and of the slowest calls, from the snapshots of
 * include/pvtrace/recorder_read.h (module/recorder_read.c).
 * Formats: Documentation/ABI/testing/debugfs-pvtrace.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/hcall.h>
#include <pvtrace/recorder_read.h>
#include <pvtrace/upcall.h>

#include "views.h"

#define REC_COLUMNS "time_ns cpu event name detail duration_ns value errno site module"
#define PERCPU_COLUMNS \
	"cpu records lost capacity streamed overwritten lost_first_ns lost_last_ns"

static const char *const event_names[PVTRACE_REC_TYPES] = {
	[PVTRACE_REC_HCALL] = "hcall",
	[PVTRACE_REC_UPCALL] = "upcall",
	[PVTRACE_REC_STEAL] = "steal",
};

/*
 * The "site module" columns of the last call sites, for a reader that
 * formats many records (recorder/trace, recorder/stream): a few dozen
 * sites make most hypercalls, and a symbol lookup per record was most of
 * a stream's cost. Emptied when a module comes or goes (its addresses
 * may name other code now).
 */
#define SITE_CACHE_BITS	6

struct site_cache {
	unsigned long gen;
	struct {
		unsigned long site;
		char text[KSYM_SYMBOL_LEN + 16];
	} e[1 << SITE_CACHE_BITS];
};

/* @site's columns, from @c or looked up (and kept); @buf has room. */
static const char *site_columns(unsigned long site, struct site_cache *c,
				char *buf)
{
	const char *mod = "-";
	unsigned int h = 0;
	unsigned long gen;

	if (c) {
		gen = pvtrace_rec_module_gen();
		if (c->gen != gen) {
			memset(c->e, 0, sizeof(c->e));
			c->gen = gen;
		}
		h = hash_long(site, SITE_CACHE_BITS);
		if (c->e[h].site == site)
			return c->e[h].text;
	}
	sprint_symbol(buf, site);
	pvtrace_split_symbol(buf, &mod);
	if (!c)
		return buf;
	scnprintf(c->e[h].text, sizeof(c->e[h].text), "%s %s", buf, mod);
	c->e[h].site = site;
	return c->e[h].text;
}

/* The columns after "cpu" of one record; @c: a site cache, or NULL. */
static void show_rec_cached(struct seq_file *m, const struct pvtrace_rec *r,
			    struct site_cache *c)
{
	char sym[KSYM_SYMBOL_LEN + 16], name[PVTRACE_CHAN_NAME];
	const char *mod = "-";
	unsigned int i;

	seq_printf(m, "%s ", r->type < PVTRACE_REC_TYPES && event_names[r->type] ?
		   event_names[r->type] : "unknown");
	switch (r->type) {
	case PVTRACE_REC_HCALL:
		if (r->nr < PVTRACE_HCALL_NR && pvtrace_hcall_names[r->nr])
			seq_printf(m, "%s ", pvtrace_hcall_names[r->nr]);
		else if (r->nr < PVTRACE_HCALL_NR)
			seq_printf(m, "hcall_%u ", r->nr);
		else
			seq_puts(m, "out_of_range ");
		if (r->slot >= PVTRACE_SLOT_SUB0 && r->slot < PVTRACE_SLOT_BADNR)
			seq_printf(m, "%s ",
				   pvtrace_sub_names[r->slot - PVTRACE_SLOT_SUB0]);
		else
			seq_puts(m, "- ");
		seq_printf(m, "%llu ", r->dur_ns);
		if (r->value >= 0)
			seq_printf(m, "%lld - ", r->value);
		else
			seq_printf(m, "- %lld ", -r->value);
		if (r->site == PVTRACE_SITE_UNLOADED) {
			seq_puts(m, "- unloaded\n");
			break;
		}
		if (c) {
			seq_printf(m, "%s\n", site_columns(r->site, c, sym));
			break;
		}
		sprint_symbol(sym, r->site);
		pvtrace_split_symbol(sym, &mod);
		seq_printf(m, "%s %s\n", sym, mod);
		break;
	case PVTRACE_REC_UPCALL:
		seq_puts(m, "upcall ");
		for (i = 0; i < r->nports && i < PVTRACE_REC_PORTS; i++)
			seq_printf(m, "%s%u", i ? "," : "", r->port[i]);
		seq_printf(m, "%s %llu %lld - ",
			   !r->nports ? "-" :
			   r->nports > PVTRACE_REC_PORTS ? "+" : "",
			   r->dur_ns, r->value);
		if (r->nports && pvtrace_upcall_port_name(r->port[0], name,
							  sizeof(name)))
			seq_printf(m, "%s -\n", name);
		else
			seq_puts(m, "- -\n");
		break;
	default:
		seq_printf(m, "steal - %llu %lld - - -\n", r->dur_ns, r->value);
		break;
	}
}

static void show_rec(struct seq_file *m, const struct pvtrace_rec *r)
{
	show_rec_cached(m, r, NULL);
}

/* recorder/trace: the recording in time order. */

struct trace_reader {
	struct pvtrace_rec_snap snap;
	struct site_cache sites;
};

static void *trace_start(struct seq_file *m, loff_t *pos)
{
	struct trace_reader *tr = m->private;
	struct pvtrace_rec_snap *snap = &tr->snap;

	if (*pos == 0)
		return SEQ_START_TOKEN;
	return (u64)*pos <= snap->n ? pos : NULL;
}

static void *trace_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return trace_start(m, pos);
}

static void trace_stop(struct seq_file *m, void *v)
{
}

static int trace_show(struct seq_file *m, void *v)
{
	struct trace_reader *tr = m->private;
	struct pvtrace_rec_snap *snap = &tr->snap;
	const struct pvtrace_rec *r;
	unsigned int cpu;

	if (v == SEQ_START_TOKEN) {
		pvtrace_seq_header(m, REC_COLUMNS);
		return 0;
	}
	r = pvtrace_rec_at(snap, *(loff_t *)v - 1, &cpu);
	seq_printf(m, "%llu %u ", pvtrace_tb_ns(&snap->tb, r->tsc), cpu);
	show_rec_cached(m, r, &tr->sites);
	return 0;
}

static const struct seq_operations trace_seq_ops = {
	.start = trace_start,
	.next = trace_next,
	.stop = trace_stop,
	.show = trace_show,
};

static int trace_open(struct inode *inode, struct file *file)
{
	struct trace_reader *tr;
	struct seq_file *m;
	int ret;

	tr = kvzalloc(sizeof(*tr), GFP_KERNEL);
	if (!tr)
		return -ENOMEM;
	ret = seq_open(file, &trace_seq_ops);
	if (ret) {
		kvfree(tr);
		return ret;
	}
	m = file->private_data;
	m->private = tr;
	ret = pvtrace_rec_snapshot(&tr->snap);
	if (ret) {
		seq_release(inode, file);
		kvfree(tr);
	}
	return ret;
}

static int trace_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct trace_reader *tr = m->private;

	pvtrace_rec_snapshot_put(&tr->snap);
	kvfree(tr);
	return seq_release(inode, file);
}

static const struct file_operations trace_fops = {
	.owner = THIS_MODULE,
	.open = trace_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = trace_release,
};

/* recorder/status */

/*
 * The trigger that ended the recording: its term (the @fired_term'th of
 * the trigger string), and its event, one key each ("-": none fired).
 */
static void show_fired(struct seq_file *m, const struct pvtrace_rec_status *st)
{
	static const char *const keys[] = {
		"trigger_fired", "trigger_cpu", "trigger_time_ns",
		"trigger_name", "trigger_duration_ns", "trigger_value",
	};
	const struct pvtrace_rec_fire *f = &st->fire;
	const struct pvtrace_rec *r = &f->rec;
	const char *t = st->trigger, *e;
	unsigned int i;

	if (!f->fired) {
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			seq_printf(m, "%s -\n", keys[i]);
		return;
	}
	for (i = 1; i < f->term && t; i++) {
		t = strchr(t, ',');
		if (t)
			t++;
	}
	if (!t)
		t = "?";
	e = strchr(t, ',');
	seq_printf(m, "trigger_fired %.*s\n", e ? (int)(e - t) : (int)strlen(t), t);
	seq_printf(m, "trigger_cpu %u\n", f->cpu);
	seq_printf(m, "trigger_time_ns %llu\n", f->ns);
	if (r->type != PVTRACE_REC_HCALL)
		seq_puts(m, "trigger_name upcall\n");
	else if (r->nr < PVTRACE_HCALL_NR && pvtrace_hcall_names[r->nr])
		seq_printf(m, "trigger_name %s", pvtrace_hcall_names[r->nr]);
	else
		seq_printf(m, "trigger_name hcall_%u", r->nr);
	if (r->type == PVTRACE_REC_HCALL) {
		if (r->slot >= PVTRACE_SLOT_SUB0 && r->slot < PVTRACE_SLOT_BADNR)
			seq_printf(m, ":%s",
				   pvtrace_sub_names[r->slot - PVTRACE_SLOT_SUB0]);
		seq_putc(m, '\n');
	}
	seq_printf(m, "trigger_duration_ns %llu\n", r->dur_ns);
	seq_printf(m, "trigger_value %lld\n", r->value);
}

static int status_show(struct seq_file *m, void *unused)
{
	struct pvtrace_rec_status *st = kmalloc(sizeof(*st), GFP_KERNEL);
	struct pvtrace_slow_entry *e = kmalloc_array(PVTRACE_SLOW_MAX,
						     sizeof(*e), GFP_KERNEL);
	struct pvtrace_tb *tb = kmalloc(sizeof(*tb), GFP_KERNEL);
	u64 skipped[PVTRACE_SLOW_KINDS] = {};
	unsigned int k;
	int ret = 0;

	if (!st || !e || !tb) {
		ret = -ENOMEM;
		goto out;
	}
	for (k = 0; k < PVTRACE_SLOW_KINDS; k++) {
		ret = pvtrace_slow_read(k, e, &skipped[k]);
		if (ret < 0)
			goto out;
	}
	ret = 0;
	pvtrace_rec_read_status(st);
	/* After every lost event read. */
	pvtrace_clock_snapshot(tb);
	pvtrace_seq_header(m, "key value");
	seq_printf(m, "state %s\n", pvtrace_rec_state_name(st->state));
	seq_printf(m, "duration_ms %lu\n", st->duration_ms);
	seq_printf(m, "filter %s\n", st->filter);
	seq_printf(m, "buffer_kb %u\n", st->buffer_kb);
	seq_printf(m, "capacity %llu\n", st->capacity);
	if (st->start_ns)
		seq_printf(m, "start_ns %llu\n", st->start_ns);
	else
		seq_puts(m, "start_ns -\n");
	if (st->stop_ns)
		seq_printf(m, "stop_ns %llu\n", st->stop_ns);
	else
		seq_puts(m, "stop_ns -\n");
	seq_printf(m, "records %llu\n", st->records);
	seq_printf(m, "lost %llu\n", st->lost);
	seq_printf(m, "incomplete %llu\n", st->incomplete);
	seq_printf(m, "streamed %llu\n", st->streamed);
	seq_printf(m, "slowest_n %u\n", st->slowest_n);
	seq_printf(m, "slowest_skipped_hcall %llu\n",
		   skipped[PVTRACE_SLOW_HCALL]);
	seq_printf(m, "slowest_skipped_upcall %llu\n",
		   skipped[PVTRACE_SLOW_UPCALL]);
	seq_printf(m, "flight_ms %lu\n", st->flight_ms);
	seq_printf(m, "overwritten %llu\n", st->overwritten);
	seq_printf(m, "aged %llu\n", st->aged);
	seq_printf(m, "trigger %s\n", st->trigger);
	seq_printf(m, "stop_reason %s\n", pvtrace_rec_reason_name(st->reason));
	show_fired(m, st);
	if (st->lost)
		seq_printf(m, "lost_first_ns %llu\nlost_last_ns %llu\n",
			   pvtrace_tb_ns(tb, st->lost_first_tsc),
			   pvtrace_tb_ns(tb, st->lost_last_tsc));
	else
		seq_puts(m, "lost_first_ns -\nlost_last_ns -\n");
out:
	kfree(tb);
	kfree(e);
	kfree(st);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(status);

/* recorder/percpu */

static int percpu_show(struct seq_file *m, void *unused)
{
	struct pvtrace_tb *tb = kmalloc(sizeof(*tb), GFP_KERNEL);
	struct pvtrace_rec_cpu_read r;
	unsigned int cpu;

	if (!tb)
		return -ENOMEM;
	/* After every lost event of a stopped recording. */
	pvtrace_clock_snapshot(tb);
	pvtrace_seq_header(m, PERCPU_COLUMNS);
	for_each_possible_cpu(cpu) {
		if (!pvtrace_rec_read_cpu(cpu, &r))
			continue;
		seq_printf(m, "%u %llu %llu %llu %llu %llu ", cpu, r.records,
			   r.lost, r.capacity, r.streamed, r.overwritten);
		if (r.lost)
			seq_printf(m, "%llu %llu\n",
				   pvtrace_tb_ns(tb, r.lost_first_tsc),
				   pvtrace_tb_ns(tb, r.lost_last_tsc));
		else
			seq_puts(m, "- -\n");
	}
	kfree(tb);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(percpu);

/* slowest: hypercalls, then upcalls, each slowest first. */

static int slowest_show(struct seq_file *m, void *unused)
{
	struct pvtrace_slow_entry *e = kmalloc_array(PVTRACE_SLOW_MAX,
						     sizeof(*e), GFP_KERNEL);
	struct pvtrace_tb *tb = kmalloc(sizeof(*tb), GFP_KERNEL);
	u64 skipped;
	unsigned int k;
	int i, n = 0;

	if (!e || !tb) {
		n = -ENOMEM;
		goto out;
	}
	pvtrace_clock_snapshot(tb);
	pvtrace_seq_header(m, "rank " REC_COLUMNS);
	for (k = 0; k < PVTRACE_SLOW_KINDS; k++) {
		n = pvtrace_slow_read(k, e, &skipped);
		if (n < 0)
			goto out;
		for (i = 0; i < n; i++) {
			seq_printf(m, "%d %llu %u ", i + 1,
				   pvtrace_tb_ns(tb, e[i].rec.tsc), e[i].cpu);
			show_rec(m, &e[i].rec);
		}
	}
	n = 0;
out:
	kfree(tb);
	kfree(e);
	return n;
}
DEFINE_SHOW_ATTRIBUTE(slowest);

/*
 * recorder/stream/cpuN: CPU N's records as recorder/trace shows them (the
 * same header and columns), consumed as they are read: a read blocks until
 * records are complete, and returns 0 (end of file) once the recording is
 * over and everything was read. poll() works; O_NONBLOCK gives -EAGAIN.
 * One reader per CPU.
 */
#define STREAM_BATCH	128	/* records formatted at once (a clock snapshot each time) */
#define STREAM_LINE	(KSYM_SYMBOL_LEN + 256)	/* a line at most */

struct stream {
	struct mutex lock;	/* everything below, one read at a time */
	unsigned int cpu;
	bool live;		/* opened while recording: takes events */
	bool header_done;
	size_t len;		/* formatted bytes in @buf */
	size_t off;		/* of which read */
	struct pvtrace_tb tb;
	struct pvtrace_rec recs[STREAM_BATCH];
	char buf[STREAM_BATCH * STREAM_LINE];
	struct site_cache sites;
};

/* Format the next records into @st->buf: bytes, 0 for none yet, or -ENODATA. */
static int stream_fill(struct stream *st)
{
	struct seq_file m = { .buf = st->buf, .size = sizeof(st->buf) };
	int i, n = 0;

	if (st->header_done) {
		if (!st->live)
			return -ENODATA;
		n = pvtrace_rec_stream_take(st->cpu, st->recs, STREAM_BATCH,
					    &st->tb);
		if (n <= 0)
			return n;
	} else {
		pvtrace_seq_header(&m, REC_COLUMNS);
		st->header_done = true;
	}
	for (i = 0; i < n; i++) {
		seq_printf(&m, "%llu %u ", pvtrace_tb_ns(&st->tb, st->recs[i].tsc),
			   st->cpu);
		show_rec_cached(&m, &st->recs[i], &st->sites);
	}
	/* Cannot happen (each line fits in STREAM_LINE); never a torn line. */
	if (WARN_ON_ONCE(seq_has_overflowed(&m)))
		return -EOVERFLOW;
	st->len = m.count;
	st->off = 0;
	return m.count;
}

static ssize_t stream_read(struct file *file, char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	struct stream *st = file->private_data;
	size_t n, done = 0;
	ssize_t ret = 0;

	if (mutex_lock_interruptible(&st->lock))
		return -ERESTARTSYS;
	/* As much as is complete and fits; block only while there is none. */
	while (done < count) {
		if (st->off < st->len) {
			n = min(count - done, st->len - st->off);
			if (copy_to_user(ubuf + done, st->buf + st->off, n)) {
				ret = -EFAULT;
				break;
			}
			st->off += n;
			done += n;
			continue;
		}
		ret = stream_fill(st);
		if (ret > 0)
			continue;
		if (done || ret == -ENODATA) {
			ret = 0;
			break;
		}
		if (ret < 0)
			break;
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		if (wait_event_interruptible(*pvtrace_rec_stream_wq(),
					     pvtrace_rec_stream_ready(st->cpu))) {
			ret = -ERESTARTSYS;
			break;
		}
	}
	mutex_unlock(&st->lock);
	return done ? done : ret;
}

static __poll_t stream_poll(struct file *file, poll_table *wait)
{
	struct stream *st = file->private_data;

	poll_wait(file, pvtrace_rec_stream_wq(), wait);
	if (READ_ONCE(st->off) < READ_ONCE(st->len) || !st->live ||
	    !READ_ONCE(st->header_done) || pvtrace_rec_stream_ready(st->cpu))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static int stream_file_open(struct inode *inode, struct file *file)
{
	unsigned int cpu = (unsigned long)inode->i_private;
	struct stream *st;
	int ret;

	st = kvzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	ret = pvtrace_rec_stream_open(cpu);
	if (ret < 0) {
		kvfree(st);
		return ret;
	}
	mutex_init(&st->lock);
	st->cpu = cpu;
	st->live = ret;
	file->private_data = st;
	return stream_open(inode, file);
}

static int stream_file_release(struct inode *inode, struct file *file)
{
	struct stream *st = file->private_data;

	pvtrace_rec_stream_release(st->cpu);
	kvfree(st);
	return 0;
}

static const struct file_operations stream_fops = {
	.owner = THIS_MODULE,
	.open = stream_file_open,
	.read = stream_read,
	.poll = stream_poll,
	.release = stream_file_release,
};

void pvtrace_debugfs_recorder(struct dentry *dir)
{
	struct dentry *d = debugfs_create_dir("recorder", dir);
	struct dentry *sd = debugfs_create_dir("stream", d);
	char name[16];
	unsigned int cpu;

	debugfs_create_file("status", 0444, d, NULL, &status_fops);
	debugfs_create_file("percpu", 0444, d, NULL, &percpu_fops);
	debugfs_create_file("trace", 0444, d, NULL, &trace_fops);
	for_each_possible_cpu(cpu) {
		snprintf(name, sizeof(name), "cpu%u", cpu);
		debugfs_create_file(name, 0444, sd, (void *)(unsigned long)cpu,
				    &stream_fops);
	}
	debugfs_create_file("slowest", 0444, dir, NULL, &slowest_fops);
}

