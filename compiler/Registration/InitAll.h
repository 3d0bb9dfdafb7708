//===- InitAll.h - Every dialect and pass of g4 ------------------*- C++ -*-===//
//
// One registration point shared by g4-opt and g4c: the project's dialects and passes,
// the upstream dialects the lowering pipelines produce, their interface models
// (bufferization, conversion to LLVM, translation) and the upstream passes, so every
// step of a g4 pipeline can be replayed in g4-opt.
//
//===----------------------------------------------------------------------===//
#ifndef G4_COMPILER_REGISTRATION_INITALL_H
#define G4_COMPILER_REGISTRATION_INITALL_H

#include "dialects/Gemma/IR/GemmaDialect.h"
#include "dialects/Gemma/Transforms/Passes.h"
#include "passes/Codegen/Passes.h"
#include "passes/Conversion/Passes.h"
#include "passes/Memory/Passes.h"
#include "passes/Parallel/Passes.h"
#include "passes/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

namespace g4 {

inline void registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<gemma::GemmaDialect>();
  // Upstream dialects with their interface models (bufferization, conversion to LLVM,
  // translation to LLVM IR): the pipelines rely on them.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
}

inline void registerAllPasses() {
  gemma::registerGemmaTransformsPasses();
  registerG4ConversionPasses();
  registerG4MemoryPasses();
  registerG4ParallelPasses();
  registerG4CodegenPasses();
  registerPipelines();
  mlir::registerAllPasses();
}

} // namespace g4

#endif // G4_COMPILER_REGISTRATION_INITALL_H
