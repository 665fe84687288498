// Fuzz target: ado space files must parse to a value or an error for any bytes, never crash or hang
// (yaml-cpp throws on bad YAML; ado_space_parse catches all of it). A small parsed space is also swept.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ado_space.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    tp::Result<tp::AdoSpace> space = tp::ado_space_parse(text, "fuzz.yaml");
    if (space && space->size() <= 64) (void)tp::finetune_sweep(*space, tp::FinetuneRequest{}, "fuzz.yaml");
    return 0;
}
