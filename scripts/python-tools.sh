#!/usr/bin/env bash
# Create (or refresh) the Python venv used by the model/fixture generators:
#   scripts/make_models.py, scripts/make_onnx_fixtures.py, scripts/fetch_mnist.sh
# These tools are for producing test data only; hepexc itself never needs Python.
#
# Usage: scripts/python-tools.sh
# Env:   HEPEXC_TOOLS_VENV  venv directory (default: <repo>/.venv-tools)
#        PYTHON             base interpreter (default: python3; 3.10-3.12)
# Idempotent: a stamp file records the installed requirement set; when it
# matches, nothing is reinstalled. Prints the venv's python path last.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${HEPEXC_TOOLS_VENV:-$ROOT/.venv-tools}"
PYTHON="${PYTHON:-python3}"

# torch is the CPU-only build. Where pip's find-links (PIP_FIND_LINKS) or an
# extra index provides "+cpu" wheels it is used; otherwise we fall back to the
# plain PyPI wheel of the same version (larger, same numerics on CPU).
TORCH_CPU="torch==2.13.0+cpu"
TORCH_FALLBACK="torch==2.13.0"
REQS=(
  "numpy==2.4.6"
  "protobuf==7.36.2"
  "onnx==1.23.2"
  "onnxruntime==1.31.1"
  "scipy==1.17.1"
  "scikit-learn==1.9.1"
  "onnx-ir==1.1.0"
  "onnxscript==0.7.2"
  "skl2onnx==1.20.0"
)
STAMP_TEXT="$(printf '%s\n' "$TORCH_CPU" "${REQS[@]}")"
STAMP="$VENV/.hepexc-tools-stamp"

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$STAMP_TEXT" ]]; then
  echo "python tools venv up to date: $VENV" >&2
  echo "$VENV/bin/python"
  exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "creating venv $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2 || true

# Install torch first so its CPU build satisfies everything that follows.
if ! "$PY" -m pip install --quiet --disable-pip-version-check "$TORCH_CPU" >&2; then
  echo "note: $TORCH_CPU not available here; installing $TORCH_FALLBACK from PyPI" >&2
  "$PY" -m pip install --quiet --disable-pip-version-check "$TORCH_FALLBACK" >&2
fi
"$PY" -m pip install --quiet --disable-pip-version-check "${REQS[@]}" >&2

"$PY" - >&2 <<'PY'
import numpy, onnx, onnxruntime, sklearn, torch, onnxscript, skl2onnx
print("numpy", numpy.__version__, "| onnx", onnx.__version__, "| onnxruntime",
      onnxruntime.__version__, "| scikit-learn", sklearn.__version__, "| torch",
      torch.__version__, "| onnxscript", onnxscript.__version__, "| skl2onnx",
      skl2onnx.__version__)
PY
printf '%s\n' "$STAMP_TEXT" >"$STAMP"
echo "$PY"
