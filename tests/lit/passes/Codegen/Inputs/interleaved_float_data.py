#!/usr/bin/env python3
"""Writes the data of g4-vectorize-contractions-interleaved-float-run.mlir: x [5, 40] and
bf16x8 weights (docs/dialects/gemma.md) of 24 rows, stored [3, 40, 8] (group t, input k,
row r of the group), all small integers so every sum is exact in f32, and the products
y[m, 8t + r] = sum_k x[m, k] * w[8t + r, k]. Run it to regenerate the globals and CHECK
lines."""
import random

M, N, K = 5, 24, 40
rng = random.Random(16)
x = [[rng.randint(-9, 9) for _ in range(K)] for _ in range(M)]
w = [[rng.randint(-9, 9) for _ in range(K)] for _ in range(N)]
stored = [[[w[8 * t + r][k] for r in range(8)] for k in range(K)] for t in range(N // 8)]
y = [[sum(x[m][k] * w[n][k] for k in range(K)) for n in range(N)] for m in range(M)]


def dense(value):
    if isinstance(value, list):
        return "[" + ", ".join(dense(v) for v in value) + "]"
    return f"{value}.0"


print(f"memref.global \"private\" constant @x : memref<{M}x{K}xf32> = dense<{dense(x)}>")
print(f"memref.global \"private\" constant @w : memref<{N // 8}x{K}x8xbf16> = dense<{dense(stored)}>")
for m in range(M):
    print("// CHECK-NEXT: ( " + ", ".join(str(v) for v in y[m]) + " )")
