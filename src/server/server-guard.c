/*
 * server-guard.c: what keeps slow or greedy clients from locking the
 * results server (HACKING, "The server's guard").
 *
 * libmicrohttpd's own timeout counts inactivity, so a client that sends a
 * header byte every few seconds holds its connection forever, and 1,024 of
 * them take every slot.  The guard keeps three rules, with a table of the
 * open connections and of how many each address holds:
 *
 *   - an address holds at most per_addr connections (an IPv6 address is
 *     counted by its /64, which one host usually has whole);
 *   - the last `reserve` slots of the limit go only to addresses that hold
 *     no connection, so that a fresh client is answered while others fill
 *     the table;
 *   - a request has a total deadline for its headers and body, counted
 *     from the connection's accept (or the end of its previous request on
 *     a kept-alive connection) until it is whole, and its answer one of
 *     its own (the same time plus a second per SERVER_GUARD_MIN_RATE
 *     bytes: a client that reads slowly holds a slot as long as one that
 *     writes slowly); the main thread's sweep shuts down the socket of a
 *     connection that passes its deadline.
 *
 * libmicrohttpd calls guard_accept (its accept policy) before a connection
 * exists, guard_open and guard_close when it starts and ends (its
 * connection notifications: the socket is closed only after
 * guard_close, so the sweep, which holds the same lock, never shuts down
 * a descriptor that was reused), and the request handlers mark the
 * response phase.  Nothing here includes libmicrohttpd.
 */
#include <config.h>

#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "server.h"

#define ADDR_BUCKETS 1024

/* An address as the rules count it: family, then 4 (IPv4) or 8 bytes. */
struct addr_key {
	unsigned char b[9];
};

/* One open connection. */
struct guard_conn {
	struct guard_conn *prev, *next;
	int fd;
	struct addr_key key;
	double deadline; /* INFINITY while it is being answered */
	int cut;         /* its socket was shut down */
};

/* How many connections an address holds (only while it holds some). */
struct addr_count {
	struct addr_key key;
	unsigned count;
	struct addr_count *next;
};

/* The key of a socket address; 0, or -1 for a family we do not know. */
static int
addr_key_of(const struct sockaddr *sa, size_t len, struct addr_key *k)
{
	static const unsigned char mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	memset(k, 0, sizeof(*k));
	if (sa == NULL)
		return -1;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		k->b[0] = 4;
		memcpy(k->b + 1,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    4);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const unsigned char *a =
		    ((const struct sockaddr_in6 *)(const void *)sa)
		        ->sin6_addr.s6_addr;

		if (memcmp(a, mapped, 12) == 0) {
			k->b[0] = 4;
			memcpy(k->b + 1, a + 12, 4);
		} else {
			k->b[0] = 6;
			memcpy(k->b + 1, a, 8);
		}
		return 0;
	}
	return -1;
}

static size_t
addr_hash(const struct addr_key *k)
{
	size_t h = 2166136261u, i;

	for (i = 0; i < sizeof(k->b); i++)
		h = (h ^ k->b[i]) * 16777619u;
	return h % ADDR_BUCKETS;
}

/* The count of k (NULL when it holds nothing); the lock is held. */
static struct addr_count *
addr_find(struct server_guard *g, const struct addr_key *k)
{
	struct addr_count *a;

	for (a = g->addrs[addr_hash(k)]; a != NULL; a = a->next)
		if (memcmp(a->key.b, k->b, sizeof(k->b)) == 0)
			return a;
	return NULL;
}

void
server_guard_init(
    struct server_guard *g, unsigned limit, unsigned per_addr, double timeout)
{
	memset(g, 0, sizeof(*g));
	pthread_mutex_init(&g->lock, NULL);
	g->limit = limit;
	g->per_addr = per_addr;
	g->reserve = server_guard_reserve(limit);
	g->timeout = timeout;
	g->addrs = xcalloc(ADDR_BUCKETS, sizeof(*g->addrs));
}

unsigned
server_guard_reserve(unsigned limit)
{
	return limit / 16 > 0 ? limit / 16 : 1;
}

void
server_guard_free(struct server_guard *g)
{
	struct guard_conn *c, *cn;
	struct addr_count *a, *an;
	size_t i;

	for (c = g->conns; c != NULL; c = cn) {
		cn = c->next;
		free(c);
	}
	for (i = 0; g->addrs != NULL && i < ADDR_BUCKETS; i++)
		for (a = g->addrs[i]; a != NULL; a = an) {
			an = a->next;
			free(a);
		}
	free(g->addrs);
	pthread_mutex_destroy(&g->lock);
	memset(g, 0, sizeof(*g));
}

int
server_guard_accept(
    struct server_guard *g, const struct sockaddr *sa, size_t len)
{
	struct addr_key k;
	struct addr_count *a;
	unsigned held;
	int ok = 1;

	if (addr_key_of(sa, len, &k) != 0)
		return 1; /* not IP: nothing to count it by */
	pthread_mutex_lock(&g->lock);
	a = addr_find(g, &k);
	held = a != NULL ? a->count : 0;
	if (g->open >= g->limit) {
		g->refused_full++;
		ok = 0;
	} else if (held >= g->per_addr) {
		g->refused_addr++;
		ok = 0;
	} else if (held > 0 && g->open + g->reserve >= g->limit) {
		g->refused_reserve++;
		ok = 0;
	}
	pthread_mutex_unlock(&g->lock);
	return ok;
}

struct guard_conn *
server_guard_open(struct server_guard *g, int fd, const struct sockaddr *sa,
    size_t len, int *over)
{
	struct guard_conn *c = xcalloc(1, sizeof(*c));
	struct addr_count *a = NULL;
	size_t h;

	c->fd = fd;
	(void)addr_key_of(sa, len, &c->key);
	c->deadline = mono_now() + g->timeout;
	pthread_mutex_lock(&g->lock);
	c->next = g->conns;
	if (g->conns != NULL)
		g->conns->prev = c;
	g->conns = c;
	g->open++;
	if (c->key.b[0] != 0) {
		a = addr_find(g, &c->key);
		if (a == NULL) {
			a = xcalloc(1, sizeof(*a));
			a->key = c->key;
			h = addr_hash(&c->key);
			a->next = g->addrs[h];
			g->addrs[h] = a;
		}
		a->count++;
	}
	/*
	 * The rules of server_guard_accept again, now that the connection
	 * counts: the pool's threads accept at once, and each may have passed
	 * them before the others' connections were counted.
	 */
	*over = 0;
	if (g->open > g->limit) {
		g->refused_full++;
		*over = 1;
	} else if (a != NULL && a->count > g->per_addr) {
		g->refused_addr++;
		*over = 1;
	} else if (a != NULL && a->count > 1 &&
	           g->open + g->reserve > g->limit) {
		g->refused_reserve++;
		*over = 1;
	}
	c->cut = *over; /* no deadline to enforce: it ends now */
	pthread_mutex_unlock(&g->lock);
	return c;
}

void
server_guard_close(struct server_guard *g, struct guard_conn *c)
{
	struct addr_count **pp, *a;

	if (c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		g->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	g->open--;
	if (c->key.b[0] != 0) {
		for (pp = &g->addrs[addr_hash(&c->key)]; *pp != NULL;
		     pp = &(*pp)->next)
			if (memcmp((*pp)->key.b, c->key.b, sizeof(c->key.b)) ==
			    0)
				break;
		a = *pp;
		if (a != NULL && --a->count == 0) {
			*pp = a->next;
			free(a);
		}
	}
	pthread_mutex_unlock(&g->lock);
	free(c);
}

void
server_guard_answering(struct server_guard *g, struct guard_conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	c->deadline = INFINITY;
	pthread_mutex_unlock(&g->lock);
}

void
server_guard_sending(struct server_guard *g, struct guard_conn *c, size_t len)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	c->deadline =
	    mono_now() + g->timeout + (double)len / SERVER_GUARD_MIN_RATE;
	pthread_mutex_unlock(&g->lock);
}

void
server_guard_next_request(struct server_guard *g, struct guard_conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	c->deadline = mono_now() + g->timeout;
	pthread_mutex_unlock(&g->lock);
}

size_t
server_guard_sweep(struct server_guard *g, double now,
    void (*cut)(int fd, void *arg), void *arg)
{
	struct guard_conn *c;
	size_t n = 0;

	pthread_mutex_lock(&g->lock);
	for (c = g->conns; c != NULL; c = c->next) {
		if (c->cut || !(c->deadline <= now))
			continue;
		/* The descriptor is still the connection's: see above. */
		cut(c->fd, arg);
		c->cut = 1;
		n++;
	}
	g->cut += n;
	pthread_mutex_unlock(&g->lock);
	return n;
}

int
server_guard_report(struct server_guard *g, char *buf, size_t size)
{
	unsigned long full, addr, reserve, cut;
	size_t open, at;

	pthread_mutex_lock(&g->lock);
	full = g->refused_full;
	addr = g->refused_addr;
	reserve = g->refused_reserve;
	cut = g->cut;
	open = g->open;
	g->refused_full = g->refused_addr = g->refused_reserve = g->cut = 0;
	pthread_mutex_unlock(&g->lock);
	if (full + addr + reserve + cut == 0)
		return 0;
	at = (size_t)snprintf(buf, size, "guard:");
	if (addr > 0 && at < size)
		at += (size_t)snprintf(buf + at, size - at,
		    " refused %lu connection%s over --max-per-address %u;",
		    addr, addr == 1 ? "" : "s", g->per_addr);
	if (reserve > 0 && at < size)
		at += (size_t)snprintf(buf + at, size - at,
		    " refused %lu from addresses holding some, keeping the "
		    "last %u slots free;",
		    reserve, g->reserve);
	if (full > 0 && at < size)
		at += (size_t)snprintf(buf + at, size - at,
		    " refused %lu at --max-connections %u;", full, g->limit);
	if (cut > 0 && at < size)
		at += (size_t)snprintf(buf + at, size - at,
		    " cut %lu request%s past --request-timeout %gs;", cut,
		    cut == 1 ? "" : "s", g->timeout);
	if (at < size)
		snprintf(buf + at, size - at, " %zu open", open);
	return 1;
}
