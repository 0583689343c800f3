// SPDX-License-Identifier: MIT
/*
 * The accounts on synthetic figures: the lines add up to the whole, the
 * samples share out the time measured on a CPU, each event line's cost is
 * its time over its count, what is missing is said to be; and the
 * ranking's gap split into the lines, with its words at the edges.
 */
#include "tests/lib/check.h"
#include "tests/lib/synthetic.h"
#include "harness/explain/explain.h"
#include "harness/report/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool near(double a, double b, double tolerance)
{
	return fabs(a - b) <= tolerance * (fabs(a) + fabs(b)) / 2 + 1e-9;
}

static double lines_sum(const struct account *a)
{
	double sum = 0;

	for (int i = 0; i < a->n; i++)
		sum += a->line[i].us;
	return sum;
}

/*
 * 10 000 requests, 700 ms of the cgroup's CPU: 600 ms on a CPU, 680 ms
 * charged; sampled user 300, read 100, write 60, context switches 90,
 * page faults 30, kernel of no known kind 20 (sum 600).
 */
static void sampled(struct figures *f, const char *model)
{
	synthetic_healthy(f, model);
	f->oncpu_us = 600000;
	f->charged_us = 680000;
	f->prof_samples = 1200;
	f->prof_period_us = 500;
	for (int k = 0; k < CPU_KINDS; k++)
		f->prof_us[k] = 0;
	f->prof_us[CPU_USER] = 300000;
	f->prof_us[CPU_SYSCALL] = 160000;
	f->prof_us[CPU_SWITCH] = 90000;
	f->prof_us[CPU_FAULT] = 30000;
	f->prof_us[CPU_KERNEL_OTHER] = 20000;
	synthetic_syscall(f, "read", 10000, 200000)->oncpu_us = 100000;
	synthetic_syscall(f, "write", 10000, 150000)->oncpu_us = 60000;
	f->vol_switches = 9000;
	f->invol_switches = 1000;
	f->faults = 500;
}

static void cpu_lines_add_up(void)
{
	struct figures f;
	struct account a;
	const struct account_line *user, *sw, *wake, *rest, *read;

	sampled(&f, "epoll");
	/* the samples' clock 2% short of the probe's (a period a read cut):
	 * they share out the larger */
	for (int k = 0; k < CPU_KINDS; k++)
		f.prof_us[k] *= 0.98;
	f.sys[0].oncpu_us *= 0.98;
	f.sys[1].oncpu_us *= 0.98;
	account_cpu(&f, &a);
	CHECK(near(lines_sum(&a), 700000, 1e-9), "lines add up to %.0f, not the cgroup's 700000",
	      lines_sum(&a));
	CHECK(near(a.total_us_per_request, 70, 1e-9), "whole %.2f", a.total_us_per_request);
	user = account_find(&a, "user");
	read = account_find(&a, "syscall read");
	sw = account_find(&a, "context switches");
	wake = account_find(&a, "charged from wakeups");
	rest = account_find(&a, NOT_ATTRIBUTED);
	if (!CHECK(user && read && sw && wake && rest, "a line is missing"))
		return;
	CHECK(near(user->us_per_request, 30, 1e-9), "user %.3f, not 300/600 of 600 ms",
	      user->us_per_request);
	CHECK(near(read->us_per_request, 10, 1e-9) && near(read->events_per_request, 1, 1e-9),
	      "read %.3f us, %.3f calls", read->us_per_request, read->events_per_request);
	CHECK(near(sw->us_per_event, 9, 1e-9) && near(sw->events_per_request, 1, 1e-9),
	      "a switch %.3f us (90 ms / 10000), %.3f a request", sw->us_per_event,
	      sw->events_per_request);
	CHECK(near(wake->us_per_request, 8, 1e-9) && near(wake->us_per_event, 80000.0 / 9000, 1e-9),
	      "wakeups %.3f us, %.3f each", wake->us_per_request, wake->us_per_event);
	CHECK(!account_find(&a, "other syscalls"), "no other syscalls when the named are all");
	CHECK(near(rest->us_per_request, 2, 1e-9) && !rest->attributed, "remainder %.3f",
	      rest->us_per_request);
	/* kernel of no known kind is time, not a cause: 2 + 2 of 70 unexplained */
	CHECK(near(a.attributed_share, 66.0 / 70, 1e-9), "attributed %.4f", a.attributed_share);
}

/* On a CPU 900 ms, but cpu.stat says 700: the hypervisor stole 200 ms
 * while it ran. The samples share out what was charged. */
static void cpu_stolen_time_said(void)
{
	struct figures f;
	struct account a;

	sampled(&f, "blocking");
	f.running_us = 900000;
	f.charged_us = 630000;
	f.server_cpus_steal = 0.3;
	account_cpu(&f, &a);
	CHECK(near(lines_sum(&a), 700000, 1e-9), "lines %.0f, not the cgroup's", lines_sum(&a));
	CHECK(account_find(&a, "user") && near(account_find(&a, "user")->us, 350000, 1e-9),
	      "user not half of the 700 ms charged");
	CHECK(!account_find(&a, "charged from wakeups"), "a wakeup charge out of stolen time");
	CHECK(!strcmp(a.note, "20.0 µs more on a CPU, stolen by the hypervisor (steal 30% of its "
			      "CPUs)"),
	      "note: %s", a.note);
	/* within the clocks' noise (2%): not said */
	f.running_us = 700000 / 0.981;
	account_cpu(&f, &a);
	CHECK(!a.note[0], "said of 1.9%%: %s", a.note);
	f.running_us = 700000 / 0.979;
	account_cpu(&f, &a);
	CHECK(a.note[0], "not said of 2.1%%");
}

static void cpu_not_accounted_without_probes(void)
{
	struct figures f;
	struct account a;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	synthetic_healthy(&f, "epoll");
	account_cpu(&f, &a);
	CHECK(isnan(a.attributed_share) && a.n == 0, "accounted from nothing: %d lines", a.n);
	out = open_memstream(&text, &len);
	print_account(out, "where each request's CPU time goes", &a);
	fclose(out);
	CHECK(strstr(text, "not accounted (the probes it needs did not run)"), "said: %s", text);
	free(text);
	/* the sched probe alone: its time on a CPU, not attributed to a cause */
	f.oncpu_us = 500000;
	f.charged_us = 600000;
	account_cpu(&f, &a);
	CHECK(near(lines_sum(&a), 700000, 1e-9) &&
		      near(a.attributed_share, 100000.0 / 700000, 1e-9),
	      "sched alone: %.0f us, %.3f attributed", lines_sum(&a), a.attributed_share);
}

static void syscalls_beyond_the_named_together(void)
{
	static const char *const names[] = { "a", "b", "c", "d", "e", "f", "g" };
	struct figures f;
	struct account a;
	const struct account_line *rest;

	sampled(&f, "epoll");
	f.nsyscalls = 0;
	for (int i = 0; i < 7; i++) /* 10 us, 20 us, ... 70 ms: 280 ms in all */
		synthetic_syscall(&f, names[i], 100, 1000)->oncpu_us = 10000 * (i + 1);
	f.prof_us[CPU_SYSCALL] = 280000;
	f.prof_us[CPU_USER] = 600000 - 280000 - 90000 - 30000 - 20000;
	account_cpu(&f, &a);
	CHECK(account_find(&a, "syscall g") && account_find(&a, "syscall c") &&
		      !account_find(&a, "syscall b"),
	      "the five largest are named");
	rest = account_find(&a, "other syscalls");
	CHECK(rest && near(rest->us, 30000, 1e-9) && isnan(rest->events_per_request),
	      "the two smallest together: %.0f", rest ? rest->us : NAN);
	CHECK(near(lines_sum(&a), 700000, 1e-9), "sum %.0f", lines_sum(&a));
}

static void time_lines_add_up(void)
{
	struct figures f;
	struct account a;
	const struct account_line *sleep, *other, *rest;

	synthetic_healthy(&f, "pthread");
	/* 100 threads alive 1 s: 100 s of task time */
	f.life_us = 100e6;
	f.running_us = 2e6;
	f.runnable_us = 1e6;
	f.blocked_us = 96e6;
	f.blocked_other_us = 1e6;
	synthetic_syscall(&f, "clock_nanosleep", 10000, 90e6)->blocked_us = 90e6;
	synthetic_syscall(&f, "recvfrom", 10000, 5e6)->blocked_us = 4e6;
	account_time(&f, &a);
	sleep = account_find(&a, "blocked in clock_nanosleep");
	other = account_find(&a, "blocked in other syscalls");
	rest = account_find(&a, NOT_ATTRIBUTED);
	CHECK(near(lines_sum(&a), 100e6, 1e-9), "lines %.0f, life 100 s", lines_sum(&a));
	CHECK(sleep && near(sleep->share, 0.9, 1e-9), "nanosleep %.3f of the time",
	      sleep ? sleep->share : NAN);
	CHECK(other && near(other->us, 1e6, 1e-9), "1 s blocked elsewhere: %.0f",
	      other ? other->us : NAN);
	CHECK(rest && near(rest->us, 1e6, 1e-9), "1 s unaccounted: %.0f", rest ? rest->us : NAN);
	CHECK(near(a.attributed_share, 0.99, 1e-9), "attributed %.4f", a.attributed_share);
	CHECK(!a.note[0], "a note of nothing left out: %s", a.note);
	/* a thread blocked for a signal all along is left out, and said so */
	f.idle_tasks = 1;
	f.idle_us = 1e6;
	account_time(&f, &a);
	CHECK(near(lines_sum(&a), 100e6, 1e-9) &&
		      !strcmp(a.note, "1 task(s) blocked throughout, serving nothing, left out"),
	      "note: %s", a.note);
	/* no lifetime measured: no account */
	f.life_us = NAN;
	account_time(&f, &a);
	CHECK(isnan(a.attributed_share), "a time account without the lifetime");
}

/* best: sampled(); the other spends gap_switch_us more a request in
 * context switches (1 more a request) and gap_rest_us more of what nobody
 * attributes. */
static void rank_two(struct explanation *best, struct explanation *other, double gap_switch_us,
		     double gap_rest_us, struct ranking *r)
{
	const struct explanation *rows[2] = { best, other };

	memset(best, 0, sizeof(*best));
	memset(other, 0, sizeof(*other));
	sampled(&best->fig, "epoll");
	sampled(&other->fig, "pthread");
	other->fig.rps = 8000;
	other->fig.requests = 10000;
	other->fig.prof_us[CPU_SWITCH] += gap_switch_us * 1e4;
	other->fig.oncpu_us += gap_switch_us * 1e4;
	other->fig.charged_us += gap_switch_us * 1e4;
	other->fig.vol_switches += 10000;
	other->fig.cpu_us += (gap_switch_us + gap_rest_us) * 1e4;
	for (int i = 0; i < 2; i++) {
		struct explanation *e = i ? other : best;

		account_cpu(&e->fig, &e->cpu);
		account_time(&e->fig, &e->time);
	}
	explain_ranking(rows, 2, r);
}

static void ranking_splits_the_gap(void)
{
	struct explanation best, other;
	struct ranking r;
	const struct ranking_entry *e;
	char text[512];

	rank_two(&best, &other, 20, 5, &r);
	e = &r.entries[1];
	if (!CHECK(r.n == 2 && !strcmp(e->model, "pthread"), "ranked %d", r.n))
		return;
	CHECK(near(e->gap_us_per_request, 25, 1e-9), "gap %.3f", e->gap_us_per_request);
	CHECK(near(e->gap_explained_share, 0.8, 1e-9), "explained %.3f", e->gap_explained_share);
	CHECK(e->nparts >= 1 && !strcmp(e->parts[0].name, "context switches") &&
		      near(e->parts[0].us_per_request, 20, 1e-9) &&
		      near(e->parts[0].events_per_request, 1, 1e-9),
	      "largest part %s %.3f", e->parts[0].name, e->parts[0].us_per_request);
	gap_text(text, sizeof(text), e);
	CHECK(strstr(text, "+25.0 µs of CPU per request: context switches +20.0 µs (+1.00 a "
			   "request)") &&
		      strstr(text, "; 80% of the gap explained"),
	      "said: %s", text);
	/* the best's own entry has no gap to explain */
	CHECK(isnan(r.entries[0].gap_us_per_request), "the best has a gap");
}

static void gap_words_at_the_edges(void)
{
	struct explanation best, other;
	struct ranking r;
	char text[512];

	/* the slower one spends less CPU: a negative gap, said as such */
	rank_two(&best, &other, -5, 0, &r);
	gap_text(text, sizeof(text), &r.entries[1]);
	CHECK(strstr(text, "-5.00 µs of CPU per request: context switches -5.00 µs") &&
		      strstr(text, "100% of the gap explained"),
	      "said: %s", text);
	/* no gap, or one under 5%: the same CPU per request, not split */
	rank_two(&best, &other, 0, 0, &r);
	gap_text(text, sizeof(text), &r.entries[1]);
	CHECK(strstr(text, "the same CPU per request within 5%"), "said of no gap: %s", text);
	rank_two(&best, &other, 2, 1.493, &r); /* 4.99% of 70 us */
	gap_text(text, sizeof(text), &r.entries[1]);
	CHECK(strstr(text, "the same CPU per request"), "said of 4.99%%: %s", text);
	rank_two(&best, &other, 2, 1.507, &r); /* 5.01% */
	gap_text(text, sizeof(text), &r.entries[1]);
	CHECK(strstr(text, "of CPU per request:"), "said of 5.01%%: %s", text);
	/* accounts missing on one side: nothing said */
	rank_two(&best, &other, 20, 0, &r);
	other.fig.prof_samples = NAN;
	for (int k = 0; k < CPU_KINDS; k++)
		other.fig.prof_us[k] = NAN;
	other.fig.oncpu_us = NAN;
	account_cpu(&other.fig, &other.cpu);
	{
		const struct explanation *rows[2] = { &best, &other };

		explain_ranking(rows, 2, &r);
	}
	gap_text(text, sizeof(text), &r.entries[1]);
	CHECK(!text[0], "said without an account: %s", text);
}

static const struct test_case cases[] = {
	TEST(cpu_lines_add_up),
	TEST(cpu_stolen_time_said),
	TEST(cpu_not_accounted_without_probes),
	TEST(syscalls_beyond_the_named_together),
	TEST(time_lines_add_up),
	TEST(ranking_splits_the_gap),
	TEST(gap_words_at_the_edges),
};

TEST_MAIN(cases)
