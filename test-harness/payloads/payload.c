/* SPDX-License-Identifier: GPL-2.0-or-later */
/* payload.c - a small card payload shared by the riscv64 and aarch64 test images
 *
 * It exists to give the loader something real to chew on: initialised
 * pointers (a table of function pointers and a table of string pointers,
 * which become R_*_RELATIVE relocations in a position-independent build),
 * read-only data, and a .bss large enough (>= 64 KiB) that zero-filling it
 * matters. main() walks the tables so none of it is dead code.
 */
#include "payload.h"

static const char greeting[] = "cardload test payload";

static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
static int op_xor(int a, int b) { return a ^ b; }

/* Function pointers in initialised, writable data: one relocation each. */
int (*const volatile ops[])(int, int) = { op_add, op_sub, op_mul, op_xor };

/* Pointers to strings, and a long run of adjacent pointers so a packed
 * (DT_RELR) build encodes them with bitmap words, not only addresses. */
const char *names[] = {
	"add", "sub", "mul", "xor", greeting,
	"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
	"hotel", "india", "juliett", "kilo", "lima", "mike", "november",
	"oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform",
	"victor", "whiskey", "xray", "yankee", "zulu", "zero", "one", "two",
	"three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
	"seventeen", "eighteen", "nineteen", "twenty", "twenty-one",
	"twenty-two", "twenty-three", "twenty-four", "twenty-five",
	"twenty-six", "twenty-seven", "twenty-eight", "twenty-nine",
	"thirty", "thirty-one", "thirty-two", "thirty-three", "thirty-four",
	"thirty-five", "thirty-six", "thirty-seven", "thirty-eight",
};

/* A structure mixing pointers and plain data: relocations at scattered,
 * non-adjacent offsets. */
struct entry {
	unsigned long magic;
	const char *name;
	unsigned long pad[5];
	int (*fn)(int, int);
	void *self;
};

struct entry entries[] = {
	{ 0x1111, "first", { 1, 2, 3, 4, 5 }, op_add, &entries[0] },
	{ 0x2222, "second", { 6, 7, 8, 9, 10 }, op_mul, &entries[1] },
};

unsigned long plain_words[8] = { 1, 2, 3, 5, 8, 13, 21, 34 };

/* Zero-initialised: lands in .bss. The stack lives at its top. */
unsigned char scratch[PAYLOAD_BSS_SIZE];
unsigned long counter;

int main(void)
{
	unsigned i;
	int acc = 1;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		acc = ops[i](acc, (int)i + 3);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		scratch[i] = (unsigned char)names[i][0];
	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		acc += entries[i].fn(acc, (int)entries[i].magic) +
		       (entries[i].self == &entries[i]);
	counter += (unsigned long)acc + plain_words[acc & 7];
	return acc;
}
