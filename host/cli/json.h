/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json.h - a small streaming JSON writer for cardload's --json output */
#ifndef CL_JSON_H
#define CL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	int depth;
	bool need_comma[32];
};

void json_init(struct json *j, FILE *f);
void json_obj(struct json *j, const char *key);   /* key NULL in arrays */
void json_arr(struct json *j, const char *key);
void json_end_obj(struct json *j);
void json_end_arr(struct json *j);
void json_str(struct json *j, const char *key, const char *v);
void json_u64(struct json *j, const char *key, uint64_t v);
/* Several counts in a row: n members key = v. */
struct json_count {
	const char *key;
	uint64_t v;
};
void json_counts(struct json *j, const struct json_count *c, unsigned n);
void json_hex(struct json *j, const char *key, uint64_t v); /* "0x1f" */
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
void json_done(struct json *j); /* newline after the top level */
/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

#endif /* CL_JSON_H */
