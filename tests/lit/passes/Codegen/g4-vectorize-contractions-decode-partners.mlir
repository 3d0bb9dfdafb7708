// g4-vectorize-contractions decode-partners=true joins up to four contractions into one
// kernel only where that cannot change what either computes (the joined kernel's results are
// checked in g4-vectorize-contractions-interleaved-run.mlir and
// g4-vectorize-contractions-interleaved-float64-run.mlir): one row of x, the same x, the
// same weight shape and outputs, outputs apart, and nothing between them but pure ops
// and fills of buffers the first does not use.
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 decode-partners=true" | FileCheck %s

#xmap = affine_map<(m, t, r, k) -> (m, k)>
#wmap = affine_map<(m, t, r, k) -> (t, k, r)>
#ymap = affine_map<(m, t, r, k) -> (m, t, r)>

// CHECK-LABEL: func.func @joined(
// CHECK:         linalg.fill
// CHECK:         linalg.fill
// CHECK:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @joined(%x: memref<1x32xf32>, %w1: memref<2x32x64xbf16>, %w2: memref<2x32x64xbf16>,
                  %y1: memref<1x2x64xf32>, %y2: memref<1x2x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y1 : memref<1x2x64xf32>)
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w1 : memref<1x32xf32>, memref<2x32x64xbf16>) outs(%y1 : memref<1x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%y2 : memref<1x2x64xf32>)
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w2 : memref<1x32xf32>, memref<2x32x64xbf16>) outs(%y2 : memref<1x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// x is written between the two: the first must read it before.
// CHECK-LABEL: func.func @x_written_between(
// CHECK-NOT:     -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>
// CHECK:         return
func.func @x_written_between(%x: memref<1x32xf32>, %w1: memref<2x32x64xbf16>, %w2: memref<2x32x64xbf16>,
                             %y1: memref<1x2x64xf32>, %y2: memref<1x2x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w1 : memref<1x32xf32>, memref<2x32x64xbf16>) outs(%y1 : memref<1x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%x : memref<1x32xf32>)
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w2 : memref<1x32xf32>, memref<2x32x64xbf16>) outs(%y2 : memref<1x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// A store between the two (any op with memory effects but a fill) keeps them apart.
// CHECK-LABEL: func.func @store_between(
// CHECK-NOT:     -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>
// CHECK:         return
func.func @store_between(%x: memref<1x32xf32>, %w1: memref<2x32x64xbf16>, %w2: memref<2x32x64xbf16>,
                         %y1: memref<1x2x64xf32>, %y2: memref<1x2x64xf32>, %other: memref<4xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w1 : memref<1x32xf32>, memref<2x32x64xbf16>) outs(%y1 : memref<1x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  memref.store %zero, %other[%c0] : memref<4xf32>
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w2 : memref<1x32xf32>, memref<2x32x64xbf16>) outs(%y2 : memref<1x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// Different x, or different weight shapes: one kernel each.
// CHECK-LABEL: func.func @not_partners(
// CHECK-NOT:     -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>
// CHECK:         return
func.func @not_partners(%x: memref<1x32xf32>, %x2: memref<1x32xf32>, %w1: memref<2x32x64xbf16>,
                        %w3: memref<3x32x64xbf16>, %y1: memref<1x2x64xf32>, %y2: memref<1x2x64xf32>,
                        %y3: memref<1x3x64xf32>) {
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w1 : memref<1x32xf32>, memref<2x32x64xbf16>) outs(%y1 : memref<1x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x2, %w1 : memref<1x32xf32>, memref<2x32x64xbf16>) outs(%y2 : memref<1x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x2, %w3 : memref<1x32xf32>, memref<3x32x64xbf16>) outs(%y3 : memref<1x3x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// Two rows of x (prefill, whose tiles already share each weight load among rows): the
// first kernel stays where its contraction was, before the marker.
// CHECK-LABEL: func.func @two_rows(
// CHECK:         vector.store %{{.+}} : memref<2x2x64xf32>, vector<16xf32>
// CHECK:         arith.constant 1.234500e+03 : f32
// CHECK:         return
func.func @two_rows(%x: memref<2x32xf32>, %w1: memref<2x32x64xbf16>, %w2: memref<2x32x64xbf16>,
                    %y1: memref<2x2x64xf32>, %y2: memref<2x2x64xf32>) -> f32 {
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w1 : memref<2x32xf32>, memref<2x32x64xbf16>) outs(%y1 : memref<2x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  %marker = arith.constant 1234.5 : f32
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w2 : memref<2x32xf32>, memref<2x32x64xbf16>) outs(%y2 : memref<2x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return %marker : f32
}

// The same with one row: the pair is computed after the marker, where the second was.
// CHECK-LABEL: func.func @one_row(
// CHECK:         arith.constant 1.234500e+03 : f32
// CHECK:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK:         return
func.func @one_row(%x: memref<1x32xf32>, %w1: memref<2x32x64xbf16>, %w2: memref<2x32x64xbf16>,
                   %y1: memref<1x2x64xf32>, %y2: memref<1x2x64xf32>) -> f32 {
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w1 : memref<1x32xf32>, memref<2x32x64xbf16>) outs(%y1 : memref<1x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  %marker = arith.constant 1234.5 : f32
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w2 : memref<1x32xf32>, memref<2x32x64xbf16>) outs(%y2 : memref<1x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return %marker : f32
}

// The two halves of one decode task (g4-outline-parallel-tasks weight-parts=2): each
// output a task's slice of a static half of one buffer. The halves are apart, so the
// two are joined.
// CHECK-LABEL: func.func @halves(
// CHECK:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @halves(%x: memref<1x32xf32>, %w: memref<4x32x64xbf16>, %y: memref<1x4x64xf32>,
                  %begin: index, %size: index) {
  %zero = arith.constant 0.0 : f32
  %wa = memref.subview %w[0, 0, 0] [2, 32, 64] [1, 1, 1] : memref<4x32x64xbf16> to memref<2x32x64xbf16, strided<[2048, 64, 1]>>
  %wb = memref.subview %w[2, 0, 0] [2, 32, 64] [1, 1, 1] : memref<4x32x64xbf16> to memref<2x32x64xbf16, strided<[2048, 64, 1], offset: 4096>>
  %ya = memref.subview %y[0, 0, 0] [1, 2, 64] [1, 1, 1] : memref<1x4x64xf32> to memref<1x2x64xf32, strided<[256, 64, 1]>>
  %yb = memref.subview %y[0, 2, 0] [1, 2, 64] [1, 1, 1] : memref<1x4x64xf32> to memref<1x2x64xf32, strided<[256, 64, 1], offset: 128>>
  %wat = memref.subview %wa[%begin, 0, 0] [%size, 32, 64] [1, 1, 1] : memref<2x32x64xbf16, strided<[2048, 64, 1]>> to memref<?x32x64xbf16, strided<[2048, 64, 1], offset: ?>>
  %wbt = memref.subview %wb[%begin, 0, 0] [%size, 32, 64] [1, 1, 1] : memref<2x32x64xbf16, strided<[2048, 64, 1], offset: 4096>> to memref<?x32x64xbf16, strided<[2048, 64, 1], offset: ?>>
  %yat = memref.subview %ya[0, %begin, 0] [1, %size, 64] [1, 1, 1] : memref<1x2x64xf32, strided<[256, 64, 1]>> to memref<1x?x64xf32, strided<[256, 64, 1], offset: ?>>
  %ybt = memref.subview %yb[0, %begin, 0] [1, %size, 64] [1, 1, 1] : memref<1x2x64xf32, strided<[256, 64, 1], offset: 128>> to memref<1x?x64xf32, strided<[256, 64, 1], offset: ?>>
  linalg.fill ins(%zero : f32) outs(%yat : memref<1x?x64xf32, strided<[256, 64, 1], offset: ?>>)
  linalg.fill ins(%zero : f32) outs(%ybt : memref<1x?x64xf32, strided<[256, 64, 1], offset: ?>>)
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %wat : memref<1x32xf32>, memref<?x32x64xbf16, strided<[2048, 64, 1], offset: ?>>) outs(%yat : memref<1x?x64xf32, strided<[256, 64, 1], offset: ?>>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %wbt : memref<1x32xf32>, memref<?x32x64xbf16, strided<[2048, 64, 1], offset: ?>>) outs(%ybt : memref<1x?x64xf32, strided<[256, 64, 1], offset: ?>>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// Outputs in parts of one buffer that overlap (rows [0, 2) and [1, 3)): the second
// must see the first's results, so they stay apart.
// CHECK-LABEL: func.func @overlapping_outputs(
// CHECK-NOT:     -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>
// CHECK:         return
func.func @overlapping_outputs(%x: memref<1x32xf32>, %w1: memref<2x32x64xbf16>, %w2: memref<2x32x64xbf16>,
                               %y: memref<1x4x64xf32>) {
  %ya = memref.subview %y[0, 0, 0] [1, 2, 64] [1, 1, 1] : memref<1x4x64xf32> to memref<1x2x64xf32, strided<[256, 64, 1]>>
  %yb = memref.subview %y[0, 1, 0] [1, 2, 64] [1, 1, 1] : memref<1x4x64xf32> to memref<1x2x64xf32, strided<[256, 64, 1], offset: 64>>
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w1 : memref<1x32xf32>, memref<2x32x64xbf16>) outs(%ya : memref<1x2x64xf32, strided<[256, 64, 1]>>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w2 : memref<1x32xf32>, memref<2x32x64xbf16>) outs(%yb : memref<1x2x64xf32, strided<[256, 64, 1], offset: 64>>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// The four parts of one decode task (g4-outline-parallel-tasks weight-parts=4): each
// output a static quarter of one buffer. The quarters are apart, so all four are
// joined: four vector groups of each of four matrices, four streams.
// CHECK-LABEL: func.func @quarters(
// CHECK:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @quarters(%x: memref<1x32xf32>, %w: memref<4x32x64xbf16>, %y: memref<1x4x64xf32>) {
  %w0 = memref.subview %w[0, 0, 0] [1, 32, 64] [1, 1, 1] : memref<4x32x64xbf16> to memref<1x32x64xbf16, strided<[2048, 64, 1], offset: 0>>
  %y0 = memref.subview %y[0, 0, 0] [1, 1, 64] [1, 1, 1] : memref<1x4x64xf32> to memref<1x1x64xf32, strided<[256, 64, 1], offset: 0>>
  %w1 = memref.subview %w[1, 0, 0] [1, 32, 64] [1, 1, 1] : memref<4x32x64xbf16> to memref<1x32x64xbf16, strided<[2048, 64, 1], offset: 2048>>
  %y1 = memref.subview %y[0, 1, 0] [1, 1, 64] [1, 1, 1] : memref<1x4x64xf32> to memref<1x1x64xf32, strided<[256, 64, 1], offset: 64>>
  %w2 = memref.subview %w[2, 0, 0] [1, 32, 64] [1, 1, 1] : memref<4x32x64xbf16> to memref<1x32x64xbf16, strided<[2048, 64, 1], offset: 4096>>
  %y2 = memref.subview %y[0, 2, 0] [1, 1, 64] [1, 1, 1] : memref<1x4x64xf32> to memref<1x1x64xf32, strided<[256, 64, 1], offset: 128>>
  %w3 = memref.subview %w[3, 0, 0] [1, 32, 64] [1, 1, 1] : memref<4x32x64xbf16> to memref<1x32x64xbf16, strided<[2048, 64, 1], offset: 6144>>
  %y3 = memref.subview %y[0, 3, 0] [1, 1, 64] [1, 1, 1] : memref<1x4x64xf32> to memref<1x1x64xf32, strided<[256, 64, 1], offset: 192>>
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w0 : memref<1x32xf32>, memref<1x32x64xbf16, strided<[2048, 64, 1], offset: 0>>) outs(%y0 : memref<1x1x64xf32, strided<[256, 64, 1], offset: 0>>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w1 : memref<1x32xf32>, memref<1x32x64xbf16, strided<[2048, 64, 1], offset: 2048>>) outs(%y1 : memref<1x1x64xf32, strided<[256, 64, 1], offset: 64>>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w2 : memref<1x32xf32>, memref<1x32x64xbf16, strided<[2048, 64, 1], offset: 4096>>) outs(%y2 : memref<1x1x64xf32, strided<[256, 64, 1], offset: 128>>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w3 : memref<1x32xf32>, memref<1x32x64xbf16, strided<[2048, 64, 1], offset: 6144>>) outs(%y3 : memref<1x1x64xf32, strided<[256, 64, 1], offset: 192>>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// Five candidates: one kernel reads at most four matrices, so the first four are joined
// and the fifth computed alone.
// CHECK-LABEL: func.func @five_candidates(
// The joined four (leftover tiles: one vector group of each), then the fifth (leftover:
// one group).
// CHECK:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<16xf32>) {
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @five_candidates(%x: memref<1x32xf32>, %w0: memref<1x32x64xbf16>, %w1: memref<1x32x64xbf16>,
                           %w2: memref<1x32x64xbf16>, %w3: memref<1x32x64xbf16>, %w4: memref<1x32x64xbf16>,
                           %y0: memref<1x1x64xf32>, %y1: memref<1x1x64xf32>, %y2: memref<1x1x64xf32>,
                           %y3: memref<1x1x64xf32>, %y4: memref<1x1x64xf32>) {
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w0 : memref<1x32xf32>, memref<1x32x64xbf16>) outs(%y0 : memref<1x1x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w1 : memref<1x32xf32>, memref<1x32x64xbf16>) outs(%y1 : memref<1x1x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w2 : memref<1x32xf32>, memref<1x32x64xbf16>) outs(%y2 : memref<1x1x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w3 : memref<1x32xf32>, memref<1x32x64xbf16>) outs(%y3 : memref<1x1x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w4 : memref<1x32xf32>, memref<1x32x64xbf16>) outs(%y4 : memref<1x1x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// The third's output overlaps the second's (rows [1, 2) and [1, 3)), though not the
// first's: every member is checked against every earlier one, so the first two are
// joined and the third is computed after them.
// CHECK-LABEL: func.func @third_overlaps_second(
// CHECK:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>) {
// CHECK:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<16xf32>) {
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @third_overlaps_second(%x: memref<1x32xf32>, %w0: memref<1x32x64xbf16>, %w1: memref<1x32x64xbf16>,
                                 %w2: memref<1x32x64xbf16>, %y: memref<1x4x64xf32>) {
  %y0 = memref.subview %y[0, 0, 0] [1, 1, 64] [1, 1, 1] : memref<1x4x64xf32> to memref<1x1x64xf32, strided<[256, 64, 1]>>
  %y1 = memref.subview %y[0, 1, 0] [1, 1, 64] [1, 1, 1] : memref<1x4x64xf32> to memref<1x1x64xf32, strided<[256, 64, 1], offset: 64>>
  %y12 = memref.subview %y[0, 1, 0] [1, 2, 64] [1, 1, 1] : memref<1x4x64xf32> to memref<1x2x64xf32, strided<[256, 64, 1], offset: 64>>
  %y2 = memref.subview %y12[0, 0, 0] [1, 1, 64] [1, 1, 1] : memref<1x2x64xf32, strided<[256, 64, 1], offset: 64>> to memref<1x1x64xf32, strided<[256, 64, 1], offset: 64>>
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w0 : memref<1x32xf32>, memref<1x32x64xbf16>) outs(%y0 : memref<1x1x64xf32, strided<[256, 64, 1]>>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w1 : memref<1x32xf32>, memref<1x32x64xbf16>) outs(%y1 : memref<1x1x64xf32, strided<[256, 64, 1], offset: 64>>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w2 : memref<1x32xf32>, memref<1x32x64xbf16>) outs(%y2 : memref<1x1x64xf32, strided<[256, 64, 1], offset: 64>>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// The second writes its output over x, which the first reads: computed together the
// first would read the second's results, so they stay apart.
// CHECK-LABEL: func.func @output_over_x(
// CHECK-NOT:     -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>
// CHECK:         return
func.func @output_over_x(%buf: memref<1x128xf32>, %w1: memref<2x32x64xbf16>, %w2: memref<2x32x64xbf16>,
                         %y1: memref<1x2x64xf32>) {
  %x = memref.subview %buf[0, 0] [1, 32] [1, 1] : memref<1x128xf32> to memref<1x32xf32, strided<[128, 1]>>
  %y2 = memref.expand_shape %buf [[0], [1, 2]] output_shape [1, 2, 64] : memref<1x128xf32> into memref<1x2x64xf32>
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w1 : memref<1x32xf32, strided<[128, 1]>>, memref<2x32x64xbf16>) outs(%y1 : memref<1x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xmap, #wmap, #ymap], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w2 : memref<1x32xf32, strided<[128, 1]>>, memref<2x32x64xbf16>) outs(%y2 : memref<1x2x64xf32>) attrs = {g4.interleaved_float} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}
