// SPDX-License-Identifier: GPL-2.0
/*
 * evtchn-loop: make a fresh event channel and fire it exactly N times,
 * through /dev/xen/evtchn, as a user-space back end would.
 *
 *   evtchn-loop N DOMID [CMD]
 *
 * Binds an unbound port A (for domain DOMID: the guest's own domid, 0 in
 * dom0, or DOMID_SELF, 32752, which Xen accepts for a loopback in any
 * domain) and a port B interdomain to A, so that a notify on B is an event
 * on A. Each round notifies B, waits for A's event (read) and re-enables
 * A (write), so A's handler runs exactly N times. (Binding B makes Xen
 * raise one event on B itself, in case the remote end had notified
 * before: it is taken and re-enabled, and counts for B, not A.) Then prints
 * "ports A B", runs CMD (if given) through sh with PORT=A set while both
 * ports are still bound, and closes them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* From include/uapi/xen/evtchn.h, which no libc ships. */
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

static int fail(const char *what)
{
	fprintf(stderr, "evtchn-loop: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct ioctl_evtchn_bind_unbound_port unb = { 0 };
	struct ioctl_evtchn_bind_interdomain idm = { 0 };
	struct ioctl_evtchn_notify nfy = { 0 };
	unsigned long n, i;
	unsigned int got;
	int fd, a, b;
	char buf[32];

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s N DOMID [CMD]\n", argv[0]);
		return 2;
	}
	n = strtoul(argv[1], NULL, 0);
	unb.remote_domain = strtoul(argv[2], NULL, 0);
	fd = open("/dev/xen/evtchn", O_RDWR);
	if (fd < 0)
		return fail("open /dev/xen/evtchn");
	a = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &unb);
	if (a < 0)
		return fail("bind unbound port");
	idm.remote_domain = unb.remote_domain;
	idm.remote_port = a;
	b = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &idm);
	if (b < 0)
		return fail("bind interdomain");
	nfy.port = b;
	for (i = 0; i < n; i++) {
		if (ioctl(fd, IOCTL_EVTCHN_NOTIFY, &nfy) < 0)
			return fail("notify");
		do {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			if (poll(&p, 1, 5000) != 1) {
				fprintf(stderr, "evtchn-loop: no event after %lu rounds\n", i);
				return 1;
			}
			if (read(fd, &got, sizeof(got)) != sizeof(got))
				return fail("read");
			if (got != (unsigned int)a && got != (unsigned int)b) {
				fprintf(stderr, "evtchn-loop: event on port %u, not %d or %d\n",
					got, a, b);
				return 1;
			}
			if (write(fd, &got, sizeof(got)) != sizeof(got))
				return fail("write (unmask)");
		} while (got != (unsigned int)a);
	}
	printf("ports %d %d\n", a, b);
	fflush(stdout);
	if (argc == 4) {
		snprintf(buf, sizeof(buf), "%d", a);
		setenv("PORT", buf, 1);
		if (system(argv[3]) != 0)
			fprintf(stderr, "evtchn-loop: CMD failed\n");
	}
	close(fd);
	return 0;
}
