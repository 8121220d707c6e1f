/*
 * health.c: SELECT 1 and the schema version, on a pooled connection.
 */
#include "model/health.h"

#include "core/metrics.h"

const char *
health_storage(struct store_pool *pool)
{
	struct store *s = store_pool_get(pool);
	const char *why = NULL;

	if (store_ping(s) != ERR_OK)
		why = "storage";
	else if (store_schema_version(s) != store_schema_latest())
		why = "migrations";
	metrics_set_db_up(why == NULL || why[0] == 'm');
	store_pool_put(pool, s);
	return why;
}
