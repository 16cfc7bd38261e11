#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest's stock driver on the real client path: one nested guest (TCG
# in TCG; tools/nested/agent.sh drives it over its second serial port)
# gets three instances through QEMU's vfio-pci, each behind a PCIe root
# port: an accel-1of2 of card 0, an accel-1of4 of card 1 and an
# accel-1of1 of card 2; two more accel-1of4 of card 0 serve host-side
# loads.  In the guest, vaccel_vf binds every function by itself (hotplug
# and coldplug through modules.alias, no insmod), each /dev/vaccelN passes
# vaccel-run's selftest, BAR2 is the type's size, completions arrive as
# MSI-X interrupts, the 1of2 and the 1of4 run loads at once,
# vaccel-vf-test's multiproc, bad-ioctls and reset-inflight pass and the
# guest's kernel log stays clean.  The 1of2, busy in the guest beside the
# two busy host 1of4s, gets half of card 0's engine time (within 2
# points).  Last, the host removes the 1of4 the guest holds: QEMU gets
# the request, unplugs the function from the guest, the driver's remove
# runs, and the host's remove returns.  One inner boot for all of it; the
# boot alone takes two to five minutes:
# e2e-timeout: 1200
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

out=$VACCEL_RESULTS/31-guest-driver
mkdir -p "$out"
export VACCEL_AGENT_DIR=$out
agent=$REPO/tools/nested/agent.sh
vfio=$REPO/tools/vaccel-vfio
t_start=$(date +%s)
figures=$VACCEL_RESULTS/31-figures.txt
: > "$figures"

# Each step with the test's elapsed time: they cost seconds to minutes.
step() { log_step "[$(( $(date +%s) - t_start )) s] $*"; }

for f in "$REPO/vaccel_vf.ko" "$REPO/tools/guest/vaccel-run" "$REPO/tools/guest/vaccel-vf-test"; do
	[ -e "$f" ] || fail "$f not built: run 'make modules tools'"
done

stop_guest()
{
	if [ -f "$out/agent.env" ]; then
		"$agent" stop --timeout 30 || true
	fi
}
trap stop_guest EXIT

step "inner initramfs (with vaccel_vf.ko, vaccel-run, vaccel-vf-test) and kernel"
nested_images "$out" --require-vf
echo "initramfs $NESTED_INITRAMFS, kernel $NESTED_KERNEL"

step "load vaccel with 3 cards; the guest's instances and the host's"
load_vaccel cards=3 engines=4 mem_mb=256
g2=$(create_instance 0 accel-1of2)
g4=$(create_instance 1 accel-1of4)
g1=$(create_instance 2 accel-1of1)
h1=$(create_instance 0 accel-1of4)
h2=$(create_instance 0 accel-1of4)
attr() { cat "/sys/bus/mdev/devices/$1/vaccel/$2"; }
# The guest sees them in this order on buses 1, 2, 3.
guuids=("$g2" "$g4" "$g1")
gnames=(1of2 1of4 1of1)
gbdfs=(0000:01:00.0 0000:02:00.0 0000:03:00.0)
for i in 0 1 2; do
	echo "guest function ${gbdfs[$i]}: accel-${gnames[$i]} ${guuids[$i]}" \
	     "($(attr "${guuids[$i]}" memory_size) bytes)"
done
echo "host loads: accel-1of4 $h1, accel-1of4 $h2 (card 0)"

boot_budget=$(( ${VACCEL_TEST_TIMEOUT:-1200} - 420 ))
step "boot the nested guest with the three functions (agent ready within ${boot_budget} s)"
t0=$(date +%s)
"$agent" start --mdev "$g2" --mdev "$g4" --mdev "$g1" \
	--kernel "$NESTED_KERNEL" --initramfs "$NESTED_INITRAMFS" \
	--timeout "${VACCEL_TEST_TIMEOUT:-1200}"
"$agent" wait-ready --timeout "$boot_budget" || fail "the nested guest did not come up"
t_boot=$(( $(date +%s) - t0 ))
echo "inner boot: $t_boot s" | tee -a "$figures"

t0=$(date +%s%N)
guest true
echo "a command in the nested guest takes $(( ($(date +%s%N) - t0) / 1000000 )) ms (round trip)" |
	tee -a "$figures"

step "vaccel_vf bound every function by itself"
guest 'cat /proc/cmdline; lsmod' | tee "$out/lsmod.txt"
grep -q '^vaccel_vf ' "$out/lsmod.txt" || fail "vaccel_vf is not loaded in the guest"
guest 'dmesg | grep -e inner-hotplug -e inner-init' | tee "$out/hotplug.txt" || true
grep -q 'inner-hotplug: .*modprobe pci:v00001ACEd00000A01.*: loaded vaccel_vf' "$out/hotplug.txt" ||
	fail "no hotplug helper line shows the MODALIAS loading vaccel_vf"
declare -A node
for i in 0 1 2; do
	b=${gbdfs[$i]}
	drv=$(guest "basename \$(readlink /sys/bus/pci/devices/$b/driver)") ||
		fail "$b (${gnames[$i]}) has no driver in the guest"
	assert_eq vaccel_vf "$drv" "driver of $b (${gnames[$i]})"
	n=$(guest "for d in /sys/class/misc/vaccel*; do
		[ \"\$(basename \$(readlink -f \$d/device))\" = $b ] && basename \$d; done") || true
	[ -n "$n" ] && guest "test -c /dev/$n" || fail "no /dev/vaccelN for $b"
	node[$i]=/dev/$n
	echo "$b: driver vaccel_vf, ${node[$i]}"
done
guest vaccel-run list | tee "$out/list.txt" || fail "vaccel-run list failed"

step "BAR2 of each function is its type's memory size"
for i in 0 1 2; do
	want=$(attr "${guuids[$i]}" memory_size)
	got=$(guest "awk 'NR == 3 { printf \"%d\\n\", \$2 - \$1 + 1 }' /sys/bus/pci/devices/${gbdfs[$i]}/resource")
	echo "${gbdfs[$i]} (${gnames[$i]}): BAR2 $got bytes, host memory_size $want"
	assert_eq "$want" "$got" "BAR2 size of the ${gnames[$i]}"
done

step "vaccel-run selftest on every function"
for i in 0 1 2; do
	guest --timeout 300 vaccel-run selftest -d "${node[$i]}" > "$out/selftest-${gnames[$i]}.txt" 2>&1 ||
		{ tail -n 30 "$out/selftest-${gnames[$i]}.txt"; fail "selftest on the ${gnames[$i]} (${node[$i]}) failed"; }
	line=$(grep '^selftest: ' "$out/selftest-${gnames[$i]}.txt" | tail -n 1)
	echo "${gnames[$i]}: $line"
	[[ $line =~ ^selftest:\ ([0-9]+)\ passed,\ 0\ failed ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] ||
		fail "selftest on the ${gnames[$i]}: '$line'"
done

step "completions are MSI-X interrupts that count up"
# irqs_of BDF: "IRQ NAME COUNT" of the driver's vectors of BDF.
irqs_of()
{
	guest "grep -i 'vaccel_vf-$1' /proc/interrupts | awk '{ sub(\":\", \"\", \$1); print \$1, \$NF, \$2 }'"
}
i=0
b=${gbdfs[$i]}
before=$(irqs_of "$b")
sed 's/^/  before: /' <<<"$before"
[ -n "$before" ] || fail "no vaccel_vf interrupt of $b in /proc/interrupts"
# Since 5.x each msi_irqs/IRQ file says "msi" or "msix".
modes=$(guest "cat /sys/bus/pci/devices/$b/msi_irqs/* | sort -u | xargs")
nvec=$(guest "ls /sys/bus/pci/devices/$b/msi_irqs | wc -l")
echo "  $b: $nvec vectors in msi_irqs, mode: $modes"
assert_eq msix "$modes" "the interrupt mode of $b's vectors"
guest --timeout 120 vaccel-run load --seconds 3 --op busy -d "${node[$i]}" > "$out/irq-load.txt" 2>&1 ||
	{ cat "$out/irq-load.txt"; fail "load on ${node[$i]} failed"; }
after=$(irqs_of "$b")
sed 's/^/  after:  /' <<<"$after"
up=$(join <(sort <<<"$before") <(sort <<<"$after") |
	awk '$2 ~ /-q[0-9]+$/ && $5 > $3 { n++ } END { print n + 0 }')
echo "queue vectors that counted up during the load: $up"
[ "$up" -gt 0 ] || fail "no queue vector of $b counted up"
guest vaccel-run info -d "${node[$i]}" | tee "$out/info-1of2.txt"
grep -qi 'msi-x\|msix' "$out/info-1of2.txt" || fail "vaccel-run info does not report MSI-X"

step "the 1of2 and the 1of4 used at once"
guest_bg par2 vaccel-run load --seconds 8 --op busy -d "${node[0]}"
guest_bg par4 vaccel-run load --seconds 8 --op busy -d "${node[1]}"
for j in par2 par4; do
	guest_wait --timeout 180 "$j" > "$out/$j.txt" 2>&1 ||
		{ cat "$out/$j.txt"; fail "load $j failed"; }
	grep '^load: summary' "$out/$j.txt" | sed "s/^/$j: /"
	grep -q '^load: summary' "$out/$j.txt" || fail "load $j printed no summary"
	grep -q '^load: summary.* errors=0' "$out/$j.txt" || fail "load $j reported errors"
done
jobs2=$(attr "$g2" jobs) jobs4=$(attr "$g4" jobs)
echo "host-side jobs: 1of2 $jobs2, 1of4 $jobs4"

step "vaccel-vf-test multiproc and bad-ioctls"
for t in multiproc bad-ioctls; do
	guest --timeout 300 vaccel-vf-test "$t" -d "${node[0]}" > "$out/vf-test-$t.txt" 2>&1 ||
		{ tail -n 30 "$out/vf-test-$t.txt"; fail "vaccel-vf-test $t failed"; }
	line=$(grep "^$t: " "$out/vf-test-$t.txt" | tail -n 1)
	echo "$line"
	[[ $line =~ ([0-9]+)\ passed,\ 0\ failed ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] ||
		fail "vaccel-vf-test $t: '$line'"
done
guest dmesg > "$out/dmesg-1.txt"
if grep -E 'WARNING|BUG|Call Trace' "$out/dmesg-1.txt"; then
	fail "the guest's kernel log has a splat"
fi
echo "guest dmesg clean"

step "reset with jobs in flight, then a selftest"
resets0=$(attr "$g2" resets)
guest --timeout 300 vaccel-vf-test reset-inflight -d "${node[0]}" > "$out/vf-test-reset-inflight.txt" 2>&1 ||
	{ tail -n 30 "$out/vf-test-reset-inflight.txt"; fail "vaccel-vf-test reset-inflight failed"; }
grep '^reset-inflight: ' "$out/vf-test-reset-inflight.txt"
resets1=$(attr "$g2" resets)
echo "host-side resets of the 1of2: $resets0 -> $resets1"
[ "$resets1" -gt "$resets0" ] || fail "the guest's reset did not reach the instance"
guest --timeout 300 vaccel-run selftest -d "${node[0]}" > "$out/selftest-after-reset.txt" 2>&1 ||
	{ tail -n 30 "$out/selftest-after-reset.txt"; fail "selftest after the reset failed"; }
grep '^selftest: ' "$out/selftest-after-reset.txt"

step "sharing card 0: guest load on the 1of2, host loads on two 1of4s"
assert_eq "[best_effort] fixed_share equal_share" \
	"$(cat /sys/bus/platform/devices/vaccel-sim.0/vaccel/policy)" "card 0's policy"
j0=$(attr "$g2" jobs)
guest_bg share vaccel-run load --seconds 60 --op busy -d "${node[0]}"
# The guest's load is under way once its instance completes jobs.
for _ in $(seq 300); do
	[ "$(attr "$g2" jobs)" -gt "$j0" ] && break
	sleep 0.2
done
[ "$(attr "$g2" jobs)" -gt "$j0" ] || fail "the guest's load did not start within 60 s"
"$vfio" load "$h1" --seconds 200 > "$out/host-load-1.txt" 2>&1 &
p1=$!
"$vfio" load "$h2" --seconds 200 > "$out/host-load-2.txt" 2>&1 &
p2=$!
jh1=$(attr "$h1" jobs) jh2=$(attr "$h2" jobs)
for _ in $(seq 100); do
	[ "$(attr "$h1" jobs)" -gt "$jh1" ] && [ "$(attr "$h2" jobs)" -gt "$jh2" ] && break
	sleep 0.1
done
sleep 3
mount -t debugfs nodev /sys/kernel/debug 2>/dev/null || true
dbg=/sys/kernel/debug/vaccel/vaccel-sim.0/sched
read -r -a b0 <<<"$(busy_ns "$g2" "$h1" "$h2")"
cat "$dbg" > "$out/sched-0.txt" 2>/dev/null || true
t_0=$(date +%s%N)
window=12
for s in $(seq "$window"); do
	sleep 1
	read -r -a now <<<"$(busy_ns "$g2" "$h1" "$h2")"
	echo "  ${s} s: engine time since the start: 1of2 $(( (now[0] - b0[0]) / 1000000 )) ms," \
	     "1of4 #1 $(( (now[1] - b0[1]) / 1000000 )) ms, 1of4 #2 $(( (now[2] - b0[2]) / 1000000 )) ms"
done
read -r -a b1 <<<"$(busy_ns "$g2" "$h1" "$h2")"
t_1=$(date +%s%N)
cat "$dbg" > "$out/sched-1.txt" 2>/dev/null || true
guest_alive=$(guest "[ -f /tmp/bg/share.rc ] && echo ended || echo running")
kill -TERM "$p1" "$p2" 2>/dev/null || true
wait "$p1" || { cat "$out/host-load-1.txt"; fail "host load 1 failed"; }
wait "$p2" || { cat "$out/host-load-2.txt"; fail "host load 2 failed"; }
[ "$guest_alive" = running ] || fail "the guest's load ended inside the window"
sum=0
for k in 0 1 2; do sum=$((sum + b1[k] - b0[k])); done
[ "$sum" -gt 0 ] || fail "no engine time in the window"
share2=$(( (b1[0] - b0[0]) * 1000 / sum ))
share_h1=$(( (b1[1] - b0[1]) * 1000 / sum ))
share_h2=$(( (b1[2] - b0[2]) * 1000 / sum ))
inuse=$(( sum * 1000 / ((t_1 - t_0) * 4) ))
pm() { echo "$(($1 / 10)).$(($1 % 10))%"; }
{
	echo "card 0, best_effort, ${window} s window: guest 1of2 $(pm "$share2") (want 50 +- 2)," \
	     "host 1of4 #1 $(pm "$share_h1"), host 1of4 #2 $(pm "$share_h2"); card in use $(pm "$inuse")"
} | tee -a "$figures"
guest_wait --timeout 180 share > "$out/share-guest-load.txt" 2>&1 ||
	{ tail -n 20 "$out/share-guest-load.txt"; fail "the guest's load failed"; }
grep '^load: summary' "$out/share-guest-load.txt" | tee -a "$figures"
[ "$share2" -ge 480 ] && [ "$share2" -le 520 ] ||
	fail "the guest's 1of2 got $(pm "$share2") of card 0's engine time, want 50% +- 2"

step "host-side remove of the 1of4 the guest has: QEMU unplugs it"
b=${gbdfs[1]}
n=${node[1]}
guest "test -c $n" || fail "$n missing before the remove"
guest 'dmesg -c > /dev/null'
t_r0=$(date +%s%N)
( timeout 120 sh -c "echo 1 > /sys/bus/mdev/devices/$g4/remove"; echo $? > "$out/remove-rc" ) \
	> "$out/remove.txt" 2>&1 &
p_rm=$!
gone=
for _ in $(seq 240); do
	if ! guest "test -e $n || test -e /sys/bus/pci/devices/$b"; then
		gone=$(( ($(date +%s%N) - t_r0) / 1000000 ))
		break
	fi
	sleep 0.5
done
wait "$p_rm" || true
t_rm=$(( ($(date +%s%N) - t_r0) / 1000000 ))
rm_rc=$(cat "$out/remove-rc" 2>/dev/null || echo '?')
guest dmesg > "$out/dmesg-remove.txt" || true
echo "guest dmesg during the remove:"
sed 's/^/  | /' "$out/dmesg-remove.txt"
"$agent" hmp info pci > "$out/info-pci-after-remove.txt" || true
echo "host remove: exit $rm_rc after $t_rm ms; the guest's $n and $b gone after ${gone:-never} ms" |
	tee -a "$figures"
[ -n "$gone" ] || fail "$n / $b still in the guest after 120 s"
assert_eq 0 "$rm_rc" "exit status of the host's remove"
[ ! -e "/sys/bus/mdev/devices/$g4" ] || fail "the instance is still there after its remove"
grep -q "$b" "$out/dmesg-remove.txt" || fail "the guest's kernel logged nothing about $b"
if grep -E 'WARNING|BUG|Call Trace' "$out/dmesg-remove.txt"; then
	fail "the guest's kernel log has a splat after the remove"
fi

step "the guest goes on: the other functions still work"
guest vaccel-run list
guest --timeout 300 vaccel-run selftest -d "${node[2]}" > "$out/selftest-after-remove.txt" 2>&1 ||
	{ tail -n 30 "$out/selftest-after-remove.txt"; fail "selftest on the 1of1 after the remove failed"; }
grep '^selftest: ' "$out/selftest-after-remove.txt"
guest dmesg > "$out/dmesg-final.txt"
if grep -E 'WARNING|BUG|Call Trace' "$out/dmesg-final.txt"; then
	fail "the guest's kernel log has a splat"
fi

step "power the guest off, remove the instances"
"$agent" stop --timeout 60 || fail "the nested guest did not power off"
trap - EXIT
for u in "$g2" "$g1" "$h1" "$h2"; do
	sysfs_write "/sys/bus/mdev/devices/$u/remove" 1
done
unload_vaccel
echo "test 31 total: $(( $(date +%s) - t_start )) s (inner boot $t_boot s)" | tee -a "$figures"
