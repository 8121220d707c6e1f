/*
 * bucket.h: per-node token buckets (readmin-compat.md §1.6). Capacity = the per-minute
 * figure, refilled continuously. State is this process's only (several nodes each keep their
 * own, as §1.6 decides), held in one fixed table guarded by one mutex; a bucket pushed out of
 * the table by others comes back full. Includers: api/ limit hooks.
 */
#ifndef ROSTER_BUCKET_H
#define ROSTER_BUCKET_H

#include <stdint.h>

#define BUCKET_KEY_MAX 64 /* family + ':' + a key id (UUID or 24-hex) */
#define BUCKET_RETRY_MIN 1
#define BUCKET_RETRY_MAX 30 /* §1.2: Retry-After 1-30 */

/*
 * Takes one token from the bucket `family:id` (capacity per_minute) at now_ms. Returns 0 when
 * granted, else the whole seconds until a token frees, clamped to 1-30.
 */
int bucket_take(const char *family, const char *id, int per_minute, int64_t now_ms);

#endif
