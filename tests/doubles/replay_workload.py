#!/usr/bin/env python3
"""TEST DOUBLE, not a trainer: a stand-in training job for the empirical-search tests.

It replays real log lines from ../shared/data/logs so that every failure kind trainplan must classify
occurs in one search, chosen by the candidate's settings (so the outcome is a pure function of the
candidate, and a resumed search sees the same thing):

  mbs >= 4           CUDA out of memory after two iterations (cuda_oom_09_megatron_lm_gpt2_large_v100_issue525.txt)
  tp == 8            NCCL watchdog timeout after two iterations (nccl_01_watchdog_timeout_allreduce_llamafactory7396.txt)
  pp >= 4            hangs: the executor's time limit stops it
  cp >= 2            crashes with a Python traceback (exit 1)
  otherwise          trains: Megatron-LM iteration lines in the format of
                     megatron_lm_01_mixtral8x7b_16xH100_issue756.txt, with a step time that grows with TP and PP,
                     then exits 0

Usage: replay_workload.py --logs DIR --tp N --pp N --cp N --mbs N --gbs N --steps N [--step-seconds S]
"""
import argparse
import os
import re
import sys
import time


def real_lines(logs, name):
    """The file's lines without its '# source' header."""
    with open(os.path.join(logs, name), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if not line.startswith("# source")]


def iteration_template(logs):
    for line in real_lines(logs, "megatron_lm_01_mixtral8x7b_16xH100_issue756.txt"):
        if "elapsed time per iteration (ms)" in line:
            return line
    sys.exit("replay_workload: no Megatron-LM iteration line found")


def iteration_line(template, step, steps, ms, tflops, gbs):
    line = re.sub(r"iteration\s+\d+/\s*\d+", f"iteration {step:8d}/{steps:8d}", template)
    line = re.sub(r"elapsed time per iteration \(ms\): [\d.]+", f"elapsed time per iteration (ms): {ms:.1f}", line)
    line = re.sub(r"throughput per GPU \(TFLOP/s/GPU\): [\d.]+", f"throughput per GPU (TFLOP/s/GPU): {tflops:.1f}", line)
    line = re.sub(r"consumed samples:\s+\d+", f"consumed samples: {step * gbs:12d}", line)
    return re.sub(r"global batch size:\s+\d+", f"global batch size: {gbs:5d}", line)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--logs", required=True)
    for name in ("tp", "pp", "cp", "mbs", "gbs", "steps"):
        p.add_argument("--" + name, type=int, required=True)
    p.add_argument("--step-seconds", type=float, default=0.02)
    a = p.parse_args()
    template = iteration_template(a.logs)
    # A made-up but candidate-dependent step time: TP and PP cost, so the ranking has a clear winner.
    ms = 1000.0 * (1 + 0.15 * (a.tp - 1) + 0.25 * (a.pp - 1))
    tflops = 400.0 / (1 + 0.15 * (a.tp - 1) + 0.25 * (a.pp - 1))

    def train(steps):
        for step in range(1, steps + 1):
            print(iteration_line(template, step, a.steps, ms, tflops, a.gbs), flush=True)
            time.sleep(a.step_seconds)

    if a.mbs >= 4:
        train(2)
        print("\n".join(real_lines(a.logs, "cuda_oom_09_megatron_lm_gpt2_large_v100_issue525.txt")), flush=True)
        return 1
    if a.tp == 8:
        train(2)
        print("\n".join(real_lines(a.logs, "nccl_01_watchdog_timeout_allreduce_llamafactory7396.txt")), flush=True)
        return 1
    if a.pp >= 4:
        train(1)
        time.sleep(3600)
        return 0
    if a.cp >= 2:
        train(1)
        raise RuntimeError("replay_workload: simulated crash (cp >= 2)")
    train(a.steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
