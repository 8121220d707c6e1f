/*
 * strconv.h: integer parsing that checks everything (no sign, no spaces, no 0x, no exponent
 * for the decimal-digits form; end pointer, errno and range for all).
 */
#ifndef ROSTER_STRCONV_H
#define ROSTER_STRCONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Plain decimal digits only ("007" allowed, "" not), value in [min, max]. */
bool str_to_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);
/* Size with optional KiB/MiB/GiB suffix ("1MiB", "4096"). */
bool str_to_size(const char *s, size_t *out);

#endif
