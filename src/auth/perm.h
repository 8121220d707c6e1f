/*
 * perm.h: the compiled-in permission catalogue (staff-admin.md §3) and API key scopes.
 * Permissions are bits of a uint64_t in catalogue order; held() expands `administrator`.
 */
#ifndef ROSTER_PERM_H
#define ROSTER_PERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PERM_TABLE(X)                                                                         \
	X(ADMINISTRATOR, "administrator", "platform", "Administrator",                        \
	  "Implies every other permission; never bypasses the hierarchy", 0)                  \
	X(VIEW_STAFF, "view_staff", "staff", "View staff", "Read roles, permissions and communities", 0) \
	X(MANAGE_ROLES, "manage_roles", "staff", "Manage roles", "Create, edit, reorder and delete roles", \
	  P(VIEW_STAFF))                                                                      \
	X(MANAGE_PERMISSIONS, "manage_permissions", "staff", "Manage permissions",            \
	  "Change the permissions of roles", P(MANAGE_ROLES))                                 \
	X(MANAGE_COMMUNITIES, "manage_communities", "staff", "Manage communities",            \
	  "Create, edit and delete communities and workspaces", P(VIEW_STAFF))                \
	X(VIEW_USERS, "view_users", "users", "View users", "List and read user accounts", 0)  \
	X(MANAGE_USERS, "manage_users", "users", "Manage users", "Create users and edit profiles", \
	  P(VIEW_USERS))                                                                      \
	X(ASSIGN_ROLES, "assign_roles", "users", "Assign roles", "Give or remove a user's role", \
	  P(VIEW_USERS) | P(VIEW_STAFF))                                                      \
	X(DELETE_USERS, "delete_users", "users", "Delete users", "Soft-delete accounts", P(VIEW_USERS)) \
	X(RESET_PASSWORDS, "reset_passwords", "users", "Reset passwords",                     \
	  "Set another user's password", P(VIEW_USERS))                                       \
	X(REVOKE_SESSIONS, "revoke_sessions", "users", "Revoke sessions",                     \
	  "End another user's login sessions", P(VIEW_USERS))                                 \
	X(VIEW_ALTS, "view_alts", "users", "View alts", "Read the last alt clusters", P(VIEW_USERS)) \
	X(RECOMPUTE_ALTS, "recompute_alts", "users", "Recompute alts", "Rebuild alt clusters", \
	  P(VIEW_ALTS))                                                                       \
	X(VIEW_REMOVED_ACCOUNTS, "view_removed_accounts", "accounts", "View removed accounts", \
	  "List soft-deleted and restored accounts", P(VIEW_USERS))                           \
	X(RESTORE_ACCOUNTS, "restore_accounts", "accounts", "Restore accounts",               \
	  "Restore soft-deleted accounts", P(VIEW_REMOVED_ACCOUNTS))                          \
	X(ERASE_ACCOUNTS, "erase_accounts", "accounts", "Erase accounts",                     \
	  "Permanently erase soft-deleted accounts", P(VIEW_REMOVED_ACCOUNTS))                \
	X(VIEW_AUDIT_LOG, "view_audit_log", "audit", "View audit log", "Read the audit log", 0) \
	X(CREATE_API_KEYS, "create_api_keys", "keys", "Create API keys",                      \
	  "Create API keys linked to oneself", 0)                                             \
	X(MANAGE_API_KEYS, "manage_api_keys", "keys", "Manage API keys",                      \
	  "List and revoke other users' keys", P(VIEW_USERS))                                 \
	X(VIEW_WORKSPACE, "view_workspace", "workspace", "View workspace",                    \
	  "Read everything under a workspace", 0)                                             \
	X(MANAGE_WORKSPACE, "manage_workspace", "workspace", "Manage workspace",              \
	  "Workspace settings and ranks", P(VIEW_WORKSPACE))                                  \
	X(MANAGE_WORKSPACE_KEYS, "manage_workspace_keys", "workspace", "Manage workspace keys", \
	  "Ranking keys and loader keys", P(MANAGE_WORKSPACE))                                \
	X(MANAGE_MEMBERS, "manage_members", "workspace", "Manage members",                    \
	  "Member records, rank changes, exile and shout", P(VIEW_WORKSPACE))                 \
	X(MANAGE_STAFF_HISTORY, "manage_staff_history", "workspace", "Manage staff history",  \
	  "Staff history entries", P(VIEW_WORKSPACE))                                         \
	X(MANAGE_ACTIVITY, "manage_activity", "workspace", "Manage activity",                 \
	  "Minute adjustments and distributions", P(VIEW_WORKSPACE))                          \
	X(MANAGE_GAME_SERVERS, "manage_game_servers", "workspace", "Manage game servers",     \
	  "Queued server actions and ending servers", P(VIEW_WORKSPACE))                      \
	X(MANAGE_SESSIONS, "manage_sessions", "workspace", "Manage sessions",                 \
	  "Session role groups, templates, sessions, servers and claims", P(VIEW_WORKSPACE))  \
	X(MANAGE_GAME_BANS, "manage_game_bans", "workspace", "Manage game bans", "Game bans", \
	  P(VIEW_WORKSPACE))                                                                  \
	X(MANAGE_ORDERS, "manage_orders", "workspace", "Manage orders", "Order transitions",   \
	  P(VIEW_WORKSPACE))

enum perm {
#define PERM_ENUM(name, key, cat, label, desc, deps) PERM_##name,
	PERM_TABLE(PERM_ENUM)
#undef PERM_ENUM
	PERM_COUNT,
	PERM_NONE = -1
};

struct perm_info {
	const char *key;
	const char *category;
	const char *label;
	const char *description;
	uint64_t depends; /* direct prerequisites as bits */
};

extern const struct perm_info perm_catalogue[PERM_COUNT];

#define PERM_BIT(p) ((uint64_t)1 << (p))
#define PERM_ALL ((PERM_BIT(PERM_COUNT) - 1))

/* held(a): the stored set, or the whole catalogue when it contains administrator. */
uint64_t perm_held(uint64_t stored);
/* PERM_NONE when unknown. */
enum perm perm_lookup(const char *key);
/* Aborts start-up on an unknown prerequisite or a cycle (staff-admin.md §3). */
bool perm_catalogue_check(void);

/* API key scopes (staff-admin.md §3); X:write includes X:read. */
#define SCOPE_TABLE(X)                         \
	X(STAFF_READ, "staff:read")            \
	X(STAFF_WRITE, "staff:write")          \
	X(USERS_READ, "users:read")            \
	X(USERS_WRITE, "users:write")          \
	X(WORKSPACES_READ, "workspaces:read")  \
	X(WORKSPACES_WRITE, "workspaces:write") \
	X(AUDIT_READ, "audit:read")

enum scope_idx {
#define SCOPE_ENUM(name, key) SCOPEI_##name,
	SCOPE_TABLE(SCOPE_ENUM)
#undef SCOPE_ENUM
	SCOPE_COUNT
};

#define SCOPE_NONE 0u
#define SCOPE_STAFF_READ (1u << SCOPEI_STAFF_READ)
#define SCOPE_STAFF_WRITE (1u << SCOPEI_STAFF_WRITE)
#define SCOPE_USERS_READ (1u << SCOPEI_USERS_READ)
#define SCOPE_USERS_WRITE (1u << SCOPEI_USERS_WRITE)
#define SCOPE_WORKSPACES_READ (1u << SCOPEI_WORKSPACES_READ)
#define SCOPE_WORKSPACES_WRITE (1u << SCOPEI_WORKSPACES_WRITE)
#define SCOPE_AUDIT_READ (1u << SCOPEI_AUDIT_READ)

extern const char *const scope_names[SCOPE_COUNT];
/* 0 when unknown. */
unsigned scope_lookup(const char *name);
/* A granted set covers the required scope (write includes read). */
bool scope_covers(unsigned granted, unsigned required);

#endif
