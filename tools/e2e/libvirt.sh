#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libvirt for the end-to-end tests (sourced by tools/e2e/tests/4*-libvirt-*.sh,
# after tools/e2e/lib.sh, inside the VM).  The VM has Debian's libvirt
# installed but nothing running (PID 1 is not systemd): this starts what a
# Debian 12 host runs as services, as docs/operators.md describes, and
# stops it again, so that later tests find the VM as before.
#
#   libvirt_up                 start systemd-udevd (libvirt learns of new
#                              mdevs from udev's events), make /dev/fd,
#                              /dev/stdin, /dev/stdout, /dev/stderr
#                              (libvirt runs "mdevctl --jsonfile
#                              /dev/stdin"), start virtlogd and libvirtd
#                              and wait until "virsh version" answers;
#                              sets LIBVIRT_UP_S (seconds that took) and
#                              installs libvirt_down as the EXIT trap
#   libvirt_down [STATUS]      destroy and undefine the domains and node
#                              devices the test registered with
#                              libvirt_forget_later, stop libvirtd,
#                              virtlogd and udevd (their pids), remove
#                              what mdevctl still has defined by the test;
#                              exits with STATUS (default: the last
#                              command's, as an EXIT trap finds it),
#                              showing the end of libvirtd's log if not 0
#   libvirt_forget_later KIND NAME
#                              KIND domain, nodedev, mdevctl (a UUID) or
#                              file: libvirt_down removes NAME if it is
#                              still there
#   vsh ARGS...                virsh -c qemu:///system ARGS, timed: its
#                              output, and a line "virsh ARGS[0]: S s" on
#                              stderr and in $VACCEL_RESULTS/$LIBVIRT_TEST-times.txt
#   pci_card_available         true if vaccel.ko has the PCI backend
#                              (parameter pci_cards) and the VM has the
#                              card's stand-in at $PCI_CARD
#
# The daemons' logs: $VACCEL_RESULTS/$LIBVIRT_TEST-{udevd,virtlogd,libvirtd}.log.
# LIBVIRT_TEST: the test's name (default: the file's, without .sh).

PCI_CARD=0000:00:10.0
# shellcheck disable=SC2034 # for the tests
PCI_CARD_NODEDEV=pci_0000_00_10_0
LIBVIRT_URI=qemu:///system
LIBVIRT_TEST=${LIBVIRT_TEST:-$(basename "$0" .sh)}
LIBVIRT_PIDS=()
LIBVIRT_FORGET=()

vsh()
{
	local t0 rc=0 dt

	t0=$(date +%s%N)
	virsh -c "$LIBVIRT_URI" "$@" || rc=$?
	dt=$(( ($(date +%s%N) - t0) / 1000000 ))
	printf 'virsh %s: %d.%03d s (exit %d)\n' "$1" $((dt / 1000)) $((dt % 1000)) "$rc" |
		tee -a "$VACCEL_RESULTS/$LIBVIRT_TEST-times.txt" >&2
	return "$rc"
}

pci_card_available()
{
	[[ $'\n'$(modinfo -F parm "$VACCEL_KO" 2>/dev/null) == *$'\npci_cards:'* ]] &&
		[ -e "/sys/bus/pci/devices/$PCI_CARD" ]
}

libvirt_forget_later()
{
	LIBVIRT_FORGET+=("$1:$2")
}

libvirt_up()
{
	local f t0 log=$VACCEL_RESULTS/$LIBVIRT_TEST

	{ command -v libvirtd && command -v virsh; } >/dev/null ||
		fail "libvirt is not installed (tools/install-deps.sh installs libvirt-daemon-system and libvirt-clients)"
	trap libvirt_down EXIT
	t0=$(date +%s)
	# Each daemon runs in the foreground, in the background of this
	# shell: the test's process group, so that what a killed test leaves
	# behind goes with it (tools/e2e/run-in-vm.sh), and its own pid.
	/lib/systemd/systemd-udevd > "$log-udevd.log" 2>&1 &
	LIBVIRT_PIDS+=($!)
	for f in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
		[ -e "/dev/${f%%:*}" ] || ln -sfn "${f#*:}" "/dev/${f%%:*}"
	done
	virtlogd > "$log-virtlogd.log" 2>&1 &
	LIBVIRT_PIDS+=($!)
	libvirtd > "$log-libvirtd.log" 2>&1 &
	LIBVIRT_PIDS+=($!)
	for _ in $(seq 240); do
		virsh -c "$LIBVIRT_URI" version > /dev/null 2>&1 && break
		kill -0 "${LIBVIRT_PIDS[2]}" 2>/dev/null ||
			{ tail -n 20 "$log-libvirtd.log"; fail "libvirtd exited"; }
		sleep 0.5
	done
	virsh -c "$LIBVIRT_URI" version || fail "libvirtd did not answer within 120 s"
	LIBVIRT_UP_S=$(( $(date +%s) - t0 ))
	echo "libvirt up after $LIBVIRT_UP_S s (udevd, virtlogd, libvirtd: pids ${LIBVIRT_PIDS[*]})" |
		tee -a "$VACCEL_RESULTS/$LIBVIRT_TEST-times.txt"
}

# shellcheck disable=SC2317 # run by the EXIT trap
libvirt_down()
{
	local rc=${1:-$?} e kind name pid i

	set +e
	for e in "${LIBVIRT_FORGET[@]}"; do
		kind=${e%%:*}
		name=${e#*:}
		case $kind in
		domain)
			# Whole outputs, not "| grep -q": under pipefail an early
			# exit of grep fails the pipeline (SIGPIPE).
			if [[ $(virsh -c "$LIBVIRT_URI" domstate "$name" 2>/dev/null) == running* ]]; then
				virsh -c "$LIBVIRT_URI" destroy "$name"
			fi
			virsh -c "$LIBVIRT_URI" dominfo "$name" > /dev/null 2>&1 &&
				virsh -c "$LIBVIRT_URI" undefine "$name"
			;;
		nodedev)
			if [[ $(virsh -c "$LIBVIRT_URI" nodedev-info "$name" 2>/dev/null) =~ Active:\ *yes ]]; then
				virsh -c "$LIBVIRT_URI" nodedev-destroy "$name"
			fi
			virsh -c "$LIBVIRT_URI" nodedev-info "$name" > /dev/null 2>&1 &&
				virsh -c "$LIBVIRT_URI" nodedev-undefine "$name"
			;;
		mdevctl)
			mdevctl stop --uuid "$name" 2>/dev/null
			mdevctl undefine --uuid "$name" 2>/dev/null
			;;
		file)
			rm -f "$name"
			;;
		esac
	done
	# libvirtd first (it uses virtlogd), udevd last.
	for ((i = ${#LIBVIRT_PIDS[@]} - 1; i >= 0; i--)); do
		pid=${LIBVIRT_PIDS[i]}
		kill -TERM "$pid" 2>/dev/null || continue
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null && echo "libvirt_down: pid $pid killed after 10 s"
		wait "$pid" 2>/dev/null
	done
	LIBVIRT_PIDS=()
	echo "libvirt_down: daemons stopped"
	if [ "$rc" -ne 0 ] && [ -s "$VACCEL_RESULTS/$LIBVIRT_TEST-libvirtd.log" ]; then
		echo "libvirt_down: the end of libvirtd's log ($LIBVIRT_TEST-libvirtd.log):"
		tail -n 15 "$VACCEL_RESULTS/$LIBVIRT_TEST-libvirtd.log" | sed 's/^/  | /'
	fi
	exit "$rc"
}
