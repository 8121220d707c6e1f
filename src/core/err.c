/*
 * err.c: lookups generated from ERR_TABLE; nothing here is written by hand per code.
 */
#include "core/err.h"

static const struct {
	int status;
	const char *code;
	const char *message;
} err_rows[] = {
#define ERR_ROW(name, status, code, msg) { status, code, msg },
	ERR_TABLE(ERR_ROW)
#undef ERR_ROW
};

int
err_status(enum err e)
{
	return (unsigned)e < ERR_COUNT ? err_rows[e].status : 500;
}

const char *
err_code(enum err e)
{
	return (unsigned)e < ERR_COUNT ? err_rows[e].code : "internal";
}

const char *
err_message(enum err e)
{
	return (unsigned)e < ERR_COUNT ? err_rows[e].message : "Internal server error";
}
