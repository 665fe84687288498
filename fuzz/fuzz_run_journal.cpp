// Fuzz target: a run journal (possibly torn, edited or hostile) must replay to a state or an error naming
// the line, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "run_journal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)tp::journal_replay(text, "fuzz.jsonl");
    return 0;
}
