// SPDX-License-Identifier: MIT
#include "tests/lib/synthetic.h"
#include "harness/record/catalog.h"

#include <stdio.h>

void synthetic_healthy(struct figures *f, const char *model)
{
	figures_init(f);
	snprintf(f->model, sizeof(f->model), "%s", model);
	f->traits = model_find(model)->traits;
	snprintf(f->scenario, sizeof(f->scenario), "throughput");
	f->connections = 100;
	f->backlog = 128;
	f->duration_s = 1;
	f->requests = 10000;
	f->rps = 10000;
	f->p50_us = 100;
	f->p99_us = 400;
	f->cpu_us = 700000; /* 70% busy: neither saturated nor idle */
	f->aq_enqueues = 100;
	f->aq_max = 1;
	f->aq_limit = 128;
	f->aq_at_limit_share = 0;
	f->listen_overflows = 0;
	f->vol_switches = 100;
	f->invol_switches = 10;
	f->runq_p99_us = 50;
	f->procs_created = 0;
	f->threads_created = 0;
	f->syscalls = 20000;
	f->nsyscalls = 0;
}

struct syscall_figure *synthetic_syscall(struct figures *f, const char *name, double calls,
					 double total_us)
{
	struct syscall_figure *s = figures_syscall_add(f, name);

	s->calls = calls;
	s->total_us = total_us;
	s->max_us = total_us / calls * 2;
	return s;
}
