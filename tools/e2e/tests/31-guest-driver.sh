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
# points).  Last, the host removes the 1of4 the guest holds: vaccel asks
# the user (QEMU) to release it through the request eventfd, QEMU 7.2
# unplugs the function through ACPI PCI hotplug (its q35 default for
# devices behind root ports: the guest's _OSC does not get native PCIe
# hotplug, so the guest's acpiphp ejects it, with no 5 s attention-button
# wait as pciehp would have), the driver's remove runs and /dev/vaccelN
# goes, QEMU closes the device and the host's remove returns (about 5 s
# in all).  Then the nested fuzz (docs/fuzzing.md): the guest unbinds
# the 1of2 and writes random values to its registers and config space,
# a host 1of4 of card 0 runs a verified workload meanwhile, and after a
# reset and a rebind every node passes a selftest.  One inner boot for
# all of it; the boot alone took 76-320 s, the whole test 334 s on an
# idle machine before the nested fuzz:
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
# A failed check of the guest does not end the test (the boot was too
# dear): it is counted, and the test fails at the end, listing them all.
soft_failures=()
soft_fail()
{
	echo "FAIL: $*"
	soft_failures+=("$*")
}

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

for _ in 1 2; do
	t0=$(date +%s%N)
	VACCEL_AGENT_TIMES=1 guest true
	echo "a command in the nested guest takes $(( ($(date +%s%N) - t0) / 1000000 )) ms (round trip)" |
		tee -a "$figures"
done

# Every process in the nested guest costs a second or more (TCG in TCG),
# and so does every command sent to it: each step below is one command,
# mostly shell builtins.
step "vaccel_vf bound every function by itself"
guest "lsmod; echo '--- hotplug'; dmesg | grep -e inner-hotplug -e inner-init
echo '--- functions'
for b in ${gbdfs[*]}; do
	d=/sys/bus/pci/devices/\$b
	drv=none
	[ -e \$d/driver ] && { cd -P \$d/driver; drv=\${PWD##*/}; }
	node=none
	for m in /sys/class/misc/vaccel*; do
		[ -e \$m/device ] || continue
		cd -P \$m/device
		[ \${PWD##*/} = \$b ] && node=/dev/\${m##*/}
	done
	{ read -r l; read -r l; read -r s e f; } < \$d/resource
	echo \"\$b \$drv \$node \$((e - s + 1))\"
done
echo '--- list'
vaccel-run list" > "$out/bound.txt" 2>&1 || { cat "$out/bound.txt"; fail "the guest's inventory failed"; }
cat "$out/bound.txt"
grep -q '^vaccel_vf ' "$out/bound.txt" || soft_fail "vaccel_vf is not loaded in the guest"
grep -q 'inner-hotplug: .*modprobe pci:v00001ACEd00000A01.*: loaded vaccel_vf' "$out/bound.txt" ||
	soft_fail "no hotplug helper line shows the MODALIAS loading vaccel_vf"
declare -A node bar2
for i in 0 1 2; do
	read -r _ drv n size < <(grep "^${gbdfs[$i]} " "$out/bound.txt")
	assert_eq vaccel_vf "${drv:-}" "driver of ${gbdfs[$i]} (${gnames[$i]})"
	[ "${n:-none}" != none ] || fail "no /dev/vaccelN for ${gbdfs[$i]}"
	node[$i]=$n
	bar2[$i]=$size
done
grep -q "^${node[0]} ${gbdfs[0]} " "$out/bound.txt" || soft_fail "vaccel-run list does not show ${node[0]}"

step "BAR2 of each function is its type's memory size"
for i in 0 1 2; do
	want=$(attr "${guuids[$i]}" memory_size)
	echo "${gbdfs[$i]} (${gnames[$i]}): BAR2 ${bar2[$i]} bytes, host memory_size $want"
	assert_eq "$want" "${bar2[$i]}" "BAR2 size of the ${gnames[$i]}"
done

step "vaccel-run selftest on every function"
guest --timeout 600 "for n in ${node[*]}; do
	echo \"=== \$n\"; vaccel-run selftest -d \$n; echo \"=== rc \$?\"
done" > "$out/selftest.txt" 2>&1 || { tail -n 30 "$out/selftest.txt"; fail "the selftests did not run"; }
for i in 0 1 2; do
	sed -n "\|^=== ${node[$i]}\$|,/^=== rc /p" "$out/selftest.txt" > "$out/selftest-${gnames[$i]}.txt"
	line=$(grep '^selftest: ' "$out/selftest-${gnames[$i]}.txt" | tail -n 1)
	echo "${gnames[$i]} (${node[$i]}): $line"
	grep -q '^=== rc 0$' "$out/selftest-${gnames[$i]}.txt" &&
		[[ $line =~ ^selftest:\ ([0-9]+)\ passed,\ 0\ failed ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] ||
		{ grep FAIL "$out/selftest-${gnames[$i]}.txt" || true; soft_fail "selftest on the ${gnames[$i]}: '$line'"; }
done

step "completions are MSI-X interrupts that count up"
b=${gbdfs[0]}
irqs="while read -r irq count rest; do
	case \$rest in *vaccel_vf-$b-*) echo \"\${irq%:} \${rest##* } \$count\" ;; esac
done < /proc/interrupts"
guest --timeout 300 "echo '--- modes'
for f in /sys/bus/pci/devices/$b/msi_irqs/*; do read -r m < \$f; echo \$m; done
echo '--- before'
$irqs
echo '--- load'
vaccel-run load --seconds 3 --op busy -d ${node[0]}
echo \"--- rc \$?\"
echo '--- after'
$irqs
echo '--- info'
vaccel-run info -d ${node[0]}" > "$out/irq.txt" 2>&1 || { cat "$out/irq.txt"; fail "the interrupt check did not run"; }
cat "$out/irq.txt"
modes=$(sed -n '/^--- modes/,/^---/p' "$out/irq.txt" | grep -v '^---' | sort -u | xargs)
# Since 5.x each msi_irqs/IRQ file says "msi" or "msix".
assert_eq msix "$modes" "the interrupt mode of $b's vectors"
grep -q '^--- rc 0$' "$out/irq.txt" || soft_fail "the load on ${node[0]} failed"
before=$(sed -n '/^--- before/,/^---/p' "$out/irq.txt" | grep -v '^---')
after=$(sed -n '/^--- after/,/^---/p' "$out/irq.txt" | grep -v '^---')
[ -n "$before" ] || soft_fail "no vaccel_vf interrupt of $b in /proc/interrupts"
up=$(join <(sort <<<"$before") <(sort <<<"$after") |
	awk '$2 ~ /-q[0-9]+$/ && $5 > $3 { n++ } END { print n + 0 }')
echo "queue vectors of $b that counted up during the load: $up"
[ "$up" -gt 0 ] || soft_fail "no queue vector of $b counted up"
grep -q '^irq_mode: *msix' "$out/irq.txt" || soft_fail "vaccel-run info does not report MSI-X"

step "the 1of2 and the 1of4 used at once"
jobs2=$(attr "$g2" jobs) jobs4=$(attr "$g4" jobs)
guest --timeout 300 "( vaccel-run load --seconds 8 --op busy -d ${node[0]} > /tmp/par2 2>&1; echo \"rc \$?\" >> /tmp/par2 ) &
( vaccel-run load --seconds 8 --op busy -d ${node[1]} > /tmp/par4 2>&1; echo \"rc \$?\" >> /tmp/par4 ) &
wait
echo '=== par2'; while IFS= read -r l; do echo \"\$l\"; done < /tmp/par2
echo '=== par4'; while IFS= read -r l; do echo \"\$l\"; done < /tmp/par4" > "$out/parallel.txt" 2>&1 ||
	{ cat "$out/parallel.txt"; fail "the parallel loads did not run"; }
for j in par2 par4; do
	sed -n "/^=== $j\$/,/^rc /p" "$out/parallel.txt" > "$out/$j.txt"
	grep '^load: summary' "$out/$j.txt" | sed "s/^/$j: /"
	grep -q '^rc 0$' "$out/$j.txt" || { cat "$out/$j.txt"; soft_fail "load $j failed"; }
	grep -q '^load: summary.* errors=0' "$out/$j.txt" || soft_fail "load $j reported errors"
done
# Both ran at once: each one's per-second lines show work in the same
# seconds (the host counted jobs of both meanwhile).
echo "host-side jobs: 1of2 $jobs2 -> $(attr "$g2" jobs), 1of4 $jobs4 -> $(attr "$g4" jobs)"
[ "$(attr "$g2" jobs)" -gt "$jobs2" ] && [ "$(attr "$g4" jobs)" -gt "$jobs4" ] ||
	soft_fail "the host did not see jobs of both"

step "vaccel-vf-test multiproc and bad-ioctls, the guest's kernel log"
# multiproc for 30 s, not its default 10: in the nested guest its
# workers' set-up (buffers, reference results) alone takes about 10 s.
guest --timeout 600 "for t in multiproc bad-ioctls; do
	a=; [ \$t = multiproc ] && a='--seconds 30'
	echo \"=== \$t\"; vaccel-vf-test \$t -d ${node[0]} \$a; echo \"=== rc \$?\"
done
echo '=== dmesg'
dmesg" > "$out/vf-test.txt" 2>&1 || { tail -n 30 "$out/vf-test.txt"; fail "vaccel-vf-test did not run"; }
for t in multiproc bad-ioctls; do
	sed -n "/^=== $t\$/,/^=== rc /p" "$out/vf-test.txt" > "$out/vf-test-$t.txt"
	line=$(grep "^$t: " "$out/vf-test-$t.txt" | tail -n 1)
	echo "$line"
	grep -q '^=== rc 0$' "$out/vf-test-$t.txt" &&
		[[ $line =~ ([0-9]+)\ passed,\ 0\ failed ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] ||
		{ grep FAIL "$out/vf-test-$t.txt" || true; soft_fail "vaccel-vf-test $t: '$line'"; }
done
sed -n '/^=== dmesg$/,$p' "$out/vf-test.txt" > "$out/dmesg-1.txt"
if grep -E 'WARNING|BUG|Call Trace' "$out/dmesg-1.txt"; then
	soft_fail "the guest's kernel log has a splat"
fi
echo "guest dmesg clean"

step "reset with jobs in flight, then a selftest"
resets0=$(attr "$g2" resets)
guest --timeout 600 "echo '=== reset-inflight'; vaccel-vf-test reset-inflight -d ${node[0]}; echo \"=== rc \$?\"
echo '=== selftest'; vaccel-run selftest -d ${node[0]}; echo \"=== rc \$?\"" > "$out/reset.txt" 2>&1 ||
	{ tail -n 30 "$out/reset.txt"; fail "reset-inflight did not run"; }
resets1=$(attr "$g2" resets)
sed -n '/^=== reset-inflight$/,/^=== rc /p' "$out/reset.txt" > "$out/vf-test-reset-inflight.txt"
sed -n '/^=== selftest$/,/^=== rc /p' "$out/reset.txt" > "$out/selftest-after-reset.txt"
grep '^reset-inflight: ' "$out/vf-test-reset-inflight.txt" || true
grep -q '^=== rc 0$' "$out/vf-test-reset-inflight.txt" ||
	{ grep FAIL "$out/vf-test-reset-inflight.txt" || true; soft_fail "vaccel-vf-test reset-inflight failed"; }
echo "host-side resets of the 1of2: $resets0 -> $resets1"
[ "$resets1" -gt "$resets0" ] || soft_fail "the guest's reset did not reach the instance"
grep '^selftest: ' "$out/selftest-after-reset.txt" || true
grep -q '^=== rc 0$' "$out/selftest-after-reset.txt" ||
	{ grep FAIL "$out/selftest-after-reset.txt" || true; soft_fail "selftest after the reset failed"; }

step "sharing card 0: guest load on the 1of2, host loads on two 1of4s"
assert_eq "[best_effort] fixed_share equal_share rr gvt static static_lend" \
	"$(cat /sys/bus/platform/devices/vaccel-sim.0/vaccel/policy)" "card 0's policy"
mount -t debugfs nodev /sys/kernel/debug 2>/dev/null || true
dbg=/sys/kernel/debug/vaccel/vaccel-sim.0/sched
# demand DUMP UUID: the queues with work of UUID in a dump of $dbg.
demand()
{
	awk -v u="$2" '$1 == u { f = 1 } f && $1 != u && !/^ / { exit }
		f { for (i = 1; i < NF; i++) if ($i == "demand") { print $(i + 1); exit } }' <<<"$1"
}
# demand_ns DUMP UUID: the time UUID spent with 0, 1, 2, 3 and 4 or more
# queues with work, in ns, from a dump of $dbg.
demand_ns()
{
	awk -v u="$2" '$1 == u { f = 1; next } f && !/^ / { exit }
		f && /demand_ns/ { sub(/.*:/, ""); print; exit }' <<<"$1"
}
j0=$(attr "$g2" jobs)
# BUSY operations of 50 ms (the default is 10 ms) and four jobs in flight
# per queue: the nested guest's CPU (TCG in TCG) submits only some 20-30
# jobs a second, which with the defaults keeps about two engines busy
# even on an otherwise idle card, and best_effort gives whatever it
# leaves to the others.  exec: the signal below goes to vaccel-run
# itself, whose status is then the load's.
guest_bg share exec vaccel-run load --seconds 90 --op busy --size 50000000 --depth 4 -d "${node[0]}"
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
read -r -a b0 <<<"$(busy_ns "$g2" "$h1" "$h2")"
t_0=$(date +%s%N)
d0=$(cat "$dbg")
window=12
for s in $(seq "$window"); do
	sleep 1
	read -r -a now <<<"$(busy_ns "$g2" "$h1" "$h2")"
	echo "  ${s} s: engine time since the start: 1of2 $(( (now[0] - b0[0]) / 1000000 )) ms," \
	     "1of4 #1 $(( (now[1] - b0[1]) / 1000000 )) ms, 1of4 #2 $(( (now[2] - b0[2]) / 1000000 )) ms"
done
read -r -a b1 <<<"$(busy_ns "$g2" "$h1" "$h2")"
t_1=$(date +%s%N)
d1=$(cat "$dbg")
printf '%s\n' "$d0" > "$out/sched-0.txt"
printf '%s\n' "$d1" > "$out/sched-1.txt"
kill -TERM "$p1" "$p2" 2>/dev/null || true
wait "$p1" || { cat "$out/host-load-1.txt"; fail "host load 1 failed"; }
wait "$p2" || { cat "$out/host-load-2.txt"; fail "host load 2 failed"; }
"$agent" signal share TERM || true
guest_wait --timeout 180 share > "$out/share-guest-load.txt" 2>&1 ||
	{ tail -n 20 "$out/share-guest-load.txt"; soft_fail "the guest's load failed"; }
grep '^load: summary' "$out/share-guest-load.txt" | tee -a "$figures"
grep -q '^load: summary.* errors=0' "$out/share-guest-load.txt" || soft_fail "the guest's load reported errors"
sum=0
for k in 0 1 2; do sum=$((sum + b1[k] - b0[k])); done
[ "$sum" -gt 0 ] || fail "no engine time in the window"
share2=$(( (b1[0] - b0[0]) * 1000 / sum ))
share_h1=$(( (b1[1] - b0[1]) * 1000 / sum ))
share_h2=$(( (b1[2] - b0[2]) * 1000 / sum ))
inuse=$(( sum * 1000 / ((t_1 - t_0) * 4) ))
pm() { echo "$(($1 / 10)).$(($1 % 10))%"; }
# What the guest should get: half the card while it keeps two queues or
# more busy, a quarter with one, nothing with none (best_effort gives what
# it leaves to the host loads, whose queues never run dry).  The time at
# each level comes from the scheduler's demand-time histogram, so a guest
# whose slow nested CPU let its queues run dry is held to what it asked
# for, and a scheduler that shortchanges a busy guest still fails.
read -r -a q0 <<<"$(demand_ns "$d0" "$g2")"
read -r -a q1 <<<"$(demand_ns "$d1" "$g2")"
[ "${#q0[@]}" -eq 5 ] && [ "${#q1[@]}" -eq 5 ] ||
	fail "no demand_ns line for $g2 in $dbg"
qt=0
for k in 0 1 2 3 4; do dq[k]=$((q1[k] - q0[k])); qt=$((qt + dq[k])); done
[ "$qt" -gt 0 ] || fail "no demand time in the window"
want2=$(( (dq[1] + 2 * (dq[2] + dq[3] + dq[4])) * 1000 / (4 * qt) ))
echo "card 0, best_effort, ${window} s window: guest 1of2 $(pm "$share2") (want $(pm "$want2") +- 2)," \
     "host 1of4 #1 $(pm "$share_h1"), host 1of4 #2 $(pm "$share_h2"); card in use $(pm "$inuse")" |
	tee -a "$figures"
echo "  the guest's time with 0/1/2/3/4 queues with work:" \
     "$(for k in 0 1 2 3 4; do printf '%s ' "$(pm $((dq[k] * 1000 / qt)))"; done)" |
	tee -a "$figures"
for u in "$g2" "$h1" "$h2"; do
	echo "  $u: queues with work at the window's ends: $(demand "$d0" "$u"), $(demand "$d1" "$u")"
done
[ "$share2" -ge $((want2 - 20)) ] && [ "$share2" -le $((want2 + 20)) ] ||
	soft_fail "the guest's 1of2 got $(pm "$share2") of card 0's engine time, want $(pm "$want2") +- 2"

step "host-side remove of the 1of4 the guest has: QEMU unplugs it"
b=${gbdfs[1]}
n=${node[1]}
guest "test -c $n && dmesg -c > /dev/null" || fail "$n missing before the remove"
t_r0=$(date +%s%N)
( timeout 120 sh -c "echo 1 > /sys/bus/mdev/devices/$g4/remove"; echo $? > "$out/remove-rc" ) \
	> "$out/remove.txt" 2>&1 &
p_rm=$!
gone=
for _ in $(seq 60); do
	if ! guest "test -e $n || test -e /sys/bus/pci/devices/$b"; then
		gone=$(( ($(date +%s%N) - t_r0) / 1000000 ))
		break
	fi
	[ $(( ($(date +%s%N) - t_r0) / 1000000000 )) -lt 150 ] || break
	sleep 1
done
wait "$p_rm" || true
t_rm=$(( ($(date +%s%N) - t_r0) / 1000000 ))
rm_rc=$(cat "$out/remove-rc" 2>/dev/null || echo '?')
guest "dmesg; echo '=== list'; vaccel-run list; echo '=== ls'; ls /dev/vaccel*" > "$out/after-remove.txt" 2>&1 || true
sed -n '1,/^=== list$/p' "$out/after-remove.txt" | grep -v '^=== ' > "$out/dmesg-remove.txt"
echo "guest dmesg during the remove:"
sed 's/^/  | /' "$out/dmesg-remove.txt"
sed -n '/^=== list$/,$p' "$out/after-remove.txt"
"$agent" hmp info pci > "$out/info-pci-after-remove.txt" || true
grep -q hostdev1 "$out/info-pci-after-remove.txt" && echo "QEMU still lists hostdev1 (info pci)"
echo "host remove: exit $rm_rc after $t_rm ms; the guest's $n and $b gone after ${gone:-never} ms" |
	tee -a "$figures"
[ -n "$gone" ] || soft_fail "$n / $b still in the guest after 150 s"
assert_eq 0 "$rm_rc" "exit status of the host's remove"
[ ! -e "/sys/bus/mdev/devices/$g4" ] || soft_fail "the instance is still there after its remove"
grep -q "$b" "$out/dmesg-remove.txt" || soft_fail "the guest's kernel logged nothing about $b"
if grep -E 'WARNING|BUG|Call Trace' "$out/dmesg-remove.txt"; then
	soft_fail "the guest's kernel log has a splat after the remove"
fi

step "the guest goes on: the 1of1 still works"
guest --timeout 300 "vaccel-run selftest -d ${node[2]}; echo \"=== rc \$?\"; echo '=== dmesg'; dmesg" \
	> "$out/after-remove-2.txt" 2>&1 || { tail -n 30 "$out/after-remove-2.txt"; fail "the selftest did not run"; }
grep '^selftest: ' "$out/after-remove-2.txt" || true
grep -q '^=== rc 0$' "$out/after-remove-2.txt" ||
	{ grep FAIL "$out/after-remove-2.txt" || true; soft_fail "selftest on the 1of1 after the remove failed"; }
sed -n '/^=== dmesg$/,$p' "$out/after-remove-2.txt" > "$out/dmesg-final.txt"
if grep -E 'WARNING|BUG|Call Trace' "$out/dmesg-final.txt"; then
	soft_fail "the guest's kernel log has a splat"
fi

# The nested-guest fuzzer (docs/fuzzing.md): the guest takes the 1of2
# from vaccel_vf and writes random values to its registers (resource0)
# and config space, seeded, while a host 1of4 on the same card runs
# vaccel-vfio long, every result verified; then a reset, the function
# back to vaccel_vf, a selftest on every node.  20,000 operations by
# default (VACCEL_NESTED_FUZZ_OPS): every one traps twice, TCG in TCG.
step "nested fuzz: the guest's random register and config writes to the 1of2, a verified neighbour on the host"
fseed=${VACCEL_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
fops=${VACCEL_NESTED_FUZZ_OPS:-20000}
fstop=$out/fuzz-stop
(
	n=0
	while [ ! -e "$fstop" ]; do
		"$vfio" long "$h1" --seconds 10 >"$out/fuzz-neighbour.$n.txt" 2>&1 || exit 1
		grep -q "^vaccel-vfio: long .*: all [0-9]* checks passed" "$out/fuzz-neighbour.$n.txt" || exit 1
		n=$((n + 1))
	done
	echo "$n" >"$out/fuzz-neighbour.runs"
) &
fpid=$!
hjobs0=$(attr "$h1" jobs)
traps0=$(( $(attr "$g2" mmio_reads) + $(attr "$g2" mmio_writes) ))
t0=$(date +%s)
guest --timeout 900 "vaccel-vf-test fuzz ${gbdfs[0]} --seed $fseed --ops $fops; echo \"=== rc \$?\"
	for n in /dev/vaccel*; do vaccel-run selftest -d \$n > /tmp/st 2>&1; echo \"=== selftest \$n rc \$?\"; tail -n 3 /tmp/st; done
	echo '=== dmesg'; dmesg" > "$out/fuzz.txt" 2>&1 || { tail -n 30 "$out/fuzz.txt"; soft_fail "the nested fuzz did not run"; }
tfuzz=$(( $(date +%s) - t0 ))
touch "$fstop"
wait "$fpid" || soft_fail "the host neighbour's long run failed during the nested fuzz (see $out/fuzz-neighbour.*.txt)"
hjobs=$(( $(attr "$h1" jobs) - hjobs0 ))
# The guest's BAR0 accesses that reached the host (not those made while
# the guest had memory decoding off), and the selftests' own.
traps=$(( $(attr "$g2" mmio_reads) + $(attr "$g2" mmio_writes) - traps0 ))
sed -n '/^INFO fuzz/,/^=== rc/p' "$out/fuzz.txt"
grep '^=== selftest' "$out/fuzz.txt" || true
echo "nested fuzz: seed $fseed, $(sed -n 's/^FUZZ-RESULT ops=\([0-9]*\).*/\1/p' "$out/fuzz.txt") operations in $tfuzz s (with the selftests), $traps BAR0 accesses of the 1of2 trapped on the host; host neighbour: $(cat "$out/fuzz-neighbour.runs" 2>/dev/null || echo 0) long runs, $hjobs jobs verified" |
	tee -a "$figures"
grep -q '^=== rc 0$' "$out/fuzz.txt" || soft_fail "vaccel-vf-test fuzz failed (seed $fseed)"
grep -q "^FUZZ-RESULT ops=$fops " "$out/fuzz.txt" || soft_fail "the nested fuzz did not do its $fops operations"
grep -q '^=== selftest' "$out/fuzz.txt" && ! grep '^=== selftest' "$out/fuzz.txt" | grep -qv 'rc 0$' ||
	soft_fail "a selftest after the nested fuzz failed (seed $fseed)"
[ "$hjobs" -gt 0 ] || soft_fail "the host neighbour completed no job during the nested fuzz"
[ "$(attr "$h1" errors)" -eq 0 ] || soft_fail "the host neighbour had queue errors"
sed -n '/^=== dmesg$/,$p' "$out/fuzz.txt" > "$out/dmesg-fuzz.txt"
if grep -E 'WARNING|BUG|Call Trace' "$out/dmesg-fuzz.txt"; then
	soft_fail "the guest's kernel log has a splat after the nested fuzz"
fi

step "power the guest off, remove the instances"
"$agent" stop --timeout 60 || fail "the nested guest did not power off"
trap - EXIT
for u in "$g2" "$g1" "$h1" "$h2"; do
	sysfs_write "/sys/bus/mdev/devices/$u/remove" 1
done
unload_vaccel
echo "test 31 total: $(( $(date +%s) - t_start )) s (inner boot $t_boot s)" | tee -a "$figures"
if [ ${#soft_failures[@]} -gt 0 ]; then
	echo "${#soft_failures[@]} checks failed:"
	printf '  %s\n' "${soft_failures[@]}"
	exit 1
fi
