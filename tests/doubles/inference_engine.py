#!/usr/bin/env python3
"""TEST DOUBLE, not an inference engine: a stand-in for `vllm bench latency` in the inference tests.

It prints what vLLM's latency benchmark prints (vllm/benchmarks/latency.py: the progress lines, then
"Avg latency: <seconds> seconds" and the percentile lines; format as in
tests/data/inference_output/vllm_latency_01_bench_latency_tp4.txt), with a latency that is a pure function
of the point, so a resumed measurement sees the same figures:

  latency = (0.02 + 0.002 * batch) / tp + 0.005 * (pp - 1)  seconds
  batch >= --oom-batch     the real CUDA OOM line of cuda_oom_07 from ../shared/data/logs, exit 1

Each start appends "<tp> <pp> <batch>" to --starts FILE, so a test can count launches.

Usage: inference_engine.py --logs DIR --tp N --pp N --batch N --starts FILE [--oom-batch N] [--seconds S]
"""
import argparse
import os
import sys
import time


def oom_line(logs):
    with open(os.path.join(logs, "cuda_oom_07_torch_OutOfMemoryError_other_processes_firered17.txt"), encoding="utf-8") as f:
        for line in f:
            if not line.startswith("# source") and "out of memory" in line:
                return line.rstrip("\n")
    sys.exit("inference_engine: no OOM line found")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--logs", required=True)
    p.add_argument("--tp", type=int, required=True)
    p.add_argument("--pp", type=int, required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--starts", required=True)
    p.add_argument("--oom-batch", type=int, default=1 << 30)
    p.add_argument("--seconds", type=float, default=0.0, help="wall time to spend before printing (to be killed mid-run)")
    a = p.parse_args()
    with open(a.starts, "a", encoding="utf-8") as f:
        f.write(f"{a.tp} {a.pp} {a.batch}\n")
    print("INFO 03-12 10:14:02 [__init__.py:239] Automatically detected platform cuda.", flush=True)
    time.sleep(a.seconds)
    if a.batch >= a.oom_batch:
        print(oom_line(a.logs), flush=True)
        return 1
    latency = (0.02 + 0.002 * a.batch) / a.tp + 0.005 * (a.pp - 1)
    print("Warming up...")
    print("Bench iterations: 100%|██████████| 10/10 [00:01<00:00,  9.61it/s]")
    print(f"Avg latency: {latency!r} seconds")
    for q in (10, 25, 50, 75, 90, 99):
        print(f"{q}% percentile latency: {latency!r} seconds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
