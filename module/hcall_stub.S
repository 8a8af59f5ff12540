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
 * It calls pvtrace_hcall_enter(), the original target, then
 * pvtrace_hcall_exit(). The entry timestamp lives on this stack, never in
 * per-CPU data: calls nest (an NMI inside a long hypercall) and a
 * preemptible call (privcmd) may migrate.
 *
 * Two calls are passed straight to the original target by a tail jump,
 * leaving no return address into this module and touching no per-CPU
 * data; both take at most three arguments, so %r10 (argument 4) is free
 * to hold the target:
 * - VCPUOP_down does not return while the vCPU is offline;
 * - set_segment_base(SEGBASE_GS_KERNEL) is how a PV kernel restores its
 *   GS base, so during it the per-CPU base may be invalid: 6.1's
 *   load_percpu_segment() loads %gs with 0 (clearing the base) just
 *   before, when a CPU comes online. It is counted in one global counter.
 */
#include <linux/linkage.h>
#include <asm/percpu.h>
#include <asm/nospec-branch.h>

/* Checked against the Xen headers in hcall.c. */
#define HYPERVISOR_vcpu_op		24
#define VCPUOP_down			2
#define HYPERVISOR_set_segment_base	25
#define SEGBASE_GS_KERNEL		2

/* Frame: below %rbp, the saved registers, then the entry timestamp. */
#define F_NR	-32
#define F_A1	-40
#define F_A2	-48
#define F_A3	-56
#define F_A4	-64
#define F_A5	-72
#define F_T0	-80

	.pushsection .noinstr.text, "ax"
SYM_FUNC_START(pvtrace_hcall_stub)
	cmpl	$HYPERVISOR_set_segment_base, %eax
	je	.Lsegbase
	cmpl	$HYPERVISOR_vcpu_op, %eax
	jne	.Lcall
	cmpl	$VCPUOP_down, %edi
	jne	.Lcall
	incq	PER_CPU_VAR(pvtrace_hcall_noreturn)
	movq	pvtrace_hcall_orig(%rip), %r10
	JMP_NOSPEC r10

.Lsegbase:
	cmpl	$SEGBASE_GS_KERNEL, %edi
	jne	.Lcall
	lock incq pvtrace_hcall_gsbase_calls(%rip)	/* rare: no per-CPU */
	movq	pvtrace_hcall_orig(%rip), %r10
	JMP_NOSPEC r10

.Lcall:
	push	%rbp
	mov	%rsp, %rbp
	push	%rcx
	push	%r9
	push	%r11
	push	%rax
	push	%rdi
	push	%rsi
	push	%rdx
	push	%r10
	push	%r8
	sub	$8, %rsp		/* F_T0; keeps %rsp 16-byte aligned */

	/* t0 = pvtrace_hcall_enter(nr, a1, a2, a3, a4, a5) */
	mov	%r8, %r9
	mov	%r10, %r8
	mov	%rdx, %rcx
	mov	%rsi, %rdx
	mov	%rdi, %rsi
	mov	%eax, %edi
	call	pvtrace_hcall_enter
	mov	%rax, F_T0(%rbp)

	/* the hypercall itself, through the original target */
	mov	F_NR(%rbp), %rax
	mov	F_A1(%rbp), %rdi
	mov	F_A2(%rbp), %rsi
	mov	F_A3(%rbp), %rdx
	mov	F_A4(%rbp), %r10
	mov	F_A5(%rbp), %r8
	movq	pvtrace_hcall_orig(%rip), %r11
	CALL_NOSPEC r11

	/* pvtrace_hcall_exit(nr, ret, t0, a1, a2, caller) */
	mov	F_NR(%rbp), %edi
	mov	%rax, F_NR(%rbp)	/* keep the result */
	mov	%rax, %rsi
	mov	F_T0(%rbp), %rdx
	mov	F_A1(%rbp), %rcx
	mov	F_A2(%rbp), %r8
	mov	8(%rbp), %r9		/* our return address: the call site */
	call	pvtrace_hcall_exit

	mov	F_NR(%rbp), %rax
	add	$56, %rsp		/* F_T0 and the saved arguments */
	pop	%r11
	pop	%r9
	pop	%rcx
	pop	%rbp
	RET
SYM_FUNC_END(pvtrace_hcall_stub)
	.popsection
