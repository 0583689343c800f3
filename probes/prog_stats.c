// SPDX-License-Identifier: MIT
#include "probes/prog_stats.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <string.h>

int prog_stats_enable(void)
{
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);

	return fd < 0 ? -errno : fd;
}

int prog_cost_read(struct bpf_object *obj, struct prog_cost *cost)
{
	struct bpf_program *prog;

	memset(cost, 0, sizeof(*cost));
	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0)
			continue; /* not loaded (autoload off) */
		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			return -errno;
		cost->events += info.run_cnt;
		cost->run_ns += info.run_time_ns;
	}
	return 0;
}

int prog_cost_since(struct bpf_object *obj, const struct prog_cost *base, struct prog_cost *out)
{
	int err = prog_cost_read(obj, out);

	if (err) {
		memset(out, 0, sizeof(*out));
		return err;
	}
	out->events -= base->events;
	out->run_ns -= base->run_ns;
	return 0;
}
