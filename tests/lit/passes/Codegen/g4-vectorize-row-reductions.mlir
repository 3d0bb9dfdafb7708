// RUN: g4-opt %s --split-input-file --g4-vectorize-row-reductions | FileCheck %s
// RUN: g4-opt %s --split-input-file --g4-vectorize-row-reductions=lanes=16 | FileCheck %s --check-prefix=L16

// RMSNorm's sum of squares over 32 columns: a loop over the rows, each row summed in 8
// lanes carried by the k loop (4 steps of 8), reduced once, then added to y.
// CHECK-LABEL: func.func @sum_squares(
// CHECK-SAME:      %[[X:.+]]: memref<?x32xf32>, %[[Y:.+]]: memref<?xf32>)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C8:.+]] = arith.constant 8 : index
// CHECK-DAG:     %[[C32:.+]] = arith.constant 32 : index
// CHECK-DAG:     %[[ZEROS:.+]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK:         %[[ROWS:.+]] = memref.dim %[[X]], %{{.+}} : memref<?x32xf32>
// CHECK:         scf.for %[[M:.+]] = %[[C0]] to %[[ROWS]]
// CHECK:           %[[SUM:.+]] = scf.for %[[K:.+]] = %[[C0]] to %[[C32]] step %[[C8]] iter_args(%[[ACC:.+]] = %[[ZEROS]]) -> (vector<8xf32>)
// CHECK-NEXT:        %[[V:.+]] = vector.load %[[X]][%[[M]], %[[K]]] : memref<?x32xf32>, vector<8xf32>
// CHECK-NEXT:        %[[SQ:.+]] = arith.mulf %[[V]], %[[V]] : vector<8xf32>
// CHECK-NEXT:        %[[NEXT:.+]] = arith.addf %[[ACC]], %[[SQ]] fastmath<reassoc> : vector<8xf32>
// CHECK-NEXT:        scf.yield %[[NEXT]]
// CHECK:           %[[TOTAL:.+]] = vector.reduction <add>, %[[SUM]] fastmath<reassoc> : vector<8xf32> into f32
// CHECK-NEXT:      %[[OLD:.+]] = memref.load %[[Y]][%[[M]]]
// CHECK-NEXT:      %[[NEW:.+]] = arith.addf %[[OLD]], %[[TOTAL]] fastmath<reassoc> : f32
// CHECK-NEXT:      memref.store %[[NEW]], %[[Y]][%[[M]]]
// CHECK-NOT:     linalg.generic
// L16-LABEL: func.func @sum_squares(
// L16:         scf.for %{{.+}} = %{{.+}} to %{{.+}} step %c16{{.*}} iter_args(%{{.+}} = %{{.+}}) -> (vector<16xf32>)
#id = affine_map<(m, k) -> (m, k)>
#row = affine_map<(m, k) -> (m)>
func.func @sum_squares(%x: memref<?x32xf32>, %y: memref<?xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<?x32xf32>) outs(%y : memref<?xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.mulf %a, %a : f32
    %r = arith.addf %acc, %s fastmath<reassoc> : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Attention's q_norm: rows [T, heads] of a task's strided subview, a scalar from above
// broadcast into the lanes.
// CHECK-LABEL: func.func @per_head(
// CHECK-SAME:      %[[X:.+]]: memref<?x2x16xf32, strided<[64, 16, 1], offset: ?>>, %{{.+}}: memref<?x2xf32>, %[[S:.+]]: f32)
// CHECK:         scf.for %[[T:.+]] =
// CHECK:           scf.for %[[H:.+]] =
// CHECK:             scf.for %[[K:.+]] = {{.+}} iter_args
// CHECK:               %[[V:.+]] = vector.load %[[X]][%[[T]], %[[H]], %[[K]]]
// CHECK:               %[[B:.+]] = vector.broadcast %[[S]] : f32 to vector<8xf32>
// CHECK:               arith.mulf %[[V]], %[[B]] : vector<8xf32>
// CHECK-NOT:     linalg.generic
#id = affine_map<(t, h, k) -> (t, h, k)>
#row = affine_map<(t, h, k) -> (t, h)>
func.func @per_head(%x: memref<?x2x16xf32, strided<[64, 16, 1], offset: ?>>, %y: memref<?x2xf32>, %s: f32) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : memref<?x2x16xf32, strided<[64, 16, 1], offset: ?>>) outs(%y : memref<?x2xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %p = arith.mulf %a, %s : f32
    %r = arith.addf %p, %acc fastmath<reassoc> : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A block's largest |x| / 127 (g4-prequantize-activations' scales): a maximum is exact
// in any order, so it needs no reassoc. The lanes start at -inf, the maximum's identity;
// the row's maximum is then combined with y's.
// CHECK-LABEL: func.func @block_maximum(
// CHECK-SAME:      %[[X:.+]]: memref<?x2x32xf32>, %[[Y:.+]]: memref<?x2xf32>)
// CHECK-DAG:     %[[LOWEST:.+]] = arith.constant dense<0xFF800000> : vector<8xf32>
// CHECK-DAG:     %[[LEVELS:.+]] = arith.constant 1.270000e+02 : f32
// CHECK:         scf.for %[[M:.+]] =
// CHECK:           scf.for %[[B:.+]] =
// CHECK:             %[[MAX:.+]] = scf.for %[[K:.+]] = {{.+}} iter_args(%[[ACC:.+]] = %[[LOWEST]]) -> (vector<8xf32>)
// CHECK-NEXT:          %[[V:.+]] = vector.load %[[X]][%[[M]], %[[B]], %[[K]]] : memref<?x2x32xf32>, vector<8xf32>
// CHECK-NEXT:          %[[ABS:.+]] = math.absf %[[V]] : vector<8xf32>
// CHECK-NEXT:          %[[DIV:.+]] = vector.broadcast %[[LEVELS]] : f32 to vector<8xf32>
// CHECK-NEXT:          %[[SHARE:.+]] = arith.divf %[[ABS]], %[[DIV]] : vector<8xf32>
// CHECK-NEXT:          %[[NEXT:.+]] = arith.maximumf %[[ACC]], %[[SHARE]] : vector<8xf32>
// CHECK-NEXT:          scf.yield %[[NEXT]]
// CHECK:             %[[TOTAL:.+]] = vector.reduction <maximumf>, %[[MAX]] : vector<8xf32> into f32
// CHECK-NEXT:        %[[OLD:.+]] = memref.load %[[Y]][%[[M]], %[[B]]]
// CHECK-NEXT:        %[[NEW:.+]] = arith.maximumf %[[OLD]], %[[TOTAL]] : f32
// CHECK-NEXT:        memref.store %[[NEW]], %[[Y]][%[[M]], %[[B]]]
// CHECK-NOT:     linalg.generic
#id3 = affine_map<(m, b, k) -> (m, b, k)>
#block = affine_map<(m, b, k) -> (m, b)>
func.func @block_maximum(%x: memref<?x2x32xf32>, %y: memref<?x2xf32>) {
  %levels = arith.constant 127.0 : f32
  linalg.generic {indexing_maps = [#id3, #block], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : memref<?x2x32xf32>) outs(%y : memref<?x2xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %abs = math.absf %a : f32
    %share = arith.divf %abs, %levels : f32
    %r = arith.maximumf %acc, %share : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A block's offset correction (g4-prequantize-activations): the sum of -8 * q over the
// block's i8 quanta into i32. An integer sum is exact in any order (and would wrap the
// same way), so it needs no flag: i8 lanes loaded, widened, and summed in i32 lanes that
// start at 0, then one reduction added to y.
// CHECK-LABEL: func.func @block_sum(
// CHECK-SAME:      %[[Q:.+]]: memref<?x2x32xi8>, %[[Y:.+]]: memref<?x2xi32>)
// CHECK-DAG:     %[[ZEROS:.+]] = arith.constant dense<0> : vector<8xi32>
// CHECK-DAG:     %[[OFFSET:.+]] = arith.constant -8 : i32
// CHECK:         scf.for %[[M:.+]] =
// CHECK:           scf.for %[[B:.+]] =
// CHECK:             %[[SUM:.+]] = scf.for %[[K:.+]] = {{.+}} iter_args(%[[ACC:.+]] = %[[ZEROS]]) -> (vector<8xi32>)
// CHECK-NEXT:          %[[V:.+]] = vector.load %[[Q]][%[[M]], %[[B]], %[[K]]] : memref<?x2x32xi8>, vector<8xi8>
// CHECK-NEXT:          %[[WIDE:.+]] = arith.extsi %[[V]] : vector<8xi8> to vector<8xi32>
// CHECK-NEXT:          %[[SPLAT:.+]] = vector.broadcast %[[OFFSET]] : i32 to vector<8xi32>
// CHECK-NEXT:          %[[TERM:.+]] = arith.muli %[[WIDE]], %[[SPLAT]] : vector<8xi32>
// CHECK-NEXT:          %[[NEXT:.+]] = arith.addi %[[ACC]], %[[TERM]] : vector<8xi32>
// CHECK-NEXT:          scf.yield %[[NEXT]]
// CHECK:             %[[TOTAL:.+]] = vector.reduction <add>, %[[SUM]] : vector<8xi32> into i32
// CHECK-NEXT:        %[[OLD:.+]] = memref.load %[[Y]][%[[M]], %[[B]]]
// CHECK-NEXT:        %[[NEW:.+]] = arith.addi %[[OLD]], %[[TOTAL]] : i32
// CHECK-NEXT:        memref.store %[[NEW]], %[[Y]][%[[M]], %[[B]]]
// CHECK-NOT:     linalg.generic
// L16-LABEL: func.func @block_sum(
// L16:             vector.load %{{.+}} : memref<?x2x32xi8>, vector<16xi8>
// L16:             vector.reduction <add>, %{{.+}} : vector<16xi32> into i32
// Left alone: f32 rows summed into an integer.
// CHECK-LABEL: func.func @mixed_types(
// CHECK:         linalg.generic
// CHECK-NOT:     vector.
#id3 = affine_map<(m, b, k) -> (m, b, k)>
#block = affine_map<(m, b, k) -> (m, b)>
func.func @block_sum(%q: memref<?x2x32xi8>, %y: memref<?x2xi32>) {
  %offset = arith.constant -8 : i32
  linalg.generic {indexing_maps = [#id3, #block], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%q : memref<?x2x32xi8>) outs(%y : memref<?x2xi32>) {
  ^bb0(%a: i8, %acc: i32):
    %wide = arith.extsi %a : i8 to i32
    %term = arith.muli %wide, %offset : i32
    %r = arith.addi %acc, %term : i32
    linalg.yield %r : i32
  }
  return
}
func.func @mixed_types(%x: memref<4x2x32xf32>, %y: memref<4x2xi32>) {
  linalg.generic {indexing_maps = [#id3, #block], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : memref<4x2x32xf32>) outs(%y : memref<4x2xi32>) {
  ^bb0(%a: f32, %acc: i32):
    %i = arith.fptosi %a : f32 to i32
    %r = arith.addi %acc, %i : i32
    linalg.yield %r : i32
  }
  return
}

// -----

// Left alone: an add without reassoc (its order is the program's), a width that is not
// a multiple of the lanes, a reduction that is not the last loop, and a body that reads
// the accumulator twice.
// CHECK-LABEL: func.func @kept(
// CHECK-COUNT-4: linalg.generic
// CHECK-NOT:     vector.
#id = affine_map<(m, k) -> (m, k)>
#row = affine_map<(m, k) -> (m)>
#col = affine_map<(k, m) -> (k, m)>
#last = affine_map<(k, m) -> (m)>
func.func @kept(%x: memref<4x32xf32>, %x12: memref<4x12xf32>, %y: memref<4xf32>, %t: memref<32x4xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x32xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.mulf %a, %a : f32
    %r = arith.addf %acc, %s : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x12 : memref<4x12xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %acc, %a fastmath<reassoc> : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#col, #last], iterator_types = ["reduction", "parallel"]}
      ins(%t : memref<32x4xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %acc, %a fastmath<reassoc> : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x32xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.mulf %a, %acc : f32
    %r = arith.addf %acc, %s fastmath<reassoc> : f32
    linalg.yield %r : f32
  }
  return
}
