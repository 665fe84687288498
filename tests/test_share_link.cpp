// Share links: every input restored exactly, short for typical sessions, and any cut, edited or hostile
// link an error that starts with "share link: " (naming the field where a value is wrong), never a crash.
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "hf_config.hpp"
#include "model_presets.hpp"
#include "share_link.hpp"
#include "test_data.hpp"

namespace tp {
namespace {

using nlohmann::json;

// [SECTION] Sessions
SessionInputs preset_inputs(const char* preset) {
    SessionInputs in;
    in.model = *model_preset_find(preset);
    in.model_preset = preset;
    return in;
}

// llama3-70b on 16 x 8 H100 with a few search-space lists: the typical shared session.
SessionInputs typical_llama() {
    SessionInputs in = preset_inputs("llama3-70b");
    in.training.nodes = 16;
    in.training.seq = 8192;
    in.training.gbs = 512;
    in.training.precision = Precision::fp8;
    in.search_space.tp = {2, 4, 8};
    in.search_space.pp = {1, 2, 4, 8};
    in.search_space.mbs = {1, 2};
    return in;
}

// A model given whole: gemma2-9b as imported from its config.json, renamed.
SessionInputs whole_gemma() {
    SessionInputs in;
    in.model = *hf_config_parse(test::read_fixture("hf/gemma2_9b.json"), "gemma2_9b.json");
    in.model.name = "my-gemma2-9b";
    in.training.nodes = 16;
    in.training.seq = 8192;
    in.training.gbs = 512;
    in.training.precision = Precision::fp8;
    in.search_space.tp = {2, 4, 8};
    in.search_space.pp = {1, 2, 4, 8};
    in.search_space.mbs = {1, 2};
    return in;
}

SessionInputs moe_mixtral() {
    SessionInputs in = preset_inputs("mixtral-8x7b");
    in.model.moe.top_k = 1;  // differs from the preset: travels as one field
    in.gpu = "h200";
    in.training.nodes = 8;
    in.search_space.ep = {1, 2, 4, 8};
    in.search_space.tp = {1, 2};
    return in;
}

// A MoE model given whole (no preset), every MoE field set.
SessionInputs whole_moe() {
    SessionInputs in;
    in.model = *hf_config_parse(test::read_fixture("hf/mixtral_8x7b.json"), "mixtral/config.json");
    in.model.moe.shared_experts = 2;
    in.model.moe.shared_expert_ffn = 2048;
    in.model.moe.layer_freq = 2;
    return in;
}

// Every list and every scalar away from its default.
SessionInputs everything_set() {
    SessionInputs in = whole_moe();
    in.model.name = "custom \"quoted\" name \xc3\xa9\xe2\x9c\x93";  // quotes and UTF-8 travel exactly
    in.model.family = "mixtral";
    in.model.arch = Architecture::decoder;
    in.model.position = PositionKind::learned;
    in.model.mlp = MlpKind::gelu;
    in.model.norm = NormKind::layernorm;
    in.model.tied_embeddings = in.model.attention_bias = in.model.mlp_bias = in.model.dropout = true;
    in.model.max_seq = 32768;
    in.model.extra_norms_per_layer = 2;
    in.gpu = "a100-80gb";
    in.training.nodes = 128;
    in.training.gpus_per_node = 4;
    in.training.seq = 16384;
    in.training.gbs = 2048;
    in.training.precision = Precision::fp8;
    in.training.framework = Framework::torchtitan;
    in.training.compiled_loss = true;
    in.training.async_tp = true;
    in.training.grad_reduce_in_fp32 = false;
    in.training.memory_margin = 0.1;
    SearchSpace& s = in.search_space;
    s.tp = {1, 2, 4, 8};
    s.pp = {1, 2, 4, 8, 16};
    s.vp = {1, 2, 4};
    s.cp = {1, 2};
    s.ep = {1, 2, 4, 8};
    s.mbs = {1, 2, 4};
    s.gbs = {1024, 2048};
    s.recompute = {{Recompute::none, 0}, {Recompute::selective, 0}, {Recompute::full, 0}, {Recompute::full, 4}};
    s.sharding = {OptimizerSharding::none, OptimizerSharding::distributed, OptimizerSharding::zero1, OptimizerSharding::zero2,
                  OptimizerSharding::zero3, OptimizerSharding::fsdp};
    s.tp_across_nodes = true;
    in.heuristics = "nemo";
    in.top = 25;
    return in;
}

SessionInputs nemo_heuristics() {
    SessionInputs in = preset_inputs("gpt3-5b");
    in.heuristics = "nemo";
    in.top = 0;
    in.training.grad_reduce_in_fp32 = false;
    return in;
}

// Every list at 64 plausible entries (the reader's limit), a long source string: large but realistic.
SessionInputs every_list_full() {
    SessionInputs in = everything_set();
    in.model.source = std::string(200, 's');
    SearchSpace& s = in.search_space;
    for (std::vector<int>* v : {&s.tp, &s.pp, &s.vp, &s.cp, &s.ep, &s.mbs, &s.gbs}) {
        v->clear();
        for (int i = 1; i <= 64; ++i) v->push_back(i * 16);
    }
    s.recompute.clear();
    for (int i = 1; i <= 64; ++i) s.recompute.push_back({Recompute::full, i});
    s.sharding.assign(64, OptimizerSharding::distributed);
    return in;
}

// The largest inputs session_parse accepts: every string at its length limit, in characters JSON escapes
// to six ("\u0001"), every list 64 entries of the largest value.
SessionInputs largest_accepted() {
    SessionInputs in = every_list_full();
    in.model.name = std::string(200, '\x01');
    in.model.family = std::string(200, '\x01');
    in.model.source = std::string(1000, '\x01');
    SearchSpace& s = in.search_space;
    for (std::vector<int>* v : {&s.tp, &s.pp, &s.vp, &s.cp, &s.ep, &s.mbs, &s.gbs}) v->assign(64, 1000000);
    s.recompute.assign(64, RecomputeChoice{Recompute::full, 100000});
    return in;
}

std::string inputs_text(const SessionInputs& in) { return session_inputs_json(in).dump(); }

// [SECTION] Round trips
TEST(ShareLink, RoundTripRestoresEveryInput) {
    const std::vector<std::pair<const char*, SessionInputs>> sessions = {
        {"defaults with a preset", preset_inputs("llama3-8b")},
        {"typical llama3-70b", typical_llama()},
        {"whole gemma2-9b", whole_gemma()},
        {"mixtral preset, one MoE field changed", moe_mixtral()},
        {"whole MoE model", whole_moe()},
        {"everything set", everything_set()},
        {"nemo heuristics", nemo_heuristics()},
        {"every list full", every_list_full()},
        {"largest accepted", largest_accepted()},
    };
    for (const auto& [what, in] : sessions) {
        SCOPED_TRACE(what);
        // The inputs are valid as a session file first (so the link is not judged on bad inputs).
        Session s;
        s.inputs = in;
        Result<Session> file = session_parse(session_to_json(s), "check.json");
        ASSERT_TRUE(file) << file.error().message;
        const std::string link = share_link_fragment(in);
        EXPECT_EQ(link.rfind("#s1=", 0), 0u);
        EXPECT_LE(link.size(), kShareLinkMaxChars);
        Result<SessionInputs> back = share_link_parse(link);
        ASSERT_TRUE(back) << back.error().message;
        EXPECT_EQ(inputs_text(*back), inputs_text(in));
        EXPECT_EQ(share_link_fragment(*back), link);  // one spelling per inputs
        Result<SessionInputs> bare = share_link_parse(std::string_view(link).substr(1));  // without '#'
        ASSERT_TRUE(bare) << bare.error().message;
        EXPECT_EQ(inputs_text(*bare), inputs_text(in));
    }
}

TEST(ShareLink, PresetAliasAndOverridesTravel) {
    SessionInputs in = preset_inputs("meta-llama-3-70b");  // an alias: kept as the user gave it
    in.model.vocab = 128000;                               // a field differing from the preset
    Result<SessionInputs> back = share_link_parse(share_link_fragment(in));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->model_preset, "meta-llama-3-70b");
    EXPECT_EQ(back->model.vocab, 128000);
    EXPECT_EQ(inputs_text(*back), inputs_text(in));
}

TEST(ShareLink, InvalidUtf8IsReplacedNotThrown) {
    // A name read from a file may hold invalid UTF-8: the link carries U+FFFD for it, as session_to_json does.
    SessionInputs in = preset_inputs("llama3-8b");
    in.model.name = "bad \xff byte";
    Result<SessionInputs> back = share_link_parse(share_link_fragment(in));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->model.name, "bad \xef\xbf\xbd byte");
}

// The payload format is a contract with every link already pasted somewhere: this one must keep working.
// (Python gives the same: base64.urlsafe_b64encode(json + zlib.crc32(json).to_bytes(4, "big")) without '='.)
TEST(ShareLink, FormatIsStable) {
    const std::string link = share_link_fragment(typical_llama());
    EXPECT_EQ(link,
              "#s1=eyJjbHVzdGVyIjp7Im5vZGVzIjoxNn0sIm1vZGVsIjp7InByZXNldCI6ImxsYW1hMy03MGIifSwic2VhcmNoX3NwYWNlIjp7Im1icyI6"
              "WzEsMl0sInBwIjpbMSwyLDQsOF0sInRwIjpbMiw0LDhdfSwidHJhaW5pbmciOnsiZ2JzIjo1MTIsInByZWNpc2lvbiI6ImZwOCIsInNlcSI6"
              "ODE5Mn19w2KYfA");
    EXPECT_EQ(share_link_crc32("123456789"), 0xCBF43926u);  // the zlib / PNG CRC-32
    EXPECT_EQ(share_link_crc32(""), 0u);
}

// [SECTION] Length
// Percent-encoding of the same JSON (what a fragment may hold unescaped: RFC 3986 pchar, '/' and '?').
std::string percent_encoded(const std::string& text) {
    const std::string keep = "-._~!$&'()*+,;=:@/?";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || keep.find(char(c)) != std::string::npos) out += char(c);
        else out += "%XX";
    }
    return out;
}
// The JSON a link carries: its payload base64url-decoded, the 4 CRC bytes dropped.
std::string payload_json(const std::string& link) {
    const std::string_view table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : link.substr(4)) {
        acc = (acc << 6) | uint32_t(table.find(c));
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += char((acc >> bits) & 0xffu);
        }
    }
    return out.substr(0, out.size() - 4);
}

TEST(ShareLink, TypicalLinksAreShort) {
    // Measured (share_link.hpp): 230, 535, 184, 1376, 5784 and 19451 characters; bounds with margin.
    const std::string llama = share_link_fragment(typical_llama());
    const std::string gemma = share_link_fragment(whole_gemma());
    EXPECT_LT(llama.size(), 300u);
    EXPECT_LT(gemma.size(), 700u);
    EXPECT_LT(share_link_fragment(moe_mixtral()).size(), 250u);
    EXPECT_LT(share_link_fragment(everything_set()).size(), 2000u);  // the design's aim, even with every field set
    EXPECT_LT(share_link_fragment(every_list_full()).size(), 8000u);
    EXPECT_LT(share_link_fragment(largest_accepted()).size(), kShareLinkMaxChars);
    // Defaults are left out: a preset alone is a few dozen characters.
    EXPECT_EQ(payload_json(share_link_fragment(preset_inputs("llama3-8b"))), R"({"model":{"preset":"llama3-8b"}})");
    EXPECT_EQ(payload_json(llama),
              R"({"cluster":{"nodes":16},"model":{"preset":"llama3-70b"},"search_space":{"mbs":[1,2],"pp":[1,2,4,8],"tp":[2,4,8]},)"
              R"("training":{"gbs":512,"precision":"fp8","seq":8192}})");
    // base64url is the shorter of the two URL-safe spellings for typical inputs (230 vs 265, 535 vs 556; the
    // percent-encoded form would carry the CRC as 8 hex digits).
    for (const std::string& link : {llama, gemma}) {
        EXPECT_LT(link.size(), 4 + percent_encoded(payload_json(link)).size() + 8) << link;  // + 8 hex digits of CRC
    }
}

// [SECTION] Hostile and broken links
std::string error_of(std::string_view fragment) {
    Result<SessionInputs> r = share_link_parse(fragment);
    EXPECT_FALSE(r) << std::string(fragment.substr(0, 200));
    return r ? std::string() : r.error().message;
}
bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// A link around any bytes, with a correct CRC: what a hostile encoder can make.
std::string link_around(const std::string& bytes) {
    const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string payload = bytes;
    const uint32_t crc = share_link_crc32(bytes);
    for (int shift = 24; shift >= 0; shift -= 8) payload += char((crc >> shift) & 0xffu);
    std::string out = "#s1=";
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char b : payload) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) out += table[(acc >> (bits -= 6)) & 63u];
    }
    if (bits > 0) out += table[(acc << (6 - bits)) & 63u];
    return out;
}

TEST(ShareLinkErrors, EveryPrefixIsRefused) {
    for (const SessionInputs& in : {typical_llama(), whole_gemma()}) {
        const std::string link = share_link_fragment(in);
        size_t checksum = 0, length = 0;
        for (size_t n = 0; n < link.size(); ++n) {
            const std::string e = error_of(std::string_view(link).substr(0, n));
            if (n <= 4) {
                EXPECT_TRUE(starts_with(e, "share link: ")) << e;
                continue;
            }
            // A cut to a length base64 never has is caught before the checksum; every other cut by the checksum.
            if (e == "share link: truncated or damaged (checksum mismatch)") ++checksum;
            else if (e == "share link: truncated or damaged (length)") ++length;
            else if (e != "share link: truncated or damaged (too short)") ADD_FAILURE() << n << ": " << e;
        }
        EXPECT_GT(checksum, link.size() / 2);
        EXPECT_GT(length, link.size() / 5);
    }
}

TEST(ShareLinkErrors, EverySingleCharacterChangeIsRefused) {
    const std::string link = share_link_fragment(typical_llama());
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_#=s1+/% \n\t\x00\x7f\xff";
    size_t tried = 0;
    for (size_t i = 0; i < link.size(); ++i) {
        for (char c : std::string(alphabet.data(), alphabet.size() + 1)) {  // with the NUL
            if (c == link[i]) continue;
            std::string changed = link;
            changed[i] = c;
            const std::string e = error_of(changed);
            ASSERT_TRUE(starts_with(e, "share link: ")) << i << ": " << e;
            if (i >= 4) {
                ASSERT_TRUE(starts_with(e, "share link: truncated or damaged (")) << i << ": " << e;
            }
            ++tried;
        }
        std::string removed = link;  // and every single character left out (but the optional '#')
        removed.erase(i, 1);
        if (i > 0) {
            EXPECT_TRUE(starts_with(error_of(removed), "share link: ")) << i;
        }
    }
    EXPECT_GT(tried, 10000u);
}

TEST(ShareLinkErrors, WrongTagOrCharacters) {
    const std::string link = share_link_fragment(typical_llama());
    const std::string payload = link.substr(4);
    EXPECT_EQ(error_of("#s2=" + payload), "share link: version s2 is not supported (this trainplan reads s1 links)");
    EXPECT_EQ(error_of("s10=" + payload), "share link: version s10 is not supported (this trainplan reads s1 links)");
    EXPECT_EQ(error_of("#S1=" + payload), "share link: not a trainplan share link (expected #s1=...)");
    EXPECT_EQ(error_of("#x=1"), "share link: not a trainplan share link (expected #s1=...)");
    EXPECT_EQ(error_of("#s1"), "share link: not a trainplan share link (expected #s1=...)");
    EXPECT_EQ(error_of(""), "share link: empty (expected #s1=...)");
    EXPECT_EQ(error_of("#"), "share link: empty (expected #s1=...)");
    EXPECT_EQ(error_of("#s1="), "share link: truncated or damaged (too short)");
    EXPECT_EQ(error_of("#s1=" + payload.substr(0, 10) + "+" + payload.substr(11)),
              "share link: truncated or damaged (character 15, '+', is not base64url: A-Z, a-z, 0-9, '-', '_')");
    EXPECT_EQ(error_of(link + "="), "share link: truncated or damaged (character " + std::to_string(link.size() + 1) +
                                        ", '=', is not base64url: A-Z, a-z, 0-9, '-', '_')");
    EXPECT_EQ(error_of(link + "\n"), "share link: truncated or damaged (character " + std::to_string(link.size() + 1) +
                                         ", 0x0a, is not base64url: A-Z, a-z, 0-9, '-', '_')");
    EXPECT_TRUE(starts_with(error_of("#s1=" + payload.substr(0, 20) + "%2B" + payload.substr(20)), "share link: truncated or damaged (character 25, '%'"));
    EXPECT_TRUE(starts_with(error_of(link + "\xc3\xa9"), "share link: truncated or damaged (character "));
}

TEST(ShareLinkErrors, HugeLinksAreRefusedBeforeDecoding) {
    const std::string huge = "#s1=" + std::string(kShareLinkMaxChars, 'A');
    EXPECT_EQ(error_of(huge), "share link: too long (32772 characters; at most 32768)");
    EXPECT_EQ(error_of(std::string(1 << 24, '!')), "share link: too long (16777216 characters; at most 32768)");
    // Just under the limit: decoded and checked (here: the checksum of zeros fails).
    EXPECT_EQ(error_of("#s1=" + std::string(kShareLinkMaxChars - 4, 'A')), "share link: truncated or damaged (checksum mismatch)");
}

TEST(ShareLinkErrors, ValidChecksumOverBadJson) {
    EXPECT_TRUE(starts_with(error_of(link_around("{")), "share link: inputs: not valid JSON (")) << error_of(link_around("{"));
    EXPECT_TRUE(starts_with(error_of(link_around("not json")), "share link: inputs: not valid JSON ("));
    EXPECT_TRUE(starts_with(error_of(link_around("{\"model\":{\"preset\":\"llama3-8b\"}} trailing")), "share link: inputs: not valid JSON ("));
    EXPECT_TRUE(starts_with(error_of(link_around("{\"model\":{\"name\":\"\xff\xfe\"}}")), "share link: inputs: not valid JSON ("));
    EXPECT_TRUE(starts_with(error_of(link_around("{\"cluster\":{\"nodes\":1E444}}")), "share link: inputs: not valid JSON ("));
    EXPECT_EQ(error_of(link_around("[1,2]")), "share link: inputs: expected a JSON object, got [1,2]");
    EXPECT_EQ(error_of(link_around("\"" + std::string(100, 'x') + "\"")),
              "share link: inputs: expected a JSON object, got \"" + std::string(56, 'x') + "...");
    EXPECT_EQ(error_of(link_around("{}")), "share link: inputs.model: missing");
    EXPECT_EQ(error_of(link_around(std::string(10000, '[') + std::string(10000, ']'))), "share link: inputs: nested more than 16 levels deep");
    EXPECT_EQ(error_of(link_around(R"({"model":{"preset":"llama3-8b"},"plan":{}})")),
              "share link: inputs.plan: unknown key (known: model, cluster, training, search_space, mode, budget, finetune, inference)");
    // Brackets inside strings are not nesting.
    Result<SessionInputs> r = share_link_parse(link_around(R"({"model":{"preset":"llama3-8b","name":")" + std::string(100, '[') + R"("}})"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->model.name, std::string(100, '['));
}

TEST(ShareLinkErrors, OutOfRangeValuesNameTheField) {
    auto with = [](const char* inputs) { return error_of(link_around(inputs)); };
    EXPECT_EQ(with(R"({"model":{"preset":"llama3-70b"},"cluster":{"nodes":0}})"),
              "share link: inputs.cluster.nodes: expected an integer from 1 to 100000, got 0");
    EXPECT_EQ(with(R"({"model":{"preset":"llama3-70b"},"cluster":{"nodes":"eight"}})"),
              "share link: inputs.cluster.nodes: expected an integer from 1 to 100000, got \"eight\"");
    EXPECT_EQ(with(R"({"model":{"preset":"llama3-70b"},"search_space":{"tp":[1,-2]}})"),
              "share link: inputs.search_space.tp[1]: expected an integer from 1 to 1000000, got -2");
    EXPECT_EQ(with(R"({"model":{"preset":"llama3-70b"},"mode":{"heuristics":"magic"}})"),
              "share link: inputs.mode.heuristics: 'magic' is not one of trainplan, nemo");
    EXPECT_EQ(with(R"({"model":{"preset":"llama3-70b","layers":-1}})"),
              "share link: inputs.model.layers: expected an integer from 0 to 100000, got -1");
    EXPECT_EQ(with(R"({"model":{"preset":"llama3-70b"},"training":{"memory_margin":2}})"),
              "share link: inputs.training.memory_margin: expected a number from 0.0 to 0.9, got 2");
    EXPECT_TRUE(starts_with(with(R"({"model":{"preset":"llama9"}})"), "share link: inputs.model.preset: "));
    EXPECT_TRUE(starts_with(with(R"({"model":{"preset":"llama3-70b"},"cluster":{"gpu":"h999"}})"), "share link: inputs.cluster.gpu: "));
    EXPECT_EQ(with(R"({"model":{"name":"x"}})"),
              "share link: inputs.model: needs \"preset\" or the architecture fields (layers, hidden, ffn, heads, ...)");
    // Inputs the encoder was given but a session file would refuse: the link is refused with the same message.
    SessionInputs bad = typical_llama();
    bad.training.nodes = 0;
    EXPECT_EQ(error_of(share_link_fragment(bad)), "share link: inputs.cluster.nodes: expected an integer from 1 to 100000, got 0");
}

}  // namespace
}  // namespace tp
