// SPDX-License-Identifier: MIT
/*
 * The accounts (see account.h): figures measured by the probes and the
 * cgroup made into lines that add up to the whole.
 */
#include "harness/explain/account.h"
#include "common/units.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* time on a CPU the kernel did not charge, past this share, is said */
#define STOLEN_SAID 0.02

static bool measured(double v)
{
	return !isnan(v);
}

static void begin(struct account *a, const struct figures *f, double total_us, const char *source)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->total_source, sizeof(a->total_source), "%s", source);
	a->total_us = total_us;
	a->total_us_per_request = per_request(f, total_us);
	a->attributed_share = NAN;
}

/* A line of us microseconds in the window, counting events (NAN: none);
 * NULL when it was not measured or the account is full. */
static struct account_line *add(struct account *a, const struct figures *f, double us,
				double events, const char *source, const char *name, ...)
{
	struct account_line *l;
	va_list ap;

	if (!measured(us) || a->n >= ACCOUNT_LINES)
		return NULL;
	l = &a->line[a->n++];
	memset(l, 0, sizeof(*l));
	va_start(ap, name);
	vsnprintf(l->name, sizeof(l->name), name, ap);
	va_end(ap);
	snprintf(l->source, sizeof(l->source), "%s", source);
	l->us = us;
	l->us_per_request = per_request(f, us);
	l->share = a->total_us > 0 ? us / a->total_us : NAN;
	l->events_per_request = per_request(f, events);
	l->us_per_event = events > 0 && us > 0 ? us / events : NAN;
	l->attributed = true;
	return l;
}

static void not_attributed(struct account_line *l)
{
	if (l)
		l->attributed = false;
}

/* The remainder as a line of its own, and the share the others explain. */
static void finish(struct account *a, const struct figures *f)
{
	double sum = 0, explained = 0;

	for (int i = 0; i < a->n; i++) {
		sum += a->line[i].us;
		if (a->line[i].attributed)
			explained += a->line[i].us;
	}
	not_attributed(add(a, f, a->total_us - sum, NAN, a->total_source, NOT_ATTRIBUTED));
	a->attributed_share = a->total_us > 0 ? explained / a->total_us : NAN;
}

static int by_value_desc(const void *x, const void *y)
{
	double a = **(const double *const *)x, b = **(const double *const *)y;

	return (a < b) - (a > b);
}

/*
 * The syscalls that took most of a time (member at offset off of each
 * syscall's figures), each on a line of its own, the others together;
 * total is all of that time, scale what a figure is multiplied by.
 */
static void syscall_lines(struct account *a, const struct figures *f, size_t off, double total,
			  double scale, const char *source, const char *prefix, const char *rest)
{
	const double *by[FIG_MAX_SYSCALLS];
	double named = 0;
	int n = 0;

	for (int i = 0; i < f->nsyscalls; i++) {
		const double *v = (const double *)((const char *)&f->sys[i] + off);

		if (*v > 0)
			by[n++] = v;
	}
	qsort(by, n, sizeof(*by), by_value_desc);
	for (int i = 0; i < n && i < ACCOUNT_SYSCALLS; i++) {
		const struct syscall_figure *y =
			(const struct syscall_figure *)((const char *)by[i] - off);

		add(a, f, *by[i] * scale, y->calls, source, "%s %s", prefix, y->name);
		named += *by[i] * scale;
	}
	/* the rest, when there is more than rounding left */
	if (total * scale - named > 1e-6 * a->total_us)
		add(a, f, total * scale - named, NAN, source, "%s", rest);
}

static double sum_or_nan(double x, double y)
{
	return measured(x) && measured(y) ? x + y : NAN;
}

/* The sampled kinds, their samples' share of the time on a CPU. */
static void sampled_lines(struct account *a, const struct figures *f, double on_cpu)
{
	static const char *const names[CPU_KINDS] = {
		[CPU_USER] = "user",
		[CPU_SOFTIRQ] = "softirq (network stack)",
		[CPU_HARDIRQ] = "hardirq",
		[CPU_FAULT] = "page faults",
		[CPU_SWITCH] = "context switches",
		[CPU_CREATE] = "process/thread creation",
		[CPU_EXIT] = "exit and reaping",
		[CPU_BPF] = "probes' BPF programs",
		[CPU_KERNEL_OTHER] = "kernel, of no known kind",
	};
	double events[CPU_KINDS], sampled = 0, scale;

	for (int k = 0; k < CPU_KINDS; k++) {
		events[k] = NAN;
		if (measured(f->prof_us[k]))
			sampled += f->prof_us[k];
	}
	if (!(sampled > 0))
		return;
	events[CPU_FAULT] = f->faults;
	events[CPU_SWITCH] = sum_or_nan(f->vol_switches, f->invol_switches);
	events[CPU_CREATE] = sum_or_nan(f->procs_created, f->threads_created);
	events[CPU_EXIT] = f->tasks_exited;
	/* the samples share out the time on a CPU, measured whole */
	scale = on_cpu / sampled;
	for (int k = 0; k < CPU_KINDS; k++) {
		struct account_line *l;

		if (k == CPU_SYSCALL) {
			syscall_lines(a, f, offsetof(struct syscall_figure, oncpu_us),
				      f->prof_us[k], scale, "cpu_profile", "syscall",
				      "other syscalls");
			continue;
		}
		if (!(f->prof_us[k] > 0))
			continue;
		l = add(a, f, f->prof_us[k] * scale, events[k], "cpu_profile", "%s", names[k]);
		if (k == CPU_KERNEL_OTHER)
			not_attributed(l);
	}
}

void account_cpu(const struct figures *f, struct account *a)
{
	double sampled = 0, running, on_cpu, stolen = 0, wakeups;
	char us[32], pct[16];

	begin(a, f, f->cpu_us, "cgroup cpu.stat");
	/* on loopback the client's network work ran in the server's cgroup
	 * (a steal worth saying, below, takes the note's place) */
	if (f->load_host[0])
		snprintf(a->note, sizeof(a->note),
			 "the load came from other hosts: the client's loopback work is no "
			 "longer in it");
	if (!(f->cpu_us > 0))
		return;
	for (int k = 0; k < CPU_KINDS; k++)
		if (measured(f->prof_us[k]))
			sampled += f->prof_us[k];
	/* the time on a CPU within the window: the sched probe's (running,
	 * clipped at the window's ends; else its stays that ended) or the
	 * samples' own clock, the larger: either can miss some (a state the
	 * probe did not see change, a period not completed at a read), and
	 * neither counts time off a CPU */
	running = measured(f->running_us) ? f->running_us : f->oncpu_us;
	if (!(sampled > 0) && !measured(running))
		return; /* neither cpu_profile nor sched ran: nothing to account */
	on_cpu = fmax(measured(running) ? running : 0, sampled);
	/* more than cpu.stat: what the hypervisor stole while a task ran,
	 * which cpu.stat leaves out (paravirt steal accounting); the samples
	 * share out what the kernel charged */
	if (on_cpu > f->cpu_us) {
		stolen = on_cpu - f->cpu_us;
		on_cpu = f->cpu_us;
	}
	if (sampled > 0)
		sampled_lines(a, f, on_cpu);
	else
		not_attributed(add(a, f, on_cpu, NAN, "sched", "on a CPU, not sampled"));
	/* cpu.stat counts a woken task from its wakeup, before it runs: what
	 * the kernel charged its stays over their time on a CPU */
	wakeups = fmin(f->charged_us - running, f->cpu_us - on_cpu);
	if (wakeups > 0)
		add(a, f, wakeups, f->vol_switches, "sched", "charged from wakeups");
	/* more than the clocks' noise: said */
	if (stolen > STOLEN_SAID * (on_cpu + stolen))
		snprintf(a->note, sizeof(a->note),
			 "%s more on a CPU, stolen by the hypervisor (steal %s of its CPUs)",
			 fmt_us(us, sizeof(us), per_request(f, stolen)),
			 fmt_pct(pct, sizeof(pct), f->server_cpus_steal));
	finish(a, f);
}

void account_time(const struct figures *f, struct account *a)
{
	double in_syscalls =
		f->blocked_us - (measured(f->blocked_other_us) ? f->blocked_other_us : 0);

	begin(a, f, f->life_us, "sched: the serving tasks' lifetime");
	if (!(f->life_us > 0))
		return;
	add(a, f, f->running_us, NAN, "sched", "running");
	add(a, f, f->runnable_us, NAN, "sched", "runnable, waiting for a CPU");
	if (measured(in_syscalls))
		syscall_lines(a, f, offsetof(struct syscall_figure, blocked_us), in_syscalls, 1,
			      "sched", "blocked in", "blocked in other syscalls");
	add(a, f, f->blocked_other_us, NAN, "sched", "blocked outside syscalls");
	if (f->idle_tasks > 0)
		snprintf(a->note, sizeof(a->note),
			 "%.0f task(s) blocked throughout, serving nothing, "
			 "left out",
			 f->idle_tasks);
	finish(a, f);
}

const struct account_line *account_find(const struct account *a, const char *name)
{
	for (int i = 0; i < a->n; i++)
		if (!strcmp(a->line[i].name, name))
			return &a->line[i];
	return NULL;
}
