#!/usr/bin/env bash
# Benchmarks: builds the release preset and prints estimates per second on one core (issue 3's target:
# 1,000,000/s), the grid search's candidates per second and milliseconds per default grid (issue 4's
# targets: 1,000,000/s and 16 ms), and the log parser's MB/s next to `grep -c` on the same files (issue
# 5's target: half of grep's rate), then the web page's budgets (issue 6: size, first frame, recompute; bench/web_budgets.js).
# Figures and ratios, not assertions (these machines are shared).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh >/dev/null
scripts/build.sh native >/dev/null
out="$(build/native-release/bench/bench_estimate --benchmark_min_time=1 --benchmark_format=json)"
echo "$out" | jq -r '.benchmarks[] | "\(.name): \(.items_per_second | floor) estimates/s per core (\(.items_per_second / 1e6 * 100 | floor / 100)x the 1,000,000/s target), \(.real_time | . * 1000 | floor / 1000) ns each"'
out="$(build/native-release/bench/bench_search --benchmark_min_time=1 --benchmark_format=json)"
echo "$out" | jq -r '.benchmarks[] | "\(.name): \(.items_per_second | floor) candidates/s per core (\(.items_per_second / 1e6 * 100 | floor / 100)x the 1,000,000/s target); \(.candidates_per_grid | floor) candidates in \(.real_time * 100 | floor / 100) ms per grid (target 16 ms: \(16 / .real_time * 100 | floor / 100)x)"'
# bench_log_parse's table after its benchmarks (none run here: the table times the parse itself):
# log, MB, parse MB/s, grep -c MB/s, ratio, grep -o | wc -l MB/s, ratio (grep -c counts lines, and
# stops reading a line at its first match; grep -o reads every record, as the parser does).
out="$(build/native-release/bench/bench_log_parse --benchmark_filter='^$' 2>/dev/null)"
echo "$out" | awk '$1 == "log" { table = 1; next }
  table && NF == 7 { printf "log_parse %s: %d MB/s, grep -c %d MB/s (%.2fx grep -c'"'"'s rate; target 0.5x), grep -o | wc -l %d MB/s (%.2fx)\n", $1, $3, $4, $5, $6, $7 }'
# The fine-tuning sweep over ado's 3,960-point example (issue 7's target: under one second).
out="$(build/native-release/bench/bench_sweep --benchmark_min_time=1 --benchmark_format=json)"
echo "$out" | jq -r '.benchmarks[] | "\(.name): \(.points | floor) points in \(.real_time | . * 10 | floor / 10) ms per sweep (target 1000 ms: \(1000 / .real_time * 10 | floor / 10)x)"'
# The page's budgets (issue 6): gzipped size, navigation to first frame in headless Chromium, recompute time.
scripts/build.sh web >/dev/null
node bench/web_budgets.js public
