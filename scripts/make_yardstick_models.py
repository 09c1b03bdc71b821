#!/usr/bin/env python3
"""Builds the HElayers yardstick model of ../shared/docs/design.md that the
bundled set lacks:

  models/digits_mlp_poly2.onnx   sklearn digits 64 -> 128 -> p(x) -> 64 -> p(x) -> 10,
                                 p(x) = 0.125 x^2 + 0.5 x + 0.25 (a fixed degree-2 polynomial)

IBM HElayers 1.5.5 runs this network in 699 ms per batch of 64 (574 MiB) on
the reference machine. Same data split, training loop and exporter as
scripts/make_models.py (imported from it). Run with the tools venv:

  $(scripts/python-tools.sh) scripts/make_yardstick_models.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_models as mm  # noqa: E402


class Poly2(nn.Module):
    def forward(self, x):
        return 0.125 * x * x + 0.5 * x + 0.25


class DigitsMLPPoly2(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128)
        self.act1 = Poly2()
        self.fc2 = nn.Linear(128, 64)
        self.act2 = Poly2()
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc3(self.act2(self.fc2(self.act1(self.fc1(x)))))


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    out = mm.ROOT / "models"
    (out / "reference").mkdir(parents=True, exist_ok=True)
    xtr, xte, ytr, yte = mm.load_digits_split()
    torch.manual_seed(mm.SEED + 5)
    model = DigitsMLPPoly2()
    mm.shrink_init(model, 0.5)
    mm.train(model, xtr, ytr, loss_fn=nn.CrossEntropyLoss(), epochs=150, batch=64, lr=2e-3, seed=mm.SEED + 5,
             log="digits-poly2")
    result = mm.finish_classifier("digits_mlp_poly2", "Linear(64,128) → p → Linear(128,64) → p → Linear(64,10)",
                                  "sklearn digits /16 (stratified 70/30)", model, xte, yte, out)
    print(f"digits_mlp_poly2: {result.params} parameters, accuracy {result.ort_value:.4f}")
    write_section(out / "README.md", result)


SECTION = "## Yardstick models"


def write_section(path: Path, r):
    """Replaces this script's section at the end of models/README.md (the rest
    is written by scripts/make_models.py, which drops the section; rerun this)."""
    text = path.read_text()
    text = text.split("\n" + SECTION)[0].rstrip("\n") + "\n"
    text += f"""
{SECTION}

Made by `scripts/make_yardstick_models.py` (after `make_models.py`, which rewrites this file):
the second HElayers yardstick of `../shared/docs/design.md`, 699 ms and 574 MiB per batch of 64
in HElayers 1.5.5.

| model | architecture | params | dataset | torch | onnxruntime | max abs diff |
|---|---|---:|---|---:|---:|---:|
| `{r.name}.onnx` | {r.arch}, p(x) = 0.125x² + 0.5x + 0.25 | {r.params} | {r.dataset} | {r.torch_value:.4f} | {r.ort_value:.4f} | {r.max_abs_diff:.1e} |
"""
    path.write_text(text)


if __name__ == "__main__":
    main()
