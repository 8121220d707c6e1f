/*
 * secret.c: every cryptographic primitive Roster uses, over libsodium; the only file that
 * includes <sodium.h>. Each output buffer is checked against what will be written before
 * anything is written, and password hashing is timed and counted for /metrics.
 */
#include "auth/secret.h"

#include <assert.h>
#include <sodium.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/xmalloc.h"

/* SECURITY.md §3: argon2id, t=2, m=64 MiB, p=1 (libsodium always uses one lane). */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT 67108864
#define PW_PREFIX "$argon2id$"

#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
/* Below this, base64 lengths cannot overflow size_t (4 * len / 3 + a few). */
#define B64_BIN_MAX (SIZE_MAX / 4)
/* secret_token works on a stack buffer; tokens are 32 bytes (SECURITY.md §3). */
#define TOKEN_BYTES_MAX 64

#define SEAL_OVERHEAD (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)

_Static_assert(SECRET_PW_MAX == crypto_pwhash_STRBYTES, "SECRET_PW_MAX is the encoded size");
_Static_assert(SECRET_HASH_LEN == crypto_generichash_BYTES, "BLAKE2b-256");
_Static_assert(SECRET_KEY_LEN == crypto_secretbox_KEYBYTES, "secretbox key size");

bool
secret_init(void)
{
	return sodium_init() >= 0;
}

void
secret_random(void *buf, size_t len)
{
	randombytes_buf(buf, len);
}

uint32_t
secret_uniform(uint32_t upper)
{
	return randombytes_uniform(upper);
}

void
secret_hash_hex(const void *data, size_t len, char out[SECRET_HASH_HEX + 1])
{
	unsigned char h[SECRET_HASH_LEN];

	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(out, SECRET_HASH_HEX + 1, h, sizeof(h));
}

void
secret_keyed_hash_hex(const void *key, size_t keylen, const void *data, size_t len,
		      char out[SECRET_HASH_HEX + 1])
{
	unsigned char h[SECRET_HASH_LEN];

	/* BLAKE2b takes 16-64 key bytes; callers pass the 43-character stored signal key. */
	assert(keylen >= crypto_generichash_KEYBYTES_MIN && keylen <= crypto_generichash_KEYBYTES_MAX);
	crypto_generichash(h, sizeof(h), data, len, key, keylen);
	sodium_bin2hex(out, SECRET_HASH_HEX + 1, h, sizeof(h));
}

bool
secret_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	/* The length is not secret (tokens have one fixed size); the bytes are. */
	if (alen != blen)
		return false;
	return sodium_memcmp(a, b, alen) == 0;
}

void
secret_wipe(void *p, size_t len)
{
	sodium_memzero(p, len);
}

size_t
secret_b64url(const void *data, size_t len, char *out, size_t out_size)
{
	/* Too small a buffer writes nothing usable rather than a shorter token (STYLE.md §7). */
	if (len > B64_BIN_MAX || out_size < sodium_base64_ENCODED_LEN(len, B64_VARIANT)) {
		if (out_size > 0)
			out[0] = '\0';
		return 0;
	}
	sodium_bin2base64(out, out_size, data, len, B64_VARIANT);
	return strlen(out);
}

bool
secret_b64url_decode(const char *s, size_t len, void *out, size_t out_size)
{
	size_t got = 0;

	/* No end pointer: libsodium then refuses anything but the whole string. */
	if (sodium_base642bin(out, out_size, s, len, NULL, &got, NULL, B64_VARIANT) != 0 ||
	    got != out_size) {
		sodium_memzero(out, out_size);
		return false;
	}
	return true;
}

void
secret_token(size_t nbytes, char *out, size_t out_size)
{
	unsigned char raw[TOKEN_BYTES_MAX];
	size_t n;

	/* No way to report an error here, and a short token must never be handed out. */
	assert(nbytes > 0 && nbytes <= sizeof(raw));
	randombytes_buf(raw, nbytes);
	n = secret_b64url(raw, nbytes, out, out_size);
	sodium_memzero(raw, sizeof(raw));
	if (n == 0)
		abort();
}

enum err
secret_pw_hash(const char *pw, size_t len, char out[SECRET_PW_MAX])
{
	int64_t t0;
	int rc;

	metrics_pw_inflight(1);
	t0 = clock_mono_ns();
	rc = crypto_pwhash_str_alg(out, pw != NULL ? pw : "", len, PW_OPSLIMIT, PW_MEMLIMIT,
				   crypto_pwhash_ALG_ARGON2ID13);
	metrics_pw_hash(0, clock_mono_ns() - t0);
	metrics_pw_inflight(-1);
	if (rc != 0) {
		/* The only failure is the 64 MiB allocation: a busy server, not a bad password. */
		sodium_memzero(out, SECRET_PW_MAX);
		log_warn("secret.pw", "password hashing failed: out of memory");
		return ERR_BUSY;
	}
	return ERR_OK;
}

bool
secret_pw_verify(const char *stored, const char *pw, size_t len)
{
	int64_t t0;
	int rc;

	/* libsodium reads the stored string as char[crypto_pwhash_STRBYTES]. */
	if (stored == NULL || strnlen(stored, SECRET_PW_MAX) >= SECRET_PW_MAX)
		return false;
	metrics_pw_inflight(1);
	t0 = clock_mono_ns();
	rc = crypto_pwhash_str_verify(stored, pw != NULL ? pw : "", len);
	metrics_pw_hash(1, clock_mono_ns() - t0);
	metrics_pw_inflight(-1);
	return rc == 0;
}

bool
secret_pw_needs_rehash(const char *stored)
{
	if (stored == NULL || strnlen(stored, SECRET_PW_MAX) >= SECRET_PW_MAX)
		return true;
	/* libsodium would compare an argon2i string against argon2i's own limits and call it
	 * current; anything but argon2id is an older scheme to upgrade. */
	if (strncmp(stored, PW_PREFIX, strlen(PW_PREFIX)) != 0)
		return true;
	return crypto_pwhash_str_needs_rehash(stored, PW_OPSLIMIT, PW_MEMLIMIT) != 0;
}

/*
 * Sealed form: base64url(nonce || secretbox(msg)). A random 24-byte nonce per message is
 * safe for secretbox (XSalsa20), so no counter has to be stored with the key.
 * A buffer the caller sized too small is ERR_INTERNAL.
 */
enum err
secret_seal(const uint8_t key[SECRET_KEY_LEN], const void *msg, size_t len, char *out,
	    size_t out_size)
{
	unsigned char *raw;
	size_t raw_len;

	if (len > B64_BIN_MAX - SEAL_OVERHEAD ||
	    out_size < sodium_base64_ENCODED_LEN(len + SEAL_OVERHEAD, B64_VARIANT)) {
		log_error("secret.seal", "seal: output buffer of %zu bytes too small for %zu bytes",
			  out_size, len);
		return ERR_INTERNAL;
	}
	raw_len = len + SEAL_OVERHEAD;
	raw = xmalloc(raw_len);
	randombytes_buf(raw, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, msg, len, raw, key);
	sodium_bin2base64(out, out_size, raw, raw_len, B64_VARIANT);
	free(raw);
	return ERR_OK;
}

/*
 * Input that is not base64url, too short, forged, or sealed under another key is
 * ERR_INVALID_FIELD, and out holds nothing of it. A plaintext longer than out_size is
 * ERR_INTERNAL (the caller sized the buffer).
 */
enum err
secret_open(const uint8_t key[SECRET_KEY_LEN], const char *sealed, void *out, size_t out_size,
	    size_t *out_len)
{
	size_t slen = strlen(sealed), raw_max = slen / 4 * 3 + 3, raw_len = 0, mlen;
	unsigned char *raw;
	enum err err = ERR_INVALID_FIELD;

	*out_len = 0;
	raw = xmalloc(raw_max);
	/* No end pointer: libsodium then refuses anything but the whole string. */
	if (sodium_base642bin(raw, raw_max, sealed, slen, NULL, &raw_len, NULL, B64_VARIANT) != 0 ||
	    raw_len < SEAL_OVERHEAD)
		goto out;
	mlen = raw_len - SEAL_OVERHEAD;
	if (mlen > out_size) {
		log_error("secret.seal", "open: output buffer of %zu bytes too small for %zu bytes",
			  out_size, mlen);
		err = ERR_INTERNAL;
		goto out;
	}
	if (crypto_secretbox_open_easy(out, raw + crypto_secretbox_NONCEBYTES,
				       raw_len - crypto_secretbox_NONCEBYTES, raw, key) != 0) {
		sodium_memzero(out, mlen);
		goto out;
	}
	*out_len = mlen;
	err = ERR_OK;
out:
	free(raw);
	return err;
}
