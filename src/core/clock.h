/*
 * clock.h: the one source of "now" for the server, in Unix epoch milliseconds (UTC).
 * Builds with ROSTER_CLOCK_SEAM (every build but release) add an offset that black-box tests
 * move by writing milliseconds into the file named by ROSTER_TEST_CLOCK_FILE, so tests
 * never sleep for time to pass. Release builds compile the seam out.
 */
#ifndef ROSTER_CLOCK_H
#define ROSTER_CLOCK_H

#include <stdint.h>

int64_t clock_now_ms(void);
/* Monotonic nanoseconds, for durations only. */
int64_t clock_mono_ns(void);

#endif
