/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvtrace_hcall_stub: what the xen_hypercall static call points at while
 * the hypercall hook is installed. Called like xen_hypercall_{pv,intel,amd}:
 *
 *   in:  %eax hypercall number; %rdi %rsi %rdx %r10 %r8 arguments 1..5
 *   out: %rax result
 *   must preserve: %rcx %r9 %r11 (not in the callers' clobber lists) and
 *   the callee-saved registers. The argument registers and flags are dead
 *   after the call (outputs or clobbers in asm/xen/hypercall.h).
 *
 * The original target is reached through pvtrace's own static call,
 * pvtrace_hcall_orig_call: its call sites here are direct calls (patched
 * at install to the target itself), so there is no indirect branch, no
 * retpoline, and no need for an ENDBR at the target, which
 * xen_hypercall_{pv,amd,intel} do not have from 6.15 ("x86/cfi: Clean up
 * linkage").
 *
 * Common path, pvtrace_hcall_flags == 0 (count only, no extras): the
 * stub alone. It keeps the number and first two arguments on its stack,
 * makes the call, looks the slot up in pvtrace_hcall_slotmap and
 * increments this CPU's untimed counter of the slot: one CPU-local
 * read-modify-write, so a nested call (an NMI) loses nothing and a reader
 * needs no write bracket for it. After the call the argument registers
 * are dead: they are the scratch registers. Errors, numbers >= 64,
 * mmuext_op and multicall go to pvtrace_hcall_exit_untimed().
 *
 * Otherwise (timing, callers or redundancy on): the entry timestamp is
 * read here (or by pvtrace_hcall_enter() when the redundancy check needs
 * the arguments), then the call, then pvtrace_hcall_exit() (timed) or
 * pvtrace_hcall_exit_untimed() does the rest.
 * The entry timestamp lives on this stack, never in per-CPU data: calls
 * nest (an NMI inside a long hypercall) and a preemptible call (privcmd)
 * may migrate.
 *
 * Every path that returns here counts the call in flight
 * (pvtrace_hcall_inflight): incremented before the call, decremented as
 * the last instruction before RET. Unloading waits for the count to read
 * zero and then for every CPU to pass through the scheduler
 * (module/hcall.c), so no CPU is left in this text.
 *
 * Two calls are passed straight to the original target by a tail jump,
 * leaving no return address into this module and touching no per-CPU
 * data but a counter; both take at most three arguments:
 * - VCPUOP_down does not return while the vCPU is offline;
 * - set_segment_base(SEGBASE_GS_KERNEL) is how a PV kernel restores its
 *   GS base, so during it the per-CPU base may be invalid: 6.1's
 *   load_percpu_segment() loads %gs with 0 (clearing the base) just
 *   before, when a CPU comes online. It is counted in one global counter.
 * Before their jump they run a few instructions of this text, as every
 * call does before its increment: with preemption off, the wait for every
 * CPU to pass through the scheduler covers them, and a preempted task
 * there is waited for by synchronize_rcu_tasks().
 */
#include <linux/linkage.h>
#include <asm/percpu.h>
#include <asm/nospec-branch.h>
#include <asm/alternative.h>
#include <asm/cpufeatures.h>
#include <pvtrace/compat.h>

/* Checked against the Xen headers in hcall.c. */
#define HYPERVISOR_vcpu_op		24
#define VCPUOP_down			2
#define HYPERVISOR_set_segment_base	25
#define SEGBASE_GS_KERNEL		2

/* Checked against include/pvtrace/hcall.h in hcall.c. */
#define HCALL_TIMING		0x1
#define HCALL_REDUNDANT		0x4
#define SLOTMAP_COLS		65
#define SLOTMAP_SLOW		0xffff

/* Full path frame: below %rbp, the saved registers, then the timestamp. */
#define F_NR	-32
#define F_A1	-40
#define F_A2	-48
#define F_A3	-56
#define F_T0	-64

/* Fast path, after the call: offsets from %rsp. */
#define S_A2	0
#define S_A1	8
#define S_NR	16
#define S_RET	32		/* our return address: the call site */

/*
 * The key of pvtrace_hcall_orig_call (module/hcall.c), named here so that
 * objtool finds it in this object and records the static call sites below
 * against it. Otherwise objtool, run on each object before 6.12, records
 * them against the trampoline, which only the kernel's exported static
 * calls may be (static_call_add_module(): "Failed to fixup
 * __raw_static_call() usage"). The kernel names its own keys the same way
 * (__ADDRESSABLE_xen_hypercall in asm/xen/hypercall.h).
 */
	.globl	__SCK__pvtrace_hcall_orig_call

	.pushsection .noinstr.text, "ax"
SYM_TYPED_FUNC_START(pvtrace_hcall_stub)
	cmpl	$HYPERVISOR_set_segment_base, %eax
	je	.Lsegbase
	cmpl	$HYPERVISOR_vcpu_op, %eax
	je	.Lvcpu_op
.Lcall:
	incq	PER_CPU_VAR(pvtrace_hcall_inflight)
	cmpl	$0, pvtrace_hcall_flags(%rip)
	jne	.Lfull

	/* count only: the stub alone */
	push	%r11
	push	%rax
	push	%rdi
	push	%rsi
	call	__SCT__pvtrace_hcall_orig_call
	mov	S_NR(%rsp), %esi
	mov	S_A1(%rsp), %rdi
	test	%rax, %rax
	js	.Lfast_c		/* an error */
	cmpl	$63, %esi
	ja	.Lfast_c		/* a bad number */
	mov	$64, %edx
	cmp	%rdx, %rdi
	cmova	%rdx, %rdi		/* column: min(a1, 64) */
	imul	$SLOTMAP_COLS, %esi, %esi
	add	%edi, %esi
	movzwl	pvtrace_hcall_slotmap(, %rsi, 2), %esi
	cmpl	$SLOTMAP_SLOW, %esi
	je	.Lfast_c		/* mmuext_op, multicall */
	movq	pvtrace_hcall_untimed(%rip), %rdx
	incq	%gs:(%rdx, %rsi, 8)
	add	$24, %rsp
	pop	%r11
	decq	PER_CPU_VAR(pvtrace_hcall_inflight)
	RET

.Lvcpu_op:
	cmpl	$VCPUOP_down, %edi
	jne	.Lcall
	incq	PER_CPU_VAR(pvtrace_hcall_noreturn)
	jmp	__SCT__pvtrace_hcall_orig_call

.Lsegbase:
	cmpl	$SEGBASE_GS_KERNEL, %edi
	jne	.Lcall
	lock incq pvtrace_hcall_gsbase_calls(%rip)	/* rare: no per-CPU */
	jmp	__SCT__pvtrace_hcall_orig_call

.Lfast_c:
	/* pvtrace_hcall_exit_untimed(nr, ret, 0, a1, a2, caller) */
	push	%rcx
	push	%r9
	push	%rax
	mov	24+S_NR(%rsp), %edi
	mov	%rax, %rsi
	xor	%edx, %edx
	mov	24+S_A1(%rsp), %rcx
	mov	24+S_A2(%rsp), %r8
	mov	24+S_RET(%rsp), %r9
	call	pvtrace_hcall_exit_untimed
	pop	%rax
	pop	%r9
	pop	%rcx
	add	$24, %rsp
	pop	%r11
	decq	PER_CPU_VAR(pvtrace_hcall_inflight)
	RET

/*
 * After the call, on the full path: EXIT(nr, ret, t0, a1, a2, caller),
 * then the frame is undone and the result returned.
 */
.macro FULL_EXIT exit
	mov	F_NR(%rbp), %edi
	mov	%rax, F_NR(%rbp)	/* keep the result */
	mov	%rax, %rsi
	mov	F_T0(%rbp), %rdx
	mov	F_A1(%rbp), %rcx
	mov	F_A2(%rbp), %r8
	mov	8(%rbp), %r9		/* our return address: the call site */
	call	\exit

	mov	F_NR(%rbp), %rax
	add	$40, %rsp		/* F_T0 and the saved arguments */
	pop	%r11
	pop	%r9
	pop	%rcx
	pop	%rbp
	decq	PER_CPU_VAR(pvtrace_hcall_inflight)
	RET
.endm

.Lfull:
	push	%rbp
	mov	%rsp, %rbp
	push	%rcx
	push	%r9
	push	%r11
	push	%rax
	push	%rdi
	push	%rsi
	push	%rdx
	testl	$HCALL_REDUNDANT, pvtrace_hcall_flags(%rip)
	jnz	.Lenter_c
	testl	$HCALL_TIMING, pvtrace_hcall_flags(%rip)
	jz	.Luntimed
	/* t0 = rdtsc_ordered() with bit 0 (redundant) clear */
	ALTERNATIVE_2 "rdtsc", "lfence; rdtsc", X86_FEATURE_LFENCE_RDTSC, \
		      "rdtscp", X86_FEATURE_RDTSCP
	shl	$32, %rdx
	or	%rdx, %rax
	and	$-2, %rax
	push	%rax			/* F_T0 */
	mov	F_NR(%rbp), %rax
	mov	F_A3(%rbp), %rdx

.Lhcall_timed:
	call	__SCT__pvtrace_hcall_orig_call	/* the hypercall itself */
	FULL_EXIT pvtrace_hcall_exit

.Luntimed:
	push	$0			/* F_T0: not timed; %rax, %rdx intact */
.Lhcall_untimed:
	call	__SCT__pvtrace_hcall_orig_call	/* the hypercall itself */
	FULL_EXIT pvtrace_hcall_exit_untimed

.Lenter_c:
	/* t0 = pvtrace_hcall_enter(nr, a1, a2, a3, a4, a5) */
	sub	$8, %rsp		/* F_T0 */
	push	%r10
	push	%r8
	mov	%r8, %r9
	mov	%r10, %r8
	mov	%rdx, %rcx
	mov	%rsi, %rdx
	mov	%rdi, %rsi
	mov	%eax, %edi
	call	pvtrace_hcall_enter
	mov	%rax, F_T0(%rbp)
	pop	%r8
	pop	%r10
	mov	F_NR(%rbp), %rax
	mov	F_A1(%rbp), %rdi
	mov	F_A2(%rbp), %rsi
	mov	F_A3(%rbp), %rdx
	cmpq	$0, F_T0(%rbp)
	je	.Lhcall_untimed		/* timing off */
	jmp	.Lhcall_timed
SYM_FUNC_END(pvtrace_hcall_stub)
	.popsection
