/*
 * gauges.c: counts the database-derived gauges for /metrics (see gauges.h). One statement,
 * so the five numbers come from one snapshot. Each count walks an index: live servers by
 * running_servers_ping (ended_at first), their players and pending actions by the per-server
 * indexes, sessions by login_sessions_seen. Pending actions are counted on live servers only:
 * an ended server's actions are expired and will never be delivered.
 */
#include "model/gauges.h"

#include "core/limits.h"
#include "core/log.h"
#include "core/metrics.h"

/* These statements are the exception to "scoped by workspace": the totals are instance-wide. */
static const char SQL_GAUGES[] =
	"SELECT"
	" (SELECT COUNT(*) FROM login_sessions WHERE last_seen_at > ? AND created_at > ?),"
	" (SELECT COUNT(*) FROM running_servers WHERE ended_at IS NULL),"
	" (SELECT COUNT(*) FROM running_servers s JOIN running_players p"
	"   ON p.workspace_id = s.workspace_id AND p.server_id = s.id WHERE s.ended_at IS NULL),"
	" (SELECT COUNT(*) FROM running_servers s JOIN queued_actions a"
	"   ON a.server_id = s.id AND a.status = 'pending' WHERE s.ended_at IS NULL),"
	" (SELECT COUNT(*) FROM alt_clusters)";

enum err
gauges_refresh(struct store *s, int64_t now)
{
	/* Active as the session sweep sees it: neither idle nor absolute lifetime passed. */
	const struct val args[] = { V_INT(now - LIMIT_SESSION_IDLE_MS),
				    V_INT(now - LIMIT_SESSION_ABSOLUTE_MS) };
	struct arena *a = arena_new();
	struct rows rs;
	enum err err;

	err = store_query(s, a, SQL_GAUGES, args, 2, &rs);
	if (!err && rs.n == 1) {
		metrics_set_sessions_active(rows_int(&rs, 0, 0));
		metrics_set_servers_running(rows_int(&rs, 0, 1));
		metrics_set_players_online(rows_int(&rs, 0, 2));
		metrics_set_actions_pending(rows_int(&rs, 0, 3));
		metrics_set_alt_clusters(rows_int(&rs, 0, 4));
	} else if (!err) {
		err = ERR_INTERNAL;
	}
	if (err) /* the gauges keep their last values; the next period tries again */
		log_warn("metrics.gauges", "gauge refresh failed: %s", err_code(err));
	arena_free(a);
	return err;
}
