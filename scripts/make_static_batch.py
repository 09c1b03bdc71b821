#!/usr/bin/env python3
"""Writes a copy of an ONNX model with a static batch axis, for peers whose ONNX
parser rejects a dynamic one (IBM HElayers 1.5.5: "parseShapeOperator:
Assertion failed: batchSize > 0" on models/mnist_cryptonets.onnx).

  python3 scripts/make_static_batch.py IN.onnx OUT.onnx [--batch 1]

Same weights and the same function: the first axis of every graph input and
output is set to --batch, and the exporter's dynamic flatten (Shape → Gather →
Unsqueeze → Concat → Reshape, i.e. view(B, -1)) is replaced by one
Flatten(axis=1). The result is checked against the original on random inputs
with onnx.reference (max abs difference printed; non-zero exit above 1e-5).
Needs only numpy and onnx.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np
import onnx
from onnx import helper
from onnx.reference import ReferenceEvaluator

FLATTEN_CHAIN = ("Shape", "Gather", "Unsqueeze", "Concat", "Reshape")


def producers(graph):
    return {out: node for node in graph.node for out in node.output}


def fold_dynamic_flatten(graph) -> int:
    """Replaces each Reshape whose shape comes from Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])
    with Flatten(x, axis=1). Returns how many were replaced."""
    prod = producers(graph)
    consts = {n.output[0]: onnx.numpy_helper.to_array(n.attribute[0].t)
              for n in graph.node if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value"}
    consts.update({i.name: onnx.numpy_helper.to_array(i) for i in graph.initializer})
    dead, new_nodes, replaced = set(), [], 0
    for node in graph.node:
        if node.op_type != "Reshape":
            continue
        data, shape = node.input[0], node.input[1]
        concat = prod.get(shape)
        if concat is None or concat.op_type != "Concat" or len(concat.input) != 2:
            continue
        tail = consts.get(concat.input[1])
        unsq = prod.get(concat.input[0])
        gather = prod.get(unsq.input[0]) if unsq is not None and unsq.op_type == "Unsqueeze" else None
        shp = prod.get(gather.input[0]) if gather is not None and gather.op_type == "Gather" else None
        if tail is None or list(np.ravel(tail)) != [-1] or shp is None or shp.op_type != "Shape":
            continue
        if list(np.ravel(consts.get(gather.input[1], np.array([1])))) != [0] or shp.input[0] != data:
            continue
        dead.update(id(n) for n in (node, concat, unsq, gather, shp))
        dead.update(id(prod[i]) for n in (concat, unsq, gather) for i in n.input
                    if i in prod and prod[i].op_type == "Constant")
        new_nodes.append((node, helper.make_node("Flatten", [data], list(node.output), axis=1,
                                                 name=(node.name or "reshape") + "_flatten")))
        replaced += 1
    swap = {id(old): new for old, new in new_nodes}
    kept = []
    for node in graph.node:
        if id(node) in swap:
            kept.append(swap[id(node)])
        elif id(node) not in dead:
            kept.append(node)
    del graph.node[:]
    graph.node.extend(kept)
    return replaced


def set_batch(graph, batch: int):
    for value in list(graph.input) + list(graph.output):
        dims = value.type.tensor_type.shape.dim
        if dims:
            dims[0].Clear()
            dims[0].dim_value = batch


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--batch", type=int, default=1, help="static batch size written into the graph (default 1)")
    a = ap.parse_args()
    if a.batch < 1:
        sys.exit(f"error: --batch must be at least 1, got {a.batch}")
    try:
        model = onnx.load(a.model)
    except Exception as e:  # noqa: BLE001 (one-line error for any unreadable file)
        sys.exit(f"error: cannot read ONNX model {a.model}: {e}")
    original = onnx.load(a.model)
    replaced = fold_dynamic_flatten(model.graph)
    set_batch(model.graph, a.batch)
    del model.graph.value_info[:]
    onnx.checker.check_model(model)
    model = onnx.shape_inference.infer_shapes(model)

    name = original.graph.input[0].name
    dims = [d.dim_value for d in original.graph.input[0].type.tensor_type.shape.dim[1:]]
    x = np.random.default_rng(7).random((a.batch, *dims), dtype=np.float32)
    want = ReferenceEvaluator(original).run(None, {name: x})[0]
    got = ReferenceEvaluator(model).run(None, {name: x})[0]
    err = float(np.abs(np.asarray(want) - np.asarray(got)).max())
    if err > 1e-5:
        sys.exit(f"error: static copy differs from {a.model} by {err:.3g}")
    onnx.save(model, a.out)
    print(f"{a.out}: batch {a.batch}, {replaced} dynamic flatten(s) folded, max |diff| {err:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
