#!/usr/bin/env bash
# Long mutation-fuzzing run of every file parser (ONNX, .hepx, .npz/.npy/idx,
# CKKS parameter/ciphertext/key files): the same fixed-seed tests CI runs
# with 60 mutations per seed, here with many more. About an hour with the
# default of 400000 (2 cores). A crash ends the run with the test that
# crashed; every mutation must give a thrown one-line error or a valid result.
#   scripts/fuzz.sh [ITERATIONS]
# HDF5 (Keras .h5) is not fuzzed in process: libhdf5 1.10 itself can crash on
# corrupted files (issue 14 §4, left open).
set -euo pipefail
cd "$(dirname "$0")/.."
export HEPEXC_FUZZ_ITERATIONS="${1:-400000}"
swift test --filter 'FuzzTests|SerializationFuzzTests'
