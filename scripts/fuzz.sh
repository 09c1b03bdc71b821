#!/usr/bin/env bash
# Long mutation-fuzzing run of every file parser (ONNX, .hepx, .npz/.npy/idx, .evalkeys/.hect/.secret,
# CKKS parameter/ciphertext/key files): the same fixed-seed tests CI runs
# with 60 mutations per seed, here with many more. About an hour with the
# default of 400000 (2 cores). A crash ends the run with the test that
# crashed; every mutation must give a thrown one-line error or a valid result.
#   scripts/fuzz.sh [ITERATIONS]
# HDF5 (Keras .h5) is fuzzed through the CLI (HDF5FuzzCLITests: ITERATIONS/1000
# mutations per seed file, each a `hepexc inspect` run): libhdf5 1.10 itself
# can crash on corrupted files, which is why the CLI reads them in a child
# process first (HDF5Isolation); every mutation must end in a result or a
# one-line error with exit status 1.
set -euo pipefail
cd "$(dirname "$0")/.."
export HEPEXC_FUZZ_ITERATIONS="${1:-400000}"
swift test --filter 'FuzzTests|SerializationFuzzTests|HDF5FuzzCLITests|ArtifactFuzzTests'
