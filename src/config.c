/*
 * config.c: the configuration table: flag, environment variable, default, bounds and doc
 * line in one row each. Nothing else in Roster reads argv or the environment for settings.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/log.h"
#include "core/strconv.h"
#include "core/xmalloc.h"

struct config cfg;

enum ctype { C_STR, C_INT, C_SIZE, C_BOOL_ONOFF, C_SYNC, C_PROXY };

struct cfg_row {
	const char *flag;
	enum ctype type;
	const char *dflt;
	long min, max;
	const char *doc;
};

static const struct cfg_row cfg_rows[] = {
	{ "listen", C_STR, "127.0.0.1:8080", 0, 0, "address:port to serve on" },
	{ "database", C_STR, NULL, 0, 0, "sqlite:<path> (default <data-dir>/roster.db)" },
	{ "data-dir", C_STR, "./data", 0, 0, "folder for the database, keys and backups" },
	{ "public-url", C_STR, NULL, 0, 0, "origin users reach (cookies, Origin checks)" },
	{ "threads", C_INT, NULL, 1, 256, "worker threads (default: CPU cores)" },
	{ "trusted-proxy", C_PROXY, NULL, 0, 0, "CIDR of a reverse proxy (repeatable)" },
	{ "body-limit", C_SIZE, "1MiB", 1024, 64L * 1024 * 1024, "request body cap on /api/*" },
	{ "max-connections", C_INT, "1024", 16, 1000000, "open connection cap" },
	{ "sqlite-synchronous", C_SYNC, "full", 0, 0, "full or normal" },
	{ "web-dir", C_STR, NULL, 0, 0, "serve the dashboard from this folder" },
	{ "metrics", C_BOOL_ONOFF, "on", 0, 0, "on or off (/metrics)" },
	{ "log-level", C_STR, "info", 0, 0, "debug, info, warn or error" },
	{ "alt-window-days", C_INT, "90", 1, 3650, "identity signal window" },
	{ "alt-hub-threshold", C_INT, "5", 2, 1000000, "signals shared by more accounts are ignored" },
	{ "readmin-body-limit", C_SIZE, "4MiB", 1024, 64L * 1024 * 1024,
	  "request body cap on ReAdmin-compatible routes" },
	{ "roblox-api-url", C_STR, "https://apis.roblox.com", 0, 0, "Open Cloud base URL" },
	{ "roblox-legacy-api-url", C_STR, "https://groups.roblox.com", 0, 0,
	  "legacy groups API base URL" },
};

static bool
cfg_apply(const struct cfg_row *row, const char *v)
{
	int64_t n;
	size_t sz;

	if (strcmp(row->flag, "listen") == 0) cfg.listen = v;
	else if (strcmp(row->flag, "database") == 0) cfg.database = v;
	else if (strcmp(row->flag, "data-dir") == 0) cfg.data_dir = v;
	else if (strcmp(row->flag, "public-url") == 0) cfg.public_url = v;
	else if (strcmp(row->flag, "web-dir") == 0) cfg.web_dir = v;
	else if (strcmp(row->flag, "log-level") == 0) {
		enum log_level lvl;
		if (!log_level_parse(v, &lvl))
			return false;
		cfg.log_level = v;
		log_set_level(lvl);
	} else if (strcmp(row->flag, "roblox-api-url") == 0) cfg.roblox_api_url = v;
	else if (strcmp(row->flag, "roblox-legacy-api-url") == 0) cfg.roblox_legacy_api_url = v;
	else if (row->type == C_INT) {
		if (!str_to_i64(v, strlen(v), row->min, row->max, &n))
			return false;
		if (strcmp(row->flag, "threads") == 0) cfg.threads = (int)n;
		else if (strcmp(row->flag, "max-connections") == 0) cfg.max_connections = (int)n;
		else if (strcmp(row->flag, "alt-window-days") == 0) cfg.alt_window_days = (int)n;
		else cfg.alt_hub_threshold = (int)n;
	} else if (row->type == C_SIZE) {
		if (!str_to_size(v, &sz) || sz < (size_t)row->min || sz > (size_t)row->max)
			return false;
		if (strcmp(row->flag, "body-limit") == 0) cfg.body_limit = sz;
		else cfg.readmin_body_limit = sz;
	} else if (row->type == C_BOOL_ONOFF) {
		if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
			return false;
		cfg.metrics = strcmp(v, "on") == 0;
	} else if (row->type == C_SYNC) {
		if (strcmp(v, "full") != 0 && strcmp(v, "normal") != 0)
			return false;
		cfg.sqlite_sync_full = strcmp(v, "full") == 0;
	} else if (row->type == C_PROXY) {
		if (cfg.n_trusted_proxies >= CONFIG_MAX_PROXIES ||
		    !cidr_parse(v, &cfg.trusted_proxies[cfg.n_trusted_proxies]))
			return false;
		cfg.n_trusted_proxies++;
	}
	return true;
}

static void
cfg_env_name(const char *flag, char *out, size_t size)
{
	size_t i = 0;
	int n = snprintf(out, size, "ROSTER_");

	for (i = (size_t)n; *flag && i + 1 < size; flag++, i++)
		out[i] = *flag == '-' ? '_' : (char)toupper((unsigned char)*flag);
	out[i] = '\0';
}

static bool
cfg_derive(void)
{
	const char *u = cfg.public_url;

	if (cfg.threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		cfg.threads = n < 1 ? 1 : n > 64 ? 64 : (int)n;
	}
	int dn = snprintf(cfg.db_url, sizeof(cfg.db_url), "sqlite:%s/roster.db", cfg.data_dir);
	if (dn < 0 || (size_t)dn >= sizeof(cfg.db_url))
		return false;
	cfg.public_origin[0] = '\0';
	if (u == NULL)
		return true;
	if (strncmp(u, "https://", 8) == 0)
		cfg.public_https = true;
	else if (strncmp(u, "http://", 7) != 0)
		return false;
	/* The origin is scheme://host[:port] without a path or trailing slash. */
	const char *host = u + (cfg.public_https ? 8 : 7);
	size_t hlen = strcspn(host, "/?#");
	int n = snprintf(cfg.public_origin, sizeof(cfg.public_origin), "%.*s%.*s",
			 (int)(host - u), u, (int)hlen, host);
	return hlen > 0 && n > 0 && (size_t)n < sizeof(cfg.public_origin);
}

bool
config_load(int argc, char **argv, char **rest, int *nrest)
{
	char env[64];

	memset(&cfg, 0, sizeof(cfg));
	*nrest = 0;
	for (size_t i = 0; i < nitems(cfg_rows); i++) {
		const char *v = cfg_rows[i].dflt;
		cfg_env_name(cfg_rows[i].flag, env, sizeof(env));
		if (getenv(env) != NULL && *getenv(env) != '\0')
			v = getenv(env);
		if (v != NULL && !cfg_apply(&cfg_rows[i], v)) {
			fprintf(stderr, "roster: invalid value for %s\n", env);
			return false;
		}
	}
	for (int a = 0; a < argc; a++) {
		const char *arg = argv[a];
		const struct cfg_row *row = NULL;
		const char *val = NULL;

		if (strncmp(arg, "--", 2) == 0) {
			const char *name = arg + 2;
			size_t nlen = strcspn(name, "=");
			for (size_t i = 0; i < nitems(cfg_rows); i++)
				if (strlen(cfg_rows[i].flag) == nlen &&
				    strncmp(cfg_rows[i].flag, name, nlen) == 0)
					row = &cfg_rows[i];
			if (row != NULL) {
				if (name[nlen] == '=')
					val = name + nlen + 1;
				else if (a + 1 < argc)
					val = argv[++a];
				if (val == NULL || !cfg_apply(row, val)) {
					fprintf(stderr, "roster: invalid value for --%s\n", row->flag);
					return false;
				}
				continue;
			}
		}
		rest[(*nrest)++] = argv[a];
	}
	if (!cfg_derive()) {
		fprintf(stderr, "roster: --public-url must be an http:// or https:// origin\n");
		return false;
	}
	return true;
}

const char *
config_database(void)
{
	return cfg.database != NULL ? cfg.database : cfg.db_url;
}

void
config_usage(void)
{
	char env[64];

	fprintf(stderr, "Settings (flag, environment variable, default):\n");
	for (size_t i = 0; i < nitems(cfg_rows); i++) {
		cfg_env_name(cfg_rows[i].flag, env, sizeof(env));
		fprintf(stderr, "  --%-22s %-28s %-24s %s\n", cfg_rows[i].flag, env,
			cfg_rows[i].dflt ? cfg_rows[i].dflt : "-", cfg_rows[i].doc);
	}
}
