//===- Summary.h - A human-readable summary of a gemma module ----*- C++ -*-===//
#ifndef G4_COMPILER_DRIVER_SUMMARY_H
#define G4_COMPILER_DRIVER_SUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace g4 {

/// Prints what `module` contains, read from the IR itself: parameters (count, bytes by
/// element type), the per-layer table, KV caches (bytes at the module's max context),
/// and the model functions. Fails if the module is not a built model.
mlir::LogicalResult printModelSummary(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace g4

#endif // G4_COMPILER_DRIVER_SUMMARY_H
