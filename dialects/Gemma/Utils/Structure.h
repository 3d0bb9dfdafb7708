//===- Structure.h - Per-layer structure of a gemma module -------*- C++ -*-===//
//
// Reads back, from built `gemma` IR, the per-layer facts a reader checks first: attention
// type, head dim, KV heads, k_eq_v, KV donor, MLP width, RoPE pairs and MoE shape. Used
// by the g4-gemma-print-structure pass and `g4c --emit=structure`, and compared with the
// fixtures' golden "structure" in lit.
//
//===----------------------------------------------------------------------===//
#ifndef G4_DIALECTS_GEMMA_UTILS_STRUCTURE_H
#define G4_DIALECTS_GEMMA_UTILS_STRUCTURE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <vector>

namespace g4::gemma {

struct LayerStructure {
  int64_t layer = -1;
  bool global = false;
  int64_t headDim = 0;
  int64_t numHeads = 0;
  int64_t numKvHeads = 0;
  bool kEqV = false;
  std::optional<int64_t> kvDonor; // set for KV-shared layers
  int64_t intermediateSize = 0;
  int64_t rotatedPairs = 0;
  int64_t window = 0;
  std::optional<int64_t> numExperts, topK, expertIntermediateSize;
  bool perLayerInput = false;
};

/// Extracts the per-layer structure of `func` (ops are attributed to the layer of the
/// last `gemma.attention` seen). Fails with a diagnostic if an op cannot be attributed.
mlir::FailureOr<std::vector<LayerStructure>> extractStructure(mlir::func::FuncOp func);

/// Writes `layers` as one JSON object with one array per field, in the key layout of the
/// fixtures' golden.json "structure" (plus "moe", "window" and "per_layer_input").
void printStructureJson(llvm::ArrayRef<LayerStructure> layers, llvm::raw_ostream &os);

} // namespace g4::gemma

#endif // G4_DIALECTS_GEMMA_UTILS_STRUCTURE_H
