/*
 * banned.h: force-included into every translation unit (-include core/banned.h).
 * Poisons libc calls that truncate silently, overflow, use hidden global state or a weak
 * random source. Use the checked alternatives named in STYLE.md §9 instead.
 */
#ifndef ROSTER_BANNED_H
#define ROSTER_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#undef strcpy
#undef strcat
#undef strncpy
#undef strncat
#undef sprintf
#undef vsprintf
#undef gets
#undef strtok
#undef atoi
#undef atol
#undef atoll
#undef rand
#undef srand
#undef gmtime
#undef localtime
#undef ctime
#undef asctime

#pragma GCC poison strcpy strcat strncpy strncat sprintf vsprintf gets strtok
#pragma GCC poison atoi atol atoll rand srand gmtime localtime ctime asctime

#endif
