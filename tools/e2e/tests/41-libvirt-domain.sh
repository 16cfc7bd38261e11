#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A guest that libvirt starts with a vaccel instance, as docs/operators.md
# tells an operator to: Debian's libvirtd (tools/e2e/libvirt.sh) defines a
# domain from libvirt/domain-accel.xml (<domain type='qemu'>, direct kernel
# boot, one <hostdev type='mdev' model='vfio-pci'>, no display) and
# "virsh start" boots it; in the guest (tools/nested's initramfs, its
# agent on the second serial port) the stock driver vaccel_vf binds the
# function by itself and "vaccel-run selftest" passes.  Meanwhile a second
# domain on the same instance is refused by libvirt naming the instance
# as in use, and the instance's vaccel/holder names the guest's QEMU;
# "virsh destroy" frees it (holder empty, a new VFIO open works).  The
# instance is the persistent accel-1of2 of libvirt/nodedev-accel-1of2.xml
# on the PCI card.  The checks that need no guest run while it boots.
# One nested boot (TCG in TCG, 103-242 s; the test took 131 s after test
# 40, whose libvirtd had left QEMU's capabilities cached, and 344 s alone
# on a loaded machine):
# e2e-timeout: 600
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"
source "$REPO/tools/e2e/libvirt.sh"
source "$REPO/tools/nested/common.sh"

out=$VACCEL_RESULTS/41-libvirt-domain
mkdir -p "$out"
export VACCEL_AGENT_DIR=$out
agent=$REPO/tools/nested/agent.sh
t_start=$(date +%s)
step() { log_step "[$(( $(date +%s) - t_start )) s] $*"; }
dom=vaccel-guest
dom2=vaccel-guest-2

for f in "$REPO/vaccel_vf.ko" "$REPO/tools/guest/vaccel-run" "$REPO/tools/vaccel-vfio"; do
	[ -e "$f" ] || fail "$f not built: run 'make modules tools'"
done
pci_card_available || fail "vaccel.ko has no PCI backend (pci_cards) or the VM has no $PCI_CARD"

step "the guest's kernel and initramfs (tools/nested, with vaccel_vf.ko and vaccel-run)"
nested_images "$out" --require-vf
images=/var/lib/libvirt/images/vaccel
mkdir -p "$images"
libvirt_forget_later file "$images/vmlinux"
libvirt_forget_later file "$images/initrd.img"
cp "$NESTED_KERNEL" "$images/vmlinux"
cp "$NESTED_INITRAMFS" "$images/initrd.img"

step "load vaccel with the PCI card $PCI_CARD (pci_cards=, as /etc/modprobe.d/vaccel.conf gives it)"
load_vaccel cards=0 "pci_cards=$PCI_CARD"

step "start libvirt"
libvirt_up

step "a persistent accel-1of2 from libvirt/nodedev-accel-1of2.xml"
vsh nodedev-define "$REPO/libvirt/nodedev-accel-1of2.xml" | tee "$out/define.txt"
nd=$(sed -n "s/^Node device '\(mdev_[^']*\)' defined from.*/\1/p" "$out/define.txt")
[ -n "$nd" ] || fail "no node device name in nodedev-define's output"
libvirt_forget_later nodedev "$nd"
vsh nodedev-start "$nd"
vsh nodedev-autostart "$nd"
u=$(vsh nodedev-dumpxml "$nd" | sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p')
inst=/sys/bus/mdev/devices/$u
[ -d "$inst" ] || fail "instance $u missing"
echo "instance $u (accel-1of2 on $PCI_CARD)"
size=$(cat "$inst/vaccel/memory_size")

# domain_xml NAME CONSOLE AGENT: libvirt/domain-accel.xml filled in for
# the instance $u.
domain_xml()
{
	sed -e "/<domain/,\$ {s|@NAME@|$1|; s|@MDEV@|$u|" \
	    -e "s|@KERNEL@|$images/vmlinux|; s|@INITRD@|$images/initrd.img|" \
	    -e "s|@CMDLINE@|$NESTED_APPEND vaccel_nested.mode=agent|" \
	    -e "s|@CONSOLE@|$2|; s|@AGENT@|$3|}" "$REPO/libvirt/domain-accel.xml"
}

step "define the domain $dom from libvirt/domain-accel.xml"
console=/var/log/libvirt/qemu/$dom-console.log
ctl=$("$agent" channel)
ln -sfn "$console" "$out/console.log"
domain_xml "$dom" "$console" "$ctl" > "$out/$dom.xml"
sed -n '/<domain/,$p' "$out/$dom.xml" | grep '@[A-Z]*@' && fail "a placeholder is left in $out/$dom.xml"
libvirt_forget_later domain "$dom"
vsh define "$out/$dom.xml"

# shellcheck disable=SC2317 # run by the EXIT trap
stop_guest()
{
	local rc=$?

	[ -f "$out/agent.env" ] && "$agent" stop --timeout 10 > /dev/null 2>&1
	libvirt_down "$rc"
}
trap stop_guest EXIT

step "virsh start $dom"
t0=$(date +%s)
vsh start "$dom"
vsh dumpxml "$dom" > "$out/$dom-live.xml"
"$agent" attach --domain "$dom"
step "while the guest boots: the instance is held by the domain's QEMU"
qpid=$(cat "/run/libvirt/qemu/$dom.pid")
holder=$(cat "$inst/vaccel/holder")
echo "vaccel/holder: '$holder' (QEMU pid $qpid)"
[[ $holder == "$qpid "* ]] || fail "vaccel/holder is '$holder', not QEMU's pid $qpid"

step "a second domain on the same instance is refused"
domain_xml "$dom2" "/var/log/libvirt/qemu/$dom2-console.log" /dev/null |
	sed "/<serial type='pipe'>/,/<\/serial>/d" > "$out/$dom2.xml"
libvirt_forget_later domain "$dom2"
vsh define "$out/$dom2.xml"
if vsh start "$dom2" > "$out/$dom2-start.txt" 2>&1; then
	cat "$out/$dom2-start.txt"
	fail "virsh start $dom2 on the instance $dom has succeeded"
fi
cat "$out/$dom2-start.txt"
grep -q "mediated device .*$u.* is in use" "$out/$dom2-start.txt" ||
	fail "libvirt's refusal does not name $u as in use"
[ "$(vsh domstate "$dom" | xargs)" = running ] || fail "$dom is no longer running"
vsh undefine "$dom2"

step "wait for the guest"
"$agent" wait-ready --timeout 420 || fail "the guest did not come up"
t_boot=$(( $(date +%s) - t0 ))
echo "nested boot under libvirt (from virsh start until its agent answers): $t_boot s" | tee -a "$VACCEL_RESULTS/$LIBVIRT_TEST-times.txt"

step "in the guest: vaccel_vf bound the function, vaccel-run selftest passes"
guest --timeout 300 "lsmod
for d in /sys/bus/pci/devices/*; do
	read -r v < \$d/vendor; read -r p < \$d/device
	[ \$v = 0x1ace ] || continue
	drv=none
	[ -e \$d/driver ] && { cd -P \$d/driver; drv=\${PWD##*/}; }
	echo \"function \${d##*/} \$v:\$p driver \$drv\"
done
vaccel-run list
for n in /dev/vaccel*; do echo \"=== \$n\"; vaccel-run selftest -d \$n; echo \"=== rc \$?\"; done" \
	> "$out/selftest.txt" 2>&1 || { cat "$out/selftest.txt"; fail "the guest's commands failed"; }
cat "$out/selftest.txt"
grep -q '^function .* driver vaccel_vf$' "$out/selftest.txt" || fail "vaccel_vf did not bind the function"
line=$(grep '^selftest: ' "$out/selftest.txt" | tail -n 1)
{ [[ $line =~ ^selftest:\ ([0-9]+)\ passed,\ 0\ failed ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] &&
	grep -q '^=== rc 0$' "$out/selftest.txt"; } || fail "selftest in the guest: '$line'"
jobs=$(cat "$inst/vaccel/jobs")
[ "$jobs" -gt 0 ] || fail "the instance ran no job"
echo "the guest computed: $line; the instance's jobs: $jobs" | tee -a "$VACCEL_RESULTS/$LIBVIRT_TEST-times.txt"

step "virsh destroy frees the instance"
vsh destroy "$dom"
"$agent" stop --timeout 10 || true
rm -f "$out/console.log"
cp "$console" "$out/console.log" 2>/dev/null || true
[ -d "$inst" ] || fail "the instance went with the domain"
assert_eq "" "$(cat "$inst/vaccel/holder")" "vaccel/holder after virsh destroy"
"$REPO/tools/vaccel-vfio" info "$u" --mem-size "$size" > "$out/vfio-after.txt" 2>&1 ||
	{ cat "$out/vfio-after.txt"; fail "a new VFIO open of $u failed after virsh destroy"; }
echo "a new VFIO open of $u works"
vsh undefine "$dom"

step "nodedev-destroy, nodedev-undefine"
vsh nodedev-destroy "$nd"
vsh nodedev-undefine "$nd"
[ ! -e "$inst" ] || fail "$u still there after nodedev-destroy"
echo "test 41: $(( $(date +%s) - t_start )) s, libvirt up in $LIBVIRT_UP_S s, nested boot $t_boot s" |
	tee -a "$VACCEL_RESULTS/$LIBVIRT_TEST-times.txt"
