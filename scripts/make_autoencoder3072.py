#!/usr/bin/env python3
"""Builds the 3072-256-256-3072 autoencoder of the HElayers comparison (issue 17):

  Linear(3072,256) → x² → Linear(256,256) → x² → Linear(256,3072)

on 32×32×3 colour patches (the CIFAR-10 input size; CIFAR itself is not
available offline). The patches are cut from the two colour photographs that
ship inside scikit-learn (`sklearn.datasets.load_sample_images`, needs pillow):
training patches from "china.jpg" (stride 8), test patches from "flower.jpg"
(stride 16), pixels / 255, flattened channel-major (C, H, W) like a torch view.

  python3 scripts/make_autoencoder3072.py [--out .cache/yardstick]

writes OUT/autoencoder_3072.onnx (opset 17, dynamic batch axis, input `input`
[B,3072], output `reconstruction`) and OUT/autoencoder_3072_test.npz (`x`
float32 [N,3072]; `X` the same for ../shared/peers/helayers_run.py). Trained
with Adam in numpy (deterministic seed), the decoder then refitted by ridge
least squares, and checked against onnx.reference. Needs numpy, onnx, scikit-learn, pillow.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

SIZES = (3072, 256, 256, 3072)


def patches(image: np.ndarray, stride: int) -> np.ndarray:
    h, w, _ = image.shape
    out = [image[r:r + 32, c:c + 32].transpose(2, 0, 1).reshape(-1)
           for r in range(0, h - 31, stride) for c in range(0, w - 31, stride)]
    return np.asarray(out, dtype=np.float32) / 255.0


def forward(params, x):
    (w1, b1), (w2, b2), (w3, b3) = params
    z1 = x @ w1.T + b1
    a1 = z1 * z1
    z2 = a1 @ w2.T + b2
    a2 = z2 * z2
    return z1, a1, z2, a2, a2 @ w3.T + b3


def train(x, steps, seed):
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        params.append([rng.normal(0, 0.5 / np.sqrt(fan_in), (fan_out, fan_in)).astype(np.float32),
                       np.zeros(fan_out, np.float32)])
    m = [[np.zeros_like(p) for p in layer] for layer in params]
    v = [[np.zeros_like(p) for p in layer] for layer in params]
    lr, b1m, b2m, eps = 2e-3, 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        xb = x[rng.integers(0, len(x), 128)]
        z1, a1, z2, a2, y = forward(params, xb)
        g = 2.0 * (y - xb) / y.size
        grads = []
        grads.append((g.T @ a2, g.sum(0)))
        g = (g @ params[2][0]) * 2.0 * z2
        grads.append((g.T @ a1, g.sum(0)))
        g = (g @ params[1][0]) * 2.0 * z1
        grads.append((g.T @ xb, g.sum(0)))
        grads.reverse()
        norm = np.sqrt(sum(float((gi * gi).sum()) for layer in grads for gi in layer))
        scale = min(1.0, 1.0 / max(norm, 1e-12))
        for li, layer in enumerate(grads):
            for pi, gi in enumerate(layer):
                gi = gi * scale
                m[li][pi] = b1m * m[li][pi] + (1 - b1m) * gi
                v[li][pi] = b2m * v[li][pi] + (1 - b2m) * gi * gi
                mh = m[li][pi] / (1 - b1m ** step)
                vh = v[li][pi] / (1 - b2m ** step)
                params[li][pi] = (params[li][pi] - lr * mh / (np.sqrt(vh) + eps)).astype(np.float32)
        if step % 100 == 0:
            print(f"step {step}: batch mse {float(((y - xb) ** 2).mean()):.5f}", file=sys.stderr)
    return params


def refit_decoder(params, x, ridge=1e-3):
    """Least-squares decoder for the trained encoder: (w3, b3) minimising
    |a2 w3ᵀ + b3 − x|² + ridge |w3|² in closed form (the last layer is linear)."""
    a2 = forward(params, x)[3].astype(np.float64)
    a = np.hstack([a2, np.ones((len(a2), 1))])
    gram = a.T @ a + ridge * np.eye(a.shape[1])
    sol = np.linalg.solve(gram, a.T @ x.astype(np.float64))
    params[2] = [sol[:-1].T.astype(np.float32), sol[-1].astype(np.float32)]
    return params


def to_onnx(params) -> onnx.ModelProto:
    inits, nodes, prev = [], [], "input"
    for i, (w, b) in enumerate(params, start=1):
        inits += [numpy_helper.from_array(w, f"fc{i}.weight"), numpy_helper.from_array(b, f"fc{i}.bias")]
        out = "reconstruction" if i == len(params) else f"fc{i}_out"
        nodes.append(helper.make_node("Gemm", [prev, f"fc{i}.weight", f"fc{i}.bias"], [out],
                                      name=f"fc{i}", alpha=1.0, beta=1.0, transB=1))
        prev = out
        if i < len(params):
            nodes.append(helper.make_node("Mul", [out, out], [f"act{i}_out"], name=f"act{i}"))
            prev = f"act{i}_out"
    graph = helper.make_graph(nodes, "autoencoder_3072",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", SIZES[0]])],
                              [helper.make_tensor_value_info("reconstruction", TensorProto.FLOAT,
                                                             ["batch", SIZES[-1]])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="hepexc")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / ".cache" / "yardstick"))
    ap.add_argument("--steps", type=int, default=300)
    a = ap.parse_args()
    try:
        from sklearn.datasets import load_sample_images
        sample = load_sample_images()
        images = {Path(n).name: img for n, img in zip(sample.filenames, sample.images)}
    except Exception as e:  # noqa: BLE001 (one-line error: pillow missing or no sample images)
        sys.exit(f"error: cannot load scikit-learn's sample images (pip install pillow?): {e}")
    xtr, xte = patches(images["china.jpg"], 8), patches(images["flower.jpg"], 16)
    params = refit_decoder(train(xtr, a.steps, seed=17), xtr)
    model = to_onnx(params)
    ref = np.asarray(ReferenceEvaluator(model).run(None, {"input": xte})[0])
    mine = forward(params, xte)[-1]
    diff = float(np.abs(ref - mine).max())
    mse = float(((ref - xte) ** 2).mean())
    base = float(((xte - xte.mean(0)) ** 2).mean())
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    onnx.save(model, out / "autoencoder_3072.onnx")
    np.savez(out / "autoencoder_3072_test.npz", x=xte, X=xte)
    print(f"{out}/autoencoder_3072.onnx: {sum(p.size for l in params for p in l)} parameters, "
          f"{len(xtr)} train / {len(xte)} test patches, test MSE {mse:.5f} (mean-image baseline {base:.5f}), "
          f"numpy vs onnx.reference {diff:.2g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
