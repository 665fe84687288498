#include "hardware.hpp"

#include <algorithm>
#include <cctype>

namespace tp {

// Sources (vendor datasheets unless stated; dense = half the "with sparsity" figure):
//  A100: NVIDIA A100 datasheet — 312 TFLOP/s BF16, HBM2 1,555 GB/s (40GB) / HBM2e 2,039 GB/s
//        (80GB SXM) / 1,935 GB/s (80GB PCIe); NVLink 3 600 GB/s bidirectional (300 per direction);
//        PCIe Gen4 x16 32 GB/s per direction. DGX A100: 8x 200 Gb/s HDR = 200 GB/s per node.
//  H100: H100 datasheet — SXM 989.5 BF16 / 1,979 FP8, HBM3 3,350 GB/s; PCIe 756 / 1,513,
//        HBM2e 2,000 GB/s, PCIe Gen5 64 GB/s; NVL 835 / 1,671 (datasheet 1,671 / 3,341 sparse),
//        94 GB HBM3 3,900 GB/s. NVLink 4 900 GB/s bidirectional (450 per direction).
//        DGX H100: 8x 400 Gb/s = 400 GB/s per node.
//  H100 96GB: Meta Grand Teton H100 with HBM2e (96 GB, 500 W) used by torchtitan's benchmarks;
//        95.0 GiB reported (gpu_reported_capacity.csv). "Non-standard ... HBM2e and limited to a lower
//        TDP. The actual peak TFLOPs should be between SXM and NVL" (TorchTitan, arXiv:2410.06511):
//        trainplan takes the midpoint, 912 BF16 / 1,824 FP8; HBM2e like the H100 PCIe's but six stacks
//        (96 GB): 6 x 410 GB/s = 2,460 GB/s (derived, not published).
//  H200: H200 datasheet — H100 SXM compute, 141 GB HBM3e 4,800 GB/s.
//  B200: DGX B200 datasheet — 72 PFLOP/s FP8 training per 8 GPUs (sparse) = 4.5 PFLOP/s dense
//        FP8, 2.25 BF16 per GPU; 180 GB HBM3e per GPU, 8 TB/s; NVLink 5 1.8 TB/s bidirectional.
//  GB200 NVL72: 360 PFLOP/s BF16 / 720 FP8 sparse per 72 GPUs -> 2.5 / 5.0 dense per GPU;
//        186 GB HBM3e, 8 TB/s; NVLink domain 72; compute tray of 4 GPUs, 4x 400 Gb/s per tray.
//  B300 / GB300: Blackwell Ultra keeps B200/GB200 dense BF16/FP8 rates; 288 GB HBM3e, 8 TB/s;
//        ConnectX-8 800 Gb/s per GPU.
//  L40S: L40S datasheet — 362 BF16 / 733 FP8 dense, 48 GB GDDR6 864 GB/s, PCIe Gen4 (no NVLink).
//  MI300X: AMD Instinct MI300X datasheet — 1,307.4 BF16 / 2,614.9 FP8 dense, 192 GB HBM3
//        5.3 TB/s, Infinity Fabric 7 x 64 GB/s = 448 GB/s per direction; 8x 400 Gb/s per node.
// Reported memory: H100 SXM 81,559 MiB (MLPerf system JSON, gpu_reported_capacity.csv); others from
// PyTorch's "total capacity" in OOM messages (A100 80GB 79.15 GiB, 40GB 39.39 GiB), nvidia-smi
// totals for the rest (H200 143,771 MiB, B200 183,359 MiB, H100 NVL 95,830 MiB, L40S 46,068 MiB
// less PyTorch's ~0.6 GiB reservation as seen for the A40 of the same 48 GB in the data file).
// Where no report was found (GB200, B300, GB300, MI300X) the nominal size less 3% is used and
// marked "estimated" in notes.
const std::vector<GpuSpec>& gpu_catalog() {
    static const std::vector<GpuSpec> gpus = {
        {"a100-40gb", {"NVIDIA-A100-SXM4-40GB", "a100-sxm4-40gb", "a100-sxm-40gb"},
         39.39, 40, 312, 0, 1555, 300, 200, 8, 0, "A100 SXM4 40GB (DGX A100)"},
        {"a100-40gb-pcie", {"NVIDIA-A100-PCIe-40GB", "a100-pcie-40gb"},
         39.39, 40, 312, 0, 1555, 32, 100, 8, 0, "PCIe Gen4 between GPUs"},
        {"a100-80gb", {"NVIDIA-A100-SXM4-80GB", "a100-sxm4-80gb", "a100", "a100-sxm", "a100_80gb"},
         79.15, 80, 312, 0, 2039, 300, 200, 8, 0, "A100 SXM4 80GB (DGX A100)"},
        {"a100-80gb-pcie", {"NVIDIA-A100-80GB-PCIe", "a100-pcie", "a100-pcie-80gb"},
         79.15, 80, 312, 0, 1935, 32, 100, 8, 0, "PCIe Gen4 between GPUs"},
        {"h100-sxm", {"NVIDIA-H100-80GB-HBM3", "NVIDIA-H100-SXM5-80GB", "H100-SXM5-80GB", "h100", "h100-sxm5", "h100_80gb"},
         81559.0 / 1024, 80, 989.5, 1979, 3350, 450, 400, 8, 0, "H100 SXM5 80GB (DGX H100); 81,559 MiB reported"},
        {"h100-sxm-96gb", {"h100-96gb", "h100-hbm2e-96gb"},
         95.0, 96, 912, 1824, 2460, 450, 400, 8, 0,
         "Grand Teton H100 96GB HBM2e at 500 W (torchtitan benchmarks); peak and bandwidth estimated"},
        {"h100-pcie", {"NVIDIA-H100-PCIe", "h100-pcie-80gb"},
         79.11, 80, 756, 1513, 2000, 64, 200, 8, 0, "PCIe Gen5 between GPUs (NVLink bridges pair GPUs only)"},
        {"h100-nvl", {"NVIDIA-H100-NVL"},
         93.59, 94, 835, 1671, 3900, 64, 200, 8, 0, "PCIe Gen5 between GPUs (NVLink bridges pair GPUs only)"},
        {"h200", {"NVIDIA-H200", "h200-sxm", "NVIDIA-H200-141GB-HBM3e"},
         140.4, 141, 989.5, 1979, 4800, 450, 400, 8, 0, "H200 SXM 141GB (DGX H200)"},
        {"b200", {"NVIDIA-B200", "dgx-b200"},
         179.06, 180, 2250, 4500, 8000, 900, 400, 8, 0, "B200 180GB (DGX B200)"},
        {"gb200", {"NVIDIA-GB200", "gb200-nvl72"},
         180.0, 186, 2500, 5000, 8000, 900, 200, 4, 72, "GB200 NVL72; memory estimated; node = compute tray of 4"},
        {"b300", {"NVIDIA-B300", "dgx-b300"},
         279.0, 288, 2250, 4500, 8000, 900, 800, 8, 0, "B300 288GB (HGX B300); memory estimated"},
        {"gb300", {"NVIDIA-GB300", "gb300-nvl72"},
         279.0, 288, 2500, 5000, 8000, 900, 400, 4, 72, "GB300 NVL72; memory estimated; node = compute tray of 4"},
        {"l40s", {"L40S", "NVIDIA-L40S"},
         44.39, 48, 362, 733, 864, 32, 100, 8, 0, "PCIe Gen4 between GPUs, no NVLink"},
        {"mi300x", {"AMD-Instinct-MI300X", "AMD-MI300X"},
         186.2, 192, 1307.4, 2614.9, 5300, 448, 400, 8, 0, "AMD Instinct MI300X; memory estimated"},
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
