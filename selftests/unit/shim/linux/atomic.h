/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_ATOMIC_H
#define _SHIM_LINUX_ATOMIC_H

#define cmpxchg(ptr, o, n)	__sync_val_compare_and_swap((ptr), (o), (n))

#endif
