#!/usr/bin/env python3
"""Structured fuzzing of `.hepx` plans (issue 14 §3–§5).

The checksum of a plan is not a signature: anyone can edit the JSON payload
and recompute it. This script compiles bundled models, then rewrites one to
three fields of the payload — tile sizes, feature counts, levels, primes,
scales, digits, rotation steps, polynomial coefficients, weights, bounds — to
extremes (0, -1, 2^31, 2^32, 2^62, Int64.max, 1e300, NaN, huge lists, wrong
types), recomputes the checksum, and runs `hepexc inspect` and `hepexc run`
(simulated, and under CKKS for some) on each plan under a memory and time
limit. Every run must end with exit status 0 or 1 and a one-line error on
status 1; a run that reports results from a plan whose parameters are not
128-bit secure (whatever its `insecure` flag says) without --allow-insecure
is also a finding.

  python3 scripts/fuzz_plan.py [--binary .build/debug/hepexc] [--count N] [--seed S]

Standard library only.
"""
import argparse
import json
import os
import random
import struct
import sys
import tempfile

from fuzzlib import is_finding, run

EXTREMES = [0, -1, 1, 2, 3, 2**31 - 1, 2**31, 2**32, 2**40, 2**62, 2**63 - 1, -(2**63), 1e300, -1e300, 1e-300,
            "x", None, True, [], [0] * 4097, list(range(1, 4096)), {}]
MODELS = [("models/digits_mlp_square.onnx", "1x64", "models/data/digits_test.npz"),
          ("models/digits_mlp_poly2.onnx", "16x16", "models/data/digits_test.npz")]


# The HE standard's 128-bit bounds on log QP (classic, ternary secret), as HepexcSecurity.
BOUNDS = {10: 27, 11: 54, 12: 109, 13: 218, 14: 438, 15: 881, 16: 1747}


def secure(parameters):
    """Whether the parameters the plan *declares* meet 128-bit security
    (its `insecure` flag is ignored: it is only a claim)."""
    try:
        return sum(parameters["logQ"]) + sum(parameters["logP"]) <= BOUNDS[parameters["logN"]]
    except (KeyError, TypeError):
        return False


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h ^= byte
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def read_plan(path):
    data = open(path, "rb").read()
    version = struct.unpack("<I", data[8:12])[0]
    length = struct.unpack("<Q", data[12:20])[0]
    return version, json.loads(data[20:20 + length])


def write_plan(path, version, payload):
    body = json.dumps(payload, sort_keys=True, allow_nan=True).encode()
    with open(path, "wb") as f:
        f.write(b"HEPXPLAN" + struct.pack("<I", version) + struct.pack("<Q", len(body)) + body + struct.pack("<Q", fnv1a64(body)))


def leaves(value, prefix=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield prefix + (key,)
            yield from leaves(item, prefix + (key,))
    elif isinstance(value, list):
        # A few positions per list: first, last, one in the middle.
        for index in sorted({0, len(value) // 2, len(value) - 1}) if value else []:
            yield prefix + (index,)
            yield from leaves(value[index], prefix + (index,))


INT_EXTREMES = [0, -1, 1, 2, 3, 64, 2**31 - 1, 2**31, 2**32, 2**40, 2**62, 2**63 - 1, -(2**63)]
FLOAT_EXTREMES = [0.0, -1.0, 1e10, 1e300, -1e300, 1e-300, 3.5, 1e-3]


def current(root, path):
    for key in path:
        root = root[key]
    return root


def mutation(value, rng):
    """Mostly a value of the same type (so the payload still decodes and
    reaches validation), sometimes anything."""
    if rng.random() < 0.15:
        return rng.choice(EXTREMES)
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return rng.choice(INT_EXTREMES)
    if isinstance(value, float):
        return rng.choice(FLOAT_EXTREMES)
    if isinstance(value, list):
        choice = rng.randint(0, 3)
        if choice == 0:
            return []
        if choice == 1:
            return value + value
        if choice == 2 and value and isinstance(value[0], int):
            return list(range(1, 4096))
        return value[: len(value) // 2]
    return rng.choice(EXTREMES)


def assign(root, path, value):
    target = root
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/hepexc")
    parser.add_argument("--count", type=int, default=150)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--timeout", type=float, default=120)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    findings = total = 0
    with tempfile.TemporaryDirectory() as directory:
        seeds = []
        for model, tile, data in MODELS:
            path = os.path.join(directory, os.path.basename(model) + ".hepx")
            status, stderr, _ = run(options.binary, ["compile", model, "--tile", tile, "-o", path], options.timeout)
            if status != 0:
                sys.exit(f"cannot compile {model}: {stderr}")
            seeds.append((read_plan(path), data))
        for index in range(options.count):
            (version, payload), data = rng.choice(seeds)
            payload = json.loads(json.dumps(payload))
            for _ in range(rng.randint(1, 3)):
                paths = list(leaves(payload))
                structural = [p for p in paths if "values" not in p and "bias" not in p]
                path = rng.choice(structural if structural and rng.random() < 0.8 else paths)
                try:
                    assign(payload, path, mutation(current(payload, path), rng))
                except (KeyError, IndexError, TypeError):
                    pass
            path = os.path.join(directory, f"p{index}.hepx")
            write_plan(path, version, payload)
            backend = "ckks" if index % 5 == 0 else "simulated"
            for args in (["inspect", path],
                         ["run", path, "--data", data, "--limit", "8", "--backend", backend, "--threads", "1"]):
                total += 1
                status, stderr, stdout = run(options.binary, args, options.timeout)
                insecure_ran = status == 0 and args[0] == "run" and not secure(payload.get("parameters"))
                if is_finding(status, stderr) or insecure_ran:
                    findings += 1
                    kept = f"/tmp/plan-finding-{options.seed}-{index}.hepx"
                    write_plan(kept, version, payload)
                    print(f"FINDING ({kept}): {args[0]} {backend if args[0] == 'run' else ''} exit {status}: {(stderr or '').strip()[:300]}")
    print(f"{total} runs, {findings} findings")
    sys.exit(1 if findings else 0)


if __name__ == "__main__":
    main()
