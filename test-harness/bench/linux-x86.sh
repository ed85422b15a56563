#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# linux-x86.sh - time to Linux's init on the x86 card: cardload against
#                QEMU's own -kernel paths
#
#   sh test-harness/bench/linux-x86.sh [BUILD_DIR]   (a measurement, not a test)
#
# Debian's stock vmlinuz (BUILD_DIR/vm/vmlinuz, fetched by vm/build.sh) and
# a busybox initramfs whose /init prints a marker, booted BENCH_REPS times
# (default 5) each way, interleaved, on the same machine type (-M pc, TCG,
# 256 MiB):
#   cardload        the x86 card started held (card.sh, not timed); timed
#                   from the start of `cardload boot` of the bzImage
#                   (board qemu-pc-x86_64-pvh) to the marker on its console
#   qemu bzImage    qemu-system-x86_64 -kernel vmlinuz: SeaBIOS, the setup
#                   code and the kernel's own decompressor run on the
#                   emulated CPU; timed from QEMU's start to the marker
#   qemu vmlinux    -kernel vmlinux (the ELF cut out of the bzImage): QEMU's
#                   own PVH path, nothing to decompress; the same
# and `cardload boot --dry-run` of the bzImage (decompressing and planning
# on the host, no card) for the share of cardload's time that is host
# decompression. Prints medians, minimum and maximum in milliseconds.
set -eu
. "$(dirname "$0")/bench-lib.sh"
bench_init linux-x86 "$@"
KERNEL=${BENCH_KERNEL:-$O/vm/vmlinuz}
ROM_X86=${CARDLOAD_ROM_X86:-$CARD_BSP/rom-x86.bin}
QEMU_X86=${QEMU_X86:-qemu-system-x86_64}
MARK=CARDLOAD-BENCH-INIT
CMD="console=ttyS0 acpi=off panic=-1 rdinit=/init"
export CARD_MACHINE=x86_64 CARDLOAD_ROM_X86=$ROM_X86
if [ ! -s "$KERNEL" ]; then
	BUILD_DIR=$O CARDLOAD=$CARDLOAD sh "$HERE/vm/build.sh" "$O/vm" \
		>"$DIR/vmbuild.log" 2>&1 </dev/null ||
		{ tail -c 1500 "$DIR/vmbuild.log" >&2; exit 1; }
fi
bench_require "$KERNEL" "$ROM_X86"

ir=$DIR/ir
mkdir -p "$ir/bin" "$ir/proc"
cp /bin/busybox "$ir/bin/"
for a in sh mount poweroff; do ln -s busybox "$ir/bin/$a"; done
printf '#!/bin/sh\necho %s\npoweroff -f\n' "$MARK" >"$ir/init"
chmod 755 "$ir/init"
(cd "$ir" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$DIR/initrd.gz"
python3 - "$KERNEL" "$DIR/payload.xz" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
off, n = struct.unpack_from("<II", d, 0x248)
start = ((d[0x1f1] or 4) + 1) * 512 + off
# the build appends the decompressed size (4 bytes) to the stream
open(sys.argv[2], "wb").write(d[start:start + n - 4])
PY
xz -dc "$DIR/payload.xz" >"$DIR/vmlinux"

# until_marker LOG PID: milliseconds since T0 until LOG has the marker
# (120 s at most), then kills PID.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
until_marker() {
	i=0
	while [ $i -lt 12000 ] && ! grep -aq "$MARK" "$1" 2>/dev/null; do
		sleep 0.01
		i=$((i + 1))
	done
	t=$(now_ms)
	kill "$2" 2>/dev/null || true
	grep -aq "$MARK" "$1" && echo $((t - T0)) || echo -
}

run_qemu() { # LABEL KERNEL
	: >"$DIR/q.log"
	T0=$(now_ms)
	"$QEMU_X86" -M pc,accel=tcg -m 256M -smp 1 -nodefaults -display none \
		-no-reboot -serial file:"$DIR/q.log" -kernel "$2" \
		-initrd "$DIR/initrd.gz" -append "$CMD" </dev/null \
		>/dev/null 2>&1 &
	echo "$1 $(until_marker "$DIR/q.log" $!)" >>"$DIR/results"
	wait 2>/dev/null || true
}

run_cardload() {
	sh "$HERE/card.sh" start "$DIR/card" bench-x86 >/dev/null
	. "$DIR/card/env"
	T0=$(now_ms)
	"$CARDLOAD" boot --board qemu-pc-x86_64-pvh -O mem.path="$RAM" \
		-O mem.qmp="$QMP" --no-progress --initrd "$DIR/initrd.gz" \
		--cmdline "$CMD" "$KERNEL" >/dev/null
	echo "cardload $(until_marker "$UART" "$PID")" >>"$DIR/results"
	sh "$HERE/card.sh" stop "$DIR/card"
}

r=0
while [ $r -lt "$REPS" ]; do
	r=$((r + 1))
	run_cardload
	run_qemu "qemu-bzImage" "$KERNEL"
	run_qemu "qemu-vmlinux" "$DIR/vmlinux"
	T0=$(now_ms)
	"$CARDLOAD" boot --dry-run --board qemu-pc-x86_64-pvh --initrd \
		"$DIR/initrd.gz" --cmdline "$CMD" "$KERNEL" >/dev/null
	echo "cardload-dry-run $(($(now_ms) - T0))" >>"$DIR/results"
done

python3 - "$DIR/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    k, v = line.split()
    if v != "-":
        rows.setdefault(k, []).append(int(v))
label = {
    "cardload": "cardload boot bzImage -> init marker",
    "qemu-bzImage": "QEMU -kernel bzImage -> init marker",
    "qemu-vmlinux": "QEMU -kernel vmlinux (PVH) -> init marker",
    "cardload-dry-run": "cardload boot --dry-run (host decompress + plan)",
}
print("Linux to init on the x86 card (-M pc, TCG), ms: median [min-max]")
for k in ("cardload", "qemu-bzImage", "qemu-vmlinux", "cardload-dry-run"):
    v = rows.get(k)
    if v:
        print("  %-48s %6d  [%d-%d]" % (label[k], statistics.median(v),
                                        min(v), max(v)))
    else:
        print("  %-48s  no marker seen" % label[k])
PY
