# SPDX-License-Identifier: GPL-2.0-or-later
# hello-lib.sh - what card-bsp's hello must print on its UART, checked
# against cardload's --json (sourced after lib.sh by the QEMU card tests)
#
# check_hello LABEL WANT_BASE reads cardload's --json from $T/out and the
# card's UART ($UART), and wants: the load address and entry of the plan,
# the argument registers in WANT_ARGS ("a0 a1 a2 a3"), the parameter block
# (magic, version, base, entry, bias, board $HELLO_BOARD), the command
# line in CMDLINE (when set), "relocations ok" for an ET_DYN image, "digest
# ok" with cardload's digest, DONE(0) on the UART, in the mailbox at MB_OFF
# of $RAM and in --json's wait.status.

HELLO_BOARD=${HELLO_BOARD:-$RV_BOARD}

# The UART log without carriage returns, in FILE.
uart_text() { tr -d '\r' <"$UART" >"$1"; }

# First line of FILE starting with "hello: PREFIX" (without "hello: ").
uline() { # FILE PREFIX
	grep -m1 -F -- "hello: $2" "$1" | sed 's/^.*hello: //'
}


DONE0=0x4f440000 # CARDBOOT_STATUS_DONE(0)
PARAMS_MAGIC=0x4d524150

# What a hello run must print, compared with cardload's --json in $T/out.
# Sets $T/uart. WANT_ARGS (a0..a3) and CMDLINE are the caller's.
check_hello() { # LABEL WANT_BASE
	local label=$1 want_base=$2 base entry bias digest type l a i v

	if ! base=$(json_get "$T/out" plan.base) ||
		! entry=$(json_get "$T/out" plan.entry); then
		not_ok "$label: --json has plan.base and plan.entry" "$(card_diag)"
		return
	fi
	bias=$(json_get "$T/out" plan.bias) || bias=""
	digest=$(json_get "$T/out" result.digest) || digest=""
	type=$(json_get "$T/out" image.type) || type=""
	[ -n "$want_base" ] && is_hex "$label: plan base" "$base" "$want_base"
	uart_text "$T/uart"

	l=$(uline "$T/uart" load=)
	is_hex "$label: UART load= is the plan base" "$(field "$l" load)" "$base"
	is_hex "$label: UART entry= is the plan entry" "$(field "$l" entry)" "$entry"

	l=$(uline "$T/uart" a0=)
	read -r -a a <<<"$WANT_ARGS"
	for i in 0 1 2 3; do
		v=$(field "$l" a$i)
		is_hex "$label: UART a$i=${a[$i]}" "$v" "${a[$i]}"
	done

	l=$(uline "$T/uart" "params ")
	if [ -z "$l" ]; then
		not_ok "$label: UART shows the parameter block" "$(card_diag)"
	else
		is_hex "$label: params magic" "$(field "$l" magic)" $PARAMS_MAGIC
		is "$label: params version" "$(field "$l" version)" 1
		is_hex "$label: params base is the plan base" "$(field "$l" base)" "$base"
		is_hex "$label: params entry is the plan entry" \
			"$(field "$l" entry)" "$entry"
		[ -n "$bias" ] && is_hex "$label: params reloc is the plan bias" \
			"$(field "$l" reloc)" "$bias"
		is "$label: params board" "$(field "$l" board)" "$HELLO_BOARD"
	fi

	if [ -n "$CMDLINE" ]; then
		is "$label: UART shows the cmdline" "$(uline "$T/uart" cmdline=)" \
			"cmdline=\"$CMDLINE\""
	fi
	if [ "$type" = ET_DYN ]; then
		is "$label: UART says relocations ok" \
			"$(uline "$T/uart" relocations)" "relocations ok"
	fi
	l=$(uline "$T/uart" "digest ")
	if [ -n "$digest" ] && [ "${l% *}" = "digest ok" ]; then
		is_hex "$label: UART digest is result.digest" "${l##* }" "$digest"
	else
		not_ok "$label: UART says digest ok, result.digest is set" \
			"uart: $l" "result.digest: $digest"
	fi
	is_hex "$label: UART done status=$DONE0" \
		"$(field "$(uline "$T/uart" "done")" status)" $DONE0
	is "$label: mailbox status word is DONE(0)" \
		"$(mb_word "$RAM" $MB_STATUS)" $DONE0
	is_hex "$label: --json wait.status is DONE(0)" \
		"$(json_get "$T/out" wait.status)" $DONE0
}

