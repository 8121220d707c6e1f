/*
 * err.h: the one error table (platform.md §2). One row per code; the enum, status, code
 * string and fixed message are generated from it. A function that can fail returns enum err,
 * zero meaning success. Messages are safe to show to any client; detail goes to the log.
 */
#ifndef ROSTER_ERR_H
#define ROSTER_ERR_H

#define ERR_TABLE(X)                                                                              \
	X(OK, 200, "ok", "OK")                                                                    \
	X(MALFORMED, 400, "malformed_request", "Malformed HTTP request")                          \
	X(INVALID_JSON, 400, "invalid_json", "Request body is not valid JSON")                    \
	X(MEDIA_TYPE, 400, "unsupported_media_type", "Content-Type must be application/json")     \
	X(UNEXPECTED_BODY, 400, "unexpected_body", "This request does not take a body")           \
	X(MISSING_FIELD, 400, "missing_field", "A required field is missing")                     \
	X(INVALID_FIELD, 400, "invalid_field", "A field has an invalid value")                    \
	X(UNKNOWN_FIELD, 400, "unknown_field", "Unknown field in request body")                   \
	X(UNKNOWN_PARAMETER, 400, "unknown_parameter", "Unknown query parameter")                 \
	X(DUPLICATE_PARAMETER, 400, "duplicate_parameter", "Query parameter given more than once") \
	X(INVALID_PARAMETER, 400, "invalid_parameter", "Query parameter has an invalid value")    \
	X(CREDENTIAL_IN_QUERY, 400, "credential_in_query",                                        \
	  "Credentials must not be sent in the URL")                                              \
	X(AMBIGUOUS_CREDENTIALS, 400, "ambiguous_credentials",                                    \
	  "Conflicting credentials in request headers")                                           \
	X(ID_MISMATCH, 400, "id_mismatch", "Identifier in query and body differ")                 \
	X(UNKNOWN_IDS, 400, "unknown_ids", "Referenced ids do not exist")                         \
	X(UNKNOWN_PERMISSIONS, 400, "unknown_permissions", "Unknown permission keys")             \
	X(MISSING_PREREQUISITES, 400, "missing_prerequisites",                                    \
	  "Permission prerequisites are missing")                                                 \
	X(INVALID_ORDER, 400, "invalid_order", "Role order is invalid")                           \
	X(ASSIGNABLE_NOT_BELOW, 400, "assignable_not_below",                                      \
	  "Assignable roles must be below the role")                                              \
	X(SELF_LOCKOUT, 400, "self_lockout", "This change would remove your own access")          \
	X(CONFIRMATION_REQUIRED, 400, "confirmation_required", "Confirmation does not match")     \
	X(CURRENT_PASSWORD_INCORRECT, 400, "current_password_incorrect",                          \
	  "Current password is incorrect")                                                        \
	X(NOT_AN_OCCURRENCE, 400, "not_an_occurrence", "The template has no occurrence at that time") \
	X(UPSTREAM_REJECTED, 400, "upstream_rejected", "Roblox rejected the request")              \
	X(UNAUTHENTICATED, 401, "unauthenticated", "Authentication required")                     \
	X(INVALID_CREDENTIALS, 401, "invalid_credentials", "Invalid username or password")        \
	X(CSRF, 403, "csrf_failed", "CSRF validation failed")                                     \
	X(IP_NOT_ALLOWED, 403, "ip_not_allowed", "API key is not allowed from this address")      \
	X(SCOPE_MISSING, 403, "scope_missing", "API key lacks the required scope")                \
	X(FORBIDDEN, 403, "forbidden", "You are not allowed to do this")                          \
	X(HIERARCHY, 403, "hierarchy", "Target is at or above your level")                        \
	X(NOT_ASSIGNABLE, 403, "not_assignable", "Role is outside your assignable roles")         \
	X(PERMISSION_NOT_HELD, 403, "permission_not_held",                                        \
	  "You cannot grant or revoke permissions you do not hold")                               \
	X(SESSION_REQUIRED, 403, "session_required", "This endpoint requires a signed-in session") \
	X(PASSWORD_CHANGE_REQUIRED, 403, "password_change_required",                              \
	  "Change your password before continuing")                                               \
	X(NOT_FOUND, 404, "not_found", "Not found")                                               \
	X(ROLE_NOT_FOUND, 404, "role_not_found", "Role not found")                                \
	X(USER_NOT_FOUND, 404, "user_not_found", "User not found")                                \
	X(ACCOUNT_NOT_FOUND, 404, "account_not_found", "Removed account not found")               \
	X(KEY_NOT_FOUND, 404, "key_not_found", "API key not found")                               \
	X(COMMUNITY_NOT_FOUND, 404, "community_not_found", "Community not found")                 \
	X(RESOURCE_NOT_FOUND, 404, "resource_not_found", "Resource not found")                    \
	X(METHOD_NOT_ALLOWED, 405, "method_not_allowed", "Method not allowed")                    \
	X(NAME_TAKEN, 409, "name_taken", "Name already in use")                                   \
	X(USERNAME_TAKEN, 409, "username_taken", "Username already in use")                       \
	X(ROBLOX_ID_TAKEN, 409, "roblox_id_taken", "Roblox account already linked to another user") \
	X(GROUP_TAKEN, 409, "group_taken", "Roblox group already linked to another workspace")    \
	X(LIMIT_REACHED, 409, "limit_reached", "Limit reached")                                   \
	X(STALE_ORDER, 409, "stale_order", "Role list changed; reload and retry")                 \
	X(DEFAULT_REQUIRED, 409, "default_required", "A default community must remain")           \
	X(DEFAULT_UNDELETABLE, 409, "default_undeletable", "The default community cannot be deleted") \
	X(COMMUNITY_IN_USE, 409, "community_in_use",                                              \
	  "Revoke the community's loader and ranking keys first")                                 \
	X(ACCOUNT_NOT_REMOVED, 409, "account_not_removed", "Account is not soft-deleted")         \
	X(RETENTION_EXPIRED, 409, "retention_expired", "The restore window has ended")            \
	X(ALTS_REBUILD_RUNNING, 409, "alts_rebuild_running", "An alt rebuild is already running") \
	X(ROBLOX_NOT_LINKED, 409, "roblox_not_linked", "Workspace has no Roblox group or Open Cloud key") \
	X(PLAYER_IGNORED, 409, "player_ignored", "User is GDPR ignored")                          \
	X(ALREADY_BANNED, 409, "already_banned", "User already has an active ban")                \
	X(ALREADY_EXISTS, 409, "already_exists", "Already exists")                                \
	X(IN_USE, 409, "in_use", "Still referenced")                                              \
	X(INVALID_TRANSITION, 409, "invalid_transition", "Not allowed in the current state")      \
	X(SUBROLE_FULL, 409, "subrole_full", "Subrole is full")                                   \
	X(RANK_TOO_LOW, 409, "rank_too_low", "Rank below the subrole minimum")                    \
	X(ALREADY_CLAIMED, 409, "already_claimed", "Subrole already claimed")                     \
	X(ACTION_NOT_PENDING, 409, "action_not_pending",                                          \
	  "Action already delivered, cancelled or expired")                                       \
	X(CONFLICT, 409, "conflict", "Conflicting change; reload and retry")                      \
	X(BODY_TOO_LARGE, 413, "body_too_large", "Request body too large")                        \
	X(RATE_LIMITED, 429, "rate_limited", "Too many requests; retry later")                    \
	X(INTERNAL, 500, "internal", "Internal server error")                                     \
	X(STORE, 503, "storage_unavailable", "Storage temporarily unavailable")                   \
	X(BUSY, 503, "busy", "Server busy; retry later")                                          \
	X(UPSTREAM_UNAVAILABLE, 503, "upstream_unavailable", "Roblox API unavailable")

enum err {
#define ERR_ENUM(name, status, code, msg) ERR_##name,
	ERR_TABLE(ERR_ENUM)
#undef ERR_ENUM
	ERR_COUNT
};

int err_status(enum err e);
const char *err_code(enum err e);
const char *err_message(enum err e);

#endif
