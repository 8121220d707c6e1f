/*
 * alts.c: identity signals and the alt-cluster rebuild (staff-admin.md §6). The rebuild
 * streams the window's signals ordered by value, so each value's accounts arrive together;
 * hubs (values on more than N accounts) are skipped, every other shared value unions its
 * accounts (union by size, path halving). Same input, same output.
 */
#include "model/alts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/secret.h"
#include "core/cidr.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/strconv.h"

#define ALT_LEASE_MS (10LL * 60 * 1000)

static const char SQL_SIGNAL_KEY[] = "SELECT value FROM meta WHERE key = 'signal_key'";
static const char SQL_SIGNAL_UPSERT[] =
	"INSERT INTO identity_signals (user_id, type, hash, first_seen_at, last_seen_at, count)"
	" VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (user_id, type, hash) DO UPDATE"
	" SET last_seen_at = excluded.last_seen_at, count = identity_signals.count + 1";
static const char SQL_LEASE_TAKE[] =
	"INSERT INTO job_leases (job, holder, expires_at) VALUES ('alts_rebuild', ?, ?)"
	" ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
	" WHERE job_leases.expires_at <= ?";
static const char SQL_LEASE_DROP[] =
	"DELETE FROM job_leases WHERE job = 'alts_rebuild' AND holder = ?";
static const char SQL_SCAN[] =
	"SELECT s.user_id, s.type, s.hash, s.first_seen_at, s.last_seen_at"
	" FROM identity_signals s JOIN users u ON u.id = s.user_id"
	" WHERE s.last_seen_at >= ? AND u.status IN ('active', 'soft_deleted')"
	" ORDER BY s.type, s.hash, s.user_id";
static const char SQL_CLEAR[] = "DELETE FROM alt_clusters";
static const char SQL_CLUSTER_INSERT[] =
	"INSERT INTO alt_clusters (cluster_id, position, size, computed_at) VALUES (?, ?, ?, ?)";
static const char SQL_MEMBER_INSERT[] =
	"INSERT INTO alt_cluster_members (cluster_id, user_id) VALUES (?, ?)";
static const char SQL_SIGNAL_INSERT[] =
	"INSERT INTO alt_cluster_signals (cluster_id, position, type, ref, accounts,"
	" first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_STATS_PUT[] =
	"INSERT INTO meta (key, value) VALUES ('alt_stats', ?)"
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char SQL_STATS_GET[] = "SELECT value FROM meta WHERE key = 'alt_stats'";
static const char SQL_LIST[] =
	"SELECT cluster_id, size, computed_at FROM alt_clusters ORDER BY position LIMIT ? OFFSET ?";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM alt_clusters";
static const char SQL_MEMBERS[] =
	"SELECT u.id, u.username, u.roblox_user_id, u.role_id, r.name, r.level, r.color, u.status,"
	" u.last_login_at FROM alt_cluster_members m JOIN users u ON u.id = m.user_id"
	" LEFT JOIN roles r ON r.id = u.role_id WHERE m.cluster_id = ? ORDER BY u.id";
static const char SQL_SIGNALS[] =
	"SELECT type, ref, accounts, first_seen_at, last_seen_at FROM alt_cluster_signals"
	" WHERE cluster_id = ? ORDER BY position";

/* ---- signals ---- */

/* §6.1: IPv4 as is, IPv4-mapped as IPv4, other IPv6 as its /64. */
static bool
ip_normalise(const char *ip, char *out, size_t size)
{
	struct cidr c;

	if (!cidr_parse(ip, &c))
		return false;
	if (c.v6) {
		c.bits = 64;
		memset(c.addr + 8, 0, 8);
	}
	return cidr_format(&c, out, size);
}

static enum err
signal_put(struct ctx *c, const char *key, const char *user_id, const char *type,
	   const char *value)
{
	char buf[128], hash[SECRET_HASH_HEX + 1];
	int n = snprintf(buf, sizeof(buf), "%s%c%s", type, '\0', value);

	if (n < 0 || (size_t)n >= sizeof(buf))
		return ERR_OK; /* longer than any address or device id: not a signal */
	secret_keyed_hash_hex(key, strlen(key), buf, (size_t)n, hash);
	const struct val args[] = { V_TEXT(user_id), V_TEXT(type), V_TEXT(hash), V_INT(c->now),
				    V_INT(c->now) };
	return store_exec(c->store, SQL_SIGNAL_UPSERT, args, 5, NULL);
}

enum err
signals_record(struct ctx *c, const char *user_id, const char *ip, const char *device)
{
	struct rows rows;
	char norm[64];
	enum err err;

	err = store_query(c->store, c->arena, SQL_SIGNAL_KEY, NULL, 0, &rows);
	if (err || rows.n == 0)
		return err ? err : ERR_INTERNAL;
	const char *key = rows_text(&rows, 0, 0);
	if (ip != NULL && ip_normalise(ip, norm, sizeof(norm))) {
		err = signal_put(c, key, user_id, "ip", norm);
		if (err)
			return err;
	}
	if (device != NULL)
		err = signal_put(c, key, user_id, "device", device);
	return err;
}

/* ---- lease ---- */

enum err
alts_lease_take(struct ctx *c, const char *holder)
{
	const struct val args[] = { V_TEXT(holder), V_INT(c->now + ALT_LEASE_MS), V_INT(c->now) };
	int64_t won = 0;
	enum err err = store_exec(c->store, SQL_LEASE_TAKE, args, 3, &won);

	return err ? err : won ? ERR_OK : ERR_ALTS_REBUILD_RUNNING;
}

enum err
alts_lease_release(struct ctx *c, const char *holder)
{
	const struct val args[] = { V_TEXT(holder) };
	return store_exec(c->store, SQL_LEASE_DROP, args, 1, NULL);
}

/* ---- rebuild ---- */

struct alt_group {
	char type[8];
	char ref[13];
	int64_t accounts, first, last;
	size_t user; /* any member: all of a group's accounts end in one component */
};

struct alt_result {
	struct arena *a; /* everything below lives in the request's arena */
	/* accounts, by dense index */
	char (*ids)[ID_LEN + 1];
	size_t *parent, *size;
	size_t n, cap;
	/* open addressing: id -> index + 1 */
	size_t *table;
	size_t table_cap;
	/* evidence: every non-hub value shared by two or more accounts */
	struct alt_group *groups;
	size_t ngroups, groups_cap;
	/* the value being gathered by the scan */
	char cur_type[8], cur_hash[SECRET_HASH_HEX + 1];
	size_t *cur;
	size_t ncur, cur_cap;
	int64_t cur_first, cur_last;
	int hub;
	int64_t signals, hubs;
};

static size_t
hash_id(const char *id)
{
	uint64_t h = 1469598103934665603ull;
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ull;
	return (size_t)h;
}

static void
table_grow(struct alt_result *r)
{
	size_t cap = r->table_cap ? r->table_cap * 2 : 1024;
	size_t *t = arena_alloc(r->a, cap * sizeof(*t));

	for (size_t i = 0; i < r->n; i++) {
		size_t h = hash_id(r->ids[i]) & (cap - 1);
		while (t[h])
			h = (h + 1) & (cap - 1);
		t[h] = i + 1;
	}
	r->table = t;
	r->table_cap = cap;
}

static size_t
account_index(struct alt_result *r, const char *id)
{
	size_t h;

	if (2 * (r->n + 1) > r->table_cap)
		table_grow(r);
	for (h = hash_id(id) & (r->table_cap - 1); r->table[h]; h = (h + 1) & (r->table_cap - 1))
		if (strcmp(r->ids[r->table[h] - 1], id) == 0)
			return r->table[h] - 1;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 1024;
		r->ids = arena_realloc(r->a, r->ids, r->cap * sizeof(*r->ids), cap * sizeof(*r->ids));
		r->parent = arena_realloc(r->a, r->parent, r->cap * sizeof(*r->parent),
					  cap * sizeof(*r->parent));
		r->size = arena_realloc(r->a, r->size, r->cap * sizeof(*r->size),
					cap * sizeof(*r->size));
		r->cap = cap;
	}
	snprintf(r->ids[r->n], sizeof(r->ids[r->n]), "%s", id);
	r->parent[r->n] = r->n;
	r->size[r->n] = 1;
	r->table[h] = r->n + 1;
	return r->n++;
}

static size_t
uf_find(struct alt_result *r, size_t x)
{
	while (r->parent[x] != x) {
		r->parent[x] = r->parent[r->parent[x]]; /* path halving */
		x = r->parent[x];
	}
	return x;
}

static void
uf_union(struct alt_result *r, size_t a, size_t b)
{
	a = uf_find(r, a);
	b = uf_find(r, b);
	if (a == b)
		return;
	if (r->size[a] < r->size[b]) {
		size_t t = a;
		a = b;
		b = t;
	}
	r->parent[b] = a;
	r->size[a] += r->size[b];
}

/* Closes the value gathered so far: a hub is counted and skipped; a shared value links. */
static void
group_close(struct alt_result *r)
{
	if (r->ncur >= 2 && r->ncur > (size_t)r->hub) {
		r->hubs++;
	} else if (r->ncur >= 2) {
		for (size_t i = 1; i < r->ncur; i++)
			uf_union(r, r->cur[0], r->cur[i]);
		if (r->ngroups == r->groups_cap) {
			size_t cap = r->groups_cap ? 2 * r->groups_cap : 256;
			r->groups = arena_realloc(r->a, r->groups, r->groups_cap * sizeof(*r->groups),
						  cap * sizeof(*r->groups));
			r->groups_cap = cap;
		}
		struct alt_group *g = &r->groups[r->ngroups++];
		snprintf(g->type, sizeof(g->type), "%s", r->cur_type);
		snprintf(g->ref, sizeof(g->ref), "%.12s", r->cur_hash);
		g->accounts = (int64_t)r->ncur;
		g->first = r->cur_first;
		g->last = r->cur_last;
		g->user = r->cur[0];
	}
	r->ncur = 0;
}

static bool
scan_row(const struct val *row, size_t ncol, void *ctx)
{
	struct alt_result *r = ctx;
	const char *type = row[1].s, *hash = row[2].s;
	(void)ncol;

	r->signals++;
	if (r->ncur > 0 && (strcmp(type, r->cur_type) != 0 || strcmp(hash, r->cur_hash) != 0))
		group_close(r);
	if (r->ncur == 0) {
		snprintf(r->cur_type, sizeof(r->cur_type), "%s", type);
		snprintf(r->cur_hash, sizeof(r->cur_hash), "%s", hash);
		r->cur_first = row[3].i;
		r->cur_last = row[4].i;
	}
	if (r->ncur == r->cur_cap) {
		size_t cap = r->cur_cap ? 2 * r->cur_cap : 64;
		r->cur = arena_realloc(r->a, r->cur, r->cur_cap * sizeof(*r->cur),
				       cap * sizeof(*r->cur));
		r->cur_cap = cap;
	}
	r->cur[r->ncur++] = account_index(r, row[0].s);
	if (row[3].i < r->cur_first)
		r->cur_first = row[3].i;
	if (row[4].i > r->cur_last)
		r->cur_last = row[4].i;
	return true;
}

enum err
alts_compute(struct ctx *c, int window_days, int hub_threshold, struct alt_result **out,
	     struct alt_stats *stats)
{
	struct alt_result *r = arena_alloc(c->arena, sizeof(*r));
	int64_t t0 = clock_mono_ns();
	const struct val args[] = { V_INT(c->now - (int64_t)window_days * 86400000LL) };
	enum err err;

	r->a = c->arena;
	r->hub = hub_threshold;
	err = store_each(c->store, SQL_SCAN, args, 1, scan_row, r);
	if (err)
		return err;
	if (r->ncur > 0)
		group_close(r);
	memset(stats, 0, sizeof(*stats));
	stats->accounts_considered = (int64_t)r->n;
	stats->signals_considered = r->signals;
	stats->hub_signals_ignored = r->hubs;
	stats->hub_threshold = hub_threshold;
	stats->window_days = window_days;
	stats->computed_at = c->now;
	for (size_t i = 0; i < r->n; i++) {
		size_t root = uf_find(r, i);
		if (root == i && r->size[i] >= 2) {
			stats->cluster_count++;
			stats->accounts_linked += (int64_t)r->size[i];
		}
	}
	int64_t dur_ns = clock_mono_ns() - t0;
	stats->duration_ms = dur_ns / 1000000;
	/* The histogram times what durationMs reports: the scan and the union-find. */
	metrics_alt_rebuild(dur_ns);
	*out = r;
	return ERR_OK;
}

struct alt_cluster {
	size_t root;
	size_t size;
	const char *id; /* the smallest member id: stable while that member stays */
};

static int
cluster_cmp(const void *a, const void *b)
{
	const struct alt_cluster *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
group_cmp(const void *a, const void *b)
{
	const struct alt_group *x = a, *y = b;
	int t = strcmp(x->type, y->type);

	if (x->accounts != y->accounts)
		return x->accounts > y->accounts ? -1 : 1;
	return t ? t : strcmp(x->ref, y->ref);
}

static char *
stats_json(struct arena *a, const struct alt_stats *s)
{
	return arena_printf(a,
			    "{\"clusterCount\":%lld,\"accountsLinked\":%lld,\"accountsConsidered\":%lld,"
			    "\"signalsConsidered\":%lld,\"hubSignalsIgnored\":%lld,\"hubThreshold\":%d,"
			    "\"windowDays\":%d,\"computedAt\":%lld,\"durationMs\":%lld}",
			    (long long)s->cluster_count, (long long)s->accounts_linked,
			    (long long)s->accounts_considered, (long long)s->signals_considered,
			    (long long)s->hub_signals_ignored, s->hub_threshold, s->window_days,
			    (long long)s->computed_at, (long long)s->duration_ms);
}

enum err
alts_store(struct ctx *c, struct alt_result *r, const struct alt_stats *stats)
{
	struct alt_cluster *cl = arena_alloc(c->arena, (r->n ? r->n : 1) * sizeof(*cl));
	/* root -> cluster number + 1, so members and evidence are placed in one pass each */
	size_t *of_root = arena_alloc(c->arena, (r->n ? r->n : 1) * sizeof(*of_root));
	int64_t *spos;
	size_t ncl = 0;
	enum err err;

	for (size_t i = 0; i < r->n; i++) {
		size_t root = uf_find(r, i);
		if (r->size[root] < 2)
			continue;
		if (of_root[root] == 0) {
			cl[ncl] = (struct alt_cluster){ root, r->size[root], r->ids[i] };
			of_root[root] = ++ncl;
		} else if (strcmp(r->ids[i], cl[of_root[root] - 1].id) < 0) {
			cl[of_root[root] - 1].id = r->ids[i];
		}
	}
	qsort(cl, ncl, sizeof(*cl), cluster_cmp);
	for (size_t k = 0; k < ncl; k++)
		of_root[cl[k].root] = k + 1;
	qsort(r->groups, r->ngroups, sizeof(*r->groups), group_cmp);
	spos = arena_alloc(c->arena, (ncl ? ncl : 1) * sizeof(*spos));

	err = store_exec(c->store, SQL_CLEAR, NULL, 0, NULL);
	for (size_t k = 0; !err && k < ncl; k++) {
		const struct val a[] = { V_TEXT(cl[k].id), V_INT((int64_t)k),
					 V_INT((int64_t)cl[k].size), V_INT(stats->computed_at) };
		err = store_exec(c->store, SQL_CLUSTER_INSERT, a, 4, NULL);
	}
	for (size_t i = 0; !err && i < r->n; i++) {
		size_t k = of_root[uf_find(r, i)];
		if (k == 0)
			continue;
		const struct val a[] = { V_TEXT(cl[k - 1].id), V_TEXT(r->ids[i]) };
		err = store_exec(c->store, SQL_MEMBER_INSERT, a, 2, NULL);
	}
	for (size_t g = 0; !err && g < r->ngroups; g++) {
		const struct alt_group *e = &r->groups[g];
		size_t k = of_root[uf_find(r, e->user)];
		const struct val a[] = { V_TEXT(cl[k - 1].id), V_INT(spos[k - 1]++), V_TEXT(e->type),
					 V_TEXT(e->ref), V_INT(e->accounts), V_INT(e->first),
					 V_INT(e->last) };
		err = store_exec(c->store, SQL_SIGNAL_INSERT, a, 7, NULL);
	}
	const struct val args[] = { V_TEXT(stats_json(c->arena, stats)) };
	if (!err)
		err = store_exec(c->store, SQL_STATS_PUT, args, 1, NULL);
	return err;
}

/* ---- reading ---- */

static int64_t
stats_field(const char *json, const char *key)
{
	char pat[48];
	const char *p;
	int64_t v = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (p == NULL)
		return 0;
	p += strlen(pat);
	size_t n = strspn(p, "0123456789");
	return str_to_i64(p, n, 0, INT64_MAX, &v) ? v : 0;
}

enum err
alts_stats_get(struct ctx *c, struct alt_stats *out, bool *have)
{
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_STATS_GET, NULL, 0, &rows);

	*have = false;
	if (err || rows.n == 0)
		return err;
	/* Written by stats_json above, so the fields are plain non-negative integers. */
	const char *j = rows_text(&rows, 0, 0);
	out->cluster_count = stats_field(j, "clusterCount");
	out->accounts_linked = stats_field(j, "accountsLinked");
	out->accounts_considered = stats_field(j, "accountsConsidered");
	out->signals_considered = stats_field(j, "signalsConsidered");
	out->hub_signals_ignored = stats_field(j, "hubSignalsIgnored");
	out->hub_threshold = (int)stats_field(j, "hubThreshold");
	out->window_days = (int)stats_field(j, "windowDays");
	out->computed_at = stats_field(j, "computedAt");
	out->duration_ms = stats_field(j, "durationMs");
	*have = true;
	return ERR_OK;
}

enum err
alts_list(struct ctx *c, int64_t page, int64_t page_size, struct rows *out, int64_t *total)
{
	struct rows cnt;
	enum err err = store_query(c->store, c->arena, SQL_COUNT, NULL, 0, &cnt);

	if (err)
		return err;
	*total = rows_int(&cnt, 0, 0);
	const struct val args[] = { V_INT(page_size ? page_size : INT64_MAX),
				    V_INT(page_size ? (page - 1) * page_size : 0) };
	return store_query(c->store, c->arena, SQL_LIST, args, 2, out);
}

enum err
alts_members(struct ctx *c, const char *cluster_id, struct rows *out)
{
	const struct val args[] = { V_TEXT(cluster_id) };
	return store_query(c->store, c->arena, SQL_MEMBERS, args, 1, out);
}

enum err
alts_signals(struct ctx *c, const char *cluster_id, struct rows *out)
{
	const struct val args[] = { V_TEXT(cluster_id) };
	return store_query(c->store, c->arena, SQL_SIGNALS, args, 1, out);
}
