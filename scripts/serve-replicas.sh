#!/usr/bin/env bash
# Three `hepexc serve` replicas sharing one key store, behind haproxy (from Debian, installed
# with apt if missing), all on loopback.
#   scripts/serve-replicas.sh start PLAN.hepx [WORKDIR]   → haproxy on :8080, replicas on :8081–8083
#   scripts/serve-replicas.sh stop [WORKDIR]
# Replica PIDs are in WORKDIR/replica-N.pid (kill one to test failover), logs in WORKDIR/*.log.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command="${1:?start PLAN | stop}"
if [ "$command" = stop ]; then
  work="${2:-/tmp/hepexc-replicas}"
  for f in "$work"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; rm -f "$f"; done
  exit 0
fi
plan="${2:?plan}"
work="${3:-/tmp/hepexc-replicas}"
replicas="${REPLICAS:-3}"
extra=(${SERVE_FLAGS:-})
mkdir -p "$work/keys"
command -v haproxy >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; }
bin="$root/.build/release/hepexc"
[ -x "$bin" ] || (cd "$root" && swift build -c release --product hepexc >/dev/null)
servers=""
for i in $(seq 1 "$replicas"); do
  port=$((8080 + i))
  "$bin" serve "$plan" --port "$port" --key-store "$work/keys" "${extra[@]}" > "$work/replica-$i.log" 2>&1 &
  echo $! > "$work/replica-$i.pid"
  servers+="    server r$i 127.0.0.1:$port check inter 500ms fall 2 rise 2"$'\n'
done
cat > "$work/haproxy.cfg" <<CFG
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 600s
    timeout server 600s
    retries 3
    option redispatch
    option httpchk GET /healthz
frontend inference
    bind 127.0.0.1:8080
    default_backend replicas
backend replicas
    balance leastconn
$servers
CFG
haproxy -f "$work/haproxy.cfg" -D -p "$work/haproxy.pid"
for i in $(seq 1 "$replicas"); do
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$((8080 + i))/healthz" >/dev/null && break; sleep 0.2; done
done
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:8080/healthz >/dev/null && break; sleep 0.2; done
echo "haproxy on 127.0.0.1:8080 → $replicas replicas (pids: $(cat "$work"/replica-*.pid | tr '\n' ' '))"
