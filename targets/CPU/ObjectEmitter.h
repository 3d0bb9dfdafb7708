//===- ObjectEmitter.h - LLVM dialect -> LLVM IR -> object -------*- C++ -*-===//
#ifndef G4_TARGETS_CPU_OBJECTEMITTER_H
#define G4_TARGETS_CPU_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>

namespace g4 {

/// Translates an LLVM-dialect module into LLVM IR for `machine` (triple, data layout).
llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &context, llvm::TargetMachine &machine);

/// Runs LLVM's default optimisation pipeline at -O`level` (0-3) tuned for `machine`.
void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine, int level);

/// Generates a relocatable object file.
llvm::Error emitObject(llvm::Module &module, llvm::TargetMachine &machine,
                       llvm::raw_pwrite_stream &os);

} // namespace g4

#endif // G4_TARGETS_CPU_OBJECTEMITTER_H
