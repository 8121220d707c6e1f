/*
 * secret.h: every cryptographic primitive Roster uses, in one file over libsodium (the only
 * includer of <sodium.h>). Secrets are compared with secret_equal and wiped after use.
 */
#ifndef ROSTER_SECRET_H
#define ROSTER_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SECRET_HASH_LEN 32   /* BLAKE2b-256 */
#define SECRET_HASH_HEX 64
#define SECRET_PW_MAX 128    /* argon2id encoded string, crypto_pwhash_STRBYTES */

/* Initialises libsodium; false when it cannot (start-up aborts). */
bool secret_init(void);
void secret_random(void *buf, size_t len);
/* Uniform integer in [0, upper). */
uint32_t secret_uniform(uint32_t upper);
/* BLAKE2b-256 of data as 64 lowercase hex chars + NUL. */
void secret_hash_hex(const void *data, size_t len, char out[SECRET_HASH_HEX + 1]);
/* Keyed BLAKE2b-256 (key 16-64 bytes) as hex: identity signals, never stored raw. */
void secret_keyed_hash_hex(const void *key, size_t keylen, const void *data, size_t len,
			   char out[SECRET_HASH_HEX + 1]);
/* Constant-time equality of two equal-length buffers; different lengths are unequal. */
bool secret_equal(const void *a, size_t alen, const void *b, size_t blen);
void secret_wipe(void *p, size_t len);

/* base64url without padding; out needs 4*ceil(len/3)+1 bytes. Returns chars written. */
size_t secret_b64url(const void *data, size_t len, char *out, size_t out_size);
/*
 * Decodes base64url without padding into exactly out_size bytes; false when s is not
 * base64url or decodes to another length (the caller states the length it expects).
 */
bool secret_b64url_decode(const char *s, size_t len, void *out, size_t out_size);
/* Random token of nbytes CSPRNG bytes as base64url into out. */
void secret_token(size_t nbytes, char *out, size_t out_size);

/*
 * argon2id, t=2, m=64 MiB, p=1 (SECURITY.md §3). Hashing failure (out of memory) ->
 * ERR_BUSY so nothing is stored. Verify returns false on any failure.
 */
enum err secret_pw_hash(const char *pw, size_t len, char out[SECRET_PW_MAX]);
bool secret_pw_verify(const char *stored, const char *pw, size_t len);
bool secret_pw_needs_rehash(const char *stored);

/* Authenticated encryption (secretbox) with the 32-byte instance key; output base64url. */
#define SECRET_KEY_LEN 32
enum err secret_seal(const uint8_t key[SECRET_KEY_LEN], const void *msg, size_t len, char *out,
		     size_t out_size);
enum err secret_open(const uint8_t key[SECRET_KEY_LEN], const char *sealed, void *out,
		     size_t out_size, size_t *out_len);

#endif
