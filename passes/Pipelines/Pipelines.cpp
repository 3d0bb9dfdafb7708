//===- Pipelines.cpp - The named lowering pipelines of g4 -----------------===//

#include "passes/Pipelines/Pipelines.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace g4 {

const std::vector<PipelineStep> &cpuLoweringSteps() {
  static const std::vector<PipelineStep> steps = {
      // gemma level: merged projections, the exact memory plan, then linalg on tensors.
      {"g4-gemma-merge-projections", "g4-gemma-merge-projections"},
      {"g4-gemma-plan-memory", "g4-gemma-plan-memory"},
      {"g4-gemma-to-linalg", "g4-gemma-to-linalg"},
      {"g4-bind-entry-points", "g4-bind-entry-points"},
      {"convert-elementwise-to-linalg", "func.func(convert-elementwise-to-linalg)"},
      {"canonicalize", "canonicalize"},
      // Buffers: in place where the analysis proves it (KV caches, logits), freed after use.
      {"one-shot-bufferize", "one-shot-bufferize{bufferize-function-boundaries "
                             "function-boundary-type-conversion=identity-layout-map}"},
      {"g4-sort-globals", "g4-sort-globals"},
      // A kernel that updates a KV cache returns it; once canonicalize folds the in-place
      // loop away, dropping that result keeps the update in place across the call
      // instead of returning a clone that the caller copies back.
      {"drop-equivalent-buffer-results", "canonicalize,drop-equivalent-buffer-results"},
      // No malloc in generated code: kernels write into their callers' buffers, and
      // every buffer becomes a view of the caller's scratch arena.
      {"g4-kernel-results-to-out-params", "g4-kernel-results-to-out-params,canonicalize"},
      // x of each packed contraction quantised once, not once per task: decode's on the
      // stack, prefill's in buffers that g4-plan-scratch places.
      {"g4-prequantize-activations", "g4-prequantize-activations"},
      // cse merges the subviews of an in-place insert_slice; canonicalize then drops
      // the copy of a buffer onto itself that bufferization left there.
      {"g4-plan-scratch", "g4-plan-scratch,cse,canonicalize"},
      {"convert-bufferization-to-memref", "convert-bufferization-to-memref"},
      // Large independent loops become tasks for the caller's injected thread pool.
      {"g4-outline-parallel-tasks", "g4-outline-parallel-tasks"},
      // Weight contractions as register-blocked vector loops, shaped by the target.
      {"g4-vectorize-contractions", "g4-vectorize-contractions"},
      // Row sums (RMSNorm's sum of squares) in vector lanes carried in registers.
      {"g4-vectorize-row-reductions", "g4-vectorize-row-reductions"},
      {"convert-linalg-to-loops", "func.func(convert-linalg-to-loops)"},
      // LLVM dialect.
      {"convert-scf-to-cf", "convert-scf-to-cf"},
      // expand-strided-metadata emits affine.apply (toolchain.md pitfall 7).
      {"expand-strided-metadata", "expand-strided-metadata"},
      {"lower-affine", "lower-affine"},
      {"convert-vector-to-llvm", "convert-vector-to-llvm"},
      {"finalize-memref-to-llvm", "finalize-memref-to-llvm"},
      {"g4-math-approximate-tanh", "g4-math-approximate-tanh"},
      {"g4-math-inline-libm", "g4-math-inline-libm"},
      {"convert-math-to-llvm", "convert-math-to-llvm"},
      {"convert-math-to-libm", "convert-math-to-libm"},
      {"convert-to-llvm", "convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,"
                          "convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts"},
      {"g4-lower-parallel-dispatch", "g4-lower-parallel-dispatch"},
      {"cse", "canonicalize,cse"},
  };
  return steps;
}

FailureOr<size_t> findCpuLoweringStep(StringRef name) {
  const std::vector<PipelineStep> &steps = cpuLoweringSteps();
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].name == name)
      return i;
  std::string names;
  for (const PipelineStep &s : steps)
    names += (names.empty() ? "" : ", ") + s.name;
  llvm::errs() << "error: '" << name << "' names no pipeline step; the steps are: " << names
               << "\n";
  return failure();
}

LogicalResult buildCpuLoweringPipeline(OpPassManager &pm, size_t first, size_t last,
                                       const llvm::StringMap<std::string> &stepOptions) {
  const std::vector<PipelineStep> &steps = cpuLoweringSteps();
  for (size_t i = first; i < steps.size() && i <= last; ++i) {
    std::string text = steps[i].pipeline;
    auto options = stepOptions.find(steps[i].name);
    if (options != stepOptions.end() && !options->second.empty())
      text += "{" + options->second + "}";
    if (failed(parsePassPipeline(text, pm, llvm::errs())))
      return failure();
  }
  return success();
}

void registerPipelines() {
  PassPipelineRegistration<>("g4-lower-to-llvm",
                             "gemma -> linalg -> buffers -> LLVM dialect (CPU targets)",
                             [](OpPassManager &pm) { (void)buildCpuLoweringPipeline(pm); });
}

} // namespace g4
