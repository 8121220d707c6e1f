/*
 * roblox.c: Open Cloud v2 group calls; see roblox.h. Requests go through http/client.c only;
 * answers are parsed with json/json.h into the caller's arena. The status-to-outcome mapping
 * of readmin-compat.md §1.8 lives in rbx_outcome and nowhere else.
 */
#include "roblox/roblox.h"

#include <stdio.h>
#include <string.h>

#include "auth/secret.h"
#include "config.h"
#include "core/id.h"
#include "core/log.h"
#include "http/client.h"
#include "json/json.h"
#include "json/jw.h"

#define RBX_ROLE_PAGES 50 /* 50 pages of 20: Roblox groups hold at most 40 roles */

void
roblox_init(struct roblox *rb, struct arena *a, const char *group_id, const char *key)
{
	rb->arena = a;
	rb->group_id = group_id && *group_id ? group_id : NULL;
	rb->key = key && *key ? key : NULL;
	rb->cookie = NULL;
	rb->status = 0;
}

void
roblox_set_cookie(struct roblox *rb, const char *cookie)
{
	rb->cookie = cookie && *cookie ? cookie : NULL;
}

bool
roblox_is_bot_linked(const struct roblox *rb)
{
	return roblox_is_linked(rb) && rb->cookie != NULL;
}

/* A secret that would break out of its header line is refused, never sent. */
static bool
header_safe(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

bool
roblox_is_linked(const struct roblox *rb)
{
	return rb->group_id != NULL && rb->key != NULL;
}

static enum roblox_result
rbx_outcome(int status)
{
	if (status >= 200 && status <= 299)
		return RBX_OK;
	if (status == 401 || status == 403)
		return RBX_KEY_REJECTED;
	if (status == 404)
		return RBX_NOT_FOUND;
	if (status == 429)
		return RBX_UNAVAILABLE;
	if (status >= 400 && status <= 499)
		return RBX_REFUSED;
	return RBX_UNAVAILABLE; /* 5xx, a redirect we do not follow, timeout, network */
}

/* Percent-encodes s for a query value (RFC 3986 unreserved kept). */
static const char *
rbx_escape(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(s);
	char *out = arena_alloc(a, len * 3 + 1), *p = out;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.' || ch == '~') {
			*p++ = (char)ch;
		} else {
			*p++ = '%';
			*p++ = hex[ch >> 4];
			*p++ = hex[ch & 15];
		}
	}
	*p = '\0';
	return out;
}

/*
 * One request to base + /cloud/v2/ + path; a 2xx answer is parsed into *json (an object, or
 * NULL when the body is empty). An unreadable 2xx answer is RBX_UNAVAILABLE.
 */
static enum roblox_result
rbx_call(struct roblox *rb, const char *method, const char *path, const char *body,
	 const struct json **json)
{
	struct client_req q = { 0 };
	struct buf out;
	enum roblox_result res;
	char *auth;

	*json = NULL;
	if (!roblox_is_linked(rb))
		return RBX_NOT_LINKED;
	if (!header_safe(rb->key))
		return RBX_KEY_REJECTED;
	q.method = method;
	q.url = arena_printf(rb->arena, "%s/cloud/v2/%s", cfg.roblox_api_url, path);
	auth = arena_printf(rb->arena, "x-api-key: %s", rb->key);
	q.headers[0] = auth;
	q.headers[1] = "Accept: application/json";
	if (body != NULL) {
		q.headers[2] = "Content-Type: application/json";
		q.body = body;
		q.body_len = strlen(body);
	}
	buf_init(&out, CLIENT_BODY_MAX);
	rb->status = client_request(&q, &out);
	secret_wipe(auth, strlen(auth));
	res = rbx_outcome(rb->status);
	if (res == RBX_OK && out.len > 0 &&
	    json_parse(rb->arena, out.p, out.len, json) != JSON_OK) {
		log_warn("roblox.failed", "%s on group '%s': answer is not a JSON object", method,
			 rb->group_id);
		res = RBX_UNAVAILABLE;
	}
	if (res != RBX_OK && res != RBX_NOT_FOUND)
		log_warn("roblox.failed", "%s on group '%s': status %d", method,
			 rb->group_id ? rb->group_id : "", rb->status);
	buf_release(&out);
	return res;
}

/* The last segment of "a/b/c", or NULL. */
static const char *
last_segment(const char *path)
{
	const char *p = path ? strrchr(path, '/') : NULL;

	return p && p[1] ? p + 1 : NULL;
}

enum roblox_result
roblox_user_get(struct roblox *rb, const char *user_id, struct roblox_user *out)
{
	const struct json *j;
	enum roblox_result res;

	res = rbx_call(rb, "GET", arena_printf(rb->arena, "users/%s", user_id), NULL, &j);
	if (res)
		return res;
	out->id = user_id;
	out->name = j ? json_str(j, "name") : NULL;
	out->display_name = j ? json_str(j, "displayName") : NULL;
	return RBX_OK;
}

enum roblox_result
roblox_group_name(struct roblox *rb, const char **name)
{
	const struct json *j;
	enum roblox_result res;

	res = rbx_call(rb, "GET", arena_printf(rb->arena, "groups/%s", rb->group_id), NULL, &j);
	if (res)
		return res;
	*name = j ? json_str(j, "displayName") : NULL;
	return *name ? RBX_OK : RBX_UNAVAILABLE;
}

/* Appends the roles of one page; false when an item is unreadable. */
static bool
roles_from_page(const struct json *arr, struct roblox_role *dst, size_t cap,
		size_t *n)
{
	for (size_t i = 0; i < json_array_len(arr); i++) {
		const struct json *it = json_array_at(arr, i);
		struct roblox_role *r;
		int64_t rank;

		if (*n >= cap || !json_is_object(it))
			return false;
		r = &dst[(*n)++];
		r->id = json_str(it, "id");
		if (r->id == NULL)
			r->id = last_segment(json_str(it, "path"));
		r->name = json_str(it, "displayName");
		rank = json_int(it, "rank", -1);
		r->member_count = json_int(it, "memberCount", 0);
		/* The id is stored and later sent back in URLs and bodies: only a Roblox id. */
		if (r->id == NULL || !roblox_id_is_valid(r->id) || r->name == NULL || rank < 0 ||
		    rank > 255)
			return false;
		r->rank = (int)rank;
	}
	return true;
}

enum roblox_result
roblox_role_list(struct roblox *rb, struct roblox_role **out, size_t *n)
{
	const size_t cap = 1000;
	const char *token = "";
	struct roblox_role *dst = arena_alloc(rb->arena, cap * sizeof(*dst));

	*n = 0;
	for (int page = 0; page < RBX_ROLE_PAGES; page++) {
		const struct json *j;
		enum roblox_result res = rbx_call(
			rb, "GET",
			arena_printf(rb->arena, "groups/%s/roles?maxPageSize=20&pageToken=%s",
				     rb->group_id, rbx_escape(rb->arena, token)),
			NULL, &j);
		if (res)
			return res;
		if (j == NULL || json_get(j, "groupRoles") == NULL ||
		    !roles_from_page(json_get(j, "groupRoles"), dst, cap, n))
			return RBX_UNAVAILABLE;
		token = json_str(j, "nextPageToken");
		if (token == NULL || *token == '\0') {
			*out = dst;
			return RBX_OK;
		}
	}
	return RBX_UNAVAILABLE; /* a token that never ends */
}

/*
 * The membership path is later used as the URL path of a request carrying the Open Cloud
 * key, so only `groups/<this group>/memberships/<[A-Za-z0-9_-]+>` is accepted: nothing that
 * could leave this group's memberships (`..`, `/`, `?`, `%`, another group).
 */
static bool
membership_path_ok(const struct roblox *rb, const char *path)
{
	static const char prefix[] = "memberships/";
	size_t glen = strlen(rb->group_id), n;

	if (path == NULL || strncmp(path, "groups/", 7) != 0 ||
	    strncmp(path + 7, rb->group_id, glen) != 0 || path[7 + glen] != '/' ||
	    strncmp(path + 8 + glen, prefix, sizeof(prefix) - 1) != 0)
		return false;
	path += 8 + glen + sizeof(prefix) - 1;
	n = strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
	return n > 0 && path[n] == '\0';
}

enum roblox_result
roblox_membership_find(struct roblox *rb, const char *user_id, struct roblox_membership *out)
{
	const struct json *j, *arr, *it;
	const char *filter = arena_printf(rb->arena, "user == 'users/%s'", user_id);
	enum roblox_result res;

	out->path = NULL;
	out->role_id = NULL;
	res = rbx_call(rb, "GET",
		       arena_printf(rb->arena, "groups/%s/memberships?maxPageSize=1&filter=%s",
				    rb->group_id, rbx_escape(rb->arena, filter)),
		       NULL, &j);
	if (res)
		return res;
	arr = j ? json_get(j, "groupMemberships") : NULL;
	if (arr == NULL || json_array_len(arr) == 0)
		return RBX_OK;
	it = json_array_at(arr, 0);
	if (!json_is_object(it))
		return RBX_UNAVAILABLE;
	out->path = json_str(it, "path");
	out->role_id = last_segment(json_str(it, "role"));
	if (!membership_path_ok(rb, out->path) || out->role_id == NULL ||
	    !roblox_id_is_valid(out->role_id)) {
		out->path = NULL;
		out->role_id = NULL;
		return RBX_UNAVAILABLE;
	}
	return RBX_OK;
}

enum roblox_result
roblox_membership_set_role(struct roblox *rb, const char *membership_path, const char *role_id)
{
	const struct json *j;
	struct buf b;
	struct jw w;
	const char *body;

	/* The JSON writer escapes whatever the ids hold; no id is pasted into JSON text. */
	buf_init(&b, CLIENT_BODY_MAX);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "role", arena_printf(rb->arena, "groups/%s/roles/%s", rb->group_id, role_id));
	jw_obj_end(&w);
	body = b.overflow || b.p == NULL ? NULL : arena_strdup(rb->arena, b.p);
	buf_release(&b);
	if (body == NULL)
		return RBX_UNAVAILABLE;
	return rbx_call(rb, "PATCH", membership_path, body, &j);
}

enum roblox_result
roblox_join_request_list(struct roblox *rb, const char *page_token,
			 struct roblox_join_request **out, size_t *n, const char **next)
{
	const struct json *j, *arr;
	enum roblox_result res;

	res = rbx_call(rb, "GET",
		       arena_printf(rb->arena, "groups/%s/join-requests?maxPageSize=100&pageToken=%s",
				    rb->group_id, rbx_escape(rb->arena, page_token ? page_token : "")),
		       NULL, &j);
	if (res)
		return res;
	arr = j ? json_get(j, "groupJoinRequests") : NULL;
	*n = arr ? json_array_len(arr) : 0;
	*out = arena_alloc(rb->arena, (*n + 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++) {
		const struct json *it = json_array_at(arr, i);
		struct roblox_join_request *q = &(*out)[i];
		if (!json_is_object(it))
			return RBX_UNAVAILABLE;
		q->path = json_str(it, "path");
		q->create_time = json_str(it, "createTime");
		q->user = json_str(it, "user");
		if (q->path == NULL || q->user == NULL)
			return RBX_UNAVAILABLE;
	}
	*next = j ? json_str(j, "nextPageToken") : NULL;
	if (*next == NULL)
		*next = "";
	return RBX_OK;
}

enum roblox_result
roblox_join_request_decide(struct roblox *rb, const char *user_id, bool accept)
{
	const struct json *j;

	return rbx_call(rb, "POST",
			arena_printf(rb->arena, "groups/%s/join-requests/%s:%s", rb->group_id,
				     user_id, accept ? "accept" : "decline"),
			"{}", &j);
}

/* One legacy request with the cookie, retried once with the CSRF token a 403 hands out. */
static enum roblox_result
legacy_call(struct roblox *rb, const char *method, const char *path, const char *body)
{
	struct client_req q = { 0 };
	struct buf out;
	char token[sizeof(q.header_value)] = "";

	if (!roblox_is_bot_linked(rb))
		return RBX_NOT_LINKED;
	if (!header_safe(rb->cookie) || strchr(rb->cookie, ';') != NULL)
		return RBX_KEY_REJECTED;
	buf_init(&out, CLIENT_BODY_MAX);
	for (int attempt = 0; attempt < 2; attempt++) {
		memset(&q, 0, sizeof(q));
		q.method = method;
		q.url = arena_printf(rb->arena, "%s%s", cfg.roblox_legacy_api_url, path);
		char *cookie = arena_printf(rb->arena, "Cookie: .ROBLOSECURITY=%s", rb->cookie);
		q.headers[0] = cookie;
		q.headers[1] = "Accept: application/json";
		q.headers[2] = "Content-Type: application/json";
		if (token[0] != '\0' && header_safe(token))
			q.headers[3] = arena_printf(rb->arena, "X-CSRF-TOKEN: %s", token);
		q.body = body;
		q.body_len = body ? strlen(body) : 0;
		q.want_header = "x-csrf-token";
		rb->status = client_request(&q, &out);
		secret_wipe(cookie, strlen(cookie));
		if (rb->status != 403 || q.header_value[0] == '\0' || attempt > 0)
			break;
		memcpy(token, q.header_value, sizeof(token));
	}
	buf_release(&out);
	if (rbx_outcome(rb->status) != RBX_OK && rbx_outcome(rb->status) != RBX_NOT_FOUND)
		log_warn("roblox.failed", "legacy %s on group '%s': status %d", method, rb->group_id,
			 rb->status);
	return rbx_outcome(rb->status);
}

enum roblox_result
roblox_exile(struct roblox *rb, const char *user_id)
{
	return legacy_call(rb, "DELETE",
			   arena_printf(rb->arena, "/v1/groups/%s/users/%s", rb->group_id, user_id),
			   NULL);
}

enum roblox_result
roblox_shout(struct roblox *rb, const char *message)
{
	struct buf b;
	char *body;
	enum roblox_result res;

	buf_init(&b, CLIENT_BODY_MAX);
	buf_puts(&b, "{\"message\":");
	buf_json_str(&b, message, strlen(message));
	buf_putc(&b, '}');
	body = arena_strdup(rb->arena, b.p);
	buf_release(&b);
	res = legacy_call(rb, "PATCH", arena_printf(rb->arena, "/v1/groups/%s/status", rb->group_id),
			  body);
	return res;
}
