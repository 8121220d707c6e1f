/*
 * test_secret.c: the primitives of auth/secret.c against known vectors and their contracts:
 * BLAKE2b-256, constant-time equality, base64url, tokens, argon2id password hashes (format,
 * verify, rehash policy) and sealed boxes (round trip, tampering, wrong key, buffer sizes).
 */
#include <stdint.h>
#include <string.h>

#include "auth/secret.h"
#include "tap.h"

/* Made once with libsodium: the same password under lower or other limits and algorithms. */
static const char HASH_LOW[] = "$argon2id$v=19$m=8192,t=1,p=1$SbobXqWPD69F0chuJUwg9g$"
			       "TUhp4erW9a4a5B485wfwljjW2E6wBDLq1ChkOCIyi2E";
static const char HASH_ARGON2I[] = "$argon2i$v=19$m=65536,t=3,p=1$n1Ho782LE7X1XAGcv5MOiA$"
				   "0gXS80Wj8q4gbF2lb6qQJ7nt8VsagBVYgJXvMOkg1aI";
static const char HASH_T3[] = "$argon2id$v=19$m=65536,t=3,p=1$il+jrUjqKdg/E4Tgn8k5Xw$"
			      "LP/6UwqA32pvllakJGmxLt8x7MiGMlnqln0CzhalHoI";
static const char OLD_PW[] = "correct horse";

static bool
only_b64url(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

static void
test_hash(void)
{
	char hex[SECRET_HASH_HEX + 1];

	secret_hash_hex("abc", 3, hex);
	is_str(hex, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319",
	       "BLAKE2b-256 of \"abc\"");
	secret_hash_hex("", 0, hex);
	is_str(hex, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8",
	       "BLAKE2b-256 of \"\"");
	is_int(strlen(hex), SECRET_HASH_HEX, "64 hex characters");
}

static void
test_equal_wipe(void)
{
	unsigned char buf[16];

	ok(secret_equal("token-a", 7, "token-a", 7), "equal buffers are equal");
	ok(!secret_equal("token-a", 7, "token-b", 7), "one byte differs: unequal");
	ok(!secret_equal("Xoken-a", 7, "token-a", 7), "first byte differs: unequal");
	ok(!secret_equal("token", 5, "token-a", 7), "a prefix is unequal");
	ok(!secret_equal("token-a", 7, "token", 5), "different lengths are unequal");
	ok(secret_equal("", 0, "", 0), "two empty buffers are equal");

	memset(buf, 0xa5, sizeof(buf));
	secret_wipe(buf, sizeof(buf));
	ok(buf[0] == 0 && buf[7] == 0 && buf[15] == 0, "wipe zeroes the buffer");
}

static void
test_b64_token(void)
{
	static const unsigned char edge[] = { 0xfb, 0xff };
	unsigned char raw[32];
	char out[44], tok1[44], tok2[44], small[43];
	bool in_range = true;

	memset(raw, 0xff, sizeof(raw));
	is_int(secret_b64url(raw, sizeof(raw), out, sizeof(out)), 43, "32 bytes are 43 characters");
	is_int(strlen(out), 43, "NUL-terminated after 43");
	ok(only_b64url(out), "only [A-Za-z0-9_-]");
	is_int(secret_b64url(edge, sizeof(edge), out, sizeof(out)), 3, "2 bytes are 3 characters");
	is_str(out, "-_8", "URL alphabet, no padding (standard would be \"+/8=\")");
	is_int(secret_b64url("", 0, out, sizeof(out)), 0, "nothing encodes to nothing");
	is_str(out, "", "as an empty string");
	is_int(secret_b64url(raw, sizeof(raw), small, sizeof(small)), 0,
	       "a buffer one byte short writes nothing");
	is_str(small, "", "and leaves an empty string, not a shorter token");

	secret_token(32, tok1, sizeof(tok1));
	secret_token(32, tok2, sizeof(tok2));
	is_int(strlen(tok1), 43, "token of 32 bytes is 43 characters");
	ok(only_b64url(tok1) && only_b64url(tok2), "tokens are base64url");
	ok(strcmp(tok1, tok2) != 0, "two tokens differ");

	secret_random(raw, sizeof(raw));
	secret_random(out, sizeof(raw));
	ok(memcmp(raw, out, sizeof(raw)) != 0, "two random draws differ");
	for (int i = 0; i < 1000; i++)
		if (secret_uniform(10) >= 10)
			in_range = false;
	ok(in_range, "uniform(10) stays below 10");
	is_int(secret_uniform(1), 0, "uniform(1) is 0");
}

static void
test_password(void)
{
	static const char pw[] = "hunter2 is a fine password";
	static const char prefix[] = "$argon2id$v=19$m=65536,t=2,p=1$";
	char h1[SECRET_PW_MAX], h2[SECRET_PW_MAX], nul[SECRET_PW_MAX];

	is_int(secret_pw_hash(pw, strlen(pw), h1), ERR_OK, "hash a password");
	ok(strncmp(h1, prefix, strlen(prefix)) == 0, "argon2id, m=64 MiB, t=2, p=1");
	ok(secret_pw_verify(h1, pw, strlen(pw)), "the right password verifies");
	ok(!secret_pw_verify(h1, "hunter2 is a fine passwore", strlen(pw)),
	   "a wrong password fails");
	ok(!secret_pw_verify(h1, pw, strlen(pw) - 1), "a prefix of the password fails");
	ok(!secret_pw_verify(h1, "", 0), "the empty password fails");
	is_int(secret_pw_hash(pw, strlen(pw), h2), ERR_OK, "hash it again");
	ok(strcmp(h1, h2) != 0, "two hashes of one password differ (random salt)");
	ok(secret_pw_verify(h2, pw, strlen(pw)), "and both verify");

	/* Byte-exact: the length is the password, not the first NUL. */
	is_int(secret_pw_hash("abc\0def", 7, nul), ERR_OK, "hash a password with a NUL");
	ok(!secret_pw_verify(nul, "abc", 3), "its part before the NUL fails");
	ok(secret_pw_verify(nul, "abc\0def", 7), "all 7 bytes verify");

	ok(!secret_pw_verify(NULL, pw, strlen(pw)), "no stored hash fails");
	ok(!secret_pw_verify("", pw, strlen(pw)), "an empty stored hash fails");
	ok(!secret_pw_verify("$argon2id$garbage", pw, strlen(pw)), "a garbled stored hash fails");

	ok(!secret_pw_needs_rehash(h1), "our own hash needs no rehash");
	ok(secret_pw_verify(HASH_LOW, OLD_PW, strlen(OLD_PW)), "a lower-cost hash still verifies");
	ok(secret_pw_needs_rehash(HASH_LOW), "and needs a rehash");
	ok(secret_pw_needs_rehash(HASH_T3), "a hash of other cost needs a rehash");
	ok(secret_pw_needs_rehash(HASH_ARGON2I), "an argon2i hash needs a rehash");
	ok(secret_pw_needs_rehash("garbage"), "garbage needs a rehash");
	ok(secret_pw_needs_rehash(NULL), "no hash needs a rehash");
}

static void
test_seal(void)
{
	static const char msg[] = "open-cloud-key-0123456789";
	uint8_t key[SECRET_KEY_LEN], other[SECRET_KEY_LEN];
	char sealed[128], sealed2[128], tampered[128], small[40];
	char plain[64];
	size_t len = 99;

	secret_random(key, sizeof(key));
	secret_random(other, sizeof(other));
	is_int(secret_seal(key, msg, strlen(msg), sealed, sizeof(sealed)), ERR_OK, "seal");
	/* 24 nonce + 16 tag + 25 message = 65 bytes -> 87 base64url characters. */
	is_int(strlen(sealed), 87, "sealed length is base64url of nonce, tag and message");
	ok(only_b64url(sealed), "sealed text is base64url");
	ok(strstr(sealed, "open-cloud") == NULL, "the plaintext does not show");
	is_int(secret_open(key, sealed, plain, sizeof(plain), &len), ERR_OK, "open");
	is_int(len, strlen(msg), "opened length");
	ok(len == strlen(msg) && memcmp(plain, msg, len) == 0, "round trip");
	is_int(secret_seal(key, msg, strlen(msg), sealed2, sizeof(sealed2)), ERR_OK, "seal again");
	ok(strcmp(sealed, sealed2) != 0, "a fresh nonce each time");

	memcpy(tampered, sealed, sizeof(sealed));
	tampered[50] = tampered[50] == 'A' ? 'B' : 'A';
	len = 99;
	is_int(secret_open(key, tampered, plain, sizeof(plain), &len), ERR_INVALID_FIELD,
	       "one changed character is detected");
	is_int(len, 0, "and yields no length");
	is_int(secret_open(other, sealed, plain, sizeof(plain), &len), ERR_INVALID_FIELD,
	       "another key cannot open it");
	memcpy(tampered, sealed, sizeof(sealed));
	tampered[60] = '\0';
	is_int(secret_open(key, tampered, plain, sizeof(plain), &len), ERR_INVALID_FIELD,
	       "a truncated box fails");
	is_int(secret_open(key, "!!!!", plain, sizeof(plain), &len), ERR_INVALID_FIELD,
	       "non-base64url fails");
	is_int(secret_open(key, "", plain, sizeof(plain), &len), ERR_INVALID_FIELD,
	       "an empty string fails");
	is_int(secret_open(key, sealed, plain, 10, &len), ERR_INTERNAL,
	       "an output buffer too small is refused");
	is_int(secret_seal(key, msg, strlen(msg), small, sizeof(small)), ERR_INTERNAL,
	       "sealing into a buffer too small is refused");

	is_int(secret_seal(key, "", 0, sealed, sizeof(sealed)), ERR_OK, "seal an empty message");
	is_int(secret_open(key, sealed, plain, sizeof(plain), &len), ERR_OK, "open it");
	is_int(len, 0, "empty round trip");
	secret_wipe(key, sizeof(key));
}

int
main(void)
{
	ok(secret_init(), "libsodium initialises");
	ok(secret_init(), "and may be initialised twice");
	test_hash();
	test_equal_wipe();
	test_b64_token();
	test_password();
	test_seal();
	return tap_done();
}
