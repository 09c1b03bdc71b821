#!/usr/bin/env python3
"""Fixtures and models for non-polynomial activations, Keras built-ins and
the HE-friendly approximation (issue 16).

Writes
  Tests/FrontendTests/Fixtures/activations/   small fixtures (random weights), manifest.json
      onnx_<op>.onnx         one ONNX operator between two Gemms (onnx.helper; opset noted)
      torch_*.onnx           PyTorch exports (TorchScript exporter): GELU decomposition, Gelu op,
                             sigmoid MLP, ReLU+MaxPool CNN, ZeroPad2d CNN
      k3_*.keras / *.h5      Keras 3 (torch backend): merge layers, ZeroPadding2D, Cropping2D,
                             Rescaling, Normalization, every built-in Activation name
      k2_*.h5                TensorFlow 2.15 / Keras 2.15: the same (with --tf-python)
      bad/                   refusals (reflect Pad, channel Pad, Lambda, Concatenate)
    each valid fixture has <name>.io.npz: x (input batch), y (the framework's output on x:
    onnxruntime for ONNX, model.predict for Keras)
  models/  (with --mnist DIR: trained on MNIST, for the acceptance measurements)
      mnist_cnn_relu_maxpool.onnx   PyTorch conv5x5s2(8) → ReLU → MaxPool2 → 288→64 → ReLU → 64→10
      mnist_mlp_gelu.onnx / mnist_mlp_sigmoid.onnx   PyTorch 784→64→GELU|sigmoid→10
      mnist_k3_zeropad_square.keras, mnist_k2_zeropad_square.h5   Keras CNNs:
          ZeroPadding2D → Conv2D → Multiply()([x, x]) → AveragePooling2D → Flatten → Dense
    and prints each model's test accuracy as its framework computes it.

Usage:
  python3 -m venv /tmp/v16 && /tmp/v16/bin/pip install torch==2.13.0+cpu keras h5py numpy onnx onnxruntime
  python3 -m venv /tmp/tf16 && /tmp/tf16/bin/pip install tensorflow-cpu==2.15.1 h5py
  scripts/fetch_mnist.sh /tmp/mnist
  /tmp/v16/bin/python scripts/make_activation_fixtures.py --tf-python /tmp/tf16/bin/python --mnist /tmp/mnist
"""
from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "FrontendTests" / "Fixtures" / "activations"
MODELS = ROOT / "models"
BATCH = 5
SEED = 16


def read_idx(path: Path):
    import numpy as np
    data = path.read_bytes()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_mnist(cache: Path):
    """(x_train, y_train, x_test, y_test), images float32 in [0, 1], NCHW."""
    import numpy as np
    xtr = read_idx(cache / "train-images-idx3-ubyte").astype(np.float32)[:, None] / 255
    ytr = read_idx(cache / "train-labels-idx1-ubyte").astype(np.int64)
    xte = read_idx(cache / "t10k-images-idx3-ubyte").astype(np.float32)[:, None] / 255
    yte = read_idx(cache / "t10k-labels-idx1-ubyte").astype(np.int64)
    return xtr, ytr, xte, yte


# ============================================================================ ONNX operators

def onnx_fixtures(entries: list) -> None:
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(SEED)

    def gemm_pair(op_nodes, extra_inits, opset, name, features=8, hidden=6, error=None):
        w1 = numpy_helper.from_array(rng.normal(0, 0.8, (hidden, features)).astype(np.float32), "w1")
        b1 = numpy_helper.from_array(rng.normal(0, 0.3, (hidden,)).astype(np.float32), "b1")
        w2 = numpy_helper.from_array(rng.normal(0, 0.5, (3, hidden)).astype(np.float32), "w2")
        b2 = numpy_helper.from_array(rng.normal(0, 0.3, (3,)).astype(np.float32), "b2")
        nodes = [helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], transB=1)] + op_nodes + \
                [helper.make_node("Gemm", ["a", "w2", "b2"], ["y"], transB=1)]
        graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", features])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
                                  [w1, b1, w2, b2] + extra_inits)
        save_onnx(helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)]), name, [BATCH, features], error)

    def save_onnx(model, name, shape, error=None, ops=None):
        onnx.checker.check_model(model)
        folder = OUT / "bad" if error else OUT
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.onnx"
        onnx.save(model, path)
        entry = {"file": str(path.relative_to(OUT)), "producer": f"onnx {onnx.__version__} helper",
                 "expect": "error" if error else "ok"}
        if error:
            entry["error"] = error
        else:
            x = rng.normal(0, 1.5, shape).astype(np.float32)
            y = ort.InferenceSession(str(path)).run(None, {model.graph.input[0].name: x})[0]
            np.savez(OUT / f"{name}.io.npz", x=x, y=y)
            entry["io"] = f"{name}.io.npz"
        entries.append(entry)

    def scalar(name, value):
        return numpy_helper.from_array(np.array(value, dtype=np.float32), name)

    unary = {
        "erf": ("Erf", {}), "gelu": ("Gelu", {}), "gelu_tanh": ("Gelu", {"approximate": "tanh"}),
        "hardsigmoid": ("HardSigmoid", {"alpha": 0.3, "beta": 0.4}), "softplus": ("Softplus", {}),
        "softsign": ("Softsign", {}), "elu": ("Elu", {"alpha": 0.7}), "selu": ("Selu", {}),
        "celu": ("Celu", {"alpha": 1.3}), "leakyrelu": ("LeakyRelu", {"alpha": 0.1}),
        "hardswish": ("HardSwish", {}), "mish": ("Mish", {}), "relu": ("Relu", {}),
        "sigmoid": ("Sigmoid", {}), "tanh": ("Tanh", {}),
    }
    for name, (op, attrs) in unary.items():
        gemm_pair([helper.make_node(op, ["h"], ["a"], **attrs)], [], 20, f"onnx_{name}")
    gemm_pair([helper.make_node("Clip", ["h", "lo", "hi"], ["a"])], [scalar("lo", -0.4), scalar("hi", 0.9)], 13, "onnx_clip")
    gemm_pair([helper.make_node("Clip", ["h", "lo"], ["a"])], [scalar("lo", 0.0)], 13, "onnx_clip_relu")
    gemm_pair([helper.make_node("Clip", ["h", "lo", "hi"], ["a"])], [scalar("lo", 0.0), scalar("hi", 6.0)], 13, "onnx_clip_relu6")
    gemm_pair([helper.make_node("Clip", ["h"], ["a"], min=-0.5, max=0.5)], [], 9, "onnx_clip_opset9")
    # The PyTorch GELU decomposition x·0.5·(1 + erf(x/√2)) written by hand.
    gemm_pair([helper.make_node("Div", ["h", "sqrt2"], ["d"]), helper.make_node("Erf", ["d"], ["e"]),
               helper.make_node("Add", ["e", "one"], ["p"]), helper.make_node("Mul", ["h", "p"], ["m"]),
               helper.make_node("Mul", ["m", "half"], ["a"])],
              [scalar("sqrt2", 2 ** 0.5), scalar("one", 1.0), scalar("half", 0.5)], 17, "onnx_gelu_decomposed")

    # Pad → Conv → MaxPool → Flatten → Gemm on [N, 2, 5, 5]; pads as an input (opset 13) and with axes (opset 18).
    def pad_model(name, pad_nodes, inits, opset, error=None):
        w = numpy_helper.from_array(rng.normal(0, 0.5, (3, 2, 3, 3)).astype(np.float32), "cw")
        cb = numpy_helper.from_array(rng.normal(0, 0.2, (3,)).astype(np.float32), "cb")
        fc = numpy_helper.from_array(rng.normal(0, 0.3, (4, 12)).astype(np.float32), "fw")
        fb = numpy_helper.from_array(rng.normal(0, 0.3, (4,)).astype(np.float32), "fb")
        nodes = pad_nodes + [
            helper.make_node("Conv", ["p", "cw", "cb"], ["c"], kernel_shape=[3, 3]),
            helper.make_node("Relu", ["c"], ["r"]),
            helper.make_node("MaxPool", ["r"], ["m"], kernel_shape=[2, 2], strides=[2, 2]),
            helper.make_node("Flatten", ["m"], ["f"]),
            helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], transB=1)]
        graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2, 5, 5])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])], [w, cb, fc, fb] + inits)
        save_onnx(helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)]), name, [BATCH, 2, 5, 5], error)

    def ints(name, values):
        return numpy_helper.from_array(np.array(values, dtype=np.int64), name)

    pad_model("onnx_pad", [helper.make_node("Pad", ["x", "pads"], ["p"], mode="constant")],
              [ints("pads", [0, 0, 1, 0, 0, 0, 0, 1])], 13)
    pad_model("onnx_pad_axes", [helper.make_node("Pad", ["x", "pads", "", "axes"], ["p"])],
              [ints("pads", [1, 1, 0, 0]), ints("axes", [2, 3])], 18)
    pad_model("onnx_pad_opset10", [helper.make_node("Pad", ["x"], ["p"], pads=[0, 0, 1, 1, 0, 0, 0, 0])], [], 10)
    pad_model("onnx_pad_reflect", [helper.make_node("Pad", ["x", "pads"], ["p"], mode="reflect")],
              [ints("pads", [0, 0, 1, 0, 0, 0, 0, 1])], 13, error="unsupportedOperators")
    pad_model("onnx_pad_channels", [helper.make_node("Pad", ["x", "pads"], ["p0"]),
                                    helper.make_node("Slice", ["p0", "st", "en", "ax"], ["p"])],
              [ints("pads", [0, 1, 0, 0, 0, 0, 0, 0]), ints("st", [1]), ints("en", [3]), ints("ax", [1])], 13,
              error="unsupportedOperators")


# ============================================================================ PyTorch

def torch_models():
    import torch
    from torch import nn

    class MLP(nn.Module):
        def __init__(self, act, features=784, hidden=64):
            super().__init__()
            self.fc1, self.act, self.fc2 = nn.Linear(features, hidden), act, nn.Linear(hidden, 10)

        def forward(self, x):
            return self.fc2(self.act(self.fc1(torch.flatten(x, 1))))

    class CNN(nn.Module):
        """A typical MNIST CNN: conv → ReLU → max-pool → FC → ReLU → FC."""
        def __init__(self, channels=8, zero_pad=False):
            super().__init__()
            self.pad = nn.ZeroPad2d((1, 1, 1, 1)) if zero_pad else nn.Identity()
            self.conv = nn.Conv2d(1, channels, 5, stride=2)
            side = ((28 + (2 if zero_pad else 0)) - 5) // 2 + 1
            self.pool = nn.MaxPool2d(2)
            self.fc1 = nn.Linear(channels * (side // 2) ** 2, 64)
            self.fc2 = nn.Linear(64, 10)

        def forward(self, x):
            x = self.pool(torch.relu(self.conv(self.pad(x))))
            return self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))

    return MLP, CNN


def export_torch(model, path: Path, shape, opset: int) -> None:
    import torch
    model.eval()
    torch.onnx.export(model, torch.zeros(shape), str(path), input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=opset, dynamo=False)


def torch_fixtures(entries: list) -> None:
    import numpy as np
    import onnxruntime as ort
    import torch
    from torch import nn
    MLP, CNN = torch_models()
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED + 1)
    version = torch.__version__
    cases = [
        ("torch_mlp_gelu_opset17", MLP(nn.GELU(), features=16, hidden=8), [BATCH, 16], 17, "x*0.5*(1+erf(x/sqrt2)) decomposition"),
        ("torch_mlp_gelu_opset20", MLP(nn.GELU(), features=16, hidden=8), [BATCH, 16], 20, "Gelu operator"),
        ("torch_mlp_gelu_tanh_opset20", MLP(nn.GELU(approximate="tanh"), features=16, hidden=8), [BATCH, 16], 20, "Gelu approximate=tanh"),
        ("torch_mlp_sigmoid", MLP(nn.Sigmoid(), features=16, hidden=8), [BATCH, 16], 17, "Sigmoid"),
        ("torch_mlp_hardsigmoid_softplus", MLP(nn.Sequential(nn.Softplus(), nn.Hardsigmoid()), features=16, hidden=8),
         [BATCH, 16], 17, "Softplus then HardSigmoid"),
        ("torch_mlp_relu6", MLP(nn.ReLU6(), features=16, hidden=8), [BATCH, 16], 17, "ReLU6 as Clip(0, 6)"),
        ("torch_cnn_relu_maxpool", CNN(channels=2), [BATCH, 1, 28, 28], 17, "Conv → ReLU → MaxPool → FC"),
        ("torch_cnn_zeropad", CNN(channels=2, zero_pad=True), [BATCH, 1, 28, 28], 17, "ZeroPad2d → Pad operator"),
    ]
    for name, model, shape, opset, notes in cases:
        path = OUT / f"{name}.onnx"
        export_torch(model, path, shape, opset)
        x = rng.uniform(0, 1, shape).astype(np.float32)
        y = ort.InferenceSession(str(path)).run(None, {"input": x})[0]
        with torch.no_grad():
            assert np.allclose(model(torch.from_numpy(x)).numpy(), y, atol=1e-4), name
        np.savez(OUT / f"{name}.io.npz", x=x, y=y)
        entries.append({"file": f"{name}.onnx", "io": f"{name}.io.npz", "producer": f"pytorch {version} (TorchScript exporter)",
                        "opset": opset, "notes": notes, "expect": "ok"})


def train_torch(model, xtr, ytr, epochs, lr=1e-3, seed=SEED):
    import torch
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    x, y = torch.from_numpy(xtr), torch.from_numpy(ytr)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            idx = perm[i:i + 128]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    model.eval()


def torch_mnist(cache: Path) -> None:
    import numpy as np
    import onnxruntime as ort
    import torch
    from torch import nn
    MLP, CNN = torch_models()
    torch.set_num_threads(2)
    xtr, ytr, xte, yte = load_mnist(cache)
    for name, model, epochs in [("mnist_cnn_relu_maxpool", CNN(), 3),
                                ("mnist_mlp_gelu", MLP(nn.GELU()), 3),
                                ("mnist_mlp_sigmoid", MLP(nn.Sigmoid()), 3)]:
        torch.manual_seed(SEED)
        train_torch(model, xtr, ytr, epochs)
        path = MODELS / f"{name}.onnx"
        export_torch(model, path, [1, 1, 28, 28], 17)
        logits = ort.InferenceSession(str(path)).run(None, {"input": xte})[0]
        print(f"{name}: onnxruntime test accuracy {np.mean(logits.argmax(1) == yte) * 100:.2f} % (10000 images)")


# ============================================================================ Keras (runs in a worker venv)

KERAS_WORKER = r'''
import json, os, sys
from pathlib import Path
import numpy as np
out, mode, mnist = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
if mode == "k3":
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    from keras import layers
    producer = f"keras {keras.__version__} ({keras.backend.backend()} backend)"
    prefix = "k3"
else:
    import tensorflow as tf
    keras = tf.keras
    layers = keras.layers
    producer = f"tensorflow {tf.__version__} (keras {keras.__version__ if hasattr(keras, '__version__') else '2'})"
    prefix = "k2"
rng = np.random.default_rng(16)
keras.utils.set_random_seed(16)
entries = []

def randomize(model):
    for layer in model.layers:
        values = []
        for w in layer.weights:
            shape = tuple(w.shape)
            path = getattr(w, "path", w.name)
            if "variance" in path:
                values.append(rng.uniform(0.5, 1.5, shape).astype(np.float32))
            elif "count" in path:
                values.append(np.array(w.numpy() if hasattr(w, "numpy") else 0))
            else:
                values.append(rng.normal(0, 0.5, shape).astype(np.float32))
        if values:
            layer.set_weights(values)

def finish(model, name, shape, save_keras=True):
    x = rng.normal(0, 1, (5,) + shape).astype(np.float32)
    y = np.asarray(model.predict(x, verbose=0))
    np.savez(out / f"{name}.io.npz", x=x, y=y)
    if mode == "k3" and save_keras:
        model.save(out / f"{name}.keras")
        entries.append({"file": f"{name}.keras", "io": f"{name}.io.npz", "producer": producer, "expect": "ok"})
    if mode == "k3":
        model.save(out / f"{name}_legacy.h5")
        entries.append({"file": f"{name}_legacy.h5", "io": f"{name}.io.npz", "producer": producer, "expect": "ok"})
    else:
        model.save(out / f"{name}.h5", save_format="h5")
        entries.append({"file": f"{name}.h5", "io": f"{name}.io.npz", "producer": producer, "expect": "ok"})

# Functional CNN: Rescaling, Normalization, ZeroPadding2D, Conv2D, Multiply()([x, x]) (one tensor
# feeding both inputs), Cropping2D, Add/Subtract/Average of branches sharing inbound tensors.
inputs = keras.Input((10, 10, 2))
x = layers.Rescaling(0.5, offset=-0.25)(inputs)
norm = layers.Normalization(axis=-1, mean=[0.1, -0.2], variance=[1.5, 0.6])
x = norm(x)
x = layers.ZeroPadding2D(((1, 2), (0, 1)))(x)
x = layers.Conv2D(3, 3)(x)
sq = layers.Multiply()([x, x])
x = layers.Cropping2D(((1, 0), (0, 2)))(sq)
a = layers.Conv2D(3, 1)(x)
b = layers.Conv2D(3, 1, use_bias=False)(x)
s = layers.Add()([a, b, x])
d = layers.Subtract()([a, b])
m = layers.Average()([s, d])
m = layers.Multiply()([m, a])
x = layers.AveragePooling2D(2)(m)
x = layers.Flatten()(x)
x = layers.Dense(4)(x)
model = keras.Model(inputs, x, name=f"{prefix}_merge_cnn")
randomize(model)
finish(model, f"{prefix}_merge_cnn", (10, 10, 2))

# Sequential: ZeroPadding2D and Cropping2D with int and pair forms; Normalization adapted to data.
seq = keras.Sequential([keras.Input((8, 8, 1)), layers.ZeroPadding2D(2), layers.Conv2D(2, 3, activation="gelu"),
                        layers.Cropping2D(1), layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(3, activation="sigmoid")],
                       name=f"{prefix}_pad_seq")
randomize(seq)
finish(seq, f"{prefix}_pad_seq", (8, 8, 1))

# Every built-in activation name, chained between Dense layers.
if mode == "k3":
    names = ["celu", "elu", "exponential", "gelu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
             "leaky_relu", "linear", "log_sigmoid", "mish", "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink",
             "softplus", "softsign", "sparse_plus", "squareplus", "swish", "tanh", "tanh_shrink", "softmax"]
else:
    names = ["elu", "exponential", "gelu", "hard_sigmoid", "linear", "mish", "relu", "selu", "sigmoid", "softplus",
             "softsign", "swish", "tanh", "softmax"]
names = [n for n in names if hasattr(keras.activations, n)]
inp = keras.Input((6,))
h = inp
for n in names:
    h = layers.Dense(6)(h)
    h = layers.Activation(n, name=f"act_{n}")(h)
act = keras.Model(inp, h, name=f"{prefix}_activations")
randomize(act)
for layer in act.layers:
    if layer.name.startswith("dense"):
        kernel, bias = layer.get_weights()
        layer.set_weights([kernel * 0.5, bias * 0.5])
finish(act, f"{prefix}_activations", (6,))
with open(out / f"{prefix}_activations.names.json", "w") as f:
    json.dump(names, f)

# Refusals: Lambda and Concatenate.
li = keras.Input((4,))
lam = keras.Model(li, layers.Dense(2)(layers.Lambda(lambda t: t * 2)(li)), name=f"{prefix}_lambda")
(out / "bad").mkdir(exist_ok=True)
if mode == "k3":
    try:
        lam.save(out / "bad" / f"{prefix}_lambda.keras")
        entries.append({"file": f"bad/{prefix}_lambda.keras", "producer": producer, "expect": "error", "error": "unsupportedLayers"})
    except Exception as e:
        print("lambda save skipped:", e)
else:
    lam.save(out / "bad" / f"{prefix}_lambda.h5", save_format="h5")
    entries.append({"file": f"bad/{prefix}_lambda.h5", "producer": producer, "expect": "error", "error": "unsupportedLayers"})
ci = keras.Input((4,))
cat = keras.Model(ci, layers.Dense(2)(layers.Concatenate()([layers.Dense(3)(ci), layers.Dense(3)(ci)])), name=f"{prefix}_concat")
cat.save(out / "bad" / (f"{prefix}_concat.keras" if mode == "k3" else f"{prefix}_concat.h5"))
entries.append({"file": f"bad/{prefix}_concat." + ("keras" if mode == "k3" else "h5"), "producer": producer,
                "expect": "error", "error": "unsupportedLayers"})

# MNIST: ZeroPadding2D → Conv2D → Multiply()([x, x]) → AveragePooling2D → Flatten → Dense → square → Dense.
if mnist != "-":
    data = np.load(mnist)
    xtr, ytr, xte, yte = data["xtr"], data["ytr"], data["xte"], data["yte"]
    i = keras.Input((28, 28, 1))
    h = layers.ZeroPadding2D(1)(i)
    h = layers.Conv2D(5, 5, strides=2)(h)
    h = layers.Multiply()([h, h])
    h = layers.AveragePooling2D(2)(h)
    h = layers.Flatten()(h)
    h = layers.Dense(64)(h)
    h = layers.Multiply()([h, h])
    o = layers.Dense(10)(h)
    cnn = keras.Model(i, o, name=f"mnist_{prefix}_zeropad_square")
    cnn.compile(optimizer=keras.optimizers.Adam(1e-3),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    cnn.fit(xtr, ytr, batch_size=128, epochs=2, verbose=0)
    _, accuracy = cnn.evaluate(xte, yte, verbose=0)
    name = f"mnist_{prefix}_zeropad_square" + (".keras" if mode == "k3" else ".h5")
    if mode == "k3":
        cnn.save(out / name)
    else:
        cnn.save(out / name, save_format="h5")
    print(f"{name}: keras test accuracy {accuracy * 100:.2f} % ({len(yte)} images, {producer})")
json.dump(entries, open(out / f"{prefix}_entries.json", "w"))
'''


def keras_fixtures(python: str, mode: str, entries: list, mnist_npz: str) -> None:
    env = dict(os.environ, KERAS_BACKEND="torch", TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")
    subprocess.run([python, "-c", KERAS_WORKER, str(OUT), mode, mnist_npz], check=True, env=env)
    prefix = "k3" if mode == "k3" else "k2"
    produced = OUT / f"{prefix}_entries.json"
    entries.extend(json.loads(produced.read_text()))
    produced.unlink()
    for model in OUT.glob(f"mnist_{prefix}_*"):
        model.rename(MODELS / model.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keras3-python", default=sys.executable)
    parser.add_argument("--tf-python")
    parser.add_argument("--mnist", type=Path, help="folder with the four MNIST idx files (trains the models/ files)")
    args = parser.parse_args()
    import numpy as np
    OUT.mkdir(parents=True, exist_ok=True)
    entries: list = []
    onnx_fixtures(entries)
    torch_fixtures(entries)
    mnist_npz = "-"
    if args.mnist:
        torch_mnist(args.mnist)
        xtr, ytr, xte, yte = load_mnist(args.mnist)
        mnist_npz = "/tmp/hepexc_mnist_nhwc.npz"
        np.savez(mnist_npz, xtr=xtr.transpose(0, 2, 3, 1), ytr=ytr, xte=xte.transpose(0, 2, 3, 1), yte=yte)
    keras_fixtures(args.keras3_python, "k3", entries, mnist_npz)
    if args.tf_python:
        keras_fixtures(args.tf_python, "k2", entries, mnist_npz)
    manifest = {"generator": "scripts/make_activation_fixtures.py",
                "io_npz": "x = input batch; y = the framework's output on x (onnxruntime / model.predict)",
                "fixtures": entries}
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(entries)} fixtures to {OUT}")


if __name__ == "__main__":
    main()
