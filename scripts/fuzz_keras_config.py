#!/usr/bin/env python3
"""Structured fuzzing of the Keras importer (issue 14 §4, §5).

Takes the committed Keras 2 fixtures (Sequential CNN and Functional model),
rewrites one to three values of their `model_config` JSON to extremes an
attacker would try (0, -1, 2^31, 2^40, 2^62, huge lists, NaN, wrong types,
strings where numbers belong, missing keys), optionally also a weight
dataset's declared shape, and runs `hepexc inspect` and `hepexc compile` on
each file under a memory and time limit.

Every run must end with exit status 0 or 1, a one-line error on status 1,
within the time limit; anything else is a finding (the file is kept under
/tmp) and the script exits 1.

  python3 scripts/fuzz_keras_config.py [--binary .build/debug/hepexc] [--count N] [--seed S]

Needs `h5py` and `numpy` (pip).
"""
import argparse
import json
import os
import random
import shutil
import sys
import tempfile

import h5py
import numpy as np

from fuzzlib import is_finding, run

here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, "..", "Tests", "FrontendTests", "Fixtures", "keras")
SEEDS = ["k2_cnn.h5", "k2_functional.h5"]
EXTREMES = [0, -1, 1, 2**31 - 1, 2**31, 2**32, 2**40, 2**62, 2**63 - 1, -(2**63), 1e300, -1e300,
            float("nan"), "same", "", None, True, [], [0, 0], [2**40, 2**40], [-1, -1], [1, 2, 3, 4, 5], {"a": 1}]


def paths(value, prefix=()):
    """Every (path, value) leaf and list inside a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield prefix + (key,), item
            yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield prefix + (index,), item
            yield from paths(item, prefix + (index,))


def assign(root, path, value):
    target = root
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        if isinstance(target, dict):
            del target[path[-1]]
        else:
            target.pop(path[-1])
    else:
        target[path[-1]] = value


def mutate(config, rng):
    candidates = [p for p, _ in paths(config) if "layers" in p and p[-1] not in ("name",)]
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(candidates)
        value = rng.choice(EXTREMES + [KeyError])
        try:
            assign(config, path, value)
        except (KeyError, IndexError, TypeError):
            pass
        candidates = [p for p, _ in paths(config) if "layers" in p and p[-1] not in ("name",)]
    return config


def reshape_weight(f, rng):
    names = []
    f.visititems(lambda name, obj: names.append(name) if isinstance(obj, h5py.Dataset) else None)
    if not names:
        return
    name = rng.choice(names)
    shape = [rng.choice([1, 2, 3, 7, 0, 4096]) for _ in range(rng.randint(1, 4))]
    del f[name]
    if rng.random() < 0.5:
        f.create_dataset(name, data=np.full(shape, rng.choice([0.5, np.nan, np.inf, 1e30]), dtype="f4"))
    else:
        f.create_dataset(name, shape=shape, dtype="f4")  # declared, never written




def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/hepexc")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--timeout", type=float, default=60)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    findings = total = 0
    with tempfile.TemporaryDirectory() as directory:
        for index in range(options.count):
            seed = rng.choice(SEEDS)
            path = os.path.join(directory, f"m{index}.h5")
            shutil.copyfile(os.path.join(fixtures, seed), path)
            with h5py.File(path, "r+") as f:
                config = mutate(json.loads(f.attrs["model_config"]), rng)
                f.attrs["model_config"] = json.dumps(config)
                if rng.random() < 0.25:
                    reshape_weight(f, rng)
            for args in (["inspect", path], ["compile", path, "--tile", "16x16", "-o", os.path.join(directory, "out.hepx")]):
                total += 1
                status, stderr, _ = run(options.binary, args, options.timeout)
                if is_finding(status, stderr):
                    findings += 1
                    kept = f"/tmp/keras-finding-{options.seed}-{index}.h5"
                    shutil.copyfile(path, kept)
                    print(f"FINDING ({kept}, from {seed}): {args[0]} exit {status}: {(stderr or '').strip()[:300]}")
    print(f"{total} runs, {findings} findings")
    sys.exit(1 if findings else 0)


if __name__ == "__main__":
    main()
