#!/usr/bin/env bash
# Fetch the four Fashion-MNIST idx files (gzip) into a local cache (default:
# .cache/fashion-mnist/ under the repo root). The only source is the Debian
# package dataset-fashion-mnist: it is used from /usr/share/datasets when
# installed, otherwise downloaded with `apt-get download` (no root needed) and
# unpacked with dpkg-deb into a temporary directory.
#
# Usage: scripts/fetch_fashion_mnist.sh [CACHE_DIR]
# Idempotent: does nothing when all four files are already in the cache.
# The files load directly: hepexc train MODEL --data CACHE/train-images-idx3-ubyte.gz
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${1:-${FASHION_MNIST_CACHE:-$ROOT/.cache/fashion-mnist}}"
NAMES=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
SYSTEM=/usr/share/datasets/fashion-mnist

have_all() {
  for n in "${NAMES[@]}"; do [[ -s "$1/$n" ]] || return 1; done
}

mkdir -p "$CACHE"
if have_all "$CACHE"; then
  echo "Fashion-MNIST already cached in $CACHE"
  exit 0
fi

SOURCE="$SYSTEM"
if ! have_all "$SOURCE"; then
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/hepexc-fashion.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
  (cd "$WORK" && apt-get download dataset-fashion-mnist >/dev/null) || {
    echo "error: apt-get download dataset-fashion-mnist failed (run apt-get update?)" >&2
    exit 1
  }
  dpkg-deb -x "$WORK"/dataset-fashion-mnist_*.deb "$WORK/root"
  SOURCE="$WORK/root$SYSTEM"
fi

for n in "${NAMES[@]}"; do
  cp "$SOURCE/$n" "$CACHE/$n.part"
  mv "$CACHE/$n.part" "$CACHE/$n"
done

python3 - "$CACHE" <<'PY'
import gzip, os, struct, sys
cache = sys.argv[1]
expect = {"train-images-idx3-ubyte.gz": (2051, 60000), "train-labels-idx1-ubyte.gz": (2049, 60000),
          "t10k-images-idx3-ubyte.gz": (2051, 10000), "t10k-labels-idx1-ubyte.gz": (2049, 10000)}
for name, (magic, count) in expect.items():
    with gzip.open(os.path.join(cache, name), "rb") as f:
        m, c = struct.unpack(">II", f.read(8))
    if (m, c) != (magic, count):
        sys.exit(f"error: {name}: header {m},{c}, expected {magic},{count}")
print(f"Fashion-MNIST idx files OK in {cache}")
PY
