// SPDX-License-Identifier: MIT
#include "harness/run/nginx_status.h"
#include "harness/run/nginx_conf.h"
#include "harness/run/server_ready.h"
#include "common/clock.h"

#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* "server accepts handled requests\n A H R": R */
static double requests_of(const char *page)
{
	const char *at = strstr(page, "requests\n");
	double accepts, handled, requests;

	if (!at ||
	    sscanf(at + strlen("requests\n"), "%lf %lf %lf", &accepts, &handled, &requests) != 3)
		return NAN;
	return requests;
}

double nginx_status_requests(int port, int timeout_ms)
{
	static const char req[] = "GET " NGINX_STATUS_PATH " HTTP/1.1\r\n"
				  "Host: 127.0.0.1\r\nConnection: close\r\n\r\n";
	long long deadline = mono_ms() + timeout_ms;
	char page[1024];
	size_t n = 0;
	int fd = connect_local(port);
	ssize_t r = 1;

	if (fd < 0)
		return NAN;
	if (write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1) {
		close(fd);
		return NAN;
	}
	/* to its close: the page is short */
	while (r > 0 && n + 1 < sizeof(page)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - mono_ms();

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		r = read(fd, page + n, sizeof(page) - 1 - n);
		n += r > 0 ? r : 0;
	}
	close(fd);
	page[n] = '\0';
	return r == 0 ? requests_of(page) : NAN;
}
