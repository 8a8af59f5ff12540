// SPDX-License-Identifier: GPL-2.0
/*
 * gnttab-self: grant a page to this very domain and map it, or copy
 * through it, N times, as a user-space back end would: the grant-table
 * operations that are hypercalls (gnttab_map_refs(), gnttab_unmap_refs(),
 * gnttab_batch_copy()), made exactly N times each, with the data checked.
 *
 *   gnttab-self DOMID map|copy N
 *
 * DOMID is this domain's own id (0 in dom0; a domU's is in xenstore,
 * "domid"): Xen checks a grant's grantee against the domain mapping it,
 * so DOMID_SELF does not do. One page is granted, writable, through
 * /dev/xen/gntalloc and mapped from it; then each of the N rounds:
 *
 * - map (PV guests only, see below): fills the page with a pattern
 *   through the gntalloc mapping, maps the grant through /dev/xen/gntdev
 *   (IOCTL_GNTDEV_MAP_GRANT_REF, then mmap(): one gnttab_map_refs()),
 *   checks the pattern reads back there, writes another through it and
 *   checks the gntalloc mapping sees it, then unmaps (munmap(), IOCTL_GNTDEV_UNMAP_GRANT_REF: one
 *   gnttab_unmap_refs(), at munmap(); gntdev may defer it to a
 *   workqueue while the page is still referenced);
 * - copy: one IOCTL_GNTDEV_GRANT_COPY of two segments, a local buffer to
 *   the granted page and the granted page to another local buffer, a
 *   batch of two operations that is one gnttab_batch_copy(); checks both
 *   statuses, the page (through the gntalloc mapping) and the buffer read
 *   back.
 *
 * Mapping is refused (exit 4) unless /sys/hypervisor/guest_type is "PV".
 * In an auto-translated guest (PVH, HVM) Xen maps a grant into the
 * guest's physical address space (create_grant_p2m_mapping(), then
 * p2m_add_page()); a frame the domain owns that is already mapped at
 * another guest frame is "aliased": Xen removes that older mapping. The
 * page granted to itself then reads as all ones at its own address, for
 * good: seen in the lab (6.1 PVH dom0, Xen 4.17), where the kernel, given
 * the page back by gntalloc, crashed on it. A PV guest's page tables hold
 * machine frames: the page is simply mapped twice.
 *
 * Prints "MODE N ok domid DOMID gref REF" and exits 0; on failure, a line
 * naming the round, the step and the errno (or Xen's GNTST_ status) on
 * stderr. Exit status: 0 passed, 1 failed, 2 usage, 3 no gntalloc or
 * gntdev device, 4 refused: a map in a guest that is not PV, or Xen
 * refusing the first map or copy (before any succeeded).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/types.h>

/*
 * From include/uapi/xen/gntalloc.h and gntdev.h: libc ships them
 * (linux-libc-dev) but gntdev.h uses grant_ref_t and domid_t, which it
 * does not define. Their one-element arrays (gref_ids[1], refs[1]) are a
 * single member here: one page, and the same size, which is in the ioctl
 * numbers.
 */
struct ioctl_gntalloc_alloc_gref {
	__u16 domid;
	__u16 flags;
	__u32 count;
	__u64 index;
	__u32 gref_id;
};

struct ioctl_gntalloc_dealloc_gref {
	__u64 index;
	__u32 count;
};

#define IOCTL_GNTALLOC_ALLOC_GREF \
	_IOC(_IOC_NONE, 'G', 5, sizeof(struct ioctl_gntalloc_alloc_gref))
#define IOCTL_GNTALLOC_DEALLOC_GREF \
	_IOC(_IOC_NONE, 'G', 6, sizeof(struct ioctl_gntalloc_dealloc_gref))
#define GNTALLOC_FLAG_WRITABLE	1

struct ioctl_gntdev_grant_ref {
	__u32 domid;
	__u32 ref;
};

struct ioctl_gntdev_map_grant_ref {
	__u32 count;
	__u32 pad;
	__u64 index;
	struct ioctl_gntdev_grant_ref ref;
};

struct ioctl_gntdev_unmap_grant_ref {
	__u64 index;
	__u32 count;
	__u32 pad;
};

struct gntdev_grant_copy_segment {
	union {
		void *virt;
		struct {
			__u32 ref;
			__u16 offset;
			__u16 domid;
		} foreign;
	} source, dest;
	__u16 len;
	__u16 flags;
	__s16 status;
};

struct ioctl_gntdev_grant_copy {
	unsigned int count;
	struct gntdev_grant_copy_segment *segments;
};

#define IOCTL_GNTDEV_MAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 0, sizeof(struct ioctl_gntdev_map_grant_ref))
#define IOCTL_GNTDEV_UNMAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 1, sizeof(struct ioctl_gntdev_unmap_grant_ref))
#define IOCTL_GNTDEV_GRANT_COPY \
	_IOC(_IOC_NONE, 'G', 8, sizeof(struct ioctl_gntdev_grant_copy))

/* From include/xen/interface/grant_table.h. */
#define GNTCOPY_source_gref	0x1
#define GNTCOPY_dest_gref	0x2
#define GNTST_okay		0
#define GNTST_bad_domain	(-2)
#define GNTST_permission_denied	(-8)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE	4096
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_NODEV	3
#define EXIT_REFUSED	4

static const char *gntst_name(int st)
{
	static const char *const names[] = {
		"GNTST_okay", "GNTST_general_error", "GNTST_bad_domain",
		"GNTST_bad_gntref", "GNTST_bad_handle", "GNTST_bad_virt_addr",
		"GNTST_bad_dev_addr", "GNTST_no_device_space",
		"GNTST_permission_denied", "GNTST_bad_page",
		"GNTST_bad_copy_arg", "GNTST_address_too_big", "GNTST_eagain",
		"GNTST_no_space",
	};

	return st <= 0 && -st < (int)ARRAY_SIZE(names) ?
	       names[-st] : "GNTST_?";
}

static unsigned long round_no;

/* "gnttab-self: WHAT: EPERM (Operation not permitted)", returns @code. */
static int fail_errno(int code, const char *what)
{
	int e = errno;
	const char *name = strerrorname_np(e);

	fprintf(stderr, "gnttab-self: round %lu: %s: %s (%s)\n", round_no,
		what, name ? name : "?", strerror(e));
	return code;
}

static int fail_msg(const char *what)
{
	fprintf(stderr, "gnttab-self: round %lu: %s\n", round_no, what);
	return EXIT_FAIL;
}

/* Round @r's pattern, word @i of the page, with @salt for its variants. */
static __u32 pattern(unsigned long r, unsigned int i, __u32 salt)
{
	return (__u32)(r * 0x9e3779b1u) ^ (i * 0x85ebca6bu) ^ salt;
}

static void fill(void *page, unsigned long r, __u32 salt)
{
	__u32 *w = page;
	unsigned int i;

	for (i = 0; i < PAGE / 4; i++)
		w[i] = pattern(r, i, salt);
}

/* Index of the first word of @page that is not round @r's, or -1. */
static int check(const void *page, unsigned long r, __u32 salt)
{
	const __u32 *w = page;
	unsigned int i;

	for (i = 0; i < PAGE / 4; i++)
		if (w[i] != pattern(r, i, salt))
			return i;
	return -1;
}

static int mismatch(const char *where, const void *page, int word,
		    unsigned long r, __u32 salt)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "%s: word %d is 0x%08x, not 0x%08x", where,
		 word, ((const __u32 *)page)[word],
		 pattern(r, word, salt));
	return fail_msg(msg);
}

static int map_round(int gd, void *page, __u32 domid, __u32 gref,
		     unsigned long r)
{
	struct ioctl_gntdev_map_grant_ref map = { .count = 1 };
	struct ioctl_gntdev_unmap_grant_ref unmap = { .count = 1 };
	void *m;
	int bad;

	map.ref.domid = domid;
	map.ref.ref = gref;
	fill(page, r, 0);
	if (ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &map) < 0)
		return fail_errno(EXIT_FAIL, "IOCTL_GNTDEV_MAP_GRANT_REF");
	/* The grant is mapped here, by Xen: EINVAL when it refuses. */
	m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, gd, map.index);
	if (m == MAP_FAILED)
		return fail_errno(r ? EXIT_FAIL : EXIT_REFUSED,
				  "mmap of the grant through /dev/xen/gntdev (Xen's map_grant_ref)");
	bad = check(m, r, 0);
	if (bad >= 0)
		return mismatch("read through the gntdev mapping", m, bad, r, 0);
	fill(m, r, 0x5a5a5a5a);
	bad = check(page, r, 0x5a5a5a5a);
	if (bad >= 0)
		return mismatch("written through gntdev, read through gntalloc",
				page, bad, r, 0x5a5a5a5a);
	if (munmap(m, PAGE) < 0)
		return fail_errno(EXIT_FAIL, "munmap of the gntdev mapping");
	unmap.index = map.index;
	if (ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap) < 0)
		return fail_errno(EXIT_FAIL, "IOCTL_GNTDEV_UNMAP_GRANT_REF");
	return 0;
}

static int copy_round(int gd, void *page, void *out, void *in, __u16 domid,
		      __u32 gref, unsigned long r)
{
	struct gntdev_grant_copy_segment seg[2];
	struct ioctl_gntdev_grant_copy copy = { .count = 2, .segments = seg };
	char msg[160];
	int bad, i;

	memset(seg, 0, sizeof(seg));
	seg[0].source.virt = out;
	seg[0].dest.foreign.ref = gref;
	seg[0].dest.foreign.domid = domid;
	seg[0].len = PAGE;
	seg[0].flags = GNTCOPY_dest_gref;
	seg[1].source.foreign.ref = gref;
	seg[1].source.foreign.domid = domid;
	seg[1].dest.virt = in;
	seg[1].len = PAGE;
	seg[1].flags = GNTCOPY_source_gref;
	fill(out, r, 0xa5a5a5a5);
	memset(page, 0, PAGE);
	memset(in, 0, PAGE);
	if (ioctl(gd, IOCTL_GNTDEV_GRANT_COPY, &copy) < 0)
		return fail_errno(EXIT_FAIL, "IOCTL_GNTDEV_GRANT_COPY");
	for (i = 0; i < 2; i++) {
		if (seg[i].status == GNTST_okay)
			continue;
		snprintf(msg, sizeof(msg), "grant copy segment %d (%s): Xen says %d %s",
			 i, i ? "page to buffer" : "buffer to page", seg[i].status,
			 gntst_name(seg[i].status));
		fail_msg(msg);
		return !r && (seg[i].status == GNTST_permission_denied ||
			      seg[i].status == GNTST_bad_domain) ?
		       EXIT_REFUSED : EXIT_FAIL;
	}
	bad = check(page, r, 0xa5a5a5a5);
	if (bad >= 0)
		return mismatch("copied to the page, read through gntalloc", page,
				bad, r, 0xa5a5a5a5);
	bad = check(in, r, 0xa5a5a5a5);
	if (bad >= 0)
		return mismatch("copied from the page", in, bad, r, 0xa5a5a5a5);
	return 0;
}

/* Whether this is a PV guest, from /sys/hypervisor/guest_type. */
static int pv_guest(char *type, size_t len)
{
	FILE *f = fopen("/sys/hypervisor/guest_type", "r");
	int ok = f && fgets(type, len, f);

	if (f)
		fclose(f);
	if (!ok)
		snprintf(type, len, "unknown");
	type[strcspn(type, "\n")] = '\0';
	return !strcmp(type, "PV");
}

int main(int argc, char **argv)
{
	struct ioctl_gntalloc_alloc_gref alloc = { .flags = GNTALLOC_FLAG_WRITABLE,
						   .count = 1 };
	struct ioctl_gntalloc_dealloc_gref dealloc = { .count = 1 };
	unsigned long n, domid;
	void *page, *out, *in;
	int ad, gd, copy, rc = 0;
	char *end, type[16];

	if (argc != 4 || (strcmp(argv[2], "map") && strcmp(argv[2], "copy"))) {
		fprintf(stderr, "usage: %s DOMID map|copy N\n", argv[0]);
		return EXIT_USAGE;
	}
	domid = strtoul(argv[1], &end, 0);
	if (*end || domid >= 0x7ff0) {
		fprintf(stderr, "gnttab-self: DOMID %s: not a domain id\n", argv[1]);
		return EXIT_USAGE;
	}
	copy = !strcmp(argv[2], "copy");
	n = strtoul(argv[3], &end, 0);
	if (*end) {
		fprintf(stderr, "gnttab-self: N %s: not a number\n", argv[3]);
		return EXIT_USAGE;
	}
	if (!copy && !pv_guest(type, sizeof(type))) {
		fprintf(stderr, "gnttab-self: map: refused: guest type %s, not PV\n",
			type);
		return EXIT_REFUSED;
	}
	ad = open("/dev/xen/gntalloc", O_RDWR);
	if (ad < 0)
		return fail_errno(errno == ENOENT ? EXIT_NODEV : EXIT_FAIL,
				  "open /dev/xen/gntalloc");
	gd = open("/dev/xen/gntdev", O_RDWR);
	if (gd < 0)
		return fail_errno(errno == ENOENT ? EXIT_NODEV : EXIT_FAIL,
				  "open /dev/xen/gntdev");
	alloc.domid = domid;
	if (ioctl(ad, IOCTL_GNTALLOC_ALLOC_GREF, &alloc) < 0)
		return fail_errno(EXIT_FAIL, "IOCTL_GNTALLOC_ALLOC_GREF");
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ad,
		    alloc.index);
	if (page == MAP_FAILED)
		return fail_errno(EXIT_FAIL, "mmap of the granted page (gntalloc)");
	out = aligned_alloc(PAGE, PAGE);
	in = aligned_alloc(PAGE, PAGE);
	if (!out || !in)
		return fail_errno(EXIT_FAIL, "aligned_alloc");
	for (round_no = 0; round_no < n && !rc; round_no++)
		rc = copy ? copy_round(gd, page, out, in, domid,
				       alloc.gref_id, round_no) :
			    map_round(gd, page, domid, alloc.gref_id,
				      round_no);
	if (munmap(page, PAGE) < 0 && !rc)
		rc = fail_errno(EXIT_FAIL, "munmap of the granted page");
	dealloc.index = alloc.index;
	if (ioctl(ad, IOCTL_GNTALLOC_DEALLOC_GREF, &dealloc) < 0 && !rc)
		rc = fail_errno(EXIT_FAIL, "IOCTL_GNTALLOC_DEALLOC_GREF");
	close(gd);
	close(ad);
	free(out);
	free(in);
	if (!rc)
		printf("%s %lu ok domid %lu gref %u\n", argv[2], n, domid,
		       alloc.gref_id);
	return rc;
}
