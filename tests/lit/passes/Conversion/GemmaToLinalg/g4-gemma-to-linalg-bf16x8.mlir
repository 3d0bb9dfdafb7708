// A bf16x8 table (docs/dialects/gemma.md): each group of 8 rows transposed, so that the
// tied head reads 8 outputs' weights per input as one vector. The head's contraction
// runs over (m, group, row, k) with w viewed [N/8, K, 8] and is marked
// g4.interleaved_float for g4-vectorize-contractions; the embedding gather finds row i's
// value h at offset 8h + i % 8 of group i / 8. bf16x16 is the same with groups of 16.
// RUN: g4-opt %s --g4-gemma-to-linalg | FileCheck %s
// RUN: sed -e 's/bf16x8/bf16x16/g' -e 's/40x96/48x96/g' -e 's/x40xf32/x48xf32/g' %s | g4-opt --g4-gemma-to-linalg | FileCheck %s --check-prefix=X16

gemma.param @embed_tokens.weight : tensor<40x96xbf16> {format = #gemma.weight_format<bf16x8>}
func.func @tied(%tokens: tensor<?xi32>, %h: tensor<?x96xf32>) -> (tensor<?x96xf32>, tensor<?x40xf32>) {
  %table = gemma.weight @embed_tokens.weight : tensor<40x96xbf16>
  %e = gemma.embed %tokens, %table {scale = 2.0 : f32, format = #gemma.weight_format<bf16x8>} : (tensor<?xi32>, tensor<40x96xbf16>) -> tensor<?x96xf32>
  %y = gemma.linear %h, %table {format = #gemma.weight_format<bf16x8>} : (tensor<?x96xf32>, tensor<40x96xbf16>) -> tensor<?x40xf32>
  return %e, %y : tensor<?x96xf32>, tensor<?x40xf32>
}

// CHECK-DAG: #[[X:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d3, d2)>
// CHECK-DAG: #[[Y:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// CHECK-LABEL: func.func private @kernel_embed(
// CHECK-SAME:      %[[TOK:.+]]: tensor<?xi32>, %[[TABLE:.+]]: tensor<40x96xbf16>) -> tensor<?x96xf32>
// CHECK:         linalg.generic
// CHECK:           %[[ROW:.+]] = arith.index_cast %{{.+}} : i32 to index
// CHECK:           %[[COL:.+]] = linalg.index 1 : index
// CHECK:           %[[OFFSET:.+]] = arith.addi %{{.+}}, %{{.+}} : index
// CHECK:           %[[START:.+]] = arith.subi %[[ROW]], %{{.+}} : index
// CHECK:           %[[R:.+]] = arith.addi %[[START]], %{{.+}} : index
// CHECK:           %[[C:.+]] = arith.remui %[[OFFSET]], %c96 : index
// CHECK:           tensor.extract %[[TABLE]][%[[R]], %[[C]]] : tensor<40x96xbf16>

// CHECK-LABEL: func.func private @kernel_linear(
// CHECK-SAME:      %[[X0:.+]]: tensor<?x96xf32>, %[[W0:.+]]: tensor<40x96xbf16>) -> tensor<?x40xf32>
// CHECK:         %[[G:.+]] = tensor.expand_shape %[[W0]] {{\[\[}}0, 1], [2]] output_shape [5, 8, 96]
// CHECK:         %[[F:.+]] = tensor.collapse_shape %[[G]] {{\[\[}}0], [1, 2]] : tensor<5x8x96xbf16> into tensor<5x768xbf16>
// CHECK:         %[[T:.+]] = tensor.expand_shape %[[F]] {{\[\[}}0], [1, 2]] output_shape [5, 96, 8]
// CHECK:         %[[OUT:.+]] = linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[Y]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[X0]], %[[T]] : tensor<?x96xf32>, tensor<5x96x8xbf16>) outs(%{{.+}} : tensor<?x5x8xf32>)
// CHECK-SAME:        attrs = {g4.interleaved_float, g4.parallel_dim = 1 : i64}
// CHECK:         tensor.collapse_shape %[[OUT]] {{\[\[}}0], [1, 2]] : tensor<?x5x8xf32> into tensor<?x40xf32>

// X16-LABEL: func.func private @kernel_embed(
// X16:         arith.remui %{{.+}}, %c16 : index
// X16-LABEL: func.func private @kernel_linear(
// X16:         tensor.expand_shape %{{.+}} {{\[\[}}0, 1], [2]] output_shape [3, 16, 96]
// X16:         tensor.expand_shape %{{.+}} {{\[\[}}0], [1, 2]] output_shape [3, 96, 16]
// X16:         linalg.generic
// X16-SAME:        outs(%{{.+}} : tensor<?x3x16xf32>)
// X16-SAME:        attrs = {g4.interleaved_float, g4.parallel_dim = 1 : i64}
// X16:         tensor.collapse_shape %{{.+}} {{\[\[}}0], [1, 2]] : tensor<?x3x16xf32> into tensor<?x48xf32>

// Decode's matvec on an 18 MiB bf16 weight (9216 x 1024) asks for tasks of 128 KiB or
// more, a power of two of them up to 128 (144 tasks of 128 KiB): 128.
// CHECK-LABEL: func.func private @kernel_linear_0(
// CHECK-SAME:      tensor<1x1024xf32>
// CHECK:         linalg.generic
// CHECK-SAME:        attrs = {g4.interleaved_float, g4.max_tasks = 128 : i64, g4.parallel_dim = 1 : i64}
gemma.param @big.weight : tensor<9216x1024xbf16> {format = #gemma.weight_format<bf16x8>}
func.func @big_decode(%x: tensor<1x1024xf32>) -> tensor<1x9216xf32> {
  %w = gemma.weight @big.weight : tensor<9216x1024xbf16>
  %y = gemma.linear %x, %w {format = #gemma.weight_format<bf16x8>} : (tensor<1x1024xf32>, tensor<9216x1024xbf16>) -> tensor<1x9216xf32>
  return %y : tensor<1x9216xf32>
}
