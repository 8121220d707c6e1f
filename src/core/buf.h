/*
 * buf.h: growable byte buffer that cannot exist without a maximum (curl's dynbuf).
 * An append that would pass the cap stores nothing and sets the sticky `overflow` flag, so a
 * writer can emit a whole document and check once at the end. The data is always
 * NUL-terminated. Heap-owned: buf_release() frees it, buf_steal() hands it to the caller.
 */
#ifndef ROSTER_BUF_H
#define ROSTER_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max;
	bool overflow;
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
/* Empties the buffer, keeps the allocation and the cap; clears overflow. */
void buf_reset(struct buf *b);
/* Returns the data (caller frees, NUL-terminated, length b->len) and leaves b empty. */
char *buf_steal(struct buf *b);

bool buf_append(struct buf *b, const void *p, size_t len);
bool buf_puts(struct buf *b, const char *s);
bool buf_putc(struct buf *b, char c);
bool buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Appends s (len bytes, valid UTF-8 expected) as a JSON string with quotes. Escapes `"`,
 * `\`, every control character and U+2028/U+2029, so the output is also safe inside
 * <script> and in a log line.
 */
bool buf_json_str(struct buf *b, const char *s, size_t len);

#endif
