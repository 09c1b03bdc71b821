#!/usr/bin/env bash
# The inference server on loopback (docs/benchmarks.md, "Inference server"):
#   1. one replica: start-up (plan load + weight encoding), key upload, first vs second
#      evaluation request (the second reuses the parsed keys and the encoded weights);
#   2. load: CLIENTS × REQUESTS against one replica, then three behind haproxy;
#   3. failover: three replicas, one killed mid-run; the client retries.
#   scripts/bench-serve.sh [MODEL] [TILE] [SAMPLES]   (default digits_mlp_square 1x64 64)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-digits_mlp_square}"; tile="${2:-1x64}"; samples="${3:-64}"
clients="${CLIENTS:-4}"; requests="${REQUESTS:-6}"
cd "$root"
[ -x .build/release/hepexc ] || swift build -c release --product hepexc >/dev/null
bin="$root/.build/release/hepexc"
work="$(mktemp -d /tmp/hepexc-bench-serve.XXXX)"
cleanup() { scripts/serve-replicas.sh stop "$work/replicas" || true; [ -f "$work/single.pid" ] && kill "$(cat "$work/single.pid")" 2>/dev/null || true; }
trap cleanup EXIT
plan="$work/$model.hepx"
data="models/data/digits_test.npz"; case "$model" in mnist_autoencoder) data=models/data/mnist_ae_test.npz;; mnist*) data=models/data/mnist_test.npz;; esac
"$bin" compile "models/$model.onnx" --tile "$tile" -o "$plan" >/dev/null
"$bin" keygen "$plan" -o "$work/alice" >/dev/null
"$bin" encrypt "$plan" --secret "$work/alice.secret" --data "$data" --limit "$samples" -o "$work/x.hect" >/dev/null
echo "files: evalkeys $(stat -c %s "$work/alice.evalkeys") B, x.hect $(stat -c %s "$work/x.hect") B"

# 1. One replica: start-up, upload, first vs second request.
start=$(date +%s.%N)
"$bin" serve "$plan" --port 8090 --key-store "$work/keys1" --threads 2 > "$work/single.log" 2>&1 &
echo $! > "$work/single.pid"
until curl -sf http://127.0.0.1:8090/healthz >/dev/null; do sleep 0.05; done
echo "start-up to healthy: $(echo "$(date +%s.%N) - $start" | bc) s"
id=$(curl -s -w '\n%{time_total}' -X PUT --data-binary @"$work/alice.evalkeys" "http://127.0.0.1:8090/v1/keys?plan=$model")
echo "PUT /v1/keys: ${id##*$'\n'} s"
id=$(echo "${id%$'\n'*}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for n in 1 2 3; do
  t=$(curl -s -o "$work/y$n.hect" -w '%{time_total}' -X POST -H "X-Hepexc-Key-Id: $id" --data-binary @"$work/x.hect" \
      "http://127.0.0.1:8090/v1/plans/$model/evaluate")
  echo "evaluate request $n: $t s"
done
"$bin" decrypt "$plan" --secret "$work/alice.secret" "$work/y2.hect" -o "$work/p.npz" --data "$data" --limit "$samples" | grep -E "accuracy|max"
python3 scripts/load_test.py http://127.0.0.1:8090 "$model" "$work/alice.evalkeys" "$work/x.hect" \
  --clients "$clients" --requests "$requests" --pids "$(cat "$work/single.pid")"
curl -s http://127.0.0.1:8090/metrics | grep -E "^hepexc_(http_requests_total|he_operations_total|batch_tiles)" | head -8
kill -TERM "$(cat "$work/single.pid")"; rm -f "$work/single.pid"

# 2. Three replicas behind haproxy (1 thread each: 3 replicas share the 2 cores).
SERVE_FLAGS="--threads 1" scripts/serve-replicas.sh start "$plan" "$work/replicas" >/dev/null
pids=$(cat "$work"/replicas/replica-*.pid | paste -sd,)
python3 scripts/load_test.py http://127.0.0.1:8080 "$model" "$work/alice.evalkeys" "$work/x.hect" \
  --clients "$clients" --requests "$requests" --pids "$pids"

# 3. Failover: kill replica 2 two seconds in.
python3 scripts/load_test.py http://127.0.0.1:8080 "$model" "$work/alice.evalkeys" "$work/x.hect" \
  --clients "$clients" --requests "$requests" --pids "$pids" --kill-pid "$(cat "$work/replicas/replica-2.pid")" --kill-after 2 \
  --save-reply "$work/after-kill.hect"
"$bin" decrypt "$plan" --secret "$work/alice.secret" "$work/after-kill.hect" -o "$work/p2.npz" --data "$data" --limit "$samples" \
  | grep -E "accuracy|max"
