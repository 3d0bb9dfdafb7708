//===- Pipelines.h - The named lowering pipelines of g4 ----------*- C++ -*-===//
//
// The CPU lowering, gemma -> linalg on tensors -> buffers -> LLVM dialect, as an ordered
// list of steps. Each step is a textual pass pipeline, so `g4c --stop-after=STEP` prints
// the IR where a user can pick it up with the same passes in g4-opt.
//
//===----------------------------------------------------------------------===//
#ifndef G4_PASSES_PIPELINES_PIPELINES_H
#define G4_PASSES_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringMap.h"

#include <string>
#include <vector>

namespace g4 {

struct PipelineStep {
  /// The name --stop-after takes (the pass flag, or a short name for a group).
  std::string name;
  /// Un-anchored textual pipeline run on the module (toolchain.md pitfall 5).
  std::string pipeline;
};

/// gemma -> LLVM dialect for CPU targets, in order.
const std::vector<PipelineStep> &cpuLoweringSteps();

/// The index of the step named `name`; fails, listing the step names, if there is none.
mlir::FailureOr<size_t> findCpuLoweringStep(llvm::StringRef name);

/// Adds steps [first, last] to `pm` (all steps by default). `stepOptions` gives the
/// options of single-pass steps by step name (the target's, e.g. for
/// g4-vectorize-contractions); steps not named keep their defaults.
mlir::LogicalResult buildCpuLoweringPipeline(mlir::OpPassManager &pm, size_t first = 0,
                                             size_t last = SIZE_MAX,
                                             const llvm::StringMap<std::string> &stepOptions = {});

/// Registers `g4-lower-to-llvm` (the whole list) with the pass-pipeline registry.
void registerPipelines();

} // namespace g4

#endif // G4_PASSES_PIPELINES_PIPELINES_H
