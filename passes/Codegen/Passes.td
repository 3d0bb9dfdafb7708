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
    exp, sin and cos are g4-math-inline-libm's.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
}

def InlineLibmPass : Pass<"g4-math-inline-libm", "::mlir::ModuleOp"> {
  let summary = "Replaces f32 math.exp, math.sin and math.cos by inline arithmetic";
  let description = [{
    The last libm functions compiled models called (expf for softmax and MoE routing,
    sinf/cosf for RoPE) become inline code, so the generated object needs only memcpy
    and memset (the firmware library's contract) and LLVM can vectorise softmax.
    exp: Cody-Waite reduction by ln2 in two parts, a degree-6 polynomial (~1 ulp),
    scaling by 2^k in two factors so subnormal results are right; +inf above
    88.7228, NaN stays NaN. sin/cos: reduced by pi/2 in f64 with a two-part constant,
    exact for |x| below ~1e6 radians (RoPE angles of long contexts), fdlibm's kernels
    in f64, rounded to f32; NaN for non-finite input. Only scalar f32 ops are
    rewritten (the lowering is scalar at this point); others are left for libm.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
}

#endif // G4_PASSES_CODEGEN_PASSES_TD
