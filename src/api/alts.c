/*
 * alts.c: POST /api/admin/recompute-alts (staff-admin.md A13) and GET /api/alts
 * (platform.md §5). The rebuild reads in a read transaction and writes in one short write
 * transaction, so a long scan never holds the write lock; a lease keeps it single-flight.
 */
#include <string.h>

#include "api/api.h"
#include "config.h"
#include "model/alts.h"
#include "model/audit.h"

static void
write_stats(struct jw *w, const struct alt_stats *s)
{
	jw_obj(w);
	jw_kint(w, "clusterCount", s->cluster_count);
	jw_kint(w, "accountsLinked", s->accounts_linked);
	jw_kint(w, "accountsConsidered", s->accounts_considered);
	jw_kint(w, "signalsConsidered", s->signals_considered);
	jw_kint(w, "hubSignalsIgnored", s->hub_signals_ignored);
	jw_kint(w, "hubThreshold", s->hub_threshold);
	jw_kint(w, "windowDays", s->window_days);
	jw_ktime(w, "computedAt", s->computed_at);
	jw_kint(w, "durationMs", s->duration_ms);
	jw_obj_end(w);
}

/* UserSummary plus lastLoginAt (§6.4). */
static void
write_member(struct jw *w, const struct rows *m, size_t i)
{
	jw_obj(w);
	jw_kstr(w, "id", rows_text(m, i, 0));
	jw_kstr(w, "username", rows_text(m, i, 1));
	jw_kstr(w, "robloxUserId", rows_text(m, i, 2));
	jw_key(w, "role");
	write_role_ref(w, rows_text(m, i, 3), rows_text(m, i, 4), rows_int(m, i, 5),
		       rows_text(m, i, 6));
	jw_kint(w, "level", rows_null(m, i, 3) ? 0 : rows_int(m, i, 5));
	jw_kstr(w, "status", rows_text(m, i, 7));
	jw_ktime(w, "lastLoginAt", rows_int(m, i, 8));
	jw_obj_end(w);
}

static enum err
write_clusters(struct req *r, int64_t page, int64_t page_size, int64_t *total)
{
	struct ctx *c = &r->ctx;
	struct jw *w = &r->w;
	struct rows cl, m, s;
	enum err err = alts_list(c, page, page_size, &cl, total);

	if (err)
		return err;
	jw_key(w, "alts");
	jw_arr(w);
	for (size_t i = 0; i < cl.n; i++) {
		const char *id = rows_text(&cl, i, 0);
		err = alts_members(c, id, &m);
		if (!err)
			err = alts_signals(c, id, &s);
		if (err)
			return err;
		jw_obj(w);
		jw_kstr(w, "clusterId", id);
		jw_kint(w, "size", rows_int(&cl, i, 1));
		jw_key(w, "users");
		jw_arr(w);
		for (size_t k = 0; k < m.n; k++)
			write_member(w, &m, k);
		jw_arr_end(w);
		jw_key(w, "signals");
		jw_arr(w);
		for (size_t k = 0; k < s.n; k++) {
			jw_obj(w);
			jw_kstr(w, "type", rows_text(&s, k, 0));
			jw_kstr(w, "ref", rows_text(&s, k, 1));
			jw_kint(w, "accounts", rows_int(&s, k, 2));
			jw_ktime(w, "firstSeenAt", rows_int(&s, k, 3));
			jw_ktime(w, "lastSeenAt", rows_int(&s, k, 4));
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_ktime(w, "computedAt", rows_int(&cl, i, 2));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	return ERR_OK;
}

/* After a failed rebuild the lease goes at once rather than after its ten minutes. */
static void
lease_drop(struct req *r)
{
	if (req_tx_begin(r, true) != ERR_OK)
		return;
	if (alts_lease_release(&r->ctx, r->request_id) != ERR_OK || req_tx_commit(r) != ERR_OK)
		req_tx_rollback(r);
}

static enum err
alts_recompute(struct req *r)
{
	struct ctx *c = &r->ctx;
	struct alt_result *res = NULL;
	struct alt_stats stats;
	int64_t total;
	enum err err;

	err = req_tx_begin(r, true);
	if (!err)
		err = alts_lease_take(c, r->request_id);
	err = err ? err : req_tx_commit(r);
	if (err) {
		req_tx_rollback(r);
		return err;
	}
	err = req_tx_begin(r, false);
	if (!err)
		err = alts_compute(c, cfg.alt_window_days, cfg.alt_hub_threshold, &res, &stats);
	req_tx_rollback(r);
	if (!err)
		err = req_tx_begin(r, true);
	if (!err)
		err = alts_store(c, res, &stats);
	if (!err)
		err = alts_lease_release(c, r->request_id);
	if (!err)
		err = audit_write(c, "alts.recompute", "alts", NULL, NULL, NULL,
				  arena_printf(r->arena, "{\"clusterCount\":%lld,\"accountsLinked\":%lld}",
					       (long long)stats.cluster_count,
					       (long long)stats.accounts_linked));
	if (!err)
		err = write_clusters(r, 1, 0, &total);
	if (err) {
		req_tx_rollback(r);
		lease_drop(r);
		return err;
	}
	jw_key(&r->w, "stats");
	write_stats(&r->w, &stats);
	return ERR_OK;
}

static enum err
alts_get(struct req *r)
{
	struct alt_stats stats;
	int64_t page, size, total;
	bool have;
	enum err err;

	req_paging(r, &page, &size);
	err = alts_stats_get(&r->ctx, &stats, &have);
	if (!err)
		err = write_clusters(r, page, size, &total);
	if (err)
		return err;
	write_paging(&r->w, page, size, total);
	jw_key(&r->w, "stats");
	if (have)
		write_stats(&r->w, &stats);
	else
		jw_null(&r->w);
	return ERR_OK;
}

static const struct field no_fields[] = { { 0 } };
static const struct qfield paging_query[] = { QF_PAGE, QF_PAGE_SIZE, { 0 } };

static const struct route alts_routes[] = {
	{ .method = M_POST, .path = "/api/admin/recompute-alts", .fn = alts_recompute,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_WRITE,
	  .perm = PERM_RECOMPUTE_ALTS, .body = no_fields, .writes = true, .outbound = true,
	  .summary = "Rebuild suspected-alt clusters (review only)" },
	{ .method = M_GET, .path = "/api/alts", .fn = alts_get, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_USERS_READ, .perm = PERM_VIEW_ALTS,
	  .query = paging_query, .summary = "The last alt clusters, paged" },
};

ROUTE_TABLE(api_alts_routes, alts_routes);
