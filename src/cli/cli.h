/*
 * cli.h: the command table (platform.md §10) and helpers the commands share. Exit codes:
 * 0 success, 1 runtime failure, 2 usage error. Secrets go to stdout once; everything else to
 * stderr as log lines.
 */
#ifndef ROSTER_CLI_H
#define ROSTER_CLI_H

#include "model/ctx.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

int cli_main(int argc, char **argv);

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_admin(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_backup(int argc, char **argv);

/* Opens the configured database (creating the data folder for SQLite). */
enum err cli_open(struct store **out);
/* A context acting as the CLI operator (audited as actor type `cli`). */
void cli_ctx(struct ctx *c, struct store *s, struct arena *a);
/* The value after a flag: "--name v" or "--name=v"; advances *i. NULL when absent. */
const char *cli_flag_value(int argc, char **argv, int *i, const char *name);

#endif
