//===- MemRefLayout.h - Questions about a buffer's layout ---------*- C++ -*-===//
//
// The vectorising passes load whole vectors along a buffer's last dimension: they
// need its elements adjacent.
//
//===----------------------------------------------------------------------===//
#ifndef G4_PASSES_UTILS_MEMREFLAYOUT_H
#define G4_PASSES_UTILS_MEMREFLAYOUT_H

#include "mlir/IR/Value.h"

namespace g4 {

/// True when `memref` (a value of MemRefType) has a known layout whose last dimension
/// has stride 1.
bool hasUnitInnerStride(mlir::Value memref);

} // namespace g4

#endif // G4_PASSES_UTILS_MEMREFLAYOUT_H
