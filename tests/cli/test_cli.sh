#!/usr/bin/env bash
# The command-line contract (../shared/docs/design.md): JSON on stdout only, errors on stderr
# with the field named and a non-zero exit status, never a crash.
set -u
TP="$1"
SHARED_DATA="${2:?usage: test_cli.sh TRAINPLAN SHARED_DATA_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ERR="$(mktemp)"  # this run's stderr capture: several test runs may share the machine
trap 'rm -f "$ERR"' EXIT
passed=0
failed=0
check() {  # check NAME CONDITION-RESULT
    if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi
}
expect_ok() {  # expect_ok NAME EXPECTED-SUBSTRING ARGS...
    local name="$1" want="$2"; shift 2
    local out; out="$("$TP" "$@" 2>"$ERR")"; local rc=$?
    [ $rc -eq 0 ] && grep -qF -- "$want" <<<"$out"; check "$name (rc=$rc, out=$out)" $?
}
expect_fail() {  # expect_fail NAME EXPECTED-STDERR-SUBSTRING ARGS...
    local name="$1" want="$2"; shift 2
    local out; out="$("$TP" "$@" 2>"$ERR")"; local rc=$?
    local err; err="$(cat "$ERR")"
    # Non-zero, not a signal (>128 means a crash), message on stderr, nothing on stdout.
    [ $rc -ne 0 ] && [ $rc -lt 128 ] && [ -z "$out" ] && grep -qF -- "$want" <<<"$err"; check "$name (rc=$rc, err=$err)" $?
}
json_key() {  # json_key NAME JQ-FILTER ARGS...
    local name="$1" filter="$2"; shift 2
    "$TP" "$@" 2>/dev/null | jq -e "$filter" >/dev/null; check "$name" $?
}

expect_ok "nemo size sentence" "You can train a 4.03B parameter model in 5 days using 160 GPUs. This result assumes you are training to 300B tokens, and each GPU achieves 140 TFLOPS." \
    recommend --nodes 20 --gpus-per-node 8 --days 5 --tokens-b 300 --tflops-per-gpu 140 --heuristics nemo
expect_ok "nemo days sentence" "You can train a 8B parameter model in 4.34 days using 1024 GPUs." \
    recommend --gpus 1024 --model-size-b 8 --tokens-b 840 --heuristics nemo
json_key "recommend json keys" '.model_size_b == 4.03 and .days == 5 and .gpus == 160 and .tokens_b == 300 and .tflops_per_gpu == 140 and (.trainplan.model_size_b > 0)' \
    recommend --gpus 160 --days 5 --tokens-b 300 --json
json_key "estimate json keys" '.params == 8030261248 and .active_params == 8030261248 and .flops_per_token > 0' \
    estimate --model llama3-8b --json
json_key "estimate mixtral active" '(.active_params / 1e9 * 10 | round) == 129' estimate --model mixtral-8x7b --json
json_key "estimate hf-config" '.params == 124439808' estimate --hf-config "$HERE/../data/hf/gpt2.json" --json
json_key "generate json" '.name == "gpt3_5.0b" and .max_steps == 71525 and .gbs == 2048 and .tp == 2' \
    generate --model-size-b 5.0 --model-family gpt3 --nodes 20 --days 6 --tokens-b 300 --json
json_key "estimate contract keys" '[.tp, .pp, .cp, .ep, .dp, .mbs, .gbs] == [8, 2, 1, 1, 4, 1, 256] and .vp == null and .recompute == "selective"
    and (.memory_gib | keys) == ["activations", "gradients", "optimizer", "other", "total", "weights"]
    and (.memory_gib.total - (.memory_gib.weights + .memory_gib.gradients + .memory_gib.optimizer + .memory_gib.activations + .memory_gib.other) | fabs) < 1e-6
    and (.fits | type) == "boolean" and .step_time_s > 0 and .tokens_per_s_per_gpu > 0 and .model_tflops_per_gpu > 0 and .mfu > 0 and .mfu < 1' \
    estimate --model llama3-70b --gpu h100-sxm --nodes 8 --tp 8 --pp 2 --gbs 256 --json
json_key "estimate vp and fp8" '.vp == 5 and .precision == "fp8" and .memory_detail_gib.fp8_weight_copies > 0' \
    estimate --model llama3-70b --gpu h100 --nodes 8 --tp 8 --pp 4 --vp 5 --gbs 128 --precision fp8 --json
json_key "estimate does not fit" '.fits == false and .memory_gib.total > .usable_gib' estimate --model llama3-70b --gpu a100-40gb --gbs 8 --json
json_key "estimate vendor gpu alias" '.gpu == "a100-80gb-pcie"' estimate --model llama3-8b --gpu NVIDIA-A100-80GB-PCIe --json
expect_ok "estimate text breakdown" "activations" estimate --model llama3-8b --gbs 64
out_dir="$(mktemp -d)"
"$TP" generate --model-size-b 5 --nodes 20 --days 6 --output-dir "$out_dir" >/dev/null 2>&1
grep -q "name: gpt3_5b" "$out_dir/base_cfg_5b.yaml"; check "generate writes base_cfg_5b.yaml" $?
rm -rf "$out_dir"

expect_fail "zero gpus" "--gpus" recommend --gpus 0 --days 5
expect_fail "negative days" "--days must be a positive number" recommend --gpus 8 --days -2
expect_fail "zero tokens" "--tokens-b must be a positive number" recommend --gpus 8 --days 2 --tokens-b 0
expect_fail "unknown preset" "unknown preset 'llama9'" estimate --model llama9 --json
expect_fail "missing config file" "/nonexistent/config.json: cannot open file" estimate --hf-config /nonexistent/config.json
expect_fail "malformed config" "bad_syntax.json: invalid JSON at line 3" estimate --hf-config "$HERE/../data/hf/bad_syntax.json"
expect_fail "unsupported config" "multi-head latent attention" estimate --hf-config "$HERE/../data/hf/deepseek_v3.json"
expect_fail "tp does not divide heads" "--tp 3: attention heads 32 are not divisible by TP" estimate --model llama3-8b --tp 3 --gpus-per-node 6 --gbs 12
expect_fail "gbs rule" "--gbs 12: global batch is not divisible by MBS x DP = 1 x 8" estimate --model llama3-8b --gbs 12
expect_fail "ep larger than experts" "EP is larger than the 8 experts" estimate --model mixtral-8x7b --nodes 2 --ep 16 --gbs 16
expect_fail "cp does not divide seq" "--cp 2: sequence 4098 is not divisible by 2 x CP" estimate --model llama3-8b --cp 2 --seq 4098 --gbs 4
expect_fail "bad recompute" "--recompute: 'some' is not one of none, selective, full" estimate --model llama3-8b --recompute some
expect_fail "fp8 on a100" "no FP8 tensor cores" estimate --model llama3-8b --gpu a100-80gb --precision fp8 --gbs 8
expect_fail "accuracy data missing" "cannot open file" accuracy --data /nonexistent
expect_fail "size outside tables" "must be smaller than 1105B" generate --model-size-b 5000
expect_fail "bad size text" "--model-size-b: 'five' is not a number" generate --model-size-b five
expect_fail "unknown gpu" "unknown GPU 'h900'" recommend --gpus 8 --days 1 --gpu h900
expect_fail "unknown flag" "--frobnicate" recommend --frobnicate
expect_fail "no subcommand" "A subcommand is required"
expect_fail "text where a number goes" "--gpus" recommend --gpus many --days 1

# grid: ranked candidates and the rejected ones with their reason.
json_key "grid json" '(.candidates | length) == 3 and .candidates[0].rank == 1 and .candidates[2].rank == 3 and (.candidates[0] | has("tokens_per_s_per_gpu") and has("memory_gib") and has("fits")) and (.rejected | length) > 0 and (.rejected[0].reason | length) > 0' \
    grid --model llama3-8b --nodes 1 --seq 8192 --top 3 --json
json_key "grid fixed lists" '[.candidates[] | .tp] | unique == [2, 4]' grid --model llama3-8b --nodes 1 --tp 2,4 --pp 1 --mbs 1 --top 0 --json
expect_ok "grid text" "rank  TP  PP" grid --model llama3-70b --nodes 8 --seq 8192
expect_fail "grid bad tp list" "--tp: '3x' is not a positive integer" grid --model llama3-8b --tp 1,3x
expect_fail "grid bad recompute" "--recompute: 'selective:2'" grid --model llama3-8b --recompute selective:2
expect_fail "grid no model" "give a model" grid --nodes 2
# grid --heuristics nemo: NeMo 2.0's printed lines for test_generate_configs.py's llama3_70b case.
nemo_out="$("$TP" grid --heuristics nemo --model llama3-70b --model-size-b 70 --nodes 128 --seq 8192 --gbs 2048 --mbs 1 --cp 1,2,4 --ep 1 --min-model-parallel 16 --max-model-parallel 64)"
nemo_want="$(jq -r '.cases[0].stdout_lines[]' "$SHARED_DATA/nemo/nemo2_generate_configs_cases.json")"
[ "$nemo_out" = "$nemo_want" ]; check "grid --heuristics nemo prints NeMo's lines (got: $nemo_out)" $?
json_key "grid nemo json with trainplan's verdict" '(.candidates | length) == 3 and .candidates[0].name == "llama_70b_128nodes_tp_4_pp_1_cp_4_ep_1_mbs_1_vp_None" and (.candidates[0].trainplan | has("fits"))' \
    grid --heuristics nemo --model llama3-70b --model-size-b 70 --nodes 128 --seq 8192 --gbs 2048 --mbs 1 --cp 1,2,4 --ep 1 --min-model-parallel 16 --max-model-parallel 64 --json
# generate: a NeMo launcher search config (with Hydra overrides) in, the files users launch out.
SC="$HERE/../data/search_config"
gen="$(mktemp -d)"
"$TP" generate --search-config "$SC/gpt3/5b.yaml" train_settings.num_nodes=4 --top 6 --output-dir "$gen/tp" >/dev/null 2>&1
check "generate writes 6 candidate configs" $([ "$(ls "$gen/tp/candidate_configs" | wc -l)" -eq 6 ]; echo $?)
jq -e '.format == "trainplan-session" and .inputs.cluster.nodes == 4 and (.plan.candidates | length) == 6 and .plan.candidates[0].rank == 1
    and ([.plan.candidates[] | .fits] | all) and (.plan.candidates[0].commands | keys) == ["megatron_lm", "nemo2", "torchtitan"]' \
    "$gen/tp/session.json" >/dev/null; check "generate session manifest" $?
first="$(jq -r '.plan.candidates[0].name' "$gen/tp/session.json")"; first_tp="$(jq -r '.plan.candidates[0].tp' "$gen/tp/session.json")"
grep -q "^  tensor_model_parallel_size: $first_tp$" "$gen/tp/candidate_configs/$first.yaml"; check "candidate YAML carries the candidate's TP" $?
grep -q "^  num_nodes: 4$" "$gen/tp/candidate_configs/$first.yaml"; check "candidate YAML carries the override" $?
for fw in nemo2 megatron_lm torchtitan; do grep -qF "$first" "$gen/tp/launch/$fw.sh"; check "launch/$fw.sh lists $first" $?; done
# The manifest is a session: planning from it again gives the same candidates.
"$TP" generate --session "$gen/tp/session.json" --json 2>/dev/null | jq -c '[.plan.candidates[] | .name]' >"$gen/again"
jq -c '[.plan.candidates[] | .name]' "$gen/tp/session.json" | cmp -s - "$gen/again"; check "generate --session reproduces the plan" $?
json_key "grid --session" '(.candidates | length) == 6' grid --session "$gen/tp/session.json" --json
# --heuristics nemo: the launcher's grid, one file per printed line.
"$TP" generate --search-config "$SC/gpt3/5b.yaml" --heuristics nemo --output-dir "$gen/nemo" >"$gen/nemo.out" 2>/dev/null
valid="$(grep -c '^Valid config: GBS=2048, MBS=' "$gen/nemo.out")"
check "nemo mode: one file per Valid config line ($valid)" $([ "$valid" -gt 0 ] && [ "$(ls "$gen/nemo/candidate_configs" | wc -l)" -eq "$valid" ]; echo $?)
grep -qx "All candidate configurations created correctly." "$gen/nemo.out"; check "nemo mode closing line" $?
ls "$gen/nemo/candidate_configs" | grep -q '^gpt3_5b_16nodes_tp_1_pp_1_cp_1_ep_1_mbs_1_act_ckpt_None_num_mbs_act_None_act_per_pipe_None.yaml$'
check "nemo mode file names" $?
# custom_config: the launcher's base config file, found through auto_configurator_path.
json_key "generate custom_config" '.plan.base_config.gbs == 2048 and .inputs.model.layers == 32 and .inputs.model.kv_heads == 8' \
    generate --search-config "$SC/llama/llama3_8b.yaml" "auto_configurator_path=$SC" --json
json_key "generate from a model preset" '(.plan.candidates | length) == 3 and .inputs.model.preset == "mixtral-8x7b"' \
    generate --model mixtral-8x7b --nodes 4 --seq 4096 --top 3 --json
rm -rf "$gen"
expect_fail "override unknown key" "override 1 'train_settings.num_nodez=4': train_settings.num_nodez: unknown key" \
    generate --search-config "$SC/gpt3/5b.yaml" train_settings.num_nodez=4 --json
expect_fail "override bad value" "override 1 'train_settings.num_nodes=x': train_settings.num_nodes: expected an integer" \
    generate --search-config "$SC/gpt3/5b.yaml" train_settings.num_nodes=x --json
expect_fail "custom_config needs the launcher path" "train_settings.custom_config: \${auto_configurator_path}/base_configs/llama3_8b.yaml needs auto_configurator_path" \
    generate --search-config "$SC/llama/llama3_8b.yaml" --json
expect_fail "missing search config" "/nonexistent.yaml: cannot open file" generate --search-config /nonexistent.yaml --json
expect_fail "override without search config" "key=value overrides need --search-config" generate --model llama3-8b a.b=1 --json
expect_fail "generate needs an input" "give what to plan" generate --json
expect_fail "bad session field" "inputs.cluster.nodes: expected an integer" grid --session <(echo '{"format": "trainplan-session", "schema_version": 1, "inputs": {"model": {"preset": "llama3-8b"}, "cluster": {"nodes": "two"}}}') --json
expect_fail "session and flags" "--session replaces --nodes" grid --session "$HERE/../data/session/llama3_70b_fp8.json" --nodes 2
# parse-log: design.md's JSON for one log (an array with "file" for several); a missing or binary file is
# an error naming it; a log without steps is not.
LOGS="$SHARED_DATA/logs"; MLM="$LOGS/megatron_lm_01_mixtral8x7b_16xH100_issue756.txt"
json_key "parse-log contract" '.framework == "megatron_lm" and (.steps | length) == 3 and .steps[0] == {"step": 43, "step_time_s": 5.4449, "tflops_per_gpu": 239.8, "tokens_per_s_per_gpu": null, "loss": 1.825991}
    and (.summary | has("step_time_s") and has("tflops_per_gpu")) and .summary.tflops_per_gpu == 232.2 and .failure.kind == "none"' parse-log --json "$MLM"
json_key "parse-log evidence" '.failure.kind == "oom" and .failure.line == 5 and (.failure.evidence | startswith("[rank1]: torch.cuda.OutOfMemoryError: CUDA out of memory."))' \
    parse-log --json "$LOGS/cuda_oom_01_axolotl_70b_4x3090_issue1717.txt"
"$TP" parse-log --json "$MLM" "$LOGS/slurm_01_job_and_step_cancelled_time_limit_zetta671.txt" 2>/dev/null | jq -e --arg f "$MLM" 'length == 2 and .[0].file == $f and .[1].failure.kind == "time_limit"' >/dev/null
check "parse-log several files" $?
json_key "parse-log --warmup 0" '.summary.warmup_steps_dropped == 0 and .summary.steps_averaged == 3' parse-log --json --warmup 0 "$MLM"
json_key "parse-log --gpus derives tokens/s/GPU" '(.steps[0].tokens_per_s_per_gpu * 1000 | round) == 482048' parse-log --json --gpus 8 "$LOGS/megatron_deepspeed_01_gradnorm_nan_bigscience_issue396.txt"
json_key "parse-log without steps" '.framework == "unknown" and .steps == [] and .summary.step_time_s == null and .failure.kind == "none"' parse-log --json <(printf 'hello\n')
expect_ok "parse-log text" "megatron_lm, 3 steps (43 to 45)" parse-log "$MLM"
json_key "parse-log --session" '.steps[0].tokens_per_s_per_gpu > 0' parse-log --json --session "$HERE/../data/session/llama3_70b_fp8.json" "$LOGS/megatron_deepspeed_01_gradnorm_nan_bigscience_issue396.txt"
expect_fail "parse-log session and flags" "--session replaces --gpus" parse-log --json --session "$HERE/../data/session/llama3_70b_fp8.json" --gpus 8 "$MLM"
expect_fail "parse-log missing file" "/nonexistent.log: cannot open file" parse-log --json /nonexistent.log
expect_fail "parse-log binary file" "not a text log: binary data" parse-log --json "$TP"
expect_fail "parse-log bad warmup" "--warmup -1: must be 0 or more" parse-log --json --warmup -1 "$MLM"
expect_fail "parse-log needs a file" "files is required" parse-log --json
# finetune-gpus (issue 7): ado's min_gpu_recommender keys, benchmark names, close matches, can_recommend 0 with a reason.
json_key "finetune-gpus contract" '.can_recommend == 1 and .gpus == 1 and .workers == 1 and (.reason | type) == "string"
    and (.memory_gib | has("weights") and has("gradients") and has("optimizer") and has("activations") and has("logits") and has("other") and has("total"))
    and .memory_gib.total <= .memory_gib.usable' \
    finetune-gpus --model llama-7b --method lora --gpu NVIDIA-A100-SXM4-80GB --tokens-per-sample 2048 --batch-size 8 --json
json_key "finetune-gpus benchmark names" '.can_recommend == 1 and .model == "mixtral-8x7b" and .method == "qlora"' \
    finetune-gpus --model mixtral-8x7b-instruct-v0.1 --method gptq-lora --gpu NVIDIA-A100-SXM4-80GB --tokens-per-sample 512 --batch-size 8 --json
json_key "finetune-gpus workers" '.can_recommend == 1 and .workers == 2 and .gpus == 8' \
    finetune-gpus --model llama3.1-70b --method full --gpu NVIDIA-A100-SXM4-80GB --tokens-per-sample 4096 --batch-size 64 --max-gpus 16 --json
json_key "finetune-gpus cannot recommend" '.can_recommend == 0 and .gpus == null and (.reason | test("does not fit within 8 GPUs"))' \
    finetune-gpus --model llama3.1-405b --method full --gpu L40S --tokens-per-sample 4096 --batch-size 8 --json
json_key "finetune-gpus model not described" '.can_recommend == 0 and (.reason | test("decoder-only"))' \
    finetune-gpus --model t5-3b --method full --gpu L40S --tokens-per-sample 512 --batch-size 8 --json
expect_fail "finetune-gpus unknown model" "close matches: llama3-8b" finetune-gpus --model lama3-8b --method lora --gpu L40S --tokens-per-sample 512 --batch-size 8 --json
expect_fail "finetune-gpus unknown gpu" "--gpu: unknown GPU 'A100-SXM4-80G'" finetune-gpus --model llama3-8b --method lora --gpu A100-SXM4-80G --tokens-per-sample 512 --batch-size 8 --json
expect_fail "finetune-gpus bad method" "--method: 'prefix' is not one of full, lora, qlora" finetune-gpus --model llama3-8b --method prefix --gpu L40S --tokens-per-sample 512 --batch-size 8
expect_fail "finetune-gpus bad batch" "--batch-size: must be at least 1" finetune-gpus --model llama3-8b --method lora --gpu L40S --tokens-per-sample 512 --batch-size 0
expect_ok "finetune-gpus text" "worker(s) x" finetune-gpus --model granite-3.1-8b-instruct --method full --gpu NVIDIA-A100-80GB-PCIe --tokens-per-sample 1024 --batch-size 16
FT_SESSION="$(mktemp)"; trap 'rm -f "$ERR" "$FT_SESSION"' EXIT
echo '{"format": "trainplan-session", "schema_version": 1, "inputs": {"model": {"preset": "llama3.1-8b"}, "finetune": {"method": "gptq-lora", "gpu": "L40S", "tokens_per_sample": 4096, "batch_size": 16}}}' > "$FT_SESSION"
json_key "finetune-gpus --session" '.can_recommend == 1 and .method == "qlora" and .gpu == "l40s" and .model == "llama3.1-8b"' finetune-gpus --session "$FT_SESSION" --json
expect_fail "finetune-gpus session and flags" "--session replaces --method" finetune-gpus --session "$FT_SESSION" --method full --json
expect_fail "finetune-gpus needs method" "--method is required (or give --session)" finetune-gpus --model llama3-8b --gpu L40S --tokens-per-sample 512 --batch-size 8
# sweep (issue 7): ado's 3,960-point example to CSV; a bad space file names the file, line and key.
"$TP" sweep "$HERE/../../examples/ado_sweep/space.yaml" 2>/dev/null | awk -F, 'NR == 1 { ok = ($1 == "model_name" && $7 == "can_recommend" && $8 == "gpus" && $9 == "workers") } END { exit !(ok && NR == 3961) }'
check "sweep ado example csv" $?
expect_fail "sweep bad values" "values_not_list.yaml:4: entitySpace[0].propertyDomain.values: expected a list" sweep "$HERE/../../fuzz/corpus/ado_space/values_not_list.yaml"
expect_fail "sweep missing file" "/nonexistent.yaml: cannot open file" sweep /nonexistent.yaml
expect_fail "sweep bad lora rank" "--lora-rank: must be at least 1" sweep "$HERE/../../examples/ado_sweep/space.yaml" --lora-rank 0
echo "cli_contract: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
