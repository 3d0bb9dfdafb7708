//===- Passes.h - Splitting loops into tasks for an injected thread pool -*- C++ -*-===//
#ifndef G4_PASSES_PARALLEL_PASSES_H
#define G4_PASSES_PARALLEL_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/Pass.h"

namespace g4 {

#define GEN_PASS_DECL
#include "passes/Parallel/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Parallel/Passes.h.inc"

} // namespace g4

#endif // G4_PASSES_PARALLEL_PASSES_H
