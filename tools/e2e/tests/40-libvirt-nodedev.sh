#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The card as libvirt's node-device driver sees it, following
# docs/operators.md: the VM's PCI card stand-in (0000:00:10.0) handed to
# vaccel with driver_override and bind; Debian's libvirtd
# (tools/e2e/libvirt.sh) lists it with "virsh nodedev-list --cap
# mdev_types", and nodedev-dumpxml shows its three types with their exact
# available instances; libvirt/nodedev-accel-1of2.xml defines a persistent
# accel-1of2 (weight 4) that nodedev-start creates and nodedev-autostart
# marks for the next boot; its weight changed live and in the definition
# (mdevctl modify); after the card is unbound and bound again, as at boot,
# udev (with vaccel's rule) starts it again, with the new weight;
# nodedev-destroy and nodedev-undefine remove it.
# Bad input (a type the card does not have, an instance that does not fit,
# a weight attribute that is not a number) is refused by libvirt with an
# error that names it, and nothing changes (available instances, the
# instances there are, the definitions).
# e2e-timeout: 300
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"
source "$REPO/tools/e2e/libvirt.sh"

out=$VACCEL_RESULTS/40-libvirt-nodedev
mkdir -p "$out"
PFDIR=/sys/bus/pci/devices/$PCI_CARD
t_start=$(date +%s)
step() { log_step "[$(( $(date +%s) - t_start )) s] $*"; }

pci_card_available || fail "vaccel.ko has no PCI backend (pci_cards) or the VM has no $PCI_CARD"
command -v mdevctl >/dev/null || fail "mdevctl not installed (tools/install-deps.sh installs it)"

# sysfs_available: the card's available instances of accel-1of1, 1of2, 1of4.
sysfs_available()
{
	cat "$PFDIR"/mdev_supported_types/accel-1of{1,2,4}/available_instances | xargs
}

# virsh_available: the same, from "virsh nodedev-dumpxml" of the card.
virsh_available()
{
	vsh nodedev-dumpxml "$PCI_CARD_NODEDEV" > "$out/card.xml" || fail "nodedev-dumpxml failed"
	python3 -I -S - "$out/card.xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
caps = [c for c in ET.parse(sys.argv[1]).getroot().iter('capability')
        if c.get('type') == 'mdev_types']
avail = {t.get('id'): t.findtext('availableInstances') for c in caps for t in c.iter('type')}
print(' '.join(avail.get('accel-' + n, '-') for n in ('1of1', '1of2', '1of4')))
EOF
}

# instances: the mdevs there are, sorted.
instances()
{
	local d l=()
	for d in /sys/bus/mdev/devices/*; do
		[ -e "$d" ] && l+=("${d##*/}")
	done
	echo "${l[*]}"
}

# state: what must not change when libvirt refuses something.
state()
{
	echo "sysfs $(sysfs_available); libvirt $(virsh_available); instances $(instances);" \
	     "defined $(mdevctl list --defined | sort | xargs)"
}

# refused WHAT CMD...: CMD fails; its error is in $out/WHAT.txt and shown.
refused()
{
	local what=$1
	shift
	if "$@" > "$out/$what.txt" 2>&1; then
		cat "$out/$what.txt"
		fail "$what: '$*' succeeded"
	fi
	cat "$out/$what.txt"
}

step "docs/operators.md has the commands this test and 41 run"
# The guide's command lines that the two tests run (with the card's
# address and the node device's name as here); a guide that drifts from
# the tests fails here.
while IFS= read -r line; do
	grep -qxF -- "    $line" "$REPO/docs/operators.md" || fail "docs/operators.md lacks the line '$line'"
done <<'EOF'
insmod ./vaccel.ko cards=0
echo accel > /sys/bus/pci/devices/0000:00:10.0/driver_override
echo 0000:00:10.0 > /sys/bus/pci/drivers/accel/bind
options vaccel cards=0 pci_cards=0000:00:10.0
virsh nodedev-list --cap mdev_types
virsh nodedev-dumpxml pci_0000_00_10_0
mdevctl types
virsh nodedev-define libvirt/nodedev-accel-1of2.xml | tee define.txt
nd=$(sed -n "s/^Node device '\(mdev_[^']*\)' defined from.*/\1/p" define.txt)
virsh nodedev-start $nd
virsh nodedev-autostart $nd
UUID=$(virsh nodedev-dumpxml $nd | sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p')
cp libvirt/udev/61-vaccel-mdevctl.rules /etc/udev/rules.d/
echo 8 > /sys/bus/mdev/devices/$UUID/vaccel/weight
mdevctl modify --uuid $UUID --delattr --index 0
mdevctl modify --uuid $UUID --addattr vaccel/weight --value 8
virsh define vaccel-guest.xml
virsh start vaccel-guest
virsh destroy vaccel-guest
virsh undefine vaccel-guest
virsh nodedev-destroy $nd
virsh nodedev-undefine $nd
EOF

step "load vaccel (no simulated card), hand $PCI_CARD to it with driver_override and bind"
load_vaccel cards=0
sysfs_write "$PFDIR/driver_override" accel
sysfs_write /sys/bus/pci/drivers/accel/bind "$PCI_CARD"
assert_eq accel "$(basename "$(readlink "$PFDIR/driver")")" "driver of $PCI_CARD"
assert_eq "1 2 4" "$(sysfs_available)" "available instances of an empty card"

step "start libvirt"
libvirt_up

step "virsh nodedev-list --cap mdev_types lists the card"
vsh nodedev-list --cap mdev_types | tee "$out/list-types.txt"
grep -qx "$PCI_CARD_NODEDEV" "$out/list-types.txt" || fail "nodedev-list --cap mdev_types misses $PCI_CARD_NODEDEV"
mdevctl types | tee "$out/mdevctl-types.txt"
grep -qx "$PCI_CARD" "$out/mdevctl-types.txt" || fail "mdevctl types misses $PCI_CARD"

step "nodedev-dumpxml shows the three types, vfio-pci, exact available instances"
virsh_available > /dev/null
cat "$out/card.xml"
for t in accel-1of1 accel-1of2 accel-1of4; do
	grep -q "<type id='$t'>" "$out/card.xml" || fail "nodedev-dumpxml misses $t"
done
assert_eq 3 "$(grep -c '<deviceAPI>vfio-pci</deviceAPI>' "$out/card.xml")" "types with deviceAPI vfio-pci"
assert_eq "1 2 4" "$(virsh_available)" "availableInstances in nodedev-dumpxml"

step "nodedev-define libvirt/nodedev-accel-1of2.xml, nodedev-start, nodedev-autostart"
vsh nodedev-define "$REPO/libvirt/nodedev-accel-1of2.xml" | tee "$out/define.txt"
nd=$(sed -n "s/^Node device '\(mdev_[^']*\)' defined from.*/\1/p" "$out/define.txt")
[ -n "$nd" ] || fail "no node device name in nodedev-define's output"
libvirt_forget_later nodedev "$nd"
vsh nodedev-info "$nd" | tee "$out/info-defined.txt"
grep -q '^Persistent: *yes' "$out/info-defined.txt" || fail "$nd is not persistent"
grep -q '^Active: *no' "$out/info-defined.txt" || fail "$nd is active before nodedev-start"
assert_eq "1 2 4" "$(sysfs_available)" "available instances after nodedev-define (nothing created yet)"
vsh nodedev-start "$nd"
vsh nodedev-autostart "$nd"
vsh nodedev-info "$nd" | tee "$out/info-started.txt"
grep -q '^Active: *yes' "$out/info-started.txt" || fail "$nd is not active after nodedev-start"
grep -q '^Autostart: *yes' "$out/info-started.txt" || fail "$nd has no autostart after nodedev-autostart"
vsh nodedev-dumpxml "$nd" | tee "$out/instance.xml"
u=$(sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' "$out/instance.xml")
inst=/sys/bus/mdev/devices/$u
[ -d "$inst" ] || fail "no instance $u after nodedev-start"
assert_eq "$PCI_CARD" "$(basename "$(dirname "$(readlink -f "$inst")")")" "parent of $u"
assert_eq "accel-1of2 4" "$(cat "$inst/mdev_type/name" "$inst/vaccel/weight" | xargs)" "type and weight of $u"
assert_eq "0 1 2" "$(sysfs_available)" "available instances in sysfs with the 1of2"
assert_eq "0 1 2" "$(virsh_available)" "availableInstances in nodedev-dumpxml with the 1of2"
vsh nodedev-list --cap mdev > "$out/list-mdev.txt"
grep -qx "$nd" "$out/list-mdev.txt" || fail "nodedev-list --cap mdev misses $nd"
mdevctl list --defined | tee "$out/mdevctl-defined.txt"
grep -q "^$u $PCI_CARD accel-1of2 auto" "$out/mdevctl-defined.txt" || fail "mdevctl has no auto definition of $u"

step "set a weight: live through sysfs, in the definition through mdevctl modify"
sysfs_write "$inst/vaccel/weight" 8
assert_eq 8 "$(cat "$inst/vaccel/weight")" "weight after the live change"
# mdevctl counts attributes from 0 (1.2.0 panics on an index past the end).
mdevctl modify --uuid "$u" --delattr --index 0
mdevctl modify --uuid "$u" --addattr vaccel/weight --value 8
mdevctl list --defined --dumpjson --uuid "$u" | tee "$out/modified.json"
grep -q '"vaccel/weight": "8"' "$out/modified.json" || fail "the definition's weight is not 8"
assert_eq 1 "$(grep -c '"vaccel/weight"' "$out/modified.json")" "weight attributes in the definition"

before=$(state)
echo "before the refusals: $before"
bad=$out/bad
mkdir -p "$bad"

# refusal NAME XML WORD: the node device of XML is refused, by
# nodedev-create at once, and by nodedev-start after nodedev-define
# (libvirt 9.0 with mdevctl 1.2.0 checks neither the type, nor the fit,
# nor attributes when it defines: the definition is for later), each
# time with an error naming WORD; the refused start changes nothing, and
# nodedev-undefine takes the definition away again.
refusal()
{
	local name=$1 xml=$2 word=$3 nd2

	refused "$name-create" vsh nodedev-create "$xml"
	grep -qF -- "$word" "$out/$name-create.txt" || fail "$name: nodedev-create's error does not name $word"
	assert_eq "$before" "$(state)" "state after the refused nodedev-create ($name)"
	vsh nodedev-define "$xml" > "$out/$name-define.txt"
	nd2=$(sed -n "s/^Node device '\(mdev_[^']*\)' defined from.*/\1/p" "$out/$name-define.txt")
	[ -n "$nd2" ] || fail "$name: no node device name in nodedev-define's output"
	libvirt_forget_later nodedev "$nd2"
	refused "$name-start" vsh nodedev-start "$nd2"
	grep -qF -- "$word" "$out/$name-start.txt" || fail "$name: nodedev-start's error does not name $word"
	assert_eq "${before%%; defined*}" "$(state | sed 's/; defined.*//')" \
		"available and existing instances after the refused nodedev-start ($name)"
	vsh nodedev-undefine "$nd2"
	assert_eq "$before" "$(state)" "state after nodedev-undefine ($name)"
}

step "refused: a type the card does not have (accel-1of8)"
sed "s/accel-1of2/accel-1of8/" "$REPO/libvirt/nodedev-accel-1of2.xml" > "$bad/notype.xml"
refusal notype "$bad/notype.xml" accel-1of8

step "refused: an accel-1of1 on a card that has a 1of2"
sed "s/accel-1of2/accel-1of1/" "$REPO/libvirt/nodedev-accel-1of2.xml" > "$bad/nofit.xml"
refusal nofit "$bad/nofit.xml" accel-1of1

step "refused: weight 'abc' (the attribute vaccel/weight)"
sed "s/value='4'/value='abc'/" "$REPO/libvirt/nodedev-accel-1of2.xml" > "$bad/weight.xml"
dmesg -C
refusal weight "$bad/weight.xml" vaccel/weight
dmesg | grep -F "weight: 'abc' refused: 1 to 1000, or 0 for the type's default" ||
	fail "no kernel log line saying why the weight was refused"

step "at boot: the card registers, udev starts its auto definitions (libvirt/udev/61-vaccel-mdevctl.rules)"
rule=/etc/udev/rules.d/61-vaccel-mdevctl.rules
libvirt_forget_later file "$rule"
cp "$REPO/libvirt/udev/61-vaccel-mdevctl.rules" "$rule"
udevadm control --reload
sysfs_write /sys/bus/pci/drivers/accel/unbind "$PCI_CARD"
[ ! -e "$inst" ] || fail "$u still there after the card's unbind"
t0=$(date +%s%N)
sysfs_write /sys/bus/pci/drivers/accel/bind "$PCI_CARD"
# mdevctl creates the instance, then writes its weight: wait for both.
for _ in $(seq 150); do
	[ "$(cat "$inst/vaccel/weight" 2>/dev/null)" = 8 ] && break
	sleep 0.2
done
[ -e "$inst" ] || fail "$u did not come back within 30 s of the card's bind"
echo "$u back with its weight $(( ($(date +%s%N) - t0) / 1000000 )) ms after the bind" |
	tee -a "$VACCEL_RESULTS/$LIBVIRT_TEST-times.txt"
assert_eq "accel-1of2 8" "$(cat "$inst/mdev_type/name" "$inst/vaccel/weight" | xargs)" \
	"type and weight (the modified definition's) of $u"
for _ in $(seq 20); do
	vsh nodedev-info "$nd" > "$out/info-rebound.txt"
	grep -q '^Active: *yes' "$out/info-rebound.txt" && break
	sleep 0.5
done
grep -q '^Active: *yes' "$out/info-rebound.txt" || fail "libvirt does not see $nd active again"
assert_eq "0 1 2" "$(virsh_available)" "availableInstances after the restart"

step "nodedev-destroy, nodedev-undefine"
vsh nodedev-destroy "$nd"
[ ! -e "$inst" ] || fail "$u still there after nodedev-destroy"
assert_eq "1 2 4" "$(sysfs_available)" "available instances after nodedev-destroy"
vsh nodedev-info "$nd" | tee "$out/info-destroyed.txt"
grep -q '^Active: *no' "$out/info-destroyed.txt" || fail "$nd still active"
vsh nodedev-undefine "$nd"
if vsh nodedev-info "$nd" > /dev/null 2>&1; then
	fail "$nd still known after nodedev-undefine"
fi
mdevctl list --defined | grep "$u" && fail "mdevctl still has $u defined"
assert_eq "1 2 4" "$(virsh_available)" "availableInstances at the end"
echo "test 40: $(( $(date +%s) - t_start )) s, libvirt up in $LIBVIRT_UP_S s" |
	tee -a "$VACCEL_RESULTS/$LIBVIRT_TEST-times.txt"
