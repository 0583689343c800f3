// SPDX-License-Identifier: MIT
#include "servers/common/conn.h"
#include "common/clock.h"
#include "servers/common/reply.h"
#include "servers/common/work.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* a partial request head and one read after it */
#define STASH_SIZE (HTTP_MAX_HEAD + HTTP_RECV_MAX)

static int64_t idle_timeout_ms = 60000, header_timeout_ms = 10000;

static size_t stashed(const struct http_conn *c)
{
	return c->stash_end - c->stash_start;
}

/* Bytes of answers queued and not yet sent. */
static uint64_t queued(const struct http_conn *c)
{
	uint64_t n = 0;

	for (unsigned r = 0; r < c->nruns; r++)
		n += c->run[r].count * c->run[r].reply->iov_len;
	return n - c->sent;
}

/* Room for len more bytes at the end of the stash: compacted, or grown. */
static int stash_room(struct http_conn *c, size_t len)
{
	size_t pending = stashed(c), cap = c->stash_cap ? c->stash_cap : STASH_SIZE;
	char *p;

	if (pending + len > HTTP_STASH_MAX)
		return -ENOBUFS;
	if (c->stash_end + len <= c->stash_cap)
		return 0;
	if (c->stash_start) {
		memmove(c->stash, c->stash + c->stash_start, pending);
		c->stash_start = 0;
		c->stash_end = pending;
		if (pending + len <= c->stash_cap)
			return 0;
	}
	while (cap < pending + len)
		cap *= 2;
	p = realloc(c->stash, cap);
	if (!p)
		return -ENOMEM;
	c->stash = p;
	c->stash_cap = cap;
	return 0;
}

static bool queue(struct http_conn *c, const struct iovec *reply)
{
	struct http_run *last = c->nruns ? &c->run[c->nruns - 1] : NULL;

	if (last && last->reply == reply) {
		last->count++;
		return true;
	}
	if (c->nruns == HTTP_OUT_RUNS)
		return false;
	c->run[c->nruns++] = (struct http_run){ reply, 1 };
	return true;
}

/* Answers the requests at the start of buf; returns the bytes used up. */
static size_t frame(struct http_conn *c, const char *buf, size_t len)
{
	size_t used = 0;

	while (used < len && !c->closing && queued(c) < HTTP_QUEUED_MAX) {
		struct http_request req;
		size_t n;

		if (c->skip) {
			n = len - used < c->skip ? len - used : c->skip;
			c->skip -= n;
			used += n;
			continue;
		}
		n = http_parse(buf + used, len - used, &req);
		if (!n || !queue(c, reply_for(&req)))
			break;
		used += n;
		if (req.status == 200)
			work_request();
		c->closing = !req.keep_alive;
		c->error = req.status >= 400;
		c->skip = req.body_len;
	}
	return used;
}

/*
 * Is the stash a request head begun and not yet whole? (Not whole requests
 * waiting for their turn: those wait on the client, the idle timeout's.)
 * If so its first byte came about now, unless already noted.
 */
static void note_head(struct http_conn *c)
{
	struct http_request req;
	bool begun = stashed(c) && !c->closing && !c->skip &&
		     !http_parse(c->stash + c->stash_start, stashed(c), &req);

	if (!begun)
		c->head_ms = 0;
	else if (!c->head_ms)
		c->head_ms = c->active_ms;
}

/* Answers what the stash holds, keeps what is left of it. */
static void frame_stash(struct http_conn *c)
{
	c->stash_start += frame(c, c->stash + c->stash_start, stashed(c));
	if (c->closing || !stashed(c))
		c->stash_start = c->stash_end = 0; /* nothing after the last answer counts */
	note_head(c);
}

void http_conn_timeouts(int64_t idle_ms, int64_t header_ms)
{
	idle_timeout_ms = idle_ms;
	header_timeout_ms = header_ms;
}

int http_conn_sweep_ms(void)
{
	int64_t shortest =
		idle_timeout_ms < header_timeout_ms ? idle_timeout_ms : header_timeout_ms;

	if (HTTP_LINGER_MS < shortest)
		shortest = HTTP_LINGER_MS;
	return shortest / 2 < 1 ? 1 : shortest / 2 > 1000 ? 1000 : shortest / 2;
}

void http_conn_start(struct http_conn *c)
{
	c->active_ms = mono_ms();
}

int64_t http_conn_deadline(const struct http_conn *c)
{
	if (c->lingering)
		return c->active_ms + HTTP_LINGER_MS;
	return c->head_ms ? c->head_ms + header_timeout_ms : c->active_ms + idle_timeout_ms;
}

bool http_conn_head_pending(const struct http_conn *c)
{
	return c->head_ms;
}

void http_conn_expire(struct http_conn *c)
{
	struct http_request timeout = { .status = 408 };

	if (c->closing)
		return;
	/* no lingering for a 408: the client that was too slow may wait no more */
	c->closing = true;
	if (c->head_ms)
		queue(c, reply_for(&timeout));
	c->stash_start = c->stash_end = c->head_ms = 0;
}

bool http_conn_linger(const struct http_conn *c)
{
	return c->error;
}

void http_conn_linger_start(struct http_conn *c)
{
	c->lingering = true;
	c->active_ms = mono_ms();
}

bool http_conn_drained(struct http_conn *c, size_t n)
{
	c->drained += n;
	return c->drained >= HTTP_LINGER_MAX;
}

int http_conn_input(struct http_conn *c, const char *data, size_t len)
{
	bool pending = stashed(c);
	size_t used;
	int err;

	if (c->closing)
		return 0;
	c->active_ms = mono_ms();
	if (!pending) {
		/* the common case: whole requests, answered where they lie */
		used = frame(c, data, len);
		data += used;
		len -= used;
		if (!len || c->closing)
			return 0;
	}
	err = stash_room(c, len);
	if (err)
		return err;
	memcpy(c->stash + c->stash_end, data, len);
	c->stash_end += len;
	if (pending)
		frame_stash(c); /* a request completed across reads */
	else
		note_head(c);
	return 0;
}

bool http_conn_wants_input(const struct http_conn *c)
{
	return !c->closing && c->nruns < HTTP_OUT_RUNS && queued(c) < HTTP_QUEUED_MAX &&
	       stashed(c) <= HTTP_MAX_HEAD;
}

int http_conn_output(const struct http_conn *c, struct iovec *iov, int max)
{
	int n = 0;

	for (unsigned r = 0; r < c->nruns && n < max; r++)
		for (uint64_t k = 0; k < c->run[r].count && n < max; k++)
			iov[n++] = *c->run[r].reply;
	if (n) {
		iov[0].iov_base = (char *)iov[0].iov_base + c->sent;
		iov[0].iov_len -= c->sent;
	}
	return n;
}

ssize_t http_send(int fd, const struct iovec *iov, int n)
{
	struct msghdr msg = { .msg_iov = (struct iovec *)iov, .msg_iovlen = n };

	if (n == 1)
		return send(fd, iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL);
	return sendmsg(fd, &msg, MSG_NOSIGNAL);
}

bool http_conn_has_output(const struct http_conn *c)
{
	return c->nruns;
}

void http_conn_sent(struct http_conn *c, size_t n)
{
	c->active_ms = mono_ms();
	c->sent += n;
	while (c->nruns && c->sent >= c->run[0].reply->iov_len) {
		c->sent -= c->run[0].reply->iov_len;
		if (--c->run[0].count)
			continue;
		c->nruns--;
		memmove(c->run, c->run + 1, c->nruns * sizeof(c->run[0]));
	}
	if (stashed(c) && !c->closing)
		frame_stash(c);
}

bool http_conn_finished(const struct http_conn *c)
{
	return c->closing && !c->nruns;
}

void http_conn_reset(struct http_conn *c)
{
	free(c->stash);
	memset(c, 0, sizeof(*c));
}
