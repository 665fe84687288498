#!/usr/bin/env bash
# ctest `search_slurm` (label slurm): `trainplan search --executor slurm` through a real single-node Slurm
# cluster on 127.0.0.1 (scripts/slurm_cluster.sh), with the replay workload (a TEST DOUBLE replaying real
# log lines, tests/doubles/replay_workload.py). Checks that runs are submitted with sbatch, followed to
# their Slurm state, their logs parsed and classified (none, oom, nccl_timeout, crash), a job cancelled
# from outside with scancel recorded as cancelled, and the results written; then stops the cluster by its
# recorded PIDs and checks none is left. Fails (never skips) when not root, as slurmd needs it.
set -u
TP="$1"
SHARED_DATA="$(cd "${2:?usage: test_search_slurm.sh TRAINPLAN SHARED_DATA_DIR}" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cluster="$repo/scripts/slurm_cluster.sh"
if [ "$(id -u)" != 0 ]; then echo "FAIL: needs root (slurmd runs jobs as root here)" >&2; exit 1; fi
tmp="$(mktemp -d "${TMPDIR:-/tmp}/trainplan-search-slurm.XXXXXX")"
chmod 0755 "$tmp"
root="$tmp/c"
passed=0 failed=0
check() { if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
cleanup() {
  trap - EXIT
  "$cluster" stop "$root" >/dev/null 2>&1
  alive=""
  for p in $recorded; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
  [ -z "$alive" ]; check "cluster daemons stopped (alive:$alive)" $?
  echo "search_slurm: $passed passed, $failed failed"
  if [ "$failed" -eq 0 ]; then rm -rf "$tmp"; exit 0; fi
  tail -n 20 "$tmp"/search.err >&2 2>/dev/null
  exit 1
}
recorded=""
trap cleanup EXIT
lines="$("$cluster" start "$root")" || { echo "FAIL: cluster did not start" >&2; exit 1; }
eval "$lines"
recorded="$(cat "$root"/run/*.pid 2>/dev/null | tr '\n' ' ')"

# llama3-8b on one 8-GPU node: TP 1/2/8, CP 1/2 and MBS 1/4 select success, OOM, NCCL timeout and crash.
"$TP" search --model llama3-8b --nodes 1 --seq 4096 --tp 1,2,8 --pp 1 --cp 1,2 --mbs 1,4 --recompute none \
    --executor slurm --no-gpu-request --partition "$TRAINPLAN_SLURM_PARTITION" --concurrency 8 --poll-seconds 0.5 \
    --strategy grid --limit-search-runs 12 --max-steps-per-run 6 --max-minutes-per-run 5 --run-dir "$tmp/run" \
    --command "python3 $repo/tests/doubles/replay_workload.py --logs $SHARED_DATA/logs --tp {tp} --pp {pp} --cp {cp} --mbs {mbs} --gbs {gbs} --steps {max_steps} --step-seconds 0.05" \
    >"$tmp/search.out" 2>"$tmp/search.err"
check "search exits 0 (rc=$?)" $?
session="$tmp/run/session.json"
# Every candidate that fits is run (the grid strategy): as many runs as `trainplan grid` lists for the same space.
fits="$("$TP" grid --model llama3-8b --nodes 1 --seq 4096 --tp 1,2,8 --pp 1 --cp 1,2 --mbs 1,4 --recompute none --top 0 --json | jq '.candidates | length')"
[ "$(jq '.runs | length' "$session")" = "$fits" ]; check "one run per fitting candidate ($fits)" $?
[ "$(jq -r '[.runs[].executor] | unique | join(",")' "$session")" = slurm ]; check "submitted through Slurm" $?
jq -e '[.runs[].job_id | test("^[0-9]+$")] | all' "$session" >/dev/null; check "every run has a Slurm job id" $?
kinds="$(jq -r '[.runs[].failure.kind] | unique | join(",")' "$session")"
[ "$kinds" = "crash,nccl_timeout,none,oom" ]; check "failure kinds from the logs (got $kinds)" $?
states="$(jq -r '[.runs[].executor_state] | unique | join(",")' "$session")"
[ "$states" = "COMPLETED,FAILED" ]; check "Slurm states followed to the end (got $states)" $?
grep -q '^Optimal config: ' "$tmp/search.out"; check "optimal config reported" $?
[ -s "$tmp/run/final_results/final_summary_1nodes.csv" ]; check "final summary written" $?
grep -q '^#SBATCH --nodes=1$' "$tmp"/run/runs/*/job.sbatch; check "batch scripts written" $?

# trainplan inference --measure slurm: each point an sbatch job running the inference engine TEST DOUBLE
# (tests/doubles/inference_engine.py, vLLM's latency output); measured latencies in final_output.csv, the
# batch-64 points out of memory with the engine's line as evidence.
"$TP" inference --model llama3-8b --gpu h100-sxm --input-len 128 --output-len 32 --tp 1,2 --pp 1 --batch-sizes 1,64 \
    --measure slurm --no-gpu-request --partition "$TRAINPLAN_SLURM_PARTITION" --concurrency 4 --poll-seconds 0.5 \
    --run-dir "$tmp/infer" --output-dir "$tmp/infer/out" \
    --command "python3 $repo/tests/doubles/inference_engine.py --logs $SHARED_DATA/logs --tp {tp} --pp {pp} --batch {batch} --starts $tmp/infer.starts --oom-batch 64" \
    >/dev/null 2>>"$tmp/search.err"
check "inference --measure slurm exits 0 (rc=$?)" $?
grep -q '^#SBATCH --nodes=1$' "$tmp"/infer/runs/tp2_pp1_bs1/job.sbatch; check "inference points submitted as batch scripts" $?
grep -q $'^2,1,1,11.0,45.455\r$' "$tmp/infer/out/final_output.csv"; check "measured latency through Slurm in final_output.csv" $?
jq -e '.state == "FAILED" and .failure.kind == "oom"' "$tmp/infer/runs/tp1_pp1_bs64/result.json" >/dev/null
check "OOM point followed to FAILED and classified" $?

# A job cancelled from outside (scancel) is recorded as cancelled, with Slurm's line as evidence.
"$TP" search --model llama3-8b --nodes 1 --seq 4096 --tp 1 --pp 4 --cp 1 --mbs 1 --recompute none \
    --executor slurm --no-gpu-request --concurrency 1 --poll-seconds 0.5 --strategy grid --limit-search-runs 1 \
    --max-steps-per-run 6 --max-minutes-per-run 5 --run-dir "$tmp/cancel" \
    --command "python3 $repo/tests/doubles/replay_workload.py --logs $SHARED_DATA/logs --tp {tp} --pp {pp} --cp {cp} --mbs {mbs} --gbs {gbs} --steps {max_steps}" \
    >/dev/null 2>>"$tmp/search.err" &
pid=$!
job=""
for _ in $(seq 1 200); do
  job="$(grep '"event":"running"' "$tmp/cancel/journal.jsonl" 2>/dev/null | head -1 | jq -r .run)"
  [ -n "$job" ] && break
  sleep 0.1
done
jobid="$(grep '"event":"submitted"' "$tmp/cancel/journal.jsonl" | head -1 | jq -r .job_id)"
scancel "$jobid"
wait "$pid"
check "search after an outside scancel exits 0" $?
jq -e '.runs[0].executor_state == "CANCELLED" and .runs[0].failure.kind == "cancelled"' "$tmp/cancel/session.json" >/dev/null
check "scancel'd job recorded as cancelled" $?
