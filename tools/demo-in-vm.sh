#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job, run inside the VM by tools/demo.sh: one simulated
# accelerator card shared by a virtual machine and the host.
#
#  1. vaccel loads with a simulated card (VACCEL_DEMO_PARAMS, default
#     "cards=1 engines=4 mem_mb=256");
#  2. the operator creates one accel-1of2 and two accel-1of4 instances
#     through sysfs, as typed at a shell;
#  3. a nested VM (QEMU, TCG) gets the 1of2 through vfio-pci; its stock
#     driver vaccel_vf loads by itself (hotplug, modules.alias) and
#     vaccel-run shows the device and passes its selftest;
#  4. the VM runs a BUSY load on the 1of2 while the host keeps the two
#     1of4s busy (tools/vaccel-vfio load); the host prints each
#     instance's share of the card once a second: 50/25/25 expected
#     (best_effort, weights 2:1:1);
#  5. a summary: what ran, what was verified, shares measured against
#     expected.
#
# Exit status 0 if every check held.  VACCEL_DEMO_WINDOW: seconds of the
# live table (default 10).  The nested VM's files go to
# $VACCEL_RESULTS/demo-guest (tools/demo.sh prints where).

set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
REPO=$PWD

params=${VACCEL_DEMO_PARAMS:-cards=1 engines=4 mem_mb=256}
window=${VACCEL_DEMO_WINDOW:-10}
gdir=${VACCEL_RESULTS:-/tmp}/demo-guest
export VACCEL_AGENT_DIR=$gdir
agent=$REPO/tools/nested/agent.sh
t_demo=$(date +%s)
checks_ok=()
checks_bad=()

bold=$'\e[1m' dim=$'\e[2m' off=$'\e[0m'
[ -t 1 ] || [ -n "${VACCEL_DEMO_COLOR:-}" ] || bold='' dim='' off=''

step()
{
	printf '\n%s== %s ==%s\n' "$bold" "$*" "$off"
}

say()
{
	printf '%s\n' "$*"
}

# host CMD: show CMD as the operator types it at the host's shell, run it.
host()
{
	printf '%shost#%s %s\n' "$bold" "$off" "$1"
	bash -c "$1"
}

# vm CMD: show CMD as typed in the VM's shell, run it there.
vm()
{
	printf '%svm#%s %s\n' "$bold" "$off" "$*"
	"$agent" run --timeout 300 "$*"
}

ok()
{
	checks_ok+=("$1")
	printf '  %sOK%s   %s\n' "$bold" "$off" "$1"
}

bad()
{
	checks_bad+=("$1")
	printf '  %sFAIL%s %s\n' "$bold" "$off" "$1"
}

stop_all()
{
	[ -f "$gdir/agent.env" ] && "$agent" stop --timeout 30 >/dev/null 2>&1
	[ -n "${hp1:-}" ] && kill "$hp1" 2>/dev/null
	[ -n "${hp2:-}" ] && kill "$hp2" 2>/dev/null
	return 0
}
trap stop_all EXIT

pct()	# per mille -> "50.1 %"
{
	printf '%d.%d %%' $(($1 / 10)) $(($1 % 10))
}

say "${bold}vaccel demo${off}: one accelerator card shared by a virtual machine and the host."
say "vaccel is a VFIO mediated-device driver: it cuts a card into VF-like PCI functions"
say "(accel-1of1, accel-1of2, accel-1of4) that VMs get through QEMU's vfio-pci and use"
say "with their stock driver.  The card here is simulated inside the driver."
say "This runs in a QEMU VM with Debian's $(uname -r) kernel, which plays the host"
say "(its shell prompt: host#); the VM that gets an instance runs inside it (vm#)."

step "1. load the driver with a simulated card"
host "modprobe -a vfio vfio_iommu_type1 mdev"
# shellcheck disable=SC2086 # a word list on purpose
host "insmod vaccel.ko $params" || { bad "vaccel.ko loads"; exit 1; }
card=vaccel-sim.0
types=/sys/class/mdev_bus/$card/mdev_supported_types
engines=$(cat /sys/bus/platform/devices/$card/vaccel/engines)
host "ls $types"
host "cd $types && grep . */available_instances"

step "2. the operator creates one accel-1of2 and two accel-1of4 instances"
u2=$(cat /proc/sys/kernel/random/uuid)
ua=$(cat /proc/sys/kernel/random/uuid)
ub=$(cat /proc/sys/kernel/random/uuid)
host "echo $u2 > $types/accel-1of2/create" || { bad "create the accel-1of2"; exit 1; }
host "echo $ua > $types/accel-1of4/create" || { bad "create the first accel-1of4"; exit 1; }
host "echo $ub > $types/accel-1of4/create" || { bad "create the second accel-1of4"; exit 1; }
host "cd $types && grep . */available_instances"
host "tools/vaccelctl list"
say "${dim}The card is now full: every available_instances is 0, and one more instance is refused:${off}"
host "echo \$(cat /proc/sys/kernel/random/uuid) > $types/accel-1of4/create" 2>&1 | sed 's/^bash: line 1: //'
dmesg | grep 'cannot create' | tail -n 1 | sed 's/^\[[^]]*\] /  kernel: /'
mem2=$(cat "/sys/bus/mdev/devices/$u2/vaccel/memory_size")

step "3. a VM gets the accel-1of2 through vfio-pci"
# The nested guest: Debian's kernel and a small initramfs (busybox,
# vaccel_vf.ko, vaccel-run), built on the host by tools/demo.sh.
initramfs=$("$REPO/tools/nested/build-initramfs.sh" --require-vf \
	--cache "${VACCEL_CACHE:-$HOME/.cache/vaccel}/nested" --build-dir /tmp/vaccel-demo 2>/dev/null) ||
	{ bad "the VM's initramfs (vaccel_vf.ko and vaccel-run built?)"; exit 1; }
kernel=$("$REPO/tools/nested/extract-vmlinux.sh" \
	--cache "${VACCEL_CACHE:-$HOME/.cache/vaccel}/nested" --build-dir /tmp/vaccel-demo \
	"/boot/vmlinuz-$(uname -r)" 2>/dev/null) || { bad "the VM's kernel"; exit 1; }
printf '%shost#%s qemu-system-x86_64 -machine q35 -accel tcg -m 512M \\\n' "$bold" "$off"
printf '         -kernel vmlinux-%s -initrd guest.cpio.gz \\\n' "$(uname -r)"
printf '         -device pcie-root-port,id=rp0,chassis=1,slot=1 \\\n'
printf '         -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/%s,bus=rp0 ...\n' "$u2"
say "${dim}(QEMU under TCG inside this TCG VM: the VM takes two to five minutes to boot)${off}"
t_boot0=$(date +%s)
"$agent" start --mdev "$u2" --kernel "$kernel" --initramfs "$initramfs" --timeout 1200 2>/dev/null ||
	{ bad "QEMU starts"; exit 1; }
if ! "$agent" wait-ready --timeout 700; then
	bad "the VM boots"
	exit 1
fi
t_boot=$(( $(date +%s) - t_boot0 ))

step "4. inside the VM: the stock driver bound the function by itself"
# One round trip to the VM for all of it: each costs seconds (TCG in TCG).
inv=$("$agent" run "lsmod; echo '=== hotplug'; dmesg | grep 'inner-hotplug:.*vaccel_vf'
echo '=== list'; vaccel-run list
echo '=== bar2'; { read -r l; read -r l; read -r s e f; } < /sys/bus/pci/devices/0000:01:00.0/resource; echo \$((e - s + 1))" 2>&1)
section() { sed -n "/^=== $1\$/,/^=== /p" <<<"$inv" | grep -v '^=== '; }
printf '%svm#%s lsmod\n' "$bold" "$off"
sed -n '1,/^=== /p' <<<"$inv" | grep -v '^=== '
loaded_by=$(section hotplug | head -n 1 | sed 's/^\[[^]]*\] //')
if grep -q '^vaccel_vf ' <<<"$inv" && [ -n "$loaded_by" ]; then
	say "${dim}nobody typed insmod: a hotplug helper (what udev does) ran modprobe with the"
	say "device's MODALIAS, and modules.alias named vaccel_vf (the VM's kernel log):${off}"
	say "  $loaded_by"
	ok "vaccel_vf loaded by itself (modules.alias) and bound the function"
else
	bad "vaccel_vf loaded by itself"
fi
printf '%svm#%s vaccel-run list\n' "$bold" "$off"
section list
dev=$(section list | awk 'NR == 1 { print $1 }')
[ -n "$dev" ] || { bad "a /dev/vaccelN in the VM"; exit 1; }
bar2=$(section bar2)
if [ "$bar2" = "$mem2" ]; then
	ok "BAR2 in the VM is $((bar2 >> 20)) MiB, the accel-1of2's memory (half the card)"
else
	bad "BAR2 in the VM is '$bar2' bytes, the instance has $mem2"
fi
say ""
selftest=$("$agent" run --timeout 300 "vaccel-run selftest -d $dev" 2>&1)
st_rc=$?
printf '%svm#%s vaccel-run selftest -d %s\n' "$bold" "$off" "$dev"
# A few of its lines (FAIL lines, if any, all of them), then the verdict.
grep -v '^PASS' <<<"$selftest" | grep -v '^selftest: ' | sed 's/^/  /'
shown=$(grep -E '^PASS (INFO|COPY user -> dev|CRC32C dev -> dev|GEMM 128x96x80|8 jobs in flight|a batch of a good COPY and an unknown)' <<<"$selftest")
[ -n "$shown" ] || shown=$(grep '^PASS' <<<"$selftest" | head -n 6)
sed 's/^/  /' <<<"$shown"
n_pass=$(grep -c '^PASS' <<<"$selftest")
n_shown=$(grep -c . <<<"$shown")
[ "$n_pass" -gt "$n_shown" ] && say "  ... and $((n_pass - n_shown)) more PASS lines"
st_line=$(grep '^selftest: ' <<<"$selftest" | tail -n 1)
say "  $st_line"
if [ "$st_rc" -eq 0 ] && [[ $st_line =~ ^selftest:\ ([0-9]+)\ passed,\ 0\ failed ]]; then
	ok "selftest in the VM: ${BASH_REMATCH[1]} checks passed (every operation, results checked)"
else
	bad "selftest in the VM: ${st_line:-no result} (exit $st_rc)"
fi

step "5. sharing the card: the VM's 1of2 and two busy 1of4s on the host"
say "${dim}best_effort gives each instance engine time in proportion to its weight:"
say "accel-1of2 weight 2, accel-1of4 weight 1, so 50 % / 25 % / 25 % when all are busy.${off}"
jobs0=$(cat "/sys/bus/mdev/devices/$u2/vaccel/jobs")
# BUSY operations of 50 ms and four jobs in flight per queue: the nested
# VM's CPU (TCG in TCG) submits only some 20-30 jobs a second, which with
# the defaults (10 ms, two) would keep only about two engines busy.
printf '%svm#%s vaccel-run load --op busy --size 50000000 --depth 4 --seconds 120 -d %s &\n' \
	"$bold" "$off" "$dev"
"$agent" bg load exec vaccel-run load --op busy --size 50000000 --depth 4 --seconds 120 -d "$dev" >/dev/null
for _ in $(seq 300); do
	[ "$(cat "/sys/bus/mdev/devices/$u2/vaccel/jobs")" -gt "$jobs0" ] && break
	sleep 0.2
done
printf '%shost#%s tools/vaccel-vfio load %s &\n' "$bold" "$off" "$ua"
tools/vaccel-vfio load "$ua" --seconds 300 >/tmp/demo-load-a.txt 2>&1 &
hp1=$!
printf '%shost#%s tools/vaccel-vfio load %s &\n' "$bold" "$off" "$ub"
tools/vaccel-vfio load "$ub" --seconds 300 >/tmp/demo-load-b.txt 2>&1 &
hp2=$!
files=(/sys/bus/mdev/devices/{$u2,$ua,$ub}/vaccel/busy_ns)
ja=$(cat "/sys/bus/mdev/devices/$ua/vaccel/jobs")
jb=$(cat "/sys/bus/mdev/devices/$ub/vaccel/jobs")
for _ in $(seq 100); do
	[ "$(cat "/sys/bus/mdev/devices/$ua/vaccel/jobs")" -gt "$ja" ] &&
		[ "$(cat "/sys/bus/mdev/devices/$ub/vaccel/jobs")" -gt "$jb" ] && break
	sleep 0.1
done
sleep 2
say ""
say "live share of the card's engine time (busy_ns of each instance, once a second):"
printf '  %4s  %-14s %-14s %-14s %s\n' time "1of2 (the VM)" "1of4 (host)" "1of4 (host)" "card busy"
read -r -a first <<<"$(cat "${files[@]}" | xargs)"
t_first=$(date +%s%N)
prev=("${first[@]}")
t_prev=$t_first
for s in $(seq "$window"); do
	sleep 1
	read -r -a cur <<<"$(cat "${files[@]}" | xargs)"
	t_cur=$(date +%s%N)
	sum=0
	for k in 0 1 2; do sum=$((sum + cur[k] - prev[k])); done
	[ "$sum" -gt 0 ] || sum=1
	row=()
	for k in 0 1 2; do
		row+=("$(pct $(( (cur[k] - prev[k]) * 1000 / sum )))")
	done
	busy=$(( sum * 1000 / ((t_cur - t_prev) * engines) ))
	printf '  %3ds  %-14s %-14s %-14s %s\n' "$s" "${row[@]}" "$(pct "$busy")"
	prev=("${cur[@]}")
	t_prev=$t_cur
done
say "${dim}(card busy: engine time over $engines engines x 1 s; a second's figure can pass 100 %"
say "because engine time is counted when a chunk of work ends)${off}"
sum=0
for k in 0 1 2; do sum=$((sum + cur[k] - first[k])); done
[ "$sum" -gt 0 ] || sum=1
shares=()
for k in 0 1 2; do shares+=("$(( (cur[k] - first[k]) * 1000 / sum ))"); done
busy=$(( sum * 1000 / ((t_cur - t_first) * engines) ))
kill -TERM "$hp1" "$hp2" 2>/dev/null
wait "$hp1"
rc_a=$?
wait "$hp2"
rc_b=$?
hp1='' hp2=''
"$agent" signal load TERM >/dev/null
load_out=$("$agent" wait --timeout 60 load 2>&1)
load_rc=$?
say ""
say "the VM's load ended with: $(grep '^load: summary' <<<"$load_out")"
say "the host's loads: $(sed -n 's/^load: //p' /tmp/demo-load-a.txt | head -n 1)"
say "                  $(sed -n 's/^load: //p' /tmp/demo-load-b.txt | head -n 1)"
if [ "$load_rc" -eq 0 ] && grep -q '^load: summary.* errors=0' <<<"$load_out"; then
	ok "the VM's load completed without errors (results verified)"
else
	bad "the VM's load (exit $load_rc): $(tail -n 3 <<<"$load_out" | xargs)"
fi
if [ "$rc_a" -eq 0 ] && [ "$rc_b" -eq 0 ]; then
	ok "the host's loads completed without errors"
else
	bad "the host's loads (exit $rc_a, $rc_b)"
fi
within()	# GOT_PERMILLE WANT_PERCENT TOL_PERCENT
{
	[ "$1" -ge $(( ($2 - $3) * 10 )) ] && [ "$1" -le $(( ($2 + $3) * 10 )) ]
}
if within "${shares[0]}" 50 2 && within "${shares[1]}" 25 2 && within "${shares[2]}" 25 2; then
	ok "shares over ${window} s: 1of2 $(pct "${shares[0]}"), 1of4s $(pct "${shares[1]}") and $(pct "${shares[2]}") (expected 50/25/25 +- 2)"
else
	bad "shares over ${window} s: 1of2 $(pct "${shares[0]}"), 1of4s $(pct "${shares[1]}") and $(pct "${shares[2]}") (expected 50/25/25 +- 2)"
fi

"$agent" stop --timeout 30 >/dev/null 2>&1
for u in "$u2" "$ua" "$ub"; do
	echo 1 > "/sys/bus/mdev/devices/$u/remove" 2>/dev/null
done
rmmod vaccel 2>/dev/null

step "summary"
say "ran:      vaccel.ko ($params) in a VM with Debian's $(uname -r) kernel;"
say "          one accel-1of2 and two accel-1of4 instances created through sysfs;"
say "          a nested VM with the 1of2 through vfio-pci (booted in $t_boot s),"
say "          vaccel-run selftest and a BUSY load in it, BUSY loads on the 1of4s on the host."
say "measured: share of the card's engine time over ${window} s, all three busy:"
say "            accel-1of2 (the VM)  $(pct "${shares[0]}")   expected 50 %"
say "            accel-1of4 (host)    $(pct "${shares[1]}")   expected 25 %"
say "            accel-1of4 (host)    $(pct "${shares[2]}")   expected 25 %"
say "          the card's engines were busy $(pct "$busy") of the time"
say "verified: ${#checks_ok[@]} checks passed, ${#checks_bad[@]} failed"
for c in "${checks_bad[@]}"; do
	say "          FAIL $c"
done
say "time:     $(( $(date +%s) - t_demo )) s in this VM"
[ ${#checks_bad[@]} -eq 0 ]
