/*
 * id.h: resource identifiers. 24 lowercase hex characters = 4-byte big-endian Unix seconds +
 * 8 CSPRNG bytes (platform.md §1), and lowercase UUID v4 for the ids the spec names.
 */
#ifndef ROSTER_ID_H
#define ROSTER_ID_H

#include <stdbool.h>
#include <stdint.h>

#define ID_LEN 24
#define UUID_LEN 36

void id_new(int64_t now_ms, char out[ID_LEN + 1]);
void uuid_new(char out[UUID_LEN + 1]);
bool id_is_valid(const char *s);
bool uuid_is_valid(const char *s);
/* ^[1-9][0-9]{0,18}$ */
bool roblox_id_is_valid(const char *s);

#endif
