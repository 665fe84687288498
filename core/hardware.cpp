#include "hardware.hpp"

#include <algorithm>
#include <cctype>

namespace tp {

const std::vector<GpuSpec>& gpu_catalog() {
    static const std::vector<GpuSpec> gpus = {
        {"a100-40gb", {"NVIDIA-A100-SXM4-40GB", "a100-sxm4-40gb"}, 39.39, 40, 312, 0, 8},
        {"a100-80gb", {"NVIDIA-A100-SXM4-80GB", "a100-sxm4-80gb", "a100", "a100-sxm"}, 79.15, 80, 312, 0, 8},
        {"a100-80gb-pcie", {"NVIDIA-A100-80GB-PCIe", "a100-pcie"}, 79.15, 80, 312, 0, 8},
        {"h100-sxm", {"NVIDIA-H100-80GB-HBM3", "NVIDIA-H100-SXM5-80GB", "h100", "h100-sxm5"}, 79.65, 80, 989.5, 1979, 8},
        {"h100-pcie", {"NVIDIA-H100-PCIe"}, 79.11, 80, 756, 1513, 8},
        {"h100-nvl", {"NVIDIA-H100-NVL"}, 93.09, 94, 835, 1671, 8},
        {"h200", {"NVIDIA-H200", "h200-sxm"}, 139.8, 141, 989.5, 1979, 8},
        {"b200", {"NVIDIA-B200"}, 178.4, 180, 2250, 4500, 8},
        {"l40s", {"L40S", "NVIDIA-L40S"}, 44.39, 48, 362, 733, 8},
        {"mi300x", {"AMD-Instinct-MI300X"}, 191.98, 192, 1307.4, 2614.9, 8},
    };
    return gpus;
}

namespace {
std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}
}  // namespace

Result<GpuSpec> gpu_find(std::string_view name) {
    const std::string key = lower(name);
    for (const GpuSpec& g : gpu_catalog()) {
        if (g.name == key) return g;
        for (const std::string& a : g.aliases)
            if (lower(a) == key) return g;
    }
    return make_error(ErrorKind::unknown_name, "--gpu: unknown GPU '" + std::string(name) + "'; known: " + gpu_names());
}

std::string gpu_names() {
    std::string out;
    for (const GpuSpec& g : gpu_catalog()) out += (out.empty() ? "" : ", ") + g.name;
    return out;
}

Result<Precision> precision_parse(std::string_view text) {
    if (text == "bf16") return Precision::bf16;
    if (text == "fp8") return Precision::fp8;
    return make_error(ErrorKind::invalid_argument, "--precision: '" + std::string(text) + "' is not one of bf16, fp8");
}

const char* precision_name(Precision p) { return p == Precision::fp8 ? "fp8" : "bf16"; }

double gpu_peak_tflops(const GpuSpec& gpu, Precision p) {
    return p == Precision::fp8 ? gpu.peak_tflops_fp8 : gpu.peak_tflops_bf16;
}

}  // namespace tp
