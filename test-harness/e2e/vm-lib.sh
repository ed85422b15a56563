# SPDX-License-Identifier: GPL-2.0-or-later
# vm-lib.sh - the host side of the Linux test VM's e2e tests (pci-vm.sh,
# usb-vm.sh), sourced after lib.sh: VM_LOG is the serial console's file.
#
#   vm_kill            stop the VM's QEMU (trap it on EXIT)
#   now_ms, secs MS    wall clock in ms; ms as seconds with one decimal
#   dev ID FILE SIZE ADDR   QEMU arguments of an ivshmem-plain device on FILE
#   vm_relay RC T0 T1 T2    the guest's TAP points (vm/init.sh prefixes them
#                      "TAP| ") as ours, a point that they ran to their plan
#                      and one that the VM powered off (vm.sh's status RC);
#                      the build and boot times from T0, T1, T2 as a diagnostic
#   vm_none_left       a point: no QEMU still writes VM_LOG

# The VM's QEMU must not outlive the test: kill it (by its pid file, when
# that process is still the QEMU writing our log), then the cards.
_vm_pid=""
vm_kill() {
	local p
	# vm.sh execs timeout, which passes the signal on to QEMU
	[ -n "$_vm_pid" ] && kill -TERM "$_vm_pid" 2>/dev/null && sleep 0.2
	p=$(cat "$VM_LOG.pid" 2>/dev/null)
	if [ -n "$p" ] && tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null |
		grep -qF -- "file:$VM_LOG"; then
		kill -KILL "$p" 2>/dev/null
	fi
	_vm_pid=""
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }

dev() { # ID FILE SIZE ADDR
	echo "-object memory-backend-file,id=$1,size=$3,mem-path=$2,share=on"
	echo "-device ivshmem-plain,memdev=$1,addr=$4"
}

vm_relay() { # RC T0 T1 T2
	local vm_rc=$1 t0=$2 t1=$3 t2=$4 l guest_n=0 guest_plan="" guest_exit=""

	# The guest's lines, "TAP| ..." on the serial console, as points of ours.
	tr -d '\r' <"$VM_LOG" | sed -n 's/^TAP| //p' >"$T/guest.tap"
	while IFS= read -r l; do
		case $l in
		"ok "*)
			guest_n=$((guest_n + 1))
			l=${l#ok }
			ok "vm: ${l#* - }"
			;;
		"not ok "*)
			guest_n=$((guest_n + 1))
			l=${l#not ok }
			not_ok "vm: ${l#* - }"
			;;
		1..*) guest_plan=${l#1..} ;;
		"# exit "*) guest_exit=${l#\# exit } ;;
		"#"*) l=${l#\#} && echo "# vm: ${l# }" ;;
		*) [ -n "$l" ] && diag "vm: $l" ;;
		esac
	done <"$T/guest.tap"

	if [ -n "$guest_plan" ] && [ "$guest_plan" = "$guest_n" ] &&
		[ -n "$guest_exit" ] && [ "$guest_n" -gt 0 ]; then
		ok "vm: the guest tests ran to their plan (1..$guest_plan, exit $guest_exit)"
	else
		not_ok "vm: the guest tests ran to their plan" \
			"plan '${guest_plan}', $guest_n points, exit '${guest_exit}'" \
			"serial console: $(tr -d '\r' <"$VM_LOG" | tail -c 2500)"
	fi
	if [ "$vm_rc" -eq 0 ] && grep -q '^VM-DONE' "$VM_LOG"; then
		ok "vm: powered off by itself within ${VM_TIMEOUT} s"
	else
		not_ok "vm: powered off by itself within ${VM_TIMEOUT} s" \
			"vm.sh exit status $vm_rc (124: timed out)" \
			"qemu: $(head -c 800 "$VM_LOG.qemu" 2>/dev/null)" \
			"serial console: $(tr -d '\r' <"$VM_LOG" | tail -c 1500)"
	fi
	diag "vm: $(secs $((t2 - t0))) s (build $(secs $((t1 - t0))) s," \
		"boot to power-off $(secs $((t2 - t1))) s)"
}

vm_none_left() {
	local procs

	# (the regex does not match grep's own command line)
	procs=$(grep -ls -- "file:$T/vm[.]log" /proc/[0-9]*/cmdline | cut -d/ -f3 |
		tr '\n' ' ')
	if [ -z "$procs" ]; then
		ok "no VM QEMU left"
	else
		not_ok "no VM QEMU left" "processes: $procs"
	fi
}
