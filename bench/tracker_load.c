/*
 * tracker_load.c: a load generator replaying the activity tracker's traffic as ReAdmin's
 * in-game module sends it: S game servers (one keep-alive connection and one thread each)
 * call createServer, join P players each, then send sendData batches carrying one state
 * event per player (active / idle / typing / message in turn) every INTERVAL ms, and at the
 * end every player leaves and the server ends. Real game servers send every 3-30 s; the
 * interval is shortened so that S x P players produce the event rate under test.
 *
 *   tracker_load PORT LOADER_KEY [servers=100] [players=40] [seconds=10] [interval_ms=400]
 *
 * Prints events/s over the sendData phase (joins and leaves counted as events), sendData
 * latency percentiles, and any non-200 answers. Built by bench/tracker.sh; not a test.
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port, n_servers = 100, n_players = 40, seconds = 10, interval_ms = 400;
static const char *loader;

struct server {
	int id, fd;
	char rg[64]; /* runningGameId */
	int64_t *lat;  /* sendData latencies, ns */
	size_t n_lat, cap_lat;
	int64_t events, bad;
	int64_t data_events; /* carried by accepted sendData batches */
	char *buf; /* request scratch */
	size_t cap;
};

static int64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t
wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
dial(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("connect");
		exit(1);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* One request on the server's connection; returns the status, body copied into out. */
static int
call(struct server *s, const char *method, const char *path, const char *body, char *out,
     size_t out_size)
{
	char head[1024], resp[65536];
	size_t blen = strlen(body), got = 0;
	int n = snprintf(head, sizeof(head),
			 "%s %s HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
			 "loader-id: %s\r\nContent-Length: %zu\r\n\r\n",
			 method, path, loader, blen);

	if (write(s->fd, head, (size_t)n) != n || write(s->fd, body, blen) != (ssize_t)blen) {
		perror("write");
		exit(1);
	}
	for (;;) {
		ssize_t r = read(s->fd, resp + got, sizeof(resp) - 1 - got);
		if (r <= 0) {
			fprintf(stderr, "connection closed by the server\n");
			exit(1);
		}
		got += (size_t)r;
		resp[got] = '\0';
		char *end = strstr(resp, "\r\n\r\n");
		char *cl = strcasestr(resp, "Content-Length:");
		if (end == NULL || cl == NULL)
			continue;
		size_t len = strtoul(cl + 15, NULL, 10);
		if (got < (size_t)(end + 4 - resp) + len)
			continue;
		if (out != NULL)
			snprintf(out, out_size, "%.*s", (int)len, end + 4);
		return atoi(resp + 9);
	}
}

static void put(struct server *s, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
put(struct server *s, size_t *len, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(s->buf + *len, s->cap - *len, fmt, ap);
		va_end(ap);
		if ((size_t)n < s->cap - *len) {
			*len += (size_t)n;
			return;
		}
		s->cap *= 2;
		s->buf = realloc(s->buf, s->cap);
	}
}

static int64_t
player_id(const struct server *s, int p)
{
	return 1000000 + (int64_t)s->id * 1000 + p;
}

static void *
server_main(void *arg)
{
	static const char *const states[] = { "active", "idle", "active", "typing", "message" };
	struct server *s = arg;
	char out[4096];
	size_t len;
	int64_t seq = 0;

	s->fd = dial();
	s->cap = 65536;
	s->buf = malloc(s->cap);
	len = 0;
	put(s, &len, "{\"gameId\":%d,\"placeId\":%d,\"jobId\":\"bench-%d-%lld\"}", 4242, 4343,
	    s->id, (long long)wall_ms());
	if (call(s, "POST", "/activity/createServer", s->buf, out, sizeof(out)) != 200) {
		fprintf(stderr, "createServer: %s\n", out);
		exit(1);
	}
	char *rg = strstr(out, "\"runningGameId\":\"");
	if (rg == NULL) {
		fprintf(stderr, "no runningGameId: %s\n", out);
		exit(1);
	}
	snprintf(s->rg, sizeof(s->rg), "%.24s", rg + 17);
	for (int p = 0; p < n_players; p++) {
		len = 0;
		put(s, &len,
		    "{\"gameId\":\"%s\",\"playerId\":%lld,\"datetime\":%lld,\"groupRank\":100,"
		    "\"username\":\"p%lld\"}",
		    s->rg, (long long)player_id(s, p), (long long)wall_ms(),
		    (long long)player_id(s, p));
		s->bad += call(s, "POST", "/activity/playerJoin", s->buf, NULL, 0) != 200;
		s->events++;
	}
	/* Game servers are not in step: each starts its cycle at its own point of the interval,
	 * so batches arrive spread out as they do from real servers, not all at one instant. */
	int64_t end = now_ns() + (int64_t)seconds * 1000000000;
	int64_t next = now_ns() + (int64_t)interval_ms * 1000000 * (s->id % 100) / 100;
	{
		int64_t wait = next - now_ns();
		struct timespec ts = { wait / 1000000000, wait % 1000000000 };
		if (wait > 0)
			nanosleep(&ts, NULL);
	}
	for (int round = 0; now_ns() < end; round++) {
		len = 0;
		put(s, &len, "{\"gameId\":\"%s\",\"events\":[", s->rg);
		int64_t t = wall_ms();
		for (int p = 0; p < n_players; p++) {
			int64_t u = player_id(s, p);
			put(s, &len,
			    "%s{\"id\":\"e%d-%lld\",\"user\":%lld,\"userKey\":\"%lld\",\"type\":\"%s\","
			    "\"datetime\":%lld}",
			    p ? "," : "", s->id, (long long)seq++, (long long)u, (long long)u,
			    states[(round + p) % 5], (long long)t);
		}
		put(s, &len, "],\"players\":{");
		for (int p = 0; p < n_players; p++)
			put(s, &len, "%s\"%lld\":\"p%lld\"", p ? "," : "",
			    (long long)player_id(s, p), (long long)player_id(s, p));
		put(s, &len, "}}");
		int64_t t0 = now_ns();
		int st = call(s, "POST", "/activity/sendData", s->buf, out, sizeof(out));
		int64_t dt = now_ns() - t0;
		if (st != 200) {
			if (s->bad++ < 3)
				fprintf(stderr, "sendData %d: %s\n", st, out);
		} else {
			s->events += n_players;
			s->data_events += n_players;
		}
		if (s->n_lat == s->cap_lat) {
			s->cap_lat = s->cap_lat ? s->cap_lat * 2 : 1024;
			s->lat = realloc(s->lat, s->cap_lat * sizeof(*s->lat));
		}
		s->lat[s->n_lat++] = dt;
		next += (int64_t)interval_ms * 1000000;
		int64_t wait = next - now_ns();
		if (wait > 0) {
			struct timespec ts = { wait / 1000000000, wait % 1000000000 };
			nanosleep(&ts, NULL);
		}
	}
	for (int p = 0; p < n_players; p++) {
		len = 0;
		put(s, &len, "{\"gameId\":\"%s\",\"playerId\":%lld,\"events\":[],\"leftTime\":%.3f}",
		    s->rg, (long long)player_id(s, p), (double)wall_ms() / 1000.0);
		s->bad += call(s, "DELETE", "/activity/playerLeave", s->buf, NULL, 0) != 200;
		s->events++;
	}
	len = 0;
	put(s, &len, "{\"gameId\":\"%s\"}", s->rg);
	s->bad += call(s, "DELETE", "/activity/endServer", s->buf, NULL, 0) != 200;
	close(s->fd);
	free(s->buf);
	return NULL;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: tracker_load PORT LOADER_KEY [servers] [players] [seconds]"
				" [interval_ms]\n");
		return 2;
	}
	port = atoi(argv[1]);
	loader = argv[2];
	if (argc > 3)
		n_servers = atoi(argv[3]);
	if (argc > 4)
		n_players = atoi(argv[4]);
	if (argc > 5)
		seconds = atoi(argv[5]);
	if (argc > 6)
		interval_ms = atoi(argv[6]);
	struct server *sv = calloc((size_t)n_servers, sizeof(*sv));
	pthread_t *th = calloc((size_t)n_servers, sizeof(*th));
	int64_t t0 = now_ns();
	for (int i = 0; i < n_servers; i++) {
		sv[i].id = i + 1;
		pthread_create(&th[i], NULL, server_main, &sv[i]);
	}
	int64_t events = 0, bad = 0, data_events = 0;
	size_t n = 0;
	for (int i = 0; i < n_servers; i++) {
		pthread_join(th[i], NULL);
		events += sv[i].events;
		data_events += sv[i].data_events;
		bad += sv[i].bad;
		n += sv[i].n_lat;
	}
	double wall = (double)(now_ns() - t0) / 1e9;
	int64_t *all = malloc((n + 1) * sizeof(*all));
	size_t k = 0;
	for (int i = 0; i < n_servers; i++)
		for (size_t j = 0; j < sv[i].n_lat; j++)
			all[k++] = sv[i].lat[j];
	qsort(all, n, sizeof(*all), cmp64);
	printf("servers=%d players=%d seconds=%d interval_ms=%d\n", n_servers, n_players, seconds,
	       interval_ms);
	printf("events=%lld wall=%.1fs events/s=%.0f sendData=%zu non200=%lld\n",
	       (long long)events, wall, (double)events / wall, n, (long long)bad);
	printf("sendData phase: %.0f events/s\n", (double)data_events / seconds);
	if (n > 0)
		printf("sendData latency p50=%.2fms p99=%.2fms max=%.2fms\n",
		       (double)all[n / 2] / 1e6, (double)all[n * 99 / 100] / 1e6,
		       (double)all[n - 1] / 1e6);
	return bad ? 1 : 0;
}
