/*
 * password.c: the bound on concurrent argon2id runs and the dummy verify. A verify costs
 * ~80 ms and 64 MiB, so without a bound 64 parallel logins would take 4 GiB and every core
 * (SEC S11). The slot count is set once at start-up to --threads.
 */
#include "auth/auth.h"

#include <stdatomic.h>
#include <string.h>

#include "auth/secret.h"

static atomic_int pw_slots_free;
/* Set once at start-up; verified against when the username is unknown (SEC S09). */
static char pw_dummy_hash[SECRET_PW_MAX];

void
pwslots_init(int n)
{
	atomic_store(&pw_slots_free, n);
}

bool
pwslots_acquire(void)
{
	int cur = atomic_load(&pw_slots_free);

	while (cur > 0)
		if (atomic_compare_exchange_weak(&pw_slots_free, &cur, cur - 1))
			return true;
	return false;
}

void
pwslots_release(void)
{
	atomic_fetch_add(&pw_slots_free, 1);
}

enum err
pw_hash_bounded(struct fail *f, const char *pw, char out[SECRET_PW_MAX])
{
	enum err err;

	if (!pwslots_acquire()) {
		f->err = ERR_BUSY;
		f->retry_after = 1;
		return ERR_BUSY;
	}
	err = secret_pw_hash(pw, strlen(pw), out);
	pwslots_release();
	return err;
}

enum err
pw_dummy_init(void)
{
	static const char pw[] = "roster-dummy-password";
	return secret_pw_hash(pw, sizeof(pw) - 1, pw_dummy_hash);
}

void
pw_dummy_verify(const char *pw, size_t len)
{
	(void)secret_pw_verify(pw_dummy_hash, pw, len);
}
