#include "share_link.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "model_presets.hpp"

namespace tp {

using nlohmann::json;

namespace {

constexpr const char* kSource = "share link";

Error link_error(const std::string& what) { return make_error(ErrorKind::parse_error, std::string(kSource) + ": " + what); }

// [SECTION] CRC-32 (IEEE 802.3, reflected), table built at compile time
constexpr std::array<uint32_t, 256> crc32_table() {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[i] = c;
    }
    return t;
}
constexpr std::array<uint32_t, 256> kCrc32Table = crc32_table();

// [SECTION] base64url (RFC 4648 section 5), no padding
constexpr const char* kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char b : bytes) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kBase64Url[(acc >> bits) & 63u];
        }
    }
    if (bits > 0) out += kBase64Url[(acc << (6 - bits)) & 63u];
    return out;
}

int base64url_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

// A character for a message: itself when printable ASCII, else its byte value.
std::string shown_char(char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", u);
    return buf;
}

// Decodes strictly: only the 64 characters, no padding, and the spare bits of the last character zero,
// so each byte string has exactly one spelling and every changed character changes the bytes.
Result<std::string> base64url_decode(std::string_view text, size_t offset_in_fragment) {
    for (size_t i = 0; i < text.size(); ++i)
        if (base64url_value(text[i]) < 0)
            return link_error("truncated or damaged (character " + std::to_string(offset_in_fragment + i + 1) + ", " +
                              shown_char(text[i]) + ", is not base64url: A-Z, a-z, 0-9, '-', '_')");
    if (text.size() % 4 == 1) return link_error("truncated or damaged (length)");
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        acc = (acc << 6) | uint32_t(base64url_value(c));
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += char((acc >> bits) & 0xffu);
        }
    }
    if ((acc & ((1u << bits) - 1u)) != 0) return link_error("truncated or damaged (checksum mismatch)");
    return out;
}

// [SECTION] Default-free inputs
// `full` with every member equal to the one in `base` removed (objects compared member by member, one level
// into "moe"); the caller adds what the reader needs back.
json without_defaults(const json& full, const json& base) {
    json out = json::object();
    for (auto it = full.begin(); it != full.end(); ++it) {
        const auto b = base.find(it.key());
        if (b == base.end()) {
            out[it.key()] = it.value();
        } else if (it->is_object() && b->is_object()) {
            json inner = without_defaults(*it, *b);
            if (!inner.empty()) out[it.key()] = std::move(inner);
        } else if (*it != *b) {
            out[it.key()] = it.value();
        }
    }
    return out;
}

// Outside strings, the deepest nesting of objects and arrays. Valid inputs nest 3 deep (inputs.model.moe,
// inputs.search_space.tp); anything far deeper is refused before parsing, so no recursion (parsing,
// printing a bad value in a message) ever goes deep.
size_t json_depth(std::string_view text) {
    size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}
constexpr size_t kMaxDepth = 16;

}  // namespace

uint32_t share_link_crc32(std::string_view bytes) {
    uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : bytes) c = kCrc32Table[(c ^ b) & 0xffu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

std::string share_link_fragment(const SessionInputs& in) {
    const json full = session_inputs_json(in);
    // The base the reader starts from: SessionInputs{} with the preset's model (or an empty ModelSpec).
    SessionInputs defaults;
    Result<ModelSpec> preset = in.model_preset.empty() ? Result<ModelSpec>(ModelSpec{}) : model_preset_find(in.model_preset);
    if (preset) defaults.model = *preset;
    json compact = without_defaults(full, session_inputs_json(defaults));
    // The reader needs "model", and either its preset or "layers" (which says the model is given whole).
    json& model = compact["model"];
    if (model.is_null()) model = json::object();
    if (!in.model_preset.empty()) model["preset"] = in.model_preset;
    else model["layers"] = in.model.layers;
    // Names from files may hold invalid UTF-8: replaced, never a throw (as session_to_json does).
    const std::string text = compact.dump(-1, ' ', false, json::error_handler_t::replace);
    const uint32_t crc = share_link_crc32(text);
    std::string payload = text;
    for (int shift = 24; shift >= 0; shift -= 8) payload += char((crc >> shift) & 0xffu);
    return std::string("#") + kShareLinkTag + "=" + base64url_encode(payload);
}

Result<SessionInputs> share_link_parse(std::string_view fragment) {
    if (fragment.size() > kShareLinkMaxChars)
        return link_error("too long (" + std::to_string(fragment.size()) + " characters; at most " +
                          std::to_string(kShareLinkMaxChars) + ")");
    size_t at = 0;
    if (!fragment.empty() && fragment[0] == '#') at = 1;
    const std::string tag = std::string(kShareLinkTag) + "=";
    if (fragment.substr(at, tag.size()) != tag) {
        // "s<digits>=" is a link from another trainplan version; anything else is not a share link at all.
        size_t digits = at + 1;
        while (digits < fragment.size() && fragment[digits] >= '0' && fragment[digits] <= '9') ++digits;
        if (fragment.size() > at && fragment[at] == 's' && digits > at + 1 && digits < fragment.size() && fragment[digits] == '=')
            return link_error("version " + std::string(fragment.substr(at, digits - at)) + " is not supported (this trainplan reads " +
                              kShareLinkTag + " links)");
        return link_error(fragment.size() <= at ? std::string("empty (expected #") + kShareLinkTag + "=...)"
                                                : std::string("not a trainplan share link (expected #") + kShareLinkTag + "=...)");
    }
    at += tag.size();
    Result<std::string> bytes = base64url_decode(fragment.substr(at), at);
    if (!bytes) return bytes.error();
    const std::string& payload = *bytes;
    if (payload.size() <= 4) return link_error("truncated or damaged (too short)");  // the CRC and at least one byte
    const std::string_view text(payload.data(), payload.size() - 4);
    uint32_t stored = 0;
    for (size_t i = payload.size() - 4; i < payload.size(); ++i) stored = (stored << 8) | static_cast<unsigned char>(payload[i]);
    if (share_link_crc32(text) != stored) return link_error("truncated or damaged (checksum mismatch)");

    // From here the bytes are as some encoder wrote them; a hostile one is still possible.
    if (json_depth(text) > kMaxDepth) return link_error("inputs: nested more than " + std::to_string(kMaxDepth) + " levels deep");
    json inputs;
    try {
        inputs = json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {
        return link_error(std::string("inputs: not valid JSON (") + e.what() + ")");
    }
    if (!inputs.is_object()) {
        std::string shown = inputs.dump(-1, ' ', false, json::error_handler_t::replace);
        if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
        return link_error("inputs: expected a JSON object, got " + shown);
    }
    // The text is one whole JSON object, so it can be placed in a session document as is; session_parse then
    // applies every field check and names the field ("share link: inputs.cluster.nodes: ...").
    std::string doc = std::string(R"({"format":")") + kSessionFormat + R"(","schema_version":)" + std::to_string(kSessionSchemaVersion) +
                      R"(,"inputs":)";
    doc.append(text.data(), text.size());
    doc += "}";
    Result<Session> session = session_parse(doc, kSource);
    if (!session) return session.error();
    return std::move(session.value().inputs);
}

}  // namespace tp
