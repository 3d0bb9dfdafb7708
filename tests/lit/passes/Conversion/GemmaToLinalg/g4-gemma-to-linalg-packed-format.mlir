// Packed weight formats (q8_0, q4_0; docs/dialects/gemma.md) are dequantised inside the
// contraction: the loops run over (m, n, block, [half,] j) and read each weight byte
// where it is stored, the f16 scale from the block's first two bytes (by integer
// arithmetic: no f16 conversion call), and never materialise a float matrix. The op is
// marked g4.packed_format, which g4-vectorize-contractions turns into a microkernel; these
// loops are the semantics (and the fallback).
// RUN: g4-opt %s --g4-gemma-to-linalg | FileCheck %s --implicit-check-not=arith.extf

gemma.param @q8.weight : tensor<40x102xi8> {format = #gemma.weight_format<q8_0>}
gemma.param @q4.weight : tensor<40x54xi8> {format = #gemma.weight_format<q4_0>}
func.func @quantized_linear(%x: tensor<?x96xf32>) -> (tensor<?x40xf32>, tensor<?x40xf32>) {
  %w = gemma.weight @q8.weight : tensor<40x102xi8>
  %y = gemma.linear %x, %w {format = #gemma.weight_format<q8_0>} : (tensor<?x96xf32>, tensor<40x102xi8>) -> tensor<?x40xf32>
  %w4 = gemma.weight @q4.weight : tensor<40x54xi8>
  %y4 = gemma.linear %x, %w4 {format = #gemma.weight_format<q4_0>} : (tensor<?x96xf32>, tensor<40x54xi8>) -> tensor<?x40xf32>
  return %y, %y4 : tensor<?x40xf32>, tensor<?x40xf32>
}

func.func @quantized_decode(%x: tensor<1x96xf32>) -> tensor<1x40xf32> {
  %w = gemma.weight @q8.weight : tensor<40x102xi8>
  %y = gemma.linear %x, %w {format = #gemma.weight_format<q8_0>} : (tensor<1x96xf32>, tensor<40x102xi8>) -> tensor<1x40xf32>
  return %y : tensor<1x40xf32>
}

// q8_0: 3 blocks of 34 bytes per row; x viewed as [4, 3, 32]; q at byte j + 2.
// CHECK-DAG: #[[X8:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[Q8:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d2, d3 + 2)>
// CHECK-DAG: #[[LO8:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d2, 0)>
// CHECK-DAG: #[[HI8:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d2, 1)>
// CHECK-DAG: #[[Y8:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// q4_0: 3 blocks of 18 bytes; x viewed as [4, 3, 2, 16]: byte j holds inputs j and j + 16.
// CHECK-DAG: #[[X4:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d3, d4)>
// CHECK-DAG: #[[Q4:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d4 + 2)>

// CHECK-LABEL: func.func private @kernel_linear(
// CHECK-SAME:      %[[X:.+]]: tensor<?x96xf32>, %[[W:.+]]: tensor<40x102xi8>) -> tensor<?x40xf32>
// CHECK:         %[[WB:.+]] = tensor.expand_shape %[[W]] {{\[\[}}0], [1, 2]] output_shape [40, 3, 34]
// CHECK:         %[[XB:.+]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2]] output_shape [%{{.+}}, 3, 32]
// CHECK:         linalg.generic {indexing_maps = [#[[X8]], #[[Q8]], #[[LO8]], #[[HI8]], {{.+}}], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME:        ins(%[[XB]], %[[WB]], %[[WB]], %[[WB]] : tensor<?x3x32xf32>, tensor<40x3x34xi8>, tensor<40x3x34xi8>, tensor<40x3x34xi8>)
// CHECK-SAME:        attrs = {g4.packed_format = "q8_0", g4.parallel_dim = 1 : i64}
// CHECK:           arith.sitofp %{{.+}} : i8 to f32
// CHECK:           arith.bitcast %{{.+}} : i32 to f32
// CHECK:           arith.mulf %{{.+}} fastmath<reassoc,contract> : f32
// CHECK:           arith.addf %{{.+}} fastmath<reassoc,contract> : f32

// CHECK-LABEL: func.func private @kernel_linear_0(
// CHECK:         tensor.expand_shape %{{.+}} {{\[\[}}0], [1, 2]] output_shape [40, 3, 18]
// CHECK:         tensor.expand_shape %{{.+}} {{\[\[}}0], [1, 2, 3]] output_shape [%{{.+}}, 3, 2, 16]
// CHECK:         linalg.generic {indexing_maps = [#[[X4]], #[[Q4]], {{.+}}], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME:        attrs = {g4.packed_format = "q4_0", g4.parallel_dim = 1 : i64}
// The nibble of half h: (b >> 4h) & 15, minus 8.
// CHECK:           %[[H:.+]] = linalg.index 3 : index
// CHECK:           arith.shrui
// CHECK:           arith.andi
// CHECK:           arith.subi

// Decode: the same loops on one row.
// CHECK-LABEL: func.func private @kernel_linear_1(
// CHECK:         linalg.generic {indexing_maps = [#[[X8]], #[[Q8]], #[[LO8]], #[[HI8]], #[[Y8]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME:        outs(%{{.+}} : tensor<1x40xf32>) attrs = {g4.packed_format = "q8_0", g4.parallel_dim = 1 : i64}
