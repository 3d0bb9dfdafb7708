#!/usr/bin/env python3
"""Compares the per-layer structure g4c read back from its IR with a fixture's golden.json.

usage: compare_structure.py GOLDEN_JSON ACTUAL_JSON
Every key of golden["structure"] must be present in ACTUAL_JSON with an equal per-layer
list. Prints each differing layer and exits 1 on any difference.
"""
import json
import sys


def main():
    golden = json.load(open(sys.argv[1]))["structure"]
    actual = json.load(open(sys.argv[2]))
    failures = []
    for key, expected in golden.items():
        if key not in actual:
            failures.append(f"{key}: missing from g4c's structure")
            continue
        got = actual[key]
        if len(got) != len(expected):
            failures.append(f"{key}: {len(got)} layers, golden has {len(expected)}")
            continue
        for layer, (e, g) in enumerate(zip(expected, got)):
            if e != g:
                failures.append(f"{key}[{layer}]: golden {e!r}, g4c {g!r}")
    for f in failures:
        print("structure mismatch:", f)
    if failures:
        sys.exit(1)
    print(f"structure matches golden ({len(golden)} keys, {len(golden['layer_types'])} layers)")


if __name__ == "__main__":
    main()
