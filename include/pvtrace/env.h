/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where pvtrace runs: the kind of guest, decided once at load from facts
 * the kernel knows. The decision and the names are pure (unit-tested in
 * userspace); module/env.c gathers the facts.
 */
#ifndef _PVTRACE_ENV_H
#define _PVTRACE_ENV_H

#include <linux/types.h>

enum pvtrace_guest {
	PVTRACE_GUEST_NATIVE,	/* no hypervisor at all */
	PVTRACE_GUEST_OTHER,	/* a hypervisor that is neither Xen nor KVM */
	PVTRACE_GUEST_XEN_PV,
	PVTRACE_GUEST_XEN_PVH,
	PVTRACE_GUEST_XEN_HVM,	/* HVM with PV drivers (PVHVM) */
	PVTRACE_GUEST_KVM,
};

/**
 * struct pvtrace_env_facts - what the kernel says about the platform
 * @xen_pv: xen_pv_domain()
 * @xen_hvm: xen_hvm_domain() (true for PVH as well)
 * @xen_pvh: xen_pvh_domain()
 * @kvm: the x86 hypervisor type is KVM
 * @hypervisor_bit: CPUID says a hypervisor is present
 */
struct pvtrace_env_facts {
	bool xen_pv;
	bool xen_hvm;
	bool xen_pvh;
	bool kvm;
	bool hypervisor_bit;
};

static inline enum pvtrace_guest
pvtrace_env_classify(const struct pvtrace_env_facts *f)
{
	if (f->xen_pv)
		return PVTRACE_GUEST_XEN_PV;
	if (f->xen_hvm)
		return f->xen_pvh ? PVTRACE_GUEST_XEN_PVH : PVTRACE_GUEST_XEN_HVM;
	if (f->kvm)
		return PVTRACE_GUEST_KVM;
	return f->hypervisor_bit ? PVTRACE_GUEST_OTHER : PVTRACE_GUEST_NATIVE;
}

static inline bool pvtrace_guest_is_xen(enum pvtrace_guest g)
{
	return g == PVTRACE_GUEST_XEN_PV || g == PVTRACE_GUEST_XEN_PVH ||
	       g == PVTRACE_GUEST_XEN_HVM;
}

/* Name as shown in the summary file: no spaces, stable. */
static inline const char *pvtrace_guest_name(enum pvtrace_guest g)
{
	switch (g) {
	case PVTRACE_GUEST_NATIVE:
		return "native";
	case PVTRACE_GUEST_OTHER:
		return "other";
	case PVTRACE_GUEST_XEN_PV:
		return "xen-pv";
	case PVTRACE_GUEST_XEN_PVH:
		return "xen-pvh";
	case PVTRACE_GUEST_XEN_HVM:
		return "xen-hvm";
	case PVTRACE_GUEST_KVM:
		return "kvm";
	}
	return "unknown";
}

/*
 * Why pvtrace will not load in guest @g, as one log line; NULL if it will.
 * A KVM guest loads: steal time is what it can see.
 */
static inline const char *pvtrace_env_refusal(enum pvtrace_guest g)
{
	switch (g) {
	case PVTRACE_GUEST_NATIVE:
		return "bare metal, no hypervisor: pvtrace needs a Xen or KVM guest; not loading";
	case PVTRACE_GUEST_OTHER:
		return "hypervisor is neither Xen nor KVM: nothing to observe; not loading";
	default:
		return NULL;
	}
}

/**
 * struct pvtrace_env - the platform, as decided at load
 * @guest: kind of guest
 * @xen_initial: the initial domain (dom0)
 * @tsc_emulated: Xen emulates RDTSC for this guest (Xen's CPUID leaf 3):
 *	each TSC read is a VM exit (an HVM-type guest on a host without an
 *	invariant TSC, or after a migration)
 * @xen_version: Xen's version, as XENVER_version answers it (major << 16
 *	| minor), asked once at load, before any hook is in; 0 outside Xen
 */
struct pvtrace_env {
	enum pvtrace_guest guest;
	bool xen_initial;
	bool tsc_emulated;
	int xen_version;
};

int pvtrace_env_probe(struct pvtrace_env *env);

#endif /* _PVTRACE_ENV_H */
