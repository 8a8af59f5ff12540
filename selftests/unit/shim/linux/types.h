/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/types.h>, for the unit tests only. */
#ifndef _SHIM_LINUX_TYPES_H
#define _SHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef unsigned long long u64;	/* as in the kernel: %llu */
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;
typedef long long s64;
/* The uapi names, for libc headers that include <linux/types.h> (prctl). */
typedef unsigned long long __u64;
typedef uint32_t __u32;

#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#define __percpu
#define __maybe_unused __attribute__((__unused__))

#endif
