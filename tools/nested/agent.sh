#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Drive an inner guest step by step: boot Debian's kernel with the
# initramfs of tools/nested/build-initramfs.sh in agent mode
# (tools/nested/init) under QEMU (TCG) in the background, with vaccel
# instances passed through by vfio-pci, and run shell commands in it over
# its second serial port.
#
#   tools/nested/agent.sh start --dir DIR [--mdev UUID]... [--timeout SECS]
#                               [--kernel FILE] [--initramfs FILE]
#                               [--mem SIZE] [--append ARGS] [--qemu ARG]...
#   tools/nested/agent.sh channel --dir DIR
#   tools/nested/agent.sh attach --dir DIR --domain NAME
#   tools/nested/agent.sh wait-ready --dir DIR [--timeout SECS] [--quiet]
#   tools/nested/agent.sh run --dir DIR [--timeout SECS] [--] COMMAND...
#   tools/nested/agent.sh bg --dir DIR NAME [--] COMMAND...
#   tools/nested/agent.sh wait --dir DIR [--timeout SECS] NAME
#   tools/nested/agent.sh signal --dir DIR NAME [SIGNAL]
#   tools/nested/agent.sh hmp --dir DIR COMMAND...
#   tools/nested/agent.sh stop --dir DIR [--timeout SECS]
#
# start    boots the guest and returns at once.  Each --mdev UUID is passed
#          through behind a PCIe root port of its own, in order: the guest
#          sees the first at 0000:01:00.0, the second at 0000:02:00.0, ...
#          (QEMU ids hostdev0, hostdev1, ...).  --timeout: QEMU is killed
#          after that long (default 1800 s).  --mem: guest RAM (512M).
#          --append: more inner kernel arguments (vaccel_nested.coldplug=0
#          leaves the functions without a driver).  --qemu: one more
#          QEMU argument (repeat for more).  Defaults for the
#          kernel and the initramfs as tools/nested/run-inner.sh's.
# channel  for a guest that libvirt starts (libvirt/domain-accel.xml):
#          makes the agent's two FIFOs and prints their base name BASE for
#          the domain's second serial port (<serial type='pipe'> with
#          source path BASE: QEMU reads BASE.in and writes BASE.out).
#          The guest's console is to go to DIR/console.log (or that is to be
#          a symlink to it).
# attach   after "virsh start NAME": follows the channel of that domain's
#          QEMU (its pid from libvirt), as start does for its own; then
#          wait-ready, run, bg, wait, signal and stop work the same, hmp
#          goes through "virsh qemu-monitor-command --hmp" and stop
#          powers the guest off (virsh destroy if it does not stop).
# wait-ready  waits until the agent in the guest answers (default 900 s),
#          printing a progress line with the elapsed time every 20 s
#          (the boot takes minutes under TCG inside TCG); exits 1 if QEMU
#          stopped, 124 on timeout.
# run      runs COMMAND (its words joined by spaces, as "sh -c" would read
#          them; it may span lines) in the guest, as root, in /, stdin
#          /dev/null; prints its stdout and stderr and exits with its
#          status; 124 if it has not ended within --timeout (default
#          300 s; the agent still runs it and answers nothing else
#          meanwhile), 125 if QEMU stopped.
# bg       starts COMMAND in the background in the guest and returns (for
#          one program, "exec PROGRAM ARGS": then signal reaches the program
#          alone and the status is the program's, not its shell's); its
#          output goes to /tmp/bg/NAME.out in the guest, its exit status
#          to /tmp/bg/NAME.rc once it ends.
# wait     waits for the background command NAME (default 300 s), prints
#          its output and exits with its status.
# signal   sends SIGNAL (default TERM) to the background command NAME and
#          everything it started (unless it has ended).
# hmp      runs a QEMU human monitor command (info pci, device_del ...)
#          and prints its answer.
# stop     powers the guest off (QEMU killed if it has not stopped within
#          --timeout, default 60 s) and prints how long it ran.
#
# VACCEL_AGENT_TIMES=1: each command's timings on stderr (here and in the
# guest).  DIR receives console.log (the guest's serial console),
# qemu.log (QEMU's own messages), qemu-command.txt, agent.log (the whole
# conversation, copied at stop) and monitor.log; the FIFOs and the live
# logs are in a directory under $TMPDIR (DIR may be a 9p share), named in
# DIR/agent.env.  Every process in the nested guest costs about a second
# (TCG in TCG) and a command costs 1.5-7 s there: send few, do much in
# each.
# Commands may come from several processes at once: each gets its own
# sequence number and the guest runs them one after the other.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/nested/common.sh
source "$REPO/tools/nested/common.sh"

msg()
{
	echo "agent: $*" >&2
}

usage()
{
	sed -n 's/^#   tools\/nested\/agent.sh /usage: tools\/nested\/agent.sh /p;/^#   *\[/p' "$0" >&2
	exit 2
}

# The clock in ns, without a process (bash 5's EPOCHREALTIME): this runs
# in a TCG VM, where each process costs a good part of a CPU that the
# nested guest needs.
now_ns()
{
	local t=${EPOCHREALTIME/[.,]/}
	echo "${t}000"
}

# load_env: the state of the guest of --dir.
load_env()
{
	[ -f "$dir/agent.env" ] || { msg "no inner guest in $dir (agent.sh start first)"; exit 2; }
	# shellcheck source=/dev/null
	source "$dir/agent.env"
}

qemu_alive()
{
	kill -0 "$QEMU_PID" 2>/dev/null
}

elapsed_s()
{
	local t=${EPOCHREALTIME/[.,]/}
	echo $(( (t * 1000 - T0) / 1000000000 ))
}

# send SEQ SCRIPT: the command to the guest, in one write.
send()
{
	local msg nl

	msg=$(printf '%s\n' "$2")
	nl=${msg//[!$'\n']/}
	# Opened read-write: never blocks, even if QEMU is gone.  One
	# sender at a time: a long message may take more than one write.
	exec {lk}>"$STATE/send.lock"
	flock "$lk"
	printf '%s %s\n%s\n' "$1" "$(( ${#nl} + 1 ))" "$msg" 1<>"$STATE/ctl.in"
	exec {lk}>&-
}

next_seq()
{
	local seq=0
	exec {lk}>"$STATE/lock"
	flock "$lk"
	[ -f "$STATE/seq" ] && read -r seq < "$STATE/seq"
	seq=$((seq + 1))
	echo "$seq" > "$STATE/seq"
	exec {lk}>&-
	echo "$seq"
}

# converse SEQ SCRIPT WAIT_S: send, follow the channel's log (tail -f, no
# polling) until the end marker, print the output, return the status
# (124: no answer within WAIT_S s, 125: QEMU stopped).
converse()
{
	local seq=$1 script=$2 wait_s=$3 off line='' part='' inside='' status='' fd tail_pid
	local t_hdr t_run t_done
	local start=$SECONDS

	off=$(stat -c %s "$STATE/chan.log")
	send "$seq" "$script"
	exec {fd}< <(exec tail -c +$((off + 1)) -F "$STATE/chan.log" 2>/dev/null)
	tail_pid=$!
	while :; do
		if IFS= read -r -t 1 -u "$fd" line; then
			line=$part$line
			part=''
			case $line in
			"@@AGENT BEGIN $seq") inside=1 ;;
			"@@AGENT END $seq "*)
				read -r status t_hdr t_run t_done <<<"${line#"@@AGENT END $seq "}"
				if [ -n "${VACCEL_AGENT_TIMES:-}" ]; then
					msg "command $seq: $((SECONDS - start)) s here;" \
					    "in the guest: header at $t_hdr, script read by $t_run," \
					    "ran until $t_done (uptime)"
				fi
				break
				;;
			"|"*) [ -n "$inside" ] && printf '%s\n' "${line#|}" ;;
			esac
			continue
		fi
		# A timed-out read keeps what it got of a line.
		part+=$line
		if ! qemu_alive; then
			msg "QEMU stopped while command $seq ran (console: $dir/console.log)"
			status=125
			break
		fi
		if [ $((SECONDS - start)) -ge "$wait_s" ]; then
			msg "no answer to command $seq within $wait_s s (the agent runs one" \
			    "command at a time: it is still busy with this one)"
			status=124
			break
		fi
	done
	kill "$tail_pid" 2>/dev/null
	exec {fd}<&-
	return "${status:-125}"
}

cmd_start()
{
	local mdevs=() timeout_s=1800 kernel='' initramfs='' mem=512M extra='' u more=()

	while [ $# -gt 0 ]; do
		case $1 in
		--mdev) mdevs+=("${2:?}"); shift 2 ;;
		--timeout) timeout_s=${2:?}; shift 2 ;;
		--kernel) kernel=${2:?}; shift 2 ;;
		--initramfs) initramfs=${2:?}; shift 2 ;;
		--mem) mem=${2:?}; shift 2 ;;
		--append) extra=${2?}; shift 2 ;;
		--qemu) more+=("${2?}"); shift 2 ;;
		*) usage ;;
		esac
	done
	if [ -f "$dir/agent.env" ]; then
		# shellcheck source=/dev/null
		(source "$dir/agent.env"; ! kill -0 "$QEMU_PID" 2>/dev/null) ||
			{ msg "an inner guest of $dir is still running"; exit 2; }
	fi
	[ -n "$kernel" ] || kernel=$(nested_kernel)
	[ -r "$kernel" ] || { msg "no kernel $kernel"; exit 2; }
	if [ -z "$initramfs" ]; then
		initramfs=$("$REPO/tools/nested/build-initramfs.sh") || exit 2
	fi
	for u in "${mdevs[@]}"; do
		[ -d "/sys/bus/mdev/devices/$u" ] || { msg "no mdev $u in /sys/bus/mdev/devices"; exit 2; }
	done
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	rm -f "$dir"/{console.log,qemu.log,agent.log,monitor.log,agent.env}

	STATE=$(mktemp -d "${TMPDIR:-/tmp}/vaccel-agent.XXXXXX")
	mkfifo "$STATE/ctl.in" "$STATE/ctl.out" "$STATE/mon.in" "$STATE/mon.out"
	: > "$STATE/chan.log"
	: > "$STATE/mon.log"

	nested_vfio_args "${mdevs[@]}"
	# shellcheck disable=SC2054 # commas separate QEMU's suboptions
	local qemu=(
		qemu-system-x86_64
		-accel tcg -cpu max -machine q35 -smp 1 -m "$mem"
		-nodefaults -nographic -no-reboot
		-kernel "$kernel" -initrd "$initramfs"
		-append "$NESTED_APPEND vaccel_nested.mode=agent $extra"
		-serial "file:$dir/console.log"
		-chardev "pipe,id=ctl,path=$STATE/ctl" -device isa-serial,chardev=ctl
		-chardev "pipe,id=mon,path=$STATE/mon" -mon chardev=mon,mode=readline
		"${NESTED_VFIO_ARGS[@]}" "${more[@]}"
	)
	printf '%q ' "${qemu[@]}" > "$dir/qemu-command.txt"
	echo >> "$dir/qemu-command.txt"
	T0=$(now_ns)
	timeout --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null >"$dir/qemu.log" 2>&1 &
	QEMU_PID=$!
	# The readers end when QEMU closes its ends.
	cat "$STATE/ctl.out" >> "$STATE/chan.log" 2>/dev/null </dev/null &
	local reader=$!
	cat "$STATE/mon.out" >> "$STATE/mon.log" 2>/dev/null </dev/null &
	local mreader=$!
	{
		printf 'QEMU_PID=%q\n' "$QEMU_PID"
		printf 'READER_PIDS=%q\n' "$reader $mreader"
		printf 'STATE=%q\n' "$STATE"
		printf 'T0=%q\n' "$T0"
	} > "$dir/agent.env"
	msg "inner guest starting (QEMU pid $QEMU_PID, ${#mdevs[@]} vaccel functions${mdevs[*]:+: ${mdevs[*]}}); console $dir/console.log"
}

cmd_channel()
{
	[ $# -eq 0 ] || usage
	if [ -f "$dir/agent.env" ]; then
		# shellcheck source=/dev/null
		(source "$dir/agent.env"; [ -z "$QEMU_PID" ] || ! kill -0 "$QEMU_PID" 2>/dev/null) ||
			{ msg "an inner guest of $dir is still running"; exit 2; }
	fi
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	rm -f "$dir"/{qemu.log,agent.log,monitor.log,agent.env}
	STATE=$(mktemp -d "${TMPDIR:-/tmp}/vaccel-agent.XXXXXX")
	mkfifo "$STATE/ctl.in" "$STATE/ctl.out"
	# QEMU runs as libvirt's unprivileged user; libvirt gives it the
	# FIFOs, it must be able to reach them.
	chmod 0755 "$STATE"
	: > "$STATE/chan.log"
	: > "$STATE/mon.log"
	{
		printf 'QEMU_PID=\n'
		printf 'READER_PIDS=\n'
		printf 'STATE=%q\n' "$STATE"
		printf 'T0=%q\n' "$(now_ns)"
		printf 'DOMAIN=\n'
	} > "$dir/agent.env"
	echo "$STATE/ctl"
}

cmd_attach()
{
	local domain='' pid=''

	while [ $# -gt 0 ]; do
		case $1 in
		--domain) domain=${2:?}; shift 2 ;;
		*) usage ;;
		esac
	done
	[ -n "$domain" ] || usage
	load_env
	[ -z "$QEMU_PID" ] || { msg "$dir already follows QEMU pid $QEMU_PID"; exit 2; }
	read -r pid < "/run/libvirt/qemu/$domain.pid" 2>/dev/null || true
	{ [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; } ||
		{ msg "domain $domain is not running (no QEMU pid in /run/libvirt/qemu/$domain.pid)"; exit 2; }
	# The reader ends when QEMU closes its end.
	cat "$STATE/ctl.out" >> "$STATE/chan.log" 2>/dev/null </dev/null &
	{
		printf 'QEMU_PID=%q\n' "$pid"
		printf 'READER_PIDS=%q\n' "$!"
		printf 'STATE=%q\n' "$STATE"
		printf 'T0=%q\n' "$T0"
		printf 'DOMAIN=%q\n' "$domain"
	} > "$dir/agent.env"
	msg "following domain $domain (QEMU pid $pid); console $dir/console.log"
}

cmd_wait_ready()
{
	local timeout_s=900 quiet='' next=20 stage t line

	while [ $# -gt 0 ]; do
		case $1 in
		--timeout) timeout_s=${2:?}; shift 2 ;;
		--quiet) quiet=1; shift ;;
		*) usage ;;
		esac
	done
	load_env
	while :; do
		line=''
		read -r line < "$STATE/chan.log" || true
		[[ $line == "@@AGENT READY"* ]] && break
		t=$(elapsed_s)
		if ! qemu_alive; then
			msg "QEMU stopped after $t s before the agent was ready"
			msg "last lines of $dir/console.log:"
			tr -d '\r' < "$dir/console.log" | tail -n 20 | sed 's/^/  | /' >&2
			[ -s "$dir/qemu.log" ] && sed 's/^/  | qemu: /' "$dir/qemu.log" >&2
			return 1
		fi
		if [ "$t" -ge "$timeout_s" ]; then
			msg "the agent was not ready after $t s"
			return 124
		fi
		if [ -z "$quiet" ] && [ "$t" -ge "$next" ]; then
			if grep -aq 'inner-init: up' "$dir/console.log"; then
				stage="init running, starting the agent"
			elif grep -aq 'Booting from ROM' "$dir/console.log"; then
				stage="firmware done, the kernel boots"
			else
				stage="firmware"
			fi
			echo "  ... nested guest booting: ${t} s ($stage)"
			next=$((next + 20))
		fi
		sleep 1
	done
	echo "  nested guest ready after $(elapsed_s) s (its kernel's uptime: ${line#@@AGENT READY } s)"
}

cmd_run()
{
	local timeout_s=300 seq

	while [ $# -gt 0 ]; do
		case $1 in
		--timeout) timeout_s=${2:?}; shift 2 ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	[ $# -gt 0 ] || usage
	load_env
	seq=$(next_seq)
	converse "$seq" "$*" "$timeout_s"
}

cmd_bg()
{
	local name=${1:?} seq script

	shift
	[ "${1:-}" = -- ] && shift
	[ $# -gt 0 ] || usage
	case $name in
	*[!A-Za-z0-9_.-]*) msg "bad job name '$name'"; exit 2 ;;
	esac
	load_env
	# The command runs in a session (process group) of its own, so that
	# "signal" reaches all of it.
	script="mkdir -p /tmp/bg
rm -f /tmp/bg/$name.rc /tmp/bg/$name.out /tmp/bg/$name.pid
cat > /tmp/bg/$name.sh <<'@@VACCEL_AGENT_EOF'
$*
@@VACCEL_AGENT_EOF
(
	setsid sh /tmp/bg/$name.sh </dev/null >/tmp/bg/$name.out 2>&1 &
	echo \$! > /tmp/bg/$name.pid.new
	mv /tmp/bg/$name.pid.new /tmp/bg/$name.pid
	wait \$!
	echo \$? > /tmp/bg/$name.rc.new
	mv /tmp/bg/$name.rc.new /tmp/bg/$name.rc
) </dev/null >/dev/null 2>&1 &
while [ ! -f /tmp/bg/$name.pid ]; do read -r -t 0.05 _ <> /run/tick; done
read -r pid < /tmp/bg/$name.pid
echo \"started $name: pid \$pid\""
	seq=$(next_seq)
	converse "$seq" "$script" 120
}

cmd_wait()
{
	local timeout_s=300 name seq

	while [ $# -gt 0 ]; do
		case $1 in
		--timeout) timeout_s=${2:?}; shift 2 ;;
		*) break ;;
		esac
	done
	name=${1:?}
	load_env
	seq=$(next_seq)
	# Builtins only: every process costs seconds in the guest.
	converse "$seq" "[ -f /tmp/bg/$name.pid ] || { echo 'agent: no background job $name'; exit 127; }
while [ ! -f /tmp/bg/$name.rc ]; do read -r -t 0.2 _ <> /run/tick; done
while IFS= read -r l; do printf '%s\\n' \"\$l\"; done < /tmp/bg/$name.out
[ -n \"\$l\" ] && printf '%s\\n' \"\$l\"
read -r rc < /tmp/bg/$name.rc
exit \$rc" "$timeout_s"
}

cmd_signal()
{
	local name=${1:?} sig=${2:-TERM} seq

	load_env
	seq=$(next_seq)
	converse "$seq" "[ -f /tmp/bg/$name.pid ] || { echo 'agent: no background job $name'; exit 127; }
[ -f /tmp/bg/$name.rc ] && exit 0
read -r pid < /tmp/bg/$name.pid
kill -s $sig -\$pid" 90
}

cmd_hmp()
{
	local off

	[ $# -gt 0 ] || usage
	load_env
	if [ -n "${DOMAIN:-}" ]; then
		virsh -q -c qemu:///system qemu-monitor-command "$DOMAIN" --hmp "$*"
		return
	fi
	exec {lk}>"$STATE/mon.lock"
	flock "$lk"
	off=$(stat -c %s "$STATE/mon.log")
	printf '%s\n' "$*" 1<>"$STATE/mon.in"
	# QEMU echoes the line, answers, and prompts again.
	for _ in $(seq 300); do
		tail -c +$((off + 1)) "$STATE/mon.log" | grep -q '(qemu) ' && break
		qemu_alive || break
		sleep 0.1
	done
	tail -c +$((off + 1)) "$STATE/mon.log" | tr -d '\r' |
		sed 's/\x1b\[[0-9;]*[A-Za-z]//g; s/(qemu) $//' | tail -n +2
	cp "$STATE/mon.log" "$dir/monitor.log" 2>/dev/null || true
}

cmd_stop()
{
	local timeout_s=60 seq rc=0 t

	while [ $# -gt 0 ]; do
		case $1 in
		--timeout) timeout_s=${2:?}; shift 2 ;;
		*) usage ;;
		esac
	done
	load_env
	if qemu_alive; then
		seq=$(next_seq)
		send "$seq" "sync; poweroff -f"
		for _ in $(seq $((timeout_s * 5))); do
			qemu_alive || break
			sleep 0.2
		done
		if qemu_alive && [ -n "${DOMAIN:-}" ]; then
			msg "the inner guest did not power off within $timeout_s s: virsh destroy $DOMAIN"
			virsh -q -c qemu:///system destroy "$DOMAIN" >&2 || true
			rc=1
		elif qemu_alive; then
			msg "the inner guest did not power off within $timeout_s s: killing QEMU"
			kill "$QEMU_PID" 2>/dev/null || true
			rc=1
		fi
	fi
	wait "$QEMU_PID" 2>/dev/null || true
	t=$(elapsed_s)
	# shellcheck disable=SC2086 # a list of pids
	kill $READER_PIDS 2>/dev/null || true
	cp "$STATE/chan.log" "$dir/agent.log" 2>/dev/null || true
	cp "$STATE/mon.log" "$dir/monitor.log" 2>/dev/null || true
	rm -rf "$STATE"
	rm -f "$dir/agent.env"
	msg "inner guest stopped after $t s"
	return "$rc"
}

[ $# -gt 0 ] || usage
sub=$1
shift
dir=${VACCEL_AGENT_DIR:-}
if [ "${1:-}" = --dir ]; then
	dir=${2:?--dir needs a directory}
	shift 2
fi
[ -n "$dir" ] || { msg "--dir DIR (or VACCEL_AGENT_DIR) is required"; exit 2; }
case $sub in
start) cmd_start "$@" ;;
channel) cmd_channel "$@" ;;
attach) cmd_attach "$@" ;;
wait-ready) cmd_wait_ready "$@" ;;
run) cmd_run "$@" ;;
bg) cmd_bg "$@" ;;
wait) cmd_wait "$@" ;;
signal) cmd_signal "$@" ;;
hmp) cmd_hmp "$@" ;;
stop) cmd_stop "$@" ;;
*) usage ;;
esac
