// SPDX-License-Identifier: MIT
/* common/json_map: one table writes a struct as JSON and reads it back;
 * values of the wrong type or out of range are refused, not truncated. */
#include "common/json_map.h"
#include "tests/lib/check.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

struct point {
	double x, y;
};

struct sample {
	int i;
	unsigned u;
	uint64_t big;
	uint64_t wait_ns;
	double share;
	bool on;
	char name[8];
	bool have_extra;
	int extra;
	struct point at;
	int npoints;
	struct point points[3];
	int scenario; /* 1: the "open" group is written */
	double target;
};

static const struct jm_field point_fields[] = {
	JM_DOUBLE(struct point, "x", x),
	JM_DOUBLE(struct point, "y", y),
};
JM_TABLE(point_table, point_fields);

static bool open_loop(const void *base)
{
	return ((const struct sample *)base)->scenario == 1;
}

static const struct jm_field open_fields[] = {
	JM_DOUBLE(struct sample, "target", target),
};
JM_TABLE(open_table, open_fields);

static const struct jm_field sample_fields[] = {
	JM_INT(struct sample, "i", i),
	JM_UINT(struct sample, "u", u),
	JM_U64(struct sample, "big", big),
	JM_NS_AS_US(struct sample, "wait_us", wait_ns),
	JM_DOUBLE(struct sample, "share", share),
	JM_BOOL(struct sample, "on", on),
	JM_STR(struct sample, "name", name),
	{ JM_FIELD("extra", offsetof(struct sample, extra), JM_INT),
	  JM_HAVE(struct sample, have_extra) },
	JM_OBJ(struct sample, "at", at, point_table),
	JM_ARRAY(struct sample, "points", points, npoints, point_table),
	{ JM_FIELD("open", 0, JM_OBJ), .sub = &open_table, .present = open_loop },
};
JM_TABLE(sample_table, sample_fields);

static struct sample full(void)
{
	return (struct sample){
		.i = -7,
		.u = 4000000000u,
		.big = UINT64_MAX - 1,
		.wait_ns = 1500,
		.share = NAN,
		.on = true,
		.name = "epoll",
		.have_extra = true,
		.extra = 3,
		.at = { 1.5, -2 },
		.npoints = 2,
		.points = { { 1, 2 }, { 3, 4 } },
		.scenario = 1,
		.target = 5000,
	};
}

static void round_trip(void)
{
	struct sample a = full(), b = { .scenario = 1 };
	json_t *j = jm_to_json(&a, &sample_table);
	int err;

	if (!CHECK(j, "jm_to_json failed"))
		return;
	CHECK(json_is_null(json_object_get(j, "share")), "NAN not written as null");
	CHECK(json_real_value(json_object_get(j, "wait_us")) == 1.5, "1500 ns not 1.5 us");
	CHECK(json_object_get(json_object_get(j, "open"), "target"), "the open group missing");
	err = jm_read(j, &b, &sample_table);
	CHECK(!err, "jm_read: %s", strerror(-err));
	CHECK(b.i == a.i && b.u == a.u && b.big == UINT64_MAX && b.wait_ns == a.wait_ns &&
		      isnan(b.share) && b.on && !strcmp(b.name, "epoll") && b.have_extra &&
		      b.extra == 3 && b.at.x == 1.5 && b.at.y == -2 && b.npoints == 2 &&
		      b.points[1].y == 4 && b.target == 5000,
	      "read back differs from what was written");
	json_decref(j);
}

static void absent_fields(void)
{
	struct sample a = full(), b = full();
	json_t *j;

	a.have_extra = false;
	a.scenario = 0;
	j = jm_to_json(&a, &sample_table);
	CHECK(!json_object_get(j, "extra"), "a field not measured was written");
	CHECK(!json_object_get(j, "open"), "a group not present was written");
	b.target = 77;
	CHECK(!jm_read(j, &b, &sample_table), "read");
	CHECK(!b.have_extra, "have_extra set for a missing key");
	CHECK(b.target == 77, "a member without its key was changed");
	json_decref(j);
}

/* each value of the wrong type or range, alone, is refused */
static void refused(void)
{
	static const struct {
		const char *json;
		int err;
	} bad[] = {
		{ "{\"i\": 1e10}", -ERANGE },
		{ "{\"i\": \"7\"}", -EINVAL },
		{ "{\"u\": -1}", -ERANGE },
		{ "{\"u\": 1e19}", -ERANGE },
		{ "{\"big\": -5}", -ERANGE },
		{ "{\"big\": 1e30}", -ERANGE },
		{ "{\"wait_us\": 1e300}", -ERANGE },
		{ "{\"on\": 1}", -EINVAL },
		{ "{\"name\": 3}", -EINVAL },
		{ "{\"at\": [1]}", -EINVAL },
		{ "{\"points\": [{}, {}, {}, {}]}", -ERANGE },
		{ "{\"points\": [{\"x\": \"a\"}]}", -EINVAL },
		{ "[]", -EINVAL },
	};

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct sample s = { 0 };
		json_t *j = json_loads(bad[k].json, 0, NULL);
		int err = jm_read(j, &s, &sample_table);

		CHECK(err == bad[k].err, "%s: %d, want %d", bad[k].json, err, bad[k].err);
		json_decref(j);
	}
}

/* a string longer than its array is cut and terminated */
static void long_string_cut(void)
{
	struct sample s = { 0 };
	json_t *j = json_loads("{\"name\": \"a-very-long-name\"}", 0, NULL);

	CHECK(!jm_read(j, &s, &sample_table) && !strcmp(s.name, "a-very-"), "name '%s'", s.name);
	json_decref(j);
}

/* what is wrong, and where */
static void says_where(void)
{
	static const struct {
		const char *json, *why;
	} bad[] = {
		{ "{\"points\": [{\"x\": 1}, {\"x\": \"a\"}]}", "points[1].x: not a number" },
		{ "{\"at\": {\"y\": true}}", "at.y: not a number" },
		{ "{\"u\": -1}", "u: -1 out of range (0 to 4294967295)" },
		{ "{\"open\": []}", "open: not an object" },
	};

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct sample s = { .scenario = 1 };
		json_t *j = json_loads(bad[k].json, 0, NULL);
		char why[128] = "";

		CHECK(jm_read_why(j, &s, &sample_table, why, sizeof(why)) &&
			      !strcmp(why, bad[k].why),
		      "%s: '%s', want '%s'", bad[k].json, why, bad[k].why);
		json_decref(j);
	}
}

static const struct test_case cases[] = {
	TEST(round_trip),      TEST(absent_fields), TEST(refused),
	TEST(long_string_cut), TEST(says_where),
};

TEST_MAIN(cases)
