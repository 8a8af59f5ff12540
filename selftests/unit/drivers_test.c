// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of module/drivers_parse.c: the default set, the probes=
 * syntax (add, replace, duplicates, every refusal and the item it names)
 * and the xenstore message type names.
 */
#include <string.h>

#include "kselftest.h"

#include <pvtrace/drivers.h>

static struct pvtrace_drv_target t[PVTRACE_DRV_TARGETS];

static int parse(const char *val, unsigned int *n, unsigned int *bad,
		 unsigned int *bad_len)
{
	memset(t, 0x5a, sizeof(t));
	return pvtrace_drv_parse(val, t, n, bad, bad_len);
}

static bool has(unsigned int n, const char *mod, const char *func)
{
	return pvtrace_drv_find(t, n, mod, func) >= 0;
}

static void test_defaults(void)
{
	unsigned int n, bad, bad_len, i;
	bool ok;

	ok = !parse("", &n, &bad, &bad_len) && n == PVTRACE_DRV_NDEFAULTS;
	for (i = 0; ok && i < n; i++)
		ok = !t[i].named && strcmp(t[i].role, "-") &&
		     strlen(t[i].mod) < PVTRACE_DRV_MOD_LEN;
	ok &= has(n, "xen_netfront", "xennet_start_xmit") &&
	      has(n, "xen_netfront", "xennet_poll") &&
	      has(n, "xen_blkfront", "blkif_queue_rq") &&
	      has(n, "xen_blkfront", "blkif_complete_rq") &&
	      has(n, "vmlinux", "notify_remote_via_irq") &&
	      has(n, "vmlinux", "gnttab_map_refs") &&
	      has(n, "vmlinux", "gnttab_unmap_refs") &&
	      has(n, "vmlinux", "gnttab_batch_copy");
	ok &= t[pvtrace_drv_find(t, n, "vmlinux", "xs_talkv")].kind ==
	      PVTRACE_DRV_XS_KERNEL;
	ok &= t[pvtrace_drv_find(t, n, "vmlinux", "xenbus_dev_request_and_reply")].kind ==
	      PVTRACE_DRV_XS_USER;
	ksft_test_result(ok, "defaults: an empty value is the default set, every role named\n");

	ok = !parse("\n", &n, &bad, &bad_len) && n == PVTRACE_DRV_NDEFAULTS;
	ksft_test_result(ok, "defaults: a lone newline (a sysfs write) too\n");
}

static void test_add_replace(void)
{
	unsigned int n, bad, bad_len;
	bool ok;

	ok = !parse("+xen-netfront:xennet_tx_buf_gc,+vmlinux:xen_irq_lateeoi\n",
		    &n, &bad, &bad_len) &&
	     n == PVTRACE_DRV_NDEFAULTS + 2 &&
	     has(n, "xen_netfront", "xennet_tx_buf_gc") &&
	     has(n, "vmlinux", "xen_irq_lateeoi") &&
	     has(n, "vmlinux", "xs_talkv");
	ok &= t[n - 1].named && !strcmp(t[n - 1].role, "-") &&
	      t[n - 1].kind == PVTRACE_DRV_PLAIN;
	ksft_test_result(ok, "add: +targets come after the default set, '-' becomes '_'\n");

	ok = !parse("vmlinux:xs_talkv,xen_blkfront:blkif_queue_rq", &n, &bad,
		    &bad_len) &&
	     n == 2 && t[0].kind == PVTRACE_DRV_XS_KERNEL && t[0].named &&
	     !strcmp(t[0].role, "xenbus_kernel") &&
	     !strcmp(t[1].role, "blk_queue") &&
	     !has(n, "vmlinux", "gnttab_map_refs");
	ksft_test_result(ok, "replace: only the targets named, defaults keep role and kind\n");

	ok = !parse("+vmlinux:xs_talkv,+vmlinux:xs_talkv,+a:b,+a:b", &n, &bad,
		    &bad_len) &&
	     n == PVTRACE_DRV_NDEFAULTS + 1 &&
	     t[pvtrace_drv_find(t, n, "vmlinux", "xs_talkv")].named;
	ksft_test_result(ok, "duplicates count once; a default named again is named\n");

	ok = !parse("m:f.isra.0", &n, &bad, &bad_len) && n == 1 &&
	     !strcmp(t[0].func, "f.isra.0");
	ksft_test_result(ok, "function names may carry compiler suffixes\n");
}

/* @val is refused with @err, naming the item at @off of @len bytes. */
static bool refused(const char *val, int err, unsigned int off,
		    unsigned int len)
{
	unsigned int n = 99, bad, bad_len;
	int ret = parse(val, &n, &bad, &bad_len);

	if (ret != err || bad != off || bad_len != len)
		ksft_print_msg("'%s': err %d off %u len %u\n", val, ret, bad,
			       bad_len);
	return ret == err && bad == off && bad_len == len;
}

static void test_refusals(void)
{
	char mod[80], func[80], big[PVTRACE_DRV_PARAM_LEN + 8], many[1024];
	bool ok = true;
	unsigned int i;
	int len = 0;

	ok &= refused("vmlinux", PVTRACE_DRV_ESYNTAX, 0, 7);
	ok &= refused(":f", PVTRACE_DRV_ESYNTAX, 0, 2);
	ok &= refused("m:", PVTRACE_DRV_ESYNTAX, 0, 2);
	ok &= refused("a:b,,c:d", PVTRACE_DRV_ESYNTAX, 4, 0);
	ok &= refused("a:b,", PVTRACE_DRV_ESYNTAX, 4, 0);
	ok &= refused("+", PVTRACE_DRV_ESYNTAX, 0, 1);
	ok &= refused("a:b:c", PVTRACE_DRV_EFUNC, 0, 5);
	ok &= refused("a b:c", PVTRACE_DRV_EMOD, 0, 5);
	ok &= refused("x:1func", PVTRACE_DRV_EFUNC, 0, 7);
	ok &= refused("x:f-g", PVTRACE_DRV_EFUNC, 0, 5);
	ok &= refused("+a:b,c:d", PVTRACE_DRV_EMIXED, 5, 3);
	ok &= refused("a:b,+c:d", PVTRACE_DRV_EMIXED, 4, 4);
	ksft_test_result(ok, "refusals: syntax, names, mixing, each naming its item\n");

	memset(mod, 'm', sizeof(mod));
	memcpy(mod + PVTRACE_DRV_MOD_LEN, ":f", 3);
	ok = refused(mod, PVTRACE_DRV_EMOD, 0, PVTRACE_DRV_MOD_LEN + 2);
	mod[PVTRACE_DRV_MOD_LEN - 1] = ':';
	mod[PVTRACE_DRV_MOD_LEN] = 'f';
	mod[PVTRACE_DRV_MOD_LEN + 1] = '\0';
	ok &= refused(mod, PVTRACE_DRV_OK, 0, 0);
	memcpy(func, "m:", 2);
	memset(func + 2, 'f', PVTRACE_DRV_FUNC_LEN);
	func[2 + PVTRACE_DRV_FUNC_LEN] = '\0';
	ok &= refused(func, PVTRACE_DRV_EFUNC, 0, 2 + PVTRACE_DRV_FUNC_LEN);
	func[1 + PVTRACE_DRV_FUNC_LEN] = '\0';
	ok &= refused(func, PVTRACE_DRV_OK, 0, 0);
	memset(big, 'a', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	ok &= refused(big, PVTRACE_DRV_ELONG, 0, 0);
	ksft_test_result(ok, "refusals: names and values one past their limits\n");

	for (i = 0; i <= PVTRACE_DRV_TARGETS; i++)
		len += snprintf(many + len, sizeof(many) - len, "%sm:f%u",
				i ? "," : "", i);
	ok = refused(many, PVTRACE_DRV_ETOOMANY, len - 5, 5);
	many[len - 6] = '\0';
	ok &= refused(many, PVTRACE_DRV_OK, 0, 0);
	/* The defaults plus enough added ones to overflow. */
	len = 0;
	for (i = 0; i <= PVTRACE_DRV_TARGETS - PVTRACE_DRV_NDEFAULTS; i++)
		len += snprintf(many + len, sizeof(many) - len, "%s+m:f%u",
				i ? "," : "", i);
	ok &= refused(many, PVTRACE_DRV_ETOOMANY, len - 6, 6);
	ksft_test_result(ok, "refusals: %u targets at most, defaults included\n",
			 PVTRACE_DRV_TARGETS);

	ok = true;
	for (i = 0; i <= PVTRACE_DRV_ELONG; i++)
		ok &= strlen(pvtrace_drv_strerror(i)) > 0 &&
		      !strchr(pvtrace_drv_strerror(i), '\n');
	ok &= !strcmp(pvtrace_drv_strerror(99), "?");
	ksft_test_result(ok, "every refusal has a message\n");
}

static void test_xs_names(void)
{
	bool ok;
	unsigned int i;

	/* Values are Xen ABI (xen/interface/io/xs_wire.h). */
	ok = !strcmp(pvtrace_xs_type_name(0), "XS_CONTROL") &&
	     !strcmp(pvtrace_xs_type_name(1), "XS_DIRECTORY") &&
	     !strcmp(pvtrace_xs_type_name(2), "XS_READ") &&
	     !strcmp(pvtrace_xs_type_name(6), "XS_TRANSACTION_START") &&
	     !strcmp(pvtrace_xs_type_name(11), "XS_WRITE") &&
	     !strcmp(pvtrace_xs_type_name(16), "XS_ERROR") &&
	     !strcmp(pvtrace_xs_type_name(21), "XS_RESET_WATCHES") &&
	     !strcmp(pvtrace_xs_type_name(22), "XS_DIRECTORY_PART") &&
	     !strcmp(pvtrace_xs_type_name(23), "other") &&
	     !strcmp(pvtrace_xs_type_name(0xffff), "other");
	for (i = 0; i < PVTRACE_XS_TYPES; i++)
		ok &= !strchr(pvtrace_xs_type_name(i), ' ');
	ok &= pvtrace_xs_slot(2) == 2 && pvtrace_xs_slot(23) == PVTRACE_XS_OTHER &&
	      pvtrace_xs_slot(0xffffffffu) == PVTRACE_XS_OTHER;
	ksft_test_result(ok, "xenstore types: Xen's names, out-of-range types in 'other'\n");

	ok = !strcmp(pvtrace_drv_state_name(PVTRACE_DRV_PENDING), "pending") &&
	     !strcmp(pvtrace_drv_state_name(PVTRACE_DRV_ATTACHED), "attached") &&
	     !strcmp(pvtrace_drv_state_name(PVTRACE_DRV_FAILED), "failed") &&
	     !strcmp(pvtrace_drv_state_name(PVTRACE_DRV_DETACHED), "detached") &&
	     !strcmp(pvtrace_drv_state_name(4), "-");
	ksft_test_result(ok, "state names\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(12);
	test_defaults();
	test_add_replace();
	test_refusals();
	test_xs_names();
	ksft_finished();
}
