//===- MemoryPlan.h - The weight and KV-arena plan of a module ---*- C++ -*-===//
//
// Written by g4-gemma-plan-memory as module attributes; read back by the entry-point
// binding, `g4c --print-memory-plan`, the weight-blob writer and the model-info emitter.
//
//===----------------------------------------------------------------------===//
#ifndef G4_PASSES_MEMORY_MEMORYPLAN_H
#define G4_PASSES_MEMORY_MEMORYPLAN_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace g4 {

inline constexpr int64_t kTensorAlignment = 64;

struct KVBufferPlan {
  int64_t layer = 0;
  bool sliding = false;
  int64_t capacity = 0, kvHeads = 0, headDim = 0;
  int64_t offset = 0, bytes = 0;
  /// "f32" or "f16" (g4c --kv-cache-type).
  std::string elementType = "f32";
};

struct WeightPlan {
  std::string name;
  int64_t offset = 0, bytes = 0;
  std::vector<int64_t> shape;
  /// "f32", "bf16", "f16" or "i8" (packed formats).
  std::string elementType;
  /// For packed tensors: "q8_0" or "q4_0", and the float matrix's shape (the last dim
  /// holds 32 inputs per 34- or 18-byte block of `shape`).
  std::string packedFormat;
  std::vector<int64_t> logicalShape;
  /// A merged matrix (g4-gemma-merge-projections): the checkpoint tensors whose rows it
  /// holds, in order, and their row counts. Empty for a plain tensor.
  std::vector<std::pair<std::string, int64_t>> parts;
};

struct MemoryPlan {
  int64_t weightsBytes = 0;
  int64_t kvBytes = 0;
  /// Known after g4-plan-scratch (g4.scratch_bytes): the scratch arena every call needs.
  int64_t scratchBytes = 0;
  /// The most tokens one prefill call takes (gemma.max_prefill_tokens).
  int64_t maxPrefillTokens = 0;
  std::vector<WeightPlan> weights;
  std::vector<KVBufferPlan> kv;
};

inline int64_t alignTo(int64_t value, int64_t alignment = kTensorAlignment) {
  return (value + alignment - 1) / alignment * alignment;
}

/// Reads the plan recorded on `module`; fails (with a diagnostic) if it was not planned.
mlir::FailureOr<MemoryPlan> readMemoryPlan(mlir::ModuleOp module);

/// The plan as a table: one line per KV buffer and the totals.
void printMemoryPlan(const MemoryPlan &plan, llvm::raw_ostream &os);

} // namespace g4

#endif // G4_PASSES_MEMORY_MEMORYPLAN_H
