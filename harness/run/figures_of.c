// SPDX-License-Identifier: MIT
#include "harness/record/record.h"
#include "harness/report/figures_json.h"
#include "common/units.h"
#include "probes/hist_print.h"

#include <stdlib.h>
#include <string.h>

static void load_figures(const struct load_result *l, struct figures *f)
{
	f->requests = l->requests;
	f->rps = l->rate;
	f->duration_s = l->duration_s;
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
	f->unanswered = l->unanswered;
	f->unanswered_wait_us = l->unanswered_wait_ns / 1e3;
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
	if (s->have_runq)
		f->runq_p99_us = log2_hist_percentile(&s->runq, 99) / 1e3;
	if (s->have_tasks) {
		f->procs_created = s->procs_created;
		f->threads_created = s->threads_created;
	}
	if (s->have_migrations)
		f->migrations = s->migrations;
}

static void syscalls_figures(const struct syscalls_stats *s, struct figures *f)
{
	f->syscalls = s->calls;
	f->nsyscalls = 0;
	for (int i = 0; i < s->n && f->nsyscalls < FIG_MAX_SYSCALLS; i++) {
		struct syscall_figure *y = &f->sys[f->nsyscalls++];

		snprintf(y->name, sizeof(y->name), "%s", s->sys[i].name);
		y->calls = s->sys[i].count;
		y->total_us = s->sys[i].total_ns / 1e3;
		y->max_us = s->sys[i].max_ns / 1e3;
	}
}

void metrics_figures(const struct metrics *m, struct figures *f)
{
	const struct probes_stats *s = m->stats;

	figures_init(f);
	snprintf(f->model, sizeof(f->model), "%s", m->model->name);
	snprintf(f->scenario, sizeof(f->scenario), "%s", m->scenario->name);
	f->connections = m->load->connections;
	f->keep_alive = !m->scenario->close;
	f->backlog = m->opts->backlog;
	/* sysctls are recorded as the strings /proc/sys holds */
	f->somaxconn = atoi(json_string_value(json_object_get(m->sysctls,
							      "net.core.somaxconn")) ?: "0");
	f->server_cpus = CPU_COUNT(m->server_cpus);
	f->workers = m->model->event_loop ? (m->opts->workers ? m->opts->workers : f->server_cpus) : 1;
	f->sleep_us = m->scenario->server_sleep_us;
	load_figures(m->load, f);
	f->cpu_us = m->cpu_us;
	f->load_cpu_us = m->load_cpu_us;
	f->load_cpus = m->nload_cpus;
	if (s->have[PROBE_ACCEPT_QUEUE])
		accept_queue_figures(&s->accept_queue, f);
	if (s->have[PROBE_SCHED])
		sched_figures(&s->sched, f);
	if (s->have[PROBE_SYSCALLS])
		syscalls_figures(&s->syscalls, f);
}

static json_t *cpus_json(const cpu_set_t *set, const int *list, int n)
{
	json_t *a = json_array();

	for (int c = 0; set && c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set))
			json_array_append_new(a, json_integer(c));
	for (int i = 0; list && i < n; i++)
		json_array_append_new(a, json_integer(list[i]));
	return a;
}

json_t *metrics_to_json(const struct metrics *m, const struct figures *f,
			const struct finding *fs, int n)
{
	json_t *argv = json_array();

	for (int i = 0; m->server_argv[i]; i++)
		json_array_append_new(argv, json_string(m->server_argv[i]));
	return json_pack(
		"{s:s, s:s, s:s, s:{s:o, s:s, s:s, s:i, s:o, s:s}, s:{s:o, s:b, s:O}, s:o, "
		"s:{s:f, s:f, s:f, s:f}, s:o, s:o, s:o}",
		"model", m->model->name, "scenario", m->scenario->name, "what",
		m->scenario->what,
		"server", "argv", argv, "startup", m->server_line, "stderr", m->server_stderr,
		"exit_status", m->server_status, "cpus", cpus_json(m->server_cpus, NULL, 0),
		"user", "nobody",
		"load_placement", "cpus", cpus_json(NULL, m->load_cpus, m->nload_cpus), "netns",
		m->netns, "sysctls", m->sysctls ? m->sysctls : json_null(),
		"load", load_result_to_json(m->load),
		"cpu", "usage_us", m->cpu_us, "user_us", m->cpu_user_us, "system_us",
		m->cpu_system_us, "load_us", m->load_cpu_us,
		"probes", probes_to_json(m->probes, m->stats),
		"figures", figures_to_json(f),
		"findings", findings_to_json(fs, n));
}

void print_findings(FILE *out, const struct finding *fs, int n)
{
	if (!n) {
		fprintf(out, "  (no rule found a cause in the figures measured)\n");
		return;
	}
	for (int i = 0; i < n; i++)
		fprintf(out, "  - [%s] %s\n", fs[i].confidence, fs[i].text);
}

char *metrics_summary(const struct metrics *m, const struct figures *f,
		      const struct finding *fs, int n)
{
	char *text = NULL, a[32], b[32], c[32], d[32];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	fprintf(out, "==== %s · %s ====\n", m->model->name, m->scenario->name);
	fprintf(out, "server:");
	for (int i = 0; m->server_argv[i]; i++)
		fprintf(out, " %s", i ? m->server_argv[i] : basename(m->server_argv[0]));
	fprintf(out, "\n        %d CPU(s), as nobody, %s; exit status %d after SIGTERM\n",
		f->server_cpus, m->netns ? "own network namespace" : "host network namespace",
		m->server_status);
	if (m->server_stderr && m->server_stderr[0])
		fprintf(out, "        it said: %s", m->server_stderr);
	fprintf(out, "load:   %s (%d CPU(s))\n\n", m->scenario->what, m->nload_cpus);
	load_result_print(out, m->load);
	fprintf(out, "\nserver CPU time (its cgroup): %s (user %s, system %s): %s per request, "
		     "%.0f%% of %d CPU(s); the load generator's: %.0f%% of %d CPU(s)\n\n",
		fmt_us(a, 32, m->cpu_us), fmt_us(b, 32, m->cpu_user_us),
		fmt_us(c, 32, m->cpu_system_us), fmt_us(d, 32, cpu_us_per_request(f)),
		100 * cpu_busy_share(f), f->server_cpus, 100 * load_busy_share(f), f->load_cpus);
	probes_print(out, m->probes, m->stats);
	probes_print_cost(out, m->probes, m->stats);
	fprintf(out, "\nwhy:\n");
	print_findings(out, fs, n);
	fprintf(out, "\n");
	fclose(out);
	return text;
}
