// inference.hpp — the inference grid: which TP, PP and batch size give the lowest latency or the highest
// throughput per GPU for given input and output lengths, and which of them fit in memory.
//
// The successor of the NeMo launcher's inference HP search (auto_configurator/autoconfig/inference_sweep.py
// and inference_summary.py), which swept TP x PP x batch size through FasterTransformer for GPT-3 only and
// reported "TP, PP, BS, Latency [ms], Throughput per GPU [samples/sec/gpu]". trainplan predicts every point
// before anything runs, for any model it can describe, and keeps NeMo's filter and CSV as a mode.
//
// [SECTION] Request: model, GPU, lengths, the TP/PP/batch lists, weight and KV-cache formats.
// [SECTION] Memory: weights, KV cache, activations, other; bytes per GPU on the most loaded stage.
// [SECTION] Latency: prefill (first token), decode steps, tensor-parallel all-reduces, pipeline micro-batches.
// [SECTION] Grid: every point with its memory, latency and throughput; rejected points with the reason.
// [SECTION] NeMo: the launcher's filter, node count and final_output.csv.
//
// The latency model is the roofline of Pope et al. 2022 ("Efficiently Scaling Transformer Inference",
// arXiv:2211.05102, Sec. 2-3): a forward pass takes the longer of its matrix FLOPs at the GPU's achieved
// tensor-core rate and its bytes (weights, KV cache) at the achieved memory bandwidth, so prefill is
// compute-bound and decode memory-bound; tensor parallelism adds two all-reduces of the activations per
// layer (Megatron-LM's layer, Shoeybi et al. 2019, Sec. 3), pipeline parallelism runs the batch as micro-batches
// through its stages (GPipe's fill and drain, FasterTransformer's micro-batch rule) with a hop per stage
// boundary, and every layer has a fixed cost of launching its kernels. Its four efficiencies are fitted
// on FasterTransformer's published GPT-20B table and checked on its other tables (docs/accuracy.md,
// "Inference"; tests/test_inference.cpp).
//
// Units: bytes and seconds inside; GiB (2^30 bytes) and milliseconds only where a name says _gib or _ms.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hardware.hpp"
#include "model.hpp"
#include "result.hpp"

namespace tp {

// [SECTION] Request
// Weight storage: 16-bit (bf16/fp16), FP8 (FP8 GEMMs, Hopper and later), or weight-only INT8/INT4
// (dequantised into 16-bit GEMMs; INT4 carries one 16-bit scale per group of 128 weights, AWQ/GPTQ layout).
enum class WeightFormat { bf16, fp8, int8, int4 };
enum class KvFormat { bf16, fp8 };  // KV-cache element: 2 bytes or 1 byte

struct InferenceRequest {
    ModelSpec model;
    GpuSpec gpu;
    int gpus_per_node = 8;
    int input_len = 60;    // prompt tokens per sequence (NeMo's benchmark.input_len)
    int output_len = 20;   // generated tokens per sequence, the first one from the prefill
    std::vector<int> tp = {1, 2, 4};
    std::vector<int> pp = {1, 2};
    std::vector<int> batch_sizes = {4, 8, 16, 32, 64, 128, 256};
    WeightFormat weights = WeightFormat::bf16;
    KvFormat kv_cache = KvFormat::bf16;
    bool nemo_filter = false;     // apply the launcher's filter_configuration (heads % TP, layers % PP,
                                  // PP > 1 only when TP fills a node)
    double max_latency_ms = 0;    // the latency bound for the best-throughput pick; 0 = none
    double margin = 0.02;         // share of the GPU's memory kept free
};

// The inference inputs a session (and so a share link) carries; the model is the session's. Written only
// when they differ from these defaults.
struct InferenceInputs {
    std::string gpu = "h100-sxm";
    int gpus_per_node = 8;
    int input_len = 60;
    int output_len = 20;
    std::vector<int> tp = {1, 2, 4};
    std::vector<int> pp = {1, 2};
    std::vector<int> batch_sizes = {4, 8, 16, 32, 64, 128, 256};
    std::string weights = "bf16";   // bf16 | fp8 | int8 | int4
    std::string kv_cache = "bf16";  // bf16 | fp8
    bool nemo_filter = false;
    double max_latency_ms = 0;
    bool operator==(const InferenceInputs&) const = default;
};
Result<InferenceRequest> inference_request_from_inputs(const ModelSpec& model, const InferenceInputs& in);

// Checks sizes and formats; the message names the flag ("--input-len must be at least 1").
std::string inference_validate(const InferenceRequest& r);

// Fitted by `trainplan accuracy --inference --fit` (core/inference_accuracy.cpp): the four latency constants on
// FasterTransformer's GPT-20B table (TP 1-8, 174 measured points, A100-80GB), the two memory constants on its
// GPT-6.7B/1.3B/350M memory columns; tests/test_inference.cpp refits them and checks these are the optimum.
struct InferenceCalibration {
    double gemm_efficiency = 0.533;      // fraction of dense 16-bit (or FP8) peak reached by inference GEMMs
    double hbm_efficiency = 0.891;       // fraction of HBM bandwidth reached reading weights and KV cache
    double layer_overhead_us = 98.0;     // kernel launches and small kernels per layer per forward pass (us)
    double allreduce_latency_us = 48.1;  // fixed cost of one NCCL all-reduce (us), on top of its bytes
    double p2p_latency_us = 30;          // fixed cost of one pipeline hop (us); not fitted (PP rows are few)
    double collective_efficiency = 0.75; // achieved fraction of link bandwidth (the training model's value)
    double other_gib = 2.92;             // CUDA context, cuBLAS and NCCL workspaces, engine buffers (GiB)
    double activation_rows = 25.85;      // h-wide 16-bit buffers per prompt token live during the prefill
};
const InferenceCalibration& default_inference_calibration();

// [SECTION] Memory (bytes per GPU, on the most loaded pipeline stage)
struct InferenceMemory {
    double weights = 0;      // the stage's layers / TP, plus the embedding (and untied output head)
    double kv_cache = 0;     // keys and values for batch x (input + output) tokens, GQA-aware
    double activations = 0;  // the prefill's largest live buffers (one layer at a time) and the logits
    double other = 0;        // CUDA context and workspaces
    double total = 0;
    double capacity = 0;     // the GPU's reported memory
    double usable = 0;       // capacity x (1 - margin)
    bool fits() const { return total <= usable; }
};
InferenceMemory inference_memory(const InferenceRequest& r, int tp, int pp, int batch,
                                 const InferenceCalibration& k = default_inference_calibration());

// [SECTION] Latency (seconds)
struct InferenceLatency {
    double first_token = 0;  // prefill of the batch's prompts, which yields the first output token
    double per_token = 0;    // mean decode step (one token for every sequence of the batch)
    double total = 0;        // first_token + (output_len - 1) decode steps: the batch's generation time
    // parts of total
    double compute_bound = 0;  // layer time spent where FLOPs bound it
    double memory_bound = 0;   // where bytes bound it
    double tp_comm = 0;        // all-reduces
    double pp_comm = 0;        // stage-to-stage hops
    double overhead = 0;       // per-layer fixed costs
};
InferenceLatency inference_latency(const InferenceRequest& r, int tp, int pp, int batch,
                                   const InferenceCalibration& k = default_inference_calibration());

// Sequences per pipeline micro-batch for a pass of `tokens` new tokens each: FasterTransformer's getLocalBatchSize
// (PP micro-batches when PP divides the batch, halved while a micro-batch holds over 1,024 tokens); the batch when
// PP = 1.
int inference_micro_batch(int batch, double tokens, int pp);

// [SECTION] Grid
struct InferencePoint {
    int tp = 1, pp = 1, batch = 1;
    int nodes = 1;          // servers the point needs
    InferenceMemory memory;
    bool fits = false;
    InferenceLatency latency;
    double samples_per_s_per_gpu = 0;  // batch / total latency / (TP x PP), NeMo's "Throughput per GPU"
    double tokens_per_s_per_gpu = 0;   // generated tokens: samples_per_s_per_gpu x output_len
};
struct InferenceRejected {
    int tp = 1, pp = 1, batch = 1;
    std::string reason;
};
struct InferencePlan {
    std::vector<InferencePoint> points;       // TP, PP, batch order (NeMo's itertools.product order)
    std::vector<InferenceRejected> rejected;  // invalid TP/PP for this model and cluster
    std::optional<size_t> best_throughput;    // fitting point with the highest samples/s/GPU within the bound
    std::optional<size_t> lowest_latency;     // fitting point with the lowest total latency
};
InferencePlan inference_plan(const InferenceRequest& r, const InferenceCalibration& k = default_inference_calibration());

// Why TP x PP cannot serve this model on this cluster, or an empty string. trainplan's own rules: heads and
// KV heads split evenly over TP (or KV heads replicated when TP exceeds them), PP at most the layer count, TP
// within one node or whole nodes. With nemo_filter, the launcher's rules instead.
std::string inference_invalid_reason(const InferenceRequest& r, int tp, int pp);

// [SECTION] NeMo
// inference_sweep.py nodes_necessary: TP beyond a node must be whole nodes; nodes = PP x TP / gpus_per_node.
int inference_nodes(int gpus_per_node, int tp, int pp);
// final_output.csv as inference_summary.py writes it (Python csv.writer: CRLF line ends), one row per point
// in the plan's order; latency to 2 decimals; throughput rounded to 3 decimals as the script rounds it.
// `measured_ms`, when given for a row (same order as plan.points, NaN = not measured), replaces the prediction.
std::string inference_nemo_csv(const InferencePlan& plan, const std::vector<double>& measured_ms = {});

// [SECTION] Names
Result<WeightFormat> weight_format_parse(std::string_view text);  // bf16 | fp16 | fp8 | int8 | int4
const char* weight_format_name(WeightFormat f);
Result<KvFormat> kv_format_parse(std::string_view text);  // bf16 | fp16 | fp8
const char* kv_format_name(KvFormat f);
// "1,2,4" -> {1, 2, 4}; every entry a positive integer, else an error naming `flag`.
Result<std::vector<int>> int_list_parse(std::string_view text, std::string_view flag);

}  // namespace tp
