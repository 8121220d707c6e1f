/*
 * test_bucket.c: per-node token buckets (readmin-compat.md §1.6): capacity = the per-minute
 * figure, continuous refill, Retry-After within 1-30, one bucket per family and id.
 */
#include "auth/bucket.h"
#include "tap.h"

static void
test_capacity_and_refill(void)
{
	const int64_t t0 = 1000000;
	int granted = 0, secs = 0;

	for (int i = 0; i < 121; i++) {
		secs = bucket_take("ranking", "key-a", 120, t0);
		granted += secs == 0;
	}
	is_int(granted, 120, "120 tokens at once, then none");
	is_int(secs, 1, "Retry-After: half a second rounds up to 1");
	is_int(bucket_take("ranking", "key-a", 120, t0 + 499), 1, "no token after 499 ms");
	is_int(bucket_take("ranking", "key-a", 120, t0 + 500), 0, "a token after 500 ms (2/s)");
	is_int(bucket_take("ranking", "key-b", 120, t0), 0, "another id has its own bucket");
	is_int(bucket_take("loader", "key-a", 120, t0), 0, "another family has its own bucket");
}

static void
test_retry_clamped(void)
{
	const int64_t t0 = 5000000;

	is_int(bucket_take("slow", "k", 1, t0), 0, "capacity 1: first granted");
	is_int(bucket_take("slow", "k", 1, t0), 30, "a 60 s wait is clamped to 30");
	is_int(bucket_take("slow", "k", 1, t0 + 60000), 0, "full again a minute later");
}

int
main(void)
{
	test_capacity_and_refill();
	test_retry_clamped();
	return tap_done();
}
