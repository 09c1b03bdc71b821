#!/usr/bin/env python3
"""Trains and exports models/digits_mlp_deep16.onnx: a deep polynomial MLP on
sklearn digits for bootstrapping (issue 18) — deeper than any leveled 128-bit
CKKS chain holds, so `hepexc compile` places bootstrap steps.

  Linear(64,16) → p → [Linear(16,16) → p] × 15 → Linear(16,10),  p(z) = z + z²/8

16 polynomial layers of depth 2 and 17 dense layers of depth 1: 49 levels
(a leveled chain at N = 2^16 holds at most 46). Trained in plain numpy (Adam,
full-gradient backprop, fixed seed), so only numpy, scikit-learn and onnx are
needed. Prints the float accuracy on the 30% test split that
models/data/digits_test.npz holds, and writes models/reference/digits_mlp_deep16.npz
(the float logits of that split).

Usage: python scripts/make_deep_model.py   (any venv with numpy, scikit-learn, onnx)
"""
import pathlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 20240611  # scripts/make_models.py's split
ROOT = pathlib.Path(__file__).resolve().parent.parent
HIDDEN, BLOCKS, C = 16, 15, 0.125


def split():
    d = load_digits()
    x = (d.data / 16.0).astype(np.float32)
    y = d.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.3, stratify=y, random_state=SEED % 2**31)


def init(rng):
    sizes = [64] + [HIDDEN] * (BLOCKS + 1) + [10]
    params = []
    for i, (n, m) in enumerate(zip(sizes[:-1], sizes[1:])):
        if n == m:
            # Contractive start: z + z²/8 grows values, 0.7·I shrinks them back.
            w = 0.7 * np.eye(m) + rng.normal(0, 0.05, (m, n))
        else:
            w = rng.normal(0, (1.0 / n) ** 0.5, (m, n))
        params.append([w, np.zeros(m)])
    return params


def forward(params, x):
    h, cache = x, []
    for i, (w, b) in enumerate(params):
        z = h @ w.T + b
        last = i == len(params) - 1
        a = z if last else z + C * z * z
        cache.append((h, z))
        h = a
    return h, cache


def train(params, x, y, epochs=200, batch=64, lr=1e-3, seed=1, penalty=2e-2):
    rng = np.random.default_rng(seed)
    m = [[np.zeros_like(p) for p in layer] for layer in params]
    v = [[np.zeros_like(p) for p in layer] for layer in params]
    t = 0
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch):
            idx = order[start:start + batch]
            logits, cache = forward(params, x[idx])
            p = np.exp(logits - logits.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            g = p.copy()
            g[np.arange(len(idx)), y[idx]] -= 1
            g /= len(idx)
            t += 1
            for i in reversed(range(len(params))):
                h, z = cache[i]
                if i != len(params) - 1:
                    # Penalty on the pre-activations keeps values small (the
                    # CKKS plan's headroom and the bootstraps' q₀ need it).
                    g = g * (1 + 2 * C * z) + penalty * 2 * z / len(idx)
                gw, gb = g.T @ h, g.sum(0)
                g = g @ params[i][0]
                for j, grad in enumerate((gw, gb)):
                    grad = np.clip(grad, -1, 1)
                    m[i][j] = 0.9 * m[i][j] + 0.1 * grad
                    v[i][j] = 0.999 * v[i][j] + 0.001 * grad * grad
                    mh, vh = m[i][j] / (1 - 0.9 ** t), v[i][j] / (1 - 0.999 ** t)
                    params[i][j] -= lr * mh / (vh ** 0.5 + 1e-8)
    return params


def export(params, path):
    nodes, inits = [], []
    current = "x"
    for i, (w, b) in enumerate(params):
        inits += [numpy_helper.from_array(w.astype(np.float32), f"w{i}"),
                  numpy_helper.from_array(b.astype(np.float32), f"b{i}")]
        nodes.append(helper.make_node("Gemm", [current, f"w{i}", f"b{i}"], [f"z{i}"], transB=1))
        current = f"z{i}"
        if i < len(params) - 1:
            nodes += [helper.make_node("Mul", [current, current], [f"s{i}"]),
                      helper.make_node("Mul", [f"s{i}", "c"], [f"t{i}"]),
                      helper.make_node("Add", [f"t{i}", current], [f"a{i}"])]
            current = f"a{i}"
    inits.append(numpy_helper.from_array(np.array([C], dtype=np.float32), "c"))
    nodes.append(helper.make_node("Identity", [current], ["logits"]))
    graph = helper.make_graph(nodes, "digits_mlp_deep16",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 64])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="make_deep_model.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    xtr, xte, ytr, yte = split()
    bundled = np.load(ROOT / "models" / "data" / "digits_test.npz")
    assert np.array_equal(bundled["x"], xte) and np.array_equal(bundled["y"], yte), "split differs from models/data"
    params = train(init(np.random.default_rng(SEED)), xtr.astype(np.float64), ytr)
    # Round to float32 (what the ONNX file holds) before measuring.
    params = [[p.astype(np.float32).astype(np.float64) for p in layer] for layer in params]
    logits, cache = forward(params, xte.astype(np.float64))
    largest = max(float(np.abs(z).max()) for _, z in cache)
    accuracy = float((logits.argmax(1) == yte).mean())
    largest_out = max(largest, float(np.abs(logits).max()), max(float(np.abs(h).max()) for h, _ in cache))
    print(f"test accuracy {accuracy:.4f}, largest pre-activation {largest:.3g}, largest value {largest_out:.3g}, "
          f"params {sum(p.size for layer in params for p in layer)}")
    export(params, ROOT / "models" / "digits_mlp_deep16.onnx")
    (ROOT / "models" / "reference").mkdir(exist_ok=True)
    np.savez_compressed(ROOT / "models" / "reference" / "digits_mlp_deep16.npz", logits=logits.astype(np.float32),
                        accuracy=np.float64(accuracy))


if __name__ == "__main__":
    main()
