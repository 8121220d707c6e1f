/*
 * cli.c: dispatches `roster <command>`; settings flags are taken by config_load and the
 * rest goes to the command.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "auth/secret.h"
#include "config.h"
#include "core/clock.h"
#include "core/xmalloc.h"
#include "json/json.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *doc;
} cli_commands[] = {
	{ "serve", cmd_serve, "run the HTTP server" },
	{ "migrate", cmd_migrate, "apply pending migrations (--status: report only)" },
	{ "admin", cmd_admin,
	  "create-owner | reset-password | unlock --username NAME | ignore-player --roblox-id N" },
	{ "key", cmd_key, "create | list | revoke API keys" },
	{ "backup", cmd_backup, "online copy of the SQLite database (--out FILE, --verify)" },
};

static void
cli_usage(void)
{
	fprintf(stderr, "usage: roster <command> [flags]\n\nCommands:\n");
	for (size_t i = 0; i < nitems(cli_commands); i++)
		fprintf(stderr, "  %-8s %s\n", cli_commands[i].name, cli_commands[i].doc);
	fprintf(stderr, "\n");
	config_usage();
}

int
cli_main(int argc, char **argv)
{
	char **rest;
	int nrest;

	if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
		cli_usage();
		return argc < 2 ? EXIT_USAGE : 0;
	}
	rest = xcalloc((size_t)argc, sizeof(*rest));
	if (!config_load(argc - 2, argv + 2, rest, &nrest)) {
		free(rest);
		return EXIT_USAGE;
	}
	json_init();
	if (!secret_init()) {
		fprintf(stderr, "roster: libsodium could not start\n");
		free(rest);
		return EXIT_RUNTIME;
	}
	for (size_t i = 0; i < nitems(cli_commands); i++) {
		if (strcmp(argv[1], cli_commands[i].name) == 0) {
			int rc = cli_commands[i].fn(nrest, rest);
			free(rest);
			return rc;
		}
	}
	free(rest);
	fprintf(stderr, "roster: unknown command '%s'\n", argv[1]);
	cli_usage();
	return EXIT_USAGE;
}

enum err
cli_open(struct store **out)
{
	const char *url = config_database();
	struct store_opts o = { .sync_full = cfg.sqlite_sync_full, .busy_timeout_ms = 2000 };

	if (strncmp(url, "sqlite:", 7) == 0 && mkdir(cfg.data_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "roster: cannot create data folder '%s'\n", cfg.data_dir);
		return ERR_STORE;
	}
	return store_open(url, &o, out);
}

void
cli_ctx(struct ctx *c, struct store *s, struct arena *a)
{
	memset(c, 0, sizeof(*c));
	c->store = s;
	c->arena = a;
	c->now = clock_now_ms();
	c->actor.type = ACTOR_CLI;
	c->actor.level = 1000; /* H15: the operator acts outside the hierarchy */
}

const char *
cli_flag_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}
