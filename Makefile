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

.PHONY: all modules clean install deps tools kunit e2e e2e-debug demo \
	check checkpatch sparse w1 docrefs layout uapi style help print-kernel

all: modules tools

modules:
	@test -n "$(KDIR)" || { echo "no kernel headers found: run tools/install-deps.sh or set KDIR=" >&2; exit 1; }
	$(MAKE) $(KBUILD_ARGS) modules

install: modules
	$(MAKE) $(KBUILD_ARGS) KERNELRELEASE=$(KVER) CONFIG_MODULE_SIG_ALL= modules_install
	depmod -a $(KVER)

clean:
	$(MAKE) $(KBUILD_ARGS) clean
	$(MAKE) -C tools clean

tools:
	$(MAKE) -C tools

deps:
	tools/install-deps.sh

# KUnit suites through kunit.py (UML, then x86_64 under QEMU).
kunit:
	tools/kunit.sh

# End-to-end tests in a QEMU VM running Debian's 6.1 kernel.
e2e: modules tools
	tools/e2e.sh

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
	@echo "make install    install vaccel.ko into /lib/modules and run depmod"
	@echo "make deps       install the Debian packages the project needs"
	@echo "make kunit      KUnit suites via kunit.py (UML and x86_64)"
	@echo "make e2e        end-to-end tests in a QEMU VM"
	@echo "make e2e-debug  the hardening tests on the debug kernel (KASAN, lockdep, kmemleak)"
	@echo "make demo       simulated card in a VM, one instance of each type"
	@echo "make checkpatch / sparse / w1 / style   kernel style checks"
	@echo "make docrefs    every function and struct docs/*.md name exists"
	@echo "make layout     file sizes in tools/ and kunit/, no helper defined twice in tools/"
	@echo "make uapi       the layout of include/uapi/vaccel_vf.h, for 64- and 32-bit callers"
	@echo "make check      all of the above, ending in 'N passed, N failed'"
