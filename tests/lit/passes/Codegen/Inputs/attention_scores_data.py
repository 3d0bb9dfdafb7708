#!/usr/bin/env python3
"""Writes the data of g4-vectorize-contractions-scores-run.mlir: grouped queries
q [kv_heads = 2, M = 7, d = 40] and an f32 KV cache [2, 44 slots, 2 kv heads, 40] whose
keys (cache[0], slots 0 .. 36) are read in place, all small integers so every sum is
exact in f32, and scores[h, m, j] = sum_k q[h, m, k] * cache[0, j, h, k]. Run it to
regenerate the globals and CHECK lines."""
import random

H, M, J, SLOTS, D = 2, 7, 37, 44, 40
rng = random.Random(43)
q = [[[rng.randint(-9, 9) for _ in range(D)] for _ in range(M)] for _ in range(H)]
cache = [[[[rng.randint(-9, 9) for _ in range(D)] for _ in range(H)] for _ in range(SLOTS)]
         for _ in range(2)]
scores = [[[sum(q[h][m][k] * cache[0][j][h][k] for k in range(D)) for j in range(J)]
           for m in range(M)] for h in range(H)]


def dense(value):
    if isinstance(value, list):
        return "[" + ", ".join(dense(v) for v in value) + "]"
    return f"{value}.0"


print(f"memref.global \"private\" constant @q : memref<{H}x{M}x{D}xf32> = dense<{dense(q)}>")
print(f"memref.global \"private\" constant @cache : memref<2x{SLOTS}x{H}x{D}xf32> = "
      f"dense<{dense(cache)}>")
for h in range(H):
    for m in range(M):
        print("// CHECK-NEXT: ( " + ", ".join(str(v) for v in scores[h][m]) + " )")
