//===- SortGlobals.cpp - g4-sort-globals ----------------------------------===//

#include "passes/Memory/Passes.h"

#include "mlir/IR/BuiltinOps.h"

#define DEBUG_TYPE "g4-sort-globals"

namespace g4 {
#define GEN_PASS_DEF_SORTGLOBALSPASS
#include "passes/Memory/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

struct SortGlobalsPass : impl::SortGlobalsPassBase<SortGlobalsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<memref::GlobalOp> globals(module.getOps<memref::GlobalOp>());
    llvm::stable_sort(globals, [](memref::GlobalOp a, memref::GlobalOp b) {
      return a.getSymName() < b.getSymName();
    });
    Block *body = module.getBody();
    for (memref::GlobalOp global : llvm::reverse(globals))
      global->moveBefore(body, body->begin());
  }
};

} // namespace
} // namespace g4
