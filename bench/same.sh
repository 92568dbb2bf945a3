#!/bin/bash
# Compares two folders written by bench/sites.sh: every site, check report and import byte for
# byte, and the build logs with the output folder and the timings taken out. Prints nothing and
# exits 0 when they are the same.
A=$(readlink -f "$1"); B=$(readlink -f "$2")
diff -r -x '*.log' "$A" "$B" || exit 1
clean() { sed -E "s#$2#OUT#g; s#/tmp/tmp\.[A-Za-z0-9]+#TMP#g; s/in [0-9.]+ (m?s)/in T/" "$1"; }
for f in "$A"/*.log; do
  n=$(basename "$f")
  diff <(clean "$f" "$A") <(clean "$B/$n" "$B") >/dev/null || { echo "log differs: $n"; exit 1; }
done
