#!/usr/bin/env bash
# keygen → encrypt → evaluate → decrypt on every bundled model at 128-bit parameters,
# beside `hepexc run -o` on the same samples; prints timings, file sizes, and how the
# predictions compare (max |files − run|, argmax agreement with run and with the plan
# in exact arithmetic). Numbers go to docs/benchmarks.md ("Client and server").
#   scripts/client-server-check.sh [SAMPLES]      (default 64; release build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
samples="${1:-64}"
cd "$root"
swift build -c release --product hepexc >/dev/null
bin="$root/.build/release/hepexc"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for pair in digits_mlp_square:digits_test digits_mlp_poly2:digits_test mnist_mlp_square:mnist_test \
            mnist_cryptonets:mnist_test mnist_autoencoder:mnist_ae_test; do
  model="${pair%%:*}"; data="models/data/${pair##*:}.npz"
  plan="$work/$model.hepx"
  "$bin" compile "models/$model.onnx" --tile 16x16 -o "$plan" >/dev/null
  "$bin" keygen "$plan" -o "$work/alice" --json > "$work/keygen.json"
  "$bin" encrypt "$plan" --secret "$work/alice.secret" --data "$data" --limit "$samples" -o "$work/x.hect" --json > "$work/encrypt.json"
  "$bin" evaluate "$plan" --eval-keys "$work/alice.evalkeys" "$work/x.hect" -o "$work/y.hect" --json > "$work/evaluate.json"
  "$bin" decrypt "$plan" --secret "$work/alice.secret" "$work/y.hect" -o "$work/files.npz" --data "$data" --limit "$samples" \
    --json > "$work/decrypt.json"
  "$bin" run "$plan" --data "$data" --limit "$samples" -o "$work/run.npz" --json > "$work/run.json"
  "$bin" run "$plan" --data "$data" --limit "$samples" --backend simulated -o "$work/plain.npz" >/dev/null
  python3 - "$model" "$work" <<'PY'
import json, sys, numpy as np
model, w = sys.argv[1], sys.argv[2]
j = {k: json.load(open(f"{w}/{k}.json")) for k in ["keygen", "encrypt", "evaluate", "decrypt", "run"]}
f, r, p = np.load(f"{w}/files.npz"), np.load(f"{w}/run.npz"), np.load(f"{w}/plain.npz")
mib = lambda report: sum(report["files"].values()) / 2**20
t = lambda report, key: report["timings"][key] * 1000
agree = (f["predictions"] == r["predictions"]).mean()
print(f"{model}: keygen {t(j['keygen'],'keygen'):.0f} ms, evalkeys+secret {mib(j['keygen']):.1f} MiB ({j['keygen']['galois_keys']} Galois); "
      f"encrypt {t(j['encrypt'],'encrypt'):.0f} ms -> {mib(j['encrypt']):.2f} MiB ({j['encrypt']['ciphertexts']} ct); "
      f"evaluate {t(j['evaluate'],'evaluate'):.0f} ms (+ encode weights {t(j['evaluate'],'encode_weights'):.0f} ms, "
      f"load keys {t(j['evaluate'],'load_keys'):.0f} ms) -> {mib(j['evaluate']):.2f} MiB; decrypt {t(j['decrypt'],'decrypt'):.0f} ms; "
      f"|files - plain| {j['decrypt']['max_abs_error']:.2e}, |run - plain| {j['run']['max_abs_error']:.2e}, "
      f"max |files - run| {np.abs(f['outputs'] - r['outputs']).max():.2e}, argmax files = run {agree:.3f}, "
      f"files = plain {(f['predictions'] == p['predictions']).mean():.3f}, "
      f"accuracy files {j['decrypt'].get('accuracy')}, run {j['run'].get('accuracy')}, mse {j['decrypt'].get('mse')}")
PY
done
