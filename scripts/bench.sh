#!/usr/bin/env bash
# Benchmarks: builds the release preset and prints estimates per second on one core, with the ratio
# to issue 3's target of 1,000,000 per second. Figures, not assertions (these machines are shared).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh >/dev/null
scripts/build.sh native >/dev/null
out="$(build/native-release/bench/bench_estimate --benchmark_min_time=1 --benchmark_format=json)"
echo "$out" | jq -r '.benchmarks[] | "\(.name): \(.items_per_second | floor) estimates/s per core (\(.items_per_second / 1e6 * 100 | floor / 100)x the 1,000,000/s target), \(.real_time | . * 1000 | floor / 1000) ns each"'
