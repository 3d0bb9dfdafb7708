#!/usr/bin/env python3
"""Writes the data of g4-vectorize-contractions-interleaved-float-run.mlir (default: G = 8)
and of g4-vectorize-contractions-interleaved-float{16,32,64}-run.mlir (argument 16, 32,
64): x [M, 40] and bf16x8 ... bf16x64 weights (docs/dialects/gemma.md) of N rows, stored
[N/G, 40, G] (group t, input k, row r of the group), all small integers so every sum is
exact in f32, and the products y[m, G t + r] = sum_k x[m, k] * w[G t + r, k]. Run it to
regenerate the globals and CHECK lines."""
import random
import sys

G = int(sys.argv[1]) if len(sys.argv) > 1 else 8
# G = 8: 7 rows are a 6-row tile (8 lanes) or a 4-row tile (16 lanes) and leftover rows;
# G = 16: 13 rows are two 6-row tiles and a leftover row, 48 weight rows three groups.
# G = 32 and 64: two stored groups, 8 vector groups of 8 or 16 outputs.
M, N, K = {8: (7, 24, 40), 16: (13, 48, 40), 32: (7, 64, 40), 64: (13, 128, 40)}[G]
rng = random.Random(16)
x = [[rng.randint(-9, 9) for _ in range(K)] for _ in range(M)]
w = [[rng.randint(-9, 9) for _ in range(K)] for _ in range(N)]
stored = [[[w[G * t + r][k] for r in range(G)] for k in range(K)] for t in range(N // G)]
y = [[sum(x[m][k] * w[n][k] for k in range(K)) for n in range(N)] for m in range(M)]


def dense(value):
    if isinstance(value, list):
        return "[" + ", ".join(dense(v) for v in value) + "]"
    return f"{value}.0"


print(f"memref.global \"private\" constant @x : memref<{M}x{K}xf32> = dense<{dense(x)}>")
print(f"memref.global \"private\" constant @w : memref<{N // G}x{K}x{G}xbf16> = dense<{dense(stored)}>")
for m in range(M):
    print("// CHECK-NEXT: ( " + ", ".join(str(v) for v in y[m]) + " )")
