#!/usr/bin/env python3
"""hepexc and IBM HElayers 1.5.5 side by side, alternately in one window (issue 17,
docs/benchmarks.md "HElayers side by side").

  swift build -c release
  V/bin/python scripts/bench_vs_helayers.py --cases digits-sq,cnn-1 --rounds 3 --out results.json

V is a Python 3.11 venv with `pip install pyhelayers numpy onnx scikit-learn h5py`
(../shared/peers/README.md; HElayers is run, never vendored). For every case and
round it runs `hepexc run` under /usr/bin/time -v and then HElayers in a fresh
child process of this script (the order flips every round), and records:

- client encryption CPU seconds (hepexc: `cpu_timings.encrypt`; HElayers:
  process CPU time of ModelIoEncoder.encode_encrypt on the batch),
- server execute CPU seconds (hepexc: `cpu_timings.execute`; HElayers: process
  CPU time of NeuralNet.predict), both all threads together,
- peak RSS of the whole process (hepexc: /usr/bin/time -v; HElayers:
  getrusage ru_maxrss after predict and decrypt — context, keys, encoded
  model, one batch),
- upload bytes per image (hepexc: size of the `.hect` that `hepexc encrypt`
  writes, once per case; HElayers: EncryptedData.save_to_buffer of the batch),
- max |encrypted − plaintext| (hepexc: vs the plan in exact arithmetic;
  HElayers: vs its own plaintext NeuralNetPlain.predict),
- both tools' wall timers and the load average.

The HElayers model is a static-batch copy (scripts/make_static_batch.py) since
its ONNX parser rejects a dynamic batch axis. Medians over rounds are printed
as a markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

# name: hepexc model, hepexc compile options, hepexc data, images per batch,
#       HElayers model (static batch), HElayers options (batch or tile shape)
CASES = {
    "digits-sq": dict(model="models/digits_mlp_square.onnx", compile=["--tile", "auto", "--batch", "64"],
                      data="models/data/digits_test.npz", batch=64, hl=dict(batch=64)),
    "digits-sq-1x64": dict(model="models/digits_mlp_square.onnx", compile=["--tile", "1x64"],
                           data="models/data/digits_test.npz", batch=64, hl=dict(batch=64)),
    "digits-poly2": dict(model="models/digits_mlp_poly2.onnx", compile=["--tile", "auto", "--batch", "64"],
                         data="models/data/digits_test.npz", batch=64, hl=dict(batch=64)),
    "cnn-1": dict(model="models/mnist_cryptonets.onnx", compile=["--tile", "auto", "--batch", "1"],
                  data="models/data/mnist_test.npz", batch=1, hl=dict(batch=1)),
    "digits-poly2-1x128B": dict(model="models/digits_mlp_poly2.onnx", compile=["--tile", "1x128", "--first-form", "B"],
                                data="models/data/digits_test.npz", batch=64, hl=dict(batch=64)),
    "cnn-8192": dict(model="models/mnist_cryptonets.onnx", compile=["--batch", "8192"],
                     data="models/data/mnist_test.npz", batch=8192, hl=None),
    "cnn-toep512": dict(model="models/mnist_cryptonets.onnx",
                        compile=["--tile", "auto", "--batch", "512", "--max-memory-mib", "16000", "--conv", "toeplitz"],
                        data="models/data/mnist_test.npz", batch=512, hl=None),
    # HElayers alone at its throughput batches (its optimizer's estimates: 21 images/s at 256, 30 at 512,
    # 37 at 1024, 41 at 2048 with 12 GB of encoded model, 27 at 4096)
    "hl-cnn-512": dict(model=None, batch=512, hl=dict(batch=512), data="models/data/mnist_test.npz"),
    "hl-cnn-1024": dict(model=None, batch=1024, hl=dict(batch=1024), data="models/data/mnist_test.npz"),
    "hl-cnn-2048": dict(model=None, batch=2048, hl=dict(batch=2048), data="models/data/mnist_test.npz"),
}


AE_BUDGET_MIB = {16: 1800, 32: 400, 64: 150}


def ae_cases(ae_dir: Path):
    for t, b in ((16, 32), (32, 8), (64, 2)):
        CASES[f"ae-{t}"] = dict(model=str(ae_dir / "autoencoder_3072.onnx"), compile=["--tile", f"{t}x{t}"],
                                data=str(ae_dir / "autoencoder_3072_test.npz"), batch=b,
                                hl=dict(tile=f"{t}x{t}x{b}"))
        # weights encoded before the batch (`--weights cached`, HElayers' order: it encodes the model
        # before predict): execute without the encoding, which is reported apart
        CASES[f"ae-{t}-cached"] = dict(CASES[f"ae-{t}"], run=["--weights", "cached"])
        # cached within a byte budget (`--weight-cache-mib`): the lowest-level layers' weights kept, the rest
        # encoded in execute — the budget is the memory a deployment gives the encoded model
        CASES[f"ae-{t}-budget"] = dict(CASES[f"ae-{t}"], run=["--weight-cache-mib", str(AE_BUDGET_MIB[t])])


def sh(cmd, **kw):
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(map(str, cmd))}\n{r.stderr[-2000:]}")
    return r


def peak_rss(stderr: str) -> int:
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(m.group(1)) * 1024 if m else -1


def hepexc_prepare(hepexc, case, tmp):
    plan = Path(tmp) / "plan.hepx"
    r = sh(["/usr/bin/time", "-v", hepexc, "compile", case["model"], *case["compile"], "-o", plan, "--json"])
    report = json.loads(r.stdout)
    compile_cpu = None
    m = re.search(r"User time \(seconds\): ([\d.]+)", r.stderr)
    s = re.search(r"System time \(seconds\): ([\d.]+)", r.stderr)
    if m and s:
        compile_cpu = float(m.group(1)) + float(s.group(1))
    keys = Path(tmp) / "k"
    sh([hepexc, "keygen", plan, "--output", keys])
    hect = Path(tmp) / "in.hect"
    sh([hepexc, "encrypt", plan, "--secret", f"{keys}.secret", "--data", case["data"], "--limit", str(case["batch"]),
        "--output", hect])
    upload = hect.stat().st_size
    hect.unlink()
    for f in Path(tmp).glob("k*"):
        f.unlink()
    return plan, {"tile": report.get("tile"), "log_n": report.get("log_n"),
                  "input_ciphertexts": report.get("input_ciphertexts"), "compile_cpu_s": compile_cpu,
                  "upload_bytes": upload, "upload_per_image": upload / case["batch"]}


def hepexc_round(hepexc, plan, case, threads):
    r = sh(["/usr/bin/time", "-v", hepexc, "run", plan, "--data", case["data"], "--limit", str(case["batch"]),
            "--threads", str(threads), "--json", *case.get("run", [])])
    rep = json.loads(r.stdout)
    cpu, wall = rep["cpu_timings"], rep["timings"]
    return {"encrypt_cpu": cpu.get("encrypt"), "execute_cpu": cpu.get("execute"),
            "encode_weights_cpu": cpu.get("encode_weights", 0.0), "keygen_cpu": cpu.get("keygen"),
            "encrypt_wall": wall.get("encrypt"), "execute_wall": wall.get("execute"),
            "peak_rss": peak_rss(r.stderr), "max_err": rep["max_abs_error"], "accuracy": rep.get("accuracy"),
            "mse": rep.get("mse"), "weight_encoding": rep.get("weight_encoding"), "load": os.getloadavg()[0]}


def helayers_child(a) -> int:
    """One HElayers run in this (fresh) process; prints one JSON line."""
    os.environ["OMP_NUM_THREADS"] = str(a.threads)
    import resource

    import numpy as np
    import pyhelayers as p
    d = np.load(a.data)
    x = np.asarray(d["x"] if "x" in d else d["X"], dtype=np.float64)
    out = {"load_start": os.getloadavg()[0]}
    plain = p.NeuralNetPlain()
    plain.init_from_files(p.PlainModelHyperParams(), [a.hl_model])
    req = p.HeRunRequirements()
    req.set_he_context_options([p.HeContext.create(["SEAL_CKKS"])])
    req.set_model_encrypted(False)
    if a.tile:
        req.set_fixed_tile_layout(p.TTShape([int(v) for v in a.tile.split("x")]))
    elif a.batch > 0:
        req.optimize_for_batch_size(a.batch)
    else:
        req.set_no_fixed_batch_size()
    t = time.perf_counter()
    profile = p.HeModel.compile(plain, req)
    out["compile_wall"] = time.perf_counter() - t
    prof = json.loads(profile.to_string())
    out["tile"] = [int(prof["tile_layout"][f"t{i + 1}"]) for i in range(int(prof["tile_layout"]["num_dims"]))]
    out["he_config"] = prof.get("he_conf_req")
    bs = profile.get_optimal_batch_size()
    out["batch"] = bs
    ctx = p.HeModel.create_context(profile)
    nn = p.NeuralNet(ctx)
    c = time.process_time()
    nn.encode(plain, profile)
    out["encode_weights_cpu"] = time.process_time() - c
    io = p.ModelIoEncoder(nn)
    xb = x[:bs]
    enc = p.EncryptedData(ctx)
    c, t = time.process_time(), time.perf_counter()
    io.encode_encrypt(enc, [xb])
    out["encrypt_cpu"], out["encrypt_wall"] = time.process_time() - c, time.perf_counter() - t
    out["upload_bytes"] = len(enc.save_to_buffer())
    out["upload_per_image"] = out["upload_bytes"] / bs
    res = p.EncryptedData(ctx)
    c, t = time.process_time(), time.perf_counter()
    nn.predict(res, enc)
    out["execute_cpu"], out["execute_wall"] = time.process_time() - c, time.perf_counter() - t
    he = np.asarray(io.decrypt_decode_output(res))
    ref = np.asarray(plain.predict([xb])[0])
    out["max_err"] = float(np.abs(he - ref).max())
    if "y" in d and len(np.unique(d["y"])) > 1:
        out["accuracy"] = float((he.argmax(1) == np.asarray(d["y"])[:bs]).mean())
    out["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out["load"] = os.getloadavg()[0]
    print(json.dumps(out))
    return 0


def helayers_round(case, hl_model, threads):
    hl = case["hl"]
    cmd = [PY, __file__, "--helayers-child", "--hl-model", hl_model, "--data", str(ROOT / case["data"]),
           "--threads", str(threads), "--batch", str(hl.get("batch", 0))]
    if hl.get("tile"):
        cmd += ["--tile", hl["tile"]]
    r = sh(cmd, env={**os.environ, "OMP_NUM_THREADS": str(threads)})
    return json.loads(r.stdout.strip().splitlines()[-1])


def summarize(path: str) -> str:
    """Markdown rows: medians over rounds per case and tool, and hepexc / HElayers ratios."""
    recs = [json.loads(line) for line in open(path) if line.strip()]
    med = lambda rs, k: statistics.median(r[k] for r in rs) if rs and all(r.get(k) is not None for r in rs) else None
    rows = ["| case | tool | images | encrypt CPU s | execute CPU s | encrypt + execute | per image ms | peak RSS MiB "
            "| upload per image KiB | max error | rounds | load |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for case in dict.fromkeys(r["case"] for r in recs):
        got = {}
        for tool in ("hepexc", "helayers"):
            rs = [r for r in recs if r["case"] == case and r["tool"] == tool]
            if not rs:
                continue
            images = rs[0].get("batch") or CASES.get(case, {}).get("batch")
            enc, exe = med(rs, "encrypt_cpu"), med(rs, "execute_cpu")
            tot = statistics.median(r["encrypt_cpu"] + r["execute_cpu"] for r in rs)
            got[tool] = dict(tot=tot, rss=med(rs, "peak_rss"), up=med(rs, "upload_per_image"), images=images)
            rows.append(f"| {case} | {tool} | {images} | {enc:.3f} | {exe:.3f} | {tot:.3f} | {tot / images * 1e3:.2f} "
                        f"| {med(rs, 'peak_rss') / 2**20:.0f} | {med(rs, 'upload_per_image') / 1024:.1f} "
                        f"| {max(r['max_err'] for r in rs):.1e} | {len(rs)} | {min(r['load'] for r in rs):.1f}–{max(r['load'] for r in rs):.1f} |")
        if len(got) == 2:
            h, l = got["hepexc"], got["helayers"]
            rows.append(f"| {case} | ratio | | | | {h['tot'] / h['images'] / (l['tot'] / l['images']):.2f}× per image | "
                        f"| {h['rss'] / l['rss']:.2f}× | {h['up'] / l['up']:.2f}× | | | |")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", default="digits-sq,digits-poly2,cnn-1")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--hepexc", default=str(ROOT / ".build" / "release" / "hepexc"))
    ap.add_argument("--ae-dir", default=str(ROOT / ".cache" / "yardstick"))
    ap.add_argument("--out", default=None, help="append every round's record to this JSON-lines file")
    ap.add_argument("--helayers-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--hl-model", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--batch", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--tile", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--summarize", metavar="JSONL", help="print the markdown table of a --out file and stop")
    a = ap.parse_args()
    if a.summarize:
        ae_cases(Path(a.ae_dir))
        print(summarize(a.summarize))
        return 0
    if a.helayers_child:
        return helayers_child(a)
    ae_cases(Path(a.ae_dir))
    names = a.cases.split(",")
    unknown = [n for n in names if n not in CASES]
    if unknown:
        sys.exit(f"error: unknown case(s) {', '.join(unknown)}; known: {', '.join(CASES)}")
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="hepexc-vs-hl-") as tmp:
        for name in names:
            case = CASES[name]
            plan, info = hepexc_prepare(a.hepexc, case, tmp) if case.get("model") else (None, {})
            hl_model = None
            if case.get("hl") is not None:
                src = case["model"] or "models/mnist_cryptonets.onnx"
                hl_model = str(Path(tmp) / f"{name}_static.onnx")
                sh([PY, str(ROOT / "scripts" / "make_static_batch.py"), src, hl_model])
            for rnd in range(a.rounds):
                order = ["hepexc", "helayers"] if rnd % 2 == 0 else ["helayers", "hepexc"]
                for tool in order:
                    if tool == "hepexc" and plan is None or tool == "helayers" and hl_model is None:
                        continue
                    rec = hepexc_round(a.hepexc, plan, case, a.threads) if tool == "hepexc" \
                        else helayers_round(case, hl_model, a.threads)
                    rec.update({"case": name, "tool": tool, "round": rnd, "time": time.strftime("%H:%M:%S")})
                    if tool == "hepexc":
                        rec.update(info)
                    print(json.dumps(rec), file=sys.stderr)
                    if a.out:
                        with open(a.out, "a") as f:
                            f.write(json.dumps(rec) + "\n")
    print(f"load average after: {os.getloadavg()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
