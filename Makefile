# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of vaccel against Debian 12's 6.1 kernel, plus the
# project's checks.  "make help" lists the targets.

# The running kernel's build tree if it has one, else the newest Debian 6.1
# headers that are installed.  KDIR=... overrides both.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(lastword $(sort $(wildcard /usr/src/linux-headers-6.1.*-amd64))))
# The release the headers are for (Debian's kernel.release file says 6.1.x,
# the kernel itself says 6.1.0-N-amd64: take the latter).
KVER ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
# Where kernel sources, kunit builds and VM images are cached, outside the repo.
VACCEL_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/vaccel
export KDIR KVER VACCEL_CACHE

KBUILD_ARGS = -C $(KDIR) M=$(CURDIR) CONFIG_VACCEL=m CONFIG_VACCEL_VF=m

# Installation: modules under $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/extra
# (INSTALL_MOD_PATH defaults to DESTDIR, as for a staged install), programs
# under $(DESTDIR)$(PREFIX)/bin, examples under $(DESTDIR)$(DATADIR).
DESTDIR ?=
INSTALL_MOD_PATH ?= $(DESTDIR)
INSTALL_MOD_DIR ?= extra
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/vaccel
# The one version of the project: dkms.conf's (debian/changelog must agree).
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(CURDIR)/dkms.conf 2>/dev/null)
# Where "make deb" leaves the packages.
DEB_DIR ?= $(CURDIR)/build/deb
# The host tools an operator needs: the CLI, and the VFIO client that checks
# an instance from userspace (tools/vaccel-vfio check UUID).
HOST_TOOLS := tools/vaccelctl tools/vaccel-vfio
# What runs in a guest, next to vaccel_vf.ko.
GUEST_TOOLS := tools/guest/vaccel-run tools/guest/vaccel-vf-test
# Operator examples: mdevctl definitions, the udev rule for them, modprobe.d.
EXAMPLES := $(wildcard libvirt/mdevctl/*.json) libvirt/udev/61-vaccel-mdevctl.rules \
	    tools/packaging/vaccel.conf

.PHONY: all modules clean clean-modules install install-modules install-tools install-guest-tools \
	host-tools guest-tools deb deps tools kunit e2e e2e-long e2e-debug bench demo \
	check checkpatch sparse w1 docrefs layout uapi style help print-kernel

all: modules tools

modules:
	@test -n "$(KDIR)" || { echo "no kernel headers found: run tools/install-deps.sh or set KDIR=" >&2; exit 1; }
	$(MAKE) $(KBUILD_ARGS) modules

# Both modules: vaccel.ko (host) and vaccel_vf.ko (guest; harmless on a
# host, where nothing has its PCI ID), then the host tools.
install: install-modules install-tools

install-modules: modules
	@test -n "$(KVER)" || { echo "cannot tell the kernel release of KDIR=$(KDIR): set KVER=" >&2; exit 1; }
	$(MAKE) $(KBUILD_ARGS) KERNELRELEASE=$(KVER) INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) CONFIG_MODULE_SIG_ALL= modules_install
	$(if $(INSTALL_MOD_PATH),@echo "staged under $(INSTALL_MOD_PATH): run depmod -a $(KVER) on the target",depmod -a $(KVER))

install-tools: host-tools
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/mdevctl $(DESTDIR)$(DATADIR)/udev \
		$(DESTDIR)$(DATADIR)/modprobe.d
	install -m 0755 $(HOST_TOOLS) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(filter libvirt/mdevctl/%,$(EXAMPLES)) $(DESTDIR)$(DATADIR)/mdevctl/
	install -m 0644 $(filter libvirt/udev/%,$(EXAMPLES)) $(DESTDIR)$(DATADIR)/udev/
	install -m 0644 tools/packaging/vaccel.conf $(DESTDIR)$(DATADIR)/modprobe.d/

# Run in a guest (or into a guest image with DESTDIR=): the programs on the
# VF driver.  The driver itself comes with install-modules.
install-guest-tools: guest-tools
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(GUEST_TOOLS) $(DESTDIR)$(BINDIR)/

# The Debian packages vaccel-dkms and vaccel-tools (debian/), built from a
# copy of the tree's files (tracked and new, not ignored) so that
# dpkg-buildpackage's output, which goes to the parent directory, stays in
# $(DEB_DIR).
deb:
	tools/packaging/build-deb.sh "$(DEB_DIR)"

clean: clean-modules
	$(MAKE) -C tools clean
	rm -rf build

# The modules only (dkms.conf's CLEAN: DKMS's copy has no tools/).
clean-modules:
	$(MAKE) $(KBUILD_ARGS) clean

tools:
	$(MAKE) -C tools

host-tools:
	$(MAKE) -C tools vaccel-vfio

guest-tools:
	$(MAKE) -C tools $(GUEST_TOOLS:tools/%=%)

deps:
	tools/install-deps.sh

# KUnit suites through kunit.py (UML, then x86_64 under QEMU).
kunit:
	tools/kunit.sh

# End-to-end tests in a QEMU VM running Debian's 6.1 kernel.
# The packages too: 42-package installs them in the VM.  The loops of the
# longest tests run a bounded share here (the CI budget: 250 lifecycle
# cycles, one migration per type); "make e2e-long" runs them in full.
E2E_LIFECYCLE_CYCLES ?= 250
E2E_MIGRATE_RUNS ?= 1
e2e: modules tools deb
	VACCEL_LIFECYCLE_CYCLES=$(E2E_LIFECYCLE_CYCLES) VACCEL_MIGRATE_RUNS=$(E2E_MIGRATE_RUNS) \
		tools/e2e.sh

# The long runs, apart from CI: 1000 create/remove cycles under load, the
# fuzzer's 100,000 operations on each instance, five migrations per type
# (docs/benchmarks.md takes its migration figures from these).
E2E_LONG_TESTS ?= 32-fuzz 35-lifecycle 37-migrate
e2e-long: modules tools
	VACCEL_LIFECYCLE_CYCLES=1000 VACCEL_FUZZ_OPS=100000 VACCEL_MIGRATE_RUNS=5 \
		tools/e2e.sh $(E2E_LONG_TESTS)

# The hardening tests again on the debug kernel (KASAN, lockdep, kmemleak,
# DEBUG_OBJECTS, hung tasks; tools/vm/debug-kernel.sh builds and caches it).
# In this order: lockdep turns itself off at its first report, and the
# tests that unmap pinned guest memory meet type1's own (docs/security.md)
# there, so those come last.  The fuzzer does 20,000 operations on each
# instance here (KASAN and lockdep slow the kernel's side down; the full
# budget runs in "make e2e").
E2E_DEBUG_TESTS ?= 14-unload 22-vfio-request 25-queue-unmap 33-repin-race 32-fuzz
E2E_DEBUG_FUZZ_OPS ?= 20000
e2e-debug: tools
	VACCEL_FUZZ_OPS=$(E2E_DEBUG_FUZZ_OPS) tools/e2e.sh --debug-kernel $(E2E_DEBUG_TESTS)

# The scheduler's policies and the benchmark baselines side by side:
# regenerates the tables of docs/benchmarks.md ("Scheduler policies side
# by side") and docs/bench/*.png from a native run (UML), the physical
# limit under TCG and the VM tests; BENCH_RUNS runs per figure,
# BENCH_STEPS to run some of them (tools/bench.sh).  Prints figures, never
# fails on one.
BENCH_RUNS ?= 5
bench:
	BENCH_RUNS=$(BENCH_RUNS) tools/bench.sh

# The main job: the simulated card in a VM, one instance of each type.
demo: modules tools
	tools/demo.sh

checkpatch:
	tools/style.sh checkpatch

sparse:
	tools/style.sh sparse

w1:
	tools/style.sh w1

docrefs:
	tools/style.sh docrefs

layout:
	tools/style.sh layout

uapi:
	tools/style.sh uapi

style: checkpatch sparse w1 docrefs layout uapi

# Everything, with one closing "N passed, N failed" line.
check:
	tools/check.sh

# Shell assignments of the kernel the module is built for (tools/demo.sh).
print-kernel:
	@echo KDIR=$(KDIR) KVER=$(KVER)

help:
	@echo "make [modules]  build vaccel.ko against KDIR=$(KDIR)"
	@echo "make install    install vaccel.ko and vaccel_vf.ko into /lib/modules/KVER/extra"
	@echo "                (INSTALL_MOD_PATH= or DESTDIR=), depmod, and the host tools"
	@echo "                into PREFIX=$(PREFIX)/bin (install-modules, install-tools)"
	@echo "make install-guest-tools  vaccel-run and vaccel-vf-test, for a guest"
	@echo "make deb        Debian packages vaccel-dkms and vaccel-tools into $(DEB_DIR)"
	@echo "make deps       install the Debian packages the project needs"
	@echo "make kunit      KUnit suites via kunit.py (UML and x86_64)"
	@echo "make e2e        end-to-end tests in a QEMU VM (long loops in a CI-sized share)"
	@echo "make e2e-long   the long loops in full: fuzz, lifecycle, migration figures"
	@echo "make e2e-debug  the hardening tests on the debug kernel (KASAN, lockdep, kmemleak)"
	@echo "make bench      scheduler policies and baselines side by side: docs/benchmarks.md, docs/bench/*.png"
	@echo "make demo       simulated card in a VM, one instance of each type"
	@echo "make checkpatch / sparse / w1 / style   kernel style checks"
	@echo "make docrefs    every function and struct docs/*.md name exists"
	@echo "make layout     file sizes in tools/ and kunit/, no helper defined twice in tools/"
	@echo "make uapi       the layout of include/uapi/vaccel_vf.h, for 64- and 32-bit callers"
	@echo "make check      all of the above, ending in 'N passed, N failed'"
