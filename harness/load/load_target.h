/* SPDX-License-Identifier: MIT */
/* Where the load goes and what it sends: a URL on loopback (anything else
 * is refused) and the request bytes, formatted once for every request. */
#ifndef WHYSERVE_HARNESS_LOAD_TARGET_H
#define WHYSERVE_HARNESS_LOAD_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct load_target {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char host[300]; /* the URL's host[:port], for Host: */
	char *request;	/* "GET /path HTTP/1.1\r\nHost: ...\r\n\r\n" */
	size_t request_len;
};

/*
 * Parses [http://]HOST[:PORT][/PATH] where HOST is an IPv4 address in
 * 127.0.0.0/8, [::1], or localhost, and formats the request with the extra
 * headers ("Name: value") and, when close, "Connection: close".
 * 0, -EINVAL (malformed), -EPERM (not loopback), -ENOMEM; err says why.
 */
int load_target_init(struct load_target *t, const char *url, const char *const *headers,
		     unsigned nheaders, bool close, char *err, size_t errlen);
/* The same; any_address: any IP address literal, not only loopback's (an
 * agent loads the server its controller names; names are still refused). */
int load_target_parse(struct load_target *t, const char *url, const char *const *headers,
		      unsigned nheaders, bool close, bool any_address, char *err, size_t errlen);
void load_target_free(struct load_target *t);

#endif
