/*
 * resp.c: the envelopes of each surface (platform.md §1, readmin-compat.md) and the headers
 * every answer carries (SECURITY.md §7).
 */
#include "http/resp.h"

#include <stdio.h>
#include <string.h>

#include "core/limits.h"

enum surface
surface_of_path(const char *path)
{
	static const char *const readmin[] = { "/ranking", "/staff/", "/activity/", "/sessions",
					       "/games/", "/orders", "/v2/" };
	if (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0)
		return SURF_API;
	for (size_t i = 0; i < sizeof(readmin) / sizeof(readmin[0]); i++)
		if (strncmp(path, readmin[i], strlen(readmin[i])) == 0)
			return SURF_READMIN;
	return SURF_OPS;
}

void
resp_security_headers(struct req *r, enum surface s)
{
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
	buf_puts(&r->out, "{\"success\":true,\"data\":");
	jw_init(&r->w, &r->out);
	jw_obj(&r->w);
}

void
resp_end(struct req *r)
{
	jw_obj_end(&r->w);
	buf_puts(&r->out, ",\"error\":null}");
	r->status = 200;
	r->content_type = "application/json; charset=utf-8";
}

void
resp_error(struct req *r, enum err err, const char *details, int retry_after)
{
	enum surface s = surface_of_path(r->path ? r->path : "/");
	char ra[16];

	if (r->out.max == 0)
		buf_init(&r->out, LIMIT_RESPONSE);
	buf_reset(&r->out);
	r->status = err_status(err);
	r->content_type = "application/json; charset=utf-8";
	if (s == SURF_READMIN) {
		/* ReAdmin clients read `reason`; the route's own texts come with later modules. */
		buf_puts(&r->out, "{\"success\":false,\"reason\":");
		buf_json_str(&r->out, err_message(err), strlen(err_message(err)));
		buf_putc(&r->out, '}');
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
		if (details != NULL)
			jw_kraw(&w, "details", details);
		jw_kstr(&w, "requestId", r->request_id);
		jw_obj_end(&w);
		jw_obj_end(&w);
	}
	if (r->status == 429 || r->status == 503) {
		snprintf(ra, sizeof(ra), "%d", retry_after > 0 ? retry_after : r->status == 429 ? 60 : 5);
		req_header_add(r, "Retry-After", ra);
	}
	if (err == ERR_MALFORMED)
		r->close = true;
}
