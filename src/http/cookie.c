/*
 * cookie.c: cookie parsing (RFC 6265 §5.2, simplified: pairs split on ';', names compared
 * exactly, so a cookie named `session` is never read as `roster_session`).
 */
#include "http/cookie.h"

#include <string.h>

#include "config.h"

unsigned
cookie_find(const char *header, const char *name, const char **val, size_t *len)
{
	size_t nlen = strlen(name);
	unsigned n = 0;
	const char *p = header;

	*val = NULL;
	*len = 0;
	while (p && *p) {
		p += strspn(p, " \t");
		size_t plen = strcspn(p, ";");
		const char *eq = memchr(p, '=', plen);
		if (eq != NULL && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
			const char *v = eq + 1;
			size_t vlen = plen - nlen - 1;
			while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (n == 0) {
				*val = v;
				*len = vlen;
			}
			n++;
		}
		p += plen;
		if (*p == ';')
			p++;
	}
	return n;
}

void
cookie_set_session(struct req *r, const char *token)
{
	const char *secure = cfg.public_https ? "; Secure" : "";
	char *v;

	if (token != NULL)
		v = arena_printf(r->arena, "roster_session=%s; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200%s",
				 token, secure);
	else
		v = arena_printf(r->arena, "roster_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0%s",
				 secure);
	req_header_add(r, "Set-Cookie", v);
}

void
cookie_set_device(struct req *r, const char *device_id)
{
	const char *secure = cfg.public_https ? "; Secure" : "";

	req_header_add(r, "Set-Cookie",
		       arena_printf(r->arena,
				    "roster_device=%s; HttpOnly; SameSite=Lax; Path=/; Max-Age=34560000%s",
				    device_id, secure));
}
