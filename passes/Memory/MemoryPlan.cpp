//===- MemoryPlan.cpp - The weight and KV-arena plan of a module ----------===//

#include "passes/Memory/MemoryPlan.h"
#include "dialects/Gemma/IR/GemmaOps.h"

#include "llvm/Support/Format.h"

using namespace mlir;

namespace g4 {

FailureOr<MemoryPlan> readMemoryPlan(ModuleOp module) {
  auto weightsBytes = module->getAttrOfType<IntegerAttr>("gemma.weights_bytes");
  auto kvBytes = module->getAttrOfType<IntegerAttr>("gemma.kv_bytes");
  auto kvPlan = module->getAttrOfType<ArrayAttr>("gemma.kv_plan");
  if (!weightsBytes || !kvBytes || !kvPlan)
    return module.emitError("the module has no memory plan (run g4-gemma-plan-memory)");
  MemoryPlan plan;
  plan.weightsBytes = weightsBytes.getInt();
  plan.kvBytes = kvBytes.getInt();
  if (auto scratch = module->getAttrOfType<IntegerAttr>("g4.scratch_bytes"))
    plan.scratchBytes = scratch.getInt();
  if (auto tokens = module->getAttrOfType<IntegerAttr>("gemma.max_prefill_tokens"))
    plan.maxPrefillTokens = tokens.getInt();
  else if (auto context = module->getAttrOfType<IntegerAttr>("gemma.max_context"))
    plan.maxPrefillTokens = context.getInt();
  for (auto param : module.getOps<gemma::ParamOp>()) {
    auto type = cast<RankedTensorType>(param.getType());
    std::string element;
    llvm::raw_string_ostream(element) << type.getElementType();
    WeightPlan weight;
    weight.name = param.getSymName().str();
    weight.offset = int64_t(param.getOffset().value_or(0));
    weight.bytes = type.getNumElements() * type.getElementTypeBitWidth() / 8;
    weight.shape.assign(type.getShape().begin(), type.getShape().end());
    weight.elementType = element;
    weight.logicalShape = weight.shape;
    if (auto format = param.getFormatAttr()) {
      weight.packedFormat = gemma::stringifyWeightFormat(format.getValue()).str();
      if (gemma::isPackedFormat(format.getValue()))
        weight.logicalShape.back() =
            weight.shape.back() / gemma::packedBlockBytes(format.getValue()) * 32;
    }
    if (auto parts = param.getParts())
      for (auto [name, rows] : llvm::zip_equal(parts->getAsValueRange<StringAttr>(),
                                               param.getPartRowsAttr().asArrayRef()))
        weight.parts.emplace_back(name.str(), rows);
    plan.weights.push_back(std::move(weight));
  }
  for (Attribute entry : kvPlan) {
    auto dict = cast<DictionaryAttr>(entry);
    auto get = [&](StringRef key) { return cast<IntegerAttr>(dict.get(key)).getInt(); };
    KVBufferPlan kv;
    kv.layer = get("layer");
    kv.sliding = cast<StringAttr>(dict.get("kind")).getValue() == "sliding";
    kv.capacity = get("capacity");
    kv.kvHeads = get("kv_heads");
    kv.headDim = get("head_dim");
    kv.offset = get("offset");
    kv.bytes = get("bytes");
    if (auto element = dyn_cast_or_null<TypeAttr>(dict.get("element_type"))) {
      kv.elementType.clear();
      llvm::raw_string_ostream(kv.elementType) << element.getValue();
    }
    plan.kv.push_back(std::move(kv));
  }
  return plan;
}

void printMemoryPlan(const MemoryPlan &plan, raw_ostream &os) {
  // Every cache of a module has the same element type (g4c --kv-cache-type).
  os << "kv arena (" << (plan.kv.empty() ? "f32" : plan.kv.front().elementType)
     << " K and V per layer that owns a cache):\n";
  os << "layer  kind     positions  kv_heads  head_dim      offset        bytes\n";
  for (const KVBufferPlan &kv : plan.kv)
    os << llvm::format("%5lld  %-7s  %9lld  %8lld  %8lld  %10lld  %11lld\n", (long long)kv.layer,
                       kv.sliding ? "sliding" : "global", (long long)kv.capacity,
                       (long long)kv.kvHeads, (long long)kv.headDim, (long long)kv.offset,
                       (long long)kv.bytes);
  os << "kv arena total: " << plan.kvBytes << " bytes in " << plan.kv.size() << " buffers\n";
  if (plan.scratchBytes > 0)
    os << "scratch arena: " << plan.scratchBytes << " bytes (prefill calls of at most "
       << plan.maxPrefillTokens << " tokens)\n";
  os << "weight data: " << plan.weightsBytes << " bytes in " << plan.weights.size() << " tensors\n";
}

} // namespace g4
