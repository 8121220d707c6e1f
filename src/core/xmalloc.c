/*
 * xmalloc.c: allocation wrappers that abort on out-of-memory (see xmalloc.h). The message goes
 * to stderr with write(2) so reporting the failure does not itself need the heap.
 */
#include "core/xmalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void __attribute__((noreturn))
xmalloc_die(size_t n)
{
	char msg[96];
	int k;
	ssize_t w;

	k = snprintf(msg, sizeof(msg), "roster: out of memory allocating %zu bytes\n", n);
	if (k < 0 || (size_t)k >= sizeof(msg)) {
		static const char fixed[] = "roster: out of memory\n";

		w = write(STDERR_FILENO, fixed, sizeof(fixed) - 1);
	} else {
		w = write(STDERR_FILENO, msg, (size_t)k);
	}
	(void)w; /* nothing more can be done; the abort below is the report */
	abort();
}

void *
xmalloc(size_t n)
{
	/* malloc(0) may return NULL, which must not read as a failure. */
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		xmalloc_die(n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0) {
		n = 1;
		size = 1;
	}
	if (size > SIZE_MAX / n)
		xmalloc_die(SIZE_MAX);
	p = calloc(n, size);
	if (p == NULL)
		xmalloc_die(n * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		xmalloc_die(n);
	return q;
}

char *
xstrdup(const char *s)
{
	size_t len = strlen(s);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len + 1);
	return p;
}
