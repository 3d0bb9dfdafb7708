// g4-vectorize-contractions read-chunk=C: contractions marked g4.streamed_weights (decode
// attention's scores and P x V on the cache) read their weights a chunk at a time with
// plain loads, one per 64-byte line, OR-ed and handed to an empty side-effecting inline
// asm so that they stay, before the tiles compute on the chunk; the scores' tiles then
// prefetch nothing. The results are checked in g4-vectorize-contractions-scores-run.mlir
// and g4-vectorize-contractions-values-run.mlir (the same bits with and without).
// RUN: g4-opt %s --split-input-file --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=2048 m-block=8 read-chunk=64" --canonicalize | FileCheck %s
// RUN: g4-opt %s --split-input-file --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=2048 m-block=8 read-chunk=64" --canonicalize | FileCheck %s --check-prefix=AVX2
// RUN: g4-opt %s --split-input-file --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=2048 m-block=8" --canonicalize | FileCheck %s --check-prefix=OFF

// Scores, 4 query rows against keys [?, 256]: chunks of 64 keys; each chunk's rows read
// with one 16-lane load per 64-byte line (16 f32 apart, up to the last whole vector of
// the row), then the 4 x 4 tiles over the chunk without prefetches.
// CHECK-LABEL: func.func @scores(
// CHECK-SAME:      %[[Q:.+]]: memref<4x256xf32>, %[[K:.+]]: memref<?x256xf32>, %[[S:.+]]: memref<4x?xf32>)
// CHECK:         scf.for %[[N0:.+]] = %c0 to %{{.+}} step %c64 {
// CHECK:           %[[NEND:.+]] = arith.minui
// CHECK:           %[[OR:.+]] = scf.for %[[ROW:.+]] = %[[N0]] to %[[NEND]] step %c1 iter_args(%{{.+}} = %{{.+}}) -> (vector<16xi32>) {
// CHECK:             scf.for %[[KK:.+]] = %c0 to %c241 step %c16 iter_args({{.+}}) -> (vector<16xi32>) {
// CHECK:               %[[LINE:.+]] = vector.load %[[K]][%[[ROW]], %[[KK]]] : memref<?x256xf32>, vector<16xf32>
// CHECK:               %[[BITS:.+]] = arith.bitcast %[[LINE]] : vector<16xf32> to vector<16xi32>
// CHECK:               arith.ori %{{.+}}, %[[BITS]] : vector<16xi32>
// CHECK:           %[[ANY:.+]] = vector.reduction <or>, %[[OR]] : vector<16xi32> into i32
// CHECK:           llvm.inline_asm has_side_effects "", "r" %[[ANY]] : (i32) -> ()
// CHECK:           scf.for %{{.+}} = %[[N0]] to %[[NEND]] step %c4 {
// CHECK-NOT:         memref.prefetch
// CHECK:             vector.fma
// CHECK-NOT:     memref.prefetch
// CHECK:         return
// AVX2-LABEL: func.func @scores(
// AVX2:         scf.for %{{.+}} = %c0 to %{{.+}} step %c63 {
// AVX2:           scf.for %{{.+}} = %c0 to %c249 step %c16 iter_args({{.+}}) -> (vector<8xi32>) {
// AVX2:             vector.load %{{.+}} : memref<?x256xf32>, vector<8xf32>
// AVX2:           llvm.inline_asm has_side_effects "", "r"
// AVX2:           scf.for %{{.+}} step %c3 {
// Without read-chunk the tiles prefetch and nothing is read ahead.
// OFF-LABEL: func.func @scores(
// OFF-NOT:     llvm.inline_asm
// OFF:         memref.prefetch
// OFF-NOT:     llvm.inline_asm
// OFF:         return
#sx = affine_map<(m, n, k) -> (m, k)>
#sw = affine_map<(m, n, k) -> (n, k)>
#sy = affine_map<(m, n, k) -> (m, n)>
func.func @scores(%q: memref<4x256xf32>, %keys: memref<?x256xf32>, %s: memref<4x?xf32>) {
  linalg.generic {indexing_maps = [#sx, #sw, #sy], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%q, %keys : memref<4x256xf32>, memref<?x256xf32>) outs(%s : memref<4x?xf32>)
      attrs = {g4.streamed_weights} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b fastmath<reassoc,contract> : f32
    %r = arith.addf %acc, %m fastmath<reassoc,contract> : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// P x V, 4 rows of weights p [4, ?] against f16 values [?, 256] (positions, outputs), as
// groups of 16 outputs: k blocks of 64 positions, each read first (every group of every
// position, in memory order: the position, then the group), then the tiles on the block.
// CHECK-LABEL: func.func @values(
// CHECK:         scf.for %[[K0:.+]] = %c0 to %{{.+}} step %c64 {
// CHECK:           %[[KEND:.+]] = arith.minui
// CHECK:           %[[OR:.+]] = scf.for %[[POS:.+]] = %[[K0]] to %[[KEND]] step %c1 iter_args({{.+}}) -> (vector<16xi16>) {
// CHECK:             scf.for %[[T:.+]] = %c0 to %c16 step %c1 iter_args({{.+}}) -> (vector<16xi16>) {
// CHECK:               %[[GROUP:.+]] = vector.load %{{.+}}[%[[T]], %[[POS]], %c0] : memref<16x?x16xf16, {{.+}}>, vector<16xf16>
// CHECK:               arith.bitcast %[[GROUP]] : vector<16xf16> to vector<16xi16>
// CHECK:           %[[ANY:.+]] = vector.reduction <or>, %[[OR]] : vector<16xi16> into i16
// CHECK:           %[[WIDE:.+]] = arith.extui %[[ANY]] : i16 to i32
// CHECK:           llvm.inline_asm has_side_effects "", "r" %[[WIDE]] : (i32) -> ()
// CHECK:           vector.fma
// CHECK:         return
// OFF-LABEL: func.func @values(
// OFF-NOT:     llvm.inline_asm
// OFF:         return
#px = affine_map<(m, n, j) -> (m, j)>
#pv = affine_map<(m, n, j) -> (j, n)>
#py = affine_map<(m, n, j) -> (m, n)>
func.func @values(%p: memref<4x?xf32>, %v: memref<?x256xf16>, %out: memref<4x256xf32>) {
  linalg.generic {indexing_maps = [#px, #pv, #py], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%p, %v : memref<4x?xf32>, memref<?x256xf16>) outs(%out : memref<4x256xf32>)
      attrs = {g4.streamed_weights} {
  ^bb0(%a: f32, %b: f16, %acc: f32):
    %bf = arith.extf %b : f16 to f32
    %m = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %r = arith.addf %acc, %m fastmath<reassoc,contract> : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Unmarked contractions (prefill's, the block's own keys) are not read ahead.
// CHECK-LABEL: func.func @unmarked(
// CHECK-NOT:     llvm.inline_asm
// CHECK:         return
#ux = affine_map<(m, n, k) -> (m, k)>
#uw = affine_map<(m, n, k) -> (n, k)>
#uy = affine_map<(m, n, k) -> (m, n)>
func.func @unmarked(%q: memref<4x256xf32>, %keys: memref<?x256xf32>, %s: memref<4x?xf32>) {
  linalg.generic {indexing_maps = [#ux, #uw, #uy], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%q, %keys : memref<4x256xf32>, memref<?x256xf32>) outs(%s : memref<4x?xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b fastmath<reassoc,contract> : f32
    %r = arith.addf %acc, %m fastmath<reassoc,contract> : f32
    linalg.yield %r : f32
  }
  return
}
