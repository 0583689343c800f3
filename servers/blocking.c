// SPDX-License-Identifier: MIT
/*
 * server-blocking: one process, one connection at a time.
 *
 * The model. accept() a connection, serve it until it closes, accept the
 * next. Every call blocks: while the server waits for a client to send its
 * next request, nothing else happens. It is the simplest server there is,
 * and it is correct: only one client is served at a time.
 *
 * Its costs. No process, thread or event machinery: per request a recv and
 * a send, per connection an accept and a close. But the connection held
 * open by a keep-alive client owns the server; everyone else waits in the
 * kernel's accept queue (its length: --backlog), and once that is full the
 * kernel drops new connection attempts (SYNs): clients see connect
 * timeouts and retries of a second or more. With Connection: close each
 * client is served in turn, and the accept queue shows how long they wait.
 */
#include "servers/common/listen.h"
#include "servers/common/options.h"
#include "servers/common/serve.h"

#include <errno.h>
#include <unistd.h>

static const struct server_model model = {
	.name = "server-blocking",
	.doc = "An HTTP/1.1 server that serves one connection at a time, until it closes.",
	.examples = "    server-blocking                   # on 127.0.0.1:8080\n"
		    "    server-blocking --port 0          # on a free port, printed\n"
		    "    server-blocking --sleep-us 1000   # each request blocks 1 ms\n",
};

int main(int argc, char **argv)
{
	struct server_opts o;
	int lfd, fd;

	server_init(argc, argv, &model, &o);
	if (listen_sockets(&o, &lfd, 1, 0) || serve_timeouts(lfd, &o) || stop_on_signal(lfd))
		return 1;
	listen_announce(&o, lfd, 1);

	for (;;) {
		fd = accept_connection(lfd, 0);
		if (fd == -EAGAIN)
			continue;
		if (fd < 0)
			break;
		stop_watch(fd);
		if (!stop_requested)
			serve_connection(fd);
		stop_watch(-1);
		close(fd);
	}

	close(lfd);
	return stop_exit_status(fd);
}
