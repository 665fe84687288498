#!/usr/bin/env bash
# Regenerates docs/accuracy.md: predicted vs published over ../shared/data/ground_truth, ranking quality,
# and the NeMo launcher presets report over ../shared/data/nemo; prints the per-file summary and the
# presets headline. `--fit` first prints the constants a re-fit on the calibration rows would choose.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/build.sh native >/dev/null
if [ "${1:-}" = "--fit" ]; then build/native-release/native/trainplan accuracy --fit | sed -n '1,/^$/p'; fi
build/native-release/native/trainplan accuracy --markdown > docs/accuracy.md
build/native-release/native/trainplan accuracy
build/native-release/native/trainplan accuracy --presets | sed -n '/^Over the /,/^$/p'
