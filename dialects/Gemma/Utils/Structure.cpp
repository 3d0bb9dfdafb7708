//===- Structure.cpp - Per-layer structure of a gemma module --------------===//

#include "dialects/Gemma/Utils/Structure.h"
#include "dialects/Gemma/IR/GemmaOps.h"

#include "llvm/Support/JSON.h"

using namespace mlir;

namespace g4::gemma {

namespace {
/// Logical width of an MLP weight [inter, hidden] (packed formats keep dim 0 logical).
int64_t rows(Value weight) { return cast<ShapedType>(weight.getType()).getDimSize(0); }
} // namespace

FailureOr<std::vector<LayerStructure>> extractStructure(func::FuncOp func) {
  std::vector<LayerStructure> layers;
  LayerStructure *current = nullptr;
  auto needLayer = [&](Operation *op) -> LogicalResult {
    if (current)
      return success();
    return op->emitError("structure: op precedes the first gemma.attention, cannot attribute "
                         "it to a layer");
  };
  WalkResult result = func.walk([&](Operation *op) -> WalkResult {
    if (auto attn = dyn_cast<AttentionOp>(op)) {
      if (int64_t(attn.getLayer()) != int64_t(layers.size()))
        return op->emitError("structure: expected layer ") << layers.size() << ", found "
                                                           << attn.getLayer();
      KVCacheType cache = attn.getCache().getType();
      LayerStructure s;
      s.layer = int64_t(attn.getLayer());
      s.global = attn.getKind() == AttentionKind::global;
      s.headDim = cache.getHeadDim();
      s.numHeads = int64_t(attn.getNumHeads());
      s.numKvHeads = cache.getKvHeads();
      s.rotatedPairs = attn.getRope().getRotatedPairs();
      s.window = int64_t(attn.getWindow());
      if (attn.isKVShared())
        s.kvDonor = cache.getLayer();
      else if (auto producer = dyn_cast_or_null<KVProjectOp>(attn.getKVProducer()))
        s.kEqV = producer.isKEqV();
      else if (auto merged = dyn_cast_or_null<QKVProjectOp>(attn.getKVProducer()))
        s.kEqV = merged.isKEqV();
      layers.push_back(s);
      current = &layers.back();
      return WalkResult::advance();
    }
    if (auto mlp = dyn_cast<MLPOp>(op)) {
      if (failed(needLayer(op)))
        return WalkResult::interrupt();
      current->intermediateSize = rows(mlp.getGateWeight());
    } else if (auto moe = dyn_cast<MoEOp>(op)) {
      if (failed(needLayer(op)))
        return WalkResult::interrupt();
      auto gateUp = cast<ShapedType>(moe.getGateUpWeight().getType());
      current->numExperts = gateUp.getDimSize(0);
      current->topK = int64_t(moe.getTopK());
      current->expertIntermediateSize = gateUp.getDimSize(1) / 2;
    } else if (isa<PLEBranchOp>(op)) {
      if (failed(needLayer(op)))
        return WalkResult::interrupt();
      current->perLayerInput = true;
    }
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return failure();
  return layers;
}

void printStructureJson(ArrayRef<LayerStructure> layers, raw_ostream &os) {
  llvm::json::OStream j(os, /*IndentSize=*/0);
  auto array = [&](StringRef key, auto &&value) {
    j.attributeArray(key, [&] {
      for (const LayerStructure &l : layers)
        j.value(value(l));
    });
  };
  auto optional = [](std::optional<int64_t> v) -> llvm::json::Value {
    return v ? llvm::json::Value(*v) : llvm::json::Value(nullptr);
  };
  j.object([&] {
    array("layer_types", [](const LayerStructure &l) { return l.global ? "F" : "S"; });
    array("head_dim", [](const LayerStructure &l) { return l.headDim; });
    array("num_heads", [](const LayerStructure &l) { return l.numHeads; });
    array("num_kv_heads", [](const LayerStructure &l) { return l.numKvHeads; });
    array("k_eq_v", [](const LayerStructure &l) { return l.kEqV; });
    array("kv_donor", [&](const LayerStructure &l) { return optional(l.kvDonor); });
    array("intermediate_size", [](const LayerStructure &l) { return l.intermediateSize; });
    array("rotated_pairs", [](const LayerStructure &l) { return l.rotatedPairs; });
    array("window", [](const LayerStructure &l) { return l.window; });
    array("per_layer_input", [](const LayerStructure &l) { return l.perLayerInput; });
    array("moe", [&](const LayerStructure &l) -> llvm::json::Value {
      if (!l.numExperts)
        return nullptr;
      return llvm::json::Object{{"experts", *l.numExperts},
                                {"top_k", *l.topK},
                                {"expert_intermediate_size", *l.expertIntermediateSize}};
    });
  });
  os << "\n";
}

} // namespace g4::gemma
