//===- GemmaTypes.cpp - Attribute and type verifiers ----------------------===//
//
// Constraint ids (Tn for !gemma.kv_cache, Rn for #gemma.rope) match
// docs/dialects/gemma.md.
//
//===----------------------------------------------------------------------===//

#include "dialects/Gemma/IR/GemmaTypes.h"

#include <cmath>

using namespace mlir;
using namespace g4::gemma;

LogicalResult RopeAttr::verify(function_ref<InFlightDiagnostic()> emitError, RopeKind kind,
                               llvm::APFloat theta, int64_t rotatedPairs) {
  double value = theta.convertToDouble();
  if (!std::isfinite(value) || value <= 0)
    return emitError() << "R1: rope theta must be finite and positive; found " << value;
  if (rotatedPairs < 1)
    return emitError() << "R2: rope rotated_pairs must be at least 1; found " << rotatedPairs;
  return success();
}

LogicalResult KVCacheType::verify(function_ref<InFlightDiagnostic()> emitError, int64_t layer,
                                  AttentionKind kind, int64_t capacity, int64_t kvHeads,
                                  int64_t headDim, Type elementType) {
  if (layer < 0)
    return emitError() << "T1: kv_cache layer must be non-negative; found " << layer;
  if (capacity <= 0 || kvHeads <= 0 || headDim <= 0)
    return emitError() << "T2: kv_cache capacity, kv_heads and head_dim must be positive; found "
                       << capacity << ", " << kvHeads << ", " << headDim;
  if (headDim % 2 != 0)
    return emitError() << "T3: kv_cache head_dim must be even (RoPE pairs dims); found "
                       << headDim;
  // f32, or f16 (K and V are RMS-normed: f16's range holds them, and its 11-bit
  // significand halves the bytes decode attention reads).
  if (!elementType.isF32() && !elementType.isF16())
    return emitError() << "T4: kv_cache element_type must be f32 or f16; found " << elementType;
  return success();
}

int64_t KVCacheType::getStorageBytes() const {
  int64_t elementBytes = getElementType().getIntOrFloatBitWidth() / 8;
  return 2 * getCapacity() * getKvHeads() * getHeadDim() * elementBytes;
}
