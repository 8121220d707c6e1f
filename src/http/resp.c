/*
 * resp.c: the envelopes of each surface (platform.md §1, readmin-compat.md) and the headers
 * every answer carries (SECURITY.md §7).
 */
#include "http/resp.h"

#include <stdio.h>
#include <string.h>

#include "core/limits.h"

/* path is prefix itself or lies below it ("/ranking", "/ranking/x"; not "/rankings"). */
static bool
under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

enum surface
surface_of_path(const char *path)
{
	/* readmin-compat.md §1.1: everything under these prefixes speaks ReAdmin's envelope. */
	static const char *const readmin[] = { "/ranking", "/staff",  "/activity", "/sessions",
					       "/games",   "/orders", "/v2" };
	if (under(path, "/api"))
		return SURF_API;
	for (size_t i = 0; i < sizeof(readmin) / sizeof(readmin[0]); i++)
		if (under(path, readmin[i]))
			return SURF_READMIN;
	return SURF_OPS;
}

/* readmin-compat.md §1.2: the texts of the errors every ReAdmin route shares. */
static const char *
readmin_reason(enum err err)
{
	switch (err) {
	case ERR_MALFORMED: return "Malformed request";
	case ERR_NOT_FOUND: return "Route not found";
	case ERR_METHOD_NOT_ALLOWED: return "Method not allowed";
	case ERR_CREDENTIAL_IN_QUERY: return "Credentials must not be sent in the URL";
	case ERR_AMBIGUOUS_CREDENTIALS: return "Conflicting credentials";
	case ERR_RATE_LIMITED: return "Too many requests";
	case ERR_STORE: /* fall through */
	case ERR_BUSY: return "Storage temporarily unavailable";
	case ERR_BODY_TOO_LARGE: return "Request body too large";
	case ERR_INVALID_JSON: return "Invalid JSON body";
	case ERR_MEDIA_TYPE: return "Invalid content type";
	case ERR_UNAUTHENTICATED: return "Unauthorized";
	case ERR_UPSTREAM_UNAVAILABLE: return "Roblox API unavailable";
	case ERR_INTERNAL: return "Internal server error";
	default: return err_message(err);
	}
}

void
resp_security_headers(struct req *r, enum surface s)
{
	if (s == SURF_READMIN) {
		/* readmin-compat.md §1.1: the headers ReAdmin's own service sends. */
		req_header_add(r, "Cache-Control", "no-store, no-cache, must-revalidate, max-age=0");
		req_header_add(r, "Pragma", "no-cache");
		req_header_add(r, "Expires", "0");
		return;
	}
	req_header_add(r, "Cache-Control", "no-store");
	if (s == SURF_WEB)
		return;
	req_header_add(r, "Referrer-Policy", "no-referrer");
	req_header_add(r, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
}

void
resp_begin(struct req *r)
{
	if (r->out.max == 0)
		buf_init(&r->out, LIMIT_RESPONSE);
	buf_reset(&r->out);
	jw_init(&r->w, &r->out);
	/* readmin-compat.md §3: ReAdmin answers put their members beside `success`. */
	if (r->route != NULL && r->route->surface == SURF_READMIN) {
		jw_obj(&r->w);
		jw_kbool(&r->w, "success", true);
		return;
	}
	buf_puts(&r->out, "{\"success\":true,\"data\":");
	jw_obj(&r->w);
}

void
resp_end(struct req *r)
{
	jw_obj_end(&r->w);
	if (r->route == NULL || r->route->surface != SURF_READMIN)
		buf_puts(&r->out, ",\"error\":null}");
	r->status = 200;
	r->content_type = "application/json; charset=utf-8";
}

void
resp_error(struct req *r, enum err err, const struct fail *f)
{
	enum surface s = surface_of_path(r->path ? r->path : "/");
	int retry_after = f ? f->retry_after : 0;
	char ra[16];

	if (r->out.max == 0)
		buf_init(&r->out, LIMIT_RESPONSE);
	buf_reset(&r->out);
	r->status = f && f->status ? f->status : err_status(err);
	r->content_type = "application/json; charset=utf-8";
	if (s == SURF_READMIN) {
		const char *reason = f && f->reason ? f->reason : readmin_reason(err);
		const char *extra = r->route ? r->route->readmin_extra : NULL;

		buf_puts(&r->out, "{\"success\":false,\"reason\":");
		buf_json_str(&r->out, reason, strlen(reason));
		/* §1.2: Sessions routes repeat it as `message`, sendData and playerLeave as `error`. */
		if (extra != NULL) {
			buf_printf(&r->out, ",\"%s\":", extra);
			buf_json_str(&r->out, reason, strlen(reason));
		}
		buf_putc(&r->out, '}');
	} else if (s == SURF_OPS && err == ERR_NOT_FOUND) {
		/* platform.md §8: other paths belong to the dashboard's files; none matched. */
		buf_puts(&r->out, "Not found\n");
		r->content_type = "text/plain; charset=utf-8";
	} else {
		struct jw w;
		jw_init(&w, &r->out);
		jw_obj(&w);
		jw_kbool(&w, "success", false);
		jw_knull(&w, "data");
		jw_key(&w, "error");
		jw_obj(&w);
		jw_kstr(&w, "code", err_code(err));
		jw_kstr(&w, "message", err_message(err));
		if (f != NULL && f->details != NULL)
			jw_kraw(&w, "details", f->details);
		jw_kstr(&w, "requestId", r->request_id);
		jw_obj_end(&w);
		jw_obj_end(&w);
	}
	if (r->status == 429 || r->status == 503) {
		/* ReAdmin clients retry on 429/5xx; §1.2 keeps Retry-After within 1-30. */
		int secs = retry_after > 0 ? retry_after : r->status == 429 ? 60 : 5;
		if (s == SURF_READMIN && secs > 30)
			secs = 30;
		snprintf(ra, sizeof(ra), "%d", secs);
		req_header_add(r, "Retry-After", ra);
	}
	if (err == ERR_MALFORMED)
		r->close = true;
}
