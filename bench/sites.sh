#!/bin/bash
# Builds every site a refactor must leave byte-identical, with the policybook binary $1, into
# $2/<name>: the example ISMS, the fixture books, generated books of 1,000 and 10,000 documents
# (bench/gen_corpus.py, kept in $WORK), each book's `check --format json`, and the `import` of
# every import fixture. Compare two such folders with bench/same.sh.
#
#   bench/sites.sh OLD-BINARY /tmp/before && bench/sites.sh target/release/policybook /tmp/after
#   bench/same.sh /tmp/before /tmp/after     # prints nothing and exits 0 when identical
BIN=$(readlink -f "$1"); OUT=$(readlink -f -m "$2")
SRC=${SRC:-$(cd "$(dirname "$0")/.." && pwd)}
WORK=${WORK:-/tmp/policybook-sites}
AS_OF=2026-11-22
rm -rf "$OUT"; mkdir -p "$OUT" "$WORK"
build() { # name folder
  local tmp; tmp=$(mktemp -d); cp -r "$2"/. "$tmp"/
  (cd "$tmp" && "$BIN" build --as-of $AS_OF -d "$OUT/$1" >"$OUT/$1.log" 2>&1; echo "exit $?" >>"$OUT/$1.log"
   "$BIN" check --as-of $AS_OF --format json >"$OUT/$1.check.json" 2>/dev/null)
  rm -rf "$tmp"
}
build example "$SRC"
for f in small handbook template-set mdbook-guide audit mistakes; do build "$f" "$SRC/tests/fixtures/$f"; done
for n in 1000 10000; do
  [ -d "$WORK/corpus-$n" ] || python3 "$SRC/bench/gen_corpus.py" --policies $n --out "$WORK/corpus-$n" >/dev/null
  build "corpus-$n" "$WORK/corpus-$n"
done
for f in "$SRC"/tests/fixtures/import-*; do
  name=$(basename "$f"); tmp=$(mktemp -d)
  "$BIN" import "$f" "$tmp/out" >"$OUT/$name.log" 2>&1
  [ -d "$tmp/out" ] && mv "$tmp/out" "$OUT/$name"; rm -rf "$tmp"
done
