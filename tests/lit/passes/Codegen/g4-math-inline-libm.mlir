// RUN: g4-opt %s --g4-math-inline-libm | FileCheck %s --implicit-check-not="math.exp {{.+}} : f32" \
// RUN:   --implicit-check-not=math.sin --implicit-check-not=math.cos
//
// The accuracy of the generated code, against double-precision libm: lowered to LLVM,
// linked with a C sweep (2M points each; RoPE angles up to 131072 rad) that prints the
// worst error in ulp and fails above 2 ulp (exp) or 1 ulp (sin, cos).
// RUN: g4-opt %s --g4-math-inline-libm --convert-math-to-llvm --convert-arith-to-llvm \
// RUN:   --convert-func-to-llvm --reconcile-unrealized-casts | mlir-translate --mlir-to-llvmir -o %t.ll
// RUN: clang -O1 %t.ll %S/Inputs/inline_libm_accuracy.c -lm -o %t.sweep
// RUN: %t.sweep | FileCheck %s --check-prefix=SWEEP
// SWEEP: exp max error
// SWEEP: sin max error
// SWEEP: cos max error
// SWEEP: PASS

// exp: reduction by a two-part ln2, a polynomial and 2^k from integer bits.
// CHECK-LABEL: func.func @g4_exp
// CHECK:         arith.fptosi
// CHECK:         arith.shli
// CHECK:         arith.bitcast {{.+}} : i32 to f32
func.func @g4_exp(%x: f32) -> f32 {
  %y = math.exp %x : f32
  return %y : f32
}

// sin and cos reduce in f64 and round the result back to f32.
// CHECK-LABEL: func.func @g4_sin
// CHECK:         arith.extf {{.+}} : f32 to f64
// CHECK:         arith.truncf {{.+}} : f64 to f32
func.func @g4_sin(%x: f32) -> f32 {
  %y = math.sin %x : f32
  return %y : f32
}

// CHECK-LABEL: func.func @g4_cos
// CHECK:         arith.extf {{.+}} : f32 to f64
func.func @g4_cos(%x: f32) -> f32 {
  %y = math.cos %x : f32
  return %y : f32
}

// Other element types are left for libm.
// CHECK-LABEL: func.func @f64_exp
// CHECK:         math.exp {{.+}} : f64
func.func @f64_exp(%x: f64) -> f64 {
  %y = math.exp %x : f64
  return %y : f64
}
