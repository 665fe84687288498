// Fuzz target: share links. The input is tried three ways, each must give a value or an error, never a crash:
//   1. as a fragment ("#s1=..."): a link that parses re-encodes to a link that parses to the same inputs,
//      and re-encoding is stable (one spelling per inputs);
//   2. as the payload of a link with a correct CRC-32 (so mutations reach the JSON and field checks past the
//      checksum): the same round-trip property;
//   3. as a session file (the seeds are session fixtures): inputs that session_parse accepts make a link
//      within kShareLinkMaxChars that parses back to the same inputs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "session.hpp"
#include "share_link.hpp"

namespace {

std::string link_around(std::string_view bytes) {
    const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string payload(bytes);
    const uint32_t crc = tp::share_link_crc32(bytes);
    for (int shift = 24; shift >= 0; shift -= 8) payload += char((crc >> shift) & 0xffu);
    std::string out = "#s1=";
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char b : payload) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += table[(acc >> bits) & 63u];
        }
    }
    if (bits > 0) out += table[(acc << (6 - bits)) & 63u];
    return out;
}

void check_round_trip(const tp::SessionInputs& in) {
    const std::string link = tp::share_link_fragment(in);
    if (link.size() > tp::kShareLinkMaxChars) __builtin_trap();
    tp::Result<tp::SessionInputs> back = tp::share_link_parse(link);
    if (!back.ok()) __builtin_trap();
    if (tp::session_inputs_json(*back) != tp::session_inputs_json(in)) __builtin_trap();
    if (tp::share_link_fragment(*back) != link) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    tp::Result<tp::SessionInputs> link = tp::share_link_parse(text);
    if (link.ok()) check_round_trip(*link);
    if (size <= 16384) {  // larger payloads only meet the length check
        tp::Result<tp::SessionInputs> framed = tp::share_link_parse(link_around(text));
        if (framed.ok()) check_round_trip(*framed);
    }
    tp::Result<tp::Session> file = tp::session_parse(text, "fuzz.json");
    if (file.ok()) check_round_trip(file->inputs);
    return 0;
}
