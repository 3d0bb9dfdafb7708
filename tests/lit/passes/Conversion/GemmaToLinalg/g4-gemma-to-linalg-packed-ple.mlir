// Quantised per-layer-embedding projections: with a packed `format`, ple_inputs'
// projection and both matrices of ple_branch lower to the same packed contractions as
// gemma.linear (marked g4.packed_format for g4-vectorize-contractions), and no float
// copy of a weight is made. The per-layer table stays bf16: it is gathered one row per
// token.
// RUN: g4-opt %s --g4-gemma-to-linalg | FileCheck %s

gemma.param @embed_tokens_per_layer.weight : tensor<512x320xbf16>
gemma.param @per_layer_model_projection.weight : tensor<320x102xi8> {format = #gemma.weight_format<q8_0x8>}
gemma.param @per_layer_projection_norm.weight : tensor<32xbf16>
gemma.param @layers.0.per_layer_input_gate.weight : tensor<32x102xi8> {format = #gemma.weight_format<q8_0x8>}
gemma.param @layers.0.per_layer_projection.weight : tensor<96x34xi8> {format = #gemma.weight_format<q8_0x8>}
func.func @per_layer(%tokens: tensor<?xi32>, %h: tensor<?x96xf32>) -> tensor<?x96xf32> {
  %table = gemma.weight @embed_tokens_per_layer.weight : tensor<512x320xbf16>
  %proj = gemma.weight @per_layer_model_projection.weight : tensor<320x102xi8>
  %pn = gemma.weight @per_layer_projection_norm.weight : tensor<32xbf16>
  %ple = gemma.ple_inputs %tokens, %h, %table, %proj, %pn {table_scale = 4.0 : f32, projection_scale = 0.102062076 : f32, combine_scale = 0.707106769 : f32, epsilon = 1.0e-6 : f32, format = #gemma.weight_format<q8_0x8>}
      : (tensor<?xi32>, tensor<?x96xf32>, tensor<512x320xbf16>, tensor<320x102xi8>, tensor<32xbf16>) -> tensor<?x10x32xf32>
  %gate = gemma.weight @layers.0.per_layer_input_gate.weight : tensor<32x102xi8>
  %back = gemma.weight @layers.0.per_layer_projection.weight : tensor<96x34xi8>
  %g = gemma.ple_branch %h, %ple, %gate, %back {layer = 0 : i64, format = #gemma.weight_format<q8_0x8>}
      : (tensor<?x96xf32>, tensor<?x10x32xf32>, tensor<32x102xi8>, tensor<96x34xi8>) -> tensor<?x96xf32>
  return %g : tensor<?x96xf32>
}

// The projection [320, 96]: 40 groups of 8 rows, 3 blocks of 272 bytes each. The table
// row is read as bf16 and widened.
// CHECK-LABEL: func.func private @kernel_ple_inputs(
// CHECK:         arith.extf %{{.+}} : bf16 to f32
// CHECK:         tensor.expand_shape %{{.+}} {{\[\[}}0], [1, 2]] output_shape [40, 3, 272]
// CHECK:         linalg.generic
// CHECK-SAME:        attrs = {g4.min_task_size = 16 : i64, g4.packed_format = "q8_0x8"

// The gate [32, 96] (4 groups, 3 blocks), then the projection back [96, 32] (12 groups,
// 1 block) on the gated values.
// CHECK-LABEL: func.func private @kernel_ple_branch(
// CHECK:         tensor.expand_shape %{{.+}} {{\[\[}}0], [1, 2]] output_shape [4, 3, 272]
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.+}} : tensor<?x4x8xf32>) attrs = {g4.min_task_size = 16 : i64, g4.packed_format = "q8_0x8"
// CHECK:         math.tanh
// CHECK:         tensor.expand_shape %{{.+}} {{\[\[}}0], [1, 2]] output_shape [12, 1, 272]
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.+}} : tensor<?x12x8xf32>) attrs = {g4.min_task_size = 16 : i64, g4.packed_format = "q8_0x8"
// CHECK-NOT:     arith.extf
// CHECK:         return
