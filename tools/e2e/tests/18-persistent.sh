#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Settings that survive a reboot: the module parameters policy and slice_us
# give every card, simulated or PCI, its scheduler tunables; mdevctl
# definitions with "start": "auto" come back when the module loads (udev
# runs mdevctl on the mdev core's MDEV_STATE=registered event), each with
# the weight its attrs set; a bad attribute fails the start with a clear
# error and leaves nothing behind.
# e2e-timeout: 300
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

command -v mdevctl >/dev/null || fail "mdevctl not installed (tools/install-deps.sh installs it)"
PF=0000:00:10.0
SIM=vaccel-sim.0
PARAMS=(pci_cards=$PF policy=fixed_share slice_us=2500)
u1=$(new_uuid)
u2=$(new_uuid)
u3=$(new_uuid)
syslogd=

cleanup() {
	local u
	for u in "$u1" "$u2" "$u3"; do
		mdevctl stop --uuid "$u" 2>/dev/null || true
		mdevctl undefine --uuid "$u" 2>/dev/null || true
	done
	udevadm control --exit 2>/dev/null || true
	# udevd leaves its control socket behind; libdevmapper (dmsetup in
	# 34-uffd-stall) would take it for a running udev and wait forever
	# for udev to confirm its devices.
	rm -f /run/udev/control /etc/udev/rules.d/61-vaccel-mdevctl.rules
	[ -z "${syslogd:-}" ] || kill "$syslogd" 2>/dev/null || true
}
trap cleanup EXIT

parent_dir() {
	case $1 in
	vaccel-sim.*) echo "/sys/bus/platform/devices/$1" ;;
	*) echo "/sys/bus/pci/devices/$1" ;;
	esac
}

available() {
	cat "$(parent_dir "$1")"/mdev_supported_types/accel-1of{1,2,4}/available_instances | xargs
}

log_step "the module parameters give both cards their tunables"
load_vaccel "${PARAMS[@]}"
for c in $SIM $PF; do
	d=$(parent_dir $c)/vaccel
	assert_eq "best_effort [fixed_share] equal_share rr gvt static static_lend 2500" \
		"$(cat "$d/policy" "$d/slice_us" | xargs)" "policy and slice_us of $c"
done

log_step "udev and a syslog, as at boot, with vaccel's rule for mdevctl (libvirt/udev)"
# Debian's own 60-mdevctl.rules runs /usr/sbin/mdevctl, which Debian 12
# does not have: without vaccel's rule nothing would start by itself.
[ ! -e /usr/sbin/mdevctl ] || echo "note: /usr/sbin/mdevctl exists here, mdevctl's own rule starts the definitions"
cp "$REPO/libvirt/udev/61-vaccel-mdevctl.rules" /etc/udev/rules.d/
busybox syslogd -n -O "$VACCEL_RESULTS/18-syslog.log" &
syslogd=$!
sleep 0.5
/lib/systemd/systemd-udevd --daemon
udevadm settle -t 10 || true

log_step "persistent definitions: an accel-1of2 (weight 300) on $PF, an accel-1of4 (weight 50) on $SIM"
mdevctl define --uuid "$u1" --parent $PF --jsonfile "$REPO/libvirt/mdevctl/accel-1of2-autostart.json"
cat > "$VACCEL_RESULTS/18-1of4.json" <<JSON
{ "mdev_type": "accel-1of4", "start": "auto", "attrs": [ { "vaccel/weight": "50" } ] }
JSON
mdevctl define --uuid "$u2" --parent $SIM --jsonfile "$VACCEL_RESULTS/18-1of4.json"
mdevctl list --defined | tee "$VACCEL_RESULTS/18-defined.txt"
grep -q "^$u1 $PF accel-1of2 auto" "$VACCEL_RESULTS/18-defined.txt" || fail "$u1 not defined"
grep -q "^$u2 $SIM accel-1of4 auto" "$VACCEL_RESULTS/18-defined.txt" || fail "$u2 not defined"
[ ! -e "/sys/bus/mdev/devices/$u1" ] || fail "define started $u1"

log_step "a bad weight attribute fails the start, clearly, and leaves nothing"
cat > "$VACCEL_RESULTS/18-bad.json" <<JSON
{ "mdev_type": "accel-1of4", "start": "manual", "attrs": [ { "vaccel/weight": "abc" } ] }
JSON
mdevctl define --uuid "$u3" --parent $SIM --jsonfile "$VACCEL_RESULTS/18-bad.json"
before=$(available $SIM)
dmesg -C
if mdevctl start --uuid "$u3" >"$VACCEL_RESULTS/18-bad.txt" 2>&1; then
	fail "mdevctl start with weight abc succeeded"
fi
cat "$VACCEL_RESULTS/18-bad.txt"
grep -q "weight" "$VACCEL_RESULTS/18-bad.txt" || fail "mdevctl's error does not name the attribute"
dmesg | grep -F "weight: 'abc' refused: 1 to 1000, or 0 for the type's default" ||
	fail "no kernel log line about the weight"
[ ! -e "/sys/bus/mdev/devices/$u3" ] || fail "the instance with a bad weight was left behind"
assert_eq "$before" "$(available $SIM)" "available instances after the refused start"

log_step "mdevctl: a type that does not exist, and an instance that does not fit"
u4=$(new_uuid)
if mdevctl start --uuid "$u4" --parent $SIM --type accel-1of8 >"$VACCEL_RESULTS/18-notype.txt" 2>&1; then
	fail "mdevctl started a type that does not exist"
fi
cat "$VACCEL_RESULTS/18-notype.txt"
grep -qi "accel-1of8" "$VACCEL_RESULTS/18-notype.txt" || fail "mdevctl's error does not name the type"
full=$(new_uuid)
mdevctl start --uuid "$full" --parent $SIM --type accel-1of1
before=$(available $SIM)
if mdevctl start --uuid "$u4" --parent $SIM --type accel-1of4 >"$VACCEL_RESULTS/18-nofit.txt" 2>&1; then
	fail "mdevctl started an accel-1of4 on a full card"
fi
cat "$VACCEL_RESULTS/18-nofit.txt"
# mdevctl reads available_instances first and says so itself.
grep -q "No available instances of accel-1of4 on $SIM" "$VACCEL_RESULTS/18-nofit.txt" ||
	fail "mdevctl's error does not say the card is full"
assert_eq "$before" "$(available $SIM)" "available after the refusal"
[ ! -e "/sys/bus/mdev/devices/$u4" ] || fail "$u4 exists"
mdevctl stop --uuid "$full"

log_step "reload the module, as a reboot does: the auto definitions come back"
unload_vaccel
t0=$(date +%s%N)
load_vaccel "${PARAMS[@]}"
for _ in $(seq 150); do
	[ -e "/sys/bus/mdev/devices/$u1" ] && [ -e "/sys/bus/mdev/devices/$u2" ] && break
	sleep 0.2
done
[ -e "/sys/bus/mdev/devices/$u1" ] || fail "$u1 did not come back within 30 s"
[ -e "/sys/bus/mdev/devices/$u2" ] || fail "$u2 did not come back within 30 s"
echo "both instances back $(( ($(date +%s%N) - t0) / 1000000 )) ms after insmod"
assert_eq "accel-1of2 300" \
	"$(cat /sys/bus/mdev/devices/$u1/mdev_type/name /sys/bus/mdev/devices/$u1/vaccel/weight | xargs)" \
	"type and weight of $u1"
assert_eq "accel-1of4 50" \
	"$(cat /sys/bus/mdev/devices/$u2/mdev_type/name /sys/bus/mdev/devices/$u2/vaccel/weight | xargs)" \
	"type and weight of $u2"
[ ! -e "/sys/bus/mdev/devices/$u3" ] || fail "the manual definition was started"
assert_eq "0 1 2" "$(available $PF)" "available on $PF"
mdevctl list | tee "$VACCEL_RESULTS/18-list.txt"
grep mdevctl "$VACCEL_RESULTS/18-syslog.log" || true

log_step "the restored instances work"
"$REPO/tools/vaccel-vfio" ops "$u1" >"$VACCEL_RESULTS/18-ops.txt" 2>&1 ||
	fail "ops on $u1 failed: $(grep -m3 FAIL "$VACCEL_RESULTS/18-ops.txt")"
tail -n 1 "$VACCEL_RESULTS/18-ops.txt"

cleanup
trap - EXIT
unload_vaccel
