// tensorboard.cpp — TFRecord framing, a small protobuf wire-format reader, and the few
// tensorboard.Event messages that carry scalars. What is read, and from whom: tensorboard.hpp.
//
// [SECTION] CRC-32C
// [SECTION] Protobuf wire format
// [SECTION] Event, Summary, TensorProto
// [SECTION] TensorBoard's accumulation rules (purges)
// [SECTION] Records
// [SECTION] NeMo's step time
#include "tensorboard.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tp {
namespace {

//-----------------------------------------------------------------------------------------------
// [SECTION] CRC-32C
//-----------------------------------------------------------------------------------------------
// CRC-32C (Castagnoli), reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF
// (RFC 3720 B.4). tensorboard/compat/tensorflow_stub/pywrap_tensorflow.py spells out the same
// table (CRC_TABLE[128] == 0x82f63b78) and masked_crc32c.

constexpr std::array<std::uint32_t, 256> make_crc32c_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[n] = c;
    }
    return table;
}
constexpr std::array<std::uint32_t, 256> kCrc32cTable = make_crc32c_table();

std::uint32_t load_u32le(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return std::uint32_t(b[0]) | std::uint32_t(b[1]) << 8 | std::uint32_t(b[2]) << 16 | std::uint32_t(b[3]) << 24;
}

std::uint64_t load_u64le(const char* p) { return std::uint64_t(load_u32le(p)) | std::uint64_t(load_u32le(p + 4)) << 32; }

//-----------------------------------------------------------------------------------------------
// [SECTION] Protobuf wire format
//-----------------------------------------------------------------------------------------------
// protobuf.dev/programming-guides/encoding: a message is a run of fields, each a varint key
// (field_number << 3 | wire_type) and a value: wire type 0 varint, 1 eight bytes, 2 a varint
// length then that many bytes, 5 four bytes. 3 and 4 (groups) were retired before proto3 and no
// event writer emits them. A field whose number is unknown, or whose wire type is not the one the
// schema declares, is skipped, as protobuf's own parsers do. Every length is checked against the
// bytes that are left; nothing is allocated from a length read off the wire.

constexpr int kWireVarint = 0, kWire64 = 1, kWireBytes = 2, kWire32 = 5;

struct WireField {
    std::uint32_t number = 0;
    int type = 0;
    std::uint64_t scalar = 0;  // a varint's value, or the raw little-endian bits of a 64-/32-bit field
    std::string_view bytes;    // a length-delimited field's payload
};

class WireReader {
public:
    explicit WireReader(std::string_view buf) : buf_(buf) {}

    // The next field; false at the end of the message or when the bytes are malformed (error()).
    bool next(WireField& f) {
        if (pos_ >= buf_.size()) return false;
        std::uint64_t key = 0;
        if (!varint(key)) return false;
        if ((key >> 3) == 0 || (key >> 3) > 0x1FFFFFFFu) return fail("field number 0 or above 2^29-1");
        f.number = std::uint32_t(key >> 3);
        f.type = int(key & 7);
        f.bytes = {};
        f.scalar = 0;
        switch (f.type) {
        case kWireVarint: return varint(f.scalar);
        case kWire64:
            if (buf_.size() - pos_ < 8) return fail("a 64-bit field runs past the end");
            f.scalar = load_u64le(buf_.data() + pos_);
            pos_ += 8;
            return true;
        case kWire32:
            if (buf_.size() - pos_ < 4) return fail("a 32-bit field runs past the end");
            f.scalar = load_u32le(buf_.data() + pos_);
            pos_ += 4;
            return true;
        case kWireBytes: {
            std::uint64_t len = 0;
            if (!varint(len)) return false;
            if (len > buf_.size() - pos_) return fail("a length-delimited field runs past the end");
            f.bytes = buf_.substr(pos_, std::size_t(len));
            pos_ += std::size_t(len);
            return true;
        }
        default: return fail("wire type 3, 4, 6 or 7 (groups or invalid)");
        }
    }

    const char* error() const { return error_; }

private:
    bool fail(const char* what) {
        error_ = what;
        return false;
    }
    // Up to ten bytes, least significant group first; bits past the 64th are dropped, as protobuf does.
    bool varint(std::uint64_t& out) {
        out = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos_ >= buf_.size()) return fail("a varint runs past the end");
            const auto b = static_cast<unsigned char>(buf_[pos_++]);
            if (shift < 64) out |= std::uint64_t(b & 0x7Fu) << shift;
            if ((b & 0x80u) == 0) return true;
        }
        return fail("a varint longer than ten bytes");
    }

    std::string_view buf_;
    std::size_t pos_ = 0;
    const char* error_ = nullptr;
};

float bits_to_float(std::uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

double bits_to_double(std::uint64_t bits) {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}

// Sets `error` to "<where>: <what>" and returns false (only on the failure path: no string work otherwise).
bool wire_error(std::string& error, const char* where, const char* what) {
    error = std::string(where) + ": " + what;
    return false;
}

//-----------------------------------------------------------------------------------------------
// [SECTION] Event, Summary, TensorProto
//-----------------------------------------------------------------------------------------------
// Field numbers from tensorboard/compat/proto/*.proto (copies of tensorflow/core/framework/*.proto
// and tensorflow/core/util/event.proto):
//   Event          wall_time=1 double, step=2 int64, oneof what { file_version=3 string,
//                  graph_def=4, summary=5 Summary, log_message=6, session_log=7 SessionLog,
//                  tagged_run_metadata=8, meta_graph_def=9 }, source_metadata=10
//   SessionLog     status=1 (START=1)
//   Summary        value=1 repeated Value
//   Summary.Value  tag=1, node_name=7, metadata=9, oneof value { simple_value=2 float,
//                  obsolete_old_style_histogram=3, image=4, histo=5, audio=6, tensor=8 TensorProto }
//   TensorProto    dtype=1 (types.proto: DT_FLOAT=1, DT_DOUBLE=2), tensor_shape=2,
//                  tensor_content=4 bytes, float_val=5 repeated float, double_val=6 repeated double
//                  (repeated numbers: packed or one per field, readers accept both)
//   TensorShapeProto  dim=2 repeated Dim { size=1 int64 }, unknown_rank=3 bool
// Merge rules (protobuf): a singular scalar seen twice keeps the last; a message seen twice is
// merged (its repeated fields concatenate); setting one member of a oneof clears the others.

constexpr std::uint64_t kDtFloat = 1, kDtDouble = 2;
constexpr std::uint64_t kSessionStart = 1;

struct TensorAcc {
    std::uint64_t dtype = 0;
    bool unknown_rank = false;
    bool all_dims_one = true;  // every Dim.size == 1 (a rank-0 shape has none): one element
    std::string_view content;  // tensor_content, when not empty
    std::vector<double> floats, doubles;
};

enum class ValueKind { none, simple, tensor, other };

struct ValueAcc {
    std::string_view tag, node_name;
    ValueKind kind = ValueKind::none;
    float simple = 0;
    TensorAcc tensor;
};

enum class EventWhat { none, file_version, summary, session_log, other };

struct EventAcc {
    double wall_time = 0;
    long long step = 0;
    EventWhat what = EventWhat::none;
    std::string_view file_version;
    std::vector<ValueAcc> values;
    std::uint64_t session_status = 0;
};

bool decode_shape(std::string_view bytes, TensorAcc& t, std::string& error) {
    WireReader r(bytes);
    WireField f;
    while (r.next(f)) {
        if (f.number == 2 && f.type == kWireBytes) {  // dim
            WireReader d(f.bytes);
            WireField g;
            std::int64_t size = 0;
            while (d.next(g))
                if (g.number == 1 && g.type == kWireVarint) size = std::int64_t(g.scalar);
            if (d.error()) return wire_error(error, "TensorProto.tensor_shape.dim", d.error());
            if (size != 1) t.all_dims_one = false;
        } else if (f.number == 3 && f.type == kWireVarint) {
            t.unknown_rank = f.scalar != 0;
        }
    }
    return r.error() ? wire_error(error, "TensorProto.tensor_shape", r.error()) : true;
}

bool decode_tensor(std::string_view bytes, TensorAcc& t, std::string& error) {
    WireReader r(bytes);
    WireField f;
    while (r.next(f)) {
        if (f.number == 1 && f.type == kWireVarint) {
            t.dtype = f.scalar;
        } else if (f.number == 2 && f.type == kWireBytes) {
            if (!decode_shape(f.bytes, t, error)) return false;
        } else if (f.number == 4 && f.type == kWireBytes) {
            t.content = f.bytes;
        } else if (f.number == 5 && f.type == kWire32) {
            t.floats.push_back(double(bits_to_float(std::uint32_t(f.scalar))));
        } else if (f.number == 5 && f.type == kWireBytes) {
            if (f.bytes.size() % 4 != 0) return wire_error(error, "TensorProto.float_val", "packed length not a multiple of 4");
            for (std::size_t i = 0; i < f.bytes.size(); i += 4)
                t.floats.push_back(double(bits_to_float(load_u32le(f.bytes.data() + i))));
        } else if (f.number == 6 && f.type == kWire64) {
            t.doubles.push_back(bits_to_double(f.scalar));
        } else if (f.number == 6 && f.type == kWireBytes) {
            if (f.bytes.size() % 8 != 0) return wire_error(error, "TensorProto.double_val", "packed length not a multiple of 8");
            for (std::size_t i = 0; i < f.bytes.size(); i += 8) t.doubles.push_back(bits_to_double(load_u64le(f.bytes.data() + i)));
        }
    }
    return r.error() ? wire_error(error, "TensorProto", r.error()) : true;
}

// The one element of a scalar tensor of float32 or float64, the way TensorBoard's tensor_util
// reads it: tensor_content when present, else the typed values. Anything else is not a scalar.
std::optional<double> tensor_scalar(const TensorAcc& t) {
    if (t.unknown_rank || !t.all_dims_one) return std::nullopt;
    if (t.dtype == kDtFloat) {
        if (!t.content.empty())
            return t.content.size() == 4 ? std::optional<double>(double(bits_to_float(load_u32le(t.content.data())))) : std::nullopt;
        return t.floats.size() == 1 ? std::optional<double>(t.floats[0]) : std::nullopt;
    }
    if (t.dtype == kDtDouble) {
        if (!t.content.empty())
            return t.content.size() == 8 ? std::optional<double>(bits_to_double(load_u64le(t.content.data()))) : std::nullopt;
        return t.doubles.size() == 1 ? std::optional<double>(t.doubles[0]) : std::nullopt;
    }
    return std::nullopt;
}

bool decode_value(std::string_view bytes, ValueAcc& v, std::string& error) {
    WireReader r(bytes);
    WireField f;
    while (r.next(f)) {
        if (f.type == kWireBytes && f.number == 1) {
            v.tag = f.bytes;
        } else if (f.type == kWireBytes && f.number == 7) {
            v.node_name = f.bytes;
        } else if (f.type == kWire32 && f.number == 2) {
            v.kind = ValueKind::simple;
            v.simple = bits_to_float(std::uint32_t(f.scalar));
        } else if (f.type == kWireBytes && f.number == 8) {
            if (v.kind != ValueKind::tensor) v.tensor = TensorAcc{};
            v.kind = ValueKind::tensor;
            if (!decode_tensor(f.bytes, v.tensor, error)) return false;
        } else if (f.type == kWireBytes && f.number >= 3 && f.number <= 6) {
            v.kind = ValueKind::other;  // old-style histogram, image, histogram, audio
        }
    }
    return r.error() ? wire_error(error, "Summary.Value", r.error()) : true;
}

bool decode_summary(std::string_view bytes, std::vector<ValueAcc>& values, std::string& error) {
    WireReader r(bytes);
    WireField f;
    while (r.next(f)) {
        if (f.number == 1 && f.type == kWireBytes) {
            values.emplace_back();
            if (!decode_value(f.bytes, values.back(), error)) return false;
        }
    }
    return r.error() ? wire_error(error, "Summary", r.error()) : true;
}

// Sets the Event's oneof `what`, clearing what another member left.
void event_set_what(EventAcc& e, EventWhat what) {
    if (e.what == what) return;
    e.what = what;
    e.values.clear();
    e.file_version = {};
    e.session_status = 0;
}

bool decode_event(std::string_view bytes, EventAcc& e, std::string& error) {
    WireReader r(bytes);
    WireField f;
    while (r.next(f)) {
        switch (f.number) {
        case 1:
            if (f.type == kWire64) e.wall_time = bits_to_double(f.scalar);
            break;
        case 2:
            if (f.type == kWireVarint) e.step = static_cast<long long>(f.scalar);  // int64: two's complement
            break;
        case 3:
            if (f.type == kWireBytes) {
                event_set_what(e, EventWhat::file_version);
                e.file_version = f.bytes;
            }
            break;
        case 5:
            if (f.type == kWireBytes) {
                event_set_what(e, EventWhat::summary);
                if (!decode_summary(f.bytes, e.values, error)) return false;
            }
            break;
        case 7:
            if (f.type == kWireBytes) {
                event_set_what(e, EventWhat::session_log);
                WireReader s(f.bytes);
                WireField g;
                while (s.next(g))
                    if (g.number == 1 && g.type == kWireVarint) e.session_status = g.scalar;
                if (s.error()) return wire_error(error, "Event.session_log", s.error());
            }
            break;
        case 4: case 6: case 8: case 9:
            if (f.type == kWireBytes) event_set_what(e, EventWhat::other);  // graphs, run metadata, log messages
            break;
        default: break;  // source_metadata (10) and anything newer
        }
    }
    return r.error() ? wire_error(error, "Event", r.error()) : true;
}

//-----------------------------------------------------------------------------------------------
// [SECTION] TensorBoard's accumulation rules (purges)
//-----------------------------------------------------------------------------------------------
// EventAccumulator._ProcessEvent and _MaybePurgeOrphanedData
// (tensorboard/backend/event_processing/event_accumulator.py): the file_version is parsed first
// (event_util.ParseFileVersion: the text after the last "brain.Event:" as a Python float, -1 when
// it is not one); then, with a version >= 2, a SessionLog START purges every tag's points with
// step >= the event's step; without one, an event with a summary whose step is below the most
// recent step purges its own tags' points with step >= its step (and does not become the most
// recent step); then the event's values are added.

std::optional<double> parse_file_version(std::string_view text) {
    static constexpr std::string_view kPrefix = "brain.Event:";
    const std::size_t at = text.rfind(kPrefix);
    std::string token(at == std::string_view::npos ? text : text.substr(at + kPrefix.size()));
    const std::size_t first = token.find_first_not_of(" \t\n\r\f\v");
    const std::size_t last = token.find_last_not_of(" \t\n\r\f\v");
    token = first == std::string::npos ? std::string() : token.substr(first, last - first + 1);
    // Python's float() takes decimal text, inf and nan; strtod would also take hexadecimal.
    if (token.empty() || token.find_first_of("xXpP") != std::string::npos) return -1.0;
    char* end = nullptr;
    const double v = std::strtod(token.c_str(), &end);
    return end == token.c_str() + token.size() ? v : -1.0;
}

struct Accumulator {
    TbEvents out;
    std::optional<double> version;  // None until a file_version event, as in the accumulator
    long long most_recent_step = -1;

    void purge_tag(const std::string& tag, long long step) {
        auto it = out.scalars.find(tag);
        if (it == out.scalars.end()) return;
        std::vector<TbScalar>& points = it->second;
        std::size_t kept = 0;
        for (const TbScalar& p : points)
            if (p.step < step) points[kept++] = p;
        out.purged += int(points.size() - kept);
        points.resize(kept);
    }

    void add(const EventAcc& e) {
        if (e.what == EventWhat::file_version) {
            out.file_version = std::string(e.file_version);
            version = parse_file_version(e.file_version);
        }
        if (version && *version >= 2) {
            if (e.what == EventWhat::session_log && e.session_status == kSessionStart)
                for (auto& [tag, points] : out.scalars) purge_tag(tag, e.step);
        } else if (e.step < most_recent_step && e.what == EventWhat::summary) {
            for (const ValueAcc& v : e.values) purge_tag(std::string(v.tag), e.step);
        } else {
            most_recent_step = e.step;
        }
        if (e.what != EventWhat::summary) return;
        for (const ValueAcc& v : e.values) {
            std::optional<double> value;
            std::string_view tag = v.tag;
            if (v.kind == ValueKind::simple) {
                value = double(v.simple);
            } else if (v.kind == ValueKind::tensor) {
                value = tensor_scalar(v.tensor);
                if (tag.empty()) tag = v.node_name;  // tensors from the old plugin-asset summaries
            }
            if (!value) {
                ++out.non_scalar_values;
                continue;
            }
            out.scalars[std::string(tag)].push_back(TbScalar{e.step, e.wall_time, *value, v.kind == ValueKind::tensor});
        }
    }
};

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

Error record_error(std::string_view source, int index, std::size_t offset, const std::string& what) {
    return make_error(ErrorKind::parse_error, std::string(source) + ": record index " + std::to_string(index) +
                                                  " at byte offset " + std::to_string(offset) + ": " + what);
}

}  // namespace

std::uint32_t tensorboard_crc32c(std::string_view data) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (char ch : data) crc = kCrc32cTable[(crc ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

std::uint32_t tensorboard_masked_crc32c(std::string_view data) {
    const std::uint32_t c = tensorboard_crc32c(data);
    return ((c >> 15) | (c << 17)) + 0xA282EAD8u;
}

//-----------------------------------------------------------------------------------------------
// [SECTION] Records
//-----------------------------------------------------------------------------------------------

Result<TbEvents> tensorboard_read(std::string_view bytes, std::string_view source) {
    Accumulator acc;
    std::size_t pos = 0;
    int index = 0;
    std::string error;
    while (pos < bytes.size()) {
        const std::size_t left = bytes.size() - pos;
        if (left < 12) {  // not even the length and its CRC: the writer was stopped here
            acc.out.truncated_tail = true;
            break;
        }
        const std::uint64_t length = load_u64le(bytes.data() + pos);
        const std::uint32_t length_crc = load_u32le(bytes.data() + pos + 8);
        const std::uint32_t length_crc_now = tensorboard_masked_crc32c(bytes.substr(pos, 8));
        if (length_crc != length_crc_now)
            return record_error(source, index, pos,
                                "the length's CRC does not match (stored " + hex32(length_crc) + ", computed " +
                                    hex32(length_crc_now) + "): the file is corrupt here");
        if (length > left - 12 || left - 12 - length < 4) {  // the data or its CRC never reached the file
            acc.out.truncated_tail = true;
            break;
        }
        const std::string_view data = bytes.substr(pos + 12, std::size_t(length));
        const std::uint32_t data_crc = load_u32le(bytes.data() + pos + 12 + length);
        const std::uint32_t data_crc_now = tensorboard_masked_crc32c(data);
        if (data_crc != data_crc_now)
            return record_error(source, index, pos,
                                "the data's CRC does not match (stored " + hex32(data_crc) + ", computed " +
                                    hex32(data_crc_now) + ", " + std::to_string(length) +
                                    " data bytes): the file is corrupt here");
        EventAcc event;
        if (!decode_event(data, event, error))
            return record_error(source, index, pos, "not a tensorboard.Event protobuf (" + error + ")");
        acc.add(event);
        ++acc.out.records;
        ++index;
        pos += 16 + std::size_t(length);
    }
    acc.out.tail_offset = pos;
    return std::move(acc.out);
}

//-----------------------------------------------------------------------------------------------
// [SECTION] NeMo's step time
//-----------------------------------------------------------------------------------------------
// NeMo 2.0, nemo/collections/llm/tools/auto_configurator/core/calculate_performance.py get_results:
//     timing_list = ea.Scalars("train_step_timing in s")
//     if len(timing_list) < 10: continue
//     timing_list = [x.value for x in timing_list[1:]]
//     avg_global_step_time = round(sum(timing_list) / len(timing_list), 2)
// NeMo launcher (and NeMo 1.x's auto configurator): `if len(timing_list) <= 6: continue`,
// `timing_list[5:]`, `round(..., 4)`.

std::optional<double> tensorboard_nemo_step_time_s(const TbEvents& events, NemoFlavor flavor) {
    const auto it = events.scalars.find(std::string(kTensorboardStepTimeTag));
    if (it == events.scalars.end()) return std::nullopt;
    const std::vector<TbScalar>& points = it->second;
    const bool nemo2 = flavor == NemoFlavor::nemo2;
    if (nemo2 ? points.size() < 10 : points.size() <= 6) return std::nullopt;
    const std::size_t dropped = nemo2 ? 1 : 5;
    double sum = 0;  // Python's sum(): left to right, starting from 0
    for (std::size_t i = dropped; i < points.size(); ++i) sum += points[i].value;
    const double mean = sum / double(points.size() - dropped);
    // From 1e15 up a double has no digits left below 0.005 to round (Python's round is the identity
    // there, and on inf and nan); python_round's fixed-point text would not fit its buffer.
    if (!std::isfinite(mean) || std::fabs(mean) >= 1e15) return mean;
    return python_round(mean, nemo2 ? 2 : 4);
}

}  // namespace tp
