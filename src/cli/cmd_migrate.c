/*
 * cmd_migrate.c: `roster migrate`: applies pending migrations (one transaction each), then
 * makes sure the Owner role, the default community, the signal key and the instance key
 * exist. Safe to run on several nodes at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/secret.h"
#include "cli/cli.h"
#include "config.h"
#include "core/log.h"
#include "model/users.h"

/* <data-dir>/instance.key, mode 0600, unless ROSTER_INSTANCE_KEY provides it. */
static bool
instance_key_ensure(void)
{
	char path[4096], key[64];
	int fd, n;

	if (getenv("ROSTER_INSTANCE_KEY") != NULL)
		return true;
	n = snprintf(path, sizeof(path), "%s/instance.key", cfg.data_dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return false;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return errno == EEXIST;
	secret_token(32, key, sizeof(key));
	size_t len = strlen(key);
	bool ok = write(fd, key, len) == (ssize_t)len && write(fd, "\n", 1) == 1;
	secret_wipe(key, sizeof(key));
	return close(fd) == 0 && ok;
}

int
cmd_migrate(int argc, char **argv)
{
	struct store *s;
	struct arena *a;
	struct ctx c;
	bool status = false;
	int applied = 0;
	enum err err;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--status") == 0) {
			status = true;
		} else {
			fprintf(stderr, "roster migrate: unknown flag '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (cli_open(&s) != ERR_OK)
		return EXIT_RUNTIME;
	if (status) {
		int v = store_schema_version(s);
		printf("{\"version\":%d,\"latest\":%d,\"pending\":%d}\n", v, store_schema_latest(),
		       store_schema_latest() - v);
		store_close(s);
		return v < 0 ? EXIT_RUNTIME : 0;
	}
	err = store_migrate(s, &applied);
	a = arena_new();
	cli_ctx(&c, s, a);
	if (!err)
		err = store_begin(s, true);
	if (!err)
		err = bootstrap_ensure(&c);
	if (!err)
		err = store_commit(s);
	else
		store_rollback(s);
	arena_free(a);
	store_close(s);
	if (err || !instance_key_ensure()) {
		log_error("migrate.failed", "migration failed: %s", err_code(err));
		return EXIT_RUNTIME;
	}
	log_info("migrate.done", "schema at version %d (%d applied)", store_schema_latest(), applied);
	return 0;
}
