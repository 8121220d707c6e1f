/*
 * log.h: JSON lines on stderr (platform.md §9). One line per call, written with a single
 * write(2) so lines from several threads never interleave; a failed write is ignored and
 * never blocks or fails a request. Never pass passwords, tokens, secrets or bodies.
 */
#ifndef ROSTER_LOG_H
#define ROSTER_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
bool log_level_parse(const char *s, enum log_level *out);
bool log_enabled(enum log_level lvl);

/* A line with ts, level, event and msg (printf-style). */
void log_msg(enum log_level lvl, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * A line with ts, level, event, msg and extra string fields: kv is a NULL-terminated list of
 * key, value pairs; a NULL value is skipped. Values are escaped.
 */
void log_kv(enum log_level lvl, const char *event, const char *msg, const char *const *kv);
/* Appends raw pre-rendered JSON members (`"k":v,...`, no braces) after the standard ones. */
void log_raw(enum log_level lvl, const char *event, const char *msg, const char *members);

/* Warning and error lines left out by the per-event burst limit (10 a second). */
uint64_t log_suppressed(void);

#define log_debug(ev, ...) log_msg(LOG_DEBUG, ev, __VA_ARGS__)
#define log_info(ev, ...) log_msg(LOG_INFO, ev, __VA_ARGS__)
#define log_warn(ev, ...) log_msg(LOG_WARN, ev, __VA_ARGS__)
#define log_error(ev, ...) log_msg(LOG_ERROR, ev, __VA_ARGS__)

#endif
