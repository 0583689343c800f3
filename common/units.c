// SPDX-License-Identifier: MIT
#include "common/units.h"

#include <math.h>
#include <stdio.h>

static int decimals(double v)
{
	v = fabs(v);
	return v >= 100 ? 0 : v >= 10 ? 1 : 2;
}

char *fmt_us(char *buf, size_t len, double us)
{
	static const struct {
		double scale;
		const char *unit;
	} units[] = { { 1e6, "s" }, { 1e3, "ms" }, { 1, "µs" } };

	if (isnan(us)) {
		snprintf(buf, len, "-");
		return buf;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (fabs(us) >= units[i].scale) {
			double v = us / units[i].scale;
			snprintf(buf, len, "%.*f %s", decimals(v), v, units[i].unit);
			return buf;
		}
	if (us == 0)
		snprintf(buf, len, "0 µs");
	else if (fabs(us) < 0.0005) /* no "-0 ns" */
		snprintf(buf, len, "0 ns");
	else
		snprintf(buf, len, "%.0f ns", us * 1e3);
	return buf;
}

char *fmt_count(char *buf, size_t len, double n)
{
	if (isnan(n)) {
		snprintf(buf, len, "-");
	} else if (fabs(n) >= 1e7) {
		snprintf(buf, len, "%.1fM", n / 1e6);
	} else if (fabs(n) >= 1000 && n == floor(n)) {
		long long v = llround(n);
		if (v >= 1000000)
			snprintf(buf, len, "%lld %03lld %03lld", v / 1000000, v / 1000 % 1000,
				 v % 1000);
		else
			snprintf(buf, len, "%lld %03lld", v / 1000, v % 1000);
	} else if (n == floor(n)) {
		snprintf(buf, len, "%.0f", n);
	} else {
		snprintf(buf, len, "%.*f", decimals(n), n);
	}
	return buf;
}

char *fmt_pct(char *buf, size_t len, double share)
{
	double p = share * 100;

	if (isnan(share))
		snprintf(buf, len, "-");
	else if (p >= 10 || p == 0)
		snprintf(buf, len, "%.0f%%", p);
	else
		snprintf(buf, len, "%.1f%%", p);
	return buf;
}

char *fmt_bytes(char *buf, size_t len, double bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB" };
	int u = 0;

	if (isnan(bytes)) {
		snprintf(buf, len, "-");
		return buf;
	}
	while (u < 3 && fabs(bytes) >= 1024) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, fabs(bytes) >= 100 || u == 0 ? "%.0f %s" : "%.3g %s", bytes, unit[u]);
	return buf;
}
