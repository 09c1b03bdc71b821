#!/usr/bin/env python3
"""Train the HE-PEx benchmark MLP and write the full-MNIST data files the
pruning schemes retrain on (docs/benchmarks.md, "HE-PEx schemes").

Produces (relative to the repo root):
  models/mnist_mlp_256_square.onnx        784 -> 256 -> x^2 -> 256 -> x^2 -> 10
                                          (input [B,1,28,28]; trained on MNIST training images 0..49999)
  models/reference/mnist_mlp_256_square.npz
                                          onnxruntime outputs on the 10k test set + accuracy
  .cache/mnist/train50k.npz               x uint8 [50000,1,28,28], y int64: training images 0..49999
  .cache/mnist/val10k.npz                 the same for training images 50000..59999 (validation)
  .cache/mnist/ae_train50k.npz            x uint8 [50000,784], no labels (autoencoder retraining)
  .cache/mnist/ae_val10k.npz              x uint8 [10000,784], no labels (autoencoder validation)
  .cache/mnist/ae_test.npz                x uint8 [10000,784]: the MNIST test images, no labels

The MLP never sees images 50000..59999, so a scheme's validation budget is
measured on data the model was not trained on (`--data train50k.npz
--validation val10k.npz --test .cache/mnist/t10k-images-idx3-ubyte`). The
autoencoder (models/mnist_autoencoder.onnx, by scripts/make_models.py) was
trained on all 60k training images; its reconstruction MSE differs little
between seen and unseen images. The autoencoder files carry no labels, or
the loader would measure accuracy instead of MSE. uint8 inputs are divided
by 255 when loaded, as the models expect.

Deterministic: fixed seeds, one CPU thread. Reuses scripts/make_models.py's
helpers; it does not touch the other bundled models.

Usage: scripts/python-tools.sh && .venv-tools/bin/python scripts/make_hepex_models.py
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_models as mm  # noqa: E402


class MnistMLP256Square(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.act1 = mm.Square()
        self.fc2 = nn.Linear(256, 256)
        self.act2 = mm.Square()
        self.fc3 = nn.Linear(256, 10)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        return self.fc3(self.act2(self.fc2(self.act1(self.fc1(x)))))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=mm.ROOT / "models")
    ap.add_argument("--mnist-cache", type=Path, default=mm.ROOT / ".cache" / "mnist")
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--data-only", action="store_true", help="only write the .cache autoencoder files")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    t0 = time.time()
    xtr, ytr, xte, yte = mm.load_mnist(args.mnist_cache)
    raw = lambda x: np.ascontiguousarray(np.rint(x * 255).astype(np.uint8))
    cache = args.mnist_cache
    np.savez(cache / "train50k.npz", x=raw(xtr[:50000]), y=ytr[:50000])
    np.savez(cache / "val10k.npz", x=raw(xtr[50000:]), y=ytr[50000:])
    np.savez(cache / "ae_train50k.npz", x=raw(xtr[:50000].reshape(50000, 784)))
    np.savez(cache / "ae_val10k.npz", x=raw(xtr[50000:].reshape(10000, 784)))
    np.savez(cache / "ae_test.npz", x=raw(xte.reshape(len(xte), 784)))
    print(f"wrote {cache}/train50k.npz, val10k.npz, ae_train50k.npz, ae_val10k.npz, ae_test.npz", flush=True)
    if args.data_only:
        return

    print("mnist_mlp_256_square", flush=True)
    torch.manual_seed(mm.SEED + 5)
    m = MnistMLP256Square()
    mm.shrink_init(m, 0.5)
    mm.train(m, xtr[:50000], ytr[:50000], loss_fn=nn.CrossEntropyLoss(), epochs=args.epochs, batch=128, lr=1e-3,
             seed=mm.SEED + 5, log="mlp256")
    (args.out / "reference").mkdir(parents=True, exist_ok=True)
    mm.finish_classifier("mnist_mlp_256_square",
                         "view(B,-1) → Linear(784,256) → x² → Linear(256,256) → x² → Linear(256,10)",
                         "MNIST (train images 0..49999 / 10k test)", m, xte, yte, args.out)
    print(f"done in {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
