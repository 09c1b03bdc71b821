#!/usr/bin/env python3
"""Writes sklearn digits' stratified 70/30 split (the one models/data/digits_test.npz
comes from, scripts/make_models.py) as .cache/digits/digits_{train,test}.npz:
x float32 [N, 64] (pixels / 16), y int64 [N]. Used by `hepexc train-encrypted`
examples and docs/benchmarks.md. Needs numpy and scikit-learn (scripts/python-tools.sh
or any venv with them)."""
import pathlib
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 20240611  # scripts/make_models.py
root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root / ".cache" / "digits"
out.mkdir(parents=True, exist_ok=True)
d = load_digits()
x = (d.data / 16.0).astype(np.float32)
y = d.target.astype(np.int64)
xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.3, stratify=y, random_state=SEED % 2**31)
np.savez_compressed(out / "digits_train.npz", x=xtr, y=ytr)
np.savez_compressed(out / "digits_test.npz", x=xte, y=yte)
bundled = np.load(root / "models" / "data" / "digits_test.npz")
same = bundled["x"].shape == xte.shape and np.array_equal(bundled["x"], xte) and np.array_equal(bundled["y"], yte)
print(f"wrote {out}/digits_train.npz ({len(xtr)}) and digits_test.npz ({len(xte)}); "
      f"test split {'equals' if same else 'DIFFERS FROM'} models/data/digits_test.npz")
