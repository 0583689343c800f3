// SPDX-License-Identifier: MIT
/* The figures the rules reason over, from what an experiment measured. */
#include "harness/run/experiment.h"
#include "probes/hist_print.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Twice the standard error of the whole seconds' rates, as a share of
 * their mean; NAN when fewer than 3 seconds were whole. */
static double rate_noise(const struct load_result *l)
{
	double sum = 0, sq = 0, mean;
	unsigned n = 0;

	for (unsigned s = 0; s < l->nseconds; s++)
		if (l->seconds[s].span_s >= 1) {
			sum += l->seconds[s].requests;
			sq += (double)l->seconds[s].requests * l->seconds[s].requests;
			n++;
		}
	if (n < 3 || sum <= 0)
		return NAN;
	mean = sum / n;
	return 2 * sqrt(fmax(sq / n - mean * mean, 0) * n / (n - 1)) / sqrt(n) / mean;
}

static void load_figures(const struct load_result *l, struct figures *f)
{
	f->requests = l->requests;
	f->rps = l->rate;
	f->rps_noise = rate_noise(l);
	f->duration_s = l->duration_s;
	f->mean_us = l->requests ? histogram_mean(&l->latency) / 1e3 : NAN;
	f->p50_us = histogram_percentile(&l->latency, 50) / 1e3;
	f->p99_us = histogram_percentile(&l->latency, 99) / 1e3;
	f->max_us = l->latency.max / 1e3;
	f->errors = l->errors_total;
	f->timeouts = l->errors[LOAD_ERR_READ_TIMEOUT];
	f->resets = l->errors[LOAD_ERR_RESET] + l->errors[LOAD_ERR_CLOSED];
	f->refused = l->errors[LOAD_ERR_CONNECT_REFUSED];
	f->connect_timeouts = l->errors[LOAD_ERR_CONNECT_TIMEOUT];
	f->broken_pipes = l->errors[LOAD_ERR_BROKEN_PIPE];
	f->bad_responses = l->errors[LOAD_ERR_BAD_RESPONSE] + l->non2xx;
	f->closed_early = l->errors[LOAD_ERR_CLOSED];
	f->non2xx = l->non2xx;
	f->other_errors = l->errors[LOAD_ERR_OTHER];
	f->other_errno = l->other_errno;
	f->unanswered = l->unanswered;
	f->unanswered_wait_us = l->unanswered_wait_ns / 1e3;
	f->starved = l->starved;
	f->connects = l->connects;
}

/* The user's load tool: its latency from its own report (NAN without). */
static void tool_figures(const struct load_tool *t, struct figures *f)
{
	snprintf(f->load_tool, sizeof(f->load_tool), "%s", t->name);
	f->load_procs = t->procs;
	f->load_threads = t->threads;
	f->load_wanted_us = t->running_us + t->runnable_us;
	f->mean_us = t->report.mean_us;
	f->p50_us = t->report.p50_us;
	f->p99_us = t->report.p99_us;
	f->max_us = t->report.max_us;
	/* its connections kept alive: fewer than one for every two requests */
	f->keep_alive = f->connections > 0 && f->connections < f->requests / 2;
}

static void accept_queue_figures(const struct accept_queue_stats *a, struct figures *f)
{
	if (a->have_enqueues) {
		f->aq_enqueues = a->enqueues;
		f->aq_max = a->max_depth;
		f->aq_limit = a->limit;
		f->aq_at_limit_share = a->enqueues ? (double)a->at_limit / a->enqueues : 0;
	}
	/* connections queued before the measurement show only in the samples */
	if (a->have_samples && (isnan(f->aq_max) || a->max_sampled_depth > f->aq_max))
		f->aq_max = a->max_sampled_depth;
	if (a->have_netstat) {
		f->listen_overflows = a->listen_overflows;
		f->listen_drops = a->listen_drops;
	}
}

static void sched_figures(const struct sched_stats *s, struct figures *f)
{
	f->vol_switches = s->voluntary;
	f->invol_switches = s->involuntary;
	f->oncpu_us = s->oncpu_ns / 1e3;
	f->charged_us = s->charged_ns / 1e3;
	if (s->have_runq)
		f->runq_p99_us = log2_hist_percentile(&s->runq, 99) / 1e3;
	if (s->have_tasks) {
		f->procs_created = s->procs_created;
		f->threads_created = s->threads_created;
		f->tasks_exited = s->procs_exited + s->threads_exited;
	}
	if (s->have_migrations)
		f->migrations = s->migrations;
}

/* After the syscalls' figures: a syscall blocked in joins their rows. */
static void account_figures(const struct sched_stats *s, struct figures *f)
{
	f->life_us = s->life_ns / 1e3;
	f->running_us = s->running_ns / 1e3;
	f->runnable_us = s->runnable_ns / 1e3;
	f->blocked_us = s->blocked_ns / 1e3;
	f->blocked_other_us = s->blocked_nosys_ns / 1e3;
	f->idle_tasks = s->idle_tasks;
	f->idle_us = s->idle_ns / 1e3;
	for (int i = 0; i < s->nblocked; i++) {
		struct syscall_figure *y;

		if (s->blocked[i].nr < 0 || !(y = figures_syscall_add(f, s->blocked[i].name)))
			continue;
		y->blocked_us = s->blocked[i].ns / 1e3;
	}
}

static void syscalls_figures(const struct syscalls_stats *s, struct figures *f)
{
	f->syscalls = s->calls;
	f->nsyscalls = 0;
	for (int i = 0; i < s->n; i++) {
		struct syscall_figure *y = figures_syscall_add(f, s->sys[i].name);

		if (!y)
			break;
		y->calls = s->sys[i].count;
		y->total_us = s->sys[i].total_ns / 1e3;
		y->max_us = s->sys[i].max_ns / 1e3;
	}
}

/* The server's failed calls by errno, most first (the probe sorts them). */
static void errno_figures(const struct syscalls_stats *s, struct figures *f)
{
	f->failed_calls = s->failed;
	f->closes_held_elsewhere = s->closes_held_elsewhere;
	if (s->have_conns) {
		f->accepted_conns = s->accepted;
		f->accepted_beside = s->accepted_beside;
	}
	f->nerrnos = 0;
	for (int i = 0; i < s->nerrs && f->nerrnos < FIG_MAX_ERRNOS; i++) {
		struct errno_figure *e = &f->errnos[f->nerrnos++];

		snprintf(e->syscall, sizeof(e->syscall), "%s", s->errs[i].name);
		snprintf(e->err, sizeof(e->err), "%s", s->errs[i].ename);
		e->count = s->errs[i].count;
	}
}

/* Resets the clients received in a TCP state, by its name. */
static double client_received(const struct errors_stats *e, const char *state)
{
	for (int st = 0; st < ERRORS_TCP_STATES; st++)
		if (errors_tcp_state_name(st) && !strcmp(errors_tcp_state_name(st), state))
			return e->rst_received[ERRORS_CLIENT][st];
	return 0;
}

/* A reason's resets sent by the server, by the kernel's name for it. */
static double server_resets(const struct errors_stats *e, const char *reason)
{
	for (int r = 0; r < ERRORS_RST_REASONS; r++)
		if (errors_rst_reason_name(r) && !strcmp(errors_rst_reason_name(r), reason))
			return e->rst_sent[ERRORS_SERVER][r];
	return 0;
}

static int by_count_desc(const void *a, const void *b)
{
	const struct drop_figure *x = a, *y = b;

	return (x->count < y->count) - (x->count > y->count);
}

static void errors_figures(const struct errors_stats *e, struct figures *f)
{
	struct drop_figure all[ERRORS_DROP_REASONS];
	int n = 0;

	f->rst_abort_on_close = server_resets(e, "TCP_ABORT_ON_CLOSE");
	f->rst_abort_on_data = server_resets(e, "TCP_ABORT_ON_DATA");
	f->rst_abort_linger =
		server_resets(e, "TCP_ABORT_ON_LINGER") + server_resets(e, "TCP_STATE");
	f->rst_server_other = errors_rst_sent_by(e, ERRORS_SERVER) - f->rst_abort_on_close -
			      f->rst_abort_on_data - f->rst_abort_linger;
	f->rst_server_received = errors_rst_received_by(e, ERRORS_SERVER);
	f->server_closed_first = e->server_closed_first;
	f->client_closed_first = e->client_closed_first;
	f->fins = e->fins;
	f->fin_at_exit = e->fin_at_exit;
	/* the clients' side and the segments for no socket: seen in a netns only */
	if (!e->netns)
		return;
	for (int r = 0; r < ERRORS_RST_REASONS; r++)
		if (errors_rst_reason_name(r) && !strcmp(errors_rst_reason_name(r), "NO_SOCKET"))
			f->rst_no_socket = e->rst_sent[ERRORS_NO_OWNER][r] +
					   e->rst_sent[ERRORS_SERVER][r] +
					   e->rst_sent[ERRORS_CLIENT][r];
	f->rst_client_sent = errors_rst_sent_by(e, ERRORS_CLIENT);
	f->rst_client_received = errors_rst_received_by(e, ERRORS_CLIENT);
	f->rst_client_received_syn = client_received(e, "SYN_SENT");
	f->rst_client_received_est = client_received(e, "ESTABLISHED");
	f->rst_client_received_close_wait = client_received(e, "CLOSE_WAIT");
	if (!e->have_drops)
		return;
	f->drops = errors_drops_total(e);
	for (int r = 0; r < ERRORS_DROP_REASONS; r++)
		if (e->drops[r]) {
			snprintf(all[n].reason, sizeof(all[n].reason), "%s",
				 errors_drop_reason_name(r) ?: "other");
			all[n++].count = e->drops[r];
		}
	qsort(all, n, sizeof(all[0]), by_count_desc);
	f->ndrops = n < FIG_MAX_DROPS ? n : FIG_MAX_DROPS;
	memcpy(f->drop, all, f->ndrops * sizeof(all[0]));
}

static void io_uring_figures(const struct io_uring_stats *u, struct figures *f)
{
	f->uring_sqes = u->submitted;
	f->uring_cqes = u->completed;
	if (u->have_punts)
		f->uring_punted = u->punted;
	if (u->have_waits)
		f->uring_waits = u->cq_waits;
}

static void page_faults_figures(const struct page_faults_stats *p, struct figures *f)
{
	f->faults = p->faults;
	if (p->have_split)
		f->faults_children = p->children.user + p->children.kernel;
	if (p->have_minor_major)
		f->faults_major = p->major;
}

/* Samples x period, by kind and by syscall: the kinds are figures.h's, in
 * its order. */
_Static_assert((int)PROF_USER == CPU_USER && (int)PROF_SYSCALL == CPU_SYSCALL &&
		       (int)PROF_SOFTIRQ == CPU_SOFTIRQ && (int)PROF_HARDIRQ == CPU_HARDIRQ &&
		       (int)PROF_FAULT == CPU_FAULT && (int)PROF_SWITCH == CPU_SWITCH &&
		       (int)PROF_CREATE == CPU_CREATE && (int)PROF_EXIT == CPU_EXIT &&
		       (int)PROF_BPF == CPU_BPF && (int)PROF_KERNEL_OTHER == CPU_KERNEL_OTHER &&
		       (int)PROF_KINDS == CPU_KINDS,
	       "cpu_profile's kinds are the figures', in their order");
static void cpu_profile_figures(const struct cpu_profile_stats *c, struct figures *f)
{
	double per_us = c->period_ns / 1e3;

	f->prof_samples = c->samples;
	f->prof_period_us = per_us;
	for (int k = 0; k < CPU_KINDS; k++)
		f->prof_us[k] = c->kind[k] * per_us;
	for (int i = 0; i < c->nsys; i++) {
		struct syscall_figure *y = figures_syscall_add(f, c->sys[i].name);

		if (!y)
			break;
		y->oncpu_us = c->sys[i].samples * per_us;
	}
}

/* The load from other hosts: the busiest agent's own CPU figures are the
 * load generator's (a saturated one limits the run, wherever the others
 * were); this host's CPUs carried no load. */
static void load_host_figures(const struct experiment_record *r, struct figures *f)
{
	const struct load_host_row *busiest = NULL;

	for (int i = 0; i < r->nhosts; i++)
		if (!r->hosts[i].lost && (!busiest || r->hosts[i].cpu_busy > busiest->cpu_busy))
			busiest = &r->hosts[i];
	f->load_cpus_busy = NAN;
	if (!busiest) {
		f->load_cpu_us = NAN;
		return;
	}
	snprintf(f->load_host, sizeof(f->load_host), "%s", busiest->host);
	f->load_cpus = busiest->threads;
	f->load_cpu_us = busiest->cpu_s * 1e6;
}

void figures_of(const struct experiment_record *r, const struct run_opts *o, struct figures *f)
{
	const struct probes_stats *s = &r->stats;

	figures_init(f);
	snprintf(f->model, sizeof(f->model), "%s", r->model->name);
	snprintf(f->scenario, sizeof(f->scenario), "%s", r->scenario->name);
	f->traits = r->model->traits;
	f->connections = r->load.connections;
	f->keep_alive = !r->scenario->close;
	/* 0: not asked of it (a server of the user's) */
	f->backlog =
		r->model->command[0] && !r->model->reference ? 0 : run_opts_backlog(o, r->scenario);
	/* sysctls are recorded as the strings /proc/sys holds */
	f->somaxconn =
		atoi(json_string_value(json_object_get(r->sysctls, "net.core.somaxconn")) ?: "0");
	f->server_cpus = CPU_COUNT(&r->server_cpus);
	f->workers = r->model->traits.event_loop ? (o->workers ? o->workers : f->server_cpus) : 1;
	/* a server of the user's takes none of these: it does what it does */
	f->sleep_us = r->model->command[0] ? 0 : run_opts_sleep_us(o, r->scenario);
	f->work_us = r->model->command[0] ? 0 : o->work_us;
	if (r->scenario->kind == SCENARIO_RATE || r->scenario->kind == SCENARIO_RAMP)
		f->rate_target = r->load.rate_target;
	if (r->scenario->kind == SCENARIO_USERS) {
		f->users = r->load.users;
		f->think_mean_s = (o->think_min_s + o->think_max_s) / 2;
	}
	load_figures(&r->load, f);
	if (r->tool.ran)
		tool_figures(&r->tool, f);
	f->cpu_us = r->cpu_us;
	f->load_cpu_us = r->load_cpu_us;
	f->faults_proc = r->proc_faults;
	f->server_requests = r->server_requests;
	f->load_cpus = r->nload_cpus;
	if (r->server_cpus_total_s > 0) {
		f->server_cpus_busy = r->server_cpus_busy_s / r->server_cpus_total_s;
		f->server_cpus_steal = r->server_cpus_steal_s / r->server_cpus_total_s;
	}
	if (r->load_cpus_total_s > 0)
		f->load_cpus_busy = r->load_cpus_busy_s / r->load_cpus_total_s;
	if (r->nhosts)
		load_host_figures(r, f);
	if (s->have[PROBE_ACCEPT_QUEUE])
		accept_queue_figures(&s->accept_queue, f);
	if (s->have[PROBE_SCHED])
		sched_figures(&s->sched, f);
	if (s->have[PROBE_SYSCALLS]) {
		syscalls_figures(&s->syscalls, f);
		errno_figures(&s->syscalls, f);
	}
	if (s->have[PROBE_ERRORS])
		errors_figures(&s->errors, f);
	if (s->have[PROBE_SCHED] && s->sched.have_account)
		account_figures(&s->sched, f);
	if (s->have[PROBE_IO_URING])
		io_uring_figures(&s->io_uring, f);
	if (s->have[PROBE_PAGE_FAULTS])
		page_faults_figures(&s->page_faults, f);
	if (s->have[PROBE_CPU_PROFILE])
		cpu_profile_figures(&s->cpu_profile, f);
}
