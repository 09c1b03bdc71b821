#!/usr/bin/env python3
"""Splits the bundled MNIST test set (models/data/mnist_test.npz, 10000 images the
bundled backbones never trained on) into .cache/mnist_head/{train,test}.npz
(first 8000 / last 2000; x float32 [N,1,28,28], y int64): the data of the
frozen-backbone private-training benchmark (docs/benchmarks.md)."""
import pathlib

import numpy as np

root = pathlib.Path(__file__).resolve().parent.parent
data = np.load(root / "models" / "data" / "mnist_test.npz")
out = root / ".cache" / "mnist_head"
out.mkdir(parents=True, exist_ok=True)
x, y = data["x"], data["y"]
np.savez_compressed(out / "train.npz", x=x[:8000], y=y[:8000])
np.savez_compressed(out / "test.npz", x=x[8000:], y=y[8000:])
print(f"wrote {out}/train.npz (8000) and test.npz (2000)")
