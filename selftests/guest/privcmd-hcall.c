// SPDX-License-Identifier: GPL-2.0
/*
 * privcmd-hcall: make a hypercall from userspace through /dev/xen/privcmd,
 * N times, as the Xen toolstack does. Prints "ok <calls returning >= 0>
 * err <calls failing> errno <last errno>"; with -t, first a line
 * "t <before> <after>" per call: CLOCK_MONOTONIC ns read just before and
 * just after it.
 *
 *   privcmd-hcall [-t] N OP ARG0 [ARG1...]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

/* From include/uapi/xen/privcmd.h, which no libc ships. */
struct privcmd_hypercall {
	__u64 op;
	__u64 arg[5];
};

#define IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct privcmd_hypercall h = { 0 };
	unsigned long n, i, ok = 0, err = 0;
	unsigned long long t0 = 0;
	int fd, last = 0, times = 0;

	if (argc > 1 && !strcmp(argv[1], "-t")) {
		times = 1;
		argc--;
		argv++;
	}
	if (argc < 4 || argc > 8) {
		fprintf(stderr, "usage: %s [-t] N OP ARG0 [ARG1...]\n", argv[0]);
		return 2;
	}
	n = strtoul(argv[1], NULL, 0);
	h.op = strtoull(argv[2], NULL, 0);
	for (i = 3; i < (unsigned long)argc; i++)
		h.arg[i - 3] = strtoull(argv[i], NULL, 0);
	fd = open("/dev/xen/privcmd", O_RDWR);
	if (fd < 0) {
		perror("/dev/xen/privcmd");
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (times)
			t0 = mono_ns();
		if (ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h) < 0) {
			err++;
			last = errno;
		} else {
			ok++;
		}
		if (times)
			printf("t %llu %llu\n", t0, mono_ns());
	}
	close(fd);
	printf("ok %lu err %lu errno %d\n", ok, err, last);
	return 0;
}
