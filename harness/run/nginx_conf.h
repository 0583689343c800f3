/* SPDX-License-Identifier: MIT */
/*
 * nginx as the reference model: its configuration, written for each
 * experiment in a private directory (its prefix: nginx.conf, its pid file
 * and temporary files) that the server's user owns, so that it runs as
 * that user with nothing of the system's nginx (no /var/log, /var/lib,
 * /run). It answers what our servers answer, as they are asked to: the
 * same body, the same backlog, one worker process per event loop, the
 * same timeouts; access log off, errors to stderr, in the foreground.
 */
#ifndef WHYSERVE_HARNESS_NGINX_CONF_H
#define WHYSERVE_HARNESS_NGINX_CONF_H

#include <stddef.h>

/* the path of nginx's own count of requests (stub_status) */
#define NGINX_STATUS_PATH "/whyserve-nginx-status"

struct nginx_conf {
	int port, backlog, workers;
	int connections;       /* the most the load opens at once */
	double idle_timeout_s; /* a kept-alive connection's, as our servers' */
	const char *user;      /* owns the directory: the server runs as it */
};

/* A new directory under /tmp (its path in dir) with nginx.conf in it. 0,
 * or -errno with why; nothing is left on failure. */
int nginx_conf_write(const struct nginx_conf *c, char *dir, size_t len, char *why, size_t wlen);
/* The directory and all nginx put in it. */
void nginx_dir_remove(const char *dir);

#endif
