#!/usr/bin/env bash
# Runs every test: native build with warnings as errors + ctest (unit, NeMo conformance, CLI
# contract, fuzz replays), the same under address+undefined sanitizers, a bounded libFuzzer run
# of each fuzz target, and the web build with its end-to-end test in headless Chromium.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh
jobs="$(nproc)"

echo "== native build (warnings are errors) and tests"
scripts/build.sh ci
ctest --test-dir build/native-ci -j "$jobs" --output-on-failure | tee build/ctest-native.log

echo "== address + undefined-behaviour sanitizers"
scripts/build.sh asan
ctest --test-dir build/native-asan -j "$jobs" --output-on-failure | tee build/ctest-asan.log

echo "== fuzzing (bounded: 500,000 runs or 30 s per target)"
scripts/build.sh fuzz
# Seeds: fuzz/corpus/<parser>/ (past crashes, kept as regressions) plus the parser's fixtures.
# A fixed -seed makes a CI failure reproducible with the same command; a crash prints its reason
# and leaves the input in build/fuzz-artifacts/ to be added to fuzz/corpus/<parser>/ once fixed.
mkdir -p build/fuzz-artifacts
for target in build/fuzz/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  parser="$(basename "$target")"; parser="${parser#fuzz_}"
  corpus="$(mktemp -d)"
  cp fuzz/corpus/"$parser"/* "$corpus/" 2>/dev/null || true
  case "$parser" in
    hf_config) cp tests/data/hf/*.json "$corpus/" ;;
    session) cp tests/data/session/*.json "$corpus/" ;;
    share_link) cp tests/data/session/*.json "$corpus/" ;;
    nemo_base_config) cp tests/data/search_config/base_configs/*.yaml "$corpus/" ;;
    tensorboard) cp tests/data/tensorboard/*/events.out.tfevents.* "$corpus/" ;;
    log_parse) cp "${TRAINPLAN_SHARED_DATA:-../shared/data}"/logs/*.txt "$corpus/" ;;
    inference_output) cp tests/data/inference_output/*.txt tests/data/inference_output/*.json "$corpus/" ;;
    search_config) for f in tests/data/search_config/{gpt3,llama}/*.yaml; do cp "$f" "$corpus/$(basename "$(dirname "$f")")_$(basename "$f")"; done ;;
  esac
  if ! "$target" -seed=1 -runs=500000 -max_total_time=30 -artifact_prefix=build/fuzz-artifacts/ \
      "$corpus" >build/fuzz-"$parser".log 2>&1; then
    grep -v '^#' build/fuzz-"$parser".log | tail -40
    echo "fuzz_$parser: crash found (input saved under build/fuzz-artifacts/)" >&2
    exit 1
  fi
  tail -2 build/fuzz-"$parser".log
  rm -rf "$corpus"
done

echo "== web build and end-to-end test in headless Chromium"
scripts/build.sh web
node tests/web/smoke.js public "build/trainplan-web.png" | tee build/web-smoke.log
ls -l public/trainplan.js public/trainplan.wasm

# One closing line over every stage (ctest native + sanitizers, browser checks).
count() { grep -oE "$2" "$1" | grep -oE '[0-9]+' | head -1; }
native=$(count build/ctest-native.log 'out of [0-9]+'); asan=$(count build/ctest-asan.log 'out of [0-9]+')
web=$(count build/web-smoke.log '[0-9]+ passed')
echo "trainplan: $((native + asan + web)) passed, 0 failed"
