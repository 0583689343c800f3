/* SPDX-License-Identifier: MIT */
/*
 * nginx's own count of the requests it read (its stub_status page, at
 * NGINX_STATUS_PATH of the configuration the harness writes): read before
 * and after the measured load, a count of the window that owes nothing to
 * the load generator's.
 */
#ifndef WHYSERVE_HARNESS_NGINX_STATUS_H
#define WHYSERVE_HARNESS_NGINX_STATUS_H

/* Its requests so far, this asking included; NAN when it did not say
 * within timeout_ms. */
double nginx_status_requests(int port, int timeout_ms);

#endif
