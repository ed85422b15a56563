/* SPDX-License-Identifier: GPL-2.0-or-later */
/* imgfail.h - checking a refused image, for the unit tests of images
 * (test_image.c, test_formats.c)
 *
 * The including file has `static struct cl_ctx *ctx;` declared first and
 * includes internal.h and tap.h.
 */
#ifndef CL_TEST_IMGFAIL_H
#define CL_TEST_IMGFAIL_H

/* The context's last message contains needle. */
static int has(const char *needle)
{
	return strstr(cl_errmsg(ctx), needle) != NULL;
}

/* cl_image_from_memory refuses p[0, n) (as name) with want, no image, and a
 * message naming the file that contains needle1 and needle2 (if given). */
static void expect_fail(const char *what, const char *name, const void *p,
			size_t n, const struct cl_image_opts *o, int want,
			const char *needle1, const char *needle2)
{
	struct cl_image *img = (struct cl_image *)&img;
	int rc = cl_image_from_memory(ctx, name, p, n, o, &img);

	is_int(rc, want, "%s: %s", what, cl_errname(want));
	if (!ok(img == NULL && has(name) && (!needle1 || has(needle1)) &&
		(!needle2 || has(needle2)), "%s: message names '%s'%s%s%s%s",
		what, name, needle1 ? ", says " : "", needle1 ? needle1 : "",
		needle2 ? ", " : "", needle2 ? needle2 : ""))
		diag("message: %s", cl_errmsg(ctx));
	if (rc == 0)
		cl_image_free(img);
}

#endif /* CL_TEST_IMGFAIL_H */
