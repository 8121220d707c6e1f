/*
 * minutes.h: a workspace's distributions, per-user minute summaries and manual adjustments
 * (readmin-compat.md §2 Summary, §3.3 #11 #12, §4.8; platform.md §6.5). Every statement is
 * scoped by the workspace the caller resolved (workspace_get or the loader key), so another
 * workspace's rows read like none. Minutes are carried as hundredths of a minute: play time is
 * summed in ms and rounded once, half away from zero; adjustments are exact hundredths.
 * Writes are audited `workspace.minutes.<verb>` / `workspace.distribution.<verb>`. Results
 * live in the ctx arena. Includers: api/, cli/.
 */
#ifndef ROSTER_MINUTES_H
#define ROSTER_MINUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/ctx.h"
#include "model/workspaces.h"

#define MINUTES_ADJUST_MAX 10000000 /* platform.md §6.5: |minutes| <= 100000, in hundredths */
#define MINUTES_REASON_MAX 500      /* platform.md §6.5: reason 1-500 code points */
#define MINUTES_LEADERBOARD_MAX 50  /* readmin-compat.md §3.3 #11: at most 50 */
#define MINUTES_USER_ADJUSTMENTS 200 /* newest adjustments shown for one user (Roster cap) */
#define MINUTES_SUMMARY_SESSIONS 100 /* readmin-compat.md §2 Summary: newest 100 session ids */
#define MINUTES_GAME_SESSIONS 50     /* platform.md §6.5: gameSessions[], latest 50 */

/* A Summary's minutes, in hundredths of a minute (total never below 0). */
struct minutes {
	int64_t active, idle, typing; /* each floored at 0 (§4.8) */
	int64_t manual;               /* Σ adjustments, may be negative */
	int64_t total;                /* max(0, Σ play + Σ adjustments) */
	int64_t messages, sessions;
};

struct minutes_row {
	const char *roblox_user_id;
	const char *username; /* NULL: no member record */
	bool staff;           /* current rank >= minSyncRank (and > 0) */
	struct minutes m;
	int64_t position; /* leaderboard: 1 + staff with a strictly greater total */
	int64_t created_at, updated_at;
	/* Filled by minutes_summary_fill only; zero otherwise. */
	const char **session_ids; /* newest first */
	size_t n_session_ids;
	int64_t attended; /* §4.8 attendedSessions */
};

/* A credited play session as a manager sees it; minutes in hundredths, total from summed ms. */
struct minutes_play_session {
	const char *id;
	const char *server_id;
	int64_t started_at, ended_at;
	int64_t active, idle, typing, total;
	int64_t messages;
	const char *removal_method; /* normalPlayerLeave syncRemoval movedServer serverClose stale */
};

struct distribution {
	int64_t number;
	int64_t started_at;
	int64_t ended_at; /* 0: current */
	bool automated;
};

struct minutes_adjustment {
	const char *id;
	const char *roblox_user_id;
	const char *kind; /* active | idle | typing */
	int64_t centiminutes; /* != 0 */
	const char *reason;
	int64_t distribution;
	int64_t created_at;
	const char *created_by; /* Roster user id, or NULL */
};

/* active | idle | typing. */
bool minutes_kind_is_valid(const char *s);

/*
 * Distribution `number` of ws (1..current); ERR_RESOURCE_NOT_FOUND (resource "distribution")
 * otherwise. The current one without a stored row started when ws was created.
 */
enum err distribution_get(struct ctx *c, const struct workspace *ws, int64_t number,
			  struct distribution *out);
/* A page of ws's distributions, newest first; *total before paging. */
enum err distribution_list(struct ctx *c, const struct workspace *ws, int64_t page,
			   int64_t page_size, struct distribution **out, size_t *n, int64_t *total);
/*
 * Closes the current distribution at now and starts the next (manual, not automated); the
 * workspace's current number advances. Audited `workspace.distribution.create`.
 */
enum err distribution_rollover(struct ctx *c, const struct workspace *ws,
			       struct distribution *out);
/*
 * The same at a given instant: the current distribution ends at `at` and the next starts
 * there, marked automated when the schedule started it. Reads only ws->cm.id,
 * ws->cm.created_at and ws->dist_current, which the rollover job fills from its own scan.
 */
enum err distribution_advance(struct ctx *c, const struct workspace *ws, int64_t at,
			      bool automated, struct distribution *out);

/*
 * The first scheduled boundary strictly after `after` (ms) for a distribution period of
 * platform.md §6.1 in zone z: weekly at weekday (0 = Sunday) and hh:mm local; biweekly the
 * second such boundary; monthly the 1st at hh:mm. DST as tz_from_local. -1 for manual.
 */
struct tz;
int64_t distribution_next_boundary(const struct tz *z, const char *period, int weekday,
				   int hour, int minute, int64_t after);
/*
 * The rollover job (platform.md §11): each workspace whose scheduled boundary after the
 * start of its current distribution has passed starts the next one at that boundary. One
 * boundary per workspace per run, so a node that was down catches up a period a minute.
 */
enum err distribution_rollover_due(struct ctx *c);

/*
 * Staff summaries of distribution `dist` by total desc, then numeric user id asc; *total
 * counts them before paging (total NULL: not counted, which saves a scan of every staff
 * summary). Positions use the strictly-greater rule.
 */
enum err minutes_leaderboard(struct ctx *c, const struct workspace *ws, int64_t dist,
			     int64_t offset, int64_t limit, struct minutes_row **out, size_t *n,
			     int64_t *total);
/*
 * Every summary of `dist` (staff or not) by total desc, then numeric user id asc; search
 * (NULL: none) matches the exact user id or a username substring, case-insensitively.
 */
enum err minutes_list(struct ctx *c, const struct workspace *ws, int64_t dist,
		      const char *search, int64_t offset, int64_t limit,
		      struct minutes_row **out, size_t *n, int64_t *total);
/* One user's summary of `dist`; *found false (and *out zeroed) when the user has none. */
enum err minutes_get(struct ctx *c, const struct workspace *ws, int64_t dist,
		     const char *user_id, struct minutes_row *out, bool *found);
/* 1 + staff of `dist` whose total (hundredths) is strictly greater than `total`. */
enum err minutes_position(struct ctx *c, const struct workspace *ws, int64_t dist,
			  int64_t total, int64_t *position);

/*
 * Completes the Summaries of rows[0..n) in distribution d (readmin-compat.md §2, §4.8):
 * session_ids = the user's newest MINUTES_SUMMARY_SESSIONS credited play sessions of d (an
 * open session counts only once ended and kept), attended = sessions_attended_count over d's
 * span [startedAt, endedAt or now). Two indexed lookups per row, so callers pass a page
 * (at most MINUTES_LEADERBOARD_MAX rows), never a whole distribution.
 */
enum err minutes_summary_fill(struct ctx *c, const struct workspace *ws,
			      const struct distribution *d, struct minutes_row *rows, size_t n);
/*
 * The user's newest `limit` credited play sessions of `dist`, newest first (by start, then
 * id); another workspace's sessions never appear. *out lives in the ctx arena.
 */
enum err minutes_play_sessions(struct ctx *c, const struct workspace *ws, int64_t dist,
			       const char *user_id, int64_t limit,
			       struct minutes_play_session **out, size_t *n);

/* The newest MINUTES_USER_ADJUSTMENTS adjustments of a user in `dist`, newest first. */
enum err adjustment_list(struct ctx *c, const struct workspace *ws, int64_t dist,
			 const char *user_id, struct minutes_adjustment **out, size_t *n);
/*
 * Stores an adjustment in the current distribution (id, distribution, created_* are filled
 * here). Audited `workspace.minutes.adjust`.
 */
enum err adjustment_create(struct ctx *c, const struct workspace *ws,
			   const struct minutes_adjustment *in, struct minutes_adjustment *out);
/*
 * Deletes an adjustment; *out is it as it was. ERR_RESOURCE_NOT_FOUND (resource
 * "adjustment") when ws has none with this id. Audited `workspace.minutes.unadjust`.
 */
enum err adjustment_delete(struct ctx *c, const struct workspace *ws, const char *id,
			   struct minutes_adjustment *out);

#endif
