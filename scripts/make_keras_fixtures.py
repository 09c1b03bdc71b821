#!/usr/bin/env python3
"""Generate the Keras importer test fixtures under Tests/FrontendTests/Fixtures/keras/.

Every valid fixture is written by real Keras, in two separate venvs:
  * Keras 3 (torch backend): `.keras` zips, `.weights.h5` + `model.to_json()`,
    and Keras 3's legacy `.h5` (`model.save("m.h5")`, weight names without `:0`);
  * TensorFlow 2.15 / Keras 2.15: legacy `.h5` from `model.save()` (with
    `model_config`), `save_weights()` `.h5` + `model.to_json()`.
Weights are random (seeded) rather than trained: the fixtures test the file
formats and layer semantics, so every bias, BN statistic and kernel is
non-trivial. Each valid fixture <name>.<ext> gets <name>.io.npz with
  x  a small input batch (4 items, float32, standard normal)
  y  Keras' own output on x (`model.predict`)
Error fixtures live in bad/. manifest.json lists every fixture (file, optional
config, io, producer, expect = ok | error, error = the expected error case).

Usage (both venvs are throw-away, under /tmp):
  python3 -m venv /tmp/k3venv && /tmp/k3venv/bin/pip install torch==2.13.0+cpu keras h5py numpy
  python3 -m venv /tmp/tfvenv && /tmp/tfvenv/bin/pip install tensorflow-cpu==2.15.1 h5py
  python3 scripts/make_keras_fixtures.py --keras3-python /tmp/k3venv/bin/python \
      --tf-python /tmp/tfvenv/bin/python
(torch's "+cpu" wheel comes from PIP_FIND_LINKS when available; if you also
install onnx into the TensorFlow venv, pin onnx==1.16.2.)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "FrontendTests" / "Fixtures" / "keras"
SEED = 1234
BATCH = 4


# =========================================================================== shared helpers
# (run inside the worker venvs; only numpy and keras there)

def randomize(model, np, seed: int) -> None:
    """Replace every weight by seeded random values (BN variances positive)."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        weights = layer.weights
        if not weights:
            continue
        values = []
        for variable in weights:
            shape = tuple(variable.shape)
            name = variable.name if hasattr(variable, "name") else ""
            path = getattr(variable, "path", name)
            if "variance" in path or "variance" in name:
                values.append(rng.uniform(0.5, 1.5, shape).astype(np.float32))
            elif "gamma" in path or "gamma" in name:
                values.append(rng.uniform(0.5, 1.5, shape).astype(np.float32))
            else:
                fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 4
                values.append((rng.standard_normal(shape) / np.sqrt(max(fan_in, 1))).astype(np.float32))
        layer.set_weights(values)


def save_io(np, path: Path, model, input_shape) -> None:
    rng = np.random.default_rng(SEED + 7)
    x = rng.standard_normal((BATCH,) + tuple(input_shape)).astype(np.float32)
    y = np.asarray(model.predict(x, verbose=0)).astype(np.float32)
    np.savez(path, x=x, y=y)


# =========================================================================== Keras 3 worker

def keras3_worker(out: Path) -> list[dict]:
    os.environ["KERAS_BACKEND"] = "torch"
    import numpy as np
    import keras
    from keras import layers

    keras.utils.set_random_seed(SEED)
    producer = f"keras {keras.__version__} (torch backend)"
    entries: list[dict] = []

    def finish(model, name: str, input_shape, seed: int):
        randomize(model, np, seed)
        save_io(np, out / f"{name}.io.npz", model, input_shape)
        return model

    # --- MLP: Dense activations, Dropout; .keras, .weights.h5 + json, legacy .h5
    mlp = keras.Sequential([
        keras.Input((20,)),
        layers.Dense(16, activation="relu", name="fc1"),
        layers.Dropout(0.3),
        layers.Dense(12, activation="tanh", name="fc2"),
        layers.Dense(8, activation="sigmoid"),
        layers.Dense(5, activation="softmax", name="probs"),
    ], name="k3_mlp")
    finish(mlp, "k3_mlp", (20,), 1)
    mlp.save(out / "k3_mlp.keras")
    entries.append({"file": "k3_mlp.keras", "io": "k3_mlp.io.npz", "producer": producer})
    mlp.save_weights(out / "k3_mlp.weights.h5")
    (out / "k3_mlp.json").write_text(mlp.to_json())
    entries.append({"file": "k3_mlp.weights.h5", "config": "k3_mlp.json", "io": "k3_mlp.io.npz", "producer": producer})
    mlp.save(out / "k3_mlp_legacy.h5")
    entries.append({"file": "k3_mlp_legacy.h5", "io": "k3_mlp.io.npz", "producer": producer})

    # --- CNN: Conv2D (same/valid, strides), BN, AveragePooling2D, Flatten (HWC order), Activation
    cnn = keras.Sequential([
        keras.Input((12, 12, 3)),
        layers.Conv2D(4, 3, padding="same", activation="relu"),
        layers.BatchNormalization(),
        layers.AveragePooling2D(2),
        layers.Conv2D(6, 3, strides=2, padding="valid", activation="sigmoid"),
        layers.Flatten(),
        layers.Dense(10),
        layers.Activation("softmax"),
    ], name="k3_cnn")
    finish(cnn, "k3_cnn", (12, 12, 3), 2)
    cnn.save(out / "k3_cnn.keras")
    entries.append({"file": "k3_cnn.keras", "io": "k3_cnn.io.npz", "producer": producer})
    cnn.save_weights(out / "k3_cnn.weights.h5")
    (out / "k3_cnn.json").write_text(cnn.to_json())
    entries.append({"file": "k3_cnn.weights.h5", "config": "k3_cnn.json", "io": "k3_cnn.io.npz", "producer": producer})

    # --- Functional: Reshape, asymmetric "same" padding, MaxPooling2D, GAP, linear
    inputs = keras.Input((75,), name="features")
    h = layers.Reshape((5, 5, 3))(inputs)
    h = layers.Conv2D(4, 3, strides=2, padding="same", name="conv")(h)
    h = layers.MaxPooling2D(2, strides=1, padding="same")(h)
    h = layers.AveragePooling2D(2, padding="same")(h)
    h = layers.BatchNormalization(epsilon=1e-2)(h)
    h = layers.GlobalAveragePooling2D()(h)
    h = layers.Dense(6, activation="tanh")(h)
    h = layers.Activation("linear")(h)
    h = layers.Dense(3)(h)
    outputs = layers.Activation("sigmoid")(h)
    functional = keras.Model(inputs, outputs, name="k3_functional")
    finish(functional, "k3_functional", (75,), 3)
    functional.save(out / "k3_functional.keras")
    entries.append({"file": "k3_functional.keras", "io": "k3_functional.io.npz", "producer": producer})

    # --- Unsupported: Lambda + a custom layer class, reported by name
    @keras.saving.register_keras_serializable(package="fixtures")
    class Square(layers.Layer):
        def call(self, x):
            return x * x

    bad = keras.Sequential([
        keras.Input((8,)),
        layers.Dense(4, name="fc"),
        layers.Lambda(lambda t: t * 2.0, name="double_it"),
        Square(name="square_act"),
        layers.Dense(2),
    ], name="k3_unsupported")
    bad.save(out / "bad" / "k3_unsupported.keras")
    entries.append({"file": "bad/k3_unsupported.keras", "producer": producer, "expect": "error",
                    "error": "unsupportedLayers"})
    return entries


# =========================================================================== Keras 2 (TF 2.15) worker

def tf_worker(out: Path) -> list[dict]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    import numpy as np
    import tensorflow as tf
    import h5py
    from tensorflow import keras
    from tensorflow.keras import layers

    tf.keras.utils.set_random_seed(SEED)
    import keras as keras_package
    producer = f"tensorflow {tf.__version__} (keras {keras_package.__version__})"
    entries: list[dict] = []

    def finish(model, name: str, input_shape, seed: int):
        randomize(model, np, seed)
        save_io(np, out / f"{name}.io.npz", model, input_shape)
        return model

    # --- CNN saved with model.save(".h5"): model_config + model_weights/<l>/<l>/kernel:0
    cnn = keras.Sequential([
        layers.Conv2D(5, 3, padding="same", input_shape=(10, 10, 2), name="conv1"),
        layers.BatchNormalization(name="bn1"),
        layers.Activation("relu"),
        layers.AveragePooling2D(2),
        layers.Conv2D(3, 2, strides=2, padding="same", activation="tanh", name="conv2"),
        layers.MaxPooling2D(2, strides=1),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(7, activation="relu", name="fc1"),
        layers.Dense(4, activation="softmax", name="fc2"),
    ], name="k2_cnn")
    finish(cnn, "k2_cnn", (10, 10, 2), 11)
    cnn.save(out / "k2_cnn.h5", save_format="h5")
    entries.append({"file": "k2_cnn.h5", "io": "k2_cnn.io.npz", "producer": producer})

    # --- the same CNN with every string attribute rewritten as fixed-length
    #     bytes (what older Keras 2 / h5py versions wrote)
    cnn.save(out / "k2_cnn_fixed_strings.h5", save_format="h5")
    with h5py.File(out / "k2_cnn_fixed_strings.h5", "r+") as f:
        def fix(obj):
            for key, value in list(obj.attrs.items()):
                if isinstance(value, str):
                    obj.attrs[key] = np.bytes_(value.encode())
                elif isinstance(value, np.ndarray) and value.dtype == object:
                    obj.attrs[key] = np.array([v.encode() if isinstance(v, str) else v for v in value], dtype="S")
        fix(f)
        f.visititems(lambda name, obj: fix(obj))
    entries.append({"file": "k2_cnn_fixed_strings.h5", "io": "k2_cnn.io.npz", "producer": producer})

    # --- MLP: save_weights(".h5") + to_json (the HElayers pairing)
    mlp = keras.Sequential([
        layers.InputLayer(input_shape=(16,)),
        layers.Dense(10, activation="sigmoid"),
        layers.Dense(6),
        layers.Activation("tanh"),
        layers.Dense(3, activation="linear"),
    ], name="k2_mlp")
    finish(mlp, "k2_mlp", (16,), 12)
    mlp.save_weights(out / "k2_mlp.weights_only.h5")
    (out / "k2_mlp.json").write_text(mlp.to_json())
    entries.append({"file": "k2_mlp.weights_only.h5", "config": "k2_mlp.json", "io": "k2_mlp.io.npz", "producer": producer})

    # --- Functional with InputLayer, Reshape, GAP, named layers
    inputs = keras.Input((48,), name="pixels")
    h = layers.Reshape((4, 4, 3))(inputs)
    h = layers.Conv2D(4, 2, padding="valid", activation="relu", name="c1")(h)
    h = layers.BatchNormalization(epsilon=1e-3, name="norm")(h)
    h = layers.GlobalAveragePooling2D()(h)
    h = layers.Dense(3, activation="softmax", name="head")(h)
    functional = keras.Model(inputs, h, name="k2_functional")
    finish(functional, "k2_functional", (48,), 13)
    functional.save(out / "k2_functional.h5", save_format="h5")
    entries.append({"file": "k2_functional.h5", "io": "k2_functional.io.npz", "producer": producer})

    # --- Keras 2.15's own .keras zip
    functional.save(out / "k2_functional.keras")
    entries.append({"file": "k2_functional.keras", "io": "k2_functional.io.npz", "producer": producer})

    # --- error files, derived from the valid ones with h5py
    bad = out / "bad"
    # weights-only file without a config
    mlp.save_weights(bad / "k2_weights_without_config.h5")
    entries.append({"file": "bad/k2_weights_without_config.h5", "expect": "error", "error": "missingConfig"})
    # a kernel dataset removed
    cnn.save(bad / "k2_missing_dataset.h5", save_format="h5")
    with h5py.File(bad / "k2_missing_dataset.h5", "r+") as f:
        del f["model_weights/fc1/fc1/kernel:0"]
    entries.append({"file": "bad/k2_missing_dataset.h5", "expect": "error", "error": "missingWeight"})
    # config says 8 units, the kernel holds 7
    cnn.save(bad / "k2_kernel_mismatch.h5", save_format="h5")
    with h5py.File(bad / "k2_kernel_mismatch.h5", "r+") as f:
        raw = f.attrs["model_config"]
        config = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
        for layer in config["config"]["layers"]:
            if layer["config"].get("name") == "fc1":
                layer["config"]["units"] = 8
        f.attrs["model_config"] = json.dumps(config).encode()
    entries.append({"file": "bad/k2_kernel_mismatch.h5", "expect": "error", "error": "weightShapeMismatch"})
    # an unknown layer class in the config
    cnn.save(bad / "k2_unknown_layer.h5", save_format="h5")
    with h5py.File(bad / "k2_unknown_layer.h5", "r+") as f:
        raw = f.attrs["model_config"]
        config = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
        config["config"]["layers"][2]["class_name"] = "FancyActivation"
        f.attrs["model_config"] = json.dumps(config).encode()
    entries.append({"file": "bad/k2_unknown_layer.h5", "expect": "error", "error": "unsupportedLayers"})
    return entries


# =========================================================================== main (any python)

def write_raw_bad_files(out: Path) -> list[dict]:
    bad = out / "bad"
    (bad / "not_hdf5.h5").write_text("this is not an HDF5 file\n")
    valid = (out / "k2_cnn.h5").read_bytes()
    (bad / "truncated.h5").write_bytes(valid[:2048])
    (bad / "not_json.json").write_text("{\"class_name\": \"Sequential\", \"config\": ")
    (bad / "not_a_zip.keras").write_text("PK but not really a zip")
    return [
        {"file": "bad/not_hdf5.h5", "expect": "error", "error": "malformed"},
        {"file": "bad/truncated.h5", "expect": "error", "error": "malformed"},
        {"file": "k2_mlp.weights_only.h5", "config": "bad/not_json.json", "expect": "error", "error": "malformed"},
        {"file": "bad/not_a_zip.keras", "expect": "error", "error": "malformed"},
    ]


def run_worker(python: str, kind: str) -> list[dict]:
    result = subprocess.run([python, __file__, f"--{kind}-worker", str(OUT)],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keras3-python", required=False)
    parser.add_argument("--tf-python", required=False)
    parser.add_argument("--keras3-worker", metavar="OUT")
    parser.add_argument("--tf-worker", metavar="OUT")
    args = parser.parse_args()

    if args.keras3_worker:
        print(json.dumps(keras3_worker(Path(args.keras3_worker))))
        return
    if args.tf_worker:
        print(json.dumps(tf_worker(Path(args.tf_worker))))
        return
    if not args.keras3_python or not args.tf_python:
        parser.error("--keras3-python and --tf-python are required")

    (OUT / "bad").mkdir(parents=True, exist_ok=True)
    entries = []
    entries += run_worker(args.keras3_python, "keras3")
    entries += run_worker(args.tf_python, "tf")
    entries += write_raw_bad_files(OUT)
    for entry in entries:
        entry.setdefault("expect", "ok")
    (OUT / "manifest.json").write_text(json.dumps({"fixtures": entries}, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(entries)} fixtures to {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
