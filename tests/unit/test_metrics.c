/*
 * test_metrics.c: /metrics rendering (platform.md §8): the lines a scraper sees after some
 * increments, cumulative histogram buckets, label escaping and the unmatched route.
 */
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/metrics.h"
#include "tap.h"

static const char *const labels[] = { "/api/admin/roles", "/ranking/\"odd\\\n" };
static const char *const surfaces[] = { "api", "readmin" };
static const char *const job_names[] = { "session_sweep", "ban_expiry" };

static bool
has(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	/* Whole-line match: preceded by a newline (or the start) and followed by one. */
	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
		p++;
	}
	return false;
}

#define HAS(line) ok(has(out.p, line), "%s", line)

int
main(void)
{
	struct buf out;

	buf_init(&out, LIMIT_RESPONSE);
	metrics_render(&out);
	ok(!has(out.p, "roster_http_requests_total") && strstr(out.p, "roster_build_info") != NULL,
	   "rendering before init works and shows no request series");
	buf_reset(&out);

	metrics_init(1741944600123, "sqlite", 2, labels, surfaces);
	metrics_request(0, "GET", 200, 500000);      /* 0.5 ms */
	metrics_request(0, "GET", 200, 3000000);     /* 3 ms */
	metrics_request(0, "POST", 418, 20000000000); /* 20 s, unusual status */
	metrics_request(1, "BREW", 404, 1000000);    /* exactly on a bound */
	metrics_request(7, "GET", 404, -5);          /* unknown route, clock step */
	metrics_request(-1, NULL, 400, 0);
	metrics_reject(REJ_BODY_TOO_LARGE);
	metrics_reject(REJ_BODY_TOO_LARGE);
	metrics_login(LOGIN_FAILURE);
	metrics_keycheck(KC_SCOPE_DENIED);
	metrics_csrf_failure();
	metrics_rate_limited(LIM_LOGIN_IP);
	metrics_pw_hash(1, 250000000);
	metrics_db_query(0, 100);
	metrics_db_query(1, 7000000);
	metrics_db_error(DBE_BUSY);
	metrics_audit_entry();
	metrics_audit_entry();
	metrics_inflight(3);
	metrics_inflight(-1);
	metrics_pw_inflight(1);
	metrics_set_db_up(1);
	metrics_set_sessions_active(12);
	metrics_set_servers_running(3);
	metrics_set_players_online(7);
	metrics_set_actions_pending(2);
	metrics_set_alt_clusters(4);
	metrics_action_delivered("kick");
	metrics_action_delivered("kick");
	metrics_action_delivered("notifyAll");
	metrics_action_delivered("explode"); /* not a type: not counted */
	metrics_action_delivered(NULL);
	metrics_alt_rebuild(1500000); /* 1.5 ms */
	metrics_jobs_init(job_names, 2);
	metrics_job_run(0, true);
	metrics_job_run(0, true);
	metrics_job_run(1, false);
	metrics_job_run(2, true); /* past the table: ignored */
	metrics_render(&out);
	ok(!out.overflow, "the render fits");

	HAS("# HELP roster_build_info Build information; the value is always 1.");
	HAS("# TYPE roster_build_info gauge");
	HAS("roster_build_info{version=\"0.1.0\",db=\"sqlite\"} 1");
	HAS("# TYPE roster_http_requests_total counter");
	HAS("roster_http_requests_total{surface=\"api\",method=\"GET\",route=\"/api/admin/roles\","
	    "status=\"200\"} 2");
	HAS("roster_http_requests_total{surface=\"api\",method=\"POST\",route=\"/api/admin/roles\","
	    "status=\"other\"} 1");
	HAS("roster_http_requests_total{surface=\"readmin\",method=\"other\","
	    "route=\"/ranking/\\\"odd\\\\\\n\",status=\"404\"} 1");
	HAS("roster_http_requests_total{surface=\"none\",method=\"GET\",route=\"unmatched\","
	    "status=\"404\"} 1");
	HAS("roster_http_requests_total{surface=\"none\",method=\"other\",route=\"unmatched\","
	    "status=\"400\"} 1");
	ok(strstr(out.p, "method=\"PUT\"") == NULL, "series that never happened are left out");
	HAS("# TYPE roster_http_request_duration_seconds histogram");
	HAS("roster_http_request_duration_seconds_bucket{surface=\"api\",route=\"/api/admin/roles\","
	    "le=\"0.001\"} 1");
	HAS("roster_http_request_duration_seconds_bucket{surface=\"api\",route=\"/api/admin/roles\","
	    "le=\"0.005\"} 2");
	HAS("roster_http_request_duration_seconds_bucket{surface=\"api\",route=\"/api/admin/roles\","
	    "le=\"10\"} 2");
	HAS("roster_http_request_duration_seconds_bucket{surface=\"api\",route=\"/api/admin/roles\","
	    "le=\"+Inf\"} 3");
	HAS("roster_http_request_duration_seconds_sum{surface=\"api\",route=\"/api/admin/roles\"} "
	    "20.003500000");
	HAS("roster_http_request_duration_seconds_count{surface=\"api\",route=\"/api/admin/roles\"}"
	    " 3");
	HAS("roster_http_request_duration_seconds_bucket{surface=\"readmin\","
	    "route=\"/ranking/\\\"odd\\\\\\n\",le=\"0.001\"} 1");
	HAS("roster_http_request_duration_seconds_count{surface=\"none\",route=\"unmatched\"} 2");
	HAS("roster_http_request_duration_seconds_sum{surface=\"none\",route=\"unmatched\"} "
	    "0.000000000");
	HAS("roster_http_rejected_total{reason=\"body_too_large\"} 2");
	HAS("roster_http_rejected_total{reason=\"framing\"} 0");
	HAS("roster_http_rejected_total{reason=\"connection_limit\"} 0");
	HAS("roster_auth_logins_total{outcome=\"failure\"} 1");
	HAS("roster_auth_logins_total{outcome=\"success\"} 0");
	HAS("roster_auth_key_checks_total{outcome=\"scope_denied\"} 1");
	HAS("# TYPE roster_csrf_failures_total counter");
	HAS("roster_csrf_failures_total 1");
	HAS("roster_rate_limited_total{limiter=\"login_ip\"} 1");
	HAS("roster_rate_limited_total{limiter=\"key_create\"} 0");
	HAS("# TYPE roster_password_hash_seconds histogram");
	HAS("roster_password_hash_seconds_bucket{op=\"verify\",le=\"0.1\"} 0");
	HAS("roster_password_hash_seconds_bucket{op=\"verify\",le=\"0.25\"} 1");
	HAS("roster_password_hash_seconds_sum{op=\"verify\"} 0.250000000");
	HAS("roster_password_hash_seconds_count{op=\"hash\"} 0");
	HAS("roster_db_query_duration_seconds_bucket{kind=\"read\",le=\"0.001\"} 1");
	HAS("roster_db_query_duration_seconds_bucket{kind=\"write\",le=\"0.01\"} 1");
	HAS("roster_db_query_duration_seconds_count{kind=\"write\"} 1");
	HAS("roster_db_errors_total{kind=\"busy\"} 1");
	HAS("roster_db_errors_total{kind=\"io\"} 0");
	HAS("# TYPE roster_http_requests_in_flight gauge");
	HAS("roster_http_requests_in_flight 2");
	HAS("roster_password_hash_in_flight 1");
	HAS("roster_sessions_active 12");
	HAS("roster_db_up 1");
	HAS("roster_audit_entries_total 2");
	HAS("# TYPE roster_game_servers_running gauge");
	HAS("roster_game_servers_running 3");
	HAS("roster_players_online 7");
	HAS("roster_queued_actions_pending 2");
	HAS("# TYPE roster_alt_clusters gauge");
	HAS("roster_alt_clusters 4");
	HAS("# TYPE roster_queued_actions_delivered_total counter");
	HAS("roster_queued_actions_delivered_total{type=\"kick\"} 2");
	HAS("roster_queued_actions_delivered_total{type=\"notifyAll\"} 1");
	HAS("roster_queued_actions_delivered_total{type=\"unslock\"} 0");
	ok(strstr(out.p, "explode") == NULL, "an unknown action type makes no series");
	HAS("# TYPE roster_alt_rebuild_duration_seconds histogram");
	HAS("roster_alt_rebuild_duration_seconds_bucket{le=\"0.001\"} 0");
	HAS("roster_alt_rebuild_duration_seconds_bucket{le=\"0.0025\"} 1");
	HAS("roster_alt_rebuild_duration_seconds_bucket{le=\"+Inf\"} 1");
	HAS("roster_alt_rebuild_duration_seconds_sum 0.001500000");
	HAS("roster_alt_rebuild_duration_seconds_count 1");
	HAS("# TYPE roster_jobs_runs_total counter");
	HAS("roster_jobs_runs_total{job=\"session_sweep\",outcome=\"success\"} 2");
	HAS("roster_jobs_runs_total{job=\"session_sweep\",outcome=\"failure\"} 0");
	HAS("roster_jobs_runs_total{job=\"ban_expiry\",outcome=\"success\"} 0");
	HAS("roster_jobs_runs_total{job=\"ban_expiry\",outcome=\"failure\"} 1");
	HAS("process_start_time_seconds 1741944600.123");
	HAS("# TYPE process_resident_memory_bytes gauge");
	HAS("# TYPE process_open_fds gauge");
	ok(strstr(out.p, "\nprocess_resident_memory_bytes ") != NULL &&
		   strstr(out.p, "\nprocess_resident_memory_bytes 0\n") == NULL,
	   "resident memory is reported and non-zero");
	ok(strstr(out.p, "\nprocess_open_fds ") != NULL &&
		   strstr(out.p, "\nprocess_open_fds 0\n") == NULL,
	   "open descriptors are reported and non-zero");
	ok(out.len > 0 && out.p[out.len - 1] == '\n', "the text ends with a newline");

	buf_release(&out);
	buf_init(&out, 100);
	metrics_render(&out);
	ok(out.overflow, "a render past the buffer cap reports overflow");
	buf_release(&out);
	return tap_done();
}
