/*
 * accounts_int.h: the RemovedAccount writer (staff-admin.md §7.3), shared by the two api/
 * files that answer with one: admin_accounts.c (A15, A16) and users.c (DELETE
 * /api/users/{id}). Private to api/.
 */
#ifndef ROSTER_ACCOUNTS_INT_H
#define ROSTER_ACCOUNTS_INT_H

#include <stdint.h>

#include "json/jw.h"
#include "model/accounts.h"

/* canRestore and canErase are judged for actor a at time now. */
void write_removed_account(struct jw *w, const struct removed_account *ra, const struct actor *a,
			   int64_t now);

#endif
