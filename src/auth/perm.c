/*
 * perm.c: the permission catalogue and scope table; start-up verifies the prerequisite graph.
 */
#include "auth/perm.h"

#include <string.h>

#define P(x) PERM_BIT(PERM_##x)
const struct perm_info perm_catalogue[PERM_COUNT] = {
#define PERM_ROW(name, key, cat, label, desc, deps) { key, cat, label, desc, deps },
	PERM_TABLE(PERM_ROW)
#undef PERM_ROW
};
#undef P

const char *const scope_names[SCOPE_COUNT] = {
#define SCOPE_ROW(name, key) key,
	SCOPE_TABLE(SCOPE_ROW)
#undef SCOPE_ROW
};

uint64_t
perm_held(uint64_t stored)
{
	return (stored & PERM_BIT(PERM_ADMINISTRATOR)) ? PERM_ALL : stored;
}

enum perm
perm_lookup(const char *key)
{
	for (int i = 0; i < PERM_COUNT; i++)
		if (strcmp(perm_catalogue[i].key, key) == 0)
			return (enum perm)i;
	return PERM_NONE;
}

/* Depth-first search for a cycle; colour 1 = on the stack, 2 = done. */
static bool
perm_visit(int p, char *colour)
{
	if (colour[p] == 1)
		return false;
	if (colour[p] == 2)
		return true;
	colour[p] = 1;
	for (int d = 0; d < PERM_COUNT; d++)
		if ((perm_catalogue[p].depends & PERM_BIT(d)) && !perm_visit(d, colour))
			return false;
	colour[p] = 2;
	return true;
}

bool
perm_catalogue_check(void)
{
	char colour[PERM_COUNT] = { 0 };

	for (int p = 0; p < PERM_COUNT; p++) {
		if (perm_catalogue[p].depends & ~PERM_ALL)
			return false;
		if (!perm_visit(p, colour))
			return false;
	}
	return true;
}

unsigned
scope_lookup(const char *name)
{
	for (int i = 0; i < SCOPE_COUNT; i++)
		if (strcmp(scope_names[i], name) == 0)
			return 1u << i;
	return 0;
}

bool
scope_covers(unsigned granted, unsigned required)
{
	/* Each write scope sits right after its read scope, except audit which is read only. */
	unsigned implied = granted;

	if (granted & SCOPE_STAFF_WRITE)
		implied |= SCOPE_STAFF_READ;
	if (granted & SCOPE_USERS_WRITE)
		implied |= SCOPE_USERS_READ;
	if (granted & SCOPE_WORKSPACES_WRITE)
		implied |= SCOPE_WORKSPACES_READ;
	return (implied & required) == required;
}
