#!/usr/bin/env python3
"""Compares a compiled model's dumped prompt logits with a fixture's golden.json.

usage: compare_logits.py GOLDEN_JSON LOGITS_BIN [--atol 1e-3]

LOGITS_BIN is raw little-endian float32, row-major [len(tokens), vocab] (--dump-logits).
Checks, as the fixtures' README asks of a float32 implementation: the argmax at every
position equals golden "argmax", and the full logit vectors at golden
"logits_last4.positions" are within ATOL (absolute) of golden "logits_last4.values".
Prints every difference found and exits 1 on failure.
"""
import argparse
import array
import json
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("golden")
    parser.add_argument("logits")
    parser.add_argument("--atol", type=float, default=1e-3)
    args = parser.parse_args()

    golden = json.load(open(args.golden))
    tokens = golden["tokens"]
    data = array.array("f")
    data.frombytes(open(args.logits, "rb").read())
    if sys.byteorder != "little":
        data.byteswap()
    if len(data) % len(tokens) != 0:
        sys.exit(f"logits file holds {len(data)} floats, not a multiple of {len(tokens)} positions")
    vocab = len(data) // len(tokens)
    row = lambda p: data[p * vocab:(p + 1) * vocab]

    failures = []
    for p, expected in enumerate(golden["argmax"]):
        r = row(p)
        got = max(range(vocab), key=lambda v: r[v])
        if got != expected:
            failures.append(f"position {p}: argmax {got} (logit {r[got]:.6f}), golden {expected} "
                            f"(logit {r[expected]:.6f}; golden top-2 margin {golden['top2_margin'][p]:.4f})")
    worst = 0.0
    last4 = golden["logits_last4"]
    for p, values in zip(last4["positions"], last4["values"]):
        r = row(p)
        for v, (a, e) in enumerate(zip(r, values)):
            diff = abs(a - e)
            worst = max(worst, diff)
            if diff > args.atol:
                failures.append(f"position {p} vocab {v}: logit {a:.6f}, golden {e:.6f}, |diff| {diff:.2e} > {args.atol}")
    for f in failures[:50]:
        print("mismatch:", f)
    if len(failures) > 50:
        print(f"... and {len(failures) - 50} more")
    if failures:
        sys.exit(1)
    print(f"logits match golden: {len(tokens)} argmax equal, last-4 max |diff| {worst:.2e} <= {args.atol}")


if __name__ == "__main__":
    main()
