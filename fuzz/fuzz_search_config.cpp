// Fuzz target: NeMo launcher search-config YAML must parse to a value or an error for any bytes,
// never crash or hang (yaml-cpp throws on bad YAML; search_config_parse must catch all of it).
// The first line of the input, when it contains '=', is also tried as a Hydra override.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "search_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)tp::search_config_parse(text, "fuzz.yaml");
    const size_t newline = text.find('\n');
    if (newline != std::string_view::npos && text.substr(0, newline).find('=') != std::string_view::npos)
        (void)tp::search_config_parse(text.substr(newline + 1), "fuzz.yaml", {std::string(text.substr(0, newline))});
    return 0;
}
