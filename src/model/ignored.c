/*
 * ignored.c: the ignored-player set of ignored.h, one row per Roblox user id.
 */
#include "model/ignored.h"

#include "store/store.h"

static const char SQL_IGNORED_FIND[] = "SELECT 1 FROM ignored_players WHERE roblox_user_id = ?";
static const char SQL_IGNORED_ADD[] = "INSERT INTO ignored_players (roblox_user_id, reason,"
				      " created_at) VALUES (?, ?, ?)"
				      " ON CONFLICT (roblox_user_id) DO NOTHING";

enum err
ignored_find(struct ctx *c, const char *roblox_user_id, bool *ignored)
{
	const struct val args[] = { V_TEXT(roblox_user_id) };
	struct rows rows;
	enum err err;

	*ignored = false;
	err = store_query(c->store, c->arena, SQL_IGNORED_FIND, args, 1, &rows);
	if (!err)
		*ignored = rows.n > 0;
	return err;
}

enum err
ignored_add(struct ctx *c, const char *roblox_user_id, const char *reason, bool *added)
{
	const struct val args[] = { V_TEXT(roblox_user_id), V_TEXT(reason), V_INT(c->now) };
	int64_t changed = 0;
	enum err err = store_exec(c->store, SQL_IGNORED_ADD, args, nitems(args), &changed);

	*added = !err && changed == 1;
	return err;
}
