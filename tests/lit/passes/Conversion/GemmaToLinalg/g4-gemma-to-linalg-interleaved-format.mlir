// The 8-row interleaved formats (q8_0x8, q4_0x8; docs/dialects/gemma.md): a group of 8
// weight rows is one stream of blocks, each 8 scales then the quanta 4 inputs of each
// row at a time. The loops run over (m, group, row, block, g, i) (q4: g = s, h, i) and
// read each byte where it is stored; the output is [M, N/8, 8], returned as [M, N]. The
// op is marked g4.packed_format for g4-vectorize-contractions; these loops are the
// semantics (and the fallback).
// RUN: g4-opt %s --g4-gemma-to-linalg | FileCheck %s --implicit-check-not=arith.extf

gemma.param @q8.weight : tensor<40x102xi8> {format = #gemma.weight_format<q8_0x8>}
gemma.param @q4.weight : tensor<40x54xi8> {format = #gemma.weight_format<q4_0x8>}
func.func @interleaved_linear(%x: tensor<?x96xf32>) -> (tensor<?x40xf32>, tensor<?x40xf32>) {
  %w = gemma.weight @q8.weight : tensor<40x102xi8>
  %y = gemma.linear %x, %w {format = #gemma.weight_format<q8_0x8>} : (tensor<?x96xf32>, tensor<40x102xi8>) -> tensor<?x40xf32>
  %w4 = gemma.weight @q4.weight : tensor<40x54xi8>
  %y4 = gemma.linear %x, %w4 {format = #gemma.weight_format<q4_0x8>} : (tensor<?x96xf32>, tensor<40x54xi8>) -> tensor<?x40xf32>
  return %y, %y4 : tensor<?x40xf32>, tensor<?x40xf32>
}

// q8_0x8: input 4g + i of x [M, 3, 8, 4]; byte 16 + 32g + 4r + i of the group's block;
// scale r at bytes 2r, 2r + 1; output (m, t, r).
// CHECK-DAG: #[[X8:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d4, d5)>
// CHECK-DAG: #[[Q8:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d3, d4 * 32 + d2 * 4 + d5 + 16)>
// CHECK-DAG: #[[LO8:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d3, d2 * 2)>
// CHECK-DAG: #[[HI8:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d3, d2 * 2 + 1)>
// CHECK-DAG: #[[Y8:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>
// q4_0x8: input 8s + 4h + i of x [M, 3, 4, 2, 4]; nibble h of byte 16 + 32s + 4r + i.
// CHECK-DAG: #[[X4:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d3, d4, d5, d6)>
// CHECK-DAG: #[[Q4:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d3, d4 * 32 + d2 * 4 + d6 + 16)>
// Banded (below): x [M, panel, block, 4, 2, 4], w [band, panel, group, bytes], y [M, band, group, 8].
// CHECK-DAG: #[[XB4:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d4, d5, d6, d7, d8)>
// CHECK-DAG: #[[QB4:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d1, d4, d2, d5 * 144 + d6 * 32 + d3 * 4 + d8 + 16)>
// CHECK-DAG: #[[LOB4:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d1, d4, d2, d5 * 144 + d3 * 2)>
// CHECK-DAG: #[[YB4:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d1, d2, d3)>

// CHECK-LABEL: func.func private @kernel_linear(
// CHECK-SAME:      %[[X:.+]]: tensor<?x96xf32>, %[[W:.+]]: tensor<40x102xi8>) -> tensor<?x40xf32>
// CHECK:         %[[G:.+]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2]] output_shape [5, 8, 102]
// CHECK:         %[[F:.+]] = tensor.collapse_shape %[[G]] {{\[\[}}0], [1, 2]] : tensor<5x8x102xi8> into tensor<5x816xi8>
// CHECK:         %[[WB:.+]] = tensor.expand_shape %[[F]] {{\[\[}}0], [1, 2]] output_shape [5, 3, 272]
// CHECK:         %[[XB:.+]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2, 3]] output_shape [%{{.+}}, 3, 8, 4]
// CHECK:         %[[Y:.+]] = linalg.generic {indexing_maps = [#[[X8]], #[[Q8]], #[[LO8]], #[[HI8]], #[[Y8]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME:        ins(%[[XB]], %[[WB]], %[[WB]], %[[WB]] : tensor<?x3x8x4xf32>, tensor<5x3x272xi8>, tensor<5x3x272xi8>, tensor<5x3x272xi8>)
// CHECK-SAME:        outs(%{{.+}} : tensor<?x5x8xf32>) attrs = {g4.min_task_size = 16 : i64, g4.packed_format = "q8_0x8", g4.parallel_dim = 1 : i64}
// Tasks of at least 16 groups (g4.min_task_size): 110 KB of q4 at 1536 inputs.
// The stored byte is the quantum + 128.
// CHECK:           arith.extui %{{.+}} : i8 to i32
// CHECK:           arith.subi %{{.+}}, %c128_i32 : i32
// CHECK:           arith.sitofp %{{.+}} : i32 to f32
// CHECK:           arith.mulf %{{.+}} fastmath<reassoc,contract> : f32
// CHECK:           arith.addf %{{.+}} fastmath<reassoc,contract> : f32
// CHECK:         tensor.collapse_shape %[[Y]] {{\[\[}}0], [1, 2]] : tensor<?x5x8xf32> into tensor<?x40xf32>

// CHECK-LABEL: func.func private @kernel_linear_0(
// CHECK:         tensor.expand_shape %{{.+}} {{\[\[}}0], [1, 2]] output_shape [5, 3, 144]
// CHECK:         tensor.expand_shape %{{.+}} {{\[\[}}0], [1, 2, 3, 4]] output_shape [%{{.+}}, 3, 4, 2, 4]
// CHECK:         linalg.generic {indexing_maps = [#[[X4]], #[[Q4]], {{.+}}], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
// CHECK-SAME:        attrs = {g4.min_task_size = 16 : i64, g4.packed_format = "q4_0x8", g4.parallel_dim = 1 : i64}
// The nibble of half h: (b >> 4h) & 15, minus 8.
// CHECK:           linalg.index 5 : index
// CHECK:           arith.shrui
// CHECK:           arith.andi
// CHECK:           arith.subi

// -----

// A tied table in q8_0x8 (its head reads it as above) and in q8_0: embed reads one row
// per token, value h of row r from block h / 32. q8_0x8: group r - r mod 8, block at
// 272 (h / 32), scale at 2 (r mod 8), quantum at 16 + 32 ((h mod 32) / 4) + 4 (r mod 8)
// + h mod 4, stored + 128; a group's bytes run on through its 8 rows of 102 bytes.
// q8_0: scale at 34 (h / 32), the signed quantum 2 bytes on. Each value is
// q * f16(scale) * embed scale.
// CHECK-LABEL: func.func private @kernel_embed(
// CHECK-SAME:      %[[TOK:[^:]+]]: tensor<?xi32>, %[[TABLE:[^:]+]]: tensor<40x102xi8>)
// CHECK:         linalg.generic {{.+}} ins(%[[TOK]] : tensor<?xi32>)
// CHECK:           %[[ROW:.+]] = arith.index_cast
// CHECK:           %[[LANE:.+]] = arith.remui %[[ROW]], %c8
// CHECK:           %[[GROUP:.+]] = arith.subi %[[ROW]], %[[LANE]]
// CHECK:           arith.constant 272 : index
// CHECK:           tensor.extract %[[TABLE]]
// CHECK:           tensor.extract %[[TABLE]]
// CHECK:           arith.extui {{.+}} : i8 to i32
// CHECK:           arith.constant 128 : i32
// CHECK:           arith.subi
// CHECK:           arith.sitofp
// CHECK-LABEL: func.func private @kernel_embed_0(
// CHECK:           arith.constant 34 : index
// CHECK:           arith.extsi {{.+}} : i8 to i32
// CHECK:           arith.sitofp
func.func @packed_tables(%t: tensor<?xi32>, %a: tensor<40x102xi8>, %b: tensor<40x102xi8>) -> (tensor<?x96xf32>, tensor<?x96xf32>) {
  %h = gemma.embed %t, %a {scale = 2.0 : f32, format = #gemma.weight_format<q8_0x8>} : (tensor<?xi32>, tensor<40x102xi8>) -> tensor<?x96xf32>
  %g = gemma.embed %t, %b {scale = 2.0 : f32, format = #gemma.weight_format<q8_0>} : (tensor<?xi32>, tensor<40x102xi8>) -> tensor<?x96xf32>
  return %h, %g : tensor<?x96xf32>, tensor<?x96xf32>
}

// -----

// Rows of more than 64 blocks, banded (docs/dialects/gemma.md, "Panels"): 2112 inputs
// are 66 blocks, 2 panels of 33. The 64-row q4 weight is 2 bands of 4 groups, viewed as
// [band, panel, group, 33 blocks of bytes]; x's blocks as [panel, block]. The loops are
// (m, band, group, row, panel, block, s, h, i), the output [M, band, group, 8], and the
// split loop counts bands: at least 8 per task (32 groups). 40 rows are not a multiple of
// 4 groups: plain.
// CHECK-LABEL: func.func private @kernel_linear_1(
// CHECK-SAME:      %[[X:.+]]: tensor<?x2112xf32>, %[[W:.+]]: tensor<64x1188xi8>) -> tensor<?x64xf32>
// CHECK:         %[[G:.+]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2]] output_shape [2, 32, 1188]
// CHECK:         %[[F:.+]] = tensor.collapse_shape %[[G]] {{\[\[}}0], [1, 2]] : tensor<2x32x1188xi8> into tensor<2x38016xi8>
// CHECK:         %[[WB:.+]] = tensor.expand_shape %[[F]] {{\[\[}}0], [1, 2, 3]] output_shape [2, 2, 4, 4752]
// CHECK:         %[[XB:.+]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2, 3, 4, 5]] output_shape [%{{.+}}, 2, 33, 4, 2, 4]
// CHECK:         %[[Y:.+]] = linalg.generic {indexing_maps = [#[[XB4]], #[[QB4]], #[[LOB4]], #{{.+}}, #[[YB4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction", "reduction"]}
// CHECK-SAME:        ins(%[[XB]], %[[WB]], %[[WB]], %[[WB]] : tensor<?x2x33x4x2x4xf32>, tensor<2x2x4x4752xi8>, tensor<2x2x4x4752xi8>, tensor<2x2x4x4752xi8>)
// CHECK-SAME:        outs(%{{.+}} : tensor<?x2x4x8xf32>) attrs = {g4.min_task_size = 8 : i64, g4.packed_format = "q4_0x8", g4.parallel_dim = 1 : i64}
// CHECK:           linalg.index 7 : index
// CHECK:         tensor.collapse_shape %[[Y]] {{\[\[}}0], [1, 2, 3]] : tensor<?x2x4x8xf32> into tensor<?x64xf32>
// CHECK-LABEL: func.func private @kernel_linear_2(
// CHECK:         tensor.expand_shape %{{.+}} {{\[\[}}0], [1, 2]] output_shape [5, 66, 272]
// CHECK:         linalg.generic
// CHECK-SAME:        attrs = {g4.min_task_size = 16 : i64, g4.packed_format = "q8_0x8", g4.parallel_dim = 1 : i64}
gemma.param @wide4.weight : tensor<64x1188xi8> {format = #gemma.weight_format<q4_0x8>}
gemma.param @wide8.weight : tensor<40x2244xi8> {format = #gemma.weight_format<q8_0x8>}
func.func @banded_linear(%x: tensor<?x2112xf32>) -> (tensor<?x64xf32>, tensor<?x40xf32>) {
  %w4 = gemma.weight @wide4.weight : tensor<64x1188xi8>
  %y4 = gemma.linear %x, %w4 {format = #gemma.weight_format<q4_0x8>} : (tensor<?x2112xf32>, tensor<64x1188xi8>) -> tensor<?x64xf32>
  %w8 = gemma.weight @wide8.weight : tensor<40x2244xi8>
  %y8 = gemma.linear %x, %w8 {format = #gemma.weight_format<q8_0x8>} : (tensor<?x2112xf32>, tensor<40x2244xi8>) -> tensor<?x40xf32>
  return %y4, %y8 : tensor<?x64xf32>, tensor<?x40xf32>
}

// A banded table (32 rows, one band of 4 groups; 66 blocks, 2 panels of 33): row r's
// band starts at row r - r mod 32, and block h / 32 of its group (r mod 32) / 8 is at
// block ((h / 32) / 33 * 4 + (r mod 32) / 8) * 33 + (h / 32) mod 33 of the band.
// CHECK-LABEL: func.func private @kernel_embed_1(
// CHECK-SAME:      %[[TOK:[^:]+]]: tensor<?xi32>, %[[TABLE:[^:]+]]: tensor<32x2244xi8>)
// CHECK:           %[[ROW:.+]] = arith.index_cast
// CHECK:           %[[BLOCK:.+]] = arith.divui %{{.+}}, %c32
// CHECK:           %[[INBAND:.+]] = arith.remui %[[ROW]], %c32
// CHECK:           %[[BAND:.+]] = arith.subi %[[ROW]], %[[INBAND]]
// CHECK:           %[[GROUP:.+]] = arith.divui %[[INBAND]], %c8
// CHECK:           %[[PANEL:.+]] = arith.divui %[[BLOCK]], %c33
// CHECK:           %[[INPANEL:.+]] = arith.remui %[[BLOCK]], %c33
// CHECK:           arith.muli %[[PANEL]], %c132
// CHECK:           arith.muli %[[GROUP]], %c33
// CHECK:           arith.constant 272 : index
// CHECK:           tensor.extract %[[TABLE]]
func.func @banded_table(%t: tensor<?xi32>, %a: tensor<32x2244xi8>) -> tensor<?x2112xf32> {
  %h = gemma.embed %t, %a {scale = 2.0 : f32, format = #gemma.weight_format<q8_0x8>} : (tensor<?xi32>, tensor<32x2244xi8>) -> tensor<?x2112xf32>
  return %h : tensor<?x2112xf32>
}

// Decode's banded contraction (x is one row): only weights stream through its tasks, so
// they keep at least 8 groups (2 bands) instead of prefill's 32.
// CHECK-LABEL: func.func private @kernel_linear_3(
// CHECK-SAME:      %{{.+}}: tensor<1x2112xf32>, %{{.+}}: tensor<64x1188xi8>) -> tensor<1x64xf32>
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.+}} : tensor<1x2x4x8xf32>) attrs = {g4.min_task_size = 2 : i64, g4.packed_format = "q4_0x8", g4.parallel_dim = 1 : i64}
func.func @banded_linear_one_row(%x: tensor<1x2112xf32>) -> tensor<1x64xf32> {
  %w4 = gemma.weight @wide4.weight : tensor<64x1188xi8>
  %y4 = gemma.linear %x, %w4 {format = #gemma.weight_format<q4_0x8>} : (tensor<1x2112xf32>, tensor<64x1188xi8>) -> tensor<1x64xf32>
  return %y4 : tensor<1x64xf32>
}

// Decode's matvec on a weight of 4 MiB or more (here 16384 x 1024 in q8_0x8, 17 MiB)
// asks for tasks of 128 KiB or more, a power of two of them up to 128: g4.max_tasks =
// 128 (136 tasks of 128 KiB), above g4-outline-parallel-tasks' default of 16. Prefill's
// contraction on the same weight keeps the default.
// CHECK-LABEL: func.func private @kernel_linear_4(
// CHECK-SAME:      tensor<1x1024xf32>
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.+}} : tensor<1x2048x8xf32>) attrs = {g4.max_tasks = 128 : i64, g4.min_task_size = 16 : i64, g4.packed_format = "q8_0x8", g4.parallel_dim = 1 : i64}
// CHECK-LABEL: func.func private @kernel_linear_5(
// CHECK-SAME:      tensor<?x1024xf32>
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.+}} : tensor<?x2048x8xf32>) attrs = {g4.min_task_size = 16 : i64, g4.packed_format = "q8_0x8", g4.parallel_dim = 1 : i64}
gemma.param @big8.weight : tensor<16384x1088xi8> {format = #gemma.weight_format<q8_0x8>}
func.func @big_linear(%x: tensor<1x1024xf32>, %xs: tensor<?x1024xf32>) -> (tensor<1x16384xf32>, tensor<?x16384xf32>) {
  %w = gemma.weight @big8.weight : tensor<16384x1088xi8>
  %y = gemma.linear %x, %w {format = #gemma.weight_format<q8_0x8>} : (tensor<1x1024xf32>, tensor<16384x1088xi8>) -> tensor<1x16384xf32>
  %ys = gemma.linear %xs, %w {format = #gemma.weight_format<q8_0x8>} : (tensor<?x1024xf32>, tensor<16384x1088xi8>) -> tensor<?x16384xf32>
  return %y, %ys : tensor<1x16384xf32>, tensor<?x16384xf32>
}
