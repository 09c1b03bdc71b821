#!/usr/bin/env python3
"""Structured fuzzing of the textual IR parser and everything after it
(issue 14): prints bundled models as IR with every weight (`--weights`),
replaces one to three integers (dimensions, attributes, shapes) with
extremes (0, -1, 2^31, 2^40, 2^62, Int64.max, …) and runs `hepexc opt` and
`hepexc compile` on each text. Every run must end with exit status 0 or 1
and a one-line error on status 1, within the time limit.

  python3 scripts/fuzz_ir_text.py [--binary .build/debug/hepexc] [--count N] [--seed S]

Standard library only.
"""
import argparse
import os
import random
import re
import sys
import tempfile

from fuzzlib import is_finding, run

EXTREMES = ["0", "-1", "2147483648", "4294967296", "1099511627776", "4611686018427387904",
            "9223372036854775807", "-9223372036854775808", "99999999999999999999", "3"]
MODELS = ["models/digits_mlp_square.onnx", "models/mnist_cryptonets.onnx", "models/mnist_autoencoder.onnx"]




def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/hepexc")
    parser.add_argument("--count", type=int, default=150)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--timeout", type=float, default=60)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    texts = []
    for model in MODELS:
        status, stderr, stdout = run(options.binary, ["opt", model, "--weights"], options.timeout)
        if status != 0:
            sys.exit(f"cannot print {model}: {stderr}")
        texts.append(stdout)
    findings = total = 0
    with tempfile.TemporaryDirectory() as directory:
        for index in range(options.count):
            text = rng.choice(texts)
            # Integers outside constant payloads: dimensions, attributes, shapes.
            body = text.split("\ngraph", 1)
            head, graph = (body[0], "\ngraph" + body[1]) if len(body) == 2 else ("", text)
            spots = [m.span() for m in re.finditer(r"(?<![\w.@%])-?\d+(?![\w.])", graph)]
            chosen = sorted(rng.sample(spots, min(len(spots), rng.randint(1, 3))), reverse=True)
            for start, end in chosen:
                graph = graph[:start] + rng.choice(EXTREMES) + graph[end:]
            path = os.path.join(directory, f"m{index}.hepir")
            with open(path, "w") as f:
                f.write(head + graph)
            for args in (["opt", path, "-o", os.path.join(directory, "o.hepir")],
                         ["compile", path, "--tile", "16x16", "-o", os.path.join(directory, "out.hepx")]):
                total += 1
                status, stderr, _ = run(options.binary, args, options.timeout)
                if is_finding(status, stderr):
                    findings += 1
                    kept = f"/tmp/ir-finding-{options.seed}-{index}.hepir"
                    with open(kept, "w") as f:
                        f.write(head + graph)
                    print(f"FINDING ({kept}): {args[0]} exit {status}: {(stderr or '').strip()[:300]}")
    print(f"{total} runs, {findings} findings")
    sys.exit(1 if findings else 0)


if __name__ == "__main__":
    main()
