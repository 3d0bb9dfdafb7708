//===- Passes.td - Memory planning and buffer binding ------*- tablegen -*-===//
#ifndef G4_PASSES_MEMORY_PASSES_TD
#define G4_PASSES_MEMORY_PASSES_TD

include "mlir/Pass/PassBase.td"

def GemmaPlanMemoryPass : Pass<"g4-gemma-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Places every weight in the weight data and every KV cache in the KV arena";
  let description = [{
    Assigns each `gemma.param` an `offset` (bytes, aligned to 64) in the weight data, in
    declaration order, and each KV cache of the `@prefill` signature an offset in the KV
    arena. The plan is exact: sliding layers get a ring of `window` positions, global
    layers `max_context` positions, KV-shared layers nothing. Recorded as module
    attributes `gemma.weights_bytes`, `gemma.kv_bytes` and `gemma.kv_plan` (one dictionary
    per cache: layer, kind, capacity, kv_heads, head_dim, offset, bytes).
  }];
}

def BindEntryPointsPass : Pass<"g4-bind-entry-points", "::mlir::ModuleOp"> {
  let summary = "Rewrites the model functions into the runtime ABI over the weight and KV buffers";
  let description = [{
    Runs after g4-gemma-to-linalg. Each function marked `gemma.entry` ("prefill" or
    "decode") becomes `@g4_<entry>(tokens: memref<?xi32>, start: index, weights:
    memref<?xi8>, kv: memref<?xi8>, logits: memref<?x?xf32>, parallel: !llvm.ptr)` with
    a C interface (runtime/g4rt/abi/model_abi.h); the `g4_parallel_t*` is passed on to
    every kernel as its last argument. Weights are `memref.view`s of the weight data at
    their planned offsets, KV caches views of the KV arena updated in place, and the
    logits are written into the caller's buffer; `gemma.weight`/`gemma.param` disappear.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::tensor::TensorDialect", "::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def SortGlobalsPass : Pass<"g4-sort-globals", "::mlir::ModuleOp"> {
  let summary = "Orders memref.global ops by name, so compiled output is reproducible";
  let description = [{
    One-shot bufferization creates a `memref.global` per tensor constant, in an order
    that depends on how it walks functions (pointer-keyed maps), so the same input could
    produce differently ordered modules and objects. This moves all `memref.global` ops
    to the start of the module, sorted by symbol name.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

#endif // G4_PASSES_MEMORY_PASSES_TD
