// SPDX-License-Identifier: GPL-2.0
/*
 * hcall-long: stay inside one hypercall for a while, from userspace, as a
 * long hypercall of the toolstack does: a multicall of N harmless entries
 * (xen_version XENVER_version) through /dev/xen/privcmd. Xen checks for
 * pending work between entries and, when there is some, lets the guest
 * take its interrupts and continues the same call afterwards
 * (hypercall_create_continuation(): the vCPU re-executes the hypercall
 * instruction), so an event, an IPI or the guest's own preemption of the
 * task does not end it. The guest stays inside the call, and inside
 * pvtrace's stub when it is loaded, until the last entry is done.
 * (A SCHEDOP_poll does not do: any event the vCPU takes ends it, and the
 * tick comes every few milliseconds.)
 *
 *   hcall-long -c MS   print N, the entries one call needs to take MS
 *                      milliseconds or more (at most MAX_ENTRIES)
 *   hcall-long N       make one call of N entries; print "start <uptime>"
 *                      as it begins, then "call <ms> rc <result> end
 *                      <uptime>": its length, its result (0: every entry
 *                      ran and returned the version), when it ended, and
 *                      "cpus <a> <b>": the CPU it ran on before and after
 *
 * Times are in /proc/uptime's clock (CLOCK_BOOTTIME, seconds), so that a
 * shell script can compare them with its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

/* From include/uapi/xen/privcmd.h and xen/interface/xen.h. */
struct privcmd_hypercall {
	__u64 op;
	__u64 arg[5];
};

#define IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

struct multicall_entry {
	__u64 op;
	__s64 result;
	__u64 args[6];
};

#define HYPERVISOR_multicall	13
#define HYPERVISOR_xen_version	17
#define XENVER_version		0

/*
 * 64 bytes each: 4 Mi entries are 256 MiB of hypercall buffers. Under TCG
 * an entry takes about 0.5 us.
 */
#define MAX_ENTRIES	(4UL * 1024 * 1024)

static int pfd;
static struct multicall_entry *calls;

static double now_ms(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One multicall of @n entries; its result, or -errno. */
static long multicall(unsigned long n)
{
	struct privcmd_hypercall h = { .op = HYPERVISOR_multicall };
	unsigned long i;
	long rc;

	for (i = 0; i < n; i++) {
		calls[i].op = HYPERVISOR_xen_version;
		calls[i].result = -1;
		calls[i].args[0] = XENVER_version;
		calls[i].args[1] = 0;
	}
	h.arg[0] = (uintptr_t)calls;
	h.arg[1] = n;
	rc = ioctl(pfd, IOCTL_PRIVCMD_HYPERCALL, &h);
	if (rc < 0)
		return -errno;
	/* Every entry ran: the call was not cut short. */
	for (i = 0; i < n; i++)
		if (calls[i].result <= 0)
			return -EIO;
	return rc;
}

static double uptime(void)
{
	return now_ms(CLOCK_BOOTTIME) / 1e3;
}

/* The entries a call needs to take @ms or more. */
static unsigned long calibrate(unsigned long ms)
{
	unsigned long n = 1024;
	double t0, took;
	long rc;

	/* Grow N until one call takes a quarter of MS or more, then scale. */
	for (;;) {
		t0 = now_ms(CLOCK_MONOTONIC);
		rc = multicall(n);
		took = now_ms(CLOCK_MONOTONIC) - t0;
		if (rc < 0) {
			fprintf(stderr, "hcall-long: multicall of %lu: %s\n", n,
				strerror((int)-rc));
			return 0;
		}
		if (took * 4 >= ms || n == MAX_ENTRIES)
			break;
		n = n * 4 > MAX_ENTRIES ? MAX_ENTRIES : n * 4;
	}
	if (took < ms) {
		double want = (double)n * ms / (took > 1 ? took : 1) * 1.2;

		n = want > MAX_ENTRIES ? MAX_ENTRIES : (unsigned long)want;
	}
	return n;
}

/*
 * The entries in hypercall buffers, as libxencall allocates them: pages of
 * /dev/xen/hypercall (privcmd-buf), which Xen may read at any moment of the
 * call. HCALL_LONG_MALLOC=1: plain malloc()ed memory instead.
 */
static struct multicall_entry *alloc_entries(unsigned long n)
{
	size_t len = n * sizeof(*calls);
	void *p;
	int fd;

	if (getenv("HCALL_LONG_MALLOC")) {
		p = calloc(n, sizeof(*calls));
		if (!p)
			fprintf(stderr, "hcall-long: out of memory\n");
		return p;
	}
	len = (len + 4095) & ~4095UL;
	fd = open("/dev/xen/hypercall", O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "hcall-long: open /dev/xen/hypercall: %s\n",
			strerror(errno));
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "hcall-long: mmap /dev/xen/hypercall: %zu bytes: %s\n",
			len, strerror(errno));
		return NULL;
	}
	return p;
}

int main(int argc, char **argv)
{
	unsigned long n;
	double t0, took;
	int cpu0;
	long rc;

	if (argc == 3 && !strcmp(argv[1], "-c"))
		n = strtoul(argv[2], NULL, 0);
	else if (argc == 2)
		n = strtoul(argv[1], NULL, 0);
	else
		n = 0;
	if (!n || (argc == 2 && n > MAX_ENTRIES)) {
		fprintf(stderr, "usage: %s -c MS | %s N (N <= %lu)\n", argv[0],
			argv[0], MAX_ENTRIES);
		return 2;
	}
	pfd = open("/dev/xen/privcmd", O_RDWR);
	if (pfd < 0) {
		fprintf(stderr, "hcall-long: open /dev/xen/privcmd: %s\n",
			strerror(errno));
		return 1;
	}
	calls = alloc_entries(argc == 3 ? MAX_ENTRIES : n);
	if (!calls)
		return 1;
	if (argc == 3) {
		n = calibrate(n);
		if (!n)
			return 1;
		printf("%lu\n", n);
		return 0;
	}
	cpu0 = sched_getcpu();
	printf("start %.2f\n", uptime());
	fflush(stdout);
	t0 = now_ms(CLOCK_MONOTONIC);
	rc = multicall(n);
	took = now_ms(CLOCK_MONOTONIC) - t0;
	printf("call %.0f rc %ld end %.2f cpus %d %d\n", took, rc, uptime(),
	       cpu0, sched_getcpu());
	return rc < 0;
}
