/*
 * client.c: outbound HTTP over libcurl; see client.h. The only includer of <curl/curl.h>
 * (STYLE.md §4): curl's types and messages stay here and leave as a status or a CLIENT_*
 * code. Each call uses its own easy handle, so worker threads share nothing.
 */
#include "http/client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"

struct sink {
	struct buf *out;
	struct client_req *q;
};

void
client_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
client_global_cleanup(void)
{
	curl_global_cleanup();
}

/* A body past the cap stops the transfer (returning less than given aborts it). */
static size_t
on_body(char *p, size_t size, size_t n, void *ud)
{
	struct sink *s = ud;

	if (!buf_append(s->out, p, size * n))
		return 0;
	return size * n;
}

static size_t
on_header(char *p, size_t size, size_t n, void *ud)
{
	struct sink *s = ud;
	size_t len = size * n, nl;
	const char *want = s->q->want_header;

	if (want == NULL)
		return len;
	nl = strlen(want);
	if (len > nl + 1 && strncasecmp(p, want, nl) == 0 && p[nl] == ':') {
		const char *v = p + nl + 1;
		size_t vl = len - nl - 1;
		while (vl > 0 && (*v == ' ' || *v == '\t'))
			v++, vl--;
		while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
			vl--;
		if (vl < sizeof(s->q->header_value)) {
			memcpy(s->q->header_value, v, vl);
			s->q->header_value[vl] = '\0';
		}
	}
	return len;
}

/* The URL without its path and query, for log lines. */
static void
url_host(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	n = strcspn(p, "/?#");
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

static int
client_perform(CURL *h, struct client_req *q, struct buf *out)
{
	char host[128];
	long status = 0;
	CURLcode rc = curl_easy_perform(h);

	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 100 && status <= 599)
			return (int)status;
		rc = CURLE_WEIRD_SERVER_REPLY;
	}
	url_host(q->url, host, sizeof(host));
	if ((rc == CURLE_WRITE_ERROR && out->overflow) || rc == CURLE_FILESIZE_EXCEEDED) {
		log_warn("client.failed", "upstream '%s': answer over %d bytes", host, CLIENT_BODY_MAX);
		return CLIENT_TOO_LARGE;
	}
	log_warn("client.failed", "upstream '%s': %s", host, curl_easy_strerror(rc));
	return rc == CURLE_OPERATION_TIMEDOUT ? CLIENT_TIMEOUT : CLIENT_NETWORK;
}

int
client_request(struct client_req *q, struct buf *out)
{
	struct curl_slist *hdrs = NULL, *next;
	struct sink s = { out, q };
	CURL *h;
	int ret = CLIENT_FAILED;

	buf_reset(out);
	q->header_value[0] = '\0';
	if (out->max > CLIENT_BODY_MAX)
		out->max = CLIENT_BODY_MAX;
	h = curl_easy_init();
	if (h == NULL)
		return CLIENT_FAILED;
	for (size_t i = 0; i < CLIENT_MAX_HEADERS && q->headers[i]; i++) {
		next = curl_slist_append(hdrs, q->headers[i]);
		if (next == NULL)
			goto out;
		hdrs = next;
	}
	/* Without this curl sends `Expect: 100-continue` on larger bodies and waits for it. */
	next = curl_slist_append(hdrs, "Expect:");
	if (next == NULL)
		goto out;
	hdrs = next;
	if (curl_easy_setopt(h, CURLOPT_URL, q->url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method) != CURLE_OK)
		goto out;
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)CLIENT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS timeouts */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)CLIENT_BODY_MAX);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &s);
	if (q->body != NULL) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
	} else if (strcmp(q->method, "GET") != 0) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
	}
	if (strcmp(q->method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	ret = client_perform(h, q, out);
out:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return ret;
}
