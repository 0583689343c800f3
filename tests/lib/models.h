/* SPDX-License-Identifier: MIT */
/*
 * The server models as the server tests run them: each model, and the
 * variants worth testing apart (a pthread pool, two event loops, io_uring
 * as on a kernel without its newer features). A case written once runs
 * for each, as "case/variant":
 *
 *   static void serves(void) { struct server s; model_start(&s, NULL); ... }
 *   MODEL_CASES(ALL_MODELS, serves)              (at file scope, after it)
 *   static const struct test_case cases[] = {
 *           MODEL_TESTS(ALL_MODELS, serves, 60)  (one entry per variant,
 *   };                                           a 60 s limit each)
 */
#ifndef WHYSERVE_TESTS_MODELS_H
#define WHYSERVE_TESTS_MODELS_H

#include "tests/lib/server.h"

#include <stdbool.h>

struct model {
	const char *variant; /* "pthread_pool" */
	const char *binary;  /* "pthread": build/server-pthread */
	const char *args[4]; /* what makes the variant, NULL-terminated */
	const char *env;     /* NAME=VALUE set for it, or NULL */
	bool parallel;	     /* serves many clients at once, even when they block */
	int workers;	     /* as its start-up line says */
};

/* The variant the current case runs for. */
extern const struct model *model;
const struct model *variant_find(const char *variant);

/*
 * Starts the current variant (--port 0, its own arguments, then args,
 * NULL-terminated, may be NULL) and checks its start-up line. 0 or -errno.
 */
int model_start(struct server *s, const char *const args[]);
/* Stops it and checks that it exited 0. */
bool model_stop(struct server *s);
/* Path of build/server-<binary>. */
const char *model_path(void);

/* ------------------------------------------------ cases per variant */

/* clang-format off */
#define ALL_MODELS(X, fn, secs)                                               \
	X(fn, blocking, secs) X(fn, fork, secs) X(fn, pthread, secs)          \
	X(fn, pthread_pool, secs) X(fn, epoll, secs) X(fn, epoll_workers, secs) \
	X(fn, io_uring, secs) X(fn, io_uring_workers, secs)                   \
	X(fn, io_uring_legacy, secs)
/* the variants that serve any number of connections at once */
#define CONCURRENT_MODELS(X, fn, secs)                                        \
	X(fn, fork, secs) X(fn, pthread, secs) X(fn, epoll, secs)             \
	X(fn, epoll_workers, secs) X(fn, io_uring, secs)                      \
	X(fn, io_uring_workers, secs) X(fn, io_uring_legacy, secs)
/* one of each binary, for what does not depend on the variant */
#define EACH_BINARY(X, fn, secs)                                              \
	X(fn, blocking, secs) X(fn, fork, secs) X(fn, pthread, secs)          \
	X(fn, epoll, secs) X(fn, io_uring, secs)
/* clang-format on */

#define MODEL_WRAP_(fn, v, secs)                                                                   \
	static void fn##__##v(void)                                                                \
	{                                                                                          \
		model = variant_find(#v);                                                          \
		fn();                                                                              \
	}
#define MODEL_ENTRY_(fn, v, secs)   { #fn "/" #v, fn##__##v, secs },
#define MODEL_CASES(list, fn)	    list(MODEL_WRAP_, fn, 0)
#define MODEL_TESTS(list, fn, secs) list(MODEL_ENTRY_, fn, secs)

#endif
