// nemo_grid.cpp — NeMo's TP/PP/CP/EP/MBS tables and candidate loop (see nemo_grid.hpp).
//
// [SECTION] tables      one row per branch of upstream's if/elif chains
// [SECTION] grid space  _calculate_tp_pp_mbs_grid
// [SECTION] grid        generate_grid_search_configs + modify_cfg (NeMo 2.0)
// [SECTION] act ckpt    the launcher's _set_activations_checkpoint_params
// [SECTION] launcher    the launcher's generate_grid_search_configs + modify_cfg + launch order
#include "nemo_grid.hpp"

#include <array>

#include <algorithm>
#include <cmath>
#include <utility>

#include "text.hpp"

namespace tp {

namespace {

// ------------------------------------------------------------------------------------------------
// [SECTION] tables
// Rows are heuristics_tables.json's, which lists each if/elif branch by its inclusive upper bound
// on model_size_in_b (adjacent branches that set identical values are merged there and here).
// ------------------------------------------------------------------------------------------------

// A row's PP list: fixed, or `[x for x in valid_pp if lo <= x <= hi]` (lo > 0).
struct PpRule {
    std::vector<int> fixed;
    int lo = 0;
    int hi = 0;
};
PpRule fixed(std::vector<int> v) { return {std::move(v), 0, 0}; }
PpRule span(int lo, int hi) { return {{}, lo, hi}; }

struct GridRow {
    double max_size_b;  // the branch `model_size_in_b <= max_size_b`
    std::vector<int> tp;
    PpRule pp;
    std::vector<int> mbs;
    int min_mp;
    int max_mp;
    int gbs = 0;  // NeMo 2.0 only; the launcher's grid functions return no GBS
};

struct GridTable {
    std::vector<GridRow> rows;
    GridRow fallback;            // no branch matched: the function's (class's) initial values
    bool raise_above = false;    // launcher BERT: `else: raise ValueError("No BERT model larger ...")`
    bool cp_ep_none = false;     // T5/mT5/BERT: cp = ep = [None]
};

// The table of NeMo's seq_length branch (2048, 4096, 8192, 16384, 32768, in that order); NeMo checks these
// lengths only, so any other length gets the defaults table.
const GridTable& by_seq(int seq, const std::array<const GridTable*, 5>& tables, const GridTable& other) {
    constexpr std::array<int, 5> kLengths{2048, 4096, 8192, 16384, 32768};
    for (size_t i = 0; i < kLengths.size(); ++i)
        if (seq == kLengths[i]) return *tables[i];
    return other;
}

// NeMo 2.0 GPT3GridSearch class attributes (training_config.py), used when no branch matches.
const GridRow kNemo2GptDefaults{0, {1, 2, 4, 8}, fixed({1}), {1, 2, 4, 8}, 1, 8, 1024};

// NeMo 2.0 GPT3GridSearch.init_params, gpu_memory_gb == 80, by seq_length.
const GridTable& nemo2_gpt_80gb(int seq) {
    static const GridTable s2048{{
        {1.0, {1, 2}, fixed({1}), {1, 2, 4, 8}, 1, 8, 256},
        {4.0, {1, 2, 4}, fixed({1}), {1, 2, 4, 8}, 1, 8, 1024},
        {8.0, {1, 2, 4}, fixed({1}), {1, 2, 4, 8}, 1, 8, 2048},
        {13.0, {1, 2, 4, 8}, fixed({1}), {1, 2, 4, 8}, 1, 8, 2048},
        {23.0, {1, 2, 4}, span(1, 4), {1, 2, 4}, 4, 8, 2048},
        {45.0, {2, 4, 8}, span(1, 4), {1, 2, 4}, 8, 32, 2048},
        {95.0, {2, 4, 8}, span(1, 8), {1, 2, 4, 8}, 8, 64, 2048},
        {130.0, {2, 4, 8}, span(1, 16), {1, 2, 4, 8}, 16, 128, 2048},
        {195.0, {8}, span(4, 16), {1, 2, 4}, 32, 256, 2048},
        {395.0, {8}, span(8, 32), {1, 2, 4}, 64, 512, 2048},
        {790.0, {8}, span(8, 100), {1, 2, 4}, 128, 1024, 2048},
        {1100.0, {8}, span(16, 130), {1, 2, 4}, 256, 2048, 2048},
    }, kNemo2GptDefaults};
    static const GridTable s4096{{
        {1.0, {1, 2, 4}, fixed({1}), {1, 2, 4, 8}, 1, 8, 128},
        {4.0, {1, 2, 4}, fixed({1}), {1, 2, 4, 8}, 1, 8, 512},
        {8.0, {1, 2, 4}, span(1, 2), {1, 2, 4}, 1, 8, 1024},
        {13.0, {2, 4}, span(1, 2), {1, 2, 4}, 1, 8, 1024},
        {23.0, {4, 8}, span(1, 2), {1, 2}, 4, 16, 1024},
        {45.0, {4, 8}, span(2, 4), {1, 2}, 8, 32, 1024},
        {95.0, {4, 8}, span(1, 8), {1, 2}, 8, 64, 1024},
    }, kNemo2GptDefaults};
    static const GridTable s8192{{
        {1.0, {1, 2}, span(1, 2), {1, 2, 4}, 1, 8, 64},
        {4.0, {1, 2, 4}, span(1, 2), {1, 2, 4}, 1, 8, 128},
        {13.0, {2, 4}, span(1, 2), {1, 2}, 1, 8, 256},
        {23.0, {4, 8}, span(1, 4), {1}, 8, 32, 256},
        {45.0, {8}, span(4, 8), {1}, 32, 64, 256},
    }, kNemo2GptDefaults};
    static const GridTable s16384{{
        {1.0, {2, 4}, fixed({1}), {1, 2}, 1, 8, 32},
        {4.0, {2, 4}, span(1, 2), {1}, 1, 8, 64},
        {13.0, {2, 4}, span(1, 2), {1}, 1, 8, 128},
        {23.0, {4, 8}, span(2, 4), {1}, 8, 32, 128},
    }, kNemo2GptDefaults};
    static const GridTable s32768{{
        {1.0, {2, 4}, span(1, 2), {1}, 1, 8, 16},
        {4.0, {2, 4}, span(1, 2), {1}, 1, 8, 32},
        {13.0, {4, 8}, span(1, 2), {1}, 4, 16, 64},
        {23.0, {8}, span(2, 4), {1}, 16, 32, 64},
    }, kNemo2GptDefaults};
    // Any other seq_length matches no branch: the class defaults.
    static const GridTable other{{}, kNemo2GptDefaults};
    return by_seq(seq, {&s2048, &s4096, &s8192, &s16384, &s32768}, other);
}

// NeMo 2.0 GPT3GridSearch.init_params, gpu_memory_gb == 40 (no seq_length branches).
const GridTable& nemo2_gpt_40gb() {
    static const GridTable t{{
        {1.0, {1, 2, 4}, fixed({1}), {1, 2, 4, 8}, 1, 8, 256},
        {4.0, {1, 2, 4, 8}, fixed({1}), {1, 2, 4, 8}, 1, 8, 1024},
        {8.0, {2, 4, 8}, fixed({1, 2}), {1, 2, 4}, 2, 8, 2048},
        {13.0, {4, 8}, fixed({1, 2, 4}), {1, 2, 4}, 4, 32, 2048},
        {23.0, {2, 4, 8}, span(1, 8), {1, 2, 4, 8}, 8, 64, 2048},
        {45.0, {4, 8}, span(1, 12), {1, 2, 4}, 16, 128, 2048},
        {95.0, {4, 8}, span(1, 16), {1, 2, 4}, 16, 256, 2048},
        {130.0, {4, 8}, span(2, 26), {1, 2}, 32, 512, 2048},
        {195.0, {4, 8}, span(2, 32), {1, 2}, 64, 1024, 2048},
        {395.0, {4, 8}, span(4, 64), {1, 2}, 128, 2048, 2048},
        {790.0, {4, 8}, span(8, 128), {1, 2}, 256, 4096, 2048},
        {1100.0, {4, 8}, span(8, 192), {1, 2}, 512, 8192, 2048},
    }, kNemo2GptDefaults};
    return t;
}

// Launcher _tp_pp_mbs_grid_gpt3_80gb initial values (MBS differs from NeMo 2.0's class: 3 and 6).
const GridRow kLauncherGpt80Defaults{0, {1, 2, 4, 8}, fixed({1}), {1, 2, 3, 4, 6, 8}, 1, 8};

// Launcher _tp_pp_mbs_grid_gpt3_80gb, by seq_length.
const GridTable& launcher_gpt_80gb(int seq) {
    static const GridTable s2048{{
        {1.0, {1, 2}, fixed({1}), {1, 2, 3, 4, 6, 8}, 1, 8},
        {8.0, {1, 2, 4}, fixed({1}), {1, 2, 3, 4, 6, 8}, 1, 8},
        {13.0, {1, 2, 4, 8}, fixed({1}), {1, 2, 3, 4, 6, 8}, 1, 8},
        {23.0, {1, 2, 4}, span(1, 4), {1, 2, 4}, 4, 8},
        {45.0, {2, 4, 8}, span(1, 4), {1, 2, 4}, 8, 32},
        {95.0, {2, 4, 8}, span(1, 8), {1, 2, 4, 8}, 8, 64},
        {130.0, {2, 4, 8}, span(1, 16), {1, 2, 4, 8}, 16, 128},
        {195.0, {8}, span(4, 16), {1, 2, 4}, 32, 256},
        {395.0, {8}, span(8, 32), {1, 2, 4}, 64, 512},
        {790.0, {8}, span(8, 100), {1, 2, 4}, 128, 1024},
        {1100.0, {8}, span(16, 130), {1, 2, 4}, 256, 2048},
    }, kLauncherGpt80Defaults};
    static const GridTable s4096{{
        {4.0, {1, 2, 4}, fixed({1}), {1, 2, 4, 8}, 1, 8},
        {8.0, {1, 2, 4}, span(1, 2), {1, 2, 4}, 1, 8},
        {13.0, {2, 4}, span(1, 2), {1, 2, 4}, 1, 8},
        {23.0, {4, 8}, span(1, 2), {1, 2}, 4, 16},
        {45.0, {4, 8}, span(2, 4), {1, 2}, 8, 32},
        {95.0, {4, 8}, span(1, 8), {1, 2}, 8, 64},
    }, kLauncherGpt80Defaults};
    static const GridTable s8192{{
        {1.0, {1, 2}, span(1, 2), {1, 2, 4}, 1, 8},
        {4.0, {1, 2, 4}, span(1, 2), {1, 2, 4}, 1, 8},
        {13.0, {2, 4}, span(1, 2), {1, 2}, 1, 8},
        {23.0, {4, 8}, span(1, 4), {1}, 8, 32},
        {45.0, {8}, span(4, 8), {1}, 32, 64},
    }, kLauncherGpt80Defaults};
    static const GridTable s16384{{
        {1.0, {2, 4}, fixed({1}), {1, 2}, 1, 8},
        {13.0, {2, 4}, span(1, 2), {1}, 1, 8},
        {23.0, {4, 8}, span(2, 4), {1}, 8, 32},
    }, kLauncherGpt80Defaults};
    static const GridTable s32768{{
        {4.0, {2, 4}, span(1, 2), {1}, 1, 8},
        {13.0, {4, 8}, span(1, 2), {1}, 4, 16},
        {23.0, {8}, span(2, 4), {1}, 16, 32},
    }, kLauncherGpt80Defaults};
    static const GridTable other{{}, kLauncherGpt80Defaults};
    return by_seq(seq, {&s2048, &s4096, &s8192, &s16384, &s32768}, other);
}

// Launcher _tp_pp_mbs_grid_gpt3_40gb (no seq_length branches).
const GridTable& launcher_gpt_40gb() {
    static const GridTable t{{
        {1.0, {1, 2, 4}, fixed({1}), {1, 2, 4, 8}, 1, 8},
        {4.0, {1, 2, 4, 8}, fixed({1}), {1, 2, 4, 8}, 1, 8},
        {8.0, {2, 4, 8}, fixed({1, 2}), {1, 2, 4}, 2, 8},
        {13.0, {4, 8}, fixed({1, 2, 4}), {1, 2, 4}, 4, 32},
        {23.0, {2, 4, 8}, span(1, 8), {1, 2, 4, 6, 8, 10, 12, 16}, 8, 64},
        {45.0, {4, 8}, span(1, 12), {1, 2, 4}, 16, 128},
        {95.0, {4, 8}, span(1, 16), {1, 2, 4}, 16, 256},
        {130.0, {4, 8}, span(2, 26), {1, 2}, 32, 512},
        {195.0, {4, 8}, span(2, 32), {1, 2}, 64, 1024},
        {395.0, {4, 8}, span(4, 64), {1, 2}, 128, 2048},
        {790.0, {4, 8}, span(8, 128), {1, 2}, 256, 4096},
        {1100.0, {4, 8}, span(8, 192), {1, 2}, 512, 8192},
    }, {0, {1, 2, 4, 8}, fixed({1}), {1, 2, 4, 6, 8, 10, 12, 16}, 1, 8}};
    return t;
}

// Launcher _tp_pp_mbs_grid_t5_{80,40}gb (T5 and mT5 share them; no seq_length branches).
const GridTable& launcher_t5(int gpu_memory_gb) {
    const GridRow defaults{0, {1, 2, 4, 8}, fixed({1}), {1, 2, 4, 6, 8, 12, 16}, 1, 8};
    static const GridTable g80{{
        {1.0, {1, 2}, fixed({1}), {16, 32, 64, 128}, 1, 8},
        {4.0, {1, 2, 4}, fixed({1}), {4, 6, 8, 12, 16, 24, 32, 48}, 1, 8},
        {8.0, {2, 4, 8}, fixed({1}), {4, 6, 8, 12, 16, 24, 32}, 1, 8},
        {14.5, {4, 8}, fixed({1}), {2, 4, 6, 8, 12, 16, 24}, 1, 8},
        {25.9, {4, 8}, span(1, 2), {1, 2, 4, 6, 8}, 4, 16},
        {43.0, {4, 8}, span(1, 4), {1, 2, 4, 6, 8}, 8, 32},
        {85.5, {4, 8}, span(2, 8), {1, 2, 4, 6, 8}, 16, 64},
        {165.5, {8}, span(4, 16), {1, 2, 4, 6}, 32, 128},
        {250.0, {8}, span(4, 32), {1, 2, 4, 6, 8}, 64, 256},
    }, defaults, false, true};
    static const GridTable g40{{
        {1.0, {1, 2}, fixed({1}), {16, 32, 64, 128}, 1, 8},
        {4.0, {1, 2, 4}, fixed({1}), {4, 8, 12, 16, 24, 32, 48}, 1, 8},
        {8.0, {2, 4, 8}, fixed({1}), {4, 6, 8, 12, 16, 24}, 1, 8},
        {14.5, {4, 8}, span(1, 2), {2, 4, 6, 8, 12, 16}, 4, 16},
        {25.9, {4, 8}, span(1, 8), {1, 2, 4, 6, 8}, 8, 32},
        {43.0, {4, 8}, span(1, 8), {1, 2, 4, 6, 8}, 16, 32},
        {85.5, {8}, span(2, 8), {1, 2, 4, 6, 8}, 32, 64},
        {165.5, {8}, span(4, 32), {1, 2, 4}, 64, 128},
        {250.0, {8}, span(8, 64), {1, 2, 4}, 128, 256},
    }, defaults, false, true};
    return gpu_memory_gb == 80 ? g80 : g40;
}

// Launcher _tp_pp_mbs_grid_bert_{80,40}gb: fixed PP lists, and a ValueError above 250.5B.
const GridTable& launcher_bert(int gpu_memory_gb) {
    static const GridTable g80{{
        {1.0, {1, 2}, fixed({1}), {1, 2, 3, 4, 6, 8}, 1, 8},
        {4.0, {1, 2, 4}, fixed({1}), {1, 2, 3, 4, 6, 8}, 1, 8},
        {8.0, {2, 4, 8}, fixed({1}), {1, 2, 3, 4, 6, 8}, 2, 8},
        {13.0, {2, 4, 8}, fixed({1}), {1, 2, 3, 4, 6}, 2, 8},
        {25.0, {4, 8}, fixed({1}), {1, 2, 3, 4}, 4, 8},
        {46.5, {4, 8}, fixed({1, 2, 4}), {1, 2, 3, 4}, 4, 16},
        {87.5, {4, 8}, fixed({2, 4, 6, 8}), {1, 2, 3, 4}, 8, 32},
        {165.5, {4, 8}, fixed({4, 6, 8, 16}), {2, 4, 6, 8}, 16, 128},
        {250.5, {8}, fixed({4, 8, 16, 32}), {1, 2, 3, 4}, 32, 256},
    }, {}, true, true};
    static const GridTable g40{{
        {1.0, {1, 2, 4}, fixed({1}), {1, 2, 4, 6, 8}, 1, 8},
        {4.0, {1, 2, 4, 8}, fixed({1}), {1, 2, 4, 6, 8}, 1, 8},
        {13.0, {2, 4, 8}, fixed({1}), {1, 2, 4}, 1, 8},
        {25.0, {2, 4, 8}, fixed({1, 2}), {1, 2, 4}, 2, 16},
        {46.5, {4, 8}, fixed({1, 2, 4, 8}), {1, 2, 3}, 8, 32},
        {87.5, {4, 8}, fixed({2, 4, 6, 8}), {1, 2, 3}, 16, 64},
        {165.5, {8}, fixed({4, 6, 8, 16}), {1, 2}, 32, 256},
        {250.5, {8}, fixed({8, 16, 32}), {1, 2}, 64, 512},
    }, {}, true, true};
    return gpu_memory_gb == 80 ? g80 : g40;
}

// ------------------------------------------------------------------------------------------------
// [SECTION] grid space
// ------------------------------------------------------------------------------------------------

// Launcher family lists (autoconfig/training_config.py, _calculate_tp_pp_mbs_grid): the GPT table
// serves these six; BERT shares the GPT layer multiplier but not its PP list start.
bool launcher_gpt_like(const std::string& f) {
    return f == "gpt3" || f == "llama" || f == "baichuan2" || f == "chatglm" || f == "qwen2" || f == "mixtral";
}
bool is_t5(const std::string& f) { return f == "t5" || f == "mt5"; }

// Inputs are bounded so that every product below is exact in int64 and in double (mbs · GPUs
// stays under 2^53); Python's unbounded ints need no bound, no real cluster comes close.
constexpr int kMaxCount = 100000;
constexpr int kMaxLarge = 1000000000;

std::optional<Error> check_int(const char* field, int v, int hi) {
    if (v >= 1 && v <= hi) return std::nullopt;
    return make_error(ErrorKind::out_of_range, std::string(field) + " must be between 1 and " + std::to_string(hi) +
                                                   " (got " + std::to_string(v) + ")");
}

std::optional<Error> check_list(const char* field, const std::optional<std::vector<int>>& list) {
    if (!list) return std::nullopt;
    for (int v : *list)
        if (auto e = check_int(field, v, kMaxCount)) return e;
    return std::nullopt;
}

std::optional<Error> check_space_input(const NemoGridInput& in) {
    if (!std::isfinite(in.model_size_b) || in.model_size_b <= 0)
        return make_error(ErrorKind::out_of_range, "--model-size-b must be a positive number (got " + format_number(in.model_size_b) + ")");
    if (in.gpu_memory_gb != 40 && in.gpu_memory_gb != 80)
        return make_error(ErrorKind::out_of_range, "--gpu-memory-gb: NeMo's grid tables exist for 40 and 80 GB GPUs only (got " +
                                                       std::to_string(in.gpu_memory_gb) + ")");
    if (auto e = check_int("--layers", in.layers, kMaxCount)) return e;
    if (auto e = check_int("--seq", in.seq, kMaxLarge)) return e;
    for (auto [field, list] : {std::pair{"--tp", &in.tp}, std::pair{"--pp", &in.pp}, std::pair{"--cp", &in.cp},
                               std::pair{"--ep", &in.ep}, std::pair{"--mbs", &in.mbs}})
        if (auto e = check_list(field, *list)) return e;
    if (in.gbs)
        if (auto e = check_int("--gbs", *in.gbs, kMaxLarge)) return e;
    if (in.min_model_parallel)
        if (auto e = check_int("--min-model-parallel", *in.min_model_parallel, kMaxLarge)) return e;
    if (in.max_model_parallel)
        if (auto e = check_int("--max-model-parallel", *in.max_model_parallel, kMaxLarge)) return e;
    return std::nullopt;
}

// valid_pp = init_pp + [multiplier * x for x in range(1, L + 1) if L % x == 0].
std::vector<int> valid_pp(int layers, int multiplier, bool starts_with_one) {
    std::vector<int> out;
    if (starts_with_one) out.push_back(1);
    for (int x = 1; x <= layers; ++x)
        if (layers % x == 0) out.push_back(multiplier * x);
    return out;
}

std::vector<std::optional<int>> optional_list(const std::vector<int>& v) { return {v.begin(), v.end()}; }

}  // namespace

Result<NemoGridSpace> nemo_grid_space(const NemoGridInput& in, NemoFlavor flavor) {
    if (auto e = check_space_input(in)) return *e;
    const std::string& f = in.model_type;
    const GridTable* table = nullptr;
    std::vector<int> pps;
    if (flavor == NemoFlavor::nemo2) {
        // NeMo 2.0 GPT_BASED_MODELS: multiplier 1, valid_pp = divisors of num_layers.
        if (!nemo_family_gpt_based(f))
            return make_error(ErrorKind::unsupported, "--model-family: NeMo 2.0's Auto Configurator grids GPT-based models only "
                                                      "(gpt3, llama, mixtral, mistral, gemma, nemotron, ...); '" + f +
                                                      "' has a grid in the NeMo launcher flavour only");
        table = in.gpu_memory_gb == 80 ? &nemo2_gpt_80gb(in.seq) : &nemo2_gpt_40gb();
        pps = valid_pp(in.layers, 1, false);
    } else {
        if (launcher_gpt_like(f)) table = in.gpu_memory_gb == 80 ? &launcher_gpt_80gb(in.seq) : &launcher_gpt_40gb();
        else if (is_t5(f)) table = &launcher_t5(in.gpu_memory_gb);
        else if (f == "bert") table = &launcher_bert(in.gpu_memory_gb);
        else
            return make_error(ErrorKind::unsupported, "--model-family: the NeMo launcher's grid covers gpt3, llama, baichuan2, "
                                                      "chatglm, qwen2, mixtral, t5, mt5 and bert; not '" + f + "'");
        // T5/mT5 count encoder + decoder layers (multiplier 2); T5, mT5 and BERT also list PP 1 first.
        pps = valid_pp(in.layers, is_t5(f) ? 2 : 1, !launcher_gpt_like(f));
    }

    // The first branch whose bound holds, else the initial values (or BERT's ValueError).
    const GridRow* row = &table->fallback;
    auto hit = std::find_if(table->rows.begin(), table->rows.end(),
                            [&](const GridRow& r) { return in.model_size_b <= r.max_size_b; });
    if (hit != table->rows.end()) row = &*hit;
    else if (table->raise_above)
        return make_error(ErrorKind::out_of_range, "--model-size-b: no BERT model larger than 250B parameters is supported (got " +
                                                       format_number(in.model_size_b) + ")");

    NemoGridSpace s;
    s.tp = row->tp;
    if (row->pp.lo > 0) {
        for (int x : pps)
            if (row->pp.lo <= x && x <= row->pp.hi) s.pp.push_back(x);
    } else {
        s.pp = row->pp.fixed;
    }
    s.cp = s.ep = table->cp_ep_none ? std::vector<std::optional<int>>{std::nullopt} : std::vector<std::optional<int>>{1};
    s.mbs = row->mbs;
    if (flavor == NemoFlavor::nemo2) s.gbs = row->gbs;
    s.min_model_parallel = row->min_mp;
    s.max_model_parallel = row->max_mp;

    // "Override the tp, pp, mbs search if indicated in the config params."
    if (in.tp) s.tp = *in.tp;
    if (in.pp) s.pp = *in.pp;
    if (in.cp) s.cp = optional_list(*in.cp);
    if (in.ep) s.ep = optional_list(*in.ep);
    if (in.mbs) s.mbs = *in.mbs;
    if (in.gbs && flavor == NemoFlavor::nemo2) s.gbs = *in.gbs;
    if (in.min_model_parallel) s.min_model_parallel = *in.min_model_parallel;
    if (in.max_model_parallel) s.max_model_parallel = *in.max_model_parallel;
    return s;
}

// ------------------------------------------------------------------------------------------------
// [SECTION] grid
// ------------------------------------------------------------------------------------------------

namespace {

std::string or_none(const std::optional<int>& v) { return v ? std::to_string(*v) : "None"; }

// Python's `gbs % (mbs * num_gpus / model_parallelism) == 0`: true division to a float, then a
// float modulo, which for positive operands is fmod (exact). Not an integer divisibility test:
// 2048 % (1024 / 24) is 2048 % 42.666..., which is not 0.
bool py_float_mod_is_zero(long long gbs, long long mbs_times_gpus, long long model_parallel) {
    const double chunk = static_cast<double>(mbs_times_gpus) / static_cast<double>(model_parallel);
    return std::fmod(static_cast<double>(gbs), chunk) == 0.0;
}

struct Tuple4 {
    int tp, pp;
    std::optional<int> cp, ep;
    bool operator==(const Tuple4&) const = default;
};

// Pass 1 of generate_grid_search_configs, the same in NeMo 2.0 and the launcher: keep each
// (tp, pp, cp, ep) once, in loop order, if some MBS passes the validity filter.
std::vector<Tuple4> valid_parallel_tuples(const NemoGridSpace& s, long long gbs, long long num_gpus, int heads, int layers,
                                          int multiplier) {
    std::vector<Tuple4> valid;
    for (int t : s.tp)
        for (int p : s.pp)
            for (const std::optional<int>& c : s.cp)
                for (const std::optional<int>& e : s.ep)
                    for (int m : s.mbs) {
                        // `(tp * pp * cp * ep) if (cp and ep) else (tp * pp)`, in double: exact
                        // below 2^53, and any product above that fails the max check anyway.
                        const double mp = (c && e) ? double(t) * p * *c * *e : double(t) * p;
                        const int mod_cp = c.value_or(1), mod_ep = e.value_or(1);
                        const Tuple4 tuple{t, p, c, e};
                        const bool ok =
                            s.min_model_parallel <= mp && mp <= s.max_model_parallel &&
                            py_float_mod_is_zero(gbs, m * num_gpus, static_cast<long long>(mp)) && heads % t == 0 &&
                            (multiplier * layers) % p == 0 &&
                            std::find(valid.begin(), valid.end(), tuple) == valid.end() &&
                            // One of CP and EP must be 1 (upstream: cp // ep == cp or ep // cp == ep).
                            (mod_cp / mod_ep == mod_cp || mod_ep / mod_cp == mod_ep);
                        if (ok) valid.push_back(tuple);
                    }
    return valid;
}

}  // namespace

Result<NemoGrid> nemo_generate_grid(const NemoGridInput& in) {
    for (auto [field, v] : {std::pair{"--heads", in.heads}, std::pair{"--nodes", in.nodes},
                            std::pair{"--gpus-per-node", in.gpus_per_node}})
        if (auto e = check_int(field, v, kMaxCount)) return *e;
    Result<NemoGridSpace> space = nemo_grid_space(in, NemoFlavor::nemo2);
    if (!space) return space.error();
    const NemoGridSpace& s = *space;
    const long long gbs = *s.gbs;
    const long long num_gpus = static_cast<long long>(in.nodes) * in.gpus_per_node;
    const int multiplier = 1;  // GPT-based: no encoder/decoder doubling

    // Pass 1 (generate_grid_search_configs): keep each (tp, pp, cp, ep) once, if some MBS passes.
    const std::vector<Tuple4> valid = valid_parallel_tuples(s, gbs, num_gpus, in.heads, in.layers, multiplier);

    // Pass 2: per tuple, the VP of _set_activations_checkpoint_params (GPT-based, pp > 2:
    // interleaved with num_layers // pp stages per GPU; activation checkpointing is off for
    // GPT-based models in NeMo 2.0), then modify_cfg's own check for every MBS. modify_cfg
    // divides by tp * pp only, ignoring CP and EP, and tests num_layers % pp without multiplier.
    NemoGrid grid;
    const std::string size = in.model_size_is_float ? python_float_repr(in.model_size_b) : format_number(in.model_size_b);
    for (const Tuple4& v : valid) {
        const std::optional<int> vp = v.pp > 2 ? std::optional<int>(in.layers / v.pp) : std::nullopt;
        for (int m : s.mbs) {
            if (!py_float_mod_is_zero(gbs, m * num_gpus, static_cast<long long>(v.tp) * v.pp) || in.heads % v.tp != 0 ||
                in.layers % v.pp != 0)
                continue;
            NemoCandidate c{v.tp, v.pp, v.cp, v.ep, m, vp, static_cast<int>(gbs), ""};
            c.name = in.model_type + "_" + size + "b_" + std::to_string(in.nodes) + "nodes_tp_" + std::to_string(c.tp) +
                     "_pp_" + std::to_string(c.pp) + "_cp_" + or_none(c.cp) + "_ep_" + or_none(c.ep) + "_mbs_" +
                     std::to_string(m) + "_vp_" + or_none(vp);
            grid.stdout_lines.push_back("Valid config: SeqLen=" + std::to_string(in.seq) + ", GBS=" + std::to_string(gbs) +
                                        ", MBS=" + std::to_string(m) + ", TP=" + std::to_string(c.tp) + ", PP=" +
                                        std::to_string(c.pp) + ", CP=" + or_none(c.cp) + ", EP=" + or_none(c.ep) +
                                        ", VP=" + or_none(vp) + ". Adding to directory.");
            // configs[name] = cfg: a repeated name (an MBS listed twice) keeps its first slot.
            const bool seen = std::any_of(grid.configs.begin(), grid.configs.end(),
                                          [&](const NemoCandidate& x) { return x.name == c.name; });
            if (!seen) grid.configs.push_back(std::move(c));
        }
    }
    grid.stdout_lines.push_back("All candidate configurations created correctly. Total number of configs: " +
                                std::to_string(grid.configs.size()) + ".");
    return grid;
}

// ------------------------------------------------------------------------------------------------
// [SECTION] act ckpt
// ------------------------------------------------------------------------------------------------

namespace {

// Python's list(range(start, stop, step)) for step > 0.
std::vector<std::optional<int>> py_range(int start, int stop, int step) {
    std::vector<std::optional<int>> out;
    for (int x = start; x < stop; x += step) out.push_back(x);
    return out;
}

}  // namespace

Result<NemoActCkptGrid> nemo_launcher_act_ckpt_grid(const std::string& model_type, int pp, int layers,
                                                    const std::string& act_method, double model_size_b) {
    if (auto e = check_int("--pp", pp, kMaxCount)) return *e;
    if (auto e = check_int("--layers", layers, kMaxCount)) return *e;
    // The launcher's list here includes BERT: it interleaves and has no encoder/decoder doubling.
    const bool gpt = launcher_gpt_like(model_type) || model_type == "bert";
    if (!gpt && !is_t5(model_type))
        return make_error(ErrorKind::unsupported, "--model-family: the NeMo launcher's grid covers gpt3, llama, baichuan2, "
                                                  "chatglm, qwen2, mixtral, t5, mt5 and bert; not '" + model_type + "'");
    const int multiplier = gpt ? 1 : 2;
    const bool block = act_method == "block";

    // Layer step of the checkpointing search: 4 // pp, or by model size for block checkpointing.
    int act_multiple = 4 / pp;
    if (block) {
        const double s = model_size_b;
        if (1.0 <= s && s < 11.3) act_multiple = 8 / pp;
        else if (11.3 <= s && s < 60.0) act_multiple = 16 / pp;  // upstream's 11.3-26 and 26-60 branches agree
        else if (60.0 <= s) act_multiple = 32 / pp;
    }
    act_multiple = std::max(act_multiple, 1);
    const int per_pipe_step = act_multiple;  // read before interleaving resets act_multiple

    NemoActCkptGrid g;
    int max_micro_b = pp, micro_b_step = 1, max_per_pipe = layers;
    if (gpt && pp > 2) {  // interleaved pipeline schedule, layers // pp virtual stages per GPU
        if (pp > layers)
            return make_error(ErrorKind::out_of_range, "--pp: " + std::to_string(pp) + " exceeds the " + std::to_string(layers) +
                                                           " layers (NeMo divides by layers // pp = 0 here)");
        const int vp = layers / pp;
        g.vp = vp;
        act_multiple = 1;
        max_micro_b = pp * (vp - 1) + (pp - 1) * 2 + 1;
        micro_b_step = vp * 8;
        max_per_pipe = multiplier * layers / pp / vp + 1;
    }
    g.act_ckpt_layers = g.num_mbs_act = g.act_per_pipe = {std::nullopt};
    if (block) {
        const int top = g.vp ? multiplier * layers / pp / *g.vp : multiplier * layers / pp;
        g.act_ckpt_layers = py_range(0, top + 1, act_multiple);
        if (pp > 1 && gpt) {
            g.num_mbs_act = py_range(0, max_micro_b + 1, micro_b_step);
            g.num_mbs_act[0] = 1;  // "0 will not be used, minimum will be set to 1"
            g.act_per_pipe = py_range(0, max_per_pipe + 1, per_pipe_step);
        }
    }
    return g;
}

// ------------------------------------------------------------------------------------------------
// [SECTION] launcher
// NeMo-Framework-Launcher@26e42fa9 auto_configurator/autoconfig/training_config.py
// (generate_grid_search_configs, launch_grid_search_configs) and autoconfig/utils.py (modify_cfg),
// read from their copy in NVIDIA/NeMo@00bdb97 nemo/collections/llm/tools/auto_configurator/autoconfig/.
// ------------------------------------------------------------------------------------------------

Result<NemoLauncherGrid> nemo_launcher_generate_grid(const NemoGridInput& in, int gbs, const std::string& act_method,
                                                     const std::optional<std::vector<int>>& act_ckpt_layers) {
    for (auto [field, v] : {std::pair{"--heads", in.heads}, std::pair{"--nodes", in.nodes},
                            std::pair{"--gpus-per-node", in.gpus_per_node}})
        if (auto e = check_int(field, v, kMaxCount)) return *e;
    if (auto e = check_int("--gbs", gbs, kMaxLarge)) return *e;
    if (act_ckpt_layers)
        for (int a : *act_ckpt_layers)
            if (a < 0 || a > kMaxCount)
                return make_error(ErrorKind::out_of_range, "--act-ckpt-layers must be between 0 and " + std::to_string(kMaxCount) +
                                                               " (got " + std::to_string(a) + ")");
    Result<NemoGridSpace> space = nemo_grid_space(in, NemoFlavor::launcher);
    if (!space) return space.error();
    const NemoGridSpace& s = *space;
    const long long num_gpus = static_cast<long long>(in.nodes) * in.gpus_per_node;
    // "2 * num_layers is needed because of encoder/decoder architecture."
    const int multiplier = is_t5(in.model_type) ? 2 : 1;
    // results_cfgs = [[] for _ in range(multiplier * num_layers + 1)]: a name filed under a larger
    // act or MBS raises IndexError upstream, so it is an error here too.
    const long long buckets = static_cast<long long>(multiplier) * in.layers + 1;

    const std::vector<Tuple4> valid = valid_parallel_tuples(s, gbs, num_gpus, in.heads, in.layers, multiplier);

    NemoLauncherGrid grid;
    const std::string size = in.model_size_is_float ? python_float_repr(in.model_size_b) : format_number(in.model_size_b);
    auto emit = [&](const Tuple4& v, int m, const std::optional<int>& vp, const std::optional<int>& act,
                    const std::optional<int>& num_mbs_act, const std::optional<int>& act_per_pipe,
                    int bucket) -> std::optional<Error> {
        // modify_cfg: `gbs % (mbs * num_gpus / (tp * pp))`, `att_heads % tp`, `num_layers % pp`:
        // CP, EP and the T5 multiplier are not in this second check.
        if (!py_float_mod_is_zero(gbs, m * num_gpus, static_cast<long long>(v.tp) * v.pp) || in.heads % v.tp != 0 ||
            in.layers % v.pp != 0)
            return std::nullopt;
        if (bucket >= buckets)
            return make_error(ErrorKind::out_of_range,
                              std::string(act ? "--act-ckpt-layers " : "--mbs ") + std::to_string(bucket) +
                                  ": the launcher files this candidate under results_cfgs[" + std::to_string(bucket) +
                                  "], a list of multiplier x layers + 1 = " + std::to_string(buckets) +
                                  " entries (IndexError upstream)");
        NemoLauncherCandidate c{v.tp, v.pp, v.cp, v.ep, m, gbs, vp, act, num_mbs_act, act_per_pipe, "", bucket};
        c.name = in.model_type + "_" + size + "b_" + std::to_string(in.nodes) + "nodes_tp_" + std::to_string(c.tp) + "_pp_" +
                 std::to_string(c.pp) + "_cp_" + or_none(c.cp) + "_ep_" + or_none(c.ep) + "_mbs_" + std::to_string(m) +
                 "_act_ckpt_" + or_none(act) + "_num_mbs_act_" + or_none(num_mbs_act) + "_act_per_pipe_" +
                 or_none(act_per_pipe);
        grid.stdout_lines.push_back("Valid config: GBS=" + std::to_string(gbs) + ", MBS=" + std::to_string(m) + ", TP=" +
                                    std::to_string(c.tp) + ", PP=" + std::to_string(c.pp) + ", CP=" + or_none(c.cp) +
                                    ", EP=" + or_none(c.ep) + ", act_ckpt_layers=" + or_none(act) + ", num_mbs_act=" +
                                    or_none(num_mbs_act) + ", act_per_pipe=" + or_none(act_per_pipe) +
                                    ". Adding to directory.");
        grid.configs.push_back(std::move(c));
        return std::nullopt;
    };

    for (const Tuple4& v : valid) {
        Result<NemoActCkptGrid> act = nemo_launcher_act_ckpt_grid(in.model_type, v.pp, in.layers, act_method, in.model_size_b);
        if (!act) return act.error();
        for (int m : s.mbs) {
            if (act->act_ckpt_layers.front()) {
                // `if act_layers is not None and act_layers != "auto": act_ckpt_layers = act_layers`
                const std::vector<std::optional<int>> acts =
                    act_ckpt_layers ? optional_list(*act_ckpt_layers) : act->act_ckpt_layers;
                for (const std::optional<int>& a : acts)
                    for (const std::optional<int>& n : act->num_mbs_act)
                        for (const std::optional<int>& p : act->act_per_pipe)
                            if (auto e = emit(v, m, act->vp, a, n, p, *a)) return *e;
            } else {
                if (auto e = emit(v, m, act->vp, std::nullopt, std::nullopt, std::nullopt, m)) return *e;
            }
        }
    }
    grid.stdout_lines.push_back("All candidate configurations created correctly.");
    return grid;
}

std::vector<size_t> nemo_launcher_launch_order(const NemoLauncherGrid& grid, std::optional<int> limit_search_runs) {
    std::vector<size_t> order(grid.configs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    // `for cfg_list in results_cfgs: for file_name in cfg_list:` — by bucket, then write order.
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return grid.configs[a].results_bucket < grid.configs[b].results_bucket;
    });
    // `if len(job_ids) == limit: return job_ids` (every submission is assumed to return a job id).
    if (limit_search_runs && *limit_search_runs > 0 && order.size() > size_t(*limit_search_runs))
        order.resize(size_t(*limit_search_runs));
    return order;
}

}  // namespace tp
