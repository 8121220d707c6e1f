/*
 * embedded.h: files compiled into the binary by scripts/embed.sh: migrations (sorted by name)
 * and dashboard assets (path relative to web/). Each list ends with a NULL name; data has a
 * terminating NUL not counted in len.
 */
#ifndef ROSTER_EMBEDDED_H
#define ROSTER_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};

extern const struct embedded_file embedded_migrations[];
extern const struct embedded_file embedded_web[];

#endif
