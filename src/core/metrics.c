/*
 * metrics.c: the process-wide counters behind /metrics (see metrics.h, platform.md §8).
 * Every series is a fixed slot updated with relaxed atomics: the counters need no ordering
 * with each other, only no lost increments. Per-route arrays are sized once in
 * metrics_init(), before any worker starts, and never move afterwards. Status codes are
 * kept in a short fixed table (anything else counts as "other") so the request counter
 * stays a dense array of a few kilobytes per route.
 */
#include "core/metrics.h"

#include "core/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/strconv.h"
#include "core/xmalloc.h"

#ifndef ROSTER_VERSION
#define ROSTER_VERSION "0.1.0"
#endif

static const char *const method_names[] = { "GET",  "POST", "PUT",	   "PATCH",
					    "DELETE", "HEAD", "OPTIONS", "other" };
#define METHOD_N nitems(method_names)

static const int status_codes[] = { 200, 201, 204, 301, 304, 400, 401, 403, 404,
				    405, 409, 413, 414, 429, 431, 500, 503, 505 };
#define STATUS_N (nitems(status_codes) + 1) /* the last slot is "other" */

/* Upper bounds in nanoseconds; the last bucket is +Inf. */
static const int64_t bucket_ns[] = { 1000000,	2500000,    5000000,	10000000,  25000000,
				     50000000,	100000000,  250000000,	500000000, 1000000000,
				     2500000000, 5000000000, 10000000000 };
static const char *const bucket_le[] = { "0.001", "0.0025", "0.005", "0.01", "0.025",
					 "0.05",  "0.1",    "0.25",  "0.5",  "1",
					 "2.5",   "5",	    "10",    "+Inf" };
#define BUCKET_N nitems(bucket_le)

struct histogram {
	_Atomic uint64_t bucket[BUCKET_N]; /* not cumulative; summed when rendered */
	_Atomic uint64_t sum_ns;
};

static const char *const reject_names[REJ_N] = { "framing", "body_too_large",
						 "credential_in_query", "connection_limit" };
static const char *const login_names[LOGIN_N] = { "success", "failure", "rate_limited" };
static const char *const keycheck_names[KC_N] = { "ok",	  "unknown",   "expired",
						  "revoked", "ip_denied", "scope_denied" };
static const char *const limiter_names[LIM_N] = { "login_user", "login_ip", "key_create" };
static const char *const dberr_names[DBE_N] = { "busy", "full", "io", "connection", "other" };
/* model/actions.h's six types; a type outside them is not counted (the schema allows none). */
static const char *const action_types[] = { "kick",	"notify", "notifyAll",
					    "shutdown", "slock",  "unslock" };
#define ACTION_TYPE_N nitems(action_types)
static const char *const job_outcomes[] = { "success", "failure" };

/* Written by metrics_init() before workers start, read-only afterwards. */
static int64_t start_ms;
static const char *db_kind = "unknown";
static unsigned n_routes;
static const char *const *route_labels;
static const char *const *route_surfaces;
static _Atomic uint64_t *requests; /* [(n_routes + 1) * METHOD_N * STATUS_N] */
static struct histogram *durations; /* [n_routes + 1] */

static _Atomic uint64_t rejected[REJ_N];
static _Atomic uint64_t logins[LOGIN_N];
static _Atomic uint64_t keychecks[KC_N];
static _Atomic uint64_t csrf_failures;
static _Atomic uint64_t rate_limited[LIM_N];
static _Atomic uint64_t db_errors[DBE_N];
static _Atomic uint64_t audit_entries;
static _Atomic uint64_t group_commits, group_jobs;
static struct histogram pw_hash[2]; /* hash, verify */
static struct histogram db_query[2]; /* read, write */
static _Atomic int64_t inflight;
static _Atomic int64_t connections;
static _Atomic int64_t pw_inflight;
static _Atomic int64_t sessions_active;
static _Atomic int64_t db_up;
static _Atomic int64_t servers_running;
static _Atomic int64_t players_online;
static _Atomic int64_t actions_pending;
static _Atomic int64_t alt_clusters;
static _Atomic uint64_t actions_delivered[ACTION_TYPE_N];
static struct histogram alt_rebuild;
/* Written by metrics_jobs_init() before the jobs thread starts, read-only afterwards. */
static unsigned n_jobs;
static const char *job_names[METRICS_JOBS_MAX];
static _Atomic uint64_t job_runs[METRICS_JOBS_MAX][2]; /* [job][ok ? 0 : 1] */

static void
bump(_Atomic uint64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static uint64_t
get(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

static void
hist_observe(struct histogram *h, int64_t dur_ns)
{
	size_t i;

	if (dur_ns < 0)
		dur_ns = 0; /* a clock step must not make a negative sum */
	for (i = 0; i < BUCKET_N - 1 && dur_ns > bucket_ns[i]; i++)
		;
	bump(&h->bucket[i]);
	atomic_fetch_add_explicit(&h->sum_ns, (uint64_t)dur_ns, memory_order_relaxed);
}

void
metrics_init(int64_t start, const char *db, unsigned n, const char *const *labels,
	     const char *const *surfaces)
{
	size_t i, slots = ((size_t)n + 1) * METHOD_N * STATUS_N;

	/* Called once before serving; a second call (tests) replaces the arrays. */
	free(requests);
	free(durations);
	start_ms = start;
	db_kind = db != NULL ? db : "unknown";
	n_routes = n;
	route_labels = labels;
	route_surfaces = surfaces;
	requests = xcalloc(slots, sizeof(*requests));
	for (i = 0; i < slots; i++)
		atomic_init(&requests[i], 0);
	durations = xcalloc((size_t)n + 1, sizeof(*durations));
	for (i = 0; i < (size_t)n + 1; i++) {
		size_t k;

		for (k = 0; k < BUCKET_N; k++)
			atomic_init(&durations[i].bucket[k], 0);
		atomic_init(&durations[i].sum_ns, 0);
	}
}

static size_t
method_index(const char *method)
{
	size_t i;

	for (i = 0; method != NULL && i < METHOD_N - 1; i++)
		if (strcmp(method, method_names[i]) == 0)
			return i;
	return METHOD_N - 1;
}

static size_t
status_index(int status)
{
	size_t i;

	for (i = 0; i < STATUS_N - 1; i++)
		if (status_codes[i] == status)
			return i;
	return STATUS_N - 1;
}

void
metrics_request(int route, const char *method, int status, int64_t dur_ns)
{
	size_t r;

	if (requests == NULL)
		return; /* not serving (CLI, tests without init) */
	/* Anything outside the table is the "unmatched" route, slot n_routes. */
	r = route >= 0 && (unsigned)route < n_routes ? (size_t)route : n_routes;
	bump(&requests[(r * METHOD_N + method_index(method)) * STATUS_N + status_index(status)]);
	hist_observe(&durations[r], dur_ns);
}

void
metrics_reject(enum metric_reject r)
{
	if ((unsigned)r < REJ_N)
		bump(&rejected[r]);
}

void
metrics_login(enum metric_login o)
{
	if ((unsigned)o < LOGIN_N)
		bump(&logins[o]);
}

void
metrics_keycheck(enum metric_keycheck o)
{
	if ((unsigned)o < KC_N)
		bump(&keychecks[o]);
}

void
metrics_csrf_failure(void)
{
	bump(&csrf_failures);
}

void
metrics_rate_limited(enum metric_limiter l)
{
	if ((unsigned)l < LIM_N)
		bump(&rate_limited[l]);
}

void
metrics_pw_hash(int verify, int64_t dur_ns)
{
	hist_observe(&pw_hash[verify ? 1 : 0], dur_ns);
}

void
metrics_db_query(int write, int64_t dur_ns)
{
	hist_observe(&db_query[write ? 1 : 0], dur_ns);
}

void
metrics_db_error(enum metric_dberr k)
{
	if ((unsigned)k < DBE_N)
		bump(&db_errors[k]);
}

void
metrics_group_commit(int64_t jobs)
{
	bump(&group_commits);
	atomic_fetch_add_explicit(&group_jobs, (uint64_t)jobs, memory_order_relaxed);
}

void
metrics_audit_entry(void)
{
	bump(&audit_entries);
}

void
metrics_inflight(int delta)
{
	atomic_fetch_add_explicit(&inflight, delta, memory_order_relaxed);
}

void
metrics_connections(int delta)
{
	atomic_fetch_add_explicit(&connections, delta, memory_order_relaxed);
}

void
metrics_pw_inflight(int delta)
{
	atomic_fetch_add_explicit(&pw_inflight, delta, memory_order_relaxed);
}

void
metrics_set_db_up(int up)
{
	atomic_store_explicit(&db_up, up ? 1 : 0, memory_order_relaxed);
}

void
metrics_set_sessions_active(int64_t n)
{
	atomic_store_explicit(&sessions_active, n, memory_order_relaxed);
}

void
metrics_set_servers_running(int64_t n)
{
	atomic_store_explicit(&servers_running, n, memory_order_relaxed);
}

void
metrics_set_players_online(int64_t n)
{
	atomic_store_explicit(&players_online, n, memory_order_relaxed);
}

void
metrics_set_actions_pending(int64_t n)
{
	atomic_store_explicit(&actions_pending, n, memory_order_relaxed);
}

void
metrics_set_alt_clusters(int64_t n)
{
	atomic_store_explicit(&alt_clusters, n, memory_order_relaxed);
}

void
metrics_action_delivered(const char *type)
{
	for (size_t i = 0; type != NULL && i < ACTION_TYPE_N; i++) {
		if (strcmp(type, action_types[i]) == 0) {
			bump(&actions_delivered[i]);
			return;
		}
	}
}

void
metrics_alt_rebuild(int64_t dur_ns)
{
	hist_observe(&alt_rebuild, dur_ns);
}

void
metrics_jobs_init(const char *const *names, unsigned n)
{
	n_jobs = n < METRICS_JOBS_MAX ? n : METRICS_JOBS_MAX;
	for (unsigned i = 0; i < n_jobs; i++) {
		job_names[i] = names[i];
		atomic_store_explicit(&job_runs[i][0], 0, memory_order_relaxed);
		atomic_store_explicit(&job_runs[i][1], 0, memory_order_relaxed);
	}
}

void
metrics_job_run(unsigned job, bool ok)
{
	if (job < n_jobs)
		bump(&job_runs[job][ok ? 0 : 1]);
}

/* Rendering. Label values are escaped as the text format asks: backslash, quote, newline. */

static void
put_label(struct buf *out, const char *name, const char *value)
{
	const char *s;

	buf_puts(out, name);
	buf_puts(out, "=\"");
	for (s = value != NULL ? value : ""; *s != '\0'; s++) {
		if (*s == '\\')
			buf_puts(out, "\\\\");
		else if (*s == '"')
			buf_puts(out, "\\\"");
		else if (*s == '\n')
			buf_puts(out, "\\n");
		else
			buf_putc(out, *s);
	}
	buf_putc(out, '"');
}

static void
put_head(struct buf *out, const char *name, const char *type, const char *help)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A counter or gauge with one label over a fixed set of values, zeros included. */
static void
put_labelled(struct buf *out, const char *name, const char *label, const char *const *values,
	     _Atomic uint64_t *counts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		buf_printf(out, "%s{", name);
		put_label(out, label, values[i]);
		buf_printf(out, "} %" PRIu64 "\n", get(&counts[i]));
	}
}

/* Writes the series of one histogram; labels is rendered `a="b",c="d"` or empty. */
static void
put_histogram(struct buf *out, const char *name, const char *labels, struct histogram *h)
{
	const char *sep = labels[0] != '\0' ? "," : "";
	uint64_t total = 0, sum;
	size_t i;

	for (i = 0; i < BUCKET_N; i++) {
		total += get(&h->bucket[i]);
		buf_printf(out, "%s_bucket{%s%sle=\"%s\"} %" PRIu64 "\n", name, labels, sep,
			   bucket_le[i], total);
	}
	sum = get(&h->sum_ns);
	/* An unlabelled histogram's sum and count carry no braces at all. */
	buf_printf(out, "%s_sum%s%s%s %" PRIu64 ".%09" PRIu64 "\n", name, *sep ? "{" : "",
		   labels, *sep ? "}" : "", sum / 1000000000u, sum % 1000000000u);
	/* The count is the bucket total, so it always equals the +Inf bucket under races. */
	buf_printf(out, "%s_count%s%s%s %" PRIu64 "\n", name, *sep ? "{" : "", labels,
		   *sep ? "}" : "", total);
}

static uint64_t
hist_total(struct histogram *h)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < BUCKET_N; i++)
		total += get(&h->bucket[i]);
	return total;
}

static const char *
route_label(size_t r)
{
	if (r >= n_routes)
		return "unmatched";
	return route_labels != NULL && route_labels[r] != NULL ? route_labels[r] : "unknown";
}

static const char *
route_surface(size_t r)
{
	if (r >= n_routes)
		return "none";
	return route_surfaces != NULL && route_surfaces[r] != NULL ? route_surfaces[r]
								    : "unknown";
}

static void
render_requests(struct buf *out)
{
	size_t r, mi, si;
	uint64_t v;

	put_head(out, "roster_http_requests_total", "counter", "HTTP requests answered.");
	for (r = 0; requests != NULL && r <= n_routes; r++) {
		for (mi = 0; mi < METHOD_N; mi++) {
			for (si = 0; si < STATUS_N; si++) {
				v = get(&requests[(r * METHOD_N + mi) * STATUS_N + si]);
				if (v == 0)
					continue; /* only series that happened */
				buf_puts(out, "roster_http_requests_total{");
				put_label(out, "surface", route_surface(r));
				buf_putc(out, ',');
				put_label(out, "method", method_names[mi]);
				buf_putc(out, ',');
				put_label(out, "route", route_label(r));
				buf_putc(out, ',');
				if (si < STATUS_N - 1)
					buf_printf(out, "status=\"%d\"", status_codes[si]);
				else
					buf_puts(out, "status=\"other\"");
				buf_printf(out, "} %" PRIu64 "\n", v);
			}
		}
	}
}

static void
render_durations(struct buf *out)
{
	struct buf labels;
	size_t r;

	put_head(out, "roster_http_request_duration_seconds", "histogram",
		 "Time from request start to the last response byte queued.");
	buf_init(&labels, out->max);
	for (r = 0; durations != NULL && r <= n_routes; r++) {
		if (hist_total(&durations[r]) == 0)
			continue; /* routes never called would only add noise */
		buf_reset(&labels);
		put_label(&labels, "surface", route_surface(r));
		buf_putc(&labels, ',');
		put_label(&labels, "route", route_label(r));
		if (labels.overflow)
			out->overflow = true;
		else
			put_histogram(out, "roster_http_request_duration_seconds", labels.p,
				      &durations[r]);
	}
	buf_release(&labels);
}

/* Reads a small /proc file; false when it cannot be read whole. */
static bool
read_small(const char *path, char *text, size_t size, size_t *len)
{
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	*len = 0;
	while (*len < size) {
		r = read(fd, text + *len, size - *len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		*len += (size_t)r;
	}
	close(fd);
	return *len > 0 && *len < size;
}

/* Resident set size from /proc/self/statm: the second field, in pages. */
static bool
resident_bytes(uint64_t *out)
{
	char text[256];
	size_t len, i, j;
	int64_t pages;
	long page;

	if (!read_small("/proc/self/statm", text, sizeof(text), &len))
		return false;
	for (i = 0; i < len && text[i] != ' '; i++)
		;
	for (j = ++i; j < len && text[j] >= '0' && text[j] <= '9'; j++)
		;
	page = sysconf(_SC_PAGESIZE);
	if (page <= 0 || !str_to_i64(text + i, j - i, 0, INT64_MAX / page, &pages))
		return false;
	*out = (uint64_t)pages * (uint64_t)page;
	return true;
}

static bool
open_fds(uint64_t *out)
{
	struct dirent *e;
	uint64_t n = 0;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (d == NULL)
		return false;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	*out = n > 0 ? n - 1 : 0; /* the listing's own descriptor is not ours to count */
	return true;
}

static void
render_process(struct buf *out)
{
	uint64_t v;

	put_head(out, "process_start_time_seconds", "gauge",
		 "Start time of the process since the Unix epoch in seconds.");
	buf_printf(out, "process_start_time_seconds %" PRId64 ".%03" PRId64 "\n",
		   start_ms / 1000, start_ms % 1000);
	if (resident_bytes(&v)) {
		put_head(out, "process_resident_memory_bytes", "gauge",
			 "Resident memory size in bytes.");
		buf_printf(out, "process_resident_memory_bytes %" PRIu64 "\n", v);
	}
	if (open_fds(&v)) {
		put_head(out, "process_open_fds", "gauge", "Number of open file descriptors.");
		buf_printf(out, "process_open_fds %" PRIu64 "\n", v);
	}
}

static void
put_gauge(struct buf *out, const char *name, const char *help, _Atomic int64_t *g)
{
	put_head(out, name, "gauge", help);
	buf_printf(out, "%s %" PRId64 "\n", name,
		   atomic_load_explicit(g, memory_order_relaxed));
}

static void
put_counter(struct buf *out, const char *name, const char *help, _Atomic uint64_t *c)
{
	put_head(out, name, "counter", help);
	buf_printf(out, "%s %" PRIu64 "\n", name, get(c));
}

/* Every job and outcome, zeros included, so a rate over a job that never failed is 0. */
static void
render_jobs(struct buf *out)
{
	put_head(out, "roster_jobs_runs_total", "counter",
		 "Background job runs this node won the lease for, by outcome.");
	for (unsigned j = 0; j < n_jobs; j++) {
		for (size_t o = 0; o < nitems(job_outcomes); o++) {
			buf_puts(out, "roster_jobs_runs_total{");
			put_label(out, "job", job_names[j]);
			buf_putc(out, ',');
			put_label(out, "outcome", job_outcomes[o]);
			buf_printf(out, "} %" PRIu64 "\n", get(&job_runs[j][o]));
		}
	}
}

/* The game-server, action, alt and job series (platform.md §8). */
static void
render_domain(struct buf *out)
{
	put_gauge(out, "roster_game_servers_running", "Running game servers not ended.",
		  &servers_running);
	put_gauge(out, "roster_players_online", "Players in game on running servers.",
		  &players_online);
	put_gauge(out, "roster_queued_actions_pending",
		  "Queued actions waiting for their running server.", &actions_pending);
	put_gauge(out, "roster_alt_clusters", "Suspected-alt clusters of the last rebuild.",
		  &alt_clusters);
	put_head(out, "roster_queued_actions_delivered_total", "counter",
		 "Queued actions handed to a game server, by type.");
	put_labelled(out, "roster_queued_actions_delivered_total", "type", action_types,
		     actions_delivered, ACTION_TYPE_N);
	put_head(out, "roster_alt_rebuild_duration_seconds", "histogram",
		 "Time spent computing an alt-cluster rebuild.");
	put_histogram(out, "roster_alt_rebuild_duration_seconds", "", &alt_rebuild);
	render_jobs(out);
}

void
metrics_render(struct buf *out)
{
	buf_puts(out, "# HELP roster_build_info Build information; the value is always 1.\n"
		      "# TYPE roster_build_info gauge\nroster_build_info{");
	put_label(out, "version", ROSTER_VERSION);
	buf_putc(out, ',');
	put_label(out, "db", db_kind);
	buf_puts(out, "} 1\n");
	render_requests(out);
	render_durations(out);
	put_head(out, "roster_http_rejected_total", "counter",
		 "Requests refused before routing, by reason.");
	put_labelled(out, "roster_http_rejected_total", "reason", reject_names, rejected, REJ_N);
	put_head(out, "roster_auth_logins_total", "counter", "Login attempts by outcome.");
	put_labelled(out, "roster_auth_logins_total", "outcome", login_names, logins, LOGIN_N);
	put_head(out, "roster_auth_key_checks_total", "counter", "API key checks by outcome.");
	put_labelled(out, "roster_auth_key_checks_total", "outcome", keycheck_names, keychecks,
		     KC_N);
	put_counter(out, "roster_csrf_failures_total", "Requests refused by the CSRF check.",
		    &csrf_failures);
	put_head(out, "roster_rate_limited_total", "counter", "Requests refused by a limiter.");
	put_labelled(out, "roster_rate_limited_total", "limiter", limiter_names, rate_limited,
		     LIM_N);
	put_head(out, "roster_password_hash_seconds", "histogram",
		 "Time spent hashing or verifying a password.");
	put_histogram(out, "roster_password_hash_seconds", "op=\"hash\"", &pw_hash[0]);
	put_histogram(out, "roster_password_hash_seconds", "op=\"verify\"", &pw_hash[1]);
	put_head(out, "roster_db_query_duration_seconds", "histogram",
		 "Time spent in database statements.");
	put_histogram(out, "roster_db_query_duration_seconds", "kind=\"read\"", &db_query[0]);
	put_histogram(out, "roster_db_query_duration_seconds", "kind=\"write\"", &db_query[1]);
	put_head(out, "roster_db_errors_total", "counter", "Storage errors by kind.");
	put_labelled(out, "roster_db_errors_total", "kind", dberr_names, db_errors, DBE_N);
	put_gauge(out, "roster_http_requests_in_flight", "Requests being handled now.",
		  &inflight);
	put_gauge(out, "roster_http_connections_open", "Client connections open now.",
		  &connections);
	buf_printf(out, "# HELP roster_log_suppressed_total Warning lines left out by the burst limit.\n"
			"# TYPE roster_log_suppressed_total counter\nroster_log_suppressed_total %llu\n",
		   (unsigned long long)log_suppressed());
	put_gauge(out, "roster_password_hash_in_flight", "Password hashes running now.",
		  &pw_inflight);
	put_gauge(out, "roster_sessions_active", "Login sessions not expired or revoked.",
		  &sessions_active);
	put_gauge(out, "roster_db_up", "1 when storage answered its last check.", &db_up);
	render_domain(out);
	put_counter(out, "roster_audit_entries_total", "Audit entries written.", &audit_entries);
	put_counter(out, "roster_db_group_commits_total",
		    "Group-commit transactions committed (one fsync each).", &group_commits);
	put_counter(out, "roster_db_group_jobs_total",
		    "Writes committed through group commit; divided by commits, writes per fsync.",
		    &group_jobs);
	render_process(out);
}
