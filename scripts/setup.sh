#!/usr/bin/env bash
# Installs the system packages hepexc needs to build and test on a fresh
# Debian machine with Swift 6.3 (zlib for .npz/.gz data; pkg-config to find it;
# libhdf5-dev for Keras import; python3-venv for the onnxruntime test venv).
# Idempotent: does nothing when everything is already installed.
set -euo pipefail
packages=(zlib1g-dev pkg-config libhdf5-dev python3-venv libopenblas-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: system packages present (${packages[*]})"
else
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

# A small venv with onnxruntime for the ONNX-export test (git-ignored, only
# created when missing). Without it that one test skips with a message.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -x "$root/.venv-test/bin/python" ]; then
  echo "setup: creating $root/.venv-test (numpy, onnxruntime)"
  if ! { python3 -m venv "$root/.venv-test" &&
         "$root/.venv-test/bin/pip" install --quiet --disable-pip-version-check numpy onnxruntime; }; then
    echo "setup: note: could not create .venv-test; the onnxruntime export test will be skipped" >&2
    rm -rf "$root/.venv-test"
  fi
fi
