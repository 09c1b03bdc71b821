#!/usr/bin/env python3
"""Encrypted-inference benchmark for docs/benchmarks.md (issue 5): compiles
plans for the HElayers yardstick models, runs each one batch at a time under
CKKS several times, and prints a markdown table of medians.

  swift build -c release
  python3 scripts/bench_inference.py [--runs 7] [--threads 2] [--hepexc .build/release/hepexc]

Needs only the Python standard library and an idle machine (it prints the
load average before and after).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (label, model, data, compile options, samples per run)
CASES = [
    ("digits 64-64-10 x², 4x16 (A/B only)", "models/digits_mlp_square.onnx", "models/data/digits_test.npz",
     ["--tile", "4x16", "--no-diagonal"], 64),
    ("digits 64-64-10 x², 1x64 B→D", "models/digits_mlp_square.onnx", "models/data/digits_test.npz",
     ["--tile", "1x64"], 64),
    ("digits 64-64-10 x², 2x32 B→D (D over 2 input tiles)", "models/digits_mlp_square.onnx",
     "models/data/digits_test.npz", ["--tile", "2x32"], 64),
    ("digits 64-64-10 x², 1x64 D→D", "models/digits_mlp_square.onnx", "models/data/digits_test.npz",
     ["--tile", "1x64", "--first-form", "D"], 64),
    ("digits 64-128-64-10 poly2, 1x128 B→D→D", "models/digits_mlp_poly2.onnx", "models/data/digits_test.npz",
     ["--tile", "1x128", "--first-form", "B"], 64),
    ("digits 64-128-64-10 poly2, 1x128 D→D→D", "models/digits_mlp_poly2.onnx", "models/data/digits_test.npz",
     ["--tile", "1x128", "--first-form", "D"], 64),
]


def run(cmd: list[str]) -> str:
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr}")
    return result.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--hepexc", default=str(ROOT / ".build" / "release" / "hepexc"))
    ap.add_argument("--only", help="run only the cases whose label contains this text")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory(prefix="hepexc-bench-") as tmp:
        for label, model, data, options, samples in CASES:
            if args.only and args.only not in label:
                continue
            plan = str(Path(tmp) / "plan.hepx")
            report = json.loads(run([args.hepexc, "compile", model, *options, "-o", plan, "--json"]))
            runs = []
            for _ in range(args.runs):
                out = run([args.hepexc, "run", plan, "--data", data, "--limit", str(samples),
                           "--threads", str(args.threads), "--json"])
                runs.append(json.loads(out))
            med = lambda f: statistics.median(f(r) for r in runs)
            low = lambda f: min(f(r) for r in runs)
            rows.append({
                "label": label,
                "tile": "x".join(map(str, report["tile"])),
                "logN": report["log_n"],
                "inputs": report["input_ciphertexts"],
                "rot": runs[0]["ops"]["rotations"],
                "ctpt": runs[0]["ops"]["plainMultiplies"],
                "execute": med(lambda r: r["timings"]["execute"]) * 1e3,
                "execute_best": low(lambda r: r["timings"]["execute"]) * 1e3,
                "execute_cpu": med(lambda r: r["cpu_timings"]["execute"]) * 1e3,
                "encrypt": med(lambda r: r["timings"]["encrypt"]) * 1e3,
                "keygen": med(lambda r: r["timings"]["keygen"]) * 1e3,
                "memory": med(lambda r: r["peak_memory_bytes"]) / 2**20,
                "error": max(r["max_abs_error"] for r in runs),
                "accuracy": runs[0]["accuracy"],
            })
            print(f"done: {label}", file=sys.stderr)
    print(f"load average after: {os.getloadavg()}", file=sys.stderr)
    print(f"{args.runs} runs each, {args.threads} threads, one batch of 64; times in ms (median; best execute in brackets)\n")
    print("| plan | tile, N | input cts | rotations | ct×pt | execute | execute CPU | client encrypt | keygen | peak memory | max \\|enc − plain\\| |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['label']} | {r['tile']}, 2^{r['logN']} | {r['inputs']} | {r['rot']} | {r['ctpt']} | "
              f"{r['execute']:.1f} ({r['execute_best']:.1f}) | {r['execute_cpu']:.1f} | {r['encrypt']:.1f} | "
              f"{r['keygen']:.0f} | {r['memory']:.0f} MiB | {r['error']:.1e} |")


if __name__ == "__main__":
    main()
