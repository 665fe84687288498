// Fuzz target: any bytes as a TensorBoard event file (cut, corrupted or hostile) must read to
// scalars or to an error naming the record, never crash, and NeMo's step-time rules must take
// whatever came back. The same bytes are also framed as one record with correct CRCs, so that the
// protobuf decoder behind the CRC checks gets fuzzed too (random bytes almost never pass a CRC).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tensorboard.hpp"

namespace {

void read_and_average(std::string_view bytes) {
    tp::Result<tp::TbEvents> events = tp::tensorboard_read(bytes, "fuzz.tfevents");
    if (events) {
        (void)tp::tensorboard_nemo_step_time_s(*events, tp::NemoFlavor::nemo2);
        (void)tp::tensorboard_nemo_step_time_s(*events, tp::NemoFlavor::launcher);
    }
}

void append_u32le(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += char((v >> (8 * i)) & 0xFFu);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    read_and_average(bytes);
    std::string framed;
    const std::uint64_t n = size;
    for (int i = 0; i < 8; ++i) framed += char((n >> (8 * i)) & 0xFFu);
    append_u32le(framed, tp::tensorboard_masked_crc32c(framed));
    framed += bytes;
    append_u32le(framed, tp::tensorboard_masked_crc32c(bytes));
    read_and_average(framed);
    return 0;
}
