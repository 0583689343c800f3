// SPDX-License-Identifier: MIT
/*
 * The client's errors joined to their kernel causes: each error class the
 * load generator counts, beside the kernel events that make it (resets by
 * the kernel's reason, the first FIN, SYNs a full accept queue dropped,
 * the server's failed calls by errno), each with its count. A cause whose
 * figure was not measured is said to be unknown, never guessed.
 */
#include "harness/explain/say.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* close()s left to another process, as a share of the server's FINs, from
 * which it keeps its connections' descriptors (server-fork: 2 in 1 300) */
#define DELAYED_CLOSE_SHARE 0.1

struct rows {
	struct error_row *r;
	int n, max;
};

static void row(struct rows *o, const char *client, double count, const char *event, double events,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void row(struct rows *o, const char *client, double count, const char *event, double events,
		const char *fmt, ...)
{
	struct error_row *r;
	va_list ap;

	if (o->n >= o->max)
		return;
	r = &o->r[o->n++];
	snprintf(r->client, sizeof(r->client), "%s", client);
	r->count = count;
	snprintf(r->event, sizeof(r->event), "%s", event);
	r->events = events;
	va_start(ap, fmt);
	vsnprintf(r->cause, sizeof(r->cause), fmt, ap);
	va_end(ap);
}

static bool some(double v)
{
	return known(v) && v > 0;
}

/* The errors probe's figures: unknown when it did not run. */
static bool resets_known(const struct figures *f)
{
	return known(f->rst_abort_on_close);
}

/* A share of the server's close()s past DELAYED_CLOSE_SHARE left its
 * connections to another process: a server that keeps descriptors. A fork
 * server's parent that closes its copy a moment after its child (a race,
 * harmless) does it to a few in a thousand. */
static bool delayed_close(const struct figures *f)
{
	return some(f->closes_held_elsewhere) &&
	       f->closes_held_elsewhere > DELAYED_CLOSE_SHARE * (known(f->fins) ? f->fins : 0);
}

static void unknown(struct rows *o, const char *client, double count)
{
	row(o, client, count, "", NAN, "not measured: the errors probe did not run");
}

/* What the clients received, as the class they count sees it. */
static void received(char *buf, size_t len, const struct figures *f, const char *client)
{
	buf[0] = '\0';
	if (!strcmp(client, "broken_pipe") && some(f->rst_client_received_close_wait))
		snprintf(buf, len,
			 "; %.0f received by the clients in CLOSE_WAIT, after the server's FIN "
			 "(the kernel reports EPIPE)",
			 f->rst_client_received_close_wait);
	else if (some(f->rst_client_received_est))
		snprintf(buf, len, "; %.0f received by the clients in ESTABLISHED",
			 f->rst_client_received_est);
}

/* The resets the server sent, each reason a row: why a connection was
 * reset (or a send after it met a broken pipe). Returns rows added. */
static int server_resets(struct rows *o, const struct figures *f, const char *client, double count)
{
	int n0 = o->n;
	char recv[128];

	received(recv, sizeof(recv), f, client);
	if (some(f->rst_abort_on_close))
		row(o, client, count, "rst_abort_on_close", f->rst_abort_on_close,
		    "the server closed with unread input: %.0f resets sent by close() "
		    "(TCP_ABORT_ON_CLOSE)%s",
		    f->rst_abort_on_close, recv);
	if (some(f->rst_abort_on_data))
		row(o, client, count, "rst_abort_on_data", f->rst_abort_on_data,
		    "input arrived after the server's close(): %.0f resets (TCP_ABORT_ON_DATA)%s",
		    f->rst_abort_on_data, recv);
	if (some(f->rst_abort_linger))
		row(o, client, count, "rst_abort_linger", f->rst_abort_linger,
		    "the server aborted the connection (SO_LINGER 0, or a disconnect): %.0f resets "
		    "(TCP_ABORT_ON_LINGER, TCP_STATE)%s",
		    f->rst_abort_linger, recv);
	if (some(f->rst_server_other))
		row(o, client, count, "rst_server_other", f->rst_server_other,
		    "%.0f resets sent by the server for other reasons%s", f->rst_server_other,
		    recv);
	/* a segment for a socket that is gone: the server's process ended */
	if (some(f->rst_no_socket - (known(f->refused) ? f->refused : 0)) && some(f->fin_at_exit))
		row(o, client, count, "rst_no_socket", f->rst_no_socket,
		    "the server's sockets were gone (closed at a process's exit): %.0f resets for "
		    "no socket (NO_SOCKET)",
		    f->rst_no_socket);
	/* most first: the likeliest cause heads the class */
	for (int i = n0 + 1; i < o->n; i++)
		for (int j = i; j > n0 && o->r[j].events > o->r[j - 1].events; j--) {
			struct error_row t = o->r[j];

			o->r[j] = o->r[j - 1];
			o->r[j - 1] = t;
		}
	return o->n - n0;
}

static void resets(struct rows *o, const struct figures *f, const char *client, double count)
{
	if (!resets_known(f)) {
		unknown(o, client, count);
		return;
	}
	if (server_resets(o, f, client, count))
		return;
	if (some(f->rst_client_received))
		row(o, client, count, "rst_client_received", f->rst_client_received,
		    "%.0f resets received by the clients, none sent by the server's sockets",
		    f->rst_client_received);
	else
		row(o, client, count, "", 0, "no reset seen in the kernel");
}

static void refused(struct rows *o, const struct figures *f)
{
	if (!known(f->rst_no_socket))
		unknown(o, "connect_refused", f->refused);
	else if (f->rst_no_socket > 0)
		row(o, "connect_refused", f->refused, "rst_no_socket", f->rst_no_socket,
		    "nobody listened on the port: %.0f SYNs answered with a reset for no socket "
		    "(NO_SOCKET)",
		    f->rst_no_socket);
	else
		row(o, "connect_refused", f->refused, "", 0, "no reset for no socket seen");
}

/* A connection that waited: a SYN the full accept queue dropped, or no
 * descriptor to accept it with. Returns rows added. */
static int waited(struct rows *o, const struct figures *f, const char *client, double count)
{
	int n0 = o->n;
	double emfile = figures_errno_calls(f, "EMFILE") + figures_errno_calls(f, "ENFILE");

	if (some(f->listen_overflows)) {
		char limit[32] = "";

		/* the limit is seen at an enqueue: a queue nobody took from has none */
		if (some(f->aq_limit))
			snprintf(limit, sizeof(limit), " (limit %.0f)", f->aq_limit);
		row(o, client, count, "listen_overflows", f->listen_overflows,
		    "the accept queue was full%s: %.0f SYNs dropped (ListenOverflows), each "
		    "retried after 1 s, then 3 s",
		    limit, f->listen_overflows);
	}
	/* the server closed, but another process held on: no FIN came */
	if (delayed_close(f))
		row(o, client, count, "closes_held_elsewhere", f->closes_held_elsewhere,
		    "the server closed %.0f answered connections while another process held their "
		    "descriptors: no FIN left, the clients waited on a socket nobody read",
		    f->closes_held_elsewhere);
	if (some(emfile))
		row(o, client, count, "failed_calls", emfile,
		    "the server ran out of file descriptors: %.0f calls failed with EMFILE or "
		    "ENFILE, connections left waiting",
		    emfile);
	return o->n - n0;
}

static void client_errors(struct rows *o, const struct figures *f)
{
	double reset = f->resets - f->closed_early, bad = f->bad_responses - f->non2xx;

	if (some(f->refused))
		refused(o, f);
	if (some(f->connect_timeouts) && !waited(o, f, "connect_timeout", f->connect_timeouts))
		row(o, "connect_timeout", f->connect_timeouts, "",
		    known(f->listen_overflows) ? 0 : NAN,
		    "no SYN dropped by a full accept queue seen");
	if (some(reset))
		resets(o, f, "reset", reset);
	if (some(f->broken_pipes))
		resets(o, f, "broken_pipe", f->broken_pipes);
	if (some(f->closed_early)) {
		if (!known(f->server_closed_first))
			unknown(o, "closed", f->closed_early);
		else
			row(o, "closed", f->closed_early, "server_closed_first",
			    f->server_closed_first,
			    "the server sent the first FIN, before a whole response: %.0f "
			    "connections it closed first%s",
			    f->server_closed_first,
			    some(f->fin_at_exit) ? ", some at a process's exit" : "");
	}
	if (some(f->timeouts) && !waited(o, f, "read_timeout", f->timeouts)) {
		if (!resets_known(f))
			unknown(o, "read_timeout", f->timeouts);
		else
			row(o, "read_timeout", f->timeouts, "", 0,
			    "no kernel error: the server did not answer within the timeout");
	}
	if (some(bad))
		row(o, "bad_response", bad, "", 0,
		    "no kernel event: the server's bytes were not the HTTP/1.x the load generator "
		    "reads");
	if (some(f->non2xx))
		row(o, "non_2xx", f->non2xx, "", 0,
		    "no kernel event: answered, with a status that is not 2xx");
	if (some(f->other_errors))
		row(o, "other", f->other_errors, "", 0, "errno %d on the client's side",
		    f->other_errno);
}

/* The server's own failed calls that are about its connections. */
static void server_errors(struct rows *o, const struct figures *f)
{
	double pipe = figures_errno_calls(f, "EPIPE") + figures_errno_calls(f, "ECONNRESET");

	/* no more than one per connection: the load generator closing its
	 * connections at the end of the run, requests in flight; not an
	 * error of the run (the syscalls' summary still counts them) */
	if (some(pipe) && !(f->connections > 0 && pipe <= f->connections))
		row(o, "server", NAN, "failed_calls", pipe,
		    "the server's sends or receives failed %.0f times with EPIPE or ECONNRESET: "
		    "the client had closed first%s",
		    pipe, some(f->rst_client_sent) ? ", with unread data (resets it sent)" : "");
	/* the delayed close: a descriptor another process kept */
	if (delayed_close(f)) {
		char exits[96] = "";

		if (some(f->fin_at_exit))
			snprintf(exits, sizeof(exits),
				 "; %.0f of its %.0f FINs left at a process's exit", f->fin_at_exit,
				 f->fins);
		row(o, "", NAN, "closes_held_elsewhere", f->closes_held_elsewhere,
		    "%.0f close()s of an answered connection left it open: another process (a "
		    "parent that forked a child and kept its copy, say) still held the "
		    "descriptor, and its FIN waits for it%s",
		    f->closes_held_elsewhere, exits);
	}
}

int explain_errors(const struct figures *f, struct error_row *out, int max)
{
	struct rows o = { out, 0, max };

	client_errors(&o, f);
	server_errors(&o, f);
	return o.n;
}
