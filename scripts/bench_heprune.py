#!/usr/bin/env python3
"""HEPrune benchmarks (issue 13), release build:

  python3 scripts/bench_heprune.py sweep   # Figure 4 shape: accuracy vs kept fraction (simulated backend)
  python3 scripts/bench_heprune.py speed   # measured CKKS time: full data vs --keep 0.1 (same epochs)
  HEPRUNE_DATA=mnist python3 scripts/bench_heprune.py sweep   # the MNIST head on the frozen CryptoNets backbone

Reads the digits split (scripts/make_digits_split.py writes .cache/digits) or the
MNIST head split (scripts/make_mnist_head_split.py), runs
`.build/release/hepexc train-encrypted --json`, prints Markdown tables and
writes docs/heprune-sweep[-mnist].svg. Standard library only.
"""
import json
import pathlib
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
import os

hepexc = root / ".build" / "release" / "hepexc"
dataset = os.environ.get("HEPRUNE_DATA", "digits")
if dataset == "mnist":
    inputs = ["--data", str(root / ".cache" / "mnist_head" / "train.npz"), "--test", str(root / ".cache" / "mnist_head" / "test.npz"),
              "--backbone", str(root / "models" / "mnist_cryptonets.onnx"), "--features", "%4", "--learning-rate", "5"]
    fractions = [0.05, 0.1, 0.2, 0.4, 0.8]
    scores = ["hefs"]
    plot = root / "docs" / "heprune-sweep-mnist.svg"
else:
    inputs = ["--data", str(root / ".cache" / "digits" / "digits_train.npz"), "--test", str(root / "models" / "data" / "digits_test.npz")]
    fractions = [0.01, 0.05, 0.1, 0.2, 0.4, 0.5, 0.6, 0.8, 0.9]
    scores = ["hefs", "random"]
    plot = root / "docs" / "heprune-sweep.svg"


def run(*extra):
    command = [str(hepexc), "train-encrypted", *inputs, "--json", "--no-compare", "--threads", "2", *extra]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)}: {result.stderr.strip()}")
    return json.loads(result.stdout)


def best(report):
    return max(e["test_accuracy"] for e in report["epochs"])


def sweep(epochs=9, every=3):
    rows = []
    full = run("--backend", "simulated", "--epochs", str(epochs))
    for score in scores:
        for p in fractions:
            window = ["--window", "0.04"] if p <= 0.05 else []
            r = run("--backend", "simulated", "--epochs", str(epochs), "--keep", str(p), "--select-every", str(every),
                    "--score", score, *window)
            rows.append((score, p, r["test_accuracy"], best(r)))
            print(f"{score} keep {p}: final {r['test_accuracy']:.4f} best {best(r):.4f}", file=sys.stderr)
    print(f"full data: final {full['test_accuracy']:.4f}, best {best(full):.4f}, plaintext {full['plaintext_test_accuracy']:.4f}")
    print("| score | kept | final test accuracy | best epoch |")
    print("|---|---:|---:|---:|")
    for score, p, final, top in rows:
        print(f"| {score} | {p:.0%} | {final:.2%} | {top:.2%} |")
    svg(rows, full["test_accuracy"])


def svg(rows, full):
    width, height, left, bottom = 560, 320, 60, 40
    def x(p): return left + (width - left - 20) * (p - 0) / 1.0
    def y(a): return height - bottom - (height - bottom - 20) * (a - 0.5) / 0.5
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 20}" y2="{height - bottom}" stroke="black"/>',
             f'<line x1="{left}" y1="20" x2="{left}" y2="{height - bottom}" stroke="black"/>',
             f'<line x1="{left}" y1="{y(full):.1f}" x2="{width - 20}" y2="{y(full):.1f}" stroke="gray" stroke-dasharray="4 3"/>',
             f'<text x="{width - 20}" y="{y(full) - 4:.1f}" text-anchor="end" fill="gray">full data {full:.1%}</text>',
             f'<text x="{(width + left) / 2}" y="{height - 8}" text-anchor="middle">kept fraction</text>',
             f'<text x="14" y="{height / 2}" transform="rotate(-90 14 {height / 2})" text-anchor="middle">test accuracy (simulated)</text>']
    for t in [0, 0.2, 0.4, 0.6, 0.8, 1.0]:
        parts.append(f'<text x="{x(t):.1f}" y="{height - bottom + 14}" text-anchor="middle">{t:.0%}</text>')
    for a in [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]:
        parts.append(f'<text x="{left - 6}" y="{y(a) + 4:.1f}" text-anchor="end">{a:.0%}</text>')
    for score, colour in [("hefs", "#1f77b4"), ("random", "#d62728")]:
        points = [(x(p), y(max(final, 0.5))) for s, p, final, _ in rows if s == score]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in points]
        lx, ly = width - 120, height - bottom - (36 if score == "hefs" else 20)
        parts.append(f'<text x="{lx}" y="{ly}" fill="{colour}">{"HEFS" if score == "hefs" else "random"}</text>')
    parts.append("</svg>")
    plot.write_text("\n".join(parts) + "\n")


def speed(epochs=6, every=3):
    full = run("--epochs", str(epochs))
    pruned = run("--epochs", str(epochs), "--keep", "0.1", "--select-every", str(every), "--score", "hefs-fast")
    def seconds(r): return r["total_seconds"]
    print(f"full data: {seconds(full):.1f} s, test accuracy {full['test_accuracy']:.4f}")
    print(f"keep 10 %: {seconds(pruned):.1f} s, test accuracy {pruned['test_accuracy']:.4f}")
    print(f"speed-up (whole runs, setup and scoring included): {seconds(full) / seconds(pruned):.2f}x")
    for r in pruned.get("selection_rounds", []):
        print(json.dumps(r))
    print(json.dumps({"full_epochs": full["epochs"], "pruned_epochs": pruned["epochs"]}))


if __name__ == "__main__":
    {"sweep": sweep, "speed": speed}[sys.argv[1] if len(sys.argv) > 1 else "sweep"]()
