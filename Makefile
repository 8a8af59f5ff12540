# SPDX-License-Identifier: GPL-2.0
#
# User-facing targets. The module itself is described in Kbuild.
#
#   make                 build pvtrace.ko for the running kernel, and ./pvtrace
#   make KDIR=<dir>      ... for the kernel build tree <dir>
#   make pvtrace         the pvtrace command alone (static; no kernel headers)
#   make demo            boot the Xen lab, load pvtrace, show what it sees
#   make bench           the benchmarks (scripts/bench.sh), in the lab
#   make test            every test layer; last line "N passed, N failed"
#   make test-full       the same with every row of the lab matrix
#   make unit            userspace unit tests (ASan + UBSan)
#   make style           checkpatch --strict on every source file
#   make sparse          sparse (C=2) over the module
#   make install         install the module into /lib/modules/<kernel>/updates,
#                        and the command, pvtrace-report and the man page
#                        under $(PREFIX) (default /usr/local)
#   make install-pvtrace the command, pvtrace-report and the man page only
#   make dkms-install    register the source with DKMS

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
# The version, written here only: Kbuild reads it from this line when DKMS
# builds without this Makefile, make dkms-source writes it into dkms.conf
# (from dkms.conf.in), and the module and the command get it as
# -DPVTRACE_VERSION.
BASE_VERSION := 0.1.0
GIT_REV := $(shell git -C $(CURDIR) rev-parse --short HEAD 2>/dev/null)
VERSION ?= $(BASE_VERSION)$(if $(GIT_REV),+g$(GIT_REV))
KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) PVTRACE_VERSION=$(VERSION)
DKMS_DEST := /usr/src/pvtrace-$(BASE_VERSION)

all: pvtrace module

module:
	$(KMAKE) modules

# The pvtrace command (scripts/pvtrace/): static, so that it runs in a
# busybox initramfs; it needs no kernel headers.
PREFIX ?= /usr/local
PVTRACE_SRCS := $(sort $(wildcard scripts/pvtrace/*.c))
PVTRACE_CFLAGS ?= -O2 -Wall -Wextra -Werror

pvtrace: $(PVTRACE_SRCS) $(wildcard scripts/pvtrace/*.h)
	$(CC) -std=gnu11 $(PVTRACE_CFLAGS) -static -Iscripts/pvtrace \
		-DPVTRACE_VERSION='"$(VERSION)"' -o $@ $(PVTRACE_SRCS)

install-pvtrace: pvtrace
	install -D -m 0755 pvtrace $(DESTDIR)$(PREFIX)/bin/pvtrace
	install -D -m 0755 scripts/pvtrace-report $(DESTDIR)$(PREFIX)/bin/pvtrace-report
	install -D -m 0644 Documentation/pvtrace.1 $(DESTDIR)$(PREFIX)/share/man/man1/pvtrace.1

sparse:
	$(KMAKE) C=2 modules

clean:
	rm -f pvtrace
	$(KMAKE) clean
	$(MAKE) -C selftests/unit clean

install: module install-pvtrace
	$(KMAKE) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)

# What DKMS builds from: the module's sources and the name generator Kbuild
# runs; and dkms.conf, made from dkms.conf.in with the version.
DKMS_FILES := Kbuild Makefile module include debugfs scripts/gen-hcall-names.sh \
	scripts/xen-public-names scripts/gen-compat-probes.sh

# Copy the DKMS source tree to $(DEST) (default /usr/src/pvtrace-<version>).
dkms-source:
	rm -rf $(or $(DEST),$(DKMS_DEST))
	mkdir -p $(or $(DEST),$(DKMS_DEST))/scripts
	cp -r $(filter-out scripts/%,$(DKMS_FILES)) $(or $(DEST),$(DKMS_DEST))/
	cp $(filter scripts/%,$(DKMS_FILES)) $(or $(DEST),$(DKMS_DEST))/scripts/
	sed 's/@VERSION@/$(BASE_VERSION)/' dkms.conf.in > $(or $(DEST),$(DKMS_DEST))/dkms.conf

dkms-install:
	-dkms remove -m pvtrace -v $(BASE_VERSION) --all 2>/dev/null
	$(MAKE) dkms-source
	dkms add -m pvtrace -v $(BASE_VERSION)
	dkms build -m pvtrace -v $(BASE_VERSION) -k $(KVER)
	dkms install -m pvtrace -v $(BASE_VERSION) -k $(KVER)

unit:
	$(MAKE) -C selftests/unit run
	selftests/exporter/run.sh
	selftests/report/run.sh
	selftests/report/browser.sh
	selftests/pvtrace-cmd/run.sh
	selftests/pvtrace-cmd/top.sh
	selftests/grafana/run.sh

style:
	scripts/checkpatch.sh

test:
	scripts/test.sh

test-full:
	PVTRACE_MATRIX_ARGS=--full scripts/test.sh

# The version the module reports; the lab's builds use it too.
version:
	@echo $(VERSION)

demo:
	scripts/lab/demo.sh

bench:
	scripts/bench.sh

.PHONY: dkms-source all module sparse clean install install-pvtrace dkms-install unit style test \
	test-full demo bench version
