// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/pvtrace/upcalls/: presentation of the upcall hook's
 * statistics (module/upcall.c). Formats: Documentation/ABI/testing/
 * debugfs-pvtrace.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <xen/interface/event_channel.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/upcall.h>

#include "views.h"

#define PERCPU_COLUMNS "cpu upcalls kernel_upcalls empty spurious events " \
	"handlers direct foreign overflow total_ns max_ns"
#define CHANNELS_COLUMNS "port irq kind detail vcpu name calls total_ns max_ns"

/*
 * Channel statistics are read one block at a time, into a kmalloc()ed
 * block: a vmalloc()ed buffer would cost TLB-flush IPIs on every read, and
 * so change the very counts being read.
 */
static int read_block(unsigned int blk, int cpu, struct pvtrace_chan_block *b)
{
	struct pvtrace_stats *st = pvtrace_upcall_chan_stats(blk);

	if (cpu < 0)
		return pvtrace_stats_read_sum(st, b);
	pvtrace_stats_read_cpu(st, cpu, b);
	return 0;
}

static int percpu_show(struct seq_file *m, void *unused)
{
	struct pvtrace_upcall_cpu *s;
	unsigned int cpu;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	pvtrace_seq_header(m, PERCPU_COLUMNS);
	for_each_possible_cpu(cpu) {
		pvtrace_stats_read_cpu(pvtrace_upcall_cpu_stats(), cpu, s);
		seq_printf(m, "%u %llu %u %llu %llu %llu %llu %llu %llu %llu %llu %llu\n",
			   cpu, pvtrace_hist_count(&s->lat),
			   pvtrace_upcall_kernel_count(cpu), s->empty,
			   s->spurious, s->events, s->handlers, s->direct,
			   s->foreign, s->overflow, s->lat.sum_ns,
			   s->lat.max_ns);
	}
	kfree(s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(percpu);

/* One histogram per CPU: @events picks events per upcall over latency. */
static int cpu_hist_show(struct seq_file *m, bool events)
{
	struct pvtrace_upcall_cpu *s;
	unsigned int cpu;
	char key[16];

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	pvtrace_seq_header(m, events ? "cpu lo_events hi_events count" :
			   "cpu lo_ns hi_ns count");
	for_each_possible_cpu(cpu) {
		pvtrace_stats_read_cpu(pvtrace_upcall_cpu_stats(), cpu, s);
		snprintf(key, sizeof(key), "%u", cpu);
		pvtrace_seq_hist(m, key, events ? &s->per_upcall : &s->lat);
	}
	kfree(s);
	return 0;
}

static int latency_show(struct seq_file *m, void *unused)
{
	return cpu_hist_show(m, false);
}
DEFINE_SHOW_ATTRIBUTE(latency);

static int events_show(struct seq_file *m, void *unused)
{
	return cpu_hist_show(m, true);
}
DEFINE_SHOW_ATTRIBUTE(events);

/* "port", or "-" when unknown, into @buf. */
static const char *port_str(int port, char *buf, size_t len)
{
	if (port < 0)
		return "-";
	snprintf(buf, len, "%d", port);
	return buf;
}

/* Xen's binding of @port as "kind detail vcpu" columns. */
static void seq_binding(struct seq_file *m, int port)
{
	struct evtchn_status st;

	if (port < 0 || pvtrace_upcall_port_status(port, &st)) {
		seq_puts(m, "unknown - -");
		return;
	}
	seq_printf(m, "%s ", pvtrace_evtchn_kind(st.status));
	switch (st.status) {
	case EVTCHNSTAT_unbound:
		seq_printf(m, "remote=%u", st.u.unbound.dom);
		break;
	case EVTCHNSTAT_interdomain:
		seq_printf(m, "remote=%u/%u", st.u.interdomain.dom,
			   st.u.interdomain.port);
		break;
	case EVTCHNSTAT_pirq:
		seq_printf(m, "pirq=%u", st.u.pirq);
		break;
	case EVTCHNSTAT_virq:
		seq_printf(m, "virq=%u", st.u.virq);
		break;
	default:
		seq_puts(m, "-");
		break;
	}
	seq_printf(m, " %u", st.vcpu);
}

static int channels_show(struct seq_file *m, void *unused)
{
	char name[PVTRACE_CHAN_NAME], pbuf[12];
	struct pvtrace_chan_block *b;
	unsigned int e;
	int port;
	int irq, ret = 0;

	b = kmalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	pvtrace_seq_header(m, CHANNELS_COLUMNS);
	for (e = 0; e < PVTRACE_CHANS && !ret; e++) {
		const struct pvtrace_hist *h = &b->lat[e % PVTRACE_CHANS_PER_BLOCK];

		if (!(e % PVTRACE_CHANS_PER_BLOCK))
			ret = read_block(e / PVTRACE_CHANS_PER_BLOCK, -1, b);
		if (ret || !pvtrace_upcall_chan(e, &port, &irq, name))
			continue;
		seq_printf(m, "%s %d ", port_str(port, pbuf, sizeof(pbuf)), irq);
		seq_binding(m, port);
		seq_printf(m, " %s %llu %llu %llu\n", name,
			   pvtrace_hist_count(h), h->sum_ns, h->max_ns);
	}
	kfree(b);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(channels);

static int channels_percpu_show(struct seq_file *m, void *unused)
{
	char name[PVTRACE_CHAN_NAME], pbuf[12];
	struct pvtrace_chan_block *b;
	unsigned int cpu, e;
	int port;
	int irq;

	b = kmalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	pvtrace_seq_header(m, "cpu port irq name calls total_ns max_ns");
	for_each_possible_cpu(cpu) {
		for (e = 0; e < PVTRACE_CHANS; e++) {
			const struct pvtrace_hist *h =
				&b->lat[e % PVTRACE_CHANS_PER_BLOCK];

			if (!(e % PVTRACE_CHANS_PER_BLOCK))
				read_block(e / PVTRACE_CHANS_PER_BLOCK, cpu, b);
			if (!pvtrace_hist_count(h) ||
			    !pvtrace_upcall_chan(e, &port, &irq, name))
				continue;
			seq_printf(m, "%u %s %d %s %llu %llu %llu\n", cpu,
				   port_str(port, pbuf, sizeof(pbuf)), irq, name,
				   pvtrace_hist_count(h), h->sum_ns, h->max_ns);
		}
	}
	kfree(b);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(channels_percpu);

static int channel_latency_show(struct seq_file *m, void *unused)
{
	char name[PVTRACE_CHAN_NAME], key[48], pbuf[12];
	struct pvtrace_chan_block *b;
	unsigned int e;
	int port;
	int irq, ret = 0;

	b = kmalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	pvtrace_seq_header(m, "port irq name lo_ns hi_ns count");
	for (e = 0; e < PVTRACE_CHANS && !ret; e++) {
		if (!(e % PVTRACE_CHANS_PER_BLOCK))
			ret = read_block(e / PVTRACE_CHANS_PER_BLOCK, -1, b);
		if (ret || !pvtrace_upcall_chan(e, &port, &irq, name))
			continue;
		snprintf(key, sizeof(key), "%s %d %s",
			 port_str(port, pbuf, sizeof(pbuf)), irq, name);
		pvtrace_seq_hist(m, key, &b->lat[e % PVTRACE_CHANS_PER_BLOCK]);
	}
	kfree(b);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(channel_latency);

static int status_show(struct seq_file *m, void *unused)
{
	char name[PVTRACE_CHAN_NAME];
	unsigned long missed[2];
	unsigned int e, n = 0;
	int port;
	int irq;

	for (e = 0; e < PVTRACE_CHANS; e++)
		n += pvtrace_upcall_chan(e, &port, &irq, name);
	pvtrace_upcall_missed(missed);
	pvtrace_seq_header(m, "key value");
	seq_printf(m, "channels_view %d\n", pvtrace_upcall_channels_on());
	seq_printf(m, "channels %u\n", n);
	seq_printf(m, "channel_capacity %u\n", PVTRACE_CHANS);
	seq_printf(m, "upcall_probe_missed %lu\n", missed[0]);
	seq_printf(m, "dispatch_probe_missed %lu\n", missed[1]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(status);

void pvtrace_debugfs_upcall(struct dentry *parent)
{
	struct dentry *d = debugfs_create_dir("upcalls", parent);

	debugfs_create_file("status", 0444, d, NULL, &status_fops);
	debugfs_create_file("percpu", 0444, d, NULL, &percpu_fops);
	debugfs_create_file("latency", 0444, d, NULL, &latency_fops);
	debugfs_create_file("events_per_upcall", 0444, d, NULL, &events_fops);
	if (!pvtrace_upcall_channels_on())
		return;
	debugfs_create_file("channels", 0444, d, NULL, &channels_fops);
	debugfs_create_file("channels_percpu", 0444, d, NULL,
			    &channels_percpu_fops);
	debugfs_create_file("channel_latency", 0444, d, NULL,
			    &channel_latency_fops);
}
