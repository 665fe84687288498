// hardware.hpp — GPU catalog: reported memory, dense peak throughput per precision, memory and
// interconnect bandwidth, node shape.
//
// Units: memory in GiB (2^30 bytes) as software reports it; TFLOP/s dense (no 2:4 sparsity);
// bandwidths in GB/s (10^9 bytes/s) per direction. Every figure's source is in hardware.cpp next
// to the entry; docs/hardware.md has the table.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace tp {

enum class Precision { bf16, fp8 };

struct GpuSpec {
    std::string name;                  // lower-case with dashes: "h100-sxm", "a100-80gb"
    std::vector<std::string> aliases;  // vendor strings, e.g. "NVIDIA-A100-SXM4-80GB"
    double memory_gib = 0;             // total device memory as PyTorch/nvidia-smi report it (GiB)
    int nominal_memory_gb = 0;         // marketing size, used by NeMo's 40/80 GB tables
    double peak_tflops_bf16 = 0;       // dense tensor-core TFLOP/s
    double peak_tflops_fp8 = 0;        // dense TFLOP/s; 0 where the GPU has no FP8 tensor cores
    double hbm_gbps = 0;               // device memory bandwidth, GB/s
    double link_gbps = 0;              // intra-node GPU-to-GPU bandwidth per GPU per direction, GB/s
    double node_network_gbps = 0;      // inter-node bandwidth per node per direction, GB/s
    int gpus_per_node = 8;             // GPUs in one server (GB200/GB300: one compute tray)
    int nvlink_domain = 0;             // GPUs reachable at link_gbps; 0 = gpus_per_node (NVL72: 72)
    int fast_domain() const { return nvlink_domain > 0 ? nvlink_domain : gpus_per_node; }
    std::string notes;                 // sources and caveats, shown by `trainplan gpus`
};

const std::vector<GpuSpec>& gpu_catalog();
Result<GpuSpec> gpu_find(std::string_view name);
std::string gpu_names();
Result<Precision> precision_parse(std::string_view text);
const char* precision_name(Precision p);
double gpu_peak_tflops(const GpuSpec& gpu, Precision p);

}  // namespace tp
