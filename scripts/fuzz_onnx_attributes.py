#!/usr/bin/env python3
"""Structured fuzzing of the ONNX importer and compiler (issue 14 §4, §5).

Byte mutation (scripts/fuzz.sh) rarely produces a *valid* protobuf whose
attributes are extreme. This script builds small, well-formed ONNX models for
every operator hepexc imports, with attribute values, shape inputs and
declared dimensions drawn from the extremes an attacker would try (0, -1,
2^31, 2^32, 2^40, 2^62, Int64.max/min, NaN/Inf floats), and runs
`hepexc inspect` and `hepexc compile` on each under a memory and time limit.

Every run must end with exit status 0 or 1, a one-line error on status 1,
within the time limit: a signal (crash), exit 70 (internal error), a timeout
or a multi-line message is reported as a finding and makes the script exit 1.

  python3 scripts/fuzz_onnx_attributes.py [--binary .build/debug/hepexc] [--limit N] [--seed S]

Needs `onnx` and `numpy` (pip). A few hundred models by default, ~2 minutes.
"""
import argparse
import itertools
import os
import random
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from fuzzlib import is_finding, run

EXTREME_INTS = [0, -1, 1, 2, 3, 2**31 - 1, 2**31, 2**32, 2**40, 2**62, 2**63 - 1, -(2**63), -(2**31)]
EXTREME_FLOATS = [0.0, -0.0, 1e-45, 1e38, -1e38, float("inf"), float("-inf"), float("nan"), 8192.0]


def model(nodes, inputs, outputs, initializers=(), opset=13):
    graph = helper.make_graph(nodes, "fuzz", inputs, outputs, initializer=list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def vi(name, dims):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def floats(name, shape, value=0.1):
    return numpy_helper.from_array(np.full(shape, value, dtype=np.float32), name)


def lying_tensor(name, dims):
    """An initializer declaring `dims` but holding 4 floats."""
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    t.raw_data = np.zeros(4, dtype=np.float32).tobytes()
    return t


def cases(rng):
    x4 = vi("x", [1, 2, 6, 6])
    x2 = vi("x", [1, 8])
    y = vi("y", None)
    pick = lambda: rng.choice(EXTREME_INTS)
    # Conv / pooling attributes.
    for _ in range(40):
        attrs = {}
        for key in ["kernel_shape", "pads", "strides", "dilations"]:
            if rng.random() < 0.6:
                n = 4 if key == "pads" else 2
                attrs[key] = [pick() if rng.random() < 0.5 else 1 for _ in range(n)]
        if rng.random() < 0.3:
            attrs["group"] = pick()
        k = attrs.get("kernel_shape", [3, 3])
        wshape = [3, 2] + [d if 0 < d < 8 else 3 for d in k[:2]]
        yield "Conv", model([helper.make_node("Conv", ["x", "w"], ["y"], **attrs)], [x4], [y], [floats("w", wshape)])
        yield "AveragePool", model([helper.make_node("AveragePool", ["x"], ["y"], **{**attrs, "kernel_shape": k})], [x4], [y])
    # Lying weight dimensions.
    for dims in [[2**40, 2], [2**31, 2**31], [0, 8], [-1, 8], [2**62, 2**62], [3, 2, 2**20, 2**20]]:
        yield "Conv-lying-weight", model([helper.make_node("Conv", ["x", "w"], ["y"])], [x4], [y], [lying_tensor("w", dims)])
        yield "MatMul-lying-weight", model([helper.make_node("MatMul", ["x", "w"], ["y"])], [x2], [y], [lying_tensor("w", dims)])
    # Axis attributes.
    for op in ["Flatten", "Softmax", "Concat", "ArgMax"]:
        for axis in EXTREME_INTS:
            inputs = ["x", "x"] if op == "Concat" else ["x"]
            yield op, model([helper.make_node(op, inputs, ["y"], axis=axis)], [x4], [y])
    for perm in [[0, 1, 2, 2**40], [0, 1, 2], [3, 2, 1, 0, 4], [-1, 0, 1, 2], [0, 0, 1, 2]]:
        yield "Transpose", model([helper.make_node("Transpose", ["x"], ["y"], perm=perm)], [x4], [y])
    # Shape inputs: Reshape, ConstantOfShape, Slice, Squeeze, Unsqueeze, Gather.
    for _ in range(30):
        shape = [pick() for _ in range(rng.randint(1, 4))]
        yield "Reshape", model([helper.make_node("Reshape", ["x", "s"], ["y"])], [x4], [y], [ints("s", shape)])
        yield "ConstantOfShape", model([helper.make_node("ConstantOfShape", ["s"], ["c"]),
                                        helper.make_node("Add", ["x", "c"], ["y"])], [x4], [y], [ints("s", shape)])
        n = rng.randint(1, 3)
        starts, ends = [pick() for _ in range(n)], [pick() for _ in range(n)]
        axes, steps = [pick() for _ in range(n)], [pick() for _ in range(rng.randint(0, n))]
        inits = [ints("st", starts), ints("en", ends), ints("ax", axes)] + ([ints("sp", steps)] if steps else [])
        yield "Slice", model([helper.make_node("Slice", ["x", "st", "en", "ax"] + (["sp"] if steps else []), ["y"])], [x4], [y], inits)
        yield "Squeeze", model([helper.make_node("Squeeze", ["x", "a"], ["y"])], [x4], [y], [ints("a", axes)])
        yield "Unsqueeze", model([helper.make_node("Unsqueeze", ["x", "a"], ["y"])], [x4], [y], [ints("a", axes)])
        yield "Gather", model([helper.make_node("Gather", ["x", "i"], ["y"], axis=rng.choice([0, 1, -1, 7]))], [x2], [y],
                              [ints("i", [pick() for _ in range(n)])])
    # Float attributes and exponents.
    for value in EXTREME_FLOATS:
        yield "Gemm", model([helper.make_node("Gemm", ["x", "w", "b"], ["y"], alpha=value, beta=value, transB=1)], [x2], [y],
                            [floats("w", [3, 8]), floats("b", [3])])
        yield "BatchNormalization", model([helper.make_node("BatchNormalization", ["x", "g", "bb", "m", "v"], ["y"], epsilon=value)],
                                          [x4], [y], [floats("g", [2]), floats("bb", [2]), floats("m", [2]), floats("v", [2], 0.0)])
        yield "Pow", model([helper.make_node("Pow", ["x", "e"], ["y"])], [x2], [y], [floats("e", [], value)])
        yield "Mul", model([helper.make_node("Mul", ["x", "k"], ["y"])], [x2], [y], [floats("k", [8], value)])
    # Extreme declared input dimensions.
    for dims in [[1, 2**40], [2**40, 8], [1, 0], [1, -5], [1, 2**31, 2**31], [1, 2**62]]:
        yield "input-dims", model([helper.make_node("Relu", ["x"], ["y"])], [vi("x", dims)], [y])
        yield "input-dims-gemm", model([helper.make_node("Gemm", ["x", "w"], ["y"], transB=1)], [vi("x", dims)], [y],
                                       [floats("w", [3, 8])])




def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/hepexc")
    parser.add_argument("--limit", type=int, default=0, help="at most N models (0: all)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--timeout", type=float, default=60)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    findings = 0
    total = 0
    with tempfile.TemporaryDirectory() as directory:
        generated = cases(rng)
        if options.limit:
            generated = itertools.islice(generated, options.limit)
        for index, (op, m) in enumerate(generated):
            path = os.path.join(directory, f"m{index}.onnx")
            try:
                onnx.save(m, path)
            except Exception:
                continue
            for args in (["inspect", path], ["compile", path, "--tile", "16x16", "-o", os.path.join(directory, "out.hepx")]):
                total += 1
                status, stderr, _ = run(options.binary, args, options.timeout)
                if is_finding(status, stderr):
                    findings += 1
                    kept = os.path.join("/tmp", f"fuzz-finding-{index}.onnx")
                    onnx.save(m, kept)
                    print(f"FINDING {op} ({kept}): {' '.join(args[:1])} exit {status}: {(stderr or '').strip()[:300]}")
    print(f"{total} runs, {findings} findings")
    sys.exit(1 if findings else 0)


if __name__ == "__main__":
    main()
