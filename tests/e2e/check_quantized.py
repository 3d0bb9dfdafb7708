#!/usr/bin/env python3
"""Accuracy of the packed weight formats (g4c --weights-format=q8|q4) on one fixture.

The fixture is compiled twice: with its float weights (the f32 path: bf16 weights, f32
arithmetic, already held to the golden logits by check_fixture.py) and with the
projection matrices quantised to q8_0 or q4_0 blocks. The prompt's logits of both (one
prefill call) are compared:
  1. top-1 agreement with the golden argmax at every position whose golden top-2 margin
     is comfortable (> MARGIN[format]): quantisation must not flip a clear decision;
  2. the largest |logit difference| to the f32 path must stay within ATOL[format];
  3. the quantised executable decodes one token at a time to the same logits as its
     own prefill (within 1e-4): the packed kernels agree across entry points.
  4. exactness of the packed kernels: the fixture's packed matrices are replaced by
     their own dequantised values (stored as f32); quantising those again is lossless,
     so the packed executable built with --packed-activations=f32 must give the f32
     path's logits of that checkpoint within EXACT_ATOL (summation order only) - a wrong
     byte, scale or nibble cannot hide in quantisation noise;
  5. on a VNNI host, the vpdpbusd and vpmaddubsw builds agree (check_int8_idioms);
  6. with --expect-banded, some contraction uses the banded layout (check_banded).
A checkpoint without golden.json (make_wide_checkpoint.py's) takes its prompt from
tokens.json and skips check 1.
The measured numbers are printed; a failure prints the positions and values.
"""
import argparse
import array
import json
import os
import re
import shutil
import struct
import subprocess
import sys

# Tolerances for these tiny random-weight fixtures (logits of magnitude ~10), measured
# (2026-11-28) and given about 30% headroom. The packed kernels quantise the activations
# to int8 per 32 (q8_0's rule) and use integer dot products, like llama.cpp: q8_0 moves
# logits by up to 2.39 (tiny-e2b) and 2.62 (tiny-31b) - 0.90 and 1.55 of that is the
# weights' rounding alone (--packed-activations=f32) - and flips argmaxes whose golden
# margin is below about 0.8; q4_0 (3 bits plus a sign per weight) moves them by up to 9.8
# and flips margins up to 4.1. Random weights with 96-wide rows (3 blocks per row) are a
# worst case for block quantisation; the exactness check (4) holds the kernels to the
# f32 path, and tests/lit/passes/Codegen/g4-vectorize-contractions-packed-run.mlir holds
# every int8 idiom to exact integer sums.
ATOL = {"q8": 3.4, "q4": 12.5}
MARGIN = {"q8": 1.0, "q4": 5.0}
EXACT_ATOL = 1e-4
IDIOM_ATOL = 1e-3


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def f16(x):
    return struct.unpack("<e", struct.pack("<e", x))[0]


def dequantised_row(row, fmt):
    """The values a row holds after g4c packs it (WeightBlob.cpp's rules, in f32)."""
    out = []
    for start in range(0, len(row), 32):
        block = row[start:start + 32]
        if fmt == "q4":
            extreme = 0.0
            for w in block:
                if abs(w) > abs(extreme):
                    extreme = w
            scale = f32(extreme / -8.0)
        else:
            scale = f32(max(abs(w) for w in block) / 127.0)
        s16 = f16(scale)  # the kernels' scale; quantising uses it too
        inverse = f32(1.0 / s16) if s16 != 0 else 0.0
        for w in block:
            v = f32(w * inverse)
            if fmt == "q4":
                q = max(0, min(15, int(f32(v + 8.5)))) - 8
            else:
                q = max(-127, min(127, int(abs(v) + 0.5) * (1 if v >= 0 else -1)))
            out.append(f32(q * s16))
    return out


def read_safetensors(path):
    blob = open(path, "rb").read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        begin, end = meta["data_offsets"]
        tensors[name] = (meta["dtype"], meta["shape"], blob[8 + n + begin:8 + n + end])
    return tensors


def to_floats(dtype, raw):
    if dtype == "F32":
        return list(array.array("f", raw))
    assert dtype == "BF16", dtype
    return [struct.unpack("<f", b"\x00\x00" + raw[i:i + 2])[0] for i in range(0, len(raw), 2)]


def write_safetensors(path, tensors):
    header, data = {}, bytearray()
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)) + text + data)


def prequantised_checkpoint(g4c, fixture, fmt, workdir):
    """A copy of `fixture` whose packed matrices hold their dequantised values (f32)."""
    ir = run([g4c, fixture, f"--weights-format={fmt}", "--emit=mlir",
              "--stop-after=g4-gemma-plan-memory"])
    packed = []  # (checkpoint name, its packed format: "q8" or "q4")
    for name, attrs in re.findall(r"gemma\.param @([\w.]+) : tensor<[^>]+xi8> \{(format[^\n]*)\}",
                                  ir):
        # The tied table is q8 under q4 too; read each param's own format.
        own = re.search(r"weight_format<(q[48])", attrs).group(1)
        # A merged matrix (g4-gemma-merge-projections) holds the rows of its parts.
        parts = re.search(r"parts = \[([^\]]*)\]", attrs)
        names = re.findall(r'"([\w.]+)"', parts.group(1)) if parts else [name]
        packed += [(n, own) for n in names]
    if not packed:
        return None, []
    tensors = read_safetensors(os.path.join(fixture, "model.safetensors"))
    for name, own in packed:
        full = next(k for k in tensors if k.endswith("." + name) or k == name)
        dtype, shape, raw = tensors[full]
        values = to_floats(dtype, raw)
        cols = shape[-1]
        out = []
        for r in range(0, len(values), cols):
            out += dequantised_row(values[r:r + cols], own)
        tensors[full] = ("F32", shape, array.array("f", out).tobytes())
    target = os.path.join(workdir, f"prequantised-{fmt}")
    os.makedirs(target, exist_ok=True)
    shutil.copy(os.path.join(fixture, "config.json"), target)
    write_safetensors(os.path.join(target, "model.safetensors"), tensors)
    return target, packed


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result.stdout


RUN_PREFIX = []


def logits(exe, tokens, path, extra=()):
    run([*RUN_PREFIX, exe, "--tokens", ",".join(map(str, tokens)), "--max-new-tokens", "0",
         "--dump-logits", path, *extra])
    data = array.array("f")
    with open(path, "rb") as f:
        data.frombytes(f.read())
    vocab = len(data) // len(tokens)
    return [data[p * vocab:(p + 1) * vocab] for p in range(len(tokens))]


def host_flags():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def check_int8_idioms(args, tokens, host_logits):
    """5. On a VNNI host the int8 dot products use vpdpbusd; a build without VNNI uses
    AVX2's vpmaddubsw + vpmaddwd, an independent implementation of the same integer sums
    in the same lanes, with everything else unchanged. Both must give the same logits
    (within IDIOM_ATOL; they are equal in practice). Other hosts skip this."""
    flags = host_flags()
    if args.target_args:
        # Another idiom of a cross build (smmla against sdot) groups the exact integer
        # block sums into f32 lanes differently; activation quantisation turns those
        # last-bit differences into visible ones a few layers later, so the builds are
        # not comparable at a tight tolerance. The accuracy checks above cover them.
        print("     int8 idiom cross-check skipped: not a host build")
        return 0
    if not ({"avx512_vnni", "avx512vl"} <= flags or "avx_vnni" in flags):
        print("     int8 idiom cross-check skipped: the host has no VNNI")
        return 0
    exe = os.path.join(args.workdir, f"model-{args.format}-maddubs")
    run([args.g4c, "compile", args.fixture, f"--weights-format={args.format}",
         "--mattr=-avx512vnni,-avxvnni", "-o", exe])
    other = logits(exe, tokens, exe + ".bin")
    gap = max(abs(a - b) for r, o in zip(host_logits, other) for a, b in zip(r, o))
    if gap > IDIOM_ATOL:
        print(f"FAIL int8 dot products: vpmaddubsw build differs from the vpdpbusd build "
              f"by {gap:.2e} > {IDIOM_ATOL}")
        return 1
    print(f"PASS int8 dot products: vpmaddubsw and vpdpbusd builds within {gap:.2e}")
    return 0


def check_banded(args):
    """The checks above must have run the banded layout (docs/dialects/gemma.md, "Panels"):
    contractions whose weight is [band, panel, 4 groups, panel bytes]."""
    ir = run([args.g4c, args.fixture, f"--weights-format={args.format}", *args.target_args,
              "--emit=mlir", "--stop-after=g4-gemma-to-linalg"])
    banded = re.findall(r"linalg\.generic [^\n]*ins\([^\n]*tensor<\d+x\d+x4x\d+xi8>[^\n]*"
                        r"g4\.packed_format = \"q[48]_0x8\"", ir)
    if not banded:
        print("FAIL no packed contraction of this checkpoint is banded")
        return 1
    print(f"PASS banded layout: {len(banded)} banded contractions in the IR")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--g4c", required=True)
    parser.add_argument("--fixture", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--format", required=True, choices=sorted(ATOL))
    parser.add_argument("--target", help="compile for this target triple (e.g. aarch64-linux-gnu)")
    parser.add_argument("--run-prefix", default="", help="run the executables through this (an emulator)")
    parser.add_argument("--compile-arg", action="append", default=[],
                        help="extra g4c argument (e.g. --mattr=+dotprod)")
    parser.add_argument("--expect-banded", action="store_true",
                        help="fail unless some packed contraction uses the banded layout")
    args = parser.parse_args()
    RUN_PREFIX.extend(args.run_prefix.split())
    args.target_args = (["--target=" + args.target] if args.target else []) + args.compile_arg
    os.makedirs(args.workdir, exist_ok=True)
    # A generated checkpoint (make_wide_checkpoint.py) has tokens but no golden: it is held
    # to the f32 path and to itself (checks 2-5).
    golden_path = os.path.join(args.fixture, "golden.json")
    golden = json.load(open(golden_path)) if os.path.exists(golden_path) else None
    tokens = (golden or json.load(open(os.path.join(args.fixture, "tokens.json"))))["tokens"]

    exes = {}
    for fmt in ("bf16", args.format):
        exes[fmt] = os.path.join(args.workdir, f"model-{fmt}")
        run([args.g4c, "compile", args.fixture, f"--weights-format={fmt}", *args.target_args,
             "-o", exes[fmt]])
    ref = logits(exes["bf16"], tokens, os.path.join(args.workdir, "bf16.bin"))
    got = logits(exes[args.format], tokens, os.path.join(args.workdir, f"{args.format}.bin"))
    decoded = logits(exes[args.format], tokens, os.path.join(args.workdir, "decode.bin"),
                     ("--prefill-chunk", "1"))

    failures = 0
    worst = max(abs(a - b) for r, g in zip(ref, got) for a, b in zip(r, g))
    worst_at = max(range(len(tokens)),
                   key=lambda p: max(abs(a - b) for a, b in zip(ref[p], got[p])))
    print(f"     {args.format}: max |logit - f32 path| {worst:.4f} (position {worst_at}), "
          f"tolerance {ATOL[args.format]}")
    if worst > ATOL[args.format]:
        failures += 1
        print(f"FAIL max |logit difference| {worst:.4f} > {ATOL[args.format]} at position {worst_at}")

    checked, flips = 0, []
    if golden is None:
        print("     no golden outputs for this checkpoint: top-1 agreement not checked")
        golden = {"argmax": [], "top2_margin": []}
    for p, (expected, margin) in enumerate(zip(golden["argmax"], golden["top2_margin"])):
        row = got[p]
        top = max(range(len(row)), key=lambda v: row[v])
        if margin > MARGIN[args.format]:
            checked += 1
            if top != expected:
                flips.append(f"position {p}: argmax {top}, golden {expected} (margin {margin:.3f})")
    agree = sum(1 for p, e in enumerate(golden["argmax"])
                if max(range(len(got[p])), key=lambda v: got[p][v]) == e)
    if golden["argmax"]:
        print(f"     top-1 equal to golden at {agree}/{len(tokens)} positions; "
              f"{checked} with margin > {MARGIN[args.format]} all required")
    if flips:
        failures += 1
        print("FAIL top-1 flips where the golden margin is comfortable:\n  " + "\n  ".join(flips))

    drift = max(abs(a - b) for r, d in zip(got, decoded) for a, b in zip(r, d))
    if drift > 1e-4:
        failures += 1
        print(f"FAIL decode one token at a time differs from prefill by {drift:.2e} > 1e-4")
    else:
        print(f"PASS {args.format} decode vs prefill: max |diff| {drift:.2e}")
    prequantised, packed = prequantised_checkpoint(args.g4c, args.fixture, args.format,
                                                   args.workdir)
    if prequantised is None:
        print(f"     no matrix of this fixture is packed (input dims not multiples of 32)")
    else:
        exact = {}
        for fmt in ("bf16", args.format):
            exe = os.path.join(args.workdir, f"prequantised-{args.format}-as-{fmt}")
            # f32 activations: the packed kernels alone, without activation quantisation.
            run([args.g4c, "compile", prequantised, f"--weights-format={fmt}",
                 "--packed-activations=f32", *args.target_args, "-o", exe])
            exact[fmt] = logits(exe, tokens, exe + ".bin")
        gap = max(abs(a - b) for r, g in zip(exact["bf16"], exact[args.format])
                  for a, b in zip(r, g))
        if gap > EXACT_ATOL:
            failures += 1
            print(f"FAIL packed kernels on exactly representable weights ({len(packed)} "
                  f"matrices): max |diff| to the f32 path {gap:.2e} > {EXACT_ATOL}")
        else:
            print(f"PASS packed kernels exact: {len(packed)} {args.format} matrices of "
                  f"dequantised values give the f32 path's logits within {gap:.2e}")
    if args.expect_banded:
        failures += check_banded(args)
    failures += check_int8_idioms(args, tokens, got)
    if failures == 0:
        print(f"PASS {args.format} accuracy")
    return failures


if __name__ == "__main__":
    sys.exit(main())
