// share_link.hpp — a session's inputs as a URL fragment (design.md, "The session file"; issue 6, "Share").
//
//   #s1=<payload>      payload = base64url, unpadded, of  <inputs JSON> <CRC-32 of that JSON, 4 bytes big-endian>
//
// The inputs JSON is the "inputs" object of a session file (session_inputs_json) with every value equal to
// its default left out: fields equal to SessionInputs{}'s, "auto" search-space lists, and for a model from a
// preset only {"preset": name} plus the fields that differ from that preset (a model given whole keeps every
// field that differs from ModelSpec{}, so a config.json-imported model travels without the file).
//   {"cluster":{"nodes":16},"model":{"preset":"llama3-70b"},"search_space":{"mbs":[1,2],"pp":[1,2,4,8],...},...}
//
// Why this encoding: base64url is made of characters that pass unchanged through every place a URL goes
// (address bars, chat, mail, terminals), so the bytes the CRC covers are the bytes that arrive. It costs 4/3
// of the JSON. Percent-encoding the same JSON costs 3 characters for every '"', '{', '}', '[' and ']' (RFC 3986
// allows none of them raw in a fragment, and tools that re-encode URLs differ on them); it is longer for typical
// inputs (below) and shorter only for digit-heavy ones (long number lists). No compression: the default-free
// JSON is already short, and a dependency-free deflate would be more code to trust than it saves.
//
// Measured fragment lengths (characters, "#s1=" included; tests/test_share_link.cpp asserts bounds on them),
// with what percent-encoding the same JSON (CRC as 8 hex digits) would give:
//   llama3-70b preset, 16 x 8 H100, seq 8192, gbs 512, fp8, tp/pp/mbs lists               230   (265)
//   gemma2-9b imported from its config.json, renamed, given whole; same cluster and lists   535   (556)
//   mixtral-8x7b preset with top_k changed, H200, tp and ep lists                           184   (219)
//   every field set: a whole MoE model, every search-space list with plausible values     1,376 (1,427)
//   every list at the reader's limit of 64 entries                                         5,784 (5,199)
//   the largest inputs session_parse accepts (every string at its length limit in control
//   characters JSON escapes to six, every list 64 x 1000000)                              19,451
// Typical sessions stay far under design.md's 2,000-character aim; every accepted input fits under
// kShareLinkMaxChars.
//
// Parsing is for untrusted text. A link longer than kShareLinkMaxChars is refused before decoding; a
// character outside base64url, a cut or an edit (the CRC-32 detects every change of one character; strict
// decoding gives each payload one spelling, so no change goes unnoticed in the spare bits) is
// "share link: truncated or damaged (...)"; a decoded payload goes through session_parse's checks, so a bad
// value names its field: "share link: inputs.cluster.nodes: expected an integer from 1 to 100000, got 0".
// Nothing is half-applied: the caller gets all the inputs or an error. Nothing throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "result.hpp"
#include "session.hpp"

namespace tp {

inline constexpr const char* kShareLinkTag = "s1";        // bumped when the payload's meaning changes
inline constexpr size_t kShareLinkMaxChars = 32768;       // fragments longer than this are refused unread

// "#s1=<payload>" for the inputs (never fails; inputs that session_parse would refuse give a link that
// share_link_parse refuses with the same message).
std::string share_link_fragment(const SessionInputs& in);

// Parses a fragment, with or without its leading '#'. Errors start with "share link: ".
Result<SessionInputs> share_link_parse(std::string_view fragment);

// CRC-32 as zlib and PNG compute it (reflected polynomial 0xEDB88320; "123456789" -> 0xCBF43926), so
// another encoder (a script, the page's JavaScript) can make links.
uint32_t share_link_crc32(std::string_view bytes);

}  // namespace tp
