#!/usr/bin/env python3
"""Training benchmark: one epoch of hepexc's Swift trainer against PyTorch CPU,
measured in the same run on the same machine (docs/benchmarks.md, "Training").

Models: the 784-128-128-10 ReLU MLP (scripts/bench_training/mlp_784_128_128_10.hepir)
and the CryptoNets-style CNN (models/mnist_cryptonets.onnx), both from scratch,
SGD (lr 0.01, momentum 0.9), batch 64, 60k MNIST training images (/255).

Usage: scripts/bench_training.py [--hepexc PATH] [--threads 1,2] [--repeats R]
Both sides run with the same thread limit (torch.set_num_threads, hepexc --threads);
the median epoch time of R runs is reported.
Needs: a release build (swift build -c release), MNIST idx files in .cache/mnist
(scripts/fetch_mnist.sh) and a Python with torch and numpy
(pip install torch==2.13.0+cpu).
"""
import argparse, json, os, statistics, subprocess, sys, time

import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, ".cache/mnist/train-images-idx3-ubyte")
MODELS = {
    "mlp 784-128-128-10": os.path.join(ROOT, "scripts/bench_training/mlp_784_128_128_10.hepir"),
    "cryptonets cnn": os.path.join(ROOT, "models/mnist_cryptonets.onnx"),
}


class Square(nn.Module):
    def forward(self, x):
        return x * x


def torch_model(name):
    if name.startswith("mlp"):
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                             nn.Linear(128, 10))
    return nn.Sequential(nn.Conv2d(1, 5, 5, stride=2, padding=1), Square(), nn.Flatten(), nn.Linear(845, 100),
                         Square(), nn.Linear(100, 10))


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def torch_epoch(name, threads, seed):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    x = torch.from_numpy(read_idx(DATA).astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(read_idx(DATA.replace("images-idx3", "labels-idx1")).astype(np.int64))
    model = torch_model(name)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(len(x))
    start = time.perf_counter()
    total, correct = 0.0, 0
    for i in range(0, len(x), 64):
        index = order[i:i + 64]
        xb, yb = x[index], y[index]
        optimizer.zero_grad()
        out = model(xb)
        loss = loss_fn(out, yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(index)
        correct += (out.argmax(1) == yb).sum().item()
    return time.perf_counter() - start, total / len(x), correct / len(x)


def hepexc_epoch(binary, name, threads, seed):
    out = subprocess.run([binary, "train", MODELS[name], "--from-scratch", "--data", DATA, "--epochs", "1",
                          "--optimizer", "sgd", "--lr", "0.01", "--momentum", "0.9", "--batch-size", "64",
                          "--seed", str(seed), "--threads", str(threads), "-o", "/tmp/hepexc-bench-train.hepir",
                          "--json"], check=True, capture_output=True, text=True).stdout
    epoch = json.loads(out)["epochs"][0]
    return epoch["seconds"], epoch["loss"], epoch["accuracy"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hepexc", default=os.path.join(ROOT, ".build/release/hepexc"))
    parser.add_argument("--threads", default=f"1,{os.cpu_count()}", help="comma-separated thread counts")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"torch {torch.__version__}, {os.cpu_count()} cores, load average {load:.2f}, median of {args.repeats}")
    print("| model | threads | hepexc s/epoch | PyTorch s/epoch | hepexc / PyTorch | hepexc loss / acc | PyTorch loss / acc |")
    print("|---|---:|---:|---:|---:|---|---|")
    for name in MODELS:
        for threads in (int(t) for t in args.threads.split(",")):
            mine = [hepexc_epoch(args.hepexc, name, threads, seed) for seed in range(args.repeats)]
            theirs = [torch_epoch(name, threads, seed) for seed in range(args.repeats)]
            m, t = statistics.median(r[0] for r in mine), statistics.median(r[0] for r in theirs)
            print(f"| {name} | {threads} | {m:.2f} | {t:.2f} | {m / t:.2f}× | {mine[0][1]:.3f} / {mine[0][2]:.3f} "
                  f"| {theirs[0][1]:.3f} / {theirs[0][2]:.3f} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
