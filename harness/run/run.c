// SPDX-License-Identifier: MIT
#include "harness/run/run.h"
#include "harness/run/experiment.h"
#include "harness/run/load_hosts.h"
#include "harness/sandbox/cgroup.h"
#include "harness/sandbox/machine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Each server of the user's (and a reference server) started once, seen
 * answering, and stopped, before any experiment: a command that cannot
 * serve is one message, not a run cut short after the catalog's models
 * took their minutes.
 */
static int check_custom(const struct run_opts *o, const struct scenario *s,
			volatile sig_atomic_t *stop, struct load_hosts *hosts)
{
	for (int i = 0; i < nmodels + o->ncustom && !*stop; i++) {
		const struct model *m = i < nmodels ? &models[i] : &o->custom[i - nmodels];
		struct experiment e = {
			.model = m, .scenario = s, .stop = stop, .check_only = true, .hosts = hosts
		};
		int err;

		if (i < nmodels && !(o->model[i] && m->reference))
			continue;
		err = experiment_run(&e, o);

		if (err == -EINTR)
			return err;
		if (err) {
			fprintf(stderr, "harness run: %s\n", e.error);
			return -EINVAL;
		}
	}
	return *stop ? -EINTR : 0;
}

/* About: the server's start and stop, warm-up and load, or a sweep's steps. */
static double experiment_estimate_s(const struct run_opts *o, const struct scenario *s)
{
	return 0.5 + (scenario_is_sweep(s) ? sweep_estimate_s(o, s) : o->warmup_s + o->duration_s);
}

/* A reference server where our handlers block or burn per request: it
 * cannot be asked to, and would be compared with what it was not asked.
 * Said, and left out. */
static bool not_asked_so(const struct model *m, const struct run_opts *o, const struct scenario *s)
{
	if (!m || !m->reference || !run_opts_asks_handlers(o, s))
		return false;
	fprintf(stderr,
		"harness run: %s is not run under %s: our handlers block or burn CPU per request "
		"there (--sleep-us, --work-us), %s's cannot be asked to\n",
		m->name, s->name, m->name);
	return true;
}

static int run_experiments(const struct run_opts *o, volatile sig_atomic_t *stop,
			   struct run_record *r, struct load_hosts *hosts);

/*
 * With --load-host, an agent on every host first, greeted, kept for the
 * whole run: a host that fails now is one line and a refusal (-EINVAL)
 * before any model runs.
 */
int run_all(const struct run_opts *o, volatile sig_atomic_t *stop, struct run_record *r)
{
	struct load_hosts *hosts = NULL;
	char why[1024];
	int err;

	if (o->nload_hosts) {
		hosts = calloc(1, sizeof(*hosts));
		if (!hosts)
			return -ENOMEM;
		if (load_hosts_open(hosts, o, why, sizeof(why))) {
			fprintf(stderr, "harness run: %s\n", why);
			free(hosts);
			return -EINVAL;
		}
		printf("servers listen on %s (%s); the load from %d host%s\n", hosts->listen,
		       hosts->listen_how, hosts->n, hosts->n > 1 ? "s" : "");
		fflush(stdout);
	}
	err = run_experiments(o, stop, r, hosts);
	if (hosts) {
		/* the record keeps where they listened, asked for or not */
		snprintf(r->options.listen, sizeof(r->options.listen), "%s", hosts->listen);
		load_hosts_close(hosts);
		free(hosts);
	}
	return err;
}

static int run_experiments(const struct run_opts *o, volatile sig_atomic_t *stop,
			   struct run_record *r, struct load_hosts *hosts)
{
	struct experiment plan[(RUN_MAX + RUN_MAX_CUSTOM) * RUN_MAX];
	const struct scenario *first = NULL;
	int n = 0, failed = 0, died = 0, err = 0;

	r->format = RECORD_FORMAT;
	r->options = *o;
	r->machine = machine_to_json();
	/* the user's servers after the catalog's, each model pointing into the
	 * record's options: they outlive o */
	for (int m = 0; m < nmodels + o->ncustom; m++)
		for (int s = 0; s < nscenarios; s++)
			if ((m >= nmodels || o->model[m]) && o->scenario[s] &&
			    !not_asked_so(m < nmodels ? &models[m] : NULL, o, &scenarios[s]))
				plan[n++] = (struct experiment){
					.model = m < nmodels ? &models[m]
							     : &r->options.custom[m - nmodels],
					.scenario = &scenarios[s],
					.stop = stop,
					.hosts = hosts
				};
	/* a run killed outright may have left servers' children behind */
	if (cgroup_reap_stale() > 0)
		fprintf(stderr, "harness run: removed what an earlier, killed run left behind\n");
	for (int s = 0; s < nscenarios && !first; s++)
		if (o->scenario[s])
			first = &scenarios[s];
	err = first ? check_custom(&r->options, first, stop, hosts) : 0;
	if (err == -EINVAL)
		return err;
	/* each experiment knows what those after it will take: the time left */
	for (int i = n - 2; i >= 0; i--)
		plan[i].later_s =
			plan[i + 1].later_s + experiment_estimate_s(o, plan[i + 1].scenario);
	for (int i = 0; i < n && !*stop; i++) {
		struct experiment *e = &plan[i];

		e->index = i + 1;
		e->count = n;
		err = experiment_run(e, o);
		if (e->record && run_record_add(r, e->record)) {
			experiment_record_free(e->record);
			return -ENOMEM;
		}
		if (err == -EINTR)
			break;
		if (err == -EINVAL || err == -EACCES) {
			fprintf(stderr, "harness run: %s\n", e->error);
			return err;
		}
		if (err) {
			fprintf(stderr, "harness run: %s %s: %s\n", e->model->name,
				e->scenario->name, e->error);
			failed++;
			died += err == -ECHILD;
		} /* a load host lost: the next loads would not be the ones asked for */
		if (err && hosts && load_hosts_lost(hosts)) {
			fprintf(stderr, "harness run: stopped: %d of %d experiments ran\n", i + 1,
				n);
			break;
		}
	}
	r->interrupted = *stop != 0;
	run_record_rank(r);
	if (r->interrupted)
		return -EINTR;
	return failed > died ? -EIO : died ? -ECHILD : 0;
}
