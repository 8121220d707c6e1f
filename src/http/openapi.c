/*
 * openapi.c: renders OpenAPI 3.1 from every route row: path, method, summary, parameters,
 * request body fields with their types and limits, and the security each row declares.
 */
#include "http/openapi.h"

#include <string.h>

#include "auth/perm.h"
#include "config.h"
#include "http/router.h"
#include "json/jw.h"

static void
openapi_field(struct jw *w, const struct field *f)
{
	static const char *const types[] = { "string", "integer", "boolean", "array",
					     "array",  "object",  "number" };
	jw_key(w, f->name);
	jw_obj(w);
	if (f->flags & F_NULLABLE) {
		jw_key(w, "type");
		jw_arr(w);
		jw_str(w, types[f->type]);
		jw_str(w, "null");
		jw_arr_end(w);
	} else {
		jw_kstr(w, "type", types[f->type]);
	}
	if (f->type == FT_STRING && f->max) {
		jw_kint(w, "minLength", f->min);
		jw_kint(w, "maxLength", f->max);
	} else if (f->type == FT_INT && f->max) {
		jw_kint(w, "minimum", f->min);
		jw_kint(w, "maximum", f->max);
	} else if (f->type == FT_STR_ARRAY) {
		jw_key(w, "items");
		jw_obj(w);
		jw_kstr(w, "type", "string");
		jw_obj_end(w);
		if (f->max)
			jw_kint(w, "maxItems", f->max);
	}
	jw_obj_end(w);
}

void
openapi_render(struct buf *out)
{
	struct jw w;
	size_t n = router_count();

	jw_init(&w, out);
	jw_obj(&w);
	jw_kstr(&w, "openapi", "3.1.0");
	jw_key(&w, "info");
	jw_obj(&w);
	jw_kstr(&w, "title", "Roster");
	jw_kstr(&w, "version", "0.1.0");
	jw_obj_end(&w);
	if (cfg.public_origin[0]) {
		jw_key(&w, "servers");
		jw_arr(&w);
		jw_obj(&w);
		jw_kstr(&w, "url", cfg.public_origin);
		jw_obj_end(&w);
		jw_arr_end(&w);
	}
	jw_key(&w, "components");
	jw_obj(&w);
	jw_key(&w, "securitySchemes");
	jw_obj(&w);
	jw_key(&w, "session");
	jw_obj(&w);
	jw_kstr(&w, "type", "apiKey");
	jw_kstr(&w, "in", "cookie");
	jw_kstr(&w, "name", "roster_session");
	jw_obj_end(&w);
	jw_key(&w, "apiKey");
	jw_obj(&w);
	jw_kstr(&w, "type", "http");
	jw_kstr(&w, "scheme", "bearer");
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_key(&w, "paths");
	jw_obj(&w);
	/* Rows sharing a path are grouped under one path item. */
	for (size_t i = 0; i < n; i++) {
		const struct route *rt = router_at(i);
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(router_at(j)->path, rt->path) == 0;
		if (seen)
			continue;
		jw_key(&w, rt->path);
		jw_obj(&w);
		for (size_t j = i; j < n; j++) {
			const struct route *o = router_at(j);
			if (strcmp(o->path, rt->path) != 0)
				continue;
			char m[8];
			const char *name = method_name(o->method);
			size_t k;
			for (k = 0; name[k] && k < sizeof(m) - 1; k++)
				m[k] = (char)(name[k] | 0x20);
			m[k] = '\0';
			jw_key(&w, m);
			jw_obj(&w);
			jw_kstr(&w, "summary", o->summary);
			if (o->query) {
				jw_key(&w, "parameters");
				jw_arr(&w);
				for (const struct qfield *q = o->query; q->name; q++) {
					jw_obj(&w);
					jw_kstr(&w, "name", q->name);
					jw_kstr(&w, "in", "query");
					jw_key(&w, "schema");
					jw_obj(&w);
					jw_kstr(&w, "type", q->type == Q_INT ? "integer"
							    : q->type == Q_BOOL ? "boolean"
										 : "string");
					jw_obj_end(&w);
					jw_obj_end(&w);
				}
				jw_arr_end(&w);
			}
			if (o->body && o->body[0].name) {
				jw_key(&w, "requestBody");
				jw_obj(&w);
				jw_key(&w, "content");
				jw_obj(&w);
				jw_key(&w, "application/json");
				jw_obj(&w);
				jw_key(&w, "schema");
				jw_obj(&w);
				jw_kstr(&w, "type", "object");
				jw_kbool(&w, "additionalProperties", false);
				jw_key(&w, "required");
				jw_arr(&w);
				for (const struct field *f = o->body; f->name; f++)
					if (f->flags & F_REQUIRED)
						jw_str(&w, f->name);
				jw_arr_end(&w);
				jw_key(&w, "properties");
				jw_obj(&w);
				for (const struct field *f = o->body; f->name; f++)
					openapi_field(&w, f);
				jw_obj_end(&w);
				jw_obj_end(&w);
				jw_obj_end(&w);
				jw_obj_end(&w);
				jw_obj_end(&w);
			}
			if (o->auth != AUTH_NONE) {
				jw_key(&w, "security");
				jw_arr(&w);
				if (o->auth & AUTH_COOKIE) {
					jw_obj(&w);
					jw_key(&w, "session");
					jw_arr(&w);
					jw_arr_end(&w);
					jw_obj_end(&w);
				}
				if (o->auth & AUTH_KEY) {
					jw_obj(&w);
					jw_key(&w, "apiKey");
					jw_arr(&w);
					for (int s = 0; s < SCOPE_COUNT; s++)
						if (o->scope & (1u << s))
							jw_str(&w, scope_names[s]);
					jw_arr_end(&w);
					jw_obj_end(&w);
				}
				jw_arr_end(&w);
			}
			if (o->perm != PERM_NONE)
				jw_kstr(&w, "x-permission", perm_catalogue[o->perm].key);
			jw_key(&w, "responses");
			jw_obj(&w);
			jw_key(&w, "200");
			jw_obj(&w);
			jw_kstr(&w, "description", "Success envelope");
			jw_obj_end(&w);
			jw_obj_end(&w);
			jw_obj_end(&w);
		}
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	jw_obj_end(&w);
}
