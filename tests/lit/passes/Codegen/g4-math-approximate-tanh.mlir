// RUN: g4-opt %s --g4-math-approximate-tanh | FileCheck %s --implicit-check-not=math.tanh

// f32 tanh (GELU, softcap) becomes inline arithmetic: no libm call, vectorisable.
// CHECK-LABEL: func.func @gelu_tanh
// CHECK:         arith.mulf
// CHECK:         arith.divf
func.func @gelu_tanh(%x: f32) -> f32 {
  %t = math.tanh %x : f32
  return %t : f32
}



// Only tanh is approximated: RoPE's sin and cos are left to g4-math-inline-libm.
// CHECK-LABEL: func.func @rope_angles
// CHECK:         math.sin
// CHECK:         math.cos
func.func @rope_angles(%a: f32) -> (f32, f32) {
  %s = math.sin %a : f32
  %c = math.cos %a : f32
  return %s, %c : f32, f32
}
