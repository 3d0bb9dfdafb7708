#!/usr/bin/env python3
"""Writes the data of attention's run tests, all small integers so every sum is exact in
f32. Run it to regenerate the globals and CHECK lines.

  values: g4-vectorize-contractions-values-run.mlir. Attention weights
    p [kv_heads = 2, M = 11, J = 40] and a bf16 KV cache [2, 44 slots, 2 kv heads, 32]
    whose values (cache[1]) are read in place: out[h, m, n] = sum_j p[h, m, j] *
    cache[1, j, h, n].
  scores: g4-vectorize-contractions-scores-run.mlir. Grouped queries
    q [kv_heads = 2, M = 7, d = 40] and an f32 KV cache [2, 44 slots, 2 kv heads, 40]
    whose keys (cache[0], slots 0 .. 36) are read in place: scores[h, m, j] =
    sum_k q[h, m, k] * cache[0, j, h, k]."""
import random
import sys


def dense(value):
    if isinstance(value, list):
        return "[" + ", ".join(dense(v) for v in value) + "]"
    return f"{value}.0"


def rows(n, size, rng):
    return [[rng.randint(-9, 9) for _ in range(size)] for _ in range(n)]


def main(kind):
    if kind == "values":
        H, M, J, SLOTS, D, seed, name, element, which = 2, 11, 40, 44, 32, 41, "p", "bf16", 1
    elif kind == "scores":
        H, M, J, SLOTS, D, seed, name, element, which = 2, 7, 37, 44, 40, 43, "q", "f32", 0
    else:
        sys.exit("usage: attention_data.py values|scores")
    rng = random.Random(seed)
    inner = J if kind == "values" else D  # p's rows run over positions, q's over d
    x = [rows(M, inner, rng) for _ in range(H)]
    cache = [[rows(H, D, rng) for _ in range(SLOTS)] for _ in range(2)]
    if kind == "values":
        out = [[[sum(x[h][m][j] * cache[1][j][h][n] for j in range(J)) for n in range(D)]
                for m in range(M)] for h in range(H)]
    else:
        out = [[[sum(x[h][m][k] * cache[0][j][h][k] for k in range(D)) for j in range(J)]
                for m in range(M)] for h in range(H)]
    print(f"memref.global \"private\" constant @{name} : memref<{H}x{M}x{inner}xf32> = "
          f"dense<{dense(x)}>")
    print(f"memref.global \"private\" constant @cache : memref<2x{SLOTS}x{H}x{D}x{element}> = "
          f"dense<{dense(cache)}>")
    for h in range(H):
        for m in range(M):
            print("// CHECK-NEXT: ( " + ", ".join(str(v) for v in out[h][m]) + " )")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
