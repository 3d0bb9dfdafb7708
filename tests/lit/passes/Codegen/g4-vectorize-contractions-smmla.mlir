// RUN: g4-opt %s --g4-vectorize-contractions="lanes=4 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 int8-dot=arm-smmla" --canonicalize | FileCheck %s

// The arm-smmla idiom (AArch64 +i8mm) on a q8_0 contraction: rows and columns go in
// pairs, four 2 x 8 chunks per 32-weight block feed one 2 x 2 smmla accumulator, whose
// four lanes are outputs (i, j), (i, j+1), (i+1, j), (i+1, j+1), scaled by d_x * d_w.
// A 4 x 4 tile is 2 x 2 pairs: 16 smmla per block. The single-row tiles pair the row
// with a zero row (1 x 8: 4 column pairs, 16 smmla); the n remainder of 1 x 1 is one
// pair of pairs (4 smmla).
// CHECK-LABEL: func.func @q8(
// CHECK:         memref.alloca() {alignment = 32 : i64} : memref<8x64xi8>
// CHECK:         scf.for
// CHECK-COUNT-16:  llvm.call_intrinsic "llvm.aarch64.neon.smmla.v4i32.v16i8"
// CHECK:           arith.sitofp %{{.+}} : vector<4xi32> to vector<4xf32>
// CHECK:           vector.fma %{{.+}} : vector<4xf32>
// CHECK:         vector.extract %{{.+}}[3] : f32 from vector<4xf32>
#x8 = affine_map<(m, n, b, j) -> (m, b, j)>
#q8 = affine_map<(m, n, b, j) -> (n, b, j + 2)>
func.func @q8(%xb: memref<?x3x32xf32>, %wb: memref<8x3x34xi8>, %y: memref<?x8xf32>) {
  linalg.generic {indexing_maps = [#x8, #q8, #q8, #q8, affine_map<(m, n, b, j) -> (m, n)>],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%xb, %wb, %wb, %wb : memref<?x3x32xf32>, memref<8x3x34xi8>, memref<8x3x34xi8>, memref<8x3x34xi8>)
      outs(%y : memref<?x8xf32>) attrs = {g4.packed_format = "q8_0"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
