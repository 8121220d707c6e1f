/*
 * arena.c: the per-request region allocator (see arena.h). Memory comes from a chain of
 * blocks and is handed out by bumping an offset, 16-byte aligned; nothing is freed or reused
 * before arena_free(). Each allocation is zeroed as it is handed out, not each block as it is
 * made, since a request uses far less than the blocks it touches.
 * A request larger than a quarter block gets a block of its own, so one big body does not
 * waste the tail of the current block and small allocations keep filling it.
 */
#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

#define ARENA_ALIGN 16
#define ARENA_BLOCK (16 * 1024) /* a typical request fits in one or two blocks */
#define ARENA_BIG (ARENA_BLOCK / 4)

struct arena_block {
	struct arena_block *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	unsigned char data[];
};

struct arena_defer {
	struct arena_defer *next;
	void (*fn)(void *);
	void *p;
};

struct arena {
	struct arena_block *head; /* the block small allocations bump into */
	struct arena_defer *defers; /* most recent first, which is the order they run in */
	size_t used;
};

static void __attribute__((noreturn))
arena_die(const char *why)
{
	fprintf(stderr, "roster: arena: %s\n", why);
	abort();
}

static struct arena_block *
block_new(size_t size)
{
	struct arena_block *b;

	/* The extra ARENA_ALIGN bytes let the first allocation be aligned whatever malloc gave. */
	if (size > SIZE_MAX - sizeof(*b) - ARENA_ALIGN)
		arena_die("allocation size overflows");
	/* Not zeroed here: arena_alloc zeroes what it hands out, which is far less than a block
	 * (measured: zeroing whole 16 KiB blocks was 7% of a keyed GET). */
	b = xmalloc(sizeof(*b) + size + ARENA_ALIGN);
	b->next = NULL;
	b->size = size + ARENA_ALIGN;
	b->used = 0;
	return b;
}

/* Returns an aligned pointer for n bytes inside b, or NULL when b has no room. */
static void *
block_take(struct arena_block *b, size_t n)
{
	uintptr_t base = (uintptr_t)b->data;
	uintptr_t at = (base + b->used + (ARENA_ALIGN - 1)) & ~(uintptr_t)(ARENA_ALIGN - 1);
	size_t off = (size_t)(at - base);

	if (off > b->size || n > b->size - off)
		return NULL;
	b->used = off + n;
	return b->data + off;
}

struct arena *
arena_new(void)
{
	struct arena *a = xcalloc(1, sizeof(*a));

	a->head = block_new(ARENA_BLOCK);
	return a;
}

void
arena_free(struct arena *a)
{
	struct arena_defer *d;
	struct arena_block *b, *next;

	if (a == NULL)
		return;
	/* Popped one at a time, so a destructor that defers another one still gets it run. */
	while ((d = a->defers) != NULL) {
		a->defers = d->next;
		d->fn(d->p);
	}
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b;
	void *p;

	if (n == 0)
		n = 1; /* distinct pointers for distinct calls, as malloc would give */
	if (n > ARENA_BIG) {
		/* Own block, linked behind the head so the head keeps serving small requests. */
		b = block_new(n);
		p = block_take(b, n);
		b->next = a->head->next;
		a->head->next = b;
	} else {
		p = block_take(a->head, n);
		if (p == NULL) {
			b = block_new(ARENA_BLOCK);
			b->next = a->head;
			a->head = b;
			p = block_take(b, n);
		}
	}
	a->used += n;
	memset(p, 0, n);
	return p;
}

void *
arena_realloc(struct arena *a, void *p, size_t old_size, size_t new_size)
{
	void *q = arena_alloc(a, new_size);

	if (p != NULL && old_size > 0)
		memcpy(q, p, old_size < new_size ? old_size : new_size);
	return q;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		arena_die("string length overflows");
	p = arena_alloc(a, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	char *p;
	int n, m;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		/* Only a format the caller got wrong fails here (bad wide string): a bug. */
		arena_die("unformattable string");
	}
	p = arena_alloc(a, (size_t)n + 1);
	m = vsnprintf(p, (size_t)n + 1, fmt, ap);
	if (m != n) {
		arena_die("formatted length changed between passes");
	}
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void
arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
	struct arena_defer *d = arena_alloc(a, sizeof(*d));

	d->fn = fn;
	d->p = p;
	d->next = a->defers;
	a->defers = d;
}

size_t
arena_used(const struct arena *a)
{
	return a->used;
}
