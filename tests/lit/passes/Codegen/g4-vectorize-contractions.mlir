// RUN: g4-opt %s --split-input-file --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8" --canonicalize | FileCheck %s
// RUN: g4-opt %s --split-input-file --g4-vectorize-contractions="lanes=4 scalable=true tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8" --canonicalize | FileCheck %s --check-prefix=SVE
// RUN: not g4-opt %s --split-input-file --g4-vectorize-contractions="lanes=8 k-block=60" 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: k-block a multiple of lanes

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>

// A prefill-shaped contraction, y[m, n] += x[m, k] * bf16(w[n, k]) over K = 100 (a k
// block of 64 and one of 36), M dynamic, N = 12 (four weight panels of 3).
// CHECK-LABEL: func.func @prefill(
// CHECK-SAME:      %[[X:.+]]: memref<?x100xf32>, %[[W:.+]]: memref<12x100xbf16>, %[[Y:.+]]: memref<?x12xf32>)
// CHECK-NOT:     linalg.generic
// The k blocks, then the blocks of 8 rows of x.
// CHECK:         scf.for %[[K0:.+]] = %c0 to %c100 step %c64
// CHECK:           %[[KEND:.+]] = arith.minui
// CHECK:           scf.for %[[M0:.+]] = %c0 to %{{.+}} step %c8
// The 4 x 3 register tiles: weight panel outer, rows of the block inner.
// CHECK:             scf.for %[[N:.+]] = %c0 to %c12 step %c3
// CHECK:               scf.for %[[M:.+]] = %[[M0]] to %{{.+}} step %c4
// Twelve accumulators carried through the unmasked steps: 4 rows of x and 3 of w loaded
// once per step, bf16 widened by a 16-bit shift, 12 FMAs.
// CHECK:                 %{{.+}}:12 = scf.for %[[K:.+]] = %[[K0]] to %{{.+}} step %c8 iter_args({{.+}}) -> (vector<8xf32>,
// CHECK-COUNT-4:           vector.load %[[X]][%{{.+}}, %[[K]]] : memref<?x100xf32>, vector<8xf32>
// CHECK-COUNT-3:           vector.load %[[W]][%{{.+}}, %[[K]]] : memref<12x100xbf16>, vector<8xbf16>
// CHECK:                   arith.shli %{{.+}}, %cst{{.*}} : vector<8xi32>
// CHECK-COUNT-12:          vector.fma {{.+}} : vector<8xf32>
// CHECK:                   scf.yield
// The remainder of the k block (36 = 4 * 8 + 4) is one masked step.
// CHECK:                 scf.for %[[KT:.+]] = %{{.+}} to %[[KEND]] step %c8 iter_args(
// CHECK:                   %[[LEFT:.+]] = arith.subi %[[KEND]], %[[KT]]
// CHECK:                   %[[MASK:.+]] = vector.create_mask %[[LEFT]] : vector<8xi1>
// CHECK:                   vector.maskedload %[[X]][%{{.+}}, %[[KT]]], %[[MASK]]
// CHECK-COUNT-12:          vector.fma
// Each output: one lane sum per k block in a fixed order (halves added pairwise, no
// fast-math flags, so LLVM cannot regroup it per tile shape), added to y.
// CHECK:                 %[[LO8:.+]] = vector.extract_strided_slice %{{.+}} {offsets = [0], sizes = [4], strides = [1]} : vector<8xf32> to vector<4xf32>
// CHECK-NEXT:            %[[HI8:.+]] = vector.extract_strided_slice %{{.+}} {offsets = [4], sizes = [4], strides = [1]} : vector<8xf32> to vector<4xf32>
// CHECK-NEXT:            arith.addf %[[LO8]], %[[HI8]] : vector<4xf32>
// CHECK:                 arith.addf %{{.+}}, %{{.+}} : vector<1xf32>
// CHECK-NEXT:            %[[LANE:.+]] = vector.extract %{{.+}}[0] : f32 from vector<1xf32>
// CHECK-NEXT:            %[[OLD:.+]] = memref.load %[[Y]]
// CHECK-NEXT:            %[[NEW:.+]] = arith.addf %[[OLD]], %[[LANE]] : f32
// CHECK-NEXT:            memref.store %[[NEW]], %[[Y]]
// Leftover rows of x: a 2 x 3 tile where two are left (each weight panel read once for
// both), then one at a time against 8 weight rows (N = 12: one tile of 8, then 4 single
// rows).
// CHECK:             scf.for %{{.+}} = %c0 to %c12 step %c3
// CHECK:               scf.for %{{.+}} step %c2
// CHECK:                 %{{.+}}:6 = scf.for
// CHECK-NOT:           memref.prefetch
// CHECK:             scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step %c1
// CHECK:               %{{.+}}:8 = scf.for {{.+}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK:               scf.for %{{.+}} = %c8 to %c12 step %c1

// SVE-LABEL: func.func @prefill(
// The step is 4 lanes times vscale, the vectors scalable, the remainder predicated.
// SVE:         %[[VSCALE:.+]] = vector.vscale
// SVE:         %[[STEP:.+]] = arith.muli %[[VSCALE]], %c4
// SVE:         scf.for {{.+}} step %[[STEP]] iter_args({{.+}}) -> (vector<[4]xf32>,
// SVE:           vector.load {{.+}} : memref<12x100xbf16>, vector<[4]xbf16>
// SVE:           vector.fma {{.+}} : vector<[4]xf32>
// SVE:         vector.create_mask %{{.+}} : vector<[4]xi1>
// SVE:         vector.maskedload {{.+}} : memref<?x100xf32>, vector<[4]xi1>, vector<[4]xf32> into vector<[4]xf32>
// The lane sums: halves in registers down to vscale lanes, then the rest of the halving
// tree in a stack buffer (at the function's entry), so rotated lanes sum alike.
// SVE:         %[[BUF:.+]] = memref.alloca() {g4.lane_sums} : memref<16xf32>
// SVE:         %[[L0:.+]] = vector.scalable.extract %[[ACC:.+]][0] : vector<[2]xf32> from vector<[4]xf32>
// SVE-NEXT:    %[[L1:.+]] = vector.scalable.extract %[[ACC]][2] : vector<[2]xf32> from vector<[4]xf32>
// SVE-NEXT:    %[[H:.+]] = arith.addf %[[L0]], %[[L1]] : vector<[2]xf32>
// SVE-NEXT:    %[[Q0:.+]] = vector.scalable.extract %[[H]][0] : vector<[1]xf32> from vector<[2]xf32>
// SVE-NEXT:    %[[Q1:.+]] = vector.scalable.extract %[[H]][1] : vector<[1]xf32> from vector<[2]xf32>
// SVE-NEXT:    %[[Q:.+]] = arith.addf %[[Q0]], %[[Q1]] : vector<[1]xf32>
// SVE:         vector.store %[[Q]], %[[BUF]][%c0] : memref<16xf32>, vector<[1]xf32>
// SVE:         %[[HALF:.+]] = arith.shrui %{{.+}}, %c1 : index
// SVE-NEXT:    scf.for %[[I:.+]] = %c0 to %[[HALF]] step %c1
// SVE-NOT:     vector.reduction
func.func @prefill(%x: memref<?x100xf32>, %w: memref<12x100xbf16>, %y: memref<?x12xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x100xf32>, memref<12x100xbf16>) outs(%y : memref<?x12xf32>) {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %m fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>

// Decode: one row of f32 weights (loaded as they are), no 4-row tiles left after
// canonicalisation, 16 weight rows in two tiles of 8.
// CHECK-LABEL: func.func @decode(
// CHECK-NOT:     arith.shli
// CHECK:         scf.for %{{.+}} = %c0 to %c16 step %c8
// CHECK:           %{{.+}}:8 = scf.for
// CHECK-COUNT-8:     vector.load %{{.+}} : memref<16x64xf32>, vector<8xf32>
// CHECK-COUNT-8:     vector.fma
func.func @decode(%x: memref<1x64xf32>, %w: memref<16x64xf32>, %y: memref<1x16xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x64xf32>, memref<16x64xf32>) outs(%y : memref<1x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %b, %a fastmath<reassoc,contract> : f32
    %s = arith.addf %m, %acc fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>

// Decode over more inputs than a k block (K = 160: blocks of 64, 64 and 32): the k
// blocks run inside each tile of 8 weight rows, so the rows are read over all of k
// before the next tile; each block's lane sums are still added to y in block order.
// CHECK-LABEL: func.func @decode_long(
// CHECK:         scf.for %[[N:.+]] = %c0 to %c16 step %c8
// CHECK-NEXT:      scf.for %[[K0:.+]] = %c0 to %c160 step %c64
// CHECK:             %{{.+}}:8 = scf.for %{{.+}} = %[[K0]] to %{{.+}} step %c8
// CHECK-COUNT-8:       vector.load %{{.+}} : memref<16x160xbf16>, vector<8xbf16>
// CHECK:             memref.store %{{.+}}, %{{.+}}[%c0, %[[N]]] : memref<1x16xf32>
func.func @decode_long(%x: memref<1x160xf32>, %w: memref<16x160xbf16>, %y: memref<1x16xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x160xf32>, memref<16x160xbf16>) outs(%y : memref<1x16xf32>) {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %m = arith.mulf %bf, %a fastmath<reassoc,contract> : f32
    %s = arith.addf %m, %acc fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>

// Left alone: a sum without reassoc (its order is part of the meaning), and a weight
// whose k stride is not 1.
// CHECK-LABEL: func.func @strict
// CHECK:         linalg.generic
// CHECK-NOT:     vector.fma
func.func @strict(%x: memref<?x64xf32>, %w: memref<16x64xf32>, %y: memref<?x16xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x64xf32>, memref<16x64xf32>) outs(%y : memref<?x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// CHECK-LABEL: func.func @strided
// CHECK:         linalg.generic
// CHECK-NOT:     vector.fma
func.func @strided(%x: memref<?x64xf32>, %w: memref<16x64xf32, strided<[1, 16]>>, %y: memref<?x16xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x64xf32>, memref<16x64xf32, strided<[1, 16]>>) outs(%y : memref<?x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %m fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Decode's scores, marked g4.streamed_weights by g4-gemma-to-linalg: each unmasked step
// also prefetches the key rows 8 tiles (24 rows) on, clamped to the last row; the masked
// step does not.
// CHECK-LABEL: func.func @streamed_scores(
// CHECK-SAME:      %[[Q:.+]]: memref<8x100xf32>, %[[K:.+]]: memref<?x100xf32>, %[[S:.+]]: memref<8x?xf32>)
// CHECK:         %{{.+}}:12 = scf.for %[[KK:.+]] = {{.+}} step %c8
// CHECK-COUNT-3:   vector.load %[[K]]
// CHECK:           %[[AHEAD:.+]] = arith.addi %{{.+}}, %c24 : index
// CHECK:           %[[ROW:.+]] = arith.minui %[[AHEAD]], %{{.+}} : index
// CHECK:           memref.prefetch %[[K]][%[[ROW]], %[[KK]]], read, locality<3>, data : memref<?x100xf32>
// CHECK-COUNT-2:   memref.prefetch %[[K]]
// CHECK:           vector.fma
// CHECK:         vector.create_mask
// CHECK-NOT:     memref.prefetch
// CHECK:         vector.fma
#sx = affine_map<(m, n, k) -> (m, k)>
#sw = affine_map<(m, n, k) -> (n, k)>
#sy = affine_map<(m, n, k) -> (m, n)>
func.func @streamed_scores(%q: memref<8x100xf32>, %keys: memref<?x100xf32>, %s: memref<8x?xf32>) {
  linalg.generic {indexing_maps = [#sx, #sw, #sy], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%q, %keys : memref<8x100xf32>, memref<?x100xf32>) outs(%s : memref<8x?xf32>)
      attrs = {g4.streamed_weights} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b fastmath<reassoc,contract> : f32
    %r = arith.addf %acc, %m fastmath<reassoc,contract> : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Attention scores, scores[t, h, g, j] += q[t, h, g, k] * keys[j, h, k]: the KV head h
// and the group member g are batch dims, each (h, g) a 2-D problem on subviews (t rows
// of q, j rows of keys), so query rows and keys form the register tiles.
// CHECK-LABEL: func.func @scores(
// CHECK-SAME:      %[[Q:.+]]: memref<?x2x4x64xf32>, %[[K:.+]]: memref<?x2x64xf32>, %[[S:.+]]: memref<?x2x4x?xf32>)
// CHECK:         scf.for %[[H:.+]] = %c0 to %c2 step %c1
// CHECK:           scf.for %[[G:.+]] = %c0 to %c4 step %c1
// CHECK:             %[[QS:.+]] = memref.subview %[[Q]][0, %[[H]], %[[G]], 0] [%{{.+}}, 1, 1, 64] [1, 1, 1, 1] : memref<?x2x4x64xf32> to memref<?x64xf32, strided<[512, 1], offset: ?>>
// CHECK:             %[[KS:.+]] = memref.subview %[[K]][0, %[[H]], 0] [%{{.+}}, 1, 64] [1, 1, 1] : memref<?x2x64xf32> to memref<?x64xf32, strided<[128, 1], offset: ?>>
// CHECK:             %[[SS:.+]] = memref.subview %[[S]][0, %[[H]], %[[G]], 0] [%{{.+}}, 1, 1, %{{.+}}] [1, 1, 1, 1] : memref<?x2x4x?xf32> to memref<?x?xf32, strided<[?, 1], offset: ?>>
// CHECK:             %{{.+}}:12 = scf.for
// CHECK-COUNT-4:       vector.load %[[QS]]
// CHECK-COUNT-3:       vector.load %[[KS]]
// CHECK-COUNT-12:      vector.fma
#q = affine_map<(t, h, g, j, k) -> (t, h, g, k)>
#k = affine_map<(t, h, g, j, k) -> (j, h, k)>
#s = affine_map<(t, h, g, j, k) -> (t, h, g, j)>
func.func @scores(%q: memref<?x2x4x64xf32>, %keys: memref<?x2x64xf32>, %s: memref<?x2x4x?xf32>) {
  linalg.generic {indexing_maps = [#q, #k, #s], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %keys : memref<?x2x4x64xf32>, memref<?x2x64xf32>) outs(%s : memref<?x2x4x?xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b fastmath<reassoc,contract> : f32
    %r = arith.addf %acc, %m fastmath<reassoc,contract> : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// The values product of attention, out[t, k] += p[t, j] * v[j, k], sums over the outer
// dim of v: v is viewed as groups of 8 outputs ([16 / 8, 64, 8], no copy) for the
// interleaved float kernel, one vector<8xf32> of outputs per accumulator.
// CHECK-LABEL: func.func @values
// CHECK:         %[[GROUPS:.+]] = memref.expand_shape %{{.+}} {{\[}}[0], [1, 2]] output_shape [64, 2, 8] : memref<64x16xf32> into memref<64x2x8xf32>
// CHECK:         %[[W:.+]] = memref.transpose %[[GROUPS]] (d0, d1, d2) -> (d1, d0, d2) : memref<64x2x8xf32> to memref<2x64x8xf32, strided<[8, 16, 1]>>
// CHECK:         memref.expand_shape %{{.+}} {{\[}}[0], [1, 2]] {{.+}} : memref<?x16xf32> into memref<?x2x8xf32>
// CHECK:         vector.load %[[W]][%{{.+}}, %{{.+}}, %{{.+}}] : memref<2x64x8xf32, strided<[8, 16, 1]>>, vector<8xf32>
// CHECK:         vector.fma
// CHECK-NOT:     linalg.generic
#p = affine_map<(t, k, j) -> (t, j)>
#v = affine_map<(t, k, j) -> (j, k)>
#o = affine_map<(t, k, j) -> (t, k)>
func.func @values(%p: memref<?x64xf32>, %v: memref<64x16xf32>, %o: memref<?x16xf32>) {
  linalg.generic {indexing_maps = [#p, #v, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%p, %v : memref<?x64xf32>, memref<64x16xf32>) outs(%o : memref<?x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b fastmath<reassoc,contract> : f32
    %r = arith.addf %acc, %m fastmath<reassoc,contract> : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Left alone: the same product with 12 outputs, not a multiple of the 8-output groups.
// CHECK-LABEL: func.func @values_ragged
// CHECK:         linalg.generic
// CHECK-NOT:     vector.fma
#p = affine_map<(t, k, j) -> (t, j)>
#v = affine_map<(t, k, j) -> (j, k)>
#o = affine_map<(t, k, j) -> (t, k)>
func.func @values_ragged(%p: memref<?x64xf32>, %v: memref<64x12xf32>, %o: memref<?x12xf32>) {
  linalg.generic {indexing_maps = [#p, #v, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%p, %v : memref<?x64xf32>, memref<64x12xf32>) outs(%o : memref<?x12xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b fastmath<reassoc,contract> : f32
    %r = arith.addf %acc, %m fastmath<reassoc,contract> : f32
    linalg.yield %r : f32
  }
  return
}
