// Fuzz target: a session file (or a share link's inputs) must parse to a value or an error for any
// bytes, never crash; a session that parsed must write back out and parse again to the same text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "session.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    tp::Result<tp::Session> s = tp::session_parse(text, "fuzz.json");
    if (s.ok()) {
        const std::string again = tp::session_to_json(*s);
        tp::Result<tp::Session> back = tp::session_parse(again, "again.json");
        if (!back.ok() || tp::session_to_json(*back) != again) __builtin_trap();
    }
    return 0;
}
