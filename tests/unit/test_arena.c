/*
 * test_arena.c: the request arena: alignment, zero fill, big allocations, strings, printf
 * without truncation, and destructors run in reverse order at arena_free().
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "tap.h"

static int order[8];
static int n_order;

static void
record(void *p)
{
	order[n_order++] = *(int *)p;
}

static bool
all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void
test_alloc(void)
{
	struct arena *a = arena_new();
	bool aligned = true, zero = true, distinct = true;
	unsigned char *prev = NULL, *p, *big;
	size_t i;

	for (i = 0; i < 2000; i++) {
		p = arena_alloc(a, 1 + i % 37);
		aligned &= ((uintptr_t)p % 16) == 0;
		zero &= all_zero(p, 1 + i % 37);
		memset(p, 0xAB, 1 + i % 37);
		distinct &= p != prev;
		prev = p;
	}
	ok(aligned, "2000 small allocations are 16-byte aligned across blocks");
	ok(zero, "small allocations are zero-filled");
	ok(distinct, "consecutive allocations differ");
	p = arena_alloc(a, 0);
	ok(p != NULL && p != arena_alloc(a, 0), "zero-size allocations are distinct and non-NULL");
	big = arena_alloc(a, 1 << 20);
	ok(((uintptr_t)big % 16) == 0, "a 1 MiB allocation is aligned");
	ok(all_zero(big, 1 << 20), "a 1 MiB allocation is zero-filled");
	memset(big, 1, 1 << 20);
	p = arena_alloc(a, 24);
	ok(all_zero(p, 24), "a small allocation after a big one is still zero-filled");
	ok(arena_used(a) >= 2000 + (1 << 20), "arena_used counts what was handed out (%zu)",
	   arena_used(a));
	arena_free(a);

	/* Blocks come from malloc, which reuses freed memory: zeroing must not rely on it. */
	zero = true;
	for (i = 0; i < 4; i++) {
		a = arena_new();
		p = arena_alloc(a, 8000);
		zero &= all_zero(p, 8000);
		memset(p, 0xCD, 8000);
		p = arena_alloc(a, 8000);
		zero &= all_zero(p, 8000);
		memset(p, 0xCD, 8000);
		arena_free(a);
	}
	ok(zero, "allocations are zero even where a previous arena left bytes behind");
}

static void
test_strings(void)
{
	struct arena *a = arena_new();
	char *s, *t, *u;
	char longer[20000];

	s = arena_strdup(a, "hello");
	is_str(s, "hello", "arena_strdup copies");
	t = arena_strndup(a, "abcdef", 3);
	is_str(t, "abc", "arena_strndup copies len bytes and terminates");
	is_int(t[3], 0, "arena_strndup adds the NUL");
	u = arena_printf(a, "%s-%d-%05.1f", "x", 42, 3.14159);
	is_str(u, "x-42-003.1", "arena_printf formats");
	memset(longer, 'z', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	u = arena_printf(a, "<%s>", longer);
	is_int(strlen(u), sizeof(longer) + 1, "arena_printf never truncates a long result");
	ok(u[0] == '<' && u[sizeof(longer)] == '>', "arena_printf keeps both ends");
	arena_free(a);
}

static void
test_defer(void)
{
	struct arena *a = arena_new();
	int v1 = 1, v2 = 2, v3 = 3;

	n_order = 0;
	arena_defer(a, record, &v1);
	arena_defer(a, record, &v2);
	arena_alloc(a, 100000); /* a big block between the records changes nothing */
	arena_defer(a, record, &v3);
	is_int(n_order, 0, "nothing runs before arena_free");
	arena_free(a);
	is_int(n_order, 3, "every deferred destructor ran");
	ok(order[0] == 3 && order[1] == 2 && order[2] == 1, "destructors ran in reverse order");
	arena_free(NULL);
	ok(1, "arena_free(NULL) is a no-op");
}

int
main(void)
{
	test_alloc();
	test_strings();
	test_defer();
	return tap_done();
}
