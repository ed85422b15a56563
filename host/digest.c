/* digest.c - the image digest of cardboot.h (CRC-32, zlib's polynomial) */
#include <zlib.h>
#include "internal.h"

uint32_t cl_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) { /* zlib takes uInt lengths */
		uInt n = len > (1u << 30) ? 1u << 30 : (uInt)len;

		crc = (uint32_t)crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return crc;
}

uint32_t cl_crc32_zeros(uint32_t crc, uint64_t len)
{
	static const uint8_t zeros[64 << 10];

	while (len) {
		size_t n = len > sizeof(zeros) ? sizeof(zeros) : (size_t)len;

		crc = cl_crc32(crc, zeros, n);
		len -= n;
	}
	return crc;
}
