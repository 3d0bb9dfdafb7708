#!/usr/bin/env python3
"""Writes the data of g4-vectorize-contractions-values-run.mlir: attention weights
p [kv_heads = 2, M = 11, J = 40] and a bf16 KV cache [2, 44 slots, 2 kv heads, 32] whose
values (cache[1]) are read in place, all small integers so every sum is exact in f32,
and out[h, m, n] = sum_j p[h, m, j] * cache[1, j, h, n]. Run it to regenerate the
globals and CHECK lines."""
import random

H, M, J, SLOTS, D = 2, 11, 40, 44, 32
rng = random.Random(41)
p = [[[rng.randint(-9, 9) for _ in range(J)] for _ in range(M)] for _ in range(H)]
cache = [[[[rng.randint(-9, 9) for _ in range(D)] for _ in range(H)] for _ in range(SLOTS)]
         for _ in range(2)]
out = [[[sum(p[h][m][j] * cache[1][j][h][n] for j in range(J)) for n in range(D)]
        for m in range(M)] for h in range(H)]


def dense(value):
    if isinstance(value, list):
        return "[" + ", ".join(dense(v) for v in value) + "]"
    return f"{value}.0"


print(f"memref.global \"private\" constant @p : memref<{H}x{M}x{J}xf32> = dense<{dense(p)}>")
print(f"memref.global \"private\" constant @cache : memref<2x{SLOTS}x{H}x{D}xbf16> = "
      f"dense<{dense(cache)}>")
for h in range(H):
    for m in range(M):
        print("// CHECK-NEXT: ( " + ", ".join(str(v) for v in out[h][m]) + " )")
