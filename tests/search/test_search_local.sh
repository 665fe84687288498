#!/usr/bin/env bash
# The empirical search end to end with the local executor and the replay workload (a TEST DOUBLE that
# replays real log lines, tests/doubles/replay_workload.py): every failure kind occurs in one search; a
# SIGKILL mid-search loses nothing and launches no finished run again; Ctrl-C cancels what was launched.
set -u
TP="$1"
SHARED_DATA="$(cd "${2:?usage: test_search_local.sh TRAINPLAN SHARED_DATA_DIR}" && pwd)"  # runs start in their own folder
HERE="$(cd "$(dirname "$0")" && pwd)"
WORKLOAD="$HERE/../doubles/replay_workload.py"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
count() { local n; n="$(grep -c "$1" "$2" 2>/dev/null)" || n=0; echo "$n"; }  # count PATTERN FILE (0 when missing)
wait_for() {  # wait_for PATTERN FILE N: until FILE holds N lines matching PATTERN (bounded: 30 s)
    for _ in $(seq 1 300); do [ "$(count "$1" "$2")" -ge "$3" ] && return 0; sleep 0.1; done
    return 1
}
check() { if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
# Candidates of llama3-8b on one 8-GPU node whose settings select each behaviour of the workload.
space=(--model llama3-8b --nodes 1 --seq 4096 --tp 1,2,8 --pp 1,4 --cp 1,2 --mbs 1,4 --recompute none)
cmd() { echo "python3 $WORKLOAD --logs $SHARED_DATA/logs --tp {tp} --pp {pp} --cp {cp} --mbs {mbs} --gbs {gbs} --steps {max_steps} --step-seconds $1"; }

# 1. One search, every outcome, NeMo-style results.
"$TP" search "${space[@]}" --executor local --concurrency 4 --poll-seconds 0.1 --time-limit-seconds 2 --strategy grid \
    --limit-search-runs 12 --max-steps-per-run 6 --run-dir "$work/a" --command "$(cmd 0.01)" >"$work/a.out" 2>"$work/a.err"
check "search exits 0 (rc=$?)" $?
kinds="$(jq -r '[.runs[].failure.kind] | unique | join(",")' "$work/a/session.json")"
[ "$kinds" = "crash,nccl_timeout,none,oom,time_limit" ]; check "every failure kind occurs (got $kinds)" $?
jq -e '[.runs[] | select(.failure.kind == "oom") | .failure.evidence][0] | test("CUDA out of memory")' "$work/a/session.json" >/dev/null
check "oom evidence is the decisive log line" $?
head -1 "$work/a/final_results/final_summary_1nodes.csv" | grep -q '^Model Name,Model Size,Seq Length,TP,PP,CP,EP,MBS,VP,Num Layers,Hidden Size,FFN Hidden Size,GBS,Nodes,GPUs per Node,Time per Step,Samples per Second,Model TFLOPS / GPU,Model TFLOPS Aggregate,Predicted Time per Step,Prediction Error,Config Name$'
check "final_summary has NeMo 2.0's columns plus the prediction" $?
[ "$(tail -n +2 "$work/a/final_results/final_summary_1nodes.csv" | wc -l)" -ge 1 ]; check "at least one measured config" $?
[ "$(tail -n +2 "$work/a/final_results/failed_jobs_1nodes.csv" | wc -l)" -ge 4 ]; check "failed runs listed" $?
grep -q '^Optimal config: llama_8b_1nodes_tp_2_pp_1_cp_1_ep_1_mbs_1_vp_None_none with 1.1500s per global step.$' "$work/a.out"
check "optimal config line" $?
ls "$work/a/final_results/"optimal_config_8b_1nodes.yaml >/dev/null 2>&1; check "optimal config YAML" $?
grep -q "NeMo's launcher grid would launch" "$work/a.out"; check "runs used against NeMo's grid" $?
"$TP" status --run-dir "$work/a" --json | jq -e '(.runs | length) == 12 and ([.runs[] | .status] | unique) == ["finished"]' >/dev/null
check "status --json" $?

# 2. SIGKILL mid-search, then --resume: no finished run launched again, nothing measured lost.
"$TP" search "${space[@]}" --executor local --concurrency 1 --poll-seconds 0.1 --time-limit-seconds 2 --strategy grid \
    --limit-search-runs 8 --max-steps-per-run 6 --run-dir "$work/b" --command "$(cmd 0.15)" >/dev/null 2>&1 &
pid=$!
wait_for '"event":"finished"' "$work/b/journal.jsonl" 3
kill -9 "$pid"; wait "$pid" 2>/dev/null
before="$(grep '"event":"finished"' "$work/b/journal.jsonl" | jq -r .run | sort)"
[ -n "$before" ]; check "runs finished before the kill" $?
"$TP" search --resume --executor local --poll-seconds 0.1 --time-limit-seconds 2 --run-dir "$work/b" >/dev/null 2>&1
check "resume exits 0" $?
dupes="$(grep '"event":"submitted"' "$work/b/journal.jsonl" | jq -r .run | sort | uniq -d)"
[ -z "$dupes" ]; check "no run submitted twice (got: $dupes)" $?
after="$(jq -r '.runs[] | select(.status == "finished") | .name' "$work/b/session.json" | sort)"
[ "$(comm -23 <(echo "$before") <(echo "$after"))" = "" ]; check "every run finished before the kill is still in the results" $?
[ "$(jq '[.runs[] | select(.status == "finished")] | length' "$work/b/session.json")" = 8 ]; check "all 8 runs done after resume" $?

# 3. Ctrl-C: the runs in flight are cancelled and recorded; their process groups are gone.
"$TP" search "${space[@]}" --executor local --concurrency 2 --poll-seconds 0.1 --time-limit-seconds 30 --strategy grid \
    --limit-search-runs 4 --max-steps-per-run 400 --run-dir "$work/c" --command "$(cmd 0.2)" >/dev/null 2>&1 &
pid=$!
wait_for '"event":"running"' "$work/c/journal.jsonl" 2
kill -INT "$pid"; wait "$pid"; rc=$?
[ "$rc" = 130 ]; check "Ctrl-C exits 130 (got $rc)" $?
cancelled="$(count '"event":"cancelled"' "$work/c/journal.jsonl")"
[ "$cancelled" -ge 1 ]; check "cancelled runs recorded ($cancelled)" $?
alive=0
for job in $(grep '"event":"submitted"' "$work/c/journal.jsonl" | jq -r .job_id); do kill -0 "$job" 2>/dev/null && alive=1; done
[ "$alive" = 0 ]; check "no launched process left running" $?

# 4. Ranked strategy: once a run is measured, runs whose optimistic prediction cannot beat it are skipped.
"$TP" search "${space[@]}" --executor local --concurrency 1 --poll-seconds 0.1 --time-limit-seconds 2 --strategy ranked \
    --limit-search-runs 12 --max-steps-per-run 6 --run-dir "$work/d" --command "$(cmd 0.01)" >"$work/d.out" 2>/dev/null
skipped="$(jq '[.runs[] | select(.failure.evidence | startswith("skipped:"))] | length' "$work/d/session.json")"
[ "$skipped" -ge 1 ]; check "ranked search skips hopeless runs ($skipped)" $?

# 5. Halving: every candidate briefly (a quarter of the steps, at least 3), then the faster half at full length.
"$TP" search --model llama3-8b --nodes 1 --seq 4096 --tp 1,2 --pp 1 --cp 1 --mbs 1,2 --recompute none,selective --executor local \
    --concurrency 2 --poll-seconds 0.1 --strategy halving --max-steps-per-run 12 --run-dir "$work/h" --command "$(cmd 0.01)" >/dev/null 2>&1
check "halving search exits 0" $?
"$TP" status --run-dir "$work/h" --json >"$work/h/status.json"
first="$(grep -c '"event":"planned"' "$work/h/journal.jsonl")"
long="$(grep '"event":"planned"' "$work/h/journal.jsonl" | jq -r 'select(.parent != null) | .run' | wc -l)"
[ "$long" -ge 1 ] && [ "$long" -lt "$first" ]; check "halving promotes some runs ($long of $((first - long)))" $?
for f in "$work"/h/runs/*.long/log.txt; do [ "$(grep -c 'iteration' "$f")" = 12 ] || check "long run has 12 steps ($f)" 1; done
for d in "$work"/h/runs/*; do case "$d" in *.long) ;; *) [ "$(grep -c 'iteration' "$d/log.txt")" = 3 ] || check "brief run has 3 steps ($d)" 1 ;; esac; done
check "step budgets: brief 3, long 12" 0

# 6. A run killed from outside (no exit code left behind) is marked vanished, not guessed at.
"$TP" search --model llama3-8b --nodes 1 --seq 4096 --tp 1 --pp 4 --cp 1 --mbs 1 --recompute none --executor local --concurrency 1 \
    --poll-seconds 0.1 --time-limit-seconds 60 --strategy grid --limit-search-runs 1 --run-dir "$work/v" --command "$(cmd 0.01)" >/dev/null 2>&1 &
pid=$!
wait_for '"event":"running"' "$work/v/journal.jsonl" 1
job="$(grep '"event":"submitted"' "$work/v/journal.jsonl" | head -1 | jq -r .job_id)"
kill -KILL -- "-$job"
wait "$pid"
check "search with a vanished run exits 0" $?
jq -e '.runs[0].status == "vanished" and (.runs[0].failure.evidence | contains("no longer knows job"))' "$work/v/session.json" >/dev/null
check "vanished run recorded as such" $?

# 7. A run whose log prints no step time but whose TensorBoard events do (as NeMo writes them): the step time
#    comes from the events, by NeMo 2.0's rule (fixture nemo2_llama3_8b: 12 points, first dropped, 1.62 s).
events="$HERE/../data/tensorboard/nemo2_llama3_8b/events.out.tfevents.1732170000.node042.2201734.0"
"$TP" search --model llama3-8b --nodes 1 --seq 4096 --tp 2 --pp 1 --cp 1 --mbs 1 --recompute none --executor local --poll-seconds 0.1 \
    --strategy grid --limit-search-runs 1 --run-dir "$work/tb" --command "mkdir -p results && cp $events results/ && echo 'training done'" >/dev/null 2>&1
jq -e '.runs[0].metrics.step_time_s == 1.62 and .runs[0].metrics.step_time_source == "tensorboard" and .runs[0].failure.kind == "none"' \
    "$work/tb/session.json" >/dev/null
check "step time from TensorBoard events when the log has none" $?

# 8. Templates: unknown placeholders are refused before anything runs; a session's template needs --trust-session.
out="$("$TP" search "${space[@]}" --run-dir "$work/e" --command 'run {tpp}' 2>&1)"; rc=$?
[ "$rc" -ne 0 ] && grep -q "unknown placeholder {tpp}" <<<"$out"; check "bad template refused (rc=$rc)" $?
[ ! -e "$work/e/journal.jsonl" ]; check "nothing planned for a bad template" $?
jq '.plan.command_template = "touch /tmp/trainplan-pwned-{name}"' "$work/a/session.json" >"$work/shared.json"
out="$("$TP" search --session "$work/shared.json" --run-dir "$work/f" 2>&1)"; rc=$?
[ "$rc" -ne 0 ] && grep -q "runs only with --trust-session" <<<"$out"; check "a session's template is not run untrusted (rc=$rc)" $?
ls /tmp/trainplan-pwned-* >/dev/null 2>&1 && check "nothing from the session ran" 1 || check "nothing from the session ran" 0

echo "search_local: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
