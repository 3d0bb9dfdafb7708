//===- Passes.td - Conversions out of the gemma dialect ----*- tablegen -*-===//
#ifndef G4_PASSES_CONVERSION_PASSES_TD
#define G4_PASSES_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def GemmaToLinalgPass : Pass<"g4-gemma-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lowers gemma compute ops to linalg, tensor, arith, math and scf on tensors";
  let description = [{
    Every gemma op except `gemma.param` and `gemma.weight` becomes tensor-level code:
    projections are `linalg.generic` contractions that widen bf16/f16 weights to f32 in
    the loop body (weights are never expanded into an f32 copy), norms and softmax are
    reductions, RoPE and GELU are element-wise generics, attention gathers the past
    positions of the KV cache (ring slot `position mod capacity`) and the current block,
    MoE loops over tokens and reads only the selected experts' slices, and `kv_append`
    writes each kept position into its slot with `tensor.insert_slice`. Function
    signatures convert `!gemma.kv_cache<...>` to `tensor<2 x capacity x kv_heads x
    head_dim x elt>` (K then V).

    ```mlir
    %y = gemma.rms_norm %x, %w {epsilon = 1.0e-6 : f32} : tensor<?x96xf32>, tensor<96xbf16>
    // becomes a sum-of-squares reduction followed by an element-wise generic.
    ```
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::func::FuncDialect"
  ];
}

#endif // G4_PASSES_CONVERSION_PASSES_TD
