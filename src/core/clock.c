/*
 * clock.c: the one source of "now" (see clock.h). With ROSTER_CLOCK_SEAM, every call reads
 * the offset file named by ROSTER_TEST_CLOCK_FILE afresh, so a black-box test moves time by
 * rewriting that file; opening it each call keeps this thread-safe with no shared state, and
 * the cost only exists in test builds. A missing, empty or malformed file means offset 0.
 */
#include "core/clock.h"

#include <time.h>

#ifdef ROSTER_CLOCK_SEAM
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/strconv.h"

/* Offsets beyond about 31,000 years are refused, which keeps now + offset from wrapping. */
#define CLOCK_MAX_OFFSET_MS 1000000000000000LL

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Parses optional blanks, an optional sign, decimal digits, optional blanks. */
static int64_t
parse_offset(const char *s, size_t len)
{
	size_t i = 0, j = len;
	int64_t v;
	bool neg = false;

	while (i < j && is_blank(s[i]))
		i++;
	while (j > i && is_blank(s[j - 1]))
		j--;
	if (i < j && (s[i] == '-' || s[i] == '+')) {
		neg = s[i] == '-';
		i++;
	}
	if (!str_to_i64(s + i, j - i, 0, CLOCK_MAX_OFFSET_MS, &v))
		return 0;
	return neg ? -v : v;
}

static int64_t
seam_offset_ms(void)
{
	const char *path = getenv("ROSTER_TEST_CLOCK_FILE");
	char text[64];
	size_t len = 0;
	ssize_t r;
	int fd;

	if (path == NULL || *path == '\0')
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (len < sizeof(text)) {
		r = read(fd, text + len, sizeof(text) - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len == sizeof(text))
		return 0; /* longer than any offset: not one */
	return parse_offset(text, len);
}
#endif

int64_t
clock_now_ms(void)
{
	struct timespec ts;
	int64_t ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#ifdef ROSTER_CLOCK_SEAM
	ms += seam_offset_ms();
#endif
	return ms;
}

int64_t
clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
