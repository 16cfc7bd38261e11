#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The operator's CLI on two simulated cards: vaccelctl list --json matches
# sysfs (cards, types, available instances, instances), the holder column
# names the VFIO client while it runs and nothing after, metrics --output
# writes a file a strict Prometheus parser (tools/e2e/prom-check.py)
# accepts, whose counters equal sysfs, and drain refuses new instances with
# a clear message while a running one keeps computing.  Every listing's
# --json parses.
# e2e-timeout: 240
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

ctl=$REPO/tools/vaccelctl
vfio=$REPO/tools/vaccel-vfio
check=$REPO/tools/e2e/prom-check.py
out=$VACCEL_RESULTS/43
load_vaccel cards=2 engines=2 mem_mb=64
s0=/sys/bus/platform/devices/vaccel-sim.0
s1=/sys/bus/platform/devices/vaccel-sim.1
[ -e $s0/vaccel/drain ] || fail "the module has no card drain attribute (older than main's f38a192)"

avail() { # CARD-DIR: available instances of 1of1 1of2 1of4
	echo "$(cat "$1"/mdev_supported_types/accel-1of1/available_instances)" \
	     "$(cat "$1"/mdev_supported_types/accel-1of2/available_instances)" \
	     "$(cat "$1"/mdev_supported_types/accel-1of4/available_instances)"
}

# jq-free JSON checks: python3 reads the document on stdin and runs CODE
# with it as "d"; an assert that fails makes it exit non-zero.
json_check() { # FILE CODE
	python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$2" "$1" || fail "JSON check failed on $1: $2"
}

log_step "instances through vaccelctl create"
a=$("$ctl" create accel-1of2 --card vaccel-sim.0)
b=$("$ctl" create accel-1of4 --card vaccel-sim.0)
c=$("$ctl" create accel-1of2 --card vaccel-sim.1)
assert_eq "0 0 1" "$(avail $s0)" "available on vaccel-sim.0"
assert_eq "0 1 2" "$(avail $s1)" "available on vaccel-sim.1"

log_step "list --json: cards, types, available counts and instances as in sysfs"
"$ctl" list --json >"$out-list.json"
json_check "$out-list.json" "
assert d['version'] == 1
cs = {c['card']: c for c in d['cards']}
assert list(cs) == ['vaccel-sim.0', 'vaccel-sim.1'], list(cs)
for c in cs.values():
    assert (c['bus'], c['backend'], c['engines'], c['memory_bytes']) == ('platform', 'sim', 2, 64 << 20), c
    assert c['drain'] is False and c['numa_node'] is None and c['policy'] == 'best_effort', c
av = lambda n: [t['available_instances'] for t in cs[n]['types']]
assert [t['type'] for t in cs['vaccel-sim.0']['types']] == ['accel-1of1', 'accel-1of2', 'accel-1of4']
assert av('vaccel-sim.0') == [0, 0, 1] and av('vaccel-sim.1') == [0, 1, 2], (av('vaccel-sim.0'), av('vaccel-sim.1'))
assert (cs['vaccel-sim.0']['instances'], cs['vaccel-sim.1']['instances']) == (2, 1)
assert (cs['vaccel-sim.0']['slots_used'], cs['vaccel-sim.1']['slots_used']) == ('0-2', '0-1')
got = {i['uuid']: (i['type'], i['card'], i['weight'], i['holder']) for i in d['instances']}
assert got == {'$a': ('accel-1of2', 'vaccel-sim.0', 2, None),
               '$b': ('accel-1of4', 'vaccel-sim.0', 1, None),
               '$c': ('accel-1of2', 'vaccel-sim.1', 2, None)}, got
"

log_step "the VM name of a QEMU holder, from its command line"
python3 - "$ctl" <<'EOF' || fail "qemu_vm_name"
import importlib.machinery, importlib.util, sys
loader = importlib.machinery.SourceFileLoader("vaccelctl", sys.argv[1])
spec = importlib.util.spec_from_loader("vaccelctl", loader)
m = importlib.util.module_from_spec(spec)
loader.exec_module(m)
cases = [
    (["qemu-system-x86_64", "-name", "guest=web1,debug-threads=on", "-S"], "web1"),
    (["qemu-system-x86_64", "-name", "db,process=qemu:db"], "db"),
    (["qemu-system-x86_64", "-name", "guest=a,,b,debug-threads=on"], "a,b"),
    (["qemu-system-x86_64", "-m", "1G"], None),
]
for argv, want in cases:
    got = m.qemu_vm_name(argv)
    assert got == want, (argv, got, want)
gone = m.holder_info("999999 qemu-system-x86")
assert gone["exited"] and gone["pid"] == 999999, gone
print("qemu_vm_name: %d cases" % len(cases))
EOF

log_step "a load on $a: the holder is the VFIO client, metrics parse"
"$vfio" load "$a" --seconds 120 >"$out-load-a.txt" 2>&1 &
pa=$!
for _ in $(seq 100); do
	[ "$(cat /sys/bus/mdev/devices/$a/vaccel/jobs)" -gt 0 ] && break
	sleep 0.1
done
[ "$(cat /sys/bus/mdev/devices/$a/vaccel/jobs)" -gt 0 ] || fail "the load on $a did not start"
assert_eq "$pa vaccel-vfio" "$(cat /sys/bus/mdev/devices/$a/vaccel/holder)" "sysfs holder"
"$ctl" list | tee "$out-list-held.txt"
grep -q "^$a .* $pa vaccel-vfio\$" "$out-list-held.txt" || fail "vaccelctl list shows no holder $pa for $a"
grep -q "^$b .* -\$" "$out-list-held.txt" || fail "vaccelctl list shows a holder for $b"
"$ctl" list --json >"$out-list-held.json"
json_check "$out-list-held.json" "
h = {i['uuid']: i['holder'] for i in d['instances']}
assert h['$a'] == {'pid': $pa, 'comm': 'vaccel-vfio', 'vm': None, 'exited': False}, h['$a']
assert h['$b'] is None and h['$c'] is None, h
"
mdir=$(mktemp -d)
"$ctl" metrics --output "$mdir/vaccel.prom"
"$check" "$mdir/vaccel.prom"
assert_eq "vaccel.prom" "$(ls -A "$mdir")" "files in the textfile directory (no temporary left)"
assert_eq 1 "$("$check" "$mdir/vaccel.prom" vaccel_instance_open uuid="$a")" "open while loaded"
"$ctl" util -c 1 --json >"$out-util.json"
json_check "$out-util.json" "
r = {i['uuid']: i for i in d['reports'][0]['instances']}
assert r['$a']['util_percent'] > 0 and r['$a']['jobs_per_s'] > 0, r['$a']
assert r['$b']['util_percent'] == 0, r['$b']
"
kill -TERM "$pa"
wait "$pa" || fail "the load on $a failed: $(tail -n 3 "$out-load-a.txt")"

log_step "after the load: no holder; metrics equal sysfs"
assert_eq "" "$(cat /sys/bus/mdev/devices/$a/vaccel/holder)" "sysfs holder after close"
"$ctl" list >"$out-list-free.txt"
grep -q "^$a .* -\$" "$out-list-free.txt" || fail "vaccelctl list still shows a holder for $a"
"$ctl" metrics --output "$mdir/vaccel.prom"
cp "$mdir/vaccel.prom" "$out.prom"
"$check" "$out.prom"
attrs=/sys/bus/mdev/devices/$a/vaccel
jobs=$(cat $attrs/jobs)
[ "$jobs" -gt 0 ] || fail "no jobs on $a"
assert_eq "$jobs" "$("$check" "$out.prom" vaccel_instance_jobs_total uuid="$a" card=vaccel-sim.0 type=accel-1of2)" \
	"jobs_total of $a"
for f in bytes mmio_reads mmio_writes errors resets waits; do
	assert_eq "$(cat $attrs/$f)" "$("$check" "$out.prom" "vaccel_instance_${f}_total" uuid="$a")" "$f of $a"
done
q=($(cat $attrs/queue_jobs))
for i in 0 1 2 3; do
	assert_eq "${q[$i]}" "$("$check" "$out.prom" vaccel_queue_jobs_total uuid="$a" queue=$i)" "queue $i jobs of $a"
done
assert_eq 0 "$("$check" "$out.prom" vaccel_instance_jobs_total uuid="$b")" "jobs_total of the idle $b"
assert_eq 0 "$("$check" "$out.prom" vaccel_instance_open uuid="$a")" "open after the load"
assert_eq 1 "$("$check" "$out.prom" vaccel_card_available_instances card=vaccel-sim.0 type=accel-1of4)" \
	"available 1of4 on vaccel-sim.0"
assert_eq 2 "$("$check" "$out.prom" vaccel_card_instances card=vaccel-sim.0)" "instances on vaccel-sim.0"
assert_eq 0 "$("$check" "$out.prom" vaccel_card_drain card=vaccel-sim.0)" "drain of vaccel-sim.0"

log_step "drain vaccel-sim.0 while $b computes"
"$vfio" load "$b" --seconds 120 >"$out-load-b.txt" 2>&1 &
pb=$!
for _ in $(seq 100); do
	[ "$(cat /sys/bus/mdev/devices/$b/vaccel/jobs)" -gt 0 ] && break
	sleep 0.1
done
"$ctl" drain vaccel-sim.0 | tee "$out-drain.txt"
grep -q "^vaccel-sim.0: drain off" "$out-drain.txt" || fail "drain shows not off"
"$ctl" drain vaccel-sim.0 on | tee "$out-drain.txt"
grep -q "^vaccel-sim.0: drain on: new instances are refused" "$out-drain.txt" || fail "drain on output"
assert_eq 1 "$(cat $s0/vaccel/drain)" "sysfs drain"
assert_eq "0 0 0" "$(avail $s0)" "available on vaccel-sim.0 while draining"
assert_eq "0 1 2" "$(avail $s1)" "available on vaccel-sim.1 (not draining)"
if msg=$("$ctl" create accel-1of4 --card vaccel-sim.0 2>&1); then
	fail "create on a draining card succeeded: $msg"
fi
echo "$msg"
grep -q "vaccel-sim.0: the card is draining, new instances are refused (EBUSY); 'vaccelctl drain vaccel-sim.0 off' ends it" \
	<<<"$msg" || fail "unclear message for a create on a draining card: $msg"
expect_errno EBUSY sysfs_write $s0/mdev_supported_types/accel-1of4/create "$(new_uuid)"
# Without --card, the draining card is passed over.
d=$("$ctl" create accel-1of4)
assert_eq vaccel-sim.1 "$(basename "$(readlink -f "/sys/bus/mdev/devices/$d/..")")" "card of a create during drain"
"$ctl" remove "$d"
"$ctl" list --json >"$out-list-drain.json"
json_check "$out-list-drain.json" "
cs = {c['card']: c for c in d['cards']}
assert cs['vaccel-sim.0']['drain'] is True and cs['vaccel-sim.1']['drain'] is False
assert [t['available_instances'] for t in cs['vaccel-sim.0']['types']] == [0, 0, 0]
assert cs['vaccel-sim.0']['instances'] == 2
"
"$ctl" drain vaccel-sim.0 --json >"$out-drain.json"
json_check "$out-drain.json" "assert d['drain'] is True and d['instances'] == 2, d"
"$ctl" metrics --output "$mdir/vaccel.prom"
assert_eq 1 "$("$check" "$mdir/vaccel.prom" vaccel_card_drain card=vaccel-sim.0)" "metrics drain"
assert_eq 0 "$("$check" "$mdir/vaccel.prom" vaccel_card_available_instances card=vaccel-sim.0 type=accel-1of4)" \
	"metrics available while draining"
j0=$(cat /sys/bus/mdev/devices/$b/vaccel/jobs)
sleep 1
j1=$(cat /sys/bus/mdev/devices/$b/vaccel/jobs)
[ "$j1" -gt "$j0" ] || fail "$b stopped computing during the drain ($j0 -> $j1 jobs)"
echo "$b went on: $j0 -> $j1 jobs in 1 s of drain"

log_step "drain off: back as before"
"$ctl" drain vaccel-sim.0 off | grep "^vaccel-sim.0: drain off" || fail "drain off output"
assert_eq "0 0 1" "$(avail $s0)" "available on vaccel-sim.0 after the drain"
e=$("$ctl" create accel-1of4 --card vaccel-sim.0)
"$ctl" remove "$e"
kill -TERM "$pb"
wait "$pb" || fail "the load on $b failed: $(tail -n 3 "$out-load-b.txt")"
if msg=$("$ctl" drain vaccel-sim.9 on 2>&1); then
	fail "drain of a card that does not exist succeeded"
fi
grep -q "no card 'vaccel-sim.9'; cards: vaccel-sim.0, vaccel-sim.1" <<<"$msg" || fail "drain of no card: $msg"

log_step "every other listing's --json parses"
"$ctl" latency --json >"$out-latency.json"
json_check "$out-latency.json" "
rows = [r for r in d['latency'] if r['uuid'] == '$a']
assert [r['queue'] for r in rows] == ['all', '0', '1', '2', '3'], rows
assert rows[0]['jobs'] == $jobs and rows[0]['p99_us'] >= rows[0]['p50_us'], rows[0]
"
"$ctl" queues "$a" --json >"$out-queues.json"
json_check "$out-queues.json" "assert d['queues'] == [{'uuid': '$a', 'queue_jobs': [${q[0]}, ${q[1]}, ${q[2]}, ${q[3]}]}], d"
"$ctl" policy vaccel-sim.1 --json >"$out-policy.json"
# Every policy the card offers (sysfs, the one in force in brackets).
pols=$(tr -d '[]' </sys/bus/platform/devices/vaccel-sim.1/vaccel/policy)
json_check "$out-policy.json" "assert d['policy'] == 'best_effort' and d['policies'] == '$pols'.split(), d"
"$ctl" slice vaccel-sim.1 --json >"$out-slice.json"
json_check "$out-slice.json" "assert d == {'version': 1, 'card': 'vaccel-sim.1', 'slice_us': 1000}, d"
"$ctl" weight "$c" --json >"$out-weight.json"
json_check "$out-weight.json" "assert d['weight'] == 2, d"
if msg=$("$ctl" util -l 1 --json 2>&1); then
	fail "util -l --json without a count succeeded"
fi
grep -q "needs a finite count" <<<"$msg" || fail "util -l --json: $msg"
rm -rf "$mdir"
