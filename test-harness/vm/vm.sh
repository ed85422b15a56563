#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vm.sh - run the Linux test VM (built by vm/build.sh) until it powers off
#
#   sh test-harness/vm/vm.sh run OUTDIR LOG [QEMU ARGS...]
#
# Boots OUTDIR/vmlinuz with OUTDIR/initramfs.cpio.gz on qemu-system-x86_64
# (q35, TCG only, 512 MiB, one CPU, no default devices), the serial console
# in the file LOG. The extra arguments add devices, e.g. an ivshmem-plain
# device whose memory is a card's RAM file:
#     -object memory-backend-file,id=card0,size=128M,mem-path=RAM,share=on
#     -device ivshmem-plain,memdev=card0,addr=0x4
# VM_APPEND adds to the kernel command line (cardload.KEY=VALUE reaches the
# guest tests as $CL_KEY). VM_TIMEOUT (seconds, default 120) bounds the run;
# QEMU's own messages go to LOG.qemu, its process id to LOG.pid.
#
# Exit status: QEMU's (0 when the guest powered off), 124 on timeout (QEMU
# killed). -no-reboot turns a guest reboot or kernel panic (panic=-1) into
# QEMU exiting too.
set -u

die() {
	echo "vm.sh: $*" >&2
	exit 1
}

QEMU=${QEMU_X86:-qemu-system-x86_64}

[ "${1:-}" = run ] && [ $# -ge 3 ] ||
	{ echo "usage: sh test-harness/vm/vm.sh run OUTDIR LOG [QEMU ARGS...]" >&2; exit 2; }
out=$2
log=$3
shift 3
command -v "$QEMU" >/dev/null 2>&1 || die "'$QEMU' not found (Debian's qemu-system-x86)"
for f in "$out/vmlinuz" "$out/initramfs.cpio.gz"; do
	[ -r "$f" ] || die "no '$f' (sh test-harness/vm/build.sh $out)"
done

: >"$log" || die "cannot write '$log'"
rm -f "$log.pid"
# Never -enable-kvm: KVM cannot run guests on these machines (TCG only).
# exec: a signal to this process reaches timeout, which passes it on to QEMU.
exec timeout -k 5 "${VM_TIMEOUT:-120}" "$QEMU" \
	-M q35,accel=tcg -m 512M -smp 1 \
	-nodefaults -no-reboot -display none -monitor none \
	-serial file:"$log" \
	-kernel "$out/vmlinuz" -initrd "$out/initramfs.cpio.gz" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1 ${VM_APPEND:-}" \
	-pidfile "$log.pid" \
	"$@" </dev/null >"$log.qemu" 2>&1
