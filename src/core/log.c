/*
 * log.c: JSON lines on stderr (see log.h, platform.md §9). Each line is built in a capped
 * buffer with every string escaped by buf_json_str, so control characters in a message can
 * never forge a line, then sent with one write(2). A line longer than LIMIT_LOG_LINE is cut
 * at a member boundary (the message itself at a character boundary) and says so with
 * "truncated":true; nothing is dropped silently.
 */
#include "core/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/rfc3339.h"

/* Room kept back for `,"truncated":true}` and the newline. */
#define LOG_TAIL 32

/* Set once at start-up, read by every thread; relaxed is enough for a threshold. */
static _Atomic int log_threshold = LOG_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void
log_set_level(enum log_level lvl)
{
	atomic_store_explicit(&log_threshold, (int)lvl, memory_order_relaxed);
}

bool
log_level_parse(const char *s, enum log_level *out)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return true;
		}
	}
	return false;
}

bool
log_enabled(enum log_level lvl)
{
	return (int)lvl >= atomic_load_explicit(&log_threshold, memory_order_relaxed);
}

/*
 * SEC 8: warnings and errors (the security log: denials, rate limits, framing, storage) are
 * held to LOG_BURST lines a second per event name, so a flood of bad requests cannot fill
 * the disk or drown the log; the rest are only counted (log_suppressed()).
 */
#define LOG_BURST 10
#define LOG_SLOTS 64

struct log_slot {
	_Atomic int64_t second;
	_Atomic int n;
};

static struct log_slot log_slots[LOG_SLOTS];
static _Atomic uint64_t log_dropped;

static bool
log_allow(enum log_level lvl, const char *event)
{
	uint32_t h = 2166136261u;
	struct log_slot *slot;
	struct timespec ts;
	int64_t now, seen;

	if (lvl < LOG_WARN)
		return true;
	for (const char *p = event; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	slot = &log_slots[h % LOG_SLOTS];
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec;
	seen = atomic_load_explicit(&slot->second, memory_order_relaxed);
	if (seen != now &&
	    atomic_compare_exchange_strong_explicit(&slot->second, &seen, now, memory_order_relaxed,
						    memory_order_relaxed))
		atomic_store_explicit(&slot->n, 0, memory_order_relaxed);
	if (atomic_fetch_add_explicit(&slot->n, 1, memory_order_relaxed) < LOG_BURST)
		return true;
	atomic_fetch_add_explicit(&log_dropped, 1, memory_order_relaxed);
	return false;
}

uint64_t
log_suppressed(void)
{
	return atomic_load_explicit(&log_dropped, memory_order_relaxed);
}

/* Appends `,"key":"value"`; on overflow leaves the buffer as it was and returns false. */
static bool
put_member(struct buf *b, const char *key, const char *val, size_t len)
{
	size_t at = b->len;

	if (buf_putc(b, ',') && buf_json_str(b, key, strlen(key)) && buf_putc(b, ':') &&
	    buf_json_str(b, val, len))
		return true;
	b->len = at;
	if (b->cap > 0)
		b->p[at] = '\0';
	b->overflow = false;
	return false;
}

/*
 * Like put_member, but when the whole value does not fit, appends its longest prefix that
 * does, cut on a character boundary. Returns false when anything was cut.
 */
static bool
put_member_cut(struct buf *b, const char *key, const char *val, size_t len)
{
	size_t at = b->len, lo = 0, hi = len, mid;

	if (put_member(b, key, val, len))
		return true;
	/* Binary search on the prefix length; only lines past LIMIT_LOG_LINE take this path. */
	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		if (put_member(b, key, val, mid)) {
			lo = mid;
			b->len = at;
			b->p[at] = '\0';
		} else {
			hi = mid - 1;
		}
	}
	while (lo > 0 && ((unsigned char)val[lo] & 0xC0) == 0x80)
		lo--;
	if (!put_member(b, key, val, lo))
		put_member(b, key, "", 0);
	return false;
}

static void
line_begin(struct buf *b, enum log_level lvl, const char *event)
{
	char ts[RFC3339_LEN + 1];
	const char *name = (size_t)lvl < sizeof(level_names) / sizeof(level_names[0])
				   ? level_names[lvl]
				   : "error";

	/* The tail is kept free so the closing members always fit. */
	buf_init(b, LIMIT_LOG_LINE - LOG_TAIL);
	rfc3339_format(clock_now_ms(), ts);
	buf_puts(b, "{\"ts\":");
	buf_json_str(b, ts, RFC3339_LEN);
	put_member(b, "level", name, strlen(name));
	if (event == NULL)
		event = "";
	put_member_cut(b, "event", event, strlen(event));
}

static void
line_end(struct buf *b, bool truncated)
{
	int saved = errno;
	ssize_t r;

	b->max = LIMIT_LOG_LINE;
	if (truncated)
		buf_puts(b, ",\"truncated\":true");
	buf_puts(b, "}\n");
	/* One write per line so threads never interleave; a failure is ignored (log.h). */
	do {
		r = write(STDERR_FILENO, b->p, b->len);
	} while (r < 0 && errno == EINTR);
	errno = saved; /* logging must not disturb a caller's errno */
	buf_release(b);
}

static bool
put_msg(struct buf *b, const char *msg)
{
	if (msg == NULL)
		msg = "";
	return put_member_cut(b, "msg", msg, strlen(msg));
}

void
log_msg(enum log_level lvl, const char *event, const char *fmt, ...)
{
	char msg[LIMIT_LOG_LINE];
	bool truncated = false;
	struct buf b;
	va_list ap;
	int n;

	if (!log_enabled(lvl) || !log_allow(lvl, event))
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0) {
		static const char bad[] = "(unformattable log message)";

		memcpy(msg, bad, sizeof(bad));
		truncated = true;
	} else if ((size_t)n >= sizeof(msg)) {
		truncated = true; /* longer than a whole line could carry anyway */
	}
	line_begin(&b, lvl, event);
	if (!put_msg(&b, msg))
		truncated = true;
	line_end(&b, truncated);
}

void
log_kv(enum log_level lvl, const char *event, const char *msg, const char *const *kv)
{
	bool truncated = false;
	struct buf b;
	size_t i;

	if (!log_enabled(lvl) || !log_allow(lvl, event))
		return;
	line_begin(&b, lvl, event);
	if (!put_msg(&b, msg))
		truncated = true;
	for (i = 0; kv != NULL && kv[i] != NULL; i += 2) {
		if (kv[i + 1] == NULL)
			continue;
		/* A member that does not fit is left out whole; smaller ones after it still go. */
		if (!put_member(&b, kv[i], kv[i + 1], strlen(kv[i + 1])))
			truncated = true;
	}
	line_end(&b, truncated);
}

void
log_raw(enum log_level lvl, const char *event, const char *msg, const char *members)
{
	bool truncated = false;
	struct buf b;
	size_t at;

	if (!log_enabled(lvl) || !log_allow(lvl, event))
		return;
	line_begin(&b, lvl, event);
	if (!put_msg(&b, msg))
		truncated = true;
	if (members != NULL && *members != '\0') {
		at = b.len;
		if (!buf_putc(&b, ',') || !buf_puts(&b, members)) {
			b.len = at;
			if (b.cap > 0)
				b.p[at] = '\0';
			b.overflow = false;
			truncated = true;
		}
	}
	line_end(&b, truncated);
}
