/*
 * cmd_backup.c: `roster backup`: a consistent online copy of the SQLite database (mode
 * 0600), optionally verified with integrity_check. PostgreSQL deployments use pg_dump.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "config.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/rfc3339.h"

int
cmd_backup(int argc, char **argv)
{
	const char *out = NULL, *v;
	bool verify = false;
	char path[4096], ts[RFC3339_LEN + 1];
	struct store *s;
	enum err err;

	for (int i = 0; i < argc; i++) {
		if ((v = cli_flag_value(argc, argv, &i, "--out")) != NULL)
			out = v;
		else if (strcmp(argv[i], "--verify") == 0)
			verify = true;
		else {
			fprintf(stderr, "usage: roster backup [--out FILE] [--verify]\n");
			return EXIT_USAGE;
		}
	}
	if (strncmp(config_database(), "postgres", 8) == 0) {
		fprintf(stderr, "roster backup: PostgreSQL databases are backed up with pg_dump\n");
		return EXIT_USAGE;
	}
	if (out == NULL) {
		rfc3339_format(clock_now_ms(), ts);
		for (char *p = ts; *p; p++)
			if (*p == ':')
				*p = '-';
		int n = snprintf(path, sizeof(path), "%s/backups", cfg.data_dir);
		if (n < 0 || (size_t)n >= sizeof(path) || (mkdir(path, 0700) != 0 && errno != EEXIST))
			return EXIT_RUNTIME;
		n = snprintf(path, sizeof(path), "%s/backups/roster-%s.db", cfg.data_dir, ts);
		if (n < 0 || (size_t)n >= sizeof(path))
			return EXIT_RUNTIME;
		out = path;
	}
	if (cli_open(&s) != ERR_OK)
		return EXIT_RUNTIME;
	err = store_backup(s, out);
	store_close(s);
	if (err) {
		fprintf(stderr, "roster backup: could not write '%s'\n", out);
		return EXIT_RUNTIME;
	}
	if (verify && !store_verify_file(out)) {
		fprintf(stderr, "roster backup: '%s' failed its integrity check\n", out);
		return EXIT_RUNTIME;
	}
	log_info("backup.done", "backup written to '%s'%s", out, verify ? " and verified" : "");
	printf("%s\n", out);
	return 0;
}
