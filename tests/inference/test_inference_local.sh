#!/usr/bin/env bash
# `trainplan inference --measure local` end to end with the inference engine TEST DOUBLE
# (tests/doubles/inference_engine.py, vLLM's latency output): measured figures land in final_output.csv and
# per-point result.json, an OOM is classified with its line, a SIGKILL mid-measurement loses nothing and the
# rerun launches no finished point again, hostile values stay inert, and the predicted-only mode matches.
set -u
TP="$1"
SHARED_DATA="$(cd "${2:?usage: test_inference_local.sh TRAINPLAN SHARED_DATA_DIR}" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
ENGINE="$HERE/../doubles/inference_engine.py"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
grid=(--model llama3-8b --gpu h100-sxm --input-len 128 --output-len 32 --tp 1,2 --pp 1 --batch-sizes 1,8,64)
cmd() { echo "python3 $ENGINE --logs $SHARED_DATA/logs --tp {tp} --pp {pp} --batch {batch} --starts $work/$1.starts --oom-batch 64 --seconds $2"; }

# 1. Every point measured; the batch-64 points run out of memory and are classified.
"$TP" inference "${grid[@]}" --measure local --poll-seconds 0.05 --concurrency 2 --run-dir "$work/a" --command "$(cmd a 0)" \
    --output-dir "$work/a/out" --json >"$work/a.json" 2>"$work/a.err"
check "inference --measure exits 0 (rc=$?)" $?
[ "$(wc -l <"$work/a.starts")" = 6 ]; check "six points launched" $?
head -1 "$work/a/out/final_output.csv" | grep -q $'^TP,PP,BS,Latency \\[ms\\],Throughput per GPU \\[samples/sec/gpu\\]\r$'
check "final_output.csv has NeMo's header" $?
# tp 2, batch 8: (0.02 + 0.016) / 2 s = 18 ms; throughput round(8 * 1000 / 18 / 2 / 1, 3) = 222.222
grep -q $'^2,1,8,18.0,222.222\r$' "$work/a/out/final_output.csv"; check "measured latency and NeMo's throughput in final_output.csv" $?
jq -e '[.points[] | select(.tp == 1 and .batch == 1) | .measured_latency_ms][0] == 22' "$work/a.json" >/dev/null
check "measured_latency_ms in --json" $?
jq -e '.failure.kind == "oom" and (.failure.evidence | test("CUDA out of memory"))' "$work/a/runs/tp1_pp1_bs64/result.json" >/dev/null
check "OOM classified with its line" $?
jq -e '.latency_ms > 17.999 and .latency_ms < 18.001 and .engine == "vllm-latency" and .state == "COMPLETED"' "$work/a/runs/tp2_pp1_bs8/result.json" >/dev/null
check "result.json holds the measurement" $?
grep -q "tp2_pp1_bs8 measured 18.0 ms, predicted" "$work/a.err"; check "measured vs predicted line" $?
grep -q '^2,1,8,2,1,yes,.*,18.00,[-0-9.]*$' "$work/a/out/inference_points.csv"; check "inference_points.csv: measured beside predicted" $?
grep -q '^1,1,64,1,1,yes,.*,,$' "$work/a/out/inference_points.csv"; check "inference_points.csv: no figure for the OOM point" $?

# 2. SIGKILL mid-measurement, then the same command: finished points are not launched again.
"$TP" inference "${grid[@]}" --measure local --poll-seconds 0.05 --run-dir "$work/b" --command "$(cmd b 0.4)" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ "$(ls "$work"/b/runs/*/result.json 2>/dev/null | wc -l)" -ge 2 ] && break; sleep 0.1; done
kill -9 "$pid"; wait "$pid" 2>/dev/null
done_before="$(ls "$work"/b/runs/*/result.json 2>/dev/null | wc -l)"
[ "$done_before" -ge 2 ] && [ "$done_before" -lt 6 ]; check "killed mid-measurement ($done_before of 6 done)" $?
"$TP" inference "${grid[@]}" --measure local --poll-seconds 0.05 --run-dir "$work/b" --command "$(cmd b 0)" --output-dir "$work/b/out" \
    >/dev/null 2>"$work/b.err"
check "rerun exits 0" $?
dupes="$(sort "$work/b.starts" | uniq -d | wc -l)"
launches="$(wc -l <"$work/b.starts")"
# Only the point cut short may run twice; finished ones never.
[ "$dupes" -le 1 ] && [ "$launches" -le 7 ]; check "no finished point launched again ($launches launches, $dupes repeated)" $?
[ "$(grep -c "already measured" "$work/b.err")" = "$done_before" ]; check "rerun reports the finished points" $?
grep -q $'^1,1,1,22.0,45.455\r$' "$work/b/out/final_output.csv"; check "resumed results complete" $?

# 3. Hostile values stay inert words; an unknown placeholder and a missing engine are clear errors.
"$TP" inference "${grid[@]}" --measure local --poll-seconds 0.05 --run-dir "$work/c" --hf-model 'x; touch '"$work"'/pwned' \
    --command "echo {hf_model} > {log_dir}/seen; python3 $ENGINE --logs $SHARED_DATA/logs --tp {tp} --pp {pp} --batch {batch} --starts $work/c.starts" \
    >/dev/null 2>&1
[ ! -e "$work/pwned" ]; check "hostile --hf-model not executed" $?
grep -qx "x; touch $work/pwned" "$work/c/runs/tp1_pp1_bs1/seen"; check "hostile value passed as one word" $?
"$TP" inference "${grid[@]}" --measure local --run-dir "$work/d" --command "run {mbs}" 2>"$work/d.err"
[ $? -ne 0 ] && grep -q "unknown placeholder {mbs}" "$work/d.err"; check "unknown placeholder named" $?
"$TP" inference "${grid[@]}" --measure local --run-dir "$work/d" 2>"$work/e.err"
[ $? -ne 0 ] && grep -q -- "--measure needs --engine vllm|trtllm or --command" "$work/e.err"; check "engine required" $?

# 4. Prediction only: the NeMo launcher's search config gives the launcher's grid and file.
"$TP" inference --search-config "$HERE/../data/search_config/gpt3/5b.yaml" --output-dir "$work/n" >/dev/null 2>&1
check "--search-config exits 0" $?
[ "$(tail -n +2 "$work/n/final_output.csv" | wc -l)" = 21 ]; check "NeMo's filter leaves TP 1,2,4 x PP 1 x 7 batches" $?
"$TP" inference --model gpt3-5b --nemo --tp 3 --pp 1 --batch-sizes 4 --json | jq -e '(.points | length) == 0 and (.rejected[0].reason | test("not divisible by TP"))' >/dev/null
check "NeMo's filter reason in --json" $?
"$TP" inference --model llama3-8b --tp 1,,2 2>/dev/null; [ $? -ne 0 ]; check "bad list rejected" $?
"$TP" inference --model t5-large 2>"$work/t5.err"; [ $? -ne 0 ] && grep -q "decoder-only" "$work/t5.err"; check "encoder-decoder named" $?

echo "inference_local: $passed passed, $failed failed"
[ "$failed" = 0 ]
