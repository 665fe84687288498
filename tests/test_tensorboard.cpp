// TensorBoard event files: every fixture decodes to exactly what its generator wrote
// (tests/data/tensorboard/manifest.json, from make_fixtures.py); NeMo's two step-time rules on
// hand-computed cases; any corrupted byte is an error naming its record; any cut of the file keeps
// the complete records before the cut.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include "tensorboard.hpp"
#include "test_data.hpp"

namespace tp {
namespace {

using nlohmann::json;

const char* const kNemo2 = "tensorboard/nemo2_llama3_8b/events.out.tfevents.1732170000.node042.2201734.0";
const char* const kKilled = "tensorboard/nemo2_killed_mid_write/events.out.tfevents.1732171111.node017.88231.0";
const char* const kTorchNewStyle = "tensorboard/torch_new_style/events.out.tfevents.1732172222.gpu-a100-07.51234.0";
const char* const kTf2 = "tensorboard/tf2_summary_scalar/events.out.tfevents.1732173333.tpu-host-2.777.0.v2";
const char* const kWire = "tensorboard/wire_variants/events.out.tfevents.1700000000.synthetic.1.0";

TbEvents read_ok(const std::string& bytes, const std::string& name = "f") {
    Result<TbEvents> r = tensorboard_read(bytes, name);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r.value() : TbEvents{};
}

// Start offsets of the complete records, and the end of the last one.
std::vector<std::size_t> record_starts(const std::string& bytes) {
    std::vector<std::size_t> starts;
    std::size_t pos = 0;
    while (pos + 12 <= bytes.size()) {
        std::uint64_t length = 0;
        std::memcpy(&length, bytes.data() + pos, 8);  // little-endian host (x86, wasm)
        if (pos + 16 + length > bytes.size()) break;
        starts.push_back(pos);
        pos += 16 + std::size_t(length);
    }
    starts.push_back(pos);
    return starts;
}

// A tiny protobuf writer for cases no fixture holds (a few lines, mirroring make_fixtures.py).
std::string varint(std::uint64_t v) {
    std::string out;
    while (v >= 0x80) {
        out += char((v & 0x7F) | 0x80);
        v >>= 7;
    }
    out += char(v);
    return out;
}
std::string key(int field, int wire_type) { return varint(std::uint64_t(field) << 3 | std::uint64_t(wire_type)); }
std::string bytes_field(int field, const std::string& b) { return key(field, 2) + varint(b.size()) + b; }
std::string float_field(int field, float f) {
    std::string out = key(field, 5);
    out.append(reinterpret_cast<const char*>(&f), 4);
    return out;
}
std::string scalar_event(long long step, const std::string& tag, float v) {
    return key(2, 0) + varint(std::uint64_t(step)) + bytes_field(5, bytes_field(1, bytes_field(1, tag) + float_field(2, v)));
}
std::string frame(const std::string& data) {
    std::string out;
    const std::uint64_t n = data.size();
    std::string len(reinterpret_cast<const char*>(&n), 8);
    const std::uint32_t len_crc = tensorboard_masked_crc32c(len), data_crc = tensorboard_masked_crc32c(data);
    out += len;
    out.append(reinterpret_cast<const char*>(&len_crc), 4);
    out += data;
    out.append(reinterpret_cast<const char*>(&data_crc), 4);
    return out;
}

TEST(Tensorboard, Crc32cCheckValuesAndMasking) {
    EXPECT_EQ(tensorboard_crc32c("123456789"), 0xE3069283u);                   // the CRC-32C check value
    EXPECT_EQ(tensorboard_crc32c(std::string(32, '\0')), 0x8A9136AAu);          // RFC 3720 B.4, 32 bytes of zeros
    EXPECT_EQ(tensorboard_crc32c(std::string(32, '\xff')), 0x62A8AB43u);        // RFC 3720 B.4, 32 bytes of 0xff
    EXPECT_EQ(tensorboard_masked_crc32c(""), 0xA282EAD8u);                      // crc 0: only the delta
    const std::uint32_t c = tensorboard_crc32c("123456789");
    EXPECT_EQ(tensorboard_masked_crc32c("123456789"), ((c >> 15) | (c << 17)) + 0xA282EAD8u);
}

TEST(Tensorboard, EveryFixtureDecodesToWhatItsGeneratorWrote) {
    const json manifest = json::parse(test::read_fixture("tensorboard/manifest.json"));
    ASSERT_EQ(manifest["fixtures"].size(), 5u);
    for (const json& m : manifest["fixtures"]) {
        const std::string file = m["file"];
        SCOPED_TRACE(file);
        const std::string bytes = test::read_fixture("tensorboard/" + file);
        ASSERT_EQ(bytes.size(), m["bytes"].get<std::size_t>());
        const TbEvents e = read_ok(bytes, file);
        EXPECT_EQ(e.records, m["records"].get<int>());
        EXPECT_EQ(e.truncated_tail, m["truncated_tail"].get<bool>());
        EXPECT_EQ(e.file_version, m["file_version"].get<std::string>());
        EXPECT_EQ(e.purged, m["purged"].get<int>());
        EXPECT_EQ(e.non_scalar_values, m["non_scalar_values"].get<int>());
        if (!e.truncated_tail) {
            EXPECT_EQ(e.tail_offset, bytes.size());
        }
        ASSERT_EQ(e.scalars.size(), m["scalars"].size());
        for (const auto& [tag, points] : m["scalars"].items()) {
            SCOPED_TRACE(tag);
            ASSERT_TRUE(e.scalars.count(tag));
            const std::vector<TbScalar>& got = e.scalars.at(tag);
            ASSERT_EQ(got.size(), points.size());
            for (std::size_t i = 0; i < got.size(); ++i) {
                EXPECT_EQ(got[i].step, points[i][0].get<long long>()) << i;
                EXPECT_EQ(got[i].wall_time, points[i][1].get<double>()) << i;  // exact: Python repr round-trips
                EXPECT_EQ(got[i].value, points[i][2].get<double>()) << i;
                EXPECT_EQ(std::signbit(got[i].value), std::signbit(points[i][2].get<double>())) << i;
                EXPECT_EQ(got[i].tensor, points[i][3].get<bool>()) << i;
            }
        }
    }
}

TEST(Tensorboard, LightningRunReadsAsWritten) {
    const TbEvents e = read_ok(test::read_fixture(kNemo2));
    EXPECT_EQ(e.file_version, "brain.Event:2");
    EXPECT_EQ(e.records, 1 + 1 + 3 + 12 * 7);  // file_version, hp_metric, 3 hparams summaries, 12 steps x 7 metrics
    EXPECT_EQ(e.non_scalar_values, 3);          // the hparams plugin's experiment / session start / session end
    const std::vector<TbScalar>& t = e.scalars.at(std::string(kTensorboardStepTimeTag));
    ASSERT_EQ(t.size(), 12u);
    EXPECT_EQ(t[0].step, 0);  // step 0: the writer leaves the field out
    EXPECT_EQ(t[0].value, 6.75);
    EXPECT_EQ(t[11].step, 11);
    EXPECT_EQ(t[11].value, 1.6171875);
    EXPECT_FALSE(t[11].tensor);
    EXPECT_EQ(t[1].wall_time, 1732170000.5234375 + 20.0 + 6.75 + 1.71875 + 4 * 0.000244140625);
    // simple_value is a float32: lr 3e-4 * 8 / 2000 comes back as float(1.2e-6).
    EXPECT_EQ(e.scalars.at("lr")[7].value, double(1.2e-6f));
    EXPECT_EQ(e.scalars.at("hp_metric")[0].value, -1.0);
    EXPECT_EQ(e.scalars.at("epoch")[3].value, 0.0);  // a 0.0 simple_value is still written (oneof)
    EXPECT_EQ(e.scalars.at("consumed_samples")[11].value, 12.0 * 128);
}

TEST(Tensorboard, NemoStepTimeRulesOnTheFixtures) {
    // nemo2_llama3_8b, 12 points [6.75, 1.71875, 1.640625, 1.6015625, 1.59375, 1.625, 1.609375,
    // 1.6171875, 1.6171875, 1.625, 1.609375, 1.6171875]:
    //   nemo2:    drop 1 -> 11 points, sum 17.875, mean 1.625 exactly; Python's round(1.625, 2) is
    //             1.62 (an exact binary tie goes to even), not 1.63.
    //   launcher: drop 5 -> 7 points, sum 11.3203125, mean 1.6171875 -> round(., 4) = 1.6172.
    const TbEvents a = read_ok(test::read_fixture(kNemo2));
    EXPECT_EQ(tensorboard_nemo_step_time_s(a, NemoFlavor::nemo2), 1.62);
    EXPECT_EQ(tensorboard_nemo_step_time_s(a, NemoFlavor::launcher), 1.6172);
    // Killed at step 8: 8 complete points [7.5, 2.25, 2.1875, 2.125, 2.09375, 2.125, 2.0625, 2.09375].
    //   nemo2: 8 < 10 -> skipped.  launcher: 8 > 6, drop 5 -> [2.125, 2.0625, 2.09375], sum 6.28125,
    //   mean 2.09375, a tie at 4 decimals -> 2.0938 (to even).
    const TbEvents b = read_ok(test::read_fixture(kKilled));
    EXPECT_EQ(tensorboard_nemo_step_time_s(b, NemoFlavor::nemo2), std::nullopt);
    EXPECT_EQ(tensorboard_nemo_step_time_s(b, NemoFlavor::launcher), 2.0938);
    // torch new_style (tensor float_val), 11 points [5.5, 0.8125, 0.796875, 0.828125, 0.8125, 0.8125,
    // 0.796875, 0.828125, 0.8125, 0.8125, 0.8125]: nemo2 sum 8.125 / 10 = 0.8125 -> 0.81;
    // launcher sum 4.875 / 6 = 0.8125 -> 0.8125.
    const TbEvents c = read_ok(test::read_fixture(kTorchNewStyle));
    EXPECT_EQ(tensorboard_nemo_step_time_s(c, NemoFlavor::nemo2), 0.81);
    EXPECT_EQ(tensorboard_nemo_step_time_s(c, NemoFlavor::launcher), 0.8125);
    // TF2 tensor_content, 10 points [3, 1.25, 1.25, 1.5, 1.25, 1.25, 1.5, 1.25, 1.25, 1.5]:
    // nemo2 (10 is enough) 12 / 9 = 1.333.. -> 1.33; launcher [1.25, 1.5, 1.25, 1.25, 1.5] 6.75 / 5 -> 1.35.
    const TbEvents d = read_ok(test::read_fixture(kTf2));
    EXPECT_EQ(tensorboard_nemo_step_time_s(d, NemoFlavor::nemo2), 1.33);
    EXPECT_EQ(tensorboard_nemo_step_time_s(d, NemoFlavor::launcher), 1.35);
    // No step-time tag at all.
    const TbEvents w = read_ok(test::read_fixture(kWire));
    EXPECT_EQ(tensorboard_nemo_step_time_s(w, NemoFlavor::nemo2), std::nullopt);
    EXPECT_EQ(tensorboard_nemo_step_time_s(w, NemoFlavor::launcher), std::nullopt);
}

TEST(Tensorboard, NemoStepTimeThresholds) {
    // n points: the first is 100 (warm-up), points 1..4 are 10, the rest 1.
    for (int n = 0; n <= 12; ++n) {
        TbEvents e;
        std::vector<TbScalar>& p = e.scalars[std::string(kTensorboardStepTimeTag)];
        for (int i = 0; i < n; ++i) p.push_back(TbScalar{i, 0.0, i == 0 ? 100.0 : i < 5 ? 10.0 : 1.0, false});
        const auto nemo2 = tensorboard_nemo_step_time_s(e, NemoFlavor::nemo2);
        const auto launcher = tensorboard_nemo_step_time_s(e, NemoFlavor::launcher);
        if (n < 10) {
            EXPECT_EQ(nemo2, std::nullopt) << n;
        } else {
            EXPECT_EQ(nemo2, python_round((40.0 + (n - 5)) / (n - 1), 2)) << n;  // 10 points: 45 / 9 = 5
        }
        if (n <= 6) {
            EXPECT_EQ(launcher, std::nullopt) << n;
        } else {
            EXPECT_EQ(launcher, 1.0) << n;  // the first 5 dropped: only the 1.0 points remain
        }
    }
    TbEvents ten;
    for (int i = 0; i < 10; ++i) ten.scalars[std::string(kTensorboardStepTimeTag)].push_back(TbScalar{i, 0, i == 0 ? 100.0 : i < 5 ? 10.0 : 1.0, false});
    EXPECT_EQ(tensorboard_nemo_step_time_s(ten, NemoFlavor::nemo2), 5.0);  // (4 * 10 + 5 * 1) / 9
    // Values no run produces still come back as Python's round would give them: unchanged.
    for (double v : {1e300, -4e20, HUGE_VAL}) {
        TbEvents odd;
        for (int i = 0; i < 10; ++i) odd.scalars[std::string(kTensorboardStepTimeTag)].push_back(TbScalar{i, 0, v, false});
        double sum = 0;
        for (int i = 1; i < 10; ++i) sum += v;
        EXPECT_EQ(tensorboard_nemo_step_time_s(odd, NemoFlavor::nemo2), sum / 9) << v;
    }
}

TEST(Tensorboard, EveryCorruptedByteIsAnErrorNamingItsRecord) {
    const std::string good = test::read_fixture(kNemo2);
    const std::vector<std::size_t> starts = record_starts(good);
    ASSERT_EQ(starts.back(), good.size());
    std::size_t record = 0;
    for (std::size_t i = 0; i < good.size(); ++i) {
        while (i >= starts[record + 1]) ++record;
        std::string bad = good;
        bad[i] = char(bad[i] ^ 0x20);
        Result<TbEvents> r = tensorboard_read(bad, "run/events.out.tfevents.x");
        ASSERT_FALSE(r) << "byte " << i;
        const std::string& msg = r.error().message;
        EXPECT_EQ(r.error().kind, ErrorKind::parse_error);
        const std::string where = "run/events.out.tfevents.x: record index " + std::to_string(record) + " at byte offset " +
                                  std::to_string(starts[record]) + ": ";
        ASSERT_EQ(msg.rfind(where, 0), 0u) << "byte " << i << ": " << msg;
        const std::size_t in_record = i - starts[record];
        if (in_record < 12) {
            EXPECT_NE(msg.find("length's CRC"), std::string::npos) << msg;
        } else {
            EXPECT_NE(msg.find("data's CRC"), std::string::npos) << msg;
        }
    }
}

TEST(Tensorboard, FlippedDataByteMessage) {
    const std::string good = test::read_fixture(kNemo2);
    const std::vector<std::size_t> starts = record_starts(good);
    std::string bad = good;
    bad[starts[7] + 12 + 3] ^= 0x01;
    Result<TbEvents> r = tensorboard_read(bad, "x.tfevents");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("x.tfevents: record index 7 at byte offset " + std::to_string(starts[7]) +
                                     ": the data's CRC does not match (stored 0x"),
              std::string::npos)
        << r.error().message;
    bad = good;
    bad[starts[7]] ^= 0x01;  // the length itself: caught by its own CRC before it is used
    r = tensorboard_read(bad, "x.tfevents");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("record index 7 at byte offset " + std::to_string(starts[7]) + ": the length's CRC"),
              std::string::npos)
        << r.error().message;
}

TEST(Tensorboard, EveryCutKeepsTheCompleteRecordsBeforeIt) {
    for (const char* fixture : {kNemo2, kTorchNewStyle, kWire}) {
        SCOPED_TRACE(fixture);
        const std::string whole = test::read_fixture(fixture);
        const TbEvents all = read_ok(whole);
        const std::vector<std::size_t> starts = record_starts(whole);
        const std::set<std::size_t> boundaries(starts.begin(), starts.end());
        for (std::size_t n = 0; n <= whole.size(); ++n) {
            const TbEvents e = read_ok(whole.substr(0, n));
            const bool at_boundary = boundaries.count(n) > 0;
            ASSERT_EQ(e.truncated_tail, !at_boundary) << n;
            const std::size_t complete = std::size_t(std::upper_bound(starts.begin(), starts.end(), n) - starts.begin()) - 1;
            ASSERT_EQ(e.records, int(complete)) << n;
            ASSERT_EQ(e.tail_offset, starts[complete]) << n;
            if (fixture == kWire) continue;  // its restart purge makes later prefixes drop earlier points
            for (const auto& [tag, points] : e.scalars) {
                const std::vector<TbScalar>& full = all.scalars.at(tag);
                ASSERT_LE(points.size(), full.size());
                for (std::size_t i = 0; i < points.size(); ++i) ASSERT_EQ(points[i].value, full[i].value) << n;
            }
        }
    }
}

TEST(Tensorboard, KilledRunKeepsItsEightSteps) {
    const std::string bytes = test::read_fixture(kKilled);
    const TbEvents e = read_ok(bytes);
    EXPECT_TRUE(e.truncated_tail);
    EXPECT_EQ(e.records, 65);  // 5 before training, 8 steps x 7 metrics, 4 metrics of step 8
    EXPECT_EQ(e.tail_offset, record_starts(bytes).back());
    EXPECT_EQ(e.tail_offset + 12 + 9, bytes.size());  // cut 9 bytes into the last record's data
    EXPECT_EQ(e.scalars.at(std::string(kTensorboardStepTimeTag)).size(), 8u);
    EXPECT_EQ(e.scalars.at("reduced_train_loss").size(), 9u);
    EXPECT_EQ(e.scalars.at("reduced_train_loss").back().value, 8.625);
}

TEST(Tensorboard, EmptyInputIsZeroRecords) {
    const TbEvents e = read_ok("");
    EXPECT_EQ(e.records, 0);
    EXPECT_FALSE(e.truncated_tail);
    EXPECT_EQ(e.tail_offset, 0u);
    EXPECT_TRUE(e.scalars.empty());
    EXPECT_EQ(e.file_version, "");
}

TEST(Tensorboard, TensorFormsAndWireVariants) {
    const TbEvents c = read_ok(test::read_fixture(kTorchNewStyle));
    EXPECT_TRUE(c.scalars.at("lr")[0].tensor);
    EXPECT_EQ(c.scalars.at("lr")[0].value, 1e-4 / 500);  // double_precision: the double itself, not a float32
    const TbEvents w = read_ok(test::read_fixture(kWire));
    EXPECT_EQ(w.scalars.at("a")[1].value, 4.0);                  // simple_value twice: the last wins
    EXPECT_EQ(w.scalars.at("b")[0].value, 2.5);                  // unpacked float_val
    EXPECT_EQ(w.scalars.at("c")[0].value, 0.1);                  // rank-1 one-element double tensor_content
    EXPECT_EQ(w.scalars.at("neg")[0].step, -1);                  // ten-byte varint
    EXPECT_EQ(w.scalars.at("big")[0].step, (1LL << 40) + 3);
    EXPECT_EQ(w.scalars.count("vec"), 0u);                       // three elements: not a scalar
    EXPECT_EQ(w.scalars.count("note"), 0u);                      // a string tensor
    EXPECT_EQ(w.non_scalar_values, 2);
    EXPECT_EQ(w.purged, 2);                                      // SessionLog START at step 3
}

TEST(Tensorboard, OutOfOrderStepsPurgeThatTagWithoutAFileVersion) {
    // No "brain.Event:2" first (or version < 2): TensorBoard drops the points of an event's tags
    // whose step is >= a step that went backwards; other tags keep theirs.
    std::string file = frame(bytes_field(3, "brain.Event:1"));
    file += frame(scalar_event(5, "x", 1.0f)) + frame(scalar_event(6, "x", 2.0f)) + frame(scalar_event(7, "y", 3.0f));
    file += frame(scalar_event(4, "x", 4.0f));  // back to step 4: x@5 and x@6 go, y@7 stays
    const TbEvents e = read_ok(file);
    EXPECT_EQ(e.purged, 2);
    ASSERT_EQ(e.scalars.at("x").size(), 1u);
    EXPECT_EQ(e.scalars.at("x")[0].step, 4);
    EXPECT_EQ(e.scalars.at("y").size(), 1u);
    // With file_version 2, steps going backwards purge nothing (only SessionLog START does).
    std::string v2 = frame(bytes_field(3, "brain.Event:2")) + frame(scalar_event(5, "x", 1.0f)) + frame(scalar_event(4, "x", 4.0f));
    const TbEvents f = read_ok(v2);
    EXPECT_EQ(f.purged, 0);
    EXPECT_EQ(f.scalars.at("x").size(), 2u);
}

TEST(Tensorboard, MalformedProtobufInsideAGoodRecordIsAnError) {
    const std::string ok = frame(bytes_field(3, "brain.Event:2"));
    const struct {
        std::string data;
        const char* says;
    } cases[] = {
        {std::string("\x2a\x05" "ab", 4), "Event: a length-delimited field runs past the end"},
        {std::string("\x10\xff\xff", 3), "Event: a varint runs past the end"},
        {std::string("\x10") + std::string(10, '\xff') + "\x01", "Event: a varint longer than ten bytes"},
        {std::string("\x09\x01\x02", 3), "Event: a 64-bit field runs past the end"},
        {std::string("\x0b", 1), "Event: wire type 3, 4, 6 or 7"},
        {std::string("\x00\x00", 2), "Event: field number 0"},
        {bytes_field(5, bytes_field(1, bytes_field(8, bytes_field(5, "abc")))), "TensorProto.float_val: packed length"},
        {bytes_field(5, bytes_field(1, std::string("\x15\x01", 2))), "Summary.Value: a 32-bit field runs past the end"},
    };
    for (const auto& c : cases) {
        Result<TbEvents> r = tensorboard_read(ok + frame(c.data), "bad.tfevents");
        ASSERT_FALSE(r) << c.says;
        EXPECT_NE(r.error().message.find("bad.tfevents: record index 1 at byte offset " + std::to_string(ok.size()) +
                                         ": not a tensorboard.Event protobuf (" + c.says),
                  std::string::npos)
            << r.error().message;
    }
    // A zero-length record is a valid Event (all defaults), and so is a record of only unknown fields.
    const TbEvents e = read_ok(frame("") + frame(key(15, 0) + varint(1)));
    EXPECT_EQ(e.records, 2);
}

TEST(Tensorboard, HugeLengthWithAGoodCrcIsACutNotACrash) {
    // A length field whose CRC matches but that points past the end looks exactly like a record cut
    // while being written.
    const std::uint64_t n = 0xFFFFFFFFFFFFFFF0ull;
    std::string len(reinterpret_cast<const char*>(&n), 8);
    const std::uint32_t crc = tensorboard_masked_crc32c(len);
    const std::string file = frame(bytes_field(3, "brain.Event:2")) + len + std::string(reinterpret_cast<const char*>(&crc), 4) + "abc";
    const TbEvents e = read_ok(file);
    EXPECT_TRUE(e.truncated_tail);
    EXPECT_EQ(e.records, 1);
}

}  // namespace
}  // namespace tp
