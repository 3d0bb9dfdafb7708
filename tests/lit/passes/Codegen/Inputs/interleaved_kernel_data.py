#!/usr/bin/env python3
"""Writes the data of g4-vectorize-contractions-interleaved-run.mlir: activations whose
q8_0 quantisation is exact (integers, every 32-block holding a +-127, so its scale is 1),
weights in the 8-row interleaved formats q8_0x8 and q4_0x8 (docs/dialects/gemma.md) with
f16 scales 1, 0.5 and 2, and the exact products
y[m, n] = sum_b s[n, b] * sum_j x[m, 32b + j] * q[n, b, j], printed times 2 (integers).
Run it to regenerate the globals and CHECK lines.

With --banded, the data of g4-vectorize-contractions-banded-run.mlir instead: 32 weight
rows of 192 inputs in the banded layout (docs/dialects/gemma.md, "Panels"), 2 groups per
band and 3 panels of 2 blocks, stored as the same [N, K/32 * 34 (18)] bytes."""
import random
import sys

BANDED = "--banded" in sys.argv[1:]
M, N, K = (5, 32, 192) if BANDED else (5, 24, 96)
BAND_GROUPS, PANEL_BLOCKS = (2, 2) if BANDED else (1, K // 32)
BLOCKS = K // 32
SCALES = [(1.0, 0x3C00), (0.5, 0x3800), (2.0, 0x4000)]

rng = random.Random(8)
x = []
for m in range(M):
    row = []
    for b in range(BLOCKS):
        block = [rng.randint(-126, 126) for _ in range(32)]
        block[rng.randrange(32)] = rng.choice([-127, 127])
        row += block
    x.append(row)
# Blocks at the kernels' limits: x all 127 and all -127 (with weight blocks of +7 / +127
# below, q4's pair sums, added over a block in i16 on AVX2, reach +-30480 of 32767).
x[0][0:32] = [127] * 32
x[1][32:64] = [-127] * 32


def weights(q4):
    quanta = [[[rng.randint(-8, 7) if q4 else rng.randint(-127, 127) for _ in range(32)]
               for _ in range(BLOCKS)] for _ in range(N)]
    scales = [[rng.choice(SCALES) for _ in range(BLOCKS)] for _ in range(N)]
    quanta[0][0] = [7 if q4 else 127] * 32
    quanta[1][1] = [7 if q4 else 127] * 32
    # One group of 8 rows is 8 * BLOCKS blocks of (8 scales, quanta); stored as the 8
    # rows' bytes, i.e. [N, BLOCKS * 34 (18)].
    stored, groups = [], []
    for g in range(N // 8):
        group = []
        for b in range(BLOCKS):
            for r in range(8):
                bits = scales[8 * g + r][b][1]
                group += [bits & 0xFF, bits >> 8]
            q = [quanta[8 * g + r][b] for r in range(8)]
            if q4:
                for s in range(4):
                    for r in range(8):
                        group += [(q[r][8 * s + i] + 8) | ((q[r][8 * s + 4 + i] + 8) << 4)
                                  for i in range(4)]
            else:
                for s in range(8):
                    for r in range(8):
                        group += [q[r][4 * s + i] + 128 for i in range(4)]
        groups.append(group)
    for first in range(0, len(groups), BAND_GROUPS):
        # A band: panel by panel, each panel group by group; its bytes run on through its
        # rows like a group's.
        band = []
        block_bytes = len(groups[first]) // BLOCKS
        for panel in range(BLOCKS // PANEL_BLOCKS):
            for group in groups[first:first + BAND_GROUPS]:
                band += group[panel * PANEL_BLOCKS * block_bytes:
                              (panel + 1) * PANEL_BLOCKS * block_bytes]
        width = len(band) // (8 * BAND_GROUPS)
        stored += [band[r * width:(r + 1) * width] for r in range(8 * BAND_GROUPS)]
    stored = [[v - 256 if v > 127 else v for v in row] for row in stored]
    y = [[sum(scales[n][b][0] * sum(x[m][32 * b + j] * quanta[n][b][j] for j in range(32))
              for b in range(BLOCKS)) for n in range(N)] for m in range(M)]
    return stored, y


def dense(rows, fmt):
    return "[" + ", ".join("[" + ", ".join(fmt(v) for v in r) + "]" for r in rows) + "]"


print(f"memref.global \"private\" constant @x : memref<{M}x{K}xf32> = dense<{dense(x, lambda v: f'{v}.0')}>")
for name, q4 in (("q8", False), ("q4", True)):
    stored, y = weights(q4)
    print(f"memref.global \"private\" constant @w_{name} : memref<{N}x{len(stored[0])}xi8> = "
          f"dense<{dense(stored, str)}>")
    for m in range(M):
        print(f"// {name.upper()}-NEXT: ( " + ", ".join(str(int(2 * v)) for v in y[m]) + " )")
