/* genblob.c - write N MiB of deterministic pseudo-random bytes (host tool)
 *
 *   genblob OUT MIB
 *
 * An xorshift64* stream from a fixed seed: the same bytes on every build,
 * and incompressible, like the bulk of a real large image after its own
 * compression. Used to build big-dyn.elf; never committed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	uint64_t x = 0x9e3779b97f4a7c15ull, buf[8192];
	unsigned long mib, n;
	FILE *f;

	if (argc != 3 || (mib = strtoul(argv[2], NULL, 10)) == 0) {
		fprintf(stderr, "usage: genblob OUT MIB\n");
		return 2;
	}
	f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	for (n = 0; n < mib * (1024 * 1024 / sizeof(buf)); n++) {
		for (size_t i = 0; i < sizeof(buf) / sizeof(buf[0]); i++) {
			x ^= x >> 12;
			x ^= x << 25;
			x ^= x >> 27;
			buf[i] = x * 0x2545f4914f6cdd1dull;
		}
		if (fwrite(buf, sizeof(buf), 1, f) != 1)
			break;
	}
	if (fclose(f) != 0 || n != mib * (1024 * 1024 / sizeof(buf))) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
