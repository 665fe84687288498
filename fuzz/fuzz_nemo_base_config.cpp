// Fuzz target: a NeMo launcher base config (train_settings.custom_config) must read to a model or an
// error for any bytes, never crash; a model that reads must be countable.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "nemo_base_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    tp::Result<tp::NemoBaseConfig> b = tp::nemo_base_config_read(text, "fuzz.yaml", "llama", 32000);
    if (b.ok() && tp::model_param_counts(b->model).total < 0) __builtin_trap();
    return 0;
}
