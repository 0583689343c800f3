/* SPDX-License-Identifier: MIT */
/*
 * The answers, built once at start-up: status line, headers and body in
 * one buffer each, so that answering a request is pointing at one.
 */
#ifndef WHYSERVE_REPLY_H
#define WHYSERVE_REPLY_H

#include "common/server_limits.h"
#include "servers/common/http.h"

#include <stddef.h>
#include <sys/uio.h>

#define REPLY_BODY_DEFAULT SERVER_BODY_DEFAULT
#define REPLY_BODY_MAX	   (64UL << 20)

/* The 200 body is body_bytes long: the default line, repeated and cut. */
int replies_init(size_t body_bytes);
/* What to send for a parsed request (for HEAD, the same head, no body). */
const struct iovec *reply_for(const struct http_request *req);

#endif
