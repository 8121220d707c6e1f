/*
 * test_auth.c: the permission catalogue, scopes, CIDR allow-lists, token shapes and the
 * CSRF derivation.
 */
#include <string.h>

#include "auth/auth.h"
#include "auth/perm.h"
#include "auth/secret.h"
#include "core/cidr.h"
#include "tap.h"

static void
test_perm(void)
{
	ok(perm_catalogue_check(), "catalogue has no missing prerequisite and no cycle");
	is_int(PERM_COUNT, 29, "29 permission keys");
	ok(perm_lookup("manage_roles") == PERM_MANAGE_ROLES, "lookup");
	ok(perm_lookup("nope") == PERM_NONE, "unknown key");
	ok(perm_catalogue[PERM_ASSIGN_ROLES].depends ==
		   (PERM_BIT(PERM_VIEW_USERS) | PERM_BIT(PERM_VIEW_STAFF)),
	   "assign_roles needs view_users and view_staff");
	ok(perm_held(PERM_BIT(PERM_ADMINISTRATOR)) == PERM_ALL, "administrator implies all");
	ok(perm_held(PERM_BIT(PERM_VIEW_STAFF)) == PERM_BIT(PERM_VIEW_STAFF), "others are literal");
	ok(scope_covers(SCOPE_STAFF_WRITE, SCOPE_STAFF_READ), "X-5 write includes read");
	ok(!scope_covers(SCOPE_STAFF_READ, SCOPE_STAFF_WRITE), "read is not write");
	ok(!scope_covers(SCOPE_STAFF_WRITE, SCOPE_USERS_READ), "scopes do not leak across areas");
	ok(scope_lookup("audit:read") == SCOPE_AUDIT_READ && scope_lookup("audit:write") == 0,
	   "scope names");
}

static void
test_cidr(void)
{
	struct cidr c;
	char out[64];

	ok(cidr_parse("10.1.2.3/8", &c) && cidr_format(&c, out, sizeof(out)) &&
		   strcmp(out, "10.0.0.0/8") == 0,
	   "canonicalised network");
	ok(cidr_contains(&c, "10.200.0.1") && !cidr_contains(&c, "11.0.0.1"), "contains");
	ok(cidr_parse("2001:db8::1/32", &c) && cidr_contains(&c, "2001:db8:ffff::1"), "IPv6");
	ok(!cidr_contains(&c, "10.0.0.1"), "families do not mix");
	ok(cidr_parse("::ffff:127.0.0.1", &c) && cidr_contains(&c, "127.0.0.1"), "mapped IPv4");
	ok(!cidr_parse("10.0.0.0/33", &c), "T14 prefix too long");
	ok(!cidr_parse("999.1.1.1", &c), "T14 bad octet");
	ok(!cidr_parse("10.0.0.0/08", &c), "leading zero prefix");
	ok(!cidr_parse("", &c) && !cidr_parse("/8", &c), "empty");
	ok(apikey_ip_allowed("", "1.2.3.4"), "empty list allows all");
	ok(apikey_ip_allowed("10.0.0.0/8 127.0.0.1", "127.0.0.1"), "second entry matches");
	ok(!apikey_ip_allowed("10.0.0.0/8", "127.0.0.1"), "outside the list");
}

static void
test_tokens(void)
{
	char a[AUTH_CSRF_LEN + 1], b[AUTH_CSRF_LEN + 1];
	const char *key = "prapi_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";

	ok(apikey_is_wellformed(key), "43 base64url characters after prapi_");
	ok(!apikey_is_wellformed("prapi-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"), "K05 dash");
	ok(!apikey_is_wellformed("PRAPI_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"), "K05 case");
	ok(!apikey_is_wellformed("prapi_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP!"), "K05 alphabet");
	ok(!apikey_is_wellformed("prapi_short"), "K05 length");
	ok(!auth_token_is_wellformed("abc", 3), "short session token");
	session_csrf("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", a);
	session_csrf("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB", b);
	ok(strlen(a) == AUTH_CSRF_LEN && strcmp(a, b) != 0, "CSRF token bound to the session");
}

int
main(void)
{
	if (!secret_init())
		return 1;
	test_perm();
	test_cidr();
	test_tokens();
	return tap_done();
}
