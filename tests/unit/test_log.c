/*
 * test_log.c: JSON lines and the per-event burst limit of the security log (SEC 8).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "tap.h"

int
main(void)
{
	char path[] = "/tmp/roster-test-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	char buf[65536];
	size_t n = 0, lines = 0, flood = 0;

	ok(fd >= 0 && saved >= 0, "capture file");
	dup2(fd, 2);
	for (int i = 0; i < 25; i++)
		log_warn("test.flood", "denied %d", i);
	log_warn("test.other", "another event still gets through");
	log_info("test.info", "info lines are not limited");
	fflush(stderr);
	dup2(saved, 2);
	lseek(fd, 0, SEEK_SET);
	ssize_t got = read(fd, buf, sizeof(buf) - 1);
	n = got > 0 ? (size_t)got : 0;
	buf[n] = '\0';
	for (char *p = buf; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	for (char *p = buf; (p = strstr(p, "test.flood")) != NULL; p++)
		flood++;
	ok(flood <= 10 && flood >= 1, "at most 10 lines a second for one event (%zu)", flood);
	ok(strstr(buf, "test.other") != NULL, "a different event is not held back");
	ok(strstr(buf, "test.info") != NULL, "info lines pass");
	ok(log_suppressed() >= 15, "the rest are counted");
	ok(strncmp(buf, "{\"ts\":\"", 7) == 0, "lines are JSON objects starting with ts");
	is_int(lines, flood + 2, "one line per call that was let through");
	close(fd);
	unlink(path);
	return tap_done();
}
