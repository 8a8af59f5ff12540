/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The upcall hook's direct ftrace trampolines (module/upcall.c registers
 * them): the ftrace site of a hooked function calls one of these instead
 * of ftrace's own trampoline, as BPF's fentry and fexit programs are
 * called. A call and a return each, where a kprobe costs a trap (and on
 * PV a trap is a round trip through Xen) and a kretprobe a kprobe and a
 * return trampoline.
 *
 * On entry, from the function's ftrace site: 0(%rsp) is the address in the
 * function past that site (its body), 8(%rsp) the return to the function's
 * caller; the argument registers hold the function's arguments. A
 * trampoline may clobber the other caller-saved registers, as the
 * function's own call to __fentry__ may.
 *
 * The functions they call (module/upcall.c) run in the upcall, in hard
 * interrupt context: per-CPU operations and the TSC only.
 */
#include <linux/linkage.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>
#include <pvtrace/compat.h>

/*
 * The key of pvtrace_upcall_body (module/upcall.c), named here so that
 * objtool records the static call site below against it (as for
 * pvtrace_hcall_orig_call in hcall_stub.S).
 */
	.globl	__SCK__pvtrace_upcall_body

	.pushsection .text, "ax"
/*
 * pvtrace_upcall_tramp: the upcall function, entry and return. Calls
 * pvtrace_upcall_enter(in), the function's body through the static call
 * pvtrace_upcall_body (set to the address past its ftrace site), then
 * pvtrace_upcall_return(in, result), and returns the body's result to the
 * function's caller, past the function: its body has run.
 *
 * Frame: %rbp, the saved argument (then the result), and the 16 bytes of
 * struct pvtrace_up_instance at %rsp; %rsp is 16-byte aligned at each call.
 * Unwinding from the body, or from the calls here, reaches the address
 * past the function's ftrace site, then the function's caller.
 */
SYM_TYPED_FUNC_START(pvtrace_upcall_tramp)
	push	%rbp
	mov	%rsp, %rbp
	push	%rdi			/* the function's argument (5.10: none) */
	sub	$16, %rsp		/* struct pvtrace_up_instance */
	mov	%rsp, %rdi
	call	pvtrace_upcall_enter
	mov	16(%rsp), %rdi
	call	__SCT__pvtrace_upcall_body	/* the function's body */
	mov	%rax, 16(%rsp)		/* keep its result */
	mov	%rsp, %rdi
	mov	%eax, %esi
	call	pvtrace_upcall_return
	mov	16(%rsp), %rax
	leave
	add	$8, %rsp		/* past the function: to its caller */
	UNWIND_HINT_FUNC
	RET
SYM_FUNC_END(pvtrace_upcall_tramp)

/*
 * pvtrace_port_tramp: handle_irq_for_port(port, ctrl), entry only: calls
 * pvtrace_upcall_port(port) and returns into the function's body.
 */
SYM_TYPED_FUNC_START(pvtrace_port_tramp)
	push	%rdi
	push	%rsi
	call	pvtrace_upcall_port	/* the port is in %edi */
	pop	%rsi
	pop	%rdi
	RET
SYM_FUNC_END(pvtrace_port_tramp)
	.popsection
