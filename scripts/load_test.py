#!/usr/bin/env python3
"""Bounded loopback load test of `hepexc serve` (one replica or several behind haproxy).

  scripts/load_test.py URL PLAN_NAME KEYS.evalkeys INPUTS.hect --clients C --requests R
        [--kill-pid PID --kill-after S] [--pids P1,P2,...] [--save-reply OUT.hect]

Uploads the keys once, then C client threads each POST the same ciphertext batch R times.
A request that fails to connect or gets 502/503/504 is retried (backoff, up to --retries);
it counts as an error only if every retry fails. Prints one JSON object: throughput
(requests/s), p50/p99 latency (s, retries included), errors, retries, and the servers'
peak resident memory (VmHWM of --pids, MiB). --kill-pid kills a replica after S seconds,
mid-run. Standard library only; loopback only.
"""
import argparse, hashlib, json, os, signal, threading, time, urllib.request, urllib.error


def request(method, url, body=None, headers=None, timeout=600):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url"); p.add_argument("plan"); p.add_argument("keys"); p.add_argument("inputs")
    p.add_argument("--clients", type=int, default=4); p.add_argument("--requests", type=int, default=8)
    p.add_argument("--retries", type=int, default=8)
    p.add_argument("--kill-pid", type=int); p.add_argument("--kill-after", type=float, default=2.0)
    p.add_argument("--pids", default=""); p.add_argument("--save-reply")
    a = p.parse_args()
    assert a.url.startswith("http://127.0.0.1") or a.url.startswith("http://localhost"), "loopback only"
    keys, inputs = open(a.keys, "rb").read(), open(a.inputs, "rb").read()
    key_id = hashlib.sha256(keys).hexdigest()
    status, body = request("PUT", f"{a.url}/v1/keys?plan={a.plan}", keys)
    assert status in (200, 201) and json.loads(body)["id"] == key_id, (status, body[:200])
    latencies, errors, retries, lock = [], [], [0], threading.Lock()
    reply_saved = [False]

    def client():
        for _ in range(a.requests):
            start = time.monotonic()
            for attempt in range(a.retries + 1):
                try:
                    status, body = request("POST", f"{a.url}/v1/plans/{a.plan}/evaluate", inputs,
                                           {"X-Hepexc-Key-Id": key_id, "Content-Type": "application/octet-stream"})
                except (urllib.error.URLError, ConnectionError, OSError) as error:
                    status, body = 0, str(error).encode()
                if status == 200:
                    with lock:
                        latencies.append(time.monotonic() - start)
                        if a.save_reply and not reply_saved[0]:
                            open(a.save_reply, "wb").write(body); reply_saved[0] = True
                    break
                if status not in (0, 502, 503, 504) or attempt == a.retries:
                    with lock: errors.append(f"{status}: {body[:120]!r}")
                    break
                with lock: retries[0] += 1
                time.sleep(min(0.1 * 2 ** attempt, 2.0))

    if a.kill_pid:
        threading.Timer(a.kill_after, lambda: os.kill(a.kill_pid, signal.SIGKILL)).start()
    threads = [threading.Thread(target=client) for _ in range(a.clients)]
    began = time.monotonic()
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else None
    memory = {}
    for pid in filter(None, a.pids.split(",")):
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmHWM:"): memory[pid] = int(line.split()[1]) / 1024
        except FileNotFoundError:
            memory[pid] = None
    print(json.dumps({"clients": a.clients, "requests": a.clients * a.requests, "ok": len(latencies),
                      "errors": len(errors), "error_samples": errors[:3], "retries": retries[0],
                      "seconds": round(elapsed, 3), "throughput_rps": round(len(latencies) / elapsed, 3),
                      "p50_s": pct(0.5), "p99_s": pct(0.99), "peak_rss_mib": memory,
                      "killed": a.kill_pid}, indent=1))


if __name__ == "__main__":
    main()
