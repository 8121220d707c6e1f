/*
 * tracker.h: the activity tracker (readmin-compat.md §3.7, §3.8, §4.6, §4.7, §4.8, §4.10;
 * platform.md §6.5): running game servers and their heartbeats, the players in them, play
 * sessions built from timestamped events, their minutes credited into minute_totals, and the
 * stale-server sweeper. Every statement names the workspace id, except the running-server
 * lookup by runningGameId, which must tell another workspace's server from an unknown one
 * (§1.4 `- mismatch`). Tracker traffic is not audited (§1.7); dashboard writes are.
 * Everything runs in the caller's transaction (never opens one: a caller may run it inside a
 * SAVEPOINT of a shared transaction). Results live in the ctx arena.
 * Files: tracker.c (servers), tracker_players.c (join, leave, consent, lists),
 * tracker_sessions.c (events, session end, minutes). Includers: api/, http/gate.c, model/jobs.c.
 */
#ifndef ROSTER_TRACKER_H
#define ROSTER_TRACKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/ctx.h"
#include "model/playtime.h"

#define TRACKER_STALE_MS (20 * 60 * 1000LL)     /* §4.6: silent for 20 min -> ended */
#define TRACKER_SYNC_GRACE_MS (30 * 1000LL)     /* §3.7 #36: joins younger than 30 s kept */
#define TRACKER_LATE_LEAVE_MS (10 * 60 * 1000LL) /* §4.7: leave after syncRemoval window */
#define TRACKER_EVENTS_MAX 20000                 /* §3.7 #35 #36 */
#define TRACKER_V2_EVENTS_MAX 500                /* §3.8 playerLeave/v2 chunks */
#define TRACKER_SWEEP_BATCH 100                  /* stale servers ended per job run */
#define TRACKER_JOB_MAX 100                      /* §3.7 #31: jobId 1-100 */
#define TRACKER_PRIVATE_ID_MAX 100
#define TRACKER_NAME_MAX 50   /* username, displayName */
#define TRACKER_ROLE_MAX 100  /* groupRole */
#define TRACKER_USER_KEY_MAX 128
/*
 * Players per server (docs/tracker.md): `players` members in sendData (400 `Invalid players`
 * past it) and running players a server may hold (playerJoin of a newcomer past it: 409). A
 * Roblox server holds at most 700; the cap bounds the work one server puts on the writer.
 */
#define TRACKER_PLAYERS_MAX 1000

struct running_server {
	const char *id;          /* runningGameId */
	const char *workspace_id;
	const char *internal_id; /* RA-GAMES-… */
	const char *universe_id, *place_id, *job_id;
	const char *private_server_id;       /* "" when none */
	const char *private_server_owner_id; /* "0" when none */
	int64_t place_version;
	int64_t started_at, last_ping_at;
	int64_t ended_at; /* 0 while live */
	const char *end_reason;
	int64_t player_count; /* running players now */
};

struct server_input {
	const char *universe_id, *place_id, *job_id, *private_server_id, *private_server_owner_id;
	int64_t place_version;
};

enum tracker_lookup { TL_OK, TL_UNKNOWN, TL_MISMATCH, TL_ENDED };

/* --- servers (tracker.c) ---------------------------------------------------------------- */

/*
 * createServer (#31): a new live server of ws, or (*replayed) the live one with the same
 * jobId. created_by is "loaderKey:<id>".
 */
enum err tracker_server_create(struct ctx *c, const char *ws_id, const struct server_input *in,
			       const char *created_by, struct running_server *out, bool *replayed);
/*
 * The running-server credential (§1.4): game_id against ws_id. *res tells TL_OK (live, ws's:
 * heartbeat written, *out filled), TL_ENDED (ws's, ended: *out filled, no heartbeat),
 * TL_MISMATCH (another workspace's) or TL_UNKNOWN (malformed or absent).
 */
enum err tracker_server_resolve(struct ctx *c, const char *ws_id, const char *game_id,
				struct running_server *out, enum tracker_lookup *res);
/*
 * Ends a live server (§3.7 #33, §4.6): its open sessions end at `at` (removal `method`),
 * in-game flags cleared, running players removed, pending actions expired, the server marked
 * ended with `reason`. *ended false when it had already ended (a no-op).
 */
enum err tracker_server_end(struct ctx *c, const char *ws_id, const char *server_id, int64_t at,
			    const char *method, const char *reason, bool *ended);
/* The stale job (§4.6): ends up to TRACKER_SWEEP_BATCH servers silent 20 min, at last ping. */
enum err tracker_sweep_stale(struct ctx *c);
/* Live servers of ws, newest first (started, id); *total before paging. */
enum err tracker_server_list(struct ctx *c, const char *ws_id, int64_t page, int64_t page_size,
			     struct running_server **out, size_t *n, int64_t *total);
/* One server of ws, live or ended; ERR_RESOURCE_NOT_FOUND ("server") otherwise. */
enum err tracker_server_get(struct ctx *c, const char *ws_id, const char *id,
			    struct running_server *out);

/* --- players (tracker_players.c) -------------------------------------------------------- */

struct join_input {
	const char *roblox_user_id;
	const char *platform;     /* normalised: Phone Tablet Console Desktop unknown */
	const char *username;     /* NULL: not sent */
	const char *display_name; /* NULL: not sent */
	const char *timezone;     /* normalised "+02:00", or NULL */
	const char *user_key;     /* default roblox_user_id */
	int group_rank;           /* -1: not sent */
	int64_t at;               /* the join's own time, ms; -1: not sent */
};

enum join_kind { JOIN_IGNORED, JOIN_BANNED, JOIN_CONSENT_DENIED, JOIN_UNTRACKED, JOIN_TRACKED };

struct join_result {
	enum join_kind kind;
	bool is_staff, needs_consent;
	const char *session_id, *running_player_id; /* JOIN_TRACKED only */
	const char *ban_reason;                     /* JOIN_BANNED */
	int64_t ban_expires_at;                     /* 0: never */
};

/*
 * playerJoin (#34) on srv (live, ws_id's): the first matching row of §3.7 #34's table.
 * ERR_LIMIT_REACHED (no fail set) when a new presence row would pass TRACKER_PLAYERS_MAX.
 */
enum err tracker_player_join(struct ctx *c, const char *ws_id, const struct running_server *srv,
			     const struct join_input *in, struct join_result *out);

/* An event of sendData / playerLeave as parsed by the route (malformed ones never get here). */
struct tracker_event {
	const char *id;       /* client id or NULL */
	const char *user;     /* Roblox user id or NULL */
	const char *user_key; /* or NULL */
	enum pt_type type;
	int64_t at;     /* ms */
	int64_t raw_ms; /* the time as sent, for the (type, ms) dedup key */
};

struct leave_input {
	const char *roblox_user_id;
	const struct tracker_event *events;
	size_t n;
	bool final;
	int64_t left_at;         /* ms; final only */
	const char *session_hint; /* sessionIds.userGameSession or NULL */
};

/* playerLeave (#35) and playerLeave/v2 (§3.8); *finalized when a final chunk ended a session. */
enum err tracker_player_leave(struct ctx *c, const char *ws_id, const struct running_server *srv,
			      const struct leave_input *in, bool *finalized);
/* §3.8 /activity/consent: stores granted or denied for ws; idempotent; ignored players: nothing. */
enum err tracker_consent_set(struct ctx *c, const char *ws_id, const char *roblox_user_id,
			     bool granted);

struct online_player {
	const char *roblox_user_id, *username, *server_id, *platform;
	bool is_staff, active;
	int64_t joined_at;
};

/* Players in live servers of ws (server_id NULL: all), joined first; *total before paging. */
enum err tracker_players_list(struct ctx *c, const char *ws_id, const char *server_id,
			      bool staff_only, int64_t page, int64_t page_size,
			      struct online_player **out, size_t *n, int64_t *total);

/* --- sessions (tracker_sessions.c) ------------------------------------------------------ */

/*
 * sendData (#36) steps 1 and 2: events to their users' open sessions on srv (deduplicated,
 * repeated joins skipped), then, when `players` was sent (keys non-NULL), the syncRemoval of
 * open sessions whose userKey is absent and whose join arrived over 30 s ago.
 */
enum err tracker_events_add(struct ctx *c, const char *ws_id, const struct running_server *srv,
			    const struct tracker_event *ev, size_t n);
enum err tracker_players_sync(struct ctx *c, const char *ws_id, const struct running_server *srv,
			      const char *const *keys, size_t n);

/* --- shared by tracker*.c only ---------------------------------------------------------- */

struct play_session {
	const char *id, *workspace_id, *server_id, *roblox_user_id, *user_key;
	int64_t distribution;
	bool staff;
	int64_t join_received_at, started_at, last_event_at;
	int64_t ended_at, ended_received_at; /* 0 while open */
	const char *removal_method;
	int64_t active_ms, idle_ms, typing_ms, messages;
	bool credited;
	bool active;      /* the last state is not idle */
	int64_t state_at; /* when that state began (0: the join) */
};

#define TRACKER_SESSION_COLS                                                                    \
	"id, workspace_id, server_id, roblox_user_id, user_key, distribution, staff,"          \
	" join_received_at, started_at, last_event_at, ended_at, ended_received_at,"           \
	" removal_method, active_ms, idle_ms, typing_ms, messages, credited, active, state_at"
void tracker_session_from_row(const struct rows *rs, size_t i, struct play_session *s);
/* Stores events for s (clamped, deduplicated); updates last_event_at and `active`. */
enum err tracker_session_add_events(struct ctx *c, struct play_session *s,
				    const struct tracker_event *ev, size_t n);
/*
 * Ends the open session s at `end` (>= start enforced) with `method`, then keeps and credits
 * it, or deletes it uncredited (§4.7 last rule). A session already ended is left alone.
 */
enum err tracker_session_finish(struct ctx *c, struct play_session *s, int64_t end,
				const char *method);
/* §4.7 late leave: a syncRemoval session's end moves to `end` if earlier; recredited. */
enum err tracker_session_recompute(struct ctx *c, struct play_session *s, int64_t end);
/* Clears the in-game flag of the user's member record unless they are on another live server. */
enum err tracker_member_left(struct ctx *c, const char *ws_id, const char *roblox_user_id);

#endif
