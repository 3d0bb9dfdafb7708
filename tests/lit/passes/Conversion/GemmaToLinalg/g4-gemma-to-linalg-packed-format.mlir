// Packed weight formats (q8_0, q4_0) have no lowering yet: the conversion says so with an
// error on the op, not only MLIR's generic "failed to legalize".
// RUN: not g4-opt %s --g4-gemma-to-linalg 2>&1 | FileCheck %s

// CHECK: error: 'gemma.linear' op weight format q8_0 has no lowering yet (use bf16, f16 or f32 weights)
gemma.param @q8.weight : tensor<40x102xi8>
func.func @quantized_linear(%x: tensor<4x96xf32>) -> tensor<4x40xf32> {
  %w = gemma.weight @q8.weight : tensor<40x102xi8>
  %y = gemma.linear %x, %w {format = #gemma.weight_format<q8_0>} : (tensor<4x96xf32>, tensor<40x102xi8>) -> tensor<4x40xf32>
  return %y : tensor<4x40xf32>
}
