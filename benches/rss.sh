#!/bin/sh
# Peak RSS of W2 (1 000 000-link then-chain) and W3 (100 000 handlers on one promise) for
# settle, tokio and Node, each run once in a process of its own under /usr/bin/time -v
# (docs/benchmarks.md). The "baseline" row is the same program doing an empty workload.
#
#   sh benches/rss.sh            (needs /usr/bin/time: apt-get install -y time)
set -eu
cd "$(dirname "$0")/.."
cargo build --release --example bench_rss >/dev/null 2>&1
bin="${CARGO_TARGET_DIR:-target}/release/examples/bench_rss"

peak_kib() {
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }'
}

printf '%-10s %14s %14s %14s\n' "" "settle KiB" "tokio KiB" "Node KiB"
for row in "baseline w2 0 W2 0" "W2 w2 1000000 W2 1000000" "W3 w3 100000 W3 100000"; do
    set -- $row
    s=$(peak_kib "$bin" settle "$2" "$3")
    t=$(peak_kib "$bin" tokio "$2" "$3")
    n=$(peak_kib node benches/node/workloads.js --once "$4" "$5")
    printf '%-10s %14s %14s %14s\n' "$1" "$s" "$t" "$n"
done
