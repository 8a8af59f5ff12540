/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_MUTEX_H
#define _SHIM_LINUX_MUTEX_H

/* Only the type: the pure code under test takes no lock. */
struct mutex {
	int unused;
};

#endif
