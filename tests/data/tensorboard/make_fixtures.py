#!/usr/bin/env python3
"""Writes the TensorBoard event-file fixtures in this folder (Python 3, standard library only).

Run from anywhere:  python3 tests/data/tensorboard/make_fixtures.py
It rewrites every fixture and manifest.json; the output is deterministic (fixed times, hosts, pids).

The bytes are encoded the way the real writers encode them, re-implemented here without protobuf:

* Framing: TFRecord, as tensorboard/summary/writer/record_writer.py (RecordWriter.write) writes it:
  uint64 length | uint32 masked CRC-32C of the 8 length bytes | data | uint32 masked CRC-32C of data,
  little-endian; masked_crc32c from tensorboard/compat/tensorflow_stub/pywrap_tensorflow.py:
  ((crc >> 15) | (crc << 17)) + 0xa282ead8 (mod 2^32), crc = CRC-32C (Castagnoli, reflected 0x82F63B78).
* Data: a tensorboard.Event protobuf (tensorboard/compat/proto/event.proto: wall_time=1 double,
  step=2 int64, file_version=3, graph_def=4, summary=5, session_log=7, source_metadata=10), with
  Summary.Value (summary.proto: tag=1, simple_value=2 float, tensor=8, metadata=9) and TensorProto
  (tensor.proto: dtype=1, tensor_shape=2, tensor_content=4, float_val=5, double_val=6). Fields are
  written in field-number order and proto3 scalars equal to 0 are left out, as protobuf's serializer
  does (so an event at step 0 has no step field); oneof members (file_version, simple_value) are
  written even when 0 or empty.
* What PyTorch Lightning writes: TensorBoardLogger (lightning/fabric/loggers/tensorboard.py) opens a
  torch.utils.tensorboard SummaryWriter, whose EventFileWriter (tensorboard/summary/writer/
  event_file_writer.py) names the file events.out.tfevents.%010d.<host>.<pid>.<n> and writes a first
  event Event(wall_time=time.time(), file_version="brain.Event:2"). log_hyperparams writes
  hp_metric=-1 at step 0 and the three hparams-plugin summaries (torch.utils.tensorboard.summary.
  hparams); log_metrics calls add_scalar(tag, value, step) once per metric, which writes one event
  Event(wall_time, step, summary=Summary(value=[Value(tag, simple_value=float32(value))])).
  torch's add_scalar(..., new_style=True) writes Value(tag, tensor=TensorProto(dtype=DT_FLOAT,
  float_val=[v]), metadata=plugin "scalars") instead (double_precision=True: DT_DOUBLE, double_val).
* TensorFlow 2's C++ summary writer (tf.summary.scalar) writes the first event with
  source_metadata.writer and each scalar as TensorProto(dtype, tensor_shape={}, tensor_content=bytes)
  with metadata plugin "scalars", data_class DATA_CLASS_SCALAR; its files end in ".v2".

The metrics (names, order, magnitudes) follow a NeMo 2.0 pretraining run, whose log line prints
"lr | global_batch_size | global_step | reduced_train_loss | train_step_timing in s | consumed_samples"
and Lightning adds "epoch". Step times are chosen as short binary fractions so that the NeMo averages
in tests/test_tensorboard.cpp can be computed by hand exactly.

manifest.json records, per fixture, what a reader must decode: records, truncated_tail,
file_version and every scalar point (step, wall_time, value as the float32/float64 that was stored,
written with Python's repr so it reads back exactly, and whether it came from a tensor).
"""

import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------------------------
# CRC-32C and TFRecord framing
# ---------------------------------------------------------------------------------------------

def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    x = crc32c(data)
    return (((x >> 15) | (x << 17)) + 0xA282EAD8) & 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value (RFC 3720 B.4, Castagnoli)


def record(data):
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc32c(header)) + data + struct.pack("<I", masked_crc32c(data))


# ---------------------------------------------------------------------------------------------
# Protobuf wire format (only what the writers above produce)
# ---------------------------------------------------------------------------------------------

def varint(n):
    if n < 0:
        n += 1 << 64  # int64 negatives: two's complement, ten bytes
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(field, wire_type):
    return varint((field << 3) | wire_type)


def f_varint(field, n, keep_zero=False):
    return key(field, 0) + varint(n) if (n or keep_zero) else b""


def f_double(field, v, keep_zero=False):
    return key(field, 1) + struct.pack("<d", v) if (v or keep_zero) else b""


def f_float(field, v):
    return key(field, 5) + struct.pack("<f", v)


def f_bytes(field, b, keep_empty=False):
    if isinstance(b, str):
        b = b.encode()
    return key(field, 2) + varint(len(b)) + b if (b or keep_empty) else b""


def f32(v):
    """The value a float32 field stores, as a Python float (what a reader gets back)."""
    return struct.unpack("<f", struct.pack("<f", v))[0]


# Event (event.proto)
def event(wall_time, step=0, file_version=None, summary=None, session_log=None, graph_def=None, source_writer=None):
    out = f_double(1, wall_time) + f_varint(2, step)
    if file_version is not None:
        out += f_bytes(3, file_version, keep_empty=True)
    if graph_def is not None:
        out += f_bytes(4, graph_def, keep_empty=True)
    if summary is not None:
        out += f_bytes(5, summary, keep_empty=True)
    if session_log is not None:
        out += f_bytes(7, session_log, keep_empty=True)
    if source_writer is not None:
        out += f_bytes(10, f_bytes(1, source_writer), keep_empty=True)
    return out


def summary(*values):
    return b"".join(f_bytes(1, v, keep_empty=True) for v in values)


def plugin_metadata(plugin_name, content=b"", data_class=0):
    plugin_data = f_bytes(1, plugin_name) + f_bytes(2, content)
    return f_bytes(1, plugin_data, keep_empty=True) + f_varint(4, data_class)


def value_simple(tag, v):
    return f_bytes(1, tag) + f_float(2, v)


def value_tensor(tag, tensor, metadata=None):
    out = f_bytes(1, tag) + f_bytes(8, tensor, keep_empty=True)
    if metadata is not None:
        out += f_bytes(9, metadata, keep_empty=True)
    return out


def value_metadata_only(tag, metadata):
    return f_bytes(1, tag) + f_bytes(9, metadata, keep_empty=True)


DT_FLOAT, DT_DOUBLE, DT_STRING = 1, 2, 7  # types.proto


def tensor_float_val(v):  # torch new_style=True: TensorProto(float_val=[v], dtype="DT_FLOAT"); packed
    return f_varint(1, DT_FLOAT) + f_bytes(5, struct.pack("<f", v))


def tensor_double_val(v):  # torch new_style=True, double_precision=True
    return f_varint(1, DT_DOUBLE) + f_bytes(6, struct.pack("<d", v))


def tensor_content_float(v):  # TF2 C++ writer: Tensor::AsProtoTensorContent of a float32 scalar
    return f_varint(1, DT_FLOAT) + f_bytes(2, b"", keep_empty=True) + f_bytes(4, struct.pack("<f", v))


# hparams plugin (tensorboard/plugins/hparams/plugin_data.proto, api.proto; google/protobuf/struct.proto),
# as torch.utils.tensorboard.summary.hparams builds it for numbers and strings.
def hparams_summaries(params, metric_tags):
    def pb_value(v):  # google.protobuf.Value: number_value=2, string_value=3
        return f_double(2, float(v), keep_zero=True) if isinstance(v, (int, float)) else f_bytes(3, v, keep_empty=True)

    hparam_infos = b""
    for k, v in params.items():
        data_type = 3 if isinstance(v, (int, float)) else 1  # DATA_TYPE_FLOAT64 / DATA_TYPE_STRING
        hparam_infos += f_bytes(4, f_bytes(1, k) + f_varint(4, data_type), keep_empty=True)
    metric_infos = b"".join(f_bytes(5, f_bytes(1, f_bytes(2, t), keep_empty=True), keep_empty=True) for t in metric_tags)
    experiment = f_bytes(2, hparam_infos + metric_infos, keep_empty=True)  # HParamsPluginData.experiment (version 0)
    ssi_map = b"".join(f_bytes(1, f_bytes(1, k) + f_bytes(2, pb_value(v), keep_empty=True), keep_empty=True)
                       for k, v in params.items())
    session_start = f_bytes(3, ssi_map, keep_empty=True)
    session_end = f_bytes(4, f_varint(1, 1), keep_empty=True)  # SessionEndInfo(status=STATUS_SUCCESS)
    return [
        summary(value_metadata_only("_hparams_/experiment", plugin_metadata("hparams", experiment))),
        summary(value_metadata_only("_hparams_/session_start_info", plugin_metadata("hparams", session_start))),
        summary(value_metadata_only("_hparams_/session_end_info", plugin_metadata("hparams", session_end))),
    ]


# ---------------------------------------------------------------------------------------------
# One fixture: records plus what a reader must see
# ---------------------------------------------------------------------------------------------

class Fixture:
    def __init__(self, folder, file_name):
        self.folder, self.file_name = folder, file_name
        self.records = []
        self.expect = {}  # tag -> [[step, wall_time, value, from_tensor], ...]
        self.file_version = ""

    def add(self, data, points=()):
        self.records.append(data)
        for tag, step, wall_time, value, from_tensor in points:
            self.expect.setdefault(tag, []).append([step, wall_time, value, from_tensor])

    def write(self, cut_last_at=None):
        blob = b"".join(record(r) for r in self.records)
        complete = len(self.records)
        if cut_last_at is not None:  # the process was killed while writing the last record
            last = record(self.records[-1])
            blob = blob[: len(blob) - len(last) + cut_last_at]
            complete -= 1
        os.makedirs(os.path.join(HERE, self.folder), exist_ok=True)
        with open(os.path.join(HERE, self.folder, self.file_name), "wb") as f:
            f.write(blob)
        return {
            "file": self.folder + "/" + self.file_name,
            "bytes": len(blob),
            "records": complete,
            "truncated_tail": cut_last_at is not None,
            "file_version": self.file_version,
            "scalars": self.expect,
        }


def lightning_start(fx, wall0, params):
    fx.file_version = "brain.Event:2"
    fx.add(event(wall0, file_version="brain.Event:2"))
    # log_hyperparams: log_metrics({"hp_metric": -1}, 0), then the hparams summaries (no step).
    t = wall0 + 0.0421875
    fx.add(event(t, 0, summary=summary(value_simple("hp_metric", -1.0))), [("hp_metric", 0, t, -1.0, False)])
    for s in hparams_summaries(params, ["hp_metric"]):
        fx.add(event(t, summary=s))


NEMO2_PARAMS = {"model": "llama3_8b", "tensor_model_parallel_size": 1, "pipeline_model_parallel_size": 1,
                "global_batch_size": 128, "micro_batch_size": 1, "seq_length": 8192, "lr": 3e-4}


def nemo2_step_metrics(step, step_time, loss, gbs=128, warmup=2000, max_lr=3e-4):
    """The metrics NeMo 2.0 logs after optimizer step `step`, in its log-line order, plus Lightning's epoch."""
    lr = max_lr * (step + 1) / warmup
    return [
        ("lr", lr),
        ("global_batch_size", float(gbs)),
        ("global_step", float(step)),
        ("reduced_train_loss", loss),
        ("train_step_timing in s", step_time),
        ("consumed_samples", float((step + 1) * gbs)),
        ("epoch", 0.0),
    ]


def lightning_steps(fx, t, step_times, losses, first_step=0):
    """One event per metric per step, as TensorBoardLogger.log_metrics -> add_scalar writes them."""
    for i, (st, loss) in enumerate(zip(step_times, losses)):
        step = first_step + i
        t += st
        for j, (tag, v) in enumerate(nemo2_step_metrics(step, st, loss)):
            w = t + j * 0.000244140625  # each add_scalar call reads time.time() again
            fx.add(event(w, step, summary=summary(value_simple(tag, v))), [(tag, step, w, f32(v), False)])
    return t


# ---------------------------------------------------------------------------------------------
# The fixtures
# ---------------------------------------------------------------------------------------------

def nemo2_llama3_8b():
    """A finished 12-step NeMo 2.0 candidate run (simple_value scalars)."""
    fx = Fixture("nemo2_llama3_8b", "events.out.tfevents.1732170000.node042.2201734.0")
    wall0 = 1732170000.5234375
    lightning_start(fx, wall0, NEMO2_PARAMS)
    # First step pays for compilation and NCCL warm-up. After it (11 points, NeMo 2.0's average):
    # sum 17.875, mean 1.625; the last 7 (the launcher's average): sum 11.3203125, mean 1.6171875.
    step_times = [6.75, 1.71875, 1.640625, 1.6015625, 1.59375,
                  1.625, 1.609375, 1.6171875, 1.6171875, 1.625, 1.609375, 1.6171875]
    losses = [12.0625, 11.5, 10.875, 10.3125, 9.8125, 9.375, 9.0, 8.6875, 8.4375, 8.1875, 8.0, 7.8125]
    lightning_steps(fx, wall0 + 20.0, step_times, losses)
    return fx.write()


def nemo2_killed_mid_write():
    """A run killed (time limit) while the writer flushed step 8: the last record is cut short."""
    fx = Fixture("nemo2_killed_mid_write", "events.out.tfevents.1732171111.node017.88231.0")
    wall0 = 1732171111.25
    lightning_start(fx, wall0, NEMO2_PARAMS)
    # 8 complete step-time points; the launcher's average is over the last 3: sum 6.28125, mean 2.09375.
    step_times = [7.5, 2.25, 2.1875, 2.125, 2.09375, 2.125, 2.0625, 2.09375]
    losses = [12.125, 11.625, 11.0, 10.5, 10.0, 9.5625, 9.1875, 8.875]
    t = lightning_steps(fx, wall0 + 18.0, step_times, losses)
    # Step 8: lr, global_batch_size, global_step, reduced_train_loss reach the file, then the
    # train_step_timing record is cut 9 bytes into its data.
    t += 2.125
    for j, (tag, v) in enumerate(nemo2_step_metrics(8, 2.125, 8.625)[:5]):
        w = t + j * 0.000244140625
        points = [(tag, 8, w, f32(v), False)] if j < 4 else []
        fx.add(event(w, 8, summary=summary(value_simple(tag, v))), points)
    return fx.write(cut_last_at=12 + 9)


def torch_new_style():
    """torch.utils.tensorboard add_scalar(new_style=True) (and double_precision=True for lr)."""
    fx = Fixture("torch_new_style", "events.out.tfevents.1732172222.gpu-a100-07.51234.0")
    wall0 = 1732172222.75
    fx.file_version = "brain.Event:2"
    fx.add(event(wall0, file_version="brain.Event:2"))
    # 11 points: NeMo 2.0 averages the last 10 (sum 8.125), the launcher the last 6 (sum 4.875).
    step_times = [5.5, 0.8125, 0.796875, 0.828125, 0.8125, 0.8125, 0.796875, 0.828125, 0.8125, 0.8125, 0.8125]
    scalars_md = plugin_metadata("scalars")
    t = wall0 + 12.0
    for step, st in enumerate(step_times):
        t += st
        fx.add(event(t, step, summary=summary(value_tensor("train_step_timing in s", tensor_float_val(st), scalars_md))),
               [("train_step_timing in s", step, t, f32(st), True)])
        lr = 1e-4 * (step + 1) / 500
        w = t + 0.0009765625
        fx.add(event(w, step, summary=summary(value_tensor("lr", tensor_double_val(lr), scalars_md))),
               [("lr", step, w, lr, True)])
    return fx.write()


def tf2_summary_scalar():
    """TensorFlow 2's C++ summary writer (tf.summary.scalar): tensor_content scalars, a .v2 file."""
    fx = Fixture("tf2_summary_scalar", "events.out.tfevents.1732173333.tpu-host-2.777.0.v2")
    wall0 = 1732173333.0625
    fx.file_version = "brain.Event:2"
    fx.add(event(wall0, file_version="brain.Event:2", source_writer="tensorflow.core.util.events_writer"))
    # 10 points: NeMo 2.0 averages the last 9 (sum 12, mean 1.333...), the launcher the last 5 (sum 6.75).
    step_times = [3.0, 1.25, 1.25, 1.5, 1.25, 1.25, 1.5, 1.25, 1.25, 1.5]
    md = plugin_metadata("scalars", b"", data_class=1)  # DATA_CLASS_SCALAR
    t = wall0 + 4.0
    for i, st in enumerate(step_times):
        step = i + 1  # tf.summary steps are whatever the caller passes; here 1-based
        t += st
        fx.add(event(t, step, summary=summary(value_tensor("train_step_timing in s", tensor_content_float(st), md))),
               [("train_step_timing in s", step, t, f32(st), True)])
    return fx.write()


def wire_variants():
    """Synthetic (no writer emits this mix): every wire-format case a reader must get right."""
    fx = Fixture("wire_variants", "events.out.tfevents.1700000000.synthetic.1.0")
    fx.file_version = "brain.Event:2"
    w = 1700000000.0
    # Unknown fields of all four wire types around a known one are skipped.
    unknown = f_varint(99, 12345) + key(98, 1) + struct.pack("<d", 1.0) + key(97, 5) + b"\x01\x02\x03\x04" + f_bytes(96, b"??")
    fx.add(event(w, file_version="brain.Event:2", source_writer="synthetic") + unknown)
    fx.add(b"")  # a zero-length record is an Event with every field at its default
    fx.add(event(w + 1, 1, graph_def=b"\x0a\x03abc"))  # a graph: not a scalar
    # Two values in one summary; the second a tensor with an *unpacked* float_val and unknown fields.
    t_unpacked = f_varint(1, DT_FLOAT) + key(5, 5) + struct.pack("<f", 2.5) + f_varint(3, 0, keep_zero=True) + f_bytes(16, varint(7))
    two = summary(value_simple("a", 1.5) + key(20, 1) + struct.pack("<d", 9.0), value_tensor("b", t_unpacked)) + f_varint(7, 3)
    fx.add(event(w + 2, 1, summary=two), [("a", 1, w + 2, 1.5, False), ("b", 1, w + 2, 2.5, True)])
    # simple_value written twice: the last one wins (protobuf merge rule).
    fx.add(event(w + 3, 2, summary=summary(value_simple("a", 3.0) + f_float(2, 4.0))), [("a", 2, w + 3, 4.0, False)])
    # More 'a' points, then SessionLog START at step 3 (a restart, file_version 2): TensorBoard's
    # EventAccumulator drops every point with step >= 3 seen so far, then takes the new ones.
    fx.add(event(w + 4, 3, summary=summary(value_simple("a", 5.0))))
    fx.add(event(w + 5, 4, summary=summary(value_simple("a", 6.0))))
    fx.add(event(w + 6, 3, session_log=f_varint(1, 1)))  # SessionLog(status=START)
    fx.add(event(w + 7, 3, summary=summary(value_simple("a", 5.5))), [("a", 3, w + 7, 5.5, False)])
    # Not scalars: a 3-element float tensor, a string tensor (text plugin), a rank-1 one-element
    # tensor (that one *is* a scalar: one element).
    three = f_varint(1, DT_FLOAT) + f_bytes(2, f_bytes(2, f_varint(1, 3), keep_empty=True), keep_empty=True) + \
        f_bytes(5, struct.pack("<3f", 1.0, 2.0, 3.0))
    text = f_varint(1, DT_STRING) + f_bytes(8, b"hello")
    one = f_varint(1, DT_DOUBLE) + f_bytes(2, f_bytes(2, f_varint(1, 1), keep_empty=True), keep_empty=True) + \
        f_bytes(4, struct.pack("<d", 0.1))
    fx.add(event(w + 8, 5, summary=summary(value_tensor("vec", three), value_tensor("note", text), value_tensor("c", one))),
           [("c", 5, w + 8, 0.1, True)])
    # Steps that need full int64 varints: a negative step and a large one.
    fx.add(event(w + 9, -1, summary=summary(value_simple("neg", -0.0))), [("neg", -1, w + 9, -0.0, False)])
    big = (1 << 40) + 3
    fx.add(event(w + 10, big, summary=summary(value_simple("big", 7.0))), [("big", big, w + 10, 7.0, False)])
    # An event with no wall_time and a summary value with no tag.
    fx.add(event(0.0, 6, summary=summary(value_simple("", 0.25))), [("", 6, 0.0, 0.25, False)])
    m = fx.write()
    m["purged"] = 2
    m["non_scalar_values"] = 2
    return m


def manifest_text(manifest):
    """JSON, one scalar point per line so a diff shows which point changed."""
    out = ['{"generated_by": "tests/data/tensorboard/make_fixtures.py",', ' "fixtures": [']
    for i, m in enumerate(manifest):
        head = {k: v for k, v in m.items() if k != "scalars"}
        out.append("  " + json.dumps(head)[:-1] + ', "scalars": {')
        tags = list(m["scalars"].items())
        for j, (tag, points) in enumerate(tags):
            out.append("   " + json.dumps(tag) + ": [")
            out.append(",\n".join("    " + json.dumps(p) for p in points))
            out.append("   ]" + ("," if j + 1 < len(tags) else ""))
        out.append("  }}" + ("," if i + 1 < len(manifest) else ""))
    out.append(" ]}")
    return "\n".join(out) + "\n"


def main():
    manifest = [nemo2_llama3_8b(), nemo2_killed_mid_write(), torch_new_style(), tf2_summary_scalar(), wire_variants()]
    for m in manifest:
        m.setdefault("purged", 0)
    # Non-scalar summary values per fixture: the three hparams summaries in the Lightning ones.
    for m in manifest[:2]:
        m.setdefault("non_scalar_values", 3)
    for m in manifest[2:4]:
        m.setdefault("non_scalar_values", 0)
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        f.write(manifest_text(manifest))
    for m in manifest:
        print(f"{m['file']}: {m['bytes']} bytes, {m['records']} records" + (" + a cut record" if m["truncated_tail"] else ""))


if __name__ == "__main__":
    main()
