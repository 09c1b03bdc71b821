#!/usr/bin/env python3
"""Generate the ONNX importer test fixtures under Tests/FrontendTests/Fixtures/onnx/.

Valid fixtures come from the real producers (PyTorch's TorchScript and dynamo
exporters, skl2onnx, tf2onnx for Keras) and from onnx.helper. Each valid fixture
<name>.onnx gets <name>.io.npz with:
  x     a small input batch (6 items, realistic values: sklearn digits / 16)
  y     onnxruntime's first output on x (for skl2onnx classifiers: the
        probabilities, densified from the ZipMap when there is one)
  outN  every numeric graph output N (only when the graph has several outputs)
Error fixtures live in bad/ and are written with plain onnx.save / raw bytes,
never checked. manifest.json lists every fixture.

Usage:
  scripts/python-tools.sh && .venv-tools/bin/python scripts/make_onnx_fixtures.py \
      [--keras-python /tmp/tfvenv/bin/python]

The Keras fixture needs a separate venv with TensorFlow (it cannot share one
with torch's numpy/protobuf pins):
  python3 -m venv /tmp/tfvenv && /tmp/tfvenv/bin/pip install \
      'tensorflow-cpu==2.15.1' 'tf2onnx==1.17.0' 'onnx==1.16.2'
(onnx 1.16: newer onnx needs an ml_dtypes that TensorFlow 2.15 does not allow.)
Without --keras-python an already committed Keras fixture is kept as it is.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "FrontendTests" / "Fixtures" / "onnx"
SEED = 1234
BATCH = 6
KERAS_NAME = "keras_sequential_tf2onnx"


# =========================================================================== Keras worker
# Runs inside the TensorFlow venv (python <this file> --keras-worker OUT.onnx).
# Imports nothing from the torch/onnxruntime side.

def keras_worker(out_path: str, data_path: str) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    import numpy as np
    import tensorflow as tf
    import tf2onnx

    tf.keras.utils.set_random_seed(SEED)
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    with np.load(data_path) as d:  # sklearn digits / 16, written by the main side
        x = d["x"].astype(np.float32).reshape(-1, 8, 8, 1)
        y = d["y"].astype(np.int64)
    model = tf.keras.Sequential([
        tf.keras.layers.Input(shape=(8, 8, 1), name="input"),
        tf.keras.layers.Conv2D(4, 3, padding="same", name="conv"),
        tf.keras.layers.Activation("relu", name="relu"),
        tf.keras.layers.Flatten(name="flatten"),
        tf.keras.layers.Dense(16, activation="tanh", name="dense1"),
        tf.keras.layers.Dense(10, name="dense2"),
        tf.keras.layers.Activation("softmax", name="softmax"),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=3, batch_size=64, verbose=0, shuffle=False)
    spec = (tf.TensorSpec((None, 8, 8, 1), tf.float32, name="input"),)
    model_proto, _ = tf2onnx.convert.from_keras(model, input_signature=spec, opset=13)
    with open(out_path, "wb") as f:
        f.write(model_proto.SerializeToString())
    print(f"keras {tf.__version__} tf2onnx {tf2onnx.__version__}")


if __name__ == "__main__" and len(sys.argv) >= 4 and sys.argv[1] == "--keras-worker":
    keras_worker(sys.argv[2], sys.argv[3])
    sys.exit(0)


# =========================================================================== main side
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", message=".*converged.*")
os.environ.setdefault("TORCH_LOGS", "-all")

MANIFEST: list[dict] = []
RNG = np.random.default_rng(SEED)


def digits():
    from sklearn.datasets import load_digits

    d = load_digits()
    return (d.data / 16.0).astype(np.float32), d.target.astype(np.int64)


DX, DY = digits()
# A fixed, class-diverse sample for every io.npz: digits 0..5 (first occurrence each).
SAMPLE_IDX = np.array([int(np.flatnonzero(DY == c)[0]) for c in range(BATCH)])
X_FLAT = DX[SAMPLE_IDX]                     # [6,64]
X_IMG = X_FLAT.reshape(BATCH, 1, 8, 8)      # [6,1,8,8]


def default_opset(model: onnx.ModelProto):
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            return int(o.version)
    return None


def op_list(model: onnx.ModelProto):
    return sorted({(f"{n.domain}:" if n.domain not in ("", "ai.onnx") else "") + n.op_type
                   for n in model.graph.node})


def ort_run(path: Path, feeds: dict):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return names, sess.run(None, feeds)


def densify(value):
    """Numeric array for an ORT output, or None (ZipMap gives a list of dicts)."""
    if isinstance(value, np.ndarray) and value.dtype != object:
        return value
    if isinstance(value, list) and value and isinstance(value[0], dict):
        keys = sorted(value[0].keys())
        return np.array([[row[k] for k in keys] for row in value], dtype=np.float32)
    return None


def add_valid(name: str, model: onnx.ModelProto | None, producer: str, x: np.ndarray,
              notes: str = "", *, path: Path | None = None, save_kwargs=None,
              y_output: str | None = None, extra_files=(), check=True):
    """Save (unless already at path), verify, run ORT, write io.npz + manifest entry."""
    path = path or OUT / f"{name}.onnx"
    if model is not None:
        if save_kwargs:
            onnx.save_model(model, str(path), **save_kwargs)
        else:
            onnx.save_model(model, str(path))
    loaded = onnx.load(str(path), load_external_data=False)
    if check:
        onnx.checker.check_model(str(path), full_check=True)
    in_name = loaded.graph.input[0].name
    out_names, outs = ort_run(path, {in_name: x})
    io = {"x": x}
    # y_output: preferred output names in order (e.g. skl2onnx probabilities).
    y_idx = next((out_names.index(n) for n in (y_output or ()) if n in out_names), 0)
    y = densify(outs[y_idx])
    if y is None:
        raise RuntimeError(f"{name}: output {out_names[y_idx]} is not numeric")
    io["y"] = y
    if len(outs) > 1:
        for i, v in enumerate(outs):
            dv = v if isinstance(v, np.ndarray) and v.dtype != object else None
            if dv is not None:
                io[f"out{i}"] = dv
    np.savez_compressed(OUT / f"{name}.io.npz", **io)
    if any(n.op_type == "Reshape" and any(a.name == "allowzero" and a.i == 1 for a in n.attribute)
           for n in loaded.graph.node):
        notes += "; note: Reshape has allowzero=1"
    entry = {
        "file": path.relative_to(OUT).as_posix(),
        "producer": producer,
        "opset": default_opset(loaded),
        "expect": "ok",
        "error": None,
        "notes": notes,
        "ops": op_list(loaded),
        "io": f"{name}.io.npz",
        "inputs": [i.name for i in loaded.graph.input],
        "outputs": out_names,
    }
    if extra_files:
        entry["extra_files"] = list(extra_files)
    MANIFEST.append(entry)
    print(f"  ok   {entry['file']:42s} opset {entry['opset']}  {entry['ops']}", flush=True)
    return loaded


def add_error(name: str, category: str, notes: str, *, model: onnx.ModelProto | None = None,
              raw: bytes | None = None, producer: str = "onnx.helper", opset=None):
    path = OUT / "bad" / f"{name}.onnx"
    path.parent.mkdir(parents=True, exist_ok=True)
    if model is not None:
        path.write_bytes(model.SerializeToString())  # no checker, no shape inference
        opset = default_opset(model)
        ops = op_list(model)
    else:
        path.write_bytes(raw or b"")
        ops = []
    MANIFEST.append({"file": path.relative_to(OUT).as_posix(), "producer": producer,
                     "opset": opset, "expect": "error", "error": category, "notes": notes,
                     "ops": ops})
    print(f"  bad  {path.relative_to(OUT).as_posix():42s} {category}", flush=True)


SKIPPED: list[dict] = []


def skipped(name: str, producer: str, why: str):
    SKIPPED.append({"name": name, "producer": producer, "reason": why})
    print(f"  SKIP {name}: {why}", flush=True)


# =========================================================================== helpers for graphs

def mk_model(nodes, inputs, outputs, inits=(), opset=17, ir_version=None, name="g",
             extra_opsets=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    ops = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(graph, opset_imports=ops, producer_name="onnx.helper",
                          producer_version=onnx.__version__)
    if ir_version is not None:
        m.ir_version = ir_version
    else:
        # Oldest IR version that knows this opset, so old runtimes can read it too.
        m.ir_version = min(onnx.helper.find_min_ir_version_for(ops[:1]), onnx.IR_VERSION)
    return m


def vi(name, shape, dtype=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, shape)


def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)  # raw_data


def w(shape, scale=None):
    fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else int(shape[0])
    scale = scale if scale is not None else 1.0 / np.sqrt(fan_in)
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def b(n):
    return (RNG.standard_normal(n) * 0.1).astype(np.float32)


def mlp_nodes(in_name="input", out_name="logits", act="square"):
    """Gemm(64->16) -> act -> Gemm(16->10), weights in PyTorch layout (transB=1)."""
    nodes = [helper.make_node("Gemm", [in_name, "fc1.weight", "fc1.bias"], ["h"], name="fc1", transB=1)]
    if act == "square":
        nodes.append(helper.make_node("Mul", ["h", "h"], ["a"], name="square"))
    else:
        nodes.append(helper.make_node(act, ["h"], ["a"], name="act"))
    nodes.append(helper.make_node("Gemm", ["a", "fc2.weight", "fc2.bias"], [out_name], name="fc2", transB=1))
    return nodes


def mlp_weights():
    return {"fc1.weight": w((16, 64)), "fc1.bias": b(16), "fc2.weight": w((10, 16)), "fc2.bias": b(10)}


# =========================================================================== PyTorch

def torch_fixtures():
    import logging

    import torch
    from torch import nn

    logging.getLogger("torch.onnx").setLevel(logging.ERROR)  # "torchvision is not installed" notes
    torch.manual_seed(SEED)
    torch.set_num_threads(1)

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(64, 32)
            self.fc2 = nn.Linear(32, 10)

        def forward(self, x):
            x = x.view(x.size(0), -1)
            h = self.fc1(x)
            return self.fc2(h * h)

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 4, kernel_size=3, padding=1)
            self.bn = nn.BatchNorm2d(4)
            self.pool = nn.AvgPool2d(2)
            self.fc = nn.Linear(64, 10)

        def forward(self, x):
            h = self.bn(self.conv(x))
            h = self.pool(h * h)
            h = h.view(h.size(0), -1)
            return self.fc(h)

    class Poly(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(64, 16)
            self.fc2 = nn.Linear(16, 10)

        def forward(self, x):
            h = self.fc1(x)
            h = 0.5 + 0.25 * h + 0.125 * h ** 2
            return self.fc2(h)

    class Square(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(64, 10)

        def forward(self, x):
            h = self.fc(x)
            return h * h

    def fit(model, x, epochs=60):
        xt, yt = torch.from_numpy(x), torch.from_numpy(DY)
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(epochs):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(xt), yt)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        return model.eval()

    ximg = DX.reshape(-1, 1, 8, 8)
    mlp = fit(MLP(), ximg)
    cnn = fit(CNN(), ximg)  # BatchNorm gets real running statistics
    poly = fit(Poly(), DX)
    sq = fit(Square(), DX, epochs=30)

    def legacy(model, name, x, opset, notes, **kw):
        path = OUT / f"{name}.onnx"
        torch.onnx.export(model, (torch.from_numpy(x),), str(path), dynamo=False, opset_version=opset,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, **kw)
        return add_valid(name, None, f"pytorch {torch.__version__} (TorchScript exporter)", x, notes, path=path)

    view = "x.view(x.size(0), -1) gives Shape/Gather/Unsqueeze/Concat/Reshape"
    for opset in (9, 13, 17):
        legacy(mlp, f"torch_mlp_view_opset{opset}", X_IMG, opset,
               f"MLP [B,1,8,8] -> view -> Linear(64,32) -> x*x -> Linear(32,10), trained on digits; {view}")
    m = legacy(cnn, "torch_cnn_bn_eval", X_IMG, 17,
               "Conv(1->4,k3,p1) -> BatchNorm2d -> x*x -> AvgPool2d(2) -> view -> Linear(64,10); eval mode, "
               "do_constant_folding=False, training=EVAL; BatchNormalization kept (running stats from "
               "training); Identity nodes copy BN's running mean/var",
               do_constant_folding=False, training=torch.onnx.TrainingMode.EVAL)
    if "BatchNormalization" not in {n.op_type for n in m.graph.node}:
        MANIFEST[-1]["notes"] += " WARNING: exporter fused the BatchNormalization"
    legacy(poly, "torch_poly_activation", X_FLAT, 17,
           "Linear(64,16) -> 0.5 + 0.25*x + 0.125*x**2 -> Linear(16,10); x**2 exports as Pow(x, 2.0)")
    legacy(sq, "torch_square", X_FLAT, 17, "Linear(64,10) -> x*x (Mul with both inputs the same tensor)")

    # ---- dynamo exporter
    for name, model, x, what in (("torch_dynamo_mlp", mlp, X_IMG, "the MLP of torch_mlp_view_opset*"),
                                 ("torch_dynamo_cnn", cnn, X_IMG, "the CNN of torch_cnn_bn_eval")):
        path = OUT / f"{name}.onnx"
        try:
            batch = torch.export.Dim("batch", min=1, max=1024)
            torch.onnx.export(model, (torch.from_numpy(x),), str(path), dynamo=True,
                              input_names=["input"], output_names=["logits"],
                              dynamic_shapes={"x": {0: batch}}, external_data=False, verbose=False)
            loaded = onnx.load(str(path))
            notes = f"dynamo=True export of {what}; exporter picked opset {default_opset(loaded)}"
            if "BatchNormalization" not in {n.op_type for n in loaded.graph.node} and "cnn" in name:
                notes += "; the exporter's optimizer folded BatchNorm into the Conv"
            add_valid(name, None, f"pytorch {torch.__version__} (dynamo exporter)", x, notes, path=path)
        except Exception as e:  # offline or exporter failure: record and skip
            traceback.print_exc()
            path.unlink(missing_ok=True)
            skipped(name, "pytorch (dynamo exporter)", f"dynamo export failed: {type(e).__name__}: {e}"[:500])


# =========================================================================== skl2onnx

def sklearn_fixtures():
    import skl2onnx
    from skl2onnx import to_onnx
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    prod = f"skl2onnx {skl2onnx.__version__}"
    mlp = MLPClassifier(hidden_layer_sizes=(16,), activation="relu", max_iter=300, random_state=SEED)
    mlp.fit(DX, DY)
    lr = LogisticRegression(max_iter=500)
    lr.fit(DX, DY)
    for short, est, what in (("mlp", mlp, "MLPClassifier(relu, hidden 16)"),
                             ("logreg", lr, "LogisticRegression (multinomial)")):
        for zipmap in (True, False):
            name = f"skl_{short}_{'zipmap' if zipmap else 'nozipmap'}"
            opts = None if zipmap else {id(est): {"zipmap": False}}
            onx = to_onnx(est, DX[:1], options=opts)
            tail = ("ZipMap tail: output_probability is a sequence of maps, y is it densified to "
                    "[B,10] in class order; out0 = output_label (int64)") if zipmap else \
                   ("zipmap disabled: y = probabilities [B,10] float32; out0 = label int64, "
                    "out1 = probabilities")
            add_valid(name, onx, prod, X_FLAT, f"{what} on sklearn digits (/16); {tail}",
                      y_output=("output_probability", "probabilities"))


# =========================================================================== onnx.helper graphs

def helper_fixtures():
    P = "onnx.helper"
    ins, outs = [vi("input", ["B", 64])], [vi("logits", ["B", 10])]

    # --- weight storage variants
    ws = mlp_weights()
    add_valid("helper_raw_data", mk_model(mlp_nodes(), ins, outs, [init(k, v) for k, v in ws.items()]),
              P, X_FLAT, "Gemm -> Mul(square) -> Gemm MLP; initializers in raw_data (little-endian)")

    ws = mlp_weights()
    fl = [helper.make_tensor(k, TensorProto.FLOAT, v.shape, v.flatten().tolist(), raw=False)
          for k, v in ws.items()]
    add_valid("helper_float_data", mk_model(mlp_nodes(), ins, outs, fl), P, X_FLAT,
              "same MLP; initializers in the repeated float_data field")

    ws = {k: v.astype(np.float64) for k, v in mlp_weights().items()}
    dl = [helper.make_tensor(k, TensorProto.DOUBLE, v.shape, v.flatten().tolist(), raw=False)
          for k, v in ws.items()]
    add_valid("helper_double_data",
              mk_model(mlp_nodes(), [vi("input", ["B", 64], TensorProto.DOUBLE)],
                       [vi("logits", ["B", 10], TensorProto.DOUBLE)], dl),
              P, X_FLAT.astype(np.float64),
              "float64 graph: input, output and initializers (double_data field) are DOUBLE; x is float64")

    ws = mlp_weights()
    m = mk_model(mlp_nodes(), ins, outs, [init(k, v) for k, v in ws.items()])
    (OUT / "helper_external_data.bin").unlink(missing_ok=True)
    add_valid("helper_external_data", m, P, X_FLAT,
              "same MLP; every initializer stored in helper_external_data.bin (location/offset/length)",
              save_kwargs=dict(save_as_external_data=True, all_tensors_to_one_file=True,
                               location="helper_external_data.bin", size_threshold=0),
              extra_files=["helper_external_data.bin"])

    ws = mlp_weights()
    inits = [init(k, v) for k, v in ws.items()]
    old_inputs = ins + [vi(k, list(v.shape)) for k, v in ws.items()]
    add_valid("helper_initializers_as_inputs",
              mk_model(mlp_nodes(), old_inputs, outs, inits, opset=9, ir_version=3), P, X_FLAT,
              "ir_version 3, opset 9: each initializer is also declared in graph.input (old style); "
              "only 'input' is a real input")

    # --- opset 21 (IR 10)
    ws = mlp_weights()
    nodes = [helper.make_node("Flatten", ["input"], ["flat"], name="flatten", axis=1)] + mlp_nodes("flat")
    add_valid("helper_opset21",
              mk_model(nodes, [vi("input", ["B", 1, 8, 8])], outs, [init(k, v) for k, v in ws.items()], opset=21),
              P, X_IMG, "opset 21 (ir_version 10): Flatten -> Gemm -> Mul -> Gemm")

    # --- Conv -> BatchNormalization (unfused), as a safety net beside the torch export
    nodes = [
        helper.make_node("Conv", ["input", "conv.weight", "conv.bias"], ["c"], name="conv",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c", "bn.scale", "bn.bias", "bn.mean", "bn.var"], ["n"],
                         name="bn", epsilon=1e-5),
        helper.make_node("Mul", ["n", "n"], ["s"], name="square"),
        helper.make_node("GlobalAveragePool", ["s"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc.weight", "fc.bias"], ["logits"], name="fc", transB=1),
    ]
    inits = [init("conv.weight", w((4, 1, 3, 3))), init("conv.bias", b(4)),
             init("bn.scale", (1 + 0.1 * RNG.standard_normal(4)).astype(np.float32)), init("bn.bias", b(4)),
             init("bn.mean", b(4)), init("bn.var", (0.5 + RNG.random(4)).astype(np.float32)),
             init("fc.weight", w((10, 4))), init("fc.bias", b(10))]
    add_valid("helper_conv_bn", mk_model(nodes, [vi("input", ["B", 1, 8, 8])], outs, inits), P, X_IMG,
              "Conv(k3,p1) -> BatchNormalization(eps 1e-5) -> Mul -> GlobalAveragePool -> Flatten -> Gemm")

    # --- op groups
    nodes = [helper.make_node("Gemm", ["input", "W", "C"], ["logits"], name="gemm",
                              transA=0, transB=1, alpha=0.5, beta=2.0)]
    add_valid("ops_gemm", mk_model(nodes, ins, outs, [init("W", w((10, 64))), init("C", b(10))]),
              P, X_FLAT, "Gemm transA=0 transB=1 alpha=0.5 beta=2.0, C of shape [10] (broadcast)")

    nodes = [helper.make_node("MatMul", ["input", "W"], ["mm"], name="matmul"),
             helper.make_node("Add", ["mm", "bias"], ["logits"], name="add")]
    add_valid("ops_matmul_add", mk_model(nodes, ins, outs, [init("W", w((64, 10)).reshape(64, 10)),
                                                            init("bias", b(10))]),
              P, X_FLAT, "MatMul with W [64,10] (in x out layout) then Add bias [10]")

    nodes = [helper.make_node("Sub", ["input", "mean"], ["c"], name="sub"),
             helper.make_node("Div", ["c", "std"], ["logits"], name="div")]
    add_valid("ops_sub_div",
              mk_model(nodes, ins, [vi("logits", ["B", 64])],
                       [init("mean", DX.mean(axis=0).astype(np.float32)), init("std", np.array(0.25, np.float32))]),
              P, X_FLAT, "standardisation: Sub per-feature mean [64], Div by a scalar constant 0.25")

    nodes = [helper.make_node("Pow", ["input", "two"], ["p2"], name="pow2"),
             helper.make_node("Pow", ["input", "three"], ["p3"], name="pow3"),
             helper.make_node("Add", ["p2", "p3"], ["logits"], name="add")]
    add_valid("ops_pow",
              mk_model(nodes, ins, [vi("logits", ["B", 64])],
                       [init("two", np.array(2.0, np.float32)), init("three", np.array(3, np.int64))]),
              P, X_FLAT, "Pow(x, 2.0 float32 scalar) + Pow(x, 3 int64 scalar)")

    nodes = [helper.make_node("Mul", ["input", "input"], ["x2"], name="x2"),
             helper.make_node("Mul", ["x2", "input"], ["x3"], name="x3"),
             helper.make_node("Mul", ["x3", "c3"], ["t3"], name="t3"),
             helper.make_node("Mul", ["x2", "c2"], ["t2"], name="t2"),
             helper.make_node("Mul", ["input", "c1"], ["t1"], name="t1"),
             helper.make_node("Add", ["t3", "t2"], ["s32"], name="s32"),
             helper.make_node("Add", ["s32", "t1"], ["s321"], name="s321"),
             helper.make_node("Add", ["s321", "c0"], ["logits"], name="s3210")]
    add_valid("ops_poly_chain",
              mk_model(nodes, ins, [vi("logits", ["B", 64])],
                       [init("c0", np.array(0.1, np.float32)), init("c1", np.array(0.5, np.float32)),
                        init("c2", np.array(0.25, np.float32)), init("c3", np.array(-0.05, np.float32))]),
              P, X_FLAT, "cubic 0.1 + 0.5x + 0.25x^2 - 0.05x^3 as Mul/Add chains with scalar initializers")

    nodes = [helper.make_node("Transpose", ["input"], ["t"], name="transpose", perm=[0, 1, 3, 2]),
             helper.make_node("Reshape", ["t", "shape"], ["r"], name="reshape"),
             helper.make_node("Flatten", ["r"], ["f"], name="flatten", axis=1),
             helper.make_node("Gemm", ["f", "W", "bias"], ["logits"], name="fc", transB=1)]
    add_valid("ops_transpose_reshape_flatten",
              mk_model(nodes, [vi("input", ["B", 1, 8, 8])], outs,
                       [init("shape", np.array([0, 4, -1], np.int64)), init("W", w((10, 64))), init("bias", b(10))]),
              P, X_IMG, "Transpose perm [0,1,3,2] -> Reshape to [0,4,-1] (0 copies the batch dim, -1 infers 16) "
                        "-> Flatten(axis=1) -> Gemm")

    nodes = [helper.make_node("Constant", [], ["k"], name="const",
                              value=numpy_helper.from_array(np.array(1.5, np.float32), "k")),
             helper.make_node("Identity", ["input"], ["i"], name="identity"),
             helper.make_node("Dropout", ["i"], ["d"], name="dropout"),
             helper.make_node("Mul", ["d", "k"], ["logits"], name="scale")]
    add_valid("ops_constant_identity_dropout", mk_model(nodes, ins, [vi("logits", ["B", 64])], opset=13),
              P, X_FLAT, "Constant node (value tensor 1.5) ; Identity ; Dropout (inference: identity, "
                         "no ratio input, one output) ; Mul by the constant")

    x2 = np.concatenate([X_IMG, 1.0 - X_IMG], axis=1)  # [6,2,8,8]
    nodes = [helper.make_node("AveragePool", ["input"], ["ap"], name="avgpool", kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("AveragePool", ["input"], ["app"], name="avgpool_pads", kernel_shape=[3, 3],
                              strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=1),
             helper.make_node("AveragePool", ["input"], ["app0"], name="avgpool_pads_excl", kernel_shape=[3, 3],
                              strides=[2, 2], pads=[1, 1, 1, 1]),
             helper.make_node("MaxPool", ["input"], ["mp"], name="maxpool", kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("GlobalAveragePool", ["input"], ["gap"], name="gap")]
    add_valid("ops_pools",
              mk_model(nodes, [vi("input", ["B", 2, 8, 8])],
                       [vi("ap", ["B", 2, 4, 4]), vi("app", ["B", 2, 4, 4]), vi("app0", ["B", 2, 4, 4]),
                        vi("mp", ["B", 2, 4, 4]), vi("gap", ["B", 2, 1, 1])]),
              P, x2, "5 outputs: out0 AveragePool k2 s2 (no pads) ; out1 AveragePool k3 s2 pads 1 "
                     "count_include_pad=1 (what torch's AvgPool2d(padding=1) exports) ; out2 the same with "
                     "count_include_pad=0 (default: border windows divide by the valid count) ; out3 MaxPool k2 s2 ; "
                     "out4 GlobalAveragePool. y = out0")

    x_act = (X_FLAT - 0.5) * 4.0  # spread around 0
    nodes = [helper.make_node("Relu", ["input"], ["relu"], name="relu"),
             helper.make_node("Sigmoid", ["input"], ["sigmoid"], name="sigmoid"),
             helper.make_node("Tanh", ["input"], ["tanh"], name="tanh")]
    add_valid("ops_activations",
              mk_model(nodes, ins, [vi("relu", ["B", 64]), vi("sigmoid", ["B", 64]), vi("tanh", ["B", 64])]),
              P, x_act, "3 outputs: Relu, Sigmoid, Tanh of the same input; x = (digits-0.5)*4")

    x3 = ((X_FLAT[:, :10] - 0.5) * 4.0).reshape(BATCH, 2, 5)
    for opset, notes in ((11, "opset 11 Softmax(axis=1) on [B,2,5]: coerces to 2D [B,10] and normalises over "
                              "all 10 trailing elements"),
                         (13, "opset 13 Softmax(axis=1) on [B,2,5]: normalises along axis 1 only (size 2)")):
        nodes = [helper.make_node("Softmax", ["input"], ["probs"], name="softmax", axis=1)]
        add_valid(f"ops_softmax_opset{opset}",
                  mk_model(nodes, [vi("input", ["B", 2, 5])], [vi("probs", ["B", 2, 5])], opset=opset),
                  P, x3, notes)

    nodes = [helper.make_node("Gemm", ["input", "W", "bias"], ["logits"], name="fc", transB=1),
             helper.make_node("ArgMax", ["logits"], ["label"], name="argmax", axis=1, keepdims=0)]
    add_valid("ops_argmax",
              mk_model(nodes, ins, [vi("logits", ["B", 10]), vi("label", ["B"], TensorProto.INT64)],
                       [init("W", w((10, 64))), init("bias", b(10))]),
              P, X_FLAT, "Gemm -> ArgMax(axis=1, keepdims=0); out0 = logits (float32), out1 = label (int64)")


# =========================================================================== Keras via tf2onnx

def keras_fixture(keras_python: str | None):
    path = OUT / f"{KERAS_NAME}.onnx"
    notes = ("Keras 2.15 Sequential: Conv2D(4,3,same) -> relu -> Flatten -> Dense(16,tanh) -> Dense(10) -> "
             "softmax, trained 3 epochs on digits; NHWC input [B,8,8,1] (tf2onnx adds Transposes)")
    if keras_python:
        try:
            with tempfile.TemporaryDirectory() as tmp:
                data = Path(tmp) / "digits.npz"
                np.savez(data, x=DX, y=DY)
                r = subprocess.run([keras_python, str(Path(__file__).resolve()), "--keras-worker", str(path),
                                    str(data)], capture_output=True, text=True, timeout=900)
            if r.returncode != 0:
                raise RuntimeError(r.stderr.strip()[-600:])
            ver = r.stdout.strip().splitlines()[-1]
        except Exception as e:
            path.unlink(missing_ok=True)
            skipped(KERAS_NAME, "tf2onnx", f"Keras export failed: {e}"[:600])
            return
    elif path.exists():
        ver = "keras/tf2onnx (kept from a previous run; pass --keras-python to regenerate)"
        prev = OLD_MANIFEST.get(f"{KERAS_NAME}.onnx")
        if prev:
            ver = prev["producer"]
    else:
        skipped(KERAS_NAME, "tf2onnx", "no --keras-python given and no committed fixture")
        return
    add_valid(KERAS_NAME, None, ver, X_IMG.transpose(0, 2, 3, 1).copy(), notes, path=path)


# =========================================================================== error fixtures

def bad_fixtures():
    ins, outs = [vi("input", ["B", 64])], [vi("logits", ["B", 10])]

    def gemm_model(weight):
        nodes = [helper.make_node("Gemm", ["input", "fc.weight", "fc.bias"], ["logits"], name="fc", transB=1)]
        return mk_model(nodes, ins, outs, [weight, init("fc.bias", b(10))])

    add_error("empty", "empty_file", "0 bytes", raw=b"")
    valid = (OUT / "ops_gemm.onnx").read_bytes()
    add_error("truncated", "truncated", f"ops_gemm.onnx cut to its first {len(valid) // 2} of {len(valid)} bytes",
              raw=valid[: len(valid) // 2], opset=17)
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00\x00\x00\x08\x00\x00\x00\x08\x08\x02\x00\x00\x00"
    add_error("not_onnx", "not_onnx", "a PNG signature and header chunk followed by plain text",
              raw=png + b"\nThis is not an ONNX model, just some text.\n", opset=None)

    nodes = [helper.make_node("Gemm", ["input", "fc.weight", "fc.bias"], ["h"], name="fc", transB=1),
             helper.make_node("Add", ["h", "undefined_tensor"], ["logits"], name="add_dangling")]
    add_error("dangling", "dangling_input",
              "node 'add_dangling' reads 'undefined_tensor', which no input, initializer or node defines",
              model=mk_model(nodes, ins, outs, [init("fc.weight", w((10, 64))), init("fc.bias", b(10))]))

    add_error("shape_mismatch", "shape_mismatch",
              "Gemm 'fc' (transB=1) with weight [10,50] applied to input [B,64]",
              model=gemm_model(init("fc.weight", w((10, 50)))))

    t = init("fc.weight", w((10, 64)))
    t.raw_data = t.raw_data[:100]
    add_error("short_raw_data", "short_raw_data", "fc.weight dims [10,64] (2560 bytes) but raw_data has 100 bytes",
              model=gemm_model(t))

    a = w((10, 64))
    a[3, 7] = np.nan
    add_error("nan_weight", "nan_weight", "initializer fc.weight [10,64] has NaN at [3,7]",
              model=gemm_model(init("fc.weight", a)))
    a = w((10, 64))
    a[0, 0] = np.inf
    a[9, 63] = -np.inf
    add_error("inf_weight", "inf_weight", "initializer fc.weight [10,64] has +inf at [0,0] and -inf at [9,63]",
              model=gemm_model(init("fc.weight", a)))

    m = gemm_model(init("fc.weight", w((10, 64))))
    m.opset_import[0].version = 99
    add_error("future_opset", "unsupported_opset", "default-domain opset_import version 99", model=m)

    nodes = [helper.make_node("Gemm", ["input", "fc.weight", "fc.bias"], ["h"], name="fc", transB=1),
             helper.make_node("FancyActivation", ["h"], ["logits"], name="fancy", domain="com.example")]
    add_error("custom_domain", "custom_domain",
              "node 'fancy' is FancyActivation in domain com.example (opset_import com.example v1)",
              model=mk_model(nodes, ins, outs, [init("fc.weight", w((10, 64))), init("fc.bias", b(10))],
                             extra_opsets=[("com.example", 1)]))

    # Three unsupported ops, each on the activation path, each with a distinct node name.
    hidden = 8
    nodes = [
        helper.make_node("Resize", ["input", "", "scales"], ["up"], name="resize_up", mode="nearest"),
        helper.make_node("Flatten", ["up"], ["flat"], name="flatten", axis=1),          # [B,256]
        helper.make_node("Gather", ["flat", "idx"], ["picked"], name="gather_pixels", axis=1),  # [B,64]
        helper.make_node("Reshape", ["picked", "seq_shape"], ["seq"], name="to_seq"),    # [B,8,8]
        helper.make_node("Transpose", ["seq"], ["seq_t"], name="time_major", perm=[1, 0, 2]),  # [8,B,8]
        helper.make_node("LSTM", ["seq_t", "lstm.W", "lstm.R", "lstm.B"], ["", "h_last"], name="lstm_rows",
                         hidden_size=hidden),                                             # h: [1,B,8]
        helper.make_node("Squeeze", ["h_last", "axis0"], ["h"], name="squeeze"),
        helper.make_node("Gemm", ["h", "fc.weight", "fc.bias"], ["logits"], name="fc", transB=1),
    ]
    inits = [init("scales", np.array([1, 1, 2, 2], np.float32)),
             init("idx", np.arange(0, 256, 4, dtype=np.int64)),
             init("seq_shape", np.array([0, 8, 8], np.int64)), init("axis0", np.array([0], np.int64)),
             init("lstm.W", w((1, 4 * hidden, 8))), init("lstm.R", w((1, 4 * hidden, hidden))),
             init("lstm.B", np.zeros((1, 8 * hidden), np.float32)),
             init("fc.weight", w((10, hidden))), init("fc.bias", b(10))]
    add_error("unsupported_ops", "unsupported_op",
              "well-formed graph (runs in onnxruntime) using Resize 'resize_up', Gather 'gather_pixels' (on "
              "activations) and LSTM 'lstm_rows'; input [B,1,8,8]",
              model=mk_model(nodes, [vi("input", ["B", 1, 8, 8])], outs, inits))

    t = onnx.TensorProto()
    t.name = "fc.weight"
    t.data_type = TensorProto.FLOAT
    t.dims.extend([10, 64])
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "missing_external.bin"), ("offset", "0"), ("length", str(10 * 64 * 4))):
        e = t.external_data.add()
        e.key, e.value = k, v
    add_error("missing_external", "missing_external_data",
              "fc.weight is external data in 'missing_external.bin', which does not exist", model=gemm_model(t))

    nodes = [helper.make_node("Conv", ["input", "conv.weight"], ["c"], name="conv_grouped", group=2,
                              kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("Mul", ["c", "c"], ["logits"], name="square")]
    add_error("conv_groups", "conv_groups", "Conv 'conv_grouped' with group=2: input [B,2,8,8], weight [4,1,3,3]",
              model=mk_model(nodes, [vi("input", ["B", 2, 8, 8])], [vi("logits", ["B", 4, 8, 8])],
                             [init("conv.weight", w((4, 1, 3, 3)))]))

    nodes = [helper.make_node("Conv", ["input", "conv.weight"], ["c"], name="conv_dilated", dilations=[2, 2],
                              kernel_shape=[3, 3]),
             helper.make_node("Mul", ["c", "c"], ["logits"], name="square")]
    add_error("conv_dilation", "conv_dilation", "Conv 'conv_dilated' with dilations=[2,2]: input [B,1,8,8] -> [B,4,4,4]",
              model=mk_model(nodes, [vi("input", ["B", 1, 8, 8])], [vi("logits", ["B", 4, 4, 4])],
                             [init("conv.weight", w((4, 1, 3, 3)))]))


# =========================================================================== main

OLD_MANIFEST: dict = {}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keras-python", help="python of a venv with tensorflow-cpu 2.15 + tf2onnx")
    args = ap.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    mpath = OUT / "manifest.json"
    if mpath.exists():
        for e in json.loads(mpath.read_text()).get("fixtures", []):
            if e.get("file"):
                OLD_MANIFEST[e["file"]] = e

    print("PyTorch", flush=True)
    torch_fixtures()
    print("skl2onnx", flush=True)
    sklearn_fixtures()
    print("onnx.helper", flush=True)
    helper_fixtures()
    print("Keras / tf2onnx", flush=True)
    keras_fixture(args.keras_python)
    print("error fixtures", flush=True)
    bad_fixtures()

    manifest = {
        "generator": "scripts/make_onnx_fixtures.py",
        "onnx": onnx.__version__,
        "onnxruntime": ort.__version__,
        "io_npz": "x = input batch; y = onnxruntime's first output (skl2onnx: probabilities); "
                  "outN = numeric output N when a graph has several outputs",
        "fixtures": MANIFEST,
        "skipped": SKIPPED,
    }
    mpath.write_text(json.dumps(manifest, indent=2) + "\n")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"{len(MANIFEST)} manifest entries, {total / 1e6:.2f} MB in {OUT.relative_to(ROOT)}", flush=True)


if __name__ == "__main__":
    main()
