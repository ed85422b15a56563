#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# linux-x86.sh - Debian's stock x86_64 kernel booted by cardload on the x86
#                card, straight from its bzImage, through the PVH entry
#
# The kernel is the linux-image-amd64 vmlinuz the VM rigs use, unmodified
# (test-harness/vm/build.sh fetches it once into BUILD_DIR/vm). The x86
# card (CARD_MACHINE=x86_64, held with -S) is booted through
# boards/qemu-pc-x86_64-pvh.board: cardload decompresses the bzImage's xz
# payload on the host, loads the vmlinux ELF, builds struct hvm_start_info
# (command line, the initrd as module 0, the memory map from the board)
# and releases the card at the kernel's PHYS32_ENTRY with %ebx pointing at
# it. A busybox initramfs built here prints /proc/cmdline and a marker;
# the test checks the banner, the command line, the marker and the
# kernel's e820 map against the board, then stops the card. The same
# kernel as a gzip and a zstd vmlinux ELF (cut out of the bzImage here)
# boots the same way. Refusals (an old boot protocol, a payload outside
# the file, an ELF without PHYS32_ENTRY, an initrd too big) leave the RAM
# unchanged and the CPU held.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/../card-lib.sh"

export CARD_MACHINE=x86_64
B=qemu-pc-x86_64-pvh
ROM_X86=${CARDLOAD_ROM_X86:-$CARD_BSP/rom-x86.bin}
export CARDLOAD_ROM_X86=$ROM_X86
VM_OUT=${VM_OUT:-$BUILD_DIR/vm}
KERNEL=$VM_OUT/vmlinuz
MARK=CARDLOAD-LINUX-INIT-MARKER

missing=""
command -v "${QEMU_X86:-qemu-system-x86_64}" >/dev/null 2>&1 ||
	missing="$missing qemu-system-x86_64"
{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } ||
	missing="$missing static /bin/busybox"
for t in cpio xz zstd gzip; do
	command -v $t >/dev/null 2>&1 || missing="$missing $t"
done
[ -r "$ROM_X86" ] || missing="$missing $ROM_X86"
if [ -n "$missing" ]; then
	not_ok "Linux boot prerequisites" "missing:$missing" \
		"(sh test-harness/deps.sh; make card)"
	done_testing
fi
if [ ! -s "$KERNEL" ]; then
	BUILD_DIR=$BUILD_DIR CARDLOAD=$CARDLOAD sh test-harness/vm/build.sh \
		"$VM_OUT" >"$T/vmbuild.log" 2>&1 </dev/null
fi
if [ -s "$KERNEL" ]; then
	ok "Debian's vmlinuz is here ($(head -n 2 "$VM_OUT/kernel.txt" | tr '\n' ' '))"
else
	not_ok "Debian's vmlinuz is here" "$(tail -c 1500 "$T/vmbuild.log")"
	done_testing
fi

# What cardload sees in it, as it is in the package.
run_cl inspect "$KERNEL"
is "inspect vmlinuz: exit 0" "$RC" 0
if grep -qE "^bzImage +boot protocol 2\.[0-9]+, xz payload" "$T/out"; then
	ok "inspect vmlinuz: a bzImage, its boot protocol and xz payload"
else
	not_ok "inspect vmlinuz: a bzImage, its boot protocol and xz payload" "$(last_run)"
fi
if grep -qE "PHYS32_ENTRY \(18\) 0x10[0-9a-f]{5}" "$T/out"; then
	ok "inspect vmlinuz: the Xen PHYS32_ENTRY note (in the kernel, at 16 MiB and up)"
else
	not_ok "inspect vmlinuz: the Xen PHYS32_ENTRY note" "$(last_run)"
fi
# The same with --json and its plan on the board: the bzImage, Xen note and
# PVH keys, which the json-schema stream checks against the schema.
run_cl inspect --json --board $B "$KERNEL"
is "inspect --json --board $B vmlinuz: exit 0" "$RC" 0
e=$(json_get "$T/out" plan.pvh.entry)
p=$(json_get "$T/out" image.notes.xen.phys32_entry)
[ -n "$e" ] && [ "$e" = "$p" ] &&
	ok "inspect --json: plan.pvh.entry is the PHYS32_ENTRY note ($e)" ||
	not_ok "inspect --json: plan.pvh.entry is the PHYS32_ENTRY note" \
		"pvh.entry '$e', phys32_entry '$p'" "$(last_run)"

# The initramfs: busybox, an /init that shows /proc/cmdline and the marker.
ir=$T/ir
mkdir -p "$ir/bin" "$ir/proc"
cp /bin/busybox "$ir/bin/"
for a in sh cat mount poweroff; do ln -s busybox "$ir/bin/$a"; done
cat >"$ir/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
echo "CMDLINE=\$(cat /proc/cmdline)"
echo "$MARK"
poweroff -f
EOF
chmod 755 "$ir/init"
(cd "$ir" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$T/initrd.gz"

# vmlinux cut out of the bzImage (its payload, xz), as gzip and zstd ELFs.
python3 - "$KERNEL" "$T/payload.xz" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
setup = d[0x1f1] or 4
off, n = struct.unpack_from("<II", d, 0x248)
start = (setup + 1) * 512 + off
# the build appends the decompressed size (4 bytes) to the stream
open(sys.argv[2], "wb").write(d[start:start + n - 4])
PY
xz -dc "$T/payload.xz" >"$T/vmlinux"
gzip -1 -c "$T/vmlinux" >"$T/vmlinux.gz"
zstd -q -3 -c "$T/vmlinux" >"$T/vmlinux.zst"

# boot_linux LABEL IMAGE: boot it with the initrd and a command line, wait
# for the marker, check what the kernel printed, stop the card.
boot_linux() {
	local label=$1 image=$2 cmd i
	cmd="console=ttyS0 acpi=off panic=-1 rdinit=/init cardload.test=$label"
	if ! card_up 1; then
		not_ok "$label: x86 card starts" "$(cat "$T/card.err")"
		return
	fi
	run_cl boot --board $B -O mem.path="$RAM" -O mem.qmp="$QMP" \
		--initrd "$T/initrd.gz" --cmdline "$cmd" "$image"
	if [ "$RC" -ne 0 ]; then
		not_ok "$label: cardload boot exits 0" "$(card_diag)"
		sh $CARD_SH stop "$D"
		return
	fi
	ok "$label: cardload boot exits 0"
	for i in $(seq 1 600); do
		grep -aq "$MARK" "$UART" 2>/dev/null && break
		sleep 0.1
	done
	if grep -aq "Linux version 6\." "$UART"; then
		ok "$label: the kernel prints its version banner"
	else
		not_ok "$label: the kernel prints its version banner" "$(card_diag)"
	fi
	is "$label: init sees the command line cardload was given" \
		"$(tr -d '\r' <"$UART" | sed -n 's/^CMDLINE=//p' | head -n 1)" "$cmd"
	if grep -aq "^$MARK" "$UART"; then
		ok "$label: the initramfs' init ran (marker on the console)"
	else
		not_ok "$label: the initramfs' init ran" "$(card_diag)"
	fi
	# The e820 map is start_info's, from the board: low RAM after the
	# reserved first page, the hole, mailbox and console reserved, RAM to
	# 256 MiB.
	e820=$(tr -d '\r' <"$UART" | grep -a "BIOS-e820:" | sed 's/^.*BIOS-e820: //')
	want="[mem 0x0000000000000000-0x0000000000000fff] reserved
[mem 0x0000000000001000-0x000000000009ffff] usable
[mem 0x00000000000a0000-0x000000000010ffff] reserved
[mem 0x0000000000110000-0x000000000fffffff] usable"
	is "$label: the kernel's e820 map is the board's (from start_info)" \
		"$e820" "$want"
	sh $CARD_SH stop "$D"
}

boot_linux bzimage "$KERNEL"
boot_linux vmlinux.gz "$T/vmlinux.gz"
boot_linux vmlinux.zst "$T/vmlinux.zst"

# ---- refusals: nothing written, the CPU held ------------------------------

# refused LABEL WANT-EXIT REGEX IMAGE [OPTIONS...]
refused() {
	local label=$1 want=$2 re=$3 img=$4 before
	shift 4
	if ! card_up 1; then
		not_ok "$label: x86 card starts" "$(cat "$T/card.err")"
		return
	fi
	before=$(sha256sum <"$RAM")
	run_cl boot --board $B -O mem.path="$RAM" -O mem.qmp="$QMP" "$@" "$img"
	is "$label: exit $want" "$RC" "$want"
	if grep -qiE -- "$re" "$T/err"; then
		ok "$label: the message names the problem"
	else
		not_ok "$label: the message names the problem" "$(last_run)"
	fi
	is "$label: card RAM unchanged" "$(sha256sum <"$RAM")" "$before"
	is "$label: CPU still held" "$(card_runstate)" prelaunch
	sh $CARD_SH stop "$D"
}

cp "$KERNEL" "$T/old.bzimage"
printf '\007\002' | dd of="$T/old.bzimage" bs=1 seek=$((0x206)) conv=notrunc 2>/dev/null
refused "bzImage with boot protocol 2.07" 4 "protocol 2\.07|2\.7" "$T/old.bzimage"
cp "$KERNEL" "$T/far.bzimage"
printf '\377\377\377\177' | dd of="$T/far.bzimage" bs=1 seek=$((0x248)) conv=notrunc 2>/dev/null
refused "bzImage payload offset outside the file" 4 "payload" "$T/far.bzimage"
refused "an ELF without PHYS32_ENTRY on a PVH board" 4 "PHYS32" \
	"$CARD_BSP/hello-x86.elf.gz"
# larger than the card's RAM: refused as an input (exit 4); larger than
# the room beside the kernel: refused by placement (exit 5)
truncate -s 300M "$T/huge.initrd"
refused "an initrd larger than the card's RAM" 4 "initrd|too big|larger" \
	"$KERNEL" --initrd "$T/huge.initrd" --cmdline "console=ttyS0"
truncate -s 200M "$T/big.initrd"
refused "an initrd with no room beside the kernel" 5 "initrd|room" \
	"$KERNEL" --initrd "$T/big.initrd" --cmdline "console=ttyS0"
rm -f "$T/huge.initrd" "$T/big.initrd" "$T/vmlinux" "$T/payload.xz"

end_cards
