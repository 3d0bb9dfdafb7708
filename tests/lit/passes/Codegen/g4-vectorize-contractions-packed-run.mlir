// The packed microkernels run: g4-vectorize-contractions on q8_0 and q4_0 contractions,
// lowered to LLVM and executed by mlir-runner. The data (Inputs/packed_kernel_data.py)
// quantise exactly, so every idiom of the int8 dot products, the f16 scales converted
// natively or decoded by integers, and the f32-activation kernel, must print the exact
// products (times 2, as integers): 5 x 7 outputs over K = 96 in k blocks of 64 and 32, a
// 4 x 3 tile, leftover weight rows and a leftover row. Row 3 alone (a one-row x, as
// decode's: the k blocks run inside each weight tile, x quantised once over all of k)
// must give the same products.
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4
// RUN: %if host-avx2 %{ g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-maddubs" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8 %}
// RUN: %if host-avx2 %{ g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-maddubs" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4 %}
// RUN: %if host-vnni %{ g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8 %}
// RUN: %if host-vnni %{ g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4 %}
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 quantize-activations=false" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 quantize-activations=false" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4

// prefetch=true: the leftover row's 1 x 4 tile prefetches the next tile's weight rows
// (clamped to the last row) every block, and still computes the exact products.
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=4 k-block=64 m-block=8 prefetch=true" | FileCheck %s --check-prefix=PREFETCH
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=4 k-block=64 m-block=8 prefetch=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// PREFETCH-LABEL: func.func @q8(
// PREFETCH:         %[[NEXT:.+]] = arith.addi %{{.+}}, %c4{{.*}} : index
// PREFETCH-NEXT:    %[[AHEAD:.+]] = arith.minui %[[NEXT]], %{{.+}} : index
// PREFETCH-NEXT:    memref.prefetch %{{.+}}[%[[AHEAD]], %{{.+}}], read, locality<3>, data : memref<7x102xi8>

// Q8-LABEL: y * 2:
// Q8-NEXT: ( 45346, 182282, -139414, 275994, -162304, -27634, 116365 )
// Q8-NEXT: ( -132499, 136423, -173729, 47537, -269484, -2592, 137939 )
// Q8-NEXT: ( -36372, 71878, 430127, -88796, -146308, 133743, -202704 )
// Q8-NEXT: ( -89912, -200742, 108135, -181627, 83036, 193825, -382334 )
// Q8-NEXT: ( 288914, 3668, 68434, 111926, 4720, 128308, -344658 )
// Q8: row 3 alone, * 2:
// Q8-NEXT: ( -89912, -200742, 108135, -181627, 83036, 193825, -382334 )
// Q4-LABEL: y * 2:
// Q4-NEXT: ( -2928, 6804, -15313, -1742, 2058, 852, 7846 )
// Q4-NEXT: ( -13230, -23386, -4259, -5039, -5216, -20780, -2212 )
// Q4-NEXT: ( 25280, 6350, 10044, -4613, -12232, -14692, 8336 )
// Q4-NEXT: ( 7402, -16488, 17464, 13556, 4790, -1259, 2256 )
// Q4-NEXT: ( 22340, -9590, 11312, -1376, 2380, -1940, 9444 )
// Q4: row 3 alone, * 2:
// Q4-NEXT: ( 7402, -16488, 17464, 13556, 4790, -1259, 2256 )

#x8 = affine_map<(m, n, b, j) -> (m, b, j)>
#q8 = affine_map<(m, n, b, j) -> (n, b, j + 2)>
#x4 = affine_map<(m, n, b, h, j) -> (m, b, h, j)>
#q4 = affine_map<(m, n, b, h, j) -> (n, b, j + 2)>

func.func private @print_doubled(%y: memref<5x7xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %two_v = arith.constant dense<2.0> : vector<7xf32>
  vector.print str "y * 2:\n"
  scf.for %m = %c0 to %c5 step %c1 {
    %row = vector.load %y[%m, %c0] : memref<5x7xf32>, vector<7xf32>
    %doubled = arith.mulf %row, %two_v : vector<7xf32>
    %ints = arith.fptosi %doubled : vector<7xf32> to vector<7xi64>
    vector.print %ints : vector<7xi64>
  }
  return
}

func.func private @print_row_doubled(%y: memref<1x7xf32>) {
  %c0 = arith.constant 0 : index
  %two_v = arith.constant dense<2.0> : vector<7xf32>
  vector.print str "row 3 alone, * 2:\n"
  %row = vector.load %y[%c0, %c0] : memref<1x7xf32>, vector<7xf32>
  %doubled = arith.mulf %row, %two_v : vector<7xf32>
  %ints = arith.fptosi %doubled : vector<7xf32> to vector<7xi64>
  vector.print %ints : vector<7xi64>
  return
}

/// Copies row 3 of x into the one-row `dst`.
func.func private @copy_row3(%dst: memref<1x96xf32>) {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %x = memref.get_global @x : memref<5x96xf32>
  %row = vector.load %x[%c3, %c0] : memref<5x96xf32>, vector<96xf32>
  vector.store %row, %dst[%c0, %c0] : memref<1x96xf32>, vector<96xf32>
  return
}

func.func @q8_row(%wb: memref<7x3x34xi8>) {
  %x = memref.alloca() : memref<1x96xf32>
  call @copy_row3(%x) : (memref<1x96xf32>) -> ()
  %xb = memref.expand_shape %x [[0], [1, 2]] output_shape [1, 3, 32] : memref<1x96xf32> into memref<1x3x32xf32>
  %y = memref.alloca() : memref<1x7xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x7xf32>)
  linalg.generic {indexing_maps = [#x8, #q8, #q8, #q8, affine_map<(m, n, b, j) -> (m, n)>],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%xb, %wb, %wb, %wb : memref<1x3x32xf32>, memref<7x3x34xi8>, memref<7x3x34xi8>, memref<7x3x34xi8>)
      outs(%y : memref<1x7xf32>) attrs = {g4.packed_format = "q8_0"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  call @print_row_doubled(%y) : (memref<1x7xf32>) -> ()
  return
}

func.func @q4_row(%wb: memref<7x3x18xi8>) {
  %x = memref.alloca() : memref<1x96xf32>
  call @copy_row3(%x) : (memref<1x96xf32>) -> ()
  %xb = memref.expand_shape %x [[0], [1, 2, 3]] output_shape [1, 3, 2, 16] : memref<1x96xf32> into memref<1x3x2x16xf32>
  %y = memref.alloca() : memref<1x7xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x7xf32>)
  linalg.generic {indexing_maps = [#x4, #q4, #q4, #q4, affine_map<(m, n, b, h, j) -> (m, n)>],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%xb, %wb, %wb, %wb : memref<1x3x2x16xf32>, memref<7x3x18xi8>, memref<7x3x18xi8>, memref<7x3x18xi8>)
      outs(%y : memref<1x7xf32>) attrs = {g4.packed_format = "q4_0"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  call @print_row_doubled(%y) : (memref<1x7xf32>) -> ()
  return
}

func.func @q8() {
  %x = memref.get_global @x : memref<5x96xf32>
  %w = memref.get_global @w_q8 : memref<7x102xi8>
  %xb = memref.expand_shape %x [[0], [1, 2]] output_shape [5, 3, 32] : memref<5x96xf32> into memref<5x3x32xf32>
  %wb = memref.expand_shape %w [[0], [1, 2]] output_shape [7, 3, 34] : memref<7x102xi8> into memref<7x3x34xi8>
  %y = memref.alloca() : memref<5x7xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<5x7xf32>)
  // The body is the scalar fallback's shape; the pass replaces the whole op.
  linalg.generic {indexing_maps = [#x8, #q8, #q8, #q8, affine_map<(m, n, b, j) -> (m, n)>],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%xb, %wb, %wb, %wb : memref<5x3x32xf32>, memref<7x3x34xi8>, memref<7x3x34xi8>, memref<7x3x34xi8>)
      outs(%y : memref<5x7xf32>) attrs = {g4.packed_format = "q8_0"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  call @print_doubled(%y) : (memref<5x7xf32>) -> ()
  call @q8_row(%wb) : (memref<7x3x34xi8>) -> ()
  return
}

func.func @q4() {
  %x = memref.get_global @x : memref<5x96xf32>
  %w = memref.get_global @w_q4 : memref<7x54xi8>
  %xb = memref.expand_shape %x [[0], [1, 2, 3]] output_shape [5, 3, 2, 16] : memref<5x96xf32> into memref<5x3x2x16xf32>
  %wb = memref.expand_shape %w [[0], [1, 2]] output_shape [7, 3, 18] : memref<7x54xi8> into memref<7x3x18xi8>
  %y = memref.alloca() : memref<5x7xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<5x7xf32>)
  linalg.generic {indexing_maps = [#x4, #q4, #q4, #q4, affine_map<(m, n, b, h, j) -> (m, n)>],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%xb, %wb, %wb, %wb : memref<5x3x2x16xf32>, memref<7x3x18xi8>, memref<7x3x18xi8>, memref<7x3x18xi8>)
      outs(%y : memref<5x7xf32>) attrs = {g4.packed_format = "q4_0"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  call @print_doubled(%y) : (memref<5x7xf32>) -> ()
  call @q4_row(%wb) : (memref<7x3x18xi8>) -> ()
  return
}

// Generated by Inputs/packed_kernel_data.py.
memref.global "private" constant @x : memref<5x96xf32> = dense<[[-66.0, -49.0, -100.0, 58.0, -25.0, -4.0, -87.0, -103.0, -109.0, -121.0, -24.0, 14.0, 108.0, -52.0, 78.0, 69.0, -111.0, 127.0, 7.0, 11.0, -34.0, -56.0, 73.0, -82.0, 85.0, -99.0, -59.0, -72.0, 115.0, 111.0, -120.0, 86.0, 127.0, -84.0, -47.0, -52.0, 34.0, 96.0, 61.0, 119.0, 92.0, 91.0, 99.0, -31.0, -104.0, 90.0, 29.0, -40.0, 45.0, -27.0, 3.0, -63.0, -81.0, -63.0, -5.0, -55.0, -104.0, 115.0, 113.0, 83.0, 95.0, 115.0, 14.0, 89.0, 106.0, -52.0, 20.0, 54.0, 99.0, -47.0, 91.0, 69.0, 4.0, 127.0, -21.0, -18.0, 27.0, -53.0, -16.0, -11.0, -85.0, -67.0, -48.0, -60.0, 82.0, 78.0, -115.0, -106.0, -115.0, -8.0, 34.0, -55.0, 6.0, 10.0, 39.0, -6.0], [46.0, -76.0, -109.0, -21.0, 107.0, -75.0, 36.0, 35.0, -14.0, -56.0, -79.0, -35.0, -15.0, 65.0, 24.0, -44.0, 36.0, 16.0, -76.0, 105.0, -44.0, -127.0, 88.0, -111.0, 55.0, -68.0, -55.0, 69.0, 23.0, 31.0, 94.0, -66.0, 113.0, -81.0, -52.0, -9.0, -120.0, -116.0, -35.0, 52.0, -105.0, 103.0, 120.0, 118.0, -53.0, 62.0, 46.0, 119.0, -43.0, -122.0, -127.0, -53.0, -44.0, 121.0, -87.0, 72.0, 40.0, -21.0, 94.0, 115.0, 96.0, 32.0, 48.0, 83.0, 32.0, -77.0, 102.0, -127.0, -52.0, -92.0, -62.0, -29.0, 27.0, 120.0, -86.0, -42.0, 20.0, -124.0, -33.0, -115.0, -10.0, -83.0, -33.0, 74.0, 79.0, -34.0, -52.0, 20.0, -102.0, -14.0, 125.0, -73.0, -18.0, 108.0, -73.0, -97.0], [-112.0, 62.0, -83.0, 26.0, 47.0, 122.0, -88.0, 29.0, -116.0, 13.0, -1.0, 23.0, -63.0, -44.0, -117.0, -95.0, 87.0, 9.0, -52.0, 72.0, -22.0, 40.0, 126.0, -75.0, -4.0, -75.0, -65.0, -14.0, 127.0, -1.0, -117.0, -70.0, -63.0, 39.0, 101.0, -17.0, 86.0, -71.0, 1.0, -78.0, -118.0, -117.0, -61.0, -62.0, -64.0, 8.0, -73.0, 71.0, -67.0, -20.0, 96.0, -60.0, -90.0, -43.0, -113.0, 102.0, 111.0, -46.0, 18.0, -97.0, 19.0, -23.0, 120.0, -127.0, -27.0, -103.0, -16.0, -73.0, 127.0, 97.0, 20.0, 104.0, 115.0, 110.0, -84.0, -40.0, -51.0, 42.0, -6.0, 78.0, 104.0, 38.0, -46.0, 82.0, -19.0, 9.0, -71.0, 41.0, 79.0, 49.0, 79.0, -58.0, -40.0, 110.0, -26.0, 118.0], [93.0, 122.0, -55.0, 120.0, 34.0, 45.0, -78.0, -115.0, -25.0, 104.0, -127.0, -94.0, 70.0, 121.0, -58.0, 44.0, 93.0, -111.0, 96.0, -84.0, 50.0, 36.0, -8.0, 19.0, -6.0, 65.0, -23.0, 111.0, -27.0, -71.0, 78.0, -126.0, -123.0, 30.0, 98.0, -61.0, -97.0, -25.0, 81.0, -127.0, 74.0, -29.0, 98.0, -70.0, 14.0, -113.0, 98.0, 117.0, -75.0, -85.0, 45.0, 29.0, -42.0, 83.0, 102.0, 17.0, 72.0, 74.0, -6.0, 108.0, 8.0, -14.0, -120.0, -106.0, -1.0, 17.0, 95.0, -61.0, 29.0, 72.0, -91.0, -116.0, -34.0, -106.0, 70.0, 99.0, 7.0, 105.0, -124.0, -50.0, 88.0, -38.0, 85.0, -107.0, -105.0, 119.0, 13.0, -10.0, -29.0, 127.0, 75.0, 124.0, -47.0, -27.0, -67.0, 68.0], [-102.0, -107.0, -97.0, 108.0, 32.0, 78.0, 100.0, -33.0, 5.0, -15.0, -20.0, -127.0, 56.0, 72.0, -13.0, -109.0, 34.0, 99.0, 114.0, -76.0, 37.0, -49.0, 112.0, 88.0, -4.0, -18.0, -96.0, 78.0, 16.0, -84.0, -31.0, 97.0, 54.0, -88.0, -43.0, 0.0, 94.0, -40.0, -60.0, 12.0, 123.0, 105.0, -125.0, -127.0, -83.0, -125.0, 39.0, -47.0, -96.0, 13.0, -98.0, -2.0, 75.0, 57.0, 27.0, -3.0, 8.0, -107.0, 7.0, -64.0, -21.0, 90.0, -51.0, -35.0, 126.0, 95.0, 34.0, -126.0, 47.0, -113.0, 30.0, 106.0, 127.0, 13.0, 107.0, 106.0, -7.0, 74.0, 107.0, 19.0, -48.0, 113.0, 96.0, 3.0, 75.0, -14.0, 30.0, 32.0, -13.0, -26.0, -90.0, -62.0, 71.0, 26.0, -34.0, 126.0]]>
memref.global "private" constant @w_q8 : memref<7x102xi8> = dense<[[0, 64, -17, -106, 28, -91, 45, 80, 32, -82, -54, 103, 113, -32, -77, 20, 76, -38, 45, 31, 99, -104, -108, -24, 38, 112, 104, -82, -43, 40, -32, -44, -83, -51, 0, 56, 99, -122, 27, -122, 7, 116, 66, 85, -105, 78, -36, 79, 81, 117, -102, -87, -81, 22, 125, -1, 42, 19, 127, 113, -108, 67, 109, 120, 125, -98, -83, 39, 0, 60, -5, 45, 99, 63, -71, 31, 74, 85, 42, -50, 91, 110, 49, -24, 98, 26, -67, 102, -2, 53, -71, -48, -33, -69, 63, -44, 10, 33, 8, -12, 103, 78], [0, 56, -25, 2, -25, 121, 82, -47, -55, -15, -22, 23, -124, -63, -80, 102, 11, -10, 50, 16, 30, 84, -34, -24, 116, -28, 32, -120, -88, 3, -110, -10, 122, 120, 0, 64, 125, 34, 108, -39, 27, 76, -48, 106, -104, 66, -61, -4, -71, 36, 110, -5, 101, 27, 72, -111, -89, 109, -66, -110, -51, -94, 115, -115, -86, -26, 75, 21, 0, 56, 47, 31, 13, 55, 118, 10, -60, -123, 7, -65, -87, 65, -103, -75, -119, 116, -46, -107, -96, -58, -112, 97, 127, 37, -54, 29, 100, 34, 52, -83, 60, -89], [0, 64, 40, -21, 116, -94, 97, 54, 57, -107, 16, -34, 50, -127, 58, 98, 14, -88, 1, -22, -88, -72, 89, -51, -4, 2, -110, -31, -84, -86, 96, 100, -62, 4, 0, 64, -27, 10, 47, -50, 93, -25, -43, -84, -28, -112, -19, 123, -120, -56, 97, 46, -123, -50, 118, 75, -88, -106, -87, -98, 90, 28, 83, -124, -68, -68, 14, -125, 0, 56, -5, 106, 56, 9, -80, 99, 84, -12, 60, 53, 95, 108, 47, 112, 51, -30, -41, 89, -83, 86, 8, 23, -79, -100, -6, 31, 104, 106, -36, -49, 111, 38], [0, 60, 85, 102, -22, 26, 61, -118, 83, 34, -73, -62, 21, 92, 78, 42, 24, -49, 73, 102, -5, 33, 86, -41, 79, 86, -106, 101, -67, 101, -47, 99, -101, 41, 0, 64, 122, 51, -118, 27, -45, 7, -6, 125, 117, -37, 110, -107, -82, 55, -116, 0, 5, 12, 84, 26, 55, -64, -118, -76, 46, -109, -41, 73, 27, 105, -92, 51, 0, 56, -49, -98, 2, 123, 100, 84, 84, 3, 87, -127, -109, 89, -70, 32, -57, 32, 117, -123, 100, 60, 122, -119, -125, -5, 51, -90, -73, -35, -64, 100, 62, 64], [0, 64, -39, 81, 124, -51, 92, -28, 34, 27, -24, -119, -83, -22, -1, 122, -111, 66, 3, 93, 3, -51, 16, 49, -55, 74, -74, 53, 53, -16, -45, -83, -73, -123, 0, 64, -5, 100, -16, 111, 121, -57, -43, 66, 105, -23, 116, 33, 110, 88, -23, -45, 65, 31, -74, -62, -56, 3, -105, -120, -24, -60, 28, -54, 45, 107, 37, -94, 0, 64, 29, 67, -47, -105, 112, 125, 73, -85, 31, -104, 52, -73, 112, 111, -63, 44, -72, 100, 37, 0, 68, -98, 38, -40, -125, -11, 18, 126, -75, -85, -104, -65], [0, 64, 5, 88, -103, -98, 77, 121, -47, -52, 95, 18, 21, 42, -89, 105, 64, -108, 42, 89, 127, -82, 103, 56, 64, -121, 66, 69, 78, -81, 46, -75, -60, -119, 0, 56, 24, -44, 34, -43, 61, 124, 70, 28, 89, -34, 125, 126, -86, -84, 66, -72, -115, 117, -114, 116, -86, 48, 113, 123, 110, -113, 45, 104, -60, 53, 108, 44, 0, 56, 44, 88, -1, -101, 89, -76, 77, -92, -27, -5, 26, 12, -1, 11, -45, -35, -17, 63, -24, 87, -118, 67, 108, -118, -81, -88, -36, -71, -52, -67, -34, 19], [0, 64, 94, -78, 113, 32, 46, -39, -29, -34, 10, 54, -99, 114, -70, -79, 127, -38, -80, 124, 9, -73, -122, -121, -97, -79, -52, 84, 49, 60, -45, 113, 11, 0, 0, 56, 113, -117, 116, -49, 77, 57, 78, -27, -86, -92, 127, -31, 31, -9, -38, -36, -126, -13, 51, -93, -13, -120, 63, 73, 109, 60, 56, -20, -73, -98, -43, -52, 0, 64, 25, 15, -114, 102, -107, -4, -86, 122, 45, 7, -112, -81, 86, 30, -66, 26, -42, 26, -122, 58, 42, -122, -30, -16, -68, 77, 22, -92, 32, -117, -93, -81]]>
memref.global "private" constant @w_q4 : memref<7x54xi8> = dense<[[0, 64, 65, 84, -117, 22, -97, -1, -125, 98, -10, -107, 20, 68, -111, -37, 18, 1, 0, 64, 11, -101, -46, 38, 45, -94, 93, 97, 25, 22, 38, 69, -42, 66, 50, -96, 0, 60, -22, 88, -12, 3, 98, -128, -27, -95, 88, -99, 89, -85, -108, -85, 110, -9], [0, 64, 9, 88, 123, 117, -70, -61, -57, 122, -26, -43, -98, 35, -87, 17, 48, 81, 0, 64, -63, 109, -16, -68, -43, 45, -63, 87, 43, -22, -53, 100, 0, 43, -101, 51, 0, 60, -76, 116, 94, -34, -101, 61, -86, 28, 121, 92, -13, 122, -68, -46, -17, -35], [0, 64, -61, -1, -80, 29, -37, -113, 88, 86, 4, -22, -101, 68, 24, 15, 116, -81, 0, 64, 84, 106, 10, 110, 103, 120, 1, -14, -95, -66, -125, -57, 71, -81, 50, -123, 0, 56, -24, -45, -63, 58, 81, 76, 18, 86, -25, -15, -17, -68, -37, 114, -126, -124], [0, 56, 0, 40, -20, 58, 9, -125, -123, 102, 101, 60, -124, -59, -122, -126, 2, 57, 0, 64, 76, 91, -75, -33, -22, -74, -81, 39, -27, -11, -118, -127, 70, 54, -114, -22, 0, 56, 127, 126, -62, 88, 107, -13, -23, -112, -59, -116, -91, -36, 111, 21, 17, 106], [0, 64, 1, -49, 74, 72, -15, -44, -117, 81, -20, -67, -69, 55, 91, 78, -101, 76, 0, 64, -30, 47, -95, -120, -26, 80, 13, -83, -120, -113, -123, -64, -93, 20, 93, -40, 0, 60, -104, -77, -121, 35, -29, 111, -104, -51, -125, -20, -83, 30, -82, -27, -65, -75], [0, 64, 68, -121, -25, 107, 98, -8, 61, -2, 89, 45, -123, 12, 71, -84, -55, -86, 0, 64, 75, -92, -46, 65, -98, -21, 85, 91, 123, -30, 107, -45, 78, 14, -97, 85, 0, 56, 39, -86, 36, 7, 74, 77, 35, 81, -117, 89, 21, -82, -93, -119, -26, -11], [0, 60, 36, -13, -38, -23, -8, -7, -95, 16, 110, 88, -64, -101, -78, -8, 17, -114, 0, 60, 68, -51, 54, 125, 123, 83, 86, 93, 40, -121, 78, -125, 101, -109, 34, 47, 0, 60, 109, -4, 126, 105, -4, -90, -46, 76, -66, -2, 127, -120, 121, -5, 6, 72]]>
