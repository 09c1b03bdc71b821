"""Hostile Keras .h5 fixtures: a valid Keras 2 model file plus one object that
would make HDF5 read another file (issue 14 §2). hepexc must refuse each.

    python3 -m venv V && V/bin/pip install h5py numpy
    V/bin/python scripts/make_hostile_h5.py
"""
import os
import shutil

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, "..", "Tests", "FrontendTests", "Fixtures", "keras")
source = os.path.join(fixtures, "k2_functional.h5")
bad = os.path.join(fixtures, "bad")


def variant(name, plant):
    path = os.path.join(bad, name)
    shutil.copyfile(source, path)
    with h5py.File(path, "r+") as f:
        plant(f)
    print("wrote", path)


def external_link(f):
    f["model_weights/leak"] = h5py.ExternalLink("/etc/hepexc-secret.h5", "/data")


def external_storage(f):
    f.create_dataset("model_weights/leak", shape=(16,), dtype="u1", external=[("/etc/hostname", 0, 16)])


def virtual_dataset(f):
    layout = h5py.VirtualLayout(shape=(4,), dtype="f4")
    layout[:] = h5py.VirtualSource("/etc/hepexc-secret.h5", "data", shape=(4,))
    f.create_virtual_dataset("model_weights/leak", layout, fillvalue=0)


variant("k2_external_link.h5", external_link)
variant("k2_external_storage.h5", external_storage)
variant("k2_virtual_dataset.h5", virtual_dataset)


def unwritten_kernel(f):
    names = []
    f.visititems(lambda name, obj: names.append(name) if isinstance(obj, h5py.Dataset) and "kernel" in name else None)
    del f[names[0]]
    f.create_dataset(names[0], shape=(4096, 4096), dtype="f4")  # declared, never written


variant("k2_unwritten_kernel.h5", unwritten_kernel)
