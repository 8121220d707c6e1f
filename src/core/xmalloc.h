/*
 * xmalloc.h: allocation that never returns NULL. Out of memory aborts the process, as
 * redis does: a server that limps on after a failed allocation corrupts state.
 */
#ifndef ROSTER_XMALLOC_H
#define ROSTER_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

#endif
