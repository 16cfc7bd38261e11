#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages ("make deb", which "make e2e" runs first) on the VM's
# Debian 12, offline: dpkg -i of vaccel-dkms and vaccel-tools builds both
# modules through DKMS for the VM's kernel, modprobe loads the packaged
# vaccel.ko from updates/dkms with the options of the packaged modprobe.d
# example, the packaged vaccelctl lists the cards, and removing the
# package removes the modules.  The VM's root is a tmpfs overlay: what
# dpkg installs is gone at power off.
# e2e-timeout: 420
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

debs=$REPO/build/deb
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$REPO/dkms.conf")
dkms_deb=$debs/vaccel-dkms_${version}_all.deb
tools_deb=$debs/vaccel-tools_${version}_amd64.deb
if [ ! -f "$dkms_deb" ] || [ ! -f "$tools_deb" ]; then
	echo "SKIP: $dkms_deb or $tools_deb missing: 'make deb' on the host first" \
	     "('make e2e' does)"
	exit 77
fi
kver=$VACCEL_KVER
[ -d "/lib/modules/$kver/build" ] || fail "no headers for $kver in the VM"
dpkg-query -W -f='${Status}\n' dkms | grep -q 'install ok installed' ||
	fail "dkms is not installed (tools/install-deps.sh)"

log_step "dpkg -i $(basename "$dkms_deb") $(basename "$tools_deb") (no network)"
t0=$(date +%s)
DEBIAN_FRONTEND=noninteractive dpkg -i "$dkms_deb" "$tools_deb" 2>&1 | tee "$VACCEL_RESULTS/42-dpkg.txt"
secs=$(($(date +%s) - t0))
echo "dpkg -i with the DKMS build took $secs s"
for p in vaccel-dkms vaccel-tools; do
	assert_eq "install ok installed $version" \
		"$(dpkg-query -W -f='${Status} ${Version}' "$p")" "$p installed"
done

log_step "DKMS built both modules for $kver"
status=$(dkms status -m vaccel -v "$version" -k "$kver")
echo "$status"
grep -qx "vaccel/$version, $kver, x86_64: installed" <<<"$status" ||
	fail "dkms status for $kver: '$status'"
upd=/lib/modules/$kver/updates/dkms
for m in vaccel vaccel_vf; do
	[ -f "$upd/$m.ko" ] || fail "$upd/$m.ko missing"
	vm=$(modinfo -F vermagic "$upd/$m.ko")
	assert_eq "$kver" "${vm%% *}" "vermagic of the packaged $m.ko"
	assert_eq "$upd/$m.ko" "$(modinfo -k "$kver" -n "$m")" "modinfo -n $m"
done
# The build was for the kernel DKMS was given, by name: the make line
# names its headers, whatever uname -r says.
makelog=/var/lib/dkms/vaccel/$version/$kver/x86_64/log/make.log
[ -f "$makelog" ] || fail "no DKMS make log $makelog"
grep -q -- "-C /lib/modules/$kver/build M=" "$makelog" ||
	fail "DKMS's make did not build against $kver's headers: $(head -n 5 "$makelog")"

log_step "the udev rule that starts mdevctl's auto definitions is installed"
rule=/lib/udev/rules.d/61-vaccel-mdevctl.rules
cmp "$rule" "$REPO/libvirt/udev/61-vaccel-mdevctl.rules" || fail "$rule is not libvirt/udev's rule"
assert_eq vaccel-tools "$(dpkg -S "$rule" | cut -d: -f1)" "package of $rule"

log_step "the packaged modprobe.d example applies"
conf=/usr/share/vaccel/modprobe.d/vaccel.conf
[ -f "$conf" ] || fail "$conf not in vaccel-tools"
grep '^options' "$conf"
cp "$conf" /etc/modprobe.d/vaccel.conf
modprobe vaccel || fail "modprobe vaccel failed"
assert_eq "$upd/vaccel.ko" "$(modinfo -n vaccel)" "modprobe's vaccel.ko"
params=/sys/module/vaccel/parameters
for kv in cards=1 engines=4 policy=best_effort slice_us=1000 pci_cards=0000:00:10.0; do
	grep -qw "$kv" "$conf" || fail "the example does not set $kv"
	assert_eq "${kv#*=}" "$(cat "$params/${kv%%=*}")" "parameter ${kv%%=*}"
done
pci=/sys/bus/pci/drivers/accel/0000:00:10.0
[ -d "$pci/mdev_supported_types/accel-1of2" ] || fail "pci_cards= did not bind 0000:00:10.0"
assert_eq pci "$(cat "$pci/vaccel/backend")" "backend of the PCI card"

log_step "the packaged vaccelctl lists both cards"
[ "$(command -v vaccelctl)" = /usr/bin/vaccelctl ] || fail "vaccelctl is not /usr/bin/vaccelctl"
vaccelctl list | tee "$VACCEL_RESULTS/42-list.txt"
grep -q '^vaccel-sim\.0  *sim  *4 ' "$VACCEL_RESULTS/42-list.txt" || fail "no vaccel-sim.0 row"
grep -q '^0000:00:10\.0  *pci  *4 ' "$VACCEL_RESULTS/42-list.txt" || fail "no 0000:00:10.0 row"
u=$(vaccelctl create accel-1of2 --card 0000:00:10.0)
[ -d "/sys/bus/mdev/devices/$u" ] || fail "vaccelctl create made no instance"
vaccel-vfio check "$u" >"$VACCEL_RESULTS/42-check.txt" 2>&1 ||
	fail "packaged vaccel-vfio check failed: $(tail -n 5 "$VACCEL_RESULTS/42-check.txt")"
vaccelctl remove "$u"

log_step "other options in the file take effect too"
rmmod vaccel
sed -i 's/^options vaccel .*/options vaccel cards=2 engines=2 policy=fixed_share slice_us=2000/' \
	/etc/modprobe.d/vaccel.conf
modprobe vaccel
for kv in cards=2 engines=2 policy=fixed_share slice_us=2000 pci_cards=; do
	assert_eq "${kv#*=}" "$(cat "$params/${kv%%=*}")" "parameter ${kv%%=*}"
done
c1=/sys/bus/platform/devices/vaccel-sim.1/vaccel
assert_eq 2 "$(cat $c1/engines)" "engines of vaccel-sim.1"
assert_eq "best_effort [fixed_share] equal_share rr gvt static static_lend" "$(cat $c1/policy)" "policy of vaccel-sim.1"
assert_eq 2000 "$(cat $c1/slice_us)" "slice_us of vaccel-sim.1"
[ ! -e "$pci/vaccel" ] || fail "0000:00:10.0 bound without pci_cards="
rmmod vaccel

log_step "the guest driver from the package loads (nothing to bind here)"
modprobe vaccel_vf
assert_eq "$upd/vaccel_vf.ko" "$(modinfo -n vaccel_vf)" "modprobe's vaccel_vf.ko"
rmmod vaccel_vf

log_step "dpkg -r removes the modules"
dpkg -r vaccel-dkms vaccel-tools >"$VACCEL_RESULTS/42-remove.txt" 2>&1 ||
	fail "dpkg -r failed: $(tail -n 5 "$VACCEL_RESULTS/42-remove.txt")"
[ ! -e "$upd/vaccel.ko" ] || fail "$upd/vaccel.ko left after dpkg -r"
[ ! -e "$upd/vaccel_vf.ko" ] || fail "$upd/vaccel_vf.ko left after dpkg -r"
[ ! -e "$rule" ] || fail "$rule left after dpkg -r"
[ -z "$(dkms status -m vaccel)" ] || fail "dkms still knows vaccel: $(dkms status -m vaccel)"
rm -f /etc/modprobe.d/vaccel.conf
echo "dkms build in the VM: $secs s"
