/*
 * ops.c: operational endpoints (platform.md §8): liveness, readiness, Prometheus metrics and
 * the OpenAPI document. They write their own bodies (raw) and need no credentials.
 */
#include <string.h>

#include "api/api.h"
#include "config.h"
#include "core/metrics.h"
#include "http/openapi.h"
#include "http/server.h"
#include "model/health.h"

static enum err
ops_healthz(struct req *r)
{
	buf_reset(&r->out);
	buf_puts(&r->out, "{\"status\":\"ok\"}");
	r->raw = true;
	r->status = 200;
	r->content_type = "application/json; charset=utf-8";
	return ERR_OK;
}

static enum err
ops_readyz(struct req *r)
{
	const char *why = server_draining() ? "draining" : health_storage(r->pool);

	buf_reset(&r->out);
	r->raw = true;
	r->content_type = "application/json; charset=utf-8";
	if (why == NULL) {
		buf_puts(&r->out, "{\"status\":\"ready\"}");
		r->status = 200;
		return ERR_OK;
	}
	buf_printf(&r->out, "{\"status\":\"not_ready\",\"reason\":\"%s\"}", why);
	r->status = 503;
	req_header_add(r, "Retry-After", "5");
	return ERR_OK;
}

static enum err
ops_metrics(struct req *r)
{
	if (!cfg.metrics)
		return ERR_NOT_FOUND;
	buf_reset(&r->out);
	metrics_render(&r->out);
	r->raw = true;
	r->status = 200;
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return ERR_OK;
}

static enum err
ops_openapi(struct req *r)
{
	buf_reset(&r->out);
	openapi_render(&r->out);
	r->raw = true;
	r->status = 200;
	r->content_type = "application/json; charset=utf-8";
	return ERR_OK;
}

static const struct route ops_routes[] = {
	{ .method = M_GET, .path = "/healthz", .fn = ops_healthz, .surface = SURF_OPS,
	  .auth = AUTH_NONE, .perm = PERM_NONE, .notx = true, .summary = "Liveness" },
	{ .method = M_GET, .path = "/readyz", .fn = ops_readyz, .surface = SURF_OPS,
	  .auth = AUTH_NONE, .perm = PERM_NONE, .notx = true, .summary = "Readiness" },
	{ .method = M_GET, .path = "/metrics", .fn = ops_metrics, .surface = SURF_OPS,
	  .auth = AUTH_NONE, .perm = PERM_NONE, .notx = true, .summary = "Prometheus metrics" },
	{ .method = M_GET, .path = "/openapi.json", .fn = ops_openapi, .surface = SURF_OPS,
	  .auth = AUTH_NONE, .perm = PERM_NONE, .notx = true, .summary = "This document" },
};

ROUTE_TABLE(api_ops_routes, ops_routes);
