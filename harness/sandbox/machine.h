/* SPDX-License-Identifier: MIT */
/* What produced the figures: machine, kernel, CPU, versions, sysctls. */
#ifndef WHYSERVE_HARNESS_MACHINE_H
#define WHYSERVE_HARNESS_MACHINE_H

#include <jansson.h>

/* The machine as a JSON object (never NULL on success). */
json_t *machine_to_json(void);
/* The TCP sysctls that shape an experiment, read in the calling thread's
 * network namespace. */
json_t *net_sysctls_to_json(void);

#endif
