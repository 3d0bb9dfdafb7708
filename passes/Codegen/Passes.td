//===- Passes.td - Code generation details of the CPU lowering -*- tablegen -*-===//
#ifndef G4_PASSES_CODEGEN_PASSES_TD
#define G4_PASSES_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def ApproximateTanhPass : Pass<"g4-math-approximate-tanh", "::mlir::ModuleOp"> {
  let summary = "Replaces f32 math.tanh by MLIR's polynomial approximation";
  let description = [{
    tanh is in every GELU (MLP, PLE gate, experts) and in the final softcap. As a libm
    call (tanhf -> expm1f) it was ~10% of decode time and stays scalar; the rational
    approximation is inline arithmetic that LLVM can vectorise, needs no libm (the
    firmware library must not), and is accurate to a few ulp. Only tanh is rewritten:
    sin/cos keep their libm implementations because RoPE angles reach thousands of
    radians.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
}

#endif // G4_PASSES_CODEGEN_PASSES_TD
