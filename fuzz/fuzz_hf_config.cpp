// Fuzz target: Hugging Face config.json import must return a value or an error for any bytes,
// never crash, hang or read out of bounds. Built with libFuzzer when TRAINPLAN_FUZZ=ON (clang),
// otherwise linked with replay_main.cpp and run over the fixtures as a regression test.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hf_config.hpp"
#include "model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    tp::Result<tp::ModelSpec> m = tp::hf_config_parse(text, "fuzz.json");
    if (m.ok()) {
        // A spec that parsed must be countable without overflow traps or division by zero.
        const tp::ParamCounts c = tp::model_param_counts(*m);
        if (c.total < 0) __builtin_trap();
        (void)tp::model_training_flops_per_token(*m, 4096);
    }
    return 0;
}
