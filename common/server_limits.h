/* SPDX-License-Identifier: MIT */
/*
 * What the servers' options accept, at most, and what they answer: their
 * own parser and the harness (which checks its options against these
 * before it starts a server) both include this.
 */
#ifndef WHYSERVE_SERVER_LIMITS_H
#define WHYSERVE_SERVER_LIMITS_H

#define SERVER_MAX_PORT	    65535
#define SERVER_MAX_BACKLOG  65535 /* listen(2): the kernel caps it at net.core.somaxconn */
#define SERVER_MAX_WORKERS  1024
#define SERVER_MAX_POOL	    100000
#define SERVER_MAX_WORK_US  10000000 /* 10 s of CPU per request */
#define SERVER_MAX_SLEEP_US 60000000 /* a minute blocked per request */
/* --idle-timeout, --header-timeout, in seconds: their range, and defaults
 * that never cut a connection of the harness's own loads but for a user's
 * long think time (the harness then asks for more) */
#define SERVER_MIN_TIMEOUT_S	0.01
#define SERVER_MAX_TIMEOUT_S	86400
#define SERVER_IDLE_TIMEOUT_S	60
#define SERVER_HEADER_TIMEOUT_S 10
/* what a GET is answered by default: a reference server (nginx) is
 * configured to answer the same */
#define SERVER_BODY_DEFAULT "Hello, World!\n"

#endif
