/*
 * arena.h: the per-request region allocator. Everything a request allocates lives here and
 * is released at once by arena_free(); objects owned by a library join the arena with a
 * destructor through arena_defer(). The arena never returns NULL (out of memory aborts).
 */
#ifndef ROSTER_ARENA_H
#define ROSTER_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
/* Runs the deferred destructors in reverse order, then frees every block. NULL is a no-op. */
void arena_free(struct arena *a);

/* Memory aligned for any type; zero-filled. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* Copies len bytes and adds a terminating NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t len);
/* Formats into the arena; the result is never truncated. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Growth for arrays that live in the arena: a new zeroed block of new_size bytes holding the
 * first old_size bytes of p (p may be NULL). The old block stays until the arena is freed, so
 * doubling growth costs at most twice the final size.
 */
void *arena_realloc(struct arena *a, void *p, size_t old_size, size_t new_size);

/* Calls fn(p) when the arena is freed, after anything deferred later. */
void arena_defer(struct arena *a, void (*fn)(void *), void *p);

/* Bytes handed out so far (for tests and metrics). */
size_t arena_used(const struct arena *a);

#endif
