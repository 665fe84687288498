// tensorboard.hpp — TensorBoard event files in, scalar series out (design.md, "results": the
// TensorBoard event reader; issue 5: `train_step_timing in s` as NeMo's get_results reads it, with
// record CRCs checked). Pure: the caller reads the file and passes its bytes.
//
// The file (every field number is cited again next to the code that reads it, tensorboard.cpp)
//   Framing, TFRecord, repeated to the end of the file, little-endian
//   (tensorboard/summary/writer/record_writer.py, RecordWriter.write):
//       uint64 length | uint32 masked_crc32c(the 8 length bytes) | data[length] | uint32 masked_crc32c(data)
//   masked_crc32c(x) = ((c >> 15) | (c << 17)) + 0xa282ead8 (mod 2^32), c = CRC-32C (Castagnoli)
//   (tensorboard/compat/tensorflow_stub/pywrap_tensorflow.py, masked_crc32c and CRC_TABLE).
//   Each data is one tensorboard.Event protobuf (tensorboard/compat/proto/event.proto, the same
//   message as tensorflow/core/util/event.proto). The first one carries file_version "brain.Event:2";
//   scalars come as Summary.Value.simple_value (a float32: PyTorch Lightning's TensorBoardLogger via
//   torch.utils.tensorboard add_scalar, NeMo 1 and 2) or as a one-element TensorProto (torch's
//   add_scalar(new_style=True), TensorFlow 2's tf.summary.scalar).
//
// What comes back is what TensorBoard's EventAccumulator.Scalars(tag) returns, which is what NeMo's
// get_results averages (tensorboard/backend/event_processing/event_accumulator.py):
//   - points per tag in file order; a SessionLog START event (a restart, file_version >= 2) drops
//     every point with step >= its step, and without a usable file_version an event whose step is
//     below the last one seen drops the points of its own tags with step >= its step (`purged`);
//   - differences, on purpose: tensor-form scalars count too (the legacy accumulator files them
//     under Tensors(), so NeMo finds no step times in such a run and skips it without a word);
//     no reservoir sampling (the accumulator keeps a random 10,000 points per tag; candidate runs
//     are far shorter); a bad CRC is an error here where TensorBoard stops reading quietly.
//
// Errors (Result): a CRC that does not match (length or data) or a protobuf that does not parse
// inside a record whose CRC matched; the message names the source, the record index (0-based) and
// the byte offset where the record starts. A file that ends inside a record (a run killed
// mid-write) is not an error: the complete records before it are kept and truncated_tail is set.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nemo_heuristics.hpp"  // NemoFlavor
#include "result.hpp"

namespace tp {

// The scalar NeMo's Auto Configurator averages (NeMo 2.0 and launcher alike; TimingCallback's tag).
inline constexpr std::string_view kTensorboardStepTimeTag = "train_step_timing in s";

struct TbScalar {
    long long step = 0;      // Event.step (0 when the writer left it out, as proto3 does for 0)
    double wall_time = 0;    // Event.wall_time, seconds since the Unix epoch
    double value = 0;        // simple_value (float32, widened exactly) or the tensor's one element
    bool tensor = false;     // stored as a TensorProto (torch new_style, TF2) rather than simple_value
};

struct TbEvents {
    std::map<std::string, std::vector<TbScalar>> scalars;  // per tag, in file order, after purges
    int records = 0;               // complete records read (the file_version one included)
    bool truncated_tail = false;   // the file ends inside a record: cut short while being written
    std::size_t tail_offset = 0;   // where that cut record starts (the file size when not cut)
    std::string file_version;      // "brain.Event:2" from the writer's first event ("" if none)
    int purged = 0;                // points dropped by TensorBoard's restart rule (see above)
    int non_scalar_values = 0;     // summary values that are not scalars: hparams, histograms, text, ...
};

// Reads a whole event file. `source` names it in messages ("run3/events.out.tfevents...: record
// index 12 at byte offset 1880: the data's CRC does not match ..."). Empty input is a valid file
// with zero records.
Result<TbEvents> tensorboard_read(std::string_view bytes, std::string_view source);

// NeMo's step time (seconds) from the `train_step_timing in s` points, NeMo's rules exactly
// (../shared/data/nemo/output_formats.json, "step_time_source"):
//   nemo2     (NeMo 2.0 calculate_performance.get_results): fewer than 10 points -> nullopt; the
//             first point is dropped; round(mean, 2)
//   launcher  (NeMo-Framework-Launcher autoconfig): 6 points or fewer -> nullopt; the first 5 are
//             dropped; round(mean, 4)
// Python's round (the exact binary value, ties to even) and Python's left-to-right sum; CPython
// 3.12's compensated sum() can differ in the last bit, which matters only on a rounding tie.
std::optional<double> tensorboard_nemo_step_time_s(const TbEvents& events, NemoFlavor flavor);

// masked_crc32c of `data` as the record framing stores it; exposed for tests and tools.
std::uint32_t tensorboard_masked_crc32c(std::string_view data);
// Plain CRC-32C (Castagnoli, reflected polynomial 0x82F63B78; check value of "123456789" is 0xE3069283).
std::uint32_t tensorboard_crc32c(std::string_view data);

}  // namespace tp
