/*
 * sessions.h: game sessions of a workspace (readmin-compat.md §2 RoleGroup, Template, Session,
 * Placeholder, §3.4, §4.11, §4.12; platform.md §6.6): role groups with subroles, templates with
 * a weekly or daily recurrence in a named IANA zone, materialised and one-off sessions, their
 * servers and the claims on them. Every statement is scoped by the workspace id the caller
 * resolved (the loader key or ws_resolve), so another workspace's row reads like none.
 * Writes are audited `workspace.session<Thing>.<verb>`. Results live in the ctx arena.
 * The recurrence part (sess_recur_*, sess_key_*) is pure and touches no storage.
 * Includers: api/, cli/, model/ (attendance for summaries).
 */
#ifndef ROSTER_SESSIONS_H
#define ROSTER_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tz.h"
#include "model/ctx.h"

#define SESS_GROUPS_MAX 100     /* platform.md §6.6: ≤ 100 role groups per workspace */
#define SESS_TEMPLATES_MAX 500  /* ≤ 500 templates */
#define SESS_SUBROLES_MAX 50    /* subroles[] ≤ 50 */
#define SESS_SERVERS_MAX 50     /* readmin-compat.md §3.4 #17: Server limit reached (50) */
/* Claims on one server in all, so maxUsers 0 (unlimited) still bounds rows (docs/sessions.md). */
#define SESS_CLAIMS_PER_SERVER_MAX 500
#define SESS_MAX_USERS 100      /* maxUsers 0-100, 0 = unlimited */
#define SESS_DURATION_MAX 1440  /* durationMinutes and appearsMinutesBefore 0-1440 */
#define SESS_NAME_MAX 100
#define SESS_DESCRIPTION_MAX 2000
#define SESS_NICKNAME_MAX 50
#define SESS_READMIN_LIST_MAX 500 /* §3.4 #14: at most 500 */
#define SESS_RANGE_MAX_MS (31LL * 86400000) /* platform.md §6.6: span ≤ 31 days */
#define SESS_KEY_MAX 48         /* "<24 hex>-<seconds>" */

/* ---- recurrence (pure) ------------------------------------------------------------------- */

enum sess_recurrence { RECUR_NONE, RECUR_DAILY, RECUR_WEEKLY };

struct sess_recur {
	const struct tz *zone;
	enum sess_recurrence kind;
	unsigned weekdays; /* bit 0 = Sunday ... bit 6 = Saturday; weekly only */
	int local_minute;  /* minutes after local midnight */
};

/*
 * The starts (UTC ms) of r in [from, to], ascending, at most max of them written to out;
 * returns how many there are in all (may exceed max). Each matching local date in r's zone at
 * local_minute; a skipped local time moves forward by the gap, a repeated one takes its earlier
 * instant (tz_from_local). A `none` recurrence has no occurrences.
 */
size_t sess_recur_between(const struct sess_recur *r, int64_t from, int64_t to, int64_t *out,
			  size_t max);
/* True when start (ms) is one of r's occurrences. */
bool sess_recur_is_start(const struct sess_recur *r, int64_t start);
/* "mon".."sun" to its bit (bit 0 = Sunday); -1 when unknown. */
int sess_weekday_bit(const char *name);
/* The three-letter / full lower-case English name of weekday bit i (0 = Sunday). */
const char *sess_weekday_short(int i);
const char *sess_weekday_long(int i);
/* "HH:MM" (00:00-23:59) to minutes after midnight; -1 when malformed. */
int sess_local_time_parse(const char *s);
/* "none" | "daily" | "weekly" to the enum; false when unknown. */
bool sess_recurrence_parse(const char *s, enum sess_recurrence *out);
const char *sess_recurrence_name(enum sess_recurrence k);
/* Occurrence key `<templateId>-<start Unix seconds>` (§3.4): parse into tid and start ms. */
bool sess_key_parse(const char *key, char tid[ID_LEN + 1], int64_t *start_ms);
/* Formats the key into the arena. */
const char *sess_key_format(struct arena *a, const char *template_id, int64_t start_ms);
/*
 * The occurrences a loader key may reach before they are materialised: starts in
 * [now - SESS_KEY_BEHIND_MS, now + SESS_KEY_AHEAD_MS], both ends included. The look-back is
 * #15's (an older start has ended); the look-ahead bounds how many session rows one key can
 * make (templates x 32 days). Materialised sessions are reachable by key at any start.
 */
#define SESS_KEY_AHEAD_MS (31LL * 86400000)
#define SESS_KEY_BEHIND_MS (1440LL * 60000)
bool sess_key_in_horizon(int64_t now, int64_t start);

/* ---- helpers shared by model/sessions*.c ------------------------------------------------ */

/* Space-separated id lists as stored (role_group_ids). */
const char **sess_ids_split(struct arena *a, const char *s, size_t *n);
const char *sess_ids_join(struct arena *a, const char *const *ids, size_t n);
/* Who the ctx actor is, as stored in created_by / claimed_by: a user id or loaderKey:<id>. */
const char *sess_actor_ref(struct ctx *c);

/* ---- role groups ---------------------------------------------------------------------------- */

struct sess_subrole {
	const char *id, *name;
	int max_users, min_rank;
	bool claim_once;
};

struct sess_group {
	const char *id, *name;
	struct sess_subrole *subroles;
	size_t n_subroles;
	const char **used_by; /* template ids referencing the group */
	size_t n_used_by;
	int64_t created_at, updated_at;
};

/* Input of create and update; a subrole id NULL gets a new uuid (update: ids match old ones). */
struct sess_group_input {
	const char *name;
	struct sess_subrole *subroles;
	size_t n_subroles;
};

/* The workspace's groups by created, id, with subroles in order and usedBy. */
enum err sess_group_list(struct ctx *c, const char *ws_id, struct sess_group **out, size_t *n);
/* ERR_RESOURCE_NOT_FOUND (resource "sessionRoleGroup") when ws has no such group. */
enum err sess_group_get(struct ctx *c, const char *ws_id, const char *id, struct sess_group *out);
/* 409 limit_reached past SESS_GROUPS_MAX; 400 invalid_field for a foreign subrole id. */
enum err sess_group_create(struct ctx *c, const char *ws_id, const struct sess_group_input *in,
			   struct sess_group *out);
enum err sess_group_update(struct ctx *c, const char *ws_id, const char *id,
			   const struct sess_group_input *in, struct sess_group *out);
/* 409 in_use while a template or a session that has not ended references it. */
enum err sess_group_delete(struct ctx *c, const char *ws_id, const char *id,
			   struct sess_group *out);

/* ---- templates -------------------------------------------------------------------------------- */

struct sess_template {
	const char *id, *name, *description;
	const char **group_ids;
	size_t n_groups;
	const char *timezone;
	enum sess_recurrence recurrence;
	unsigned weekdays;
	int local_minute;
	int duration_minutes, appears_before;
	const char *place_id, *game_id; /* NULL when unset */
	int64_t created_at, updated_at;
};

/* Timezone, group ids (400 unknown_ids) and the weekday rule are checked here. */
enum err sess_template_list(struct ctx *c, const char *ws_id, struct sess_template **out,
			    size_t *n);
enum err sess_template_get(struct ctx *c, const char *ws_id, const char *id,
			   struct sess_template *out);
enum err sess_template_create(struct ctx *c, const char *ws_id, const struct sess_template *in,
			      struct sess_template *out);
enum err sess_template_update(struct ctx *c, const char *ws_id, const char *id,
			      const struct sess_template *in, struct sess_template *out);
enum err sess_template_delete(struct ctx *c, const char *ws_id, const char *id,
			      struct sess_template *out);
/* The ReAdmin Template object of §2 as JSON text in the arena (frozen into sessions). */
const char *sess_template_json(struct ctx *c, const struct sess_template *t);
/* The recurrence of t; false when its zone can no longer be read. */
bool sess_template_recur(const struct sess_template *t, struct sess_recur *out);

/* ---- sessions, servers, claims ----------------------------------------------------------- */

struct sess_claim {
	const char *user_id, *group_id, *subrole_id, *state, *claim_id, *claimed_by;
	int64_t claimed_at;
};

struct sess_server {
	const char *id, *nickname;
	const char *linked_server_id; /* running server id, or NULL */
	const char *linked_job_id;    /* its Roblox jobId, or NULL */
	const char *linked_by;
	int64_t created_at;
	struct sess_claim *claims; /* by claimed_at, user id */
	size_t n_claims;
};

struct session {
	const char *id; /* NULL: an occurrence not materialised (a Placeholder) */
	const char *template_id; /* NULL: one-off */
	const char *occurrence_key; /* NULL: one-off */
	const char *name, *description;
	const char **group_ids;
	size_t n_groups;
	int64_t starts_at, ends_at;
	int appears_before;
	const char *place_id, *game_id;
	const char *template_json; /* frozen copy; for a placeholder the live template's */
	int duration_minutes;
	int64_t created_at;
	const char *created_by;
	int64_t cancelled_at; /* 0: live */
	bool one_off;
	struct sess_server *servers; /* by creation */
	size_t n_servers;
	/* session.claims: users with any claim, each once, in first-claim order (servers, claims) */
	const char **claimants;
	size_t n_claimants;
};

/*
 * Materialised sessions (not cancelled) and unmaterialised occurrences of templates whose
 * starts lie in [from, to], sorted by start, then id or key; template_id NULL for all.
 * with_servers loads servers and claims of the materialised ones.
 */
enum err sess_list_range(struct ctx *c, const char *ws_id, int64_t from, int64_t to,
			 const char *template_id, bool with_servers, struct session **out,
			 size_t *n);
/*
 * §3.4 #15 GET /sessions/upcoming: occurrences starting in [now - SESS_UPCOMING_BEHIND_MS,
 * now + SESS_UPCOMING_AHEAD_MS] (no session lasts longer than 1440 minutes, so every one still
 * running is in), kept while endsAt ≥ now, with servers and claims. *until is the first
 * instant after now at which that list can differ (sess_upcoming_until): the data being
 * unchanged, the same list is the answer for every now' in [now, *until).
 */
#define SESS_UPCOMING_AHEAD_MS (12LL * 3600 * 1000)
#define SESS_UPCOMING_BEHIND_MS ((int64_t)SESS_DURATION_MAX * 60000)
/* How far past the window the next entering occurrence is looked for. */
#define SESS_UPCOMING_HORIZON_MS (8LL * 86400000)
enum err sess_list_upcoming(struct ctx *c, const char *ws_id, int64_t now, struct session **out,
			    size_t *n, int64_t *until);
/*
 * Pure: v[0..n) is every live session and occurrence starting in the #15 window at now
 * (ended ones included), next_start the earliest start after the window's end (INT64_MAX:
 * none). Returns the earliest instant > now at which the answer can change: an included
 * item leaving (endsAt passed, or its start leaving the window behind) or the next start
 * entering the 12-hour window.
 */
int64_t sess_upcoming_until(int64_t now, const struct session *v, size_t n, int64_t next_start);
/* Materialised sessions with start ≥ from, by start and id, at most max, with servers. */
enum err sess_list_from(struct ctx *c, const char *ws_id, int64_t from, size_t max,
			struct session **out, size_t *n);
/*
 * A session by id, or an occurrence key: the materialised session, else the placeholder when
 * the template yields that start. ERR_RESOURCE_NOT_FOUND otherwise (cancelled ones included).
 * ERR_INVALID_FIELD (field "sessionId") when ref is neither an id nor a key.
 */
enum err sess_get(struct ctx *c, const char *ws_id, const char *ref, struct session *out);
/* True when ref has the shape of a session id or an occurrence key. */
bool sess_ref_is_valid(const char *ref);
/*
 * Materialises the occurrence of template_id at start (insert-or-read, so concurrent calls
 * materialise once): 400 not_an_occurrence when the template has no such start; *created
 * tells whether this call made it; 409 already_exists is the caller's choice.
 */
enum err sess_materialise(struct ctx *c, const char *ws_id, const char *template_id,
			  int64_t start, struct session *out, bool *created);
/* Resolves ref like sess_get and materialises a placeholder. */
enum err sess_get_materialised(struct ctx *c, const char *ws_id, const char *ref,
			       struct session *out);

struct sess_one_off {
	const char *name, *description;
	int64_t starts_at;
	int duration_minutes, appears_before;
	const char **group_ids;
	size_t n_groups;
	const char *place_id, *game_id;
};
enum err sess_create_one_off(struct ctx *c, const char *ws_id, const struct sess_one_off *in,
			     struct session *out);
/* Cancels a session (an occurrence key is materialised cancelled); *out as it was. */
enum err sess_cancel(struct ctx *c, const char *ws_id, const char *ref, struct session *out);

/* Adds a server: 409 limit_reached at SESS_SERVERS_MAX. */
enum err sess_server_add(struct ctx *c, const char *ws_id, const struct session *s,
			 const char *nickname, struct sess_server *out);
/*
 * Updates nickname (when set_nickname) and the link (when set_link; NULL unlinks). A link names
 * a live running server of ws, else 400 invalid_field linkedServerId.
 */
enum err sess_server_update(struct ctx *c, const char *ws_id, const struct session *s,
			    const char *server_id, bool set_nickname, const char *nickname,
			    bool set_link, const char *linked_server_id, struct sess_server *out);
enum err sess_server_delete(struct ctx *c, const char *ws_id, const struct session *s,
			    const char *server_id, struct sess_server *out);
/* The server of s with that id, or NULL. */
const struct sess_server *sess_server_find(const struct session *s, const char *server_id);

/* Why a claim was refused, for the surface to word. */
enum sess_claim_refusal {
	CLAIM_OK,
	CLAIM_NO_GROUP,    /* unknown role group, or not linked to the session */
	CLAIM_NO_SUBROLE,  /* not a subrole of that group */
	CLAIM_ENDED,       /* ends_at < now */
	CLAIM_LOCKED,      /* current claim on another claimOnce subrole */
	CLAIM_RANK_LOW,    /* rank below minRank */
	CLAIM_FULL,        /* maxUsers others hold it */
	CLAIM_SERVER_FULL, /* SESS_CLAIMS_PER_SERVER_MAX others hold a claim on the server */
};

struct sess_claim_input {
	const char *user_id, *group_id, *subrole_id;
	const char *claimed_by; /* Roster user id, 'loaderKey:<id>' */
	bool override;          /* management: skips locked and rank, never full */
};

/*
 * Claims a subrole on server_id of s: one claim per user per server; a different subrole
 * replaces the old claim (state none); the same one is a replay that changes nothing.
 * The write is one conditional statement, so maxUsers and SESS_CLAIMS_PER_SERVER_MAX hold
 * under concurrency (a move of the user's own claim never counts against either).
 * *refusal is set and ERR_OK returned when refused; then nothing is written.
 */
enum err sess_claim(struct ctx *c, const char *ws_id, const struct session *s,
		    const char *server_id, const struct sess_claim_input *in,
		    enum sess_claim_refusal *refusal, struct sess_claim *out);
/* State none current completed passed failed; ERR_RESOURCE_NOT_FOUND without the claim. */
enum err sess_claim_set_state(struct ctx *c, const char *ws_id, const struct session *s,
			      const char *server_id, const char *user_id, const char *state,
			      struct sess_claim *out);
enum err sess_claim_delete(struct ctx *c, const char *ws_id, const struct session *s,
			   const char *server_id, const char *user_id, struct sess_claim *out);
bool sess_claim_state_is_valid(const char *s);

/*
 * §4.8 attendedSessions: sessions (not cancelled) starting in [from_ms, to_ms) where the user
 * holds a claim in state completed or passed.
 */
enum err sessions_attended_count(struct ctx *c, const char *workspace_id,
				 const char *roblox_user_id, int64_t from_ms, int64_t to_ms,
				 int64_t *n);

#endif
