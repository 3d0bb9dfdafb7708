// RUN: g4-opt %s --split-input-file --g4-prequantize-activations | FileCheck %s
// RUN: g4-opt %s --split-input-file --g4-prequantize-activations=max-stack-bytes=79 | FileCheck %s --check-prefix=SMALL
// RUN: g4-opt %s --split-input-file --g4-prequantize-activations="max-stack-bytes=0 scratch=false" | FileCheck %s --check-prefix=OFF

// Gate and up read the same x (K = 64: 64 quanta, 2 scales and 2 offset corrections, 80
// bytes). x is quantised once, into three buffers at the function's entry, by a loop
// placed above the views and the fill of gate's accumulator (so the fill stays next to
// its contraction); each block's offset correction is -8 (q4's stored offset) times the
// sum of its quanta. Both contractions then read the quanta, scales and corrections,
// their body computing q * d for x. With a 79-byte budget x goes to scratch instead (as
// an MoE expert's chunk of tokens does): static buffers, filled by the row-parallel
// generics. Off, nothing changes.
#x = affine_map<(m, t, r, b, s, h, i) -> (m, b, s, h, i)>
#w = affine_map<(m, t, r, b, s, h, i) -> (t, b, 16 + s * 32 + r * 4 + i)>
#s = affine_map<(m, t, r, b, s, h, i) -> (t, b, r * 2)>
#y = affine_map<(m, t, r, b, s, h, i) -> (m, t, r)>
// CHECK-DAG:   #[[XMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d3, d4, d5, d6)>
// CHECK-DAG:   #[[DMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d3)>
// CHECK-LABEL: func.func private @gate_up(
// CHECK-SAME:      %[[X:.+]]: memref<1x64xf32>, %[[W:.+]]: memref<3x2x144xi8>, %[[ARENA:.+]]: memref<?xi8> {g4.scratch})
// CHECK:         %[[QROWS:.+]] = memref.alloca() {alignment = 32 : i64} : memref<1x64xi8>
// CHECK:         %[[D:.+]] = memref.alloca() : memref<1x2xf32>
// CHECK:         %[[C:.+]] = memref.alloca() : memref<1x2xi32>
// CHECK:         %[[Q:.+]] = memref.expand_shape %[[QROWS]] {{\[}}[0], [1, 2, 3, 4]] output_shape [1, 2, 4, 2, 4] : memref<1x64xi8> into memref<1x2x4x2x4xi8>
// CHECK:         %[[XB:.+]] = memref.expand_shape %[[X]]
// CHECK:         %[[FLAT:.+]] = memref.collapse_shape %[[XB]] {{\[}}[0], [1, 2, 3, 4]] : memref<1x2x4x2x4xf32> into memref<1x64xf32>
// CHECK:         scf.for %[[ROW:.+]] = %{{.+}} to %{{.+}} step
// CHECK:           scf.for %[[BLK:.+]] = %{{.+}} to %{{.+}} step
// CHECK:             vector.load %[[FLAT]][%[[ROW]], %{{.+}}] : memref<1x64xf32>, vector<32xf32>
// CHECK:             vector.reduction <maxui>
// CHECK:             arith.fptosi %{{.+}} : vector<32xf32> to vector<32xi8>
// CHECK:             vector.store %{{.+}}, %[[QROWS]][%[[ROW]], %{{.+}}] : memref<1x64xi8>, vector<32xi8>
// CHECK:             memref.store %{{.+}}, %[[D]][%[[ROW]], %[[BLK]]] : memref<1x2xf32>
// CHECK:             %[[WIDE:.+]] = arith.extsi %[[QV:.+]] : vector<32xi8> to vector<32xi32>
// CHECK:             %[[SUM:.+]] = vector.reduction <add>, %[[WIDE]] : vector<32xi32> into i32
// CHECK:             %[[CORR:.+]] = arith.muli %[[SUM]], %c-8_i32 : i32
// CHECK:             memref.store %[[CORR]], %[[C]][%[[ROW]], %[[BLK]]] : memref<1x2xi32>
// CHECK:         %[[GATE:.+]] = memref.view %[[ARENA]]
// CHECK-NEXT:    linalg.fill ins(%{{.+}} : f32) outs(%[[GATE]] : memref<1x3x8xf32>)
// CHECK-NEXT:    linalg.generic {indexing_maps = [#[[XMAP]], #[[DMAP]], #[[DMAP]], {{.+}}]
// CHECK-SAME:        ins(%[[Q]], %[[D]], %[[C]], %[[W]], %[[W]], %[[W]] : memref<1x2x4x2x4xi8>, memref<1x2xf32>, memref<1x2xi32>, memref<3x2x144xi8>, memref<3x2x144xi8>, memref<3x2x144xi8>)
// CHECK-SAME:        outs(%[[GATE]] : memref<1x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"}
// CHECK-NEXT:    ^bb0(%[[QI:.+]]: i8, %[[DI:.+]]: f32, %{{.+}}: i32, %[[WI:.+]]: i8, %{{.+}}: i8, %{{.+}}: i8, %[[ACC:.+]]: f32):
// CHECK-NEXT:      %[[QF:.+]] = arith.sitofp %[[QI]] : i8 to f32
// CHECK-NEXT:      %[[XI:.+]] = arith.mulf %[[QF]], %[[DI]] : f32
// CHECK-NEXT:      %[[WF:.+]] = arith.sitofp %[[WI]] : i8 to f32
// CHECK-NEXT:      arith.mulf %[[XI]], %[[WF]] : f32
// CHECK:         %[[UP:.+]] = memref.view %[[ARENA]]
// CHECK-NOT:     scf.for
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[Q]], %[[D]], %[[C]], %[[W]], %[[W]], %[[W]] :
// CHECK-SAME:        outs(%[[UP]] : memref<1x3x8xf32>)
// SMALL-LABEL: func.func private @gate_up(
// SMALL-NOT:     memref.alloca
// SMALL-NOT:     scf.for
// SMALL:         %[[QROWS:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x64xi8>
// SMALL:         %[[D:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x2xf32>
// SMALL:         %[[C:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x2xi32>
// SMALL:         linalg.generic
// SMALL-SAME:        outs(%[[D]] : memref<1x2xf32>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 0 : i64}
// SMALL:         linalg.generic
// SMALL-SAME:        outs(%[[D]] : memref<1x2xf32>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 0 : i64}
// SMALL-NEXT:    ^bb0
// SMALL-NEXT:      arith.divf
// SMALL:         linalg.generic
// SMALL-SAME:        outs(%[[QB:.+]] : memref<1x2x32xi8>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 0 : i64}
// SMALL:         linalg.fill ins(%{{.+}} : i32) outs(%[[C]] : memref<1x2xi32>)
// SMALL:         linalg.generic
// SMALL-SAME:        iterator_types = ["parallel", "parallel", "reduction"]
// SMALL-SAME:        ins(%[[QB]] : memref<1x2x32xi8>) outs(%[[C]] : memref<1x2xi32>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 0 : i64}
// SMALL-NEXT:    ^bb0(%[[QE:.+]]: i8, %[[CE:.+]]: i32):
// SMALL-NEXT:      %[[QW:.+]] = arith.extsi %[[QE]] : i8 to i32
// SMALL-NEXT:      %[[TERM:.+]] = arith.muli %[[QW]], %c-8_i32 : i32
// SMALL-NEXT:      %[[NEXT:.+]] = arith.addi %[[CE]], %[[TERM]] : i32
// SMALL-NEXT:      linalg.yield %[[NEXT]] : i32
// SMALL:         %[[Q:.+]] = memref.expand_shape %[[QROWS]]
// SMALL:         linalg.generic
// SMALL-SAME:        ins(%[[Q]], %[[D]], %[[C]], %{{.+}}, %{{.+}}, %{{.+}} : memref<1x2x4x2x4xi8>, memref<1x2xf32>, memref<1x2xi32>,
// SMALL-NOT:     memref.alloc()
// SMALL:         linalg.generic
// SMALL-SAME:        ins(%[[Q]], %[[D]], %[[C]], %{{.+}}, %{{.+}}, %{{.+}} : memref<1x2x4x2x4xi8>, memref<1x2xf32>, memref<1x2xi32>,
// OFF-LABEL:   func.func private @gate_up(
// OFF-NOT:       memref.alloca
// OFF:           linalg.generic
// OFF-SAME:          ins(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : memref<1x2x4x2x4xf32>,
func.func private @gate_up(%x: memref<1x64xf32>, %w: memref<3x2x144xi8>, %arena: memref<?xi8> {g4.scratch}) {
  %c0 = arith.constant 0 : index
  %c96 = arith.constant 96 : index
  %zero = arith.constant 0.0 : f32
  %xb = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [1, 2, 4, 2, 4] : memref<1x64xf32> into memref<1x2x4x2x4xf32>
  %gate = memref.view %arena[%c0][] : memref<?xi8> to memref<1x3x8xf32>
  linalg.fill ins(%zero : f32) outs(%gate : memref<1x3x8xf32>)
  linalg.generic {indexing_maps = [#x, #w, #s, #s, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w, %w, %w : memref<1x2x4x2x4xf32>, memref<3x2x144xi8>, memref<3x2x144xi8>, memref<3x2x144xi8>)
      outs(%gate : memref<1x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %sum = arith.addf %acc, %p : f32
    linalg.yield %sum : f32
  }
  %up = memref.view %arena[%c96][] : memref<?xi8> to memref<1x3x8xf32>
  linalg.fill ins(%zero : f32) outs(%up : memref<1x3x8xf32>)
  linalg.generic {indexing_maps = [#x, #w, #s, #s, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w, %w, %w : memref<1x2x4x2x4xf32>, memref<3x2x144xi8>, memref<3x2x144xi8>, memref<3x2x144xi8>)
      outs(%up : memref<1x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %sum = arith.addf %acc, %p : f32
    linalg.yield %sum : f32
  }
  return
}

// -----

// x is an arena view (bytes [0, 256)), and between the two contractions a fill writes
// bytes [128, 224) of the arena: the second contraction quantises x again, after that
// fill. The fill of its own accumulator (bytes [352, 448)) stays below the loop.
#x = affine_map<(m, t, r, b, s, h, i) -> (m, b, s, h, i)>
#w = affine_map<(m, t, r, b, s, h, i) -> (t, b, 16 + s * 32 + r * 4 + i)>
#s = affine_map<(m, t, r, b, s, h, i) -> (t, b, r * 2)>
#y = affine_map<(m, t, r, b, s, h, i) -> (m, t, r)>
// CHECK-LABEL: func.func private @x_written_between(
// CHECK:         memref.alloca() {alignment = 32 : i64} : memref<1x64xi8>
// CHECK:         memref.alloca() {alignment = 32 : i64} : memref<1x64xi8>
// CHECK:         scf.for
// CHECK:         linalg.generic
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : memref<1x24xf32>)
// CHECK:         scf.for
// CHECK:         %[[Y2:.+]] = memref.view
// CHECK-NEXT:    linalg.fill ins(%{{.+}} : f32) outs(%[[Y2]] : memref<1x3x8xf32>)
// CHECK-NEXT:    linalg.generic
func.func private @x_written_between(%w: memref<3x2x144xi8>, %arena: memref<?xi8> {g4.scratch}) {
  %c0 = arith.constant 0 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %c352 = arith.constant 352 : index
  %zero = arith.constant 0.0 : f32
  %x = memref.view %arena[%c0][] : memref<?xi8> to memref<1x64xf32>
  %xb = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [1, 2, 4, 2, 4] : memref<1x64xf32> into memref<1x2x4x2x4xf32>
  %y1 = memref.view %arena[%c256][] : memref<?xi8> to memref<1x3x8xf32>
  linalg.generic {indexing_maps = [#x, #w, #s, #s, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w, %w, %w : memref<1x2x4x2x4xf32>, memref<3x2x144xi8>, memref<3x2x144xi8>, memref<3x2x144xi8>)
      outs(%y1 : memref<1x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %sum = arith.addf %acc, %p : f32
    linalg.yield %sum : f32
  }
  %over = memref.view %arena[%c128][] : memref<?xi8> to memref<1x24xf32>
  linalg.fill ins(%zero : f32) outs(%over : memref<1x24xf32>)
  %y2 = memref.view %arena[%c352][] : memref<?xi8> to memref<1x3x8xf32>
  linalg.fill ins(%zero : f32) outs(%y2 : memref<1x3x8xf32>)
  linalg.generic {indexing_maps = [#x, #w, #s, #s, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w, %w, %w : memref<1x2x4x2x4xf32>, memref<3x2x144xi8>, memref<3x2x144xi8>, memref<3x2x144xi8>)
      outs(%y2 : memref<1x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %sum = arith.addf %acc, %p : f32
    linalg.yield %sum : f32
  }
  return
}

// -----

// A banded q8_0x8 contraction: x [M, panels, blocks per panel, 8, 4], so the scales and
// the offset corrections are [M, panels, blocks per panel], views of [M, K/32] buffers.
// q8's stored offset is 128.
#x = affine_map<(m, t, u, r, p, b, g, i) -> (m, p, b, g, i)>
#w = affine_map<(m, t, u, r, p, b, g, i) -> (t, p, u, b * 272 + 16 + g * 32 + r * 4 + i)>
#s = affine_map<(m, t, u, r, p, b, g, i) -> (t, p, u, b * 272 + r * 2)>
#y = affine_map<(m, t, u, r, p, b, g, i) -> (m, t, u, r)>
// CHECK-DAG:   #[[DMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d4, d5)>
// CHECK-LABEL: func.func private @banded(
// CHECK:         %[[QROWS:.+]] = memref.alloca() {alignment = 32 : i64} : memref<1x128xi8>
// CHECK:         %[[DROWS:.+]] = memref.alloca() : memref<1x4xf32>
// CHECK:         %[[CROWS:.+]] = memref.alloca() : memref<1x4xi32>
// CHECK:         %[[Q:.+]] = memref.expand_shape %[[QROWS]] {{\[}}[0], [1, 2, 3, 4]] output_shape [1, 2, 2, 8, 4]
// CHECK:         %[[D:.+]] = memref.expand_shape %[[DROWS]] {{\[}}[0], [1, 2]] output_shape [1, 2, 2] : memref<1x4xf32> into memref<1x2x2xf32>
// CHECK:         %[[C:.+]] = memref.expand_shape %[[CROWS]] {{\[}}[0], [1, 2]] output_shape [1, 2, 2] : memref<1x4xi32> into memref<1x2x2xi32>
// CHECK:         scf.for
// CHECK:           arith.muli %{{.+}}, %c-128_i32 : i32
// CHECK:         linalg.generic {indexing_maps = [#{{.+}}, #[[DMAP]], #[[DMAP]],
// CHECK-SAME:        ins(%[[Q]], %[[D]], %[[C]], %{{.+}}, %{{.+}}, %{{.+}} : memref<1x2x2x8x4xi8>, memref<1x2x2xf32>, memref<1x2x2xi32>,
func.func private @banded(%x: memref<1x128xf32>, %w: memref<1x2x2x544xi8>, %y: memref<1x1x2x8xf32>) {
  %xb = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [1, 2, 2, 8, 4] : memref<1x128xf32> into memref<1x2x2x8x4xf32>
  linalg.generic {indexing_maps = [#x, #w, #s, #s, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w, %w, %w : memref<1x2x2x8x4xf32>, memref<1x2x2x544xi8>, memref<1x2x2x544xi8>, memref<1x2x2x544xi8>)
      outs(%y : memref<1x1x2x8xf32>) attrs = {g4.packed_format = "q8_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %sum = arith.addf %acc, %p : f32
    linalg.yield %sum : f32
  }
  return
}

// -----

// Decode's x made by a generic that g4-outline-parallel-tasks splits (the gated GELU):
// quantised by the fills and the four generics into the stack buffers, each split by
// blocks (dim 1) and only in the run of the generic that made x, so the tasks that wrote
// x quantise it. A producer whose split loop has one iteration (decode's row) gets the
// loop.
#x = affine_map<(m, t, r, b, s, h, i) -> (m, b, s, h, i)>
#w = affine_map<(m, t, r, b, s, h, i) -> (t, b, 16 + s * 32 + r * 4 + i)>
#s = affine_map<(m, t, r, b, s, h, i) -> (t, b, r * 2)>
#y = affine_map<(m, t, r, b, s, h, i) -> (m, t, r)>
#e = affine_map<(m, f) -> (m, f)>
// CHECK-LABEL: func.func private @made_by_tasks(
// CHECK:         %[[QROWS:.+]] = memref.alloca() {alignment = 32 : i64} : memref<1x64xi8>
// CHECK:         %[[D:.+]] = memref.alloca() : memref<1x2xf32>
// CHECK:         %[[C:.+]] = memref.alloca() : memref<1x2xi32>
// CHECK:         %[[X:.+]] = memref.view
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%[[X]] : memref<1x64xf32>) attrs = {g4.parallel_dim = 1 : i64}
// CHECK-NOT:     scf.for
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%[[D]] : memref<1x2xf32>)
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%[[D]] : memref<1x2xf32>) attrs = {g4.parallel_dim = 1 : i64, g4.split_only_in_run}
// CHECK:           arith.maximumf
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%[[D]] : memref<1x2xf32>) attrs = {g4.parallel_dim = 1 : i64, g4.split_only_in_run}
// CHECK:           arith.divf
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.+}} : memref<1x2x32xi8>) attrs = {g4.parallel_dim = 1 : i64, g4.split_only_in_run}
// CHECK:         linalg.fill ins(%{{.+}} : i32) outs(%[[C]] : memref<1x2xi32>)
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%[[C]] : memref<1x2xi32>) attrs = {g4.parallel_dim = 1 : i64, g4.split_only_in_run}
// CHECK:           arith.addi
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%{{.+}}, %[[D]], %[[C]], %{{.+}}, %{{.+}}, %{{.+}} : memref<1x2x4x2x4xi8>, memref<1x2xf32>, memref<1x2xi32>,
// CHECK-LABEL: func.func private @made_by_tasks_then_alloc(
// CHECK-NOT:     scf.for
// CHECK:         g4.split_only_in_run
// CHECK-LABEL: func.func private @made_by_one_row(
// CHECK:         scf.for
// CHECK-NOT:     g4.split_only_in_run
func.func private @made_by_tasks(%a: memref<1x64xf32>, %w: memref<3x2x144xi8>, %arena: memref<?xi8> {g4.scratch}) {
  %c0 = arith.constant 0 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  %x = memref.view %arena[%c0][] : memref<?xi8> to memref<1x64xf32>
  linalg.generic {indexing_maps = [#e, #e], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<1x64xf32>) outs(%x : memref<1x64xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%v: f32, %o: f32):
    %r = arith.mulf %v, %v : f32
    linalg.yield %r : f32
  }
  %xb = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [1, 2, 4, 2, 4] : memref<1x64xf32> into memref<1x2x4x2x4xf32>
  %y = memref.view %arena[%c256][] : memref<?xi8> to memref<1x3x8xf32>
  linalg.fill ins(%zero : f32) outs(%y : memref<1x3x8xf32>)
  linalg.generic {indexing_maps = [#x, #w, #s, #s, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w, %w, %w : memref<1x2x4x2x4xf32>, memref<3x2x144xi8>, memref<3x2x144xi8>, memref<3x2x144xi8>)
      outs(%y : memref<1x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%in: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %in, %qf : f32
    %sum = arith.addf %acc, %p : f32
    linalg.yield %sum : f32
  }
  return
}
// The contraction's output allocated between (an MoE expert's, before
// g4-plan-scratch): a new buffer writes nothing, x is still made by the tasks.
func.func private @made_by_tasks_then_alloc(%a: memref<1x64xf32>, %w: memref<3x2x144xi8>, %arena: memref<?xi8> {g4.scratch}) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %x = memref.view %arena[%c0][] : memref<?xi8> to memref<1x64xf32>
  linalg.generic {indexing_maps = [#e, #e], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<1x64xf32>) outs(%x : memref<1x64xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%v: f32, %o: f32):
    %r = arith.mulf %v, %v : f32
    linalg.yield %r : f32
  }
  %xb = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [1, 2, 4, 2, 4] : memref<1x64xf32> into memref<1x2x4x2x4xf32>
  %y = memref.alloc() : memref<1x3x8xf32>
  linalg.fill ins(%zero : f32) outs(%y : memref<1x3x8xf32>)
  linalg.generic {indexing_maps = [#x, #w, #s, #s, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w, %w, %w : memref<1x2x4x2x4xf32>, memref<3x2x144xi8>, memref<3x2x144xi8>, memref<3x2x144xi8>)
      outs(%y : memref<1x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%in: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %in, %qf : f32
    %sum = arith.addf %acc, %p : f32
    linalg.yield %sum : f32
  }
  return
}
func.func private @made_by_one_row(%a: memref<1x64xf32>, %w: memref<3x2x144xi8>, %arena: memref<?xi8> {g4.scratch}) {
  %c0 = arith.constant 0 : index
  %c256 = arith.constant 256 : index
  %x = memref.view %arena[%c0][] : memref<?xi8> to memref<1x64xf32>
  linalg.generic {indexing_maps = [#e, #e], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<1x64xf32>) outs(%x : memref<1x64xf32>) attrs = {g4.parallel_dim = 0 : i64} {
  ^bb0(%v: f32, %o: f32):
    %r = arith.mulf %v, %v : f32
    linalg.yield %r : f32
  }
  %xb = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [1, 2, 4, 2, 4] : memref<1x64xf32> into memref<1x2x4x2x4xf32>
  %y = memref.view %arena[%c256][] : memref<?xi8> to memref<1x3x8xf32>
  linalg.generic {indexing_maps = [#x, #w, #s, #s, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w, %w, %w : memref<1x2x4x2x4xf32>, memref<3x2x144xi8>, memref<3x2x144xi8>, memref<3x2x144xi8>)
      outs(%y : memref<1x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%in: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %in, %qf : f32
    %sum = arith.addf %acc, %p : f32
    linalg.yield %sum : f32
  }
  return
}

// -----

// Prefill's rows are dynamic: gate and up's x (a reshape of the kernel's argument) is
// quantised once into two scratch buffers sized by its rows: each block's largest |x|
// (a max reduction), divided by 127 in place, then the quanta, all split by rows
// (g4.parallel_dim = 0). The two expand_shapes of x count as one x. Off, nothing changes.
#x = affine_map<(m, t, r, b, s, h, i) -> (m, b, s, h, i)>
#w = affine_map<(m, t, r, b, s, h, i) -> (t, b, 16 + s * 32 + r * 4 + i)>
#s = affine_map<(m, t, r, b, s, h, i) -> (t, b, r * 2)>
#y = affine_map<(m, t, r, b, s, h, i) -> (m, t, r)>
// CHECK-DAG:   #[[ELEMENT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG:   #[[BLOCK:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG:   #[[SCALES:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func private @dynamic_rows(
// CHECK-SAME:      %[[X:.+]]: memref<?x64xf32>, %[[W:.+]]: memref<3x2x144xi8>, %[[M:.+]]: index)
// CHECK-NOT:     memref.alloca
// CHECK:         %[[ROWS:.+]] = memref.dim %{{.+}}, %{{.+}} : memref<?x2x4x2x4xf32>
// CHECK:         %[[QROWS:.+]] = memref.alloc(%[[ROWS]]) {alignment = 64 : i64} : memref<?x64xi8>
// CHECK:         %[[D:.+]] = memref.alloc(%[[ROWS]]) {alignment = 64 : i64} : memref<?x2xf32>
// CHECK:         %[[C:.+]] = memref.alloc(%[[ROWS]]) {alignment = 64 : i64} : memref<?x2xi32>
// CHECK:         %[[XBLOCKS:.+]] = memref.expand_shape %{{.+}} {{\[}}[0], [1, 2]] {{.+}} : memref<?x64xf32> into memref<?x2x32xf32>
// CHECK:         %[[QBLOCKS:.+]] = memref.expand_shape %[[QROWS]] {{\[}}[0], [1, 2]] {{.+}} : memref<?x64xi8> into memref<?x2x32xi8>
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%[[D]] : memref<?x2xf32>)
// CHECK:         linalg.generic {indexing_maps = [#[[ELEMENT]], #[[BLOCK]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[XBLOCKS]] : memref<?x2x32xf32>) outs(%[[D]] : memref<?x2xf32>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 0 : i64}
// CHECK-NEXT:    ^bb0(%[[XI:.+]]: f32, %[[MAX:.+]]: f32):
// CHECK-NEXT:      %[[ABS:.+]] = math.absf %[[XI]] : f32
// CHECK-NEXT:      %[[NEW:.+]] = arith.maximumf %[[MAX]], %[[ABS]] : f32
// CHECK-NEXT:      linalg.yield %[[NEW]] : f32
// CHECK:         linalg.generic {indexing_maps = [#[[SCALES]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:        outs(%[[D]] : memref<?x2xf32>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 0 : i64}
// CHECK-NEXT:    ^bb0(%[[AMAX:.+]]: f32):
// CHECK-NEXT:      %[[SCALE:.+]] = arith.divf %[[AMAX]], %{{.+}} : f32
// CHECK-NEXT:      linalg.yield %[[SCALE]] : f32
// CHECK:         linalg.generic {indexing_maps = [#[[ELEMENT]], #[[BLOCK]], #[[ELEMENT]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME:        ins(%[[XBLOCKS]], %[[D]] : memref<?x2x32xf32>, memref<?x2xf32>) outs(%[[QBLOCKS]] : memref<?x2x32xi8>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 0 : i64}
// CHECK:           arith.fptosi %{{.+}} : f32 to i8
// CHECK:         linalg.fill ins(%{{.+}} : i32) outs(%[[C]] : memref<?x2xi32>)
// CHECK:         linalg.generic {indexing_maps = [#[[ELEMENT]], #[[BLOCK]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[QBLOCKS]] : memref<?x2x32xi8>) outs(%[[C]] : memref<?x2xi32>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 0 : i64}
// CHECK:         %[[Q:.+]] = memref.expand_shape %[[QROWS]] {{\[}}[0], [1, 2, 3, 4]] {{.+}} : memref<?x64xi8> into memref<?x2x4x2x4xi8>
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[Q]], %[[D]], %[[C]], %[[W]], %[[W]], %[[W]] : memref<?x2x4x2x4xi8>, memref<?x2xf32>, memref<?x2xi32>,
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[Q]], %[[D]], %[[C]], %[[W]], %[[W]], %[[W]] : memref<?x2x4x2x4xi8>, memref<?x2xf32>, memref<?x2xi32>,
// OFF-LABEL:   func.func private @dynamic_rows(
// OFF-NOT:       alignment = 64
// OFF:           linalg.generic
// OFF-SAME:          ins(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : memref<?x2x4x2x4xf32>,
func.func private @dynamic_rows(%x: memref<?x64xf32>, %w: memref<3x2x144xi8>, %m: index) {
  %c0 = arith.constant 0 : index
  %rows = memref.dim %x, %c0 : memref<?x64xf32>
  %gate = memref.alloc(%m) : memref<?x3x8xf32>
  %up = memref.alloc(%m) : memref<?x3x8xf32>
  %xb = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [%rows, 2, 4, 2, 4] : memref<?x64xf32> into memref<?x2x4x2x4xf32>
  linalg.generic {indexing_maps = [#x, #w, #s, #s, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w, %w, %w : memref<?x2x4x2x4xf32>, memref<3x2x144xi8>, memref<3x2x144xi8>, memref<3x2x144xi8>)
      outs(%gate : memref<?x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %sum = arith.addf %acc, %p : f32
    linalg.yield %sum : f32
  }
  %xb2 = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [%rows, 2, 4, 2, 4] : memref<?x64xf32> into memref<?x2x4x2x4xf32>
  linalg.generic {indexing_maps = [#x, #w, #s, #s, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb2, %w, %w, %w : memref<?x2x4x2x4xf32>, memref<3x2x144xi8>, memref<3x2x144xi8>, memref<3x2x144xi8>)
      outs(%up : memref<?x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %sum = arith.addf %acc, %p : f32
    linalg.yield %sum : f32
  }
  return
}

// -----

// An MoE expert's rows are a slice of a buffer, counted at run time: a scratch frame
// cannot be sized by them, so its tasks keep quantising their own row blocks.
#x = affine_map<(m, t, r, b, s, h, i) -> (m, b, s, h, i)>
#w = affine_map<(m, t, r, b, s, h, i) -> (t, b, 16 + s * 32 + r * 4 + i)>
#s = affine_map<(m, t, r, b, s, h, i) -> (t, b, r * 2)>
#y = affine_map<(m, t, r, b, s, h, i) -> (m, t, r)>
// CHECK-LABEL: func.func private @expert_rows(
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : memref<?x2x4x2x4xf32
func.func private @expert_rows(%tokens: memref<8x64xf32>, %w: memref<3x2x144xi8>, %count: index, %y: memref<?x3x8xf32>) {
  %x = memref.subview %tokens[0, 0] [%count, 64] [1, 1] : memref<8x64xf32> to memref<?x64xf32, strided<[64, 1]>>
  %xb = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [%count, 2, 4, 2, 4] : memref<?x64xf32, strided<[64, 1]>> into memref<?x2x4x2x4xf32, strided<[64, 32, 8, 4, 1]>>
  linalg.generic {indexing_maps = [#x, #w, #s, #s, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w, %w, %w : memref<?x2x4x2x4xf32, strided<[64, 32, 8, 4, 1]>>, memref<3x2x144xi8>, memref<3x2x144xi8>, memref<3x2x144xi8>)
      outs(%y : memref<?x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %sum = arith.addf %acc, %p : f32
    linalg.yield %sum : f32
  }
  return
}
