// SPDX-License-Identifier: MIT
#include "harness/explain/figures.h"

#include <stdio.h>
#include <string.h>

void figures_init(struct figures *f)
{
	memset(f, 0, sizeof(*f));
	f->workers = 1;
	f->server_cpus = 1;
	f->keep_alive = true;
	f->cpu_us = NAN;
	f->rate_target = f->users = f->think_mean_s = NAN;
	f->rps_noise = f->mean_us = f->starved = f->server_requests = NAN;
	f->rps_noise = f->mean_us = f->starved = f->connects = NAN;
	f->server_cpus_busy = f->server_cpus_steal = f->load_cpus_busy = NAN;
	f->load_cpu_us = NAN;
	f->load_cpus = 1;
	f->load_procs = f->load_threads = f->load_wanted_us = NAN;
	f->aq_enqueues = f->aq_max = f->aq_limit = f->aq_at_limit_share = NAN;
	f->listen_overflows = f->listen_drops = NAN;
	f->closed_early = f->non2xx = f->other_errors = 0;
	f->rst_abort_on_close = f->rst_abort_on_data = f->rst_abort_linger = NAN;
	f->rst_server_other = f->rst_no_socket = f->rst_client_sent = NAN;
	f->rst_client_received = f->rst_client_received_syn = f->rst_server_received = NAN;
	f->rst_client_received_est = f->rst_client_received_close_wait = NAN;
	f->server_closed_first = f->client_closed_first = f->fins = f->fin_at_exit = NAN;
	f->drops = f->failed_calls = f->closes_held_elsewhere = NAN;
	f->accepted_conns = f->accepted_beside = NAN;
	f->vol_switches = f->invol_switches = f->runq_p99_us = NAN;
	f->procs_created = f->threads_created = f->max_threads = f->tasks_exited = NAN;
	f->migrations = NAN;
	f->syscalls = NAN;
	f->uring_sqes = f->uring_cqes = f->uring_punted = f->uring_waits = NAN;
	f->faults = f->faults_children = f->faults_major = f->faults_proc = NAN;
	f->oncpu_us = f->charged_us = NAN;
	f->prof_samples = f->prof_period_us = NAN;
	for (int k = 0; k < CPU_KINDS; k++)
		f->prof_us[k] = NAN;
	f->life_us = f->running_us = f->runnable_us = f->blocked_us = f->blocked_other_us = NAN;
	f->idle_tasks = f->idle_us = NAN;
}

struct syscall_figure *figures_syscall_add(struct figures *f, const char *name)
{
	struct syscall_figure *y = (struct syscall_figure *)figures_syscall(f, name);

	if (y || f->nsyscalls >= FIG_MAX_SYSCALLS)
		return y;
	y = &f->sys[f->nsyscalls++];
	snprintf(y->name, sizeof(y->name), "%s", name);
	y->calls = y->total_us = y->max_us = NAN;
	y->oncpu_us = y->blocked_us = NAN;
	return y;
}

double figures_errno_calls(const struct figures *f, const char *err)
{
	double n = 0;

	if (isnan(f->failed_calls))
		return NAN;
	for (int i = 0; i < f->nerrnos; i++)
		if (!strcmp(f->errnos[i].err, err))
			n += f->errnos[i].count;
	return n;
}

const struct syscall_figure *figures_syscall(const struct figures *f, const char *name)
{
	for (int i = 0; i < f->nsyscalls; i++)
		if (!strcmp(f->sys[i].name, name))
			return &f->sys[i];
	return NULL;
}

static double syscall_sum(const struct figures *f, const char *const names[], bool time)
{
	double sum = 0;

	if (isnan(f->syscalls))
		return NAN;
	for (int i = 0; names[i]; i++) {
		const struct syscall_figure *s = figures_syscall(f, names[i]);

		if (s)
			sum += time ? s->total_us : s->calls;
	}
	return sum;
}

double figures_syscall_calls(const struct figures *f, const char *const names[])
{
	return syscall_sum(f, names, false);
}

double figures_syscall_time_us(const struct figures *f, const char *const names[])
{
	return syscall_sum(f, names, true);
}

double per_request(const struct figures *f, double v)
{
	return f->requests > 0 ? v / f->requests : NAN;
}

double cpu_us_per_request(const struct figures *f)
{
	return per_request(f, f->cpu_us);
}

double cpu_busy_share(const struct figures *f)
{
	if (f->duration_s <= 0 || f->server_cpus <= 0)
		return NAN;
	return f->cpu_us / (f->duration_s * 1e6 * f->server_cpus);
}

/* the load's CPUs its threads can use: a tool of one thread, one */
static double load_usable_cpus(const struct figures *f)
{
	if (f->load_threads >= 1 && f->load_threads < f->load_cpus)
		return f->load_threads;
	return f->load_cpus;
}

double load_busy_share(const struct figures *f)
{
	if (f->duration_s <= 0 || f->load_cpus <= 0)
		return NAN;
	return f->load_cpu_us / (f->duration_s * 1e6 * load_usable_cpus(f));
}

double load_demand_share(const struct figures *f)
{
	if (f->duration_s <= 0 || f->load_cpus <= 0)
		return NAN;
	return f->load_wanted_us / (f->duration_s * 1e6 * load_usable_cpus(f));
}

bool single_task_model(const struct figures *f)
{
	return f->traits.serial || (f->traits.event_loop && f->workers == 1);
}
