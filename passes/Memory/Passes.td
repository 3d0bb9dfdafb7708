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
    per cache: layer, kind, capacity, kv_heads, head_dim, element_type, offset, bytes).
  }];
}

def BindEntryPointsPass : Pass<"g4-bind-entry-points", "::mlir::ModuleOp"> {
  let summary = "Rewrites the model functions into the runtime ABI over the weight and KV buffers";
  let description = [{
    Runs after g4-gemma-to-linalg. Each function marked `gemma.entry` ("prefill" or
    "decode") becomes `@g4_<entry>(tokens: memref<?xi32>, start: index, weights:
    memref<?xi8>, kv: memref<?xi8>, scratch: memref<?xi8>, logits: memref<?x?xf32>,
    parallel: !llvm.ptr)` with a C interface (runtime/g4rt/abi/model_abi.h); the
    `g4_parallel_t*` is passed on to every kernel as its last argument. The scratch
    argument is marked `g4.scratch` (g4-plan-scratch fills it with the temporaries) and
    each entry gets `g4.max_tokens`: 1 for decode, the module's
    `gemma.max_prefill_tokens` (else `gemma.max_context`) for prefill. Weights are `memref.view`s of the weight data at
    their planned offsets, KV caches views of the KV arena updated in place, and the
    logits are written into the caller's buffer; `gemma.weight`/`gemma.param` disappear.
    Prefill's third argument (how many of its last tokens get logits) becomes the
    caller's logits buffer's row count, `memref.dim %logits, 0`.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::tensor::TensorDialect", "::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def KernelResultsToOutParamsPass
    : Pass<"g4-kernel-results-to-out-params", "::mlir::ModuleOp"> {
  let summary = "Kernels write their results into buffers their callers allocate";
  let description = [{
    Runs on buffers, after bufferization. Every private function that returns memrefs
    must return buffers it allocates at its top level; each becomes an out-parameter
    (inserted before the trailing `g4_parallel_t*` of kernels), and every call site
    allocates it just before the call, with the sizes recomputed from the call's
    operands (the callee's size computation is cloned with its arguments replaced by
    the operands; `memref.dim` is resolved through the ops that made the memref). After
    this pass only the functions that allocate a buffer use it, which is what lets
    g4-plan-scratch give every buffer a place in one function's frame. A result that
    is finally copied whole into an argument of the caller that nothing else uses (an
    entry's logits), with every other use of it before the copy, is written there
    directly instead (a `memref.cast`, and the copy goes). Upstream
    `buffer-results-to-out-params` cannot hoist dynamically shaped results.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect"];
}

def PlanScratchPass : Pass<"g4-plan-scratch", "::mlir::ModuleOp"> {
  let summary = "Places every temporary buffer in the caller's scratch arena; no malloc";
  let description = [{
    Runs after g4-kernel-results-to-out-params, instead of buffer deallocation. Each
    function with a body gets a frame at the start of the scratch it is given: its
    `memref.alloc`s are grouped into slots (a slot is reused once all its buffers are
    dead, judged on the function's top-level ops, views and casts included), a slot is
    as large as its largest buffer (sizes can depend on the token count and the start
    position, so offsets are computed at the top of the function), and each alloc
    becomes a `memref.view` of the scratch at its slot's offset (64-byte aligned).
    Private functions get a `memref<?xi8>` scratch argument (marked `g4.scratch`,
    before the trailing `g4_parallel_t*`); public ones must already have one (the
    entries' ABI argument). Callees receive the scratch after the caller's frame.
    `memref.dealloc`s are erased.

    The bound: for each entry marked `g4.max_tokens` the pass evaluates, at compile
    time, the scratch it needs (frame + the largest callee's, recursively) for
    1, max_tokens/2 and max_tokens tokens at start positions 0, 1, max_context/2, the
    last allowed ones and around every KV capacity of `gemma.kv_plan`, and records the
    maximum as `g4.scratch_bytes` on the entry and, over all entries, on the module.
    Sizes that cannot be evaluated from the entry's token count and start position are
    an error naming the op. At run time each function checks that its frame fits the
    scratch it was given and traps (`llvm.intr.trap`, no runtime symbol) if not, so a
    bound the sampling got wrong stops the program instead of overrunning memory.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect", "::mlir::LLVM::LLVMDialect"];
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
