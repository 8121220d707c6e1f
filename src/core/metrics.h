/*
 * metrics.h: process-wide counters for /metrics (platform.md §8). The only mutable state the
 * workers share besides the database; updated with relaxed atomics. Labels are fixed sets,
 * so every series is a slot in a static array; route labels are route indices.
 */
#ifndef ROSTER_METRICS_H
#define ROSTER_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

enum metric_reject { REJ_FRAMING, REJ_BODY_TOO_LARGE, REJ_CREDENTIAL_IN_QUERY, REJ_CONN_LIMIT, REJ_N };
enum metric_login { LOGIN_SUCCESS, LOGIN_FAILURE, LOGIN_RATE_LIMITED, LOGIN_N };
enum metric_keycheck { KC_OK, KC_UNKNOWN, KC_EXPIRED, KC_REVOKED, KC_IP_DENIED, KC_SCOPE_DENIED, KC_N };
enum metric_limiter { LIM_LOGIN_USER, LIM_LOGIN_IP, LIM_KEY_CREATE, LIM_N };
enum metric_dberr { DBE_BUSY, DBE_FULL, DBE_IO, DBE_CONNECTION, DBE_OTHER, DBE_N };

/* Routes are counted by index; metrics_init() is told how many there are and their labels. */
void metrics_init(int64_t start_ms, const char *db_kind, unsigned n_routes,
		  const char *const *route_labels, const char *const *route_surfaces);
void metrics_request(int route, const char *method, int status, int64_t dur_ns);
void metrics_reject(enum metric_reject r);
void metrics_login(enum metric_login o);
void metrics_keycheck(enum metric_keycheck o);
void metrics_csrf_failure(void);
void metrics_rate_limited(enum metric_limiter l);
void metrics_pw_hash(int verify, int64_t dur_ns);
void metrics_db_query(int write, int64_t dur_ns);
void metrics_db_error(enum metric_dberr k);
void metrics_audit_entry(void);
/* One group commit holding `jobs` writes (store/group.c). */
void metrics_group_commit(int64_t jobs);
void metrics_inflight(int delta);
void metrics_connections(int delta);
void metrics_pw_inflight(int delta);
void metrics_set_db_up(int up);
void metrics_set_sessions_active(int64_t n);
/*
 * The database-derived gauges: core cannot read the database, so model/gauges.c counts them
 * off the request path (at most every 15 s) and hands the numbers in here.
 */
void metrics_set_servers_running(int64_t n);
void metrics_set_players_online(int64_t n);
void metrics_set_actions_pending(int64_t n);
void metrics_set_alt_clusters(int64_t n);
/* A queued action handed to a game server; type is one of the six action types. */
void metrics_action_delivered(const char *type);
/* One alt-cluster rebuild's computation. */
void metrics_alt_rebuild(int64_t dur_ns);

/*
 * Jobs are counted by index into the names given once, before the jobs thread starts; the
 * names must outlive the process (model/jobs.c's table). At most METRICS_JOBS_MAX.
 */
#define METRICS_JOBS_MAX 16
void metrics_jobs_init(const char *const *names, unsigned n);
void metrics_job_run(unsigned job, bool ok);

/* Renders Prometheus text format 0.0.4. */
void metrics_render(struct buf *out);

#endif
