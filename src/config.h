/*
 * config.h: the configuration table (platform.md §10). Every flag also reads
 * ROSTER_<FLAG_IN_UPPER_SNAKE>; the flag wins. The one global a function may read unasked,
 * read-only once serving starts.
 */
#ifndef ROSTER_CONFIG_H
#define ROSTER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cidr.h"

#define CONFIG_MAX_PROXIES 16

struct config {
	const char *listen;
	const char *database;
	const char *data_dir;
	const char *public_url;
	int threads;
	struct cidr trusted_proxies[CONFIG_MAX_PROXIES];
	int n_trusted_proxies;
	size_t body_limit;
	int max_connections;
	bool sqlite_sync_full;
	const char *web_dir;
	bool metrics;
	const char *log_level;
	int alt_window_days;
	int alt_hub_threshold;
	size_t readmin_body_limit;
	const char *roblox_api_url;
	const char *roblox_legacy_api_url;
	/*
	 * The 32-byte instance key (platform.md §6.1: Open Cloud keys and bot cookies are sealed
	 * with it). `roster serve` loads it from ROSTER_INSTANCE_KEY or <data-dir>/instance.key
	 * and refuses to start without it; never logged.
	 */
	uint8_t instance_key[32];
	bool instance_key_loaded;
	/* derived */
	bool public_https;
	char public_origin[256];
	char db_url[4096];
};

extern struct config cfg;

/*
 * Parses argv (after the command name): known configuration flags are applied, everything
 * else is left in rest[] (nrest) for the command. Environment variables apply first.
 * Returns false after printing a usage error on stderr.
 */
bool config_load(int argc, char **argv, char **rest, int *nrest);
/* "sqlite:<data-dir>/roster.db" unless --database was given. */
const char *config_database(void);
/* Prints the flag table (for `roster help`). */
void config_usage(void);

#endif
