/*
 * accounts.h: the removed-account lifecycle of staff-admin.md §7: soft delete (DELETE
 * /api/users/{id}), the deletion records A15 lists, restore (A16), erase (A17) and the
 * retention purge job (platform.md §11). Every transition is one conditional update of the
 * open record (`... WHERE status = 'soft_deleted'`) inside the caller's write transaction, so a
 * restore and an erase of one account have exactly one winner (§7.4). Requests judge H11 by
 * the role the record retains; each change writes one audit entry. Results live in the ctx
 * arena. Includers: api/, cli/, model/jobs.c.
 */
#ifndef ROSTER_ACCOUNTS_H
#define ROSTER_ACCOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "model/ctx.h"

/* §7.2: a soft-deleted account can be restored for 30 days. */
#define ACCOUNT_RETENTION_MS (30LL * 24 * 3600 * 1000)
/* Accounts the retention job erases per run, so its write transaction stays short. */
#define ACCOUNT_PURGE_BATCH 100

/* One deletion record with its account (RemovedAccount of §7.3). */
struct removed_account {
	const char *id; /* the account */
	const char *deletion_id;
	const char *username;
	const char *email;
	const char *roblox_user_id;
	const char *role_id; /* the retained role; NULL: none, or it was deleted since */
	const char *role_name;
	const char *role_color;
	int level;
	const char *status; /* soft_deleted | restored */
	const char *reason;
	int64_t deleted_at;
	const char *deleted_by; /* NULL: CLI */
	const char *deleted_by_name;
	int64_t retention_expires_at;
	int64_t restored_at; /* 0: not restored */
	const char *restored_by;
	const char *restored_by_name;
	const char *restore_reason;
};

/* A15 filters. */
struct account_filter {
	const char *search; /* exact account id, or a substring of username, email or reason */
	const char *status; /* soft_deleted | restored; NULL = both */
	int64_t page, page_size;
};

/* The Deletion object of §7.5. */
struct account_erasure {
	const char *user_id;
	const char *deletion_id;
	int64_t erased_at;
	const char *erased_by; /* NULL: the retention job */
	const char *erased_by_name;
	int64_t sessions;
	int64_t api_keys;
	int64_t identity_signals;
	int64_t cluster_memberships;
	int64_t allowlist_entries;
	int64_t audit_scrubbed;
};

/*
 * DELETE /api/users/{id} (§7.2): the active account (404 user_not_found) below the actor
 * (H11) becomes soft_deleted with a new record retaining its role; every session and key is
 * revoked. Audit user.delete. *out is the new record.
 */
enum err account_soft_delete(struct ctx *c, const char *user_id, const char *reason,
			     struct removed_account *out);

/* A15: records in status soft_deleted or restored, newest deletedAt first; *total before paging. */
enum err account_list(struct ctx *c, const struct account_filter *f, struct removed_account **out,
		      size_t *n, int64_t *total);

/*
 * A16 (§7.4), in the check order of §1.6: 404 account_not_found (unknown or erased), 403
 * hierarchy, 409 account_not_removed (active), 409 retention_expired. The account is active
 * again with the retained role if that role still exists; its revoked sessions and keys stay
 * revoked. Audit account.restore. *out is the record, now restored.
 */
enum err account_restore(struct ctx *c, const char *user_id, const char *reason,
			 struct removed_account *out);

/*
 * A17 (§7.5): 404 account_not_found, 403 hierarchy, 409 account_not_removed, then 400
 * confirmation_required unless confirm equals the username exactly. Erases in the caller's
 * transaction: sessions, keys, identity signals, alt-cluster membership, allow-list entries,
 * login throttle rows and the password hash go; the user row becomes a tombstone; the
 * account's records lose their reasons; audit entries naming the account are scrubbed. Audit
 * account.erase, without the account's username, email or deletion reason.
 */
enum err account_erase(struct ctx *c, const char *user_id, const char *confirm,
		       const char *reason, struct account_erasure *out);

/*
 * The retention job: erases up to ACCOUNT_PURGE_BATCH soft-deleted accounts whose
 * retentionExpiresAt has passed, as actor `system` with reason retention_expired. *n erased.
 */
enum err account_purge_expired(struct ctx *c, int64_t *n);

#endif
