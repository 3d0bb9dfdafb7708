//===- PlanMemory.cpp - g4-gemma-plan-memory ------------------------------===//

#include "dialects/Gemma/IR/GemmaOps.h"
#include "passes/Memory/MemoryPlan.h"
#include "passes/Memory/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#define DEBUG_TYPE "g4-gemma-plan-memory"

namespace g4 {
#define GEN_PASS_DEF_GEMMAPLANMEMORYPASS
#include "passes/Memory/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

struct GemmaPlanMemoryPass : impl::GemmaPlanMemoryPassBase<GemmaPlanMemoryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    Builder b(module.getContext());

    int64_t weightsEnd = 0;
    for (auto param : module.getOps<gemma::ParamOp>()) {
      auto type = cast<RankedTensorType>(param.getType());
      int64_t offset = alignTo(weightsEnd);
      param.setOffsetAttr(b.getI64IntegerAttr(offset));
      weightsEnd = offset + type.getNumElements() * type.getElementTypeBitWidth() / 8;
    }

    auto prefill = module.lookupSymbol<func::FuncOp>("prefill");
    if (!prefill) {
      module.emitError("g4-gemma-plan-memory: no @prefill function to read the KV caches from");
      return signalPassFailure();
    }
    SmallVector<Attribute> kvPlan;
    int64_t kvEnd = 0;
    for (Type type : prefill.getArgumentTypes()) {
      auto cache = dyn_cast<gemma::KVCacheType>(type);
      if (!cache)
        continue;
      int64_t offset = alignTo(kvEnd);
      int64_t bytes = cache.getStorageBytes();
      kvEnd = offset + bytes;
      kvPlan.push_back(b.getDictionaryAttr({
          b.getNamedAttr("layer", b.getI64IntegerAttr(cache.getLayer())),
          b.getNamedAttr("kind", b.getStringAttr(gemma::stringifyAttentionKind(cache.getKind()))),
          b.getNamedAttr("capacity", b.getI64IntegerAttr(cache.getCapacity())),
          b.getNamedAttr("kv_heads", b.getI64IntegerAttr(cache.getKvHeads())),
          b.getNamedAttr("head_dim", b.getI64IntegerAttr(cache.getHeadDim())),
          b.getNamedAttr("element_type", TypeAttr::get(cache.getElementType())),
          b.getNamedAttr("offset", b.getI64IntegerAttr(offset)),
          b.getNamedAttr("bytes", b.getI64IntegerAttr(bytes)),
      }));
    }
    module->setAttr("gemma.weights_bytes", b.getI64IntegerAttr(alignTo(weightsEnd)));
    module->setAttr("gemma.kv_bytes", b.getI64IntegerAttr(alignTo(kvEnd)));
    module->setAttr("gemma.kv_plan", b.getArrayAttr(kvPlan));
  }
};

} // namespace
} // namespace g4
