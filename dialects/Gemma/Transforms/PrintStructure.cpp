//===- PrintStructure.cpp - g4-gemma-print-structure ----------------------===//

#include "dialects/Gemma/Transforms/Passes.h"
#include "dialects/Gemma/Utils/Structure.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#define DEBUG_TYPE "g4-gemma-print-structure"

namespace g4::gemma {
#define GEN_PASS_DEF_GEMMAPRINTSTRUCTUREPASS
#include "dialects/Gemma/Transforms/Passes.h.inc"
} // namespace g4::gemma

using namespace mlir;

namespace g4::gemma {
namespace {

struct GemmaPrintStructurePass
    : impl::GemmaPrintStructurePassBase<GemmaPrintStructurePass> {
  using Base::Base;

  void runOnOperation() override {
    auto func = getOperation().lookupSymbol<func::FuncOp>(functionName);
    if (!func) {
      getOperation().emitError() << "g4-gemma-print-structure: no function @" << functionName;
      return signalPassFailure();
    }
    FailureOr<std::vector<LayerStructure>> layers = extractStructure(func);
    if (failed(layers))
      return signalPassFailure();
    printStructureJson(*layers, llvm::outs());
    markAllAnalysesPreserved();
  }
};

} // namespace
} // namespace g4::gemma
