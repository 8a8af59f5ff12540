// SPDX-License-Identifier: GPL-2.0
/*
 * hcall-poll: stay inside one hypercall for a while, from userspace, as a
 * long hypercall of the toolstack would: SCHEDOP_poll through
 * /dev/xen/privcmd on a loopback event channel (see evtchn-loop.c), which a
 * child process notifies MS milliseconds later. The vCPU is blocked in Xen
 * meanwhile, inside the hypercall (and inside pvtrace's stub, when loaded).
 *
 *   hcall-poll MS
 *
 * Prints "polled <ms> rc <result>": the time the hypercall took and what it
 * returned.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

/* From include/uapi/xen/privcmd.h and evtchn.h, which no libc ships. */
struct privcmd_hypercall {
	__u64 op;
	__u64 arg[5];
};

#define IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

struct ioctl_evtchn_bind_interdomain {
	unsigned int remote_domain, remote_port;
};

struct ioctl_evtchn_bind_unbound_port {
	unsigned int remote_domain;
};

struct ioctl_evtchn_notify {
	unsigned int port;
};

#define IOCTL_EVTCHN_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct ioctl_evtchn_bind_interdomain))
#define IOCTL_EVTCHN_BIND_UNBOUND_PORT \
	_IOC(_IOC_NONE, 'E', 2, sizeof(struct ioctl_evtchn_bind_unbound_port))
#define IOCTL_EVTCHN_NOTIFY \
	_IOC(_IOC_NONE, 'E', 4, sizeof(struct ioctl_evtchn_notify))

/* xen/interface/sched.h */
#define HYPERVISOR_sched_op	29
#define SCHEDOP_poll		3
#define DOMID_SELF		0x7ff0U

struct sched_poll {
	__u32 *ports;
	unsigned int nr_ports;
	__u64 timeout;	/* 0: none */
};

static int fail(const char *what)
{
	fprintf(stderr, "hcall-poll: %s: %s\n", what, strerror(errno));
	return 1;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct ioctl_evtchn_bind_unbound_port unb = { .remote_domain = DOMID_SELF };
	struct ioctl_evtchn_bind_interdomain idm = { .remote_domain = DOMID_SELF };
	struct ioctl_evtchn_notify nfy;
	struct privcmd_hypercall h = { .op = HYPERVISOR_sched_op };
	struct sched_poll sp = { .nr_ports = 1 };
	__u32 port;
	int evfd, pfd, a, b, rc, st;
	unsigned long ms;
	double t0;
	pid_t child;

	if (argc != 2) {
		fprintf(stderr, "usage: %s MS\n", argv[0]);
		return 2;
	}
	ms = strtoul(argv[1], NULL, 0);
	evfd = open("/dev/xen/evtchn", O_RDWR);
	if (evfd < 0)
		return fail("open /dev/xen/evtchn");
	pfd = open("/dev/xen/privcmd", O_RDWR);
	if (pfd < 0)
		return fail("open /dev/xen/privcmd");
	a = ioctl(evfd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &unb);
	if (a < 0)
		return fail("bind unbound port");
	idm.remote_port = a;
	b = ioctl(evfd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &idm);
	if (b < 0)
		return fail("bind interdomain");
	/* Binding B raised an event on B; A is what the poll waits for. */
	port = a;
	sp.ports = &port;
	h.arg[0] = SCHEDOP_poll;
	h.arg[1] = (uintptr_t)&sp;

	child = fork();
	if (child < 0)
		return fail("fork");
	if (!child) {
		usleep(ms * 1000);
		nfy.port = b;
		_exit(ioctl(evfd, IOCTL_EVTCHN_NOTIFY, &nfy) < 0);
	}
	t0 = now_ms();
	rc = ioctl(pfd, IOCTL_PRIVCMD_HYPERCALL, &h);
	if (rc < 0)
		rc = -errno;
	printf("polled %.0f rc %d\n", now_ms() - t0, rc);
	waitpid(child, &st, 0);
	close(pfd);
	close(evfd);
	return !WIFEXITED(st) || WEXITSTATUS(st);
}
