// hardware.hpp — GPU catalog: memory and dense peak throughput per precision.
//
// Peaks are the vendors' dense (no sparsity) tensor-core figures from their datasheets:
// NVIDIA A100 datasheet (312 TFLOP/s BF16), H100 datasheet (SXM 989.5 / PCIe 756 BF16, 2x for FP8),
// H200 datasheet (same compute as H100 SXM), B200 (HGX B200: 2.25 PFLOP/s BF16 dense per GPU),
// L40S datasheet (362 BF16 dense, 733 FP8), AMD MI300X datasheet (1307.4 BF16, 2614.9 FP8).
// memory_gib is what software reports as total device memory
// (../shared/data/ground_truth/gpu_reported_capacity.csv where listed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace tp {

enum class Precision { bf16, fp8 };

struct GpuSpec {
    std::string name;             // lower-case with dashes: "h100-sxm", "a100-80gb"
    std::vector<std::string> aliases;  // vendor strings, e.g. "NVIDIA-A100-SXM4-80GB"
    double memory_gib = 0;        // reported total device memory (GiB)
    int nominal_memory_gb = 0;    // marketing size, used by NeMo's 40/80 GB tables
    double peak_tflops_bf16 = 0;  // dense, TFLOP/s
    double peak_tflops_fp8 = 0;   // dense, TFLOP/s; 0 where the GPU has no FP8 tensor cores
    int gpus_per_node = 8;
};

const std::vector<GpuSpec>& gpu_catalog();
Result<GpuSpec> gpu_find(std::string_view name);
std::string gpu_names();
Result<Precision> precision_parse(std::string_view text);
const char* precision_name(Precision p);
double gpu_peak_tflops(const GpuSpec& gpu, Precision p);

}  // namespace tp
