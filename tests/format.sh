#!/bin/sh
# Every C file of the project is as .clang-format says (kernel style):
# clang-format --dry-run -Werror on each. Prints one case for tests/run,
# and for a file that is not, what clang-format would change first.
#
#   build/tests/format          (installed there by make; the source is tests/format.sh)
#   clang-format -i FILE        what fixes a file
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
if ! command -v clang-format >/dev/null 2>&1; then
	echo "FAIL sources_formatted: clang-format is not installed (make test installs it)"
	exit 1
fi
bad=0 n=0
for f in $(find common servers probes harness tests bench -name '*.[ch]' | sort); do
	n=$((n + 1))
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		bad=$((bad + 1))
		echo "  $f:" >&2
		clang-format --dry-run "$f" 2>&1 | head -n 6 >&2
	fi
done
if [ "$n" -lt 100 ]; then
	echo "FAIL sources_formatted: only $n C files found under $root"
elif [ "$bad" -gt 0 ]; then
	echo "FAIL sources_formatted: $bad of $n C files are not as .clang-format says (clang-format -i FILE)"
else
	echo "PASS sources_formatted"
fi
[ "$bad" -eq 0 ] && [ "$n" -ge 100 ]
