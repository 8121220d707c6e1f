/*
 * cmd_admin.c: `roster admin create-owner | reset-password | unlock | ignore-player`. Operator
 * commands outside the hierarchy (H15), audited with actor type `cli`. One-time passwords are
 * printed once on stdout.
 */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/secret.h"
#include "cli/cli.h"
#include "core/id.h"
#include "core/log.h"
#include "model/apikeys.h"
#include "model/audit.h"
#include "model/ignored.h"
#include "model/users.h"

static enum err
admin_create_owner(struct ctx *c, const char *username, bool if_none, char pw[21], bool *created)
{
	const char *role_id;
	char hash[SECRET_PW_MAX], id[ID_LEN + 1];
	bool exists;
	enum err err;

	*created = false;
	err = owner_exists(c, &exists);
	if (err || (exists && if_none))
		return err;
	err = owner_role_id(c, &role_id);
	if (err)
		return err;
	password_generate(pw);
	err = secret_pw_hash(pw, 20, hash);
	if (!err)
		err = user_create(c, username, hash, role_id, true, id);
	if (!err)
		err = audit_write(c, "user.create", "user", id, NULL, NULL,
				  json_kv(c->arena, "username", username, "role", "Owner",
					  (const char *)NULL));
	*created = err == ERR_OK;
	return err;
}

static enum err
admin_reset_password(struct ctx *c, const char *username, char pw[21])
{
	const char *id;
	char hash[SECRET_PW_MAX];
	enum err err;

	err = user_get_id_by_username(c, username, &id);
	if (err)
		return err;
	password_generate(pw);
	err = secret_pw_hash(pw, 20, hash);
	if (!err)
		err = user_set_password(c, id, hash, true);
	if (!err)
		err = session_revoke_user(c, id, NULL);
	if (!err)
		err = apikey_revoke_user(c, id);
	if (!err)
		err = audit_write(c, "user.password_reset", "user", id, NULL, NULL, NULL);
	return err;
}

/* readmin-compat.md §4.5: an operator adds a Roblox id to the ignored set; a repeat is a no-op. */
static enum err
admin_ignore_player(struct ctx *c, const char *roblox_id)
{
	bool added;
	enum err err = ignored_add(c, roblox_id, IGNORED_REASON_OPERATOR, &added);

	if (err || !added)
		return err;
	return audit_write(c, "ignoredPlayer.create", "ignoredPlayer", roblox_id, NULL, NULL,
			   json_kv(c->arena, "reason", IGNORED_REASON_OPERATOR, (const char *)NULL));
}

/* Each subcommand's one flag: --roblox-id for ignore-player, --username for the others. */
static bool
admin_args_ok(const char *sub, const char *username, const char *roblox_id)
{
	if (strcmp(sub, "ignore-player") == 0) {
		if (roblox_id != NULL && roblox_id_is_valid(roblox_id) && username == NULL)
			return true;
		fprintf(stderr, "roster admin: ignore-player needs --roblox-id and a Roblox user id\n");
		return false;
	}
	if (username != NULL && username_is_valid(username) && roblox_id == NULL)
		return true;
	fprintf(stderr, "roster admin: --username must be 3-32 of A-Z a-z 0-9 _ . -\n");
	return false;
}

int
cmd_admin(int argc, char **argv)
{
	const char *username = NULL, *roblox_id = NULL, *v;
	bool if_none = false, created = true;
	char pw[21] = "";
	struct store *s;
	struct ctx c;
	enum err err;

	if (argc < 1) {
		fprintf(stderr, "usage: roster admin create-owner|reset-password|unlock --username NAME\n"
				"       roster admin ignore-player --roblox-id N\n");
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		if ((v = cli_flag_value(argc, argv, &i, "--username")) != NULL)
			username = v;
		else if ((v = cli_flag_value(argc, argv, &i, "--roblox-id")) != NULL)
			roblox_id = v;
		else if (strcmp(argv[i], "--if-none") == 0)
			if_none = true;
		else {
			fprintf(stderr, "roster admin: unknown flag '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!admin_args_ok(argv[0], username, roblox_id))
		return EXIT_USAGE;
	if (cli_open(&s) != ERR_OK)
		return EXIT_RUNTIME;
	if (store_schema_version(s) != store_schema_latest()) {
		fprintf(stderr, "roster admin: the database needs `roster migrate` first\n");
		store_close(s);
		return EXIT_RUNTIME;
	}
	struct arena *a = arena_new();
	cli_ctx(&c, s, a);
	err = store_begin(s, true);
	if (err)
		goto out;
	if (strcmp(argv[0], "create-owner") == 0)
		err = admin_create_owner(&c, username, if_none, pw, &created);
	else if (strcmp(argv[0], "reset-password") == 0)
		err = admin_reset_password(&c, username, pw);
	else if (strcmp(argv[0], "unlock") == 0)
		err = throttle_clear_user(&c, username_key(a, username));
	else if (strcmp(argv[0], "ignore-player") == 0)
		err = admin_ignore_player(&c, roblox_id);
	else
		err = ERR_NOT_FOUND;
	err = err ? err : store_commit(s);
out:
	store_rollback(s);
	arena_free(a);
	store_close(s);
	if (err == ERR_NOT_FOUND) {
		fprintf(stderr, "roster admin: unknown subcommand '%s'\n", argv[0]);
		return EXIT_USAGE;
	}
	if (err) {
		fprintf(stderr, "roster admin %s: %s\n", argv[0], err_message(err));
		return EXIT_RUNTIME;
	}
	if (pw[0] && created) {
		printf("%s\n", pw);
		fprintf(stderr, "roster: one-time password for '%s' printed above; it must be changed at first sign-in\n",
			username);
	} else if (!created) {
		log_info("admin.owner_exists", "an owner exists; nothing changed");
	}
	secret_wipe(pw, sizeof(pw));
	return 0;
}
