//===- Summary.cpp - A human-readable summary of a gemma module -----------===//

#include "compiler/Driver/Summary.h"
#include "dialects/Gemma/IR/GemmaOps.h"
#include "dialects/Gemma/Utils/Structure.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include <map>
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace g4::gemma;

namespace g4 {

namespace {

std::string humanBytes(double bytes) {
  const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format("%.2f %s", bytes, units[u]);
  return s;
}

std::string typeName(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

void printParams(ModuleOp module, raw_ostream &os) {
  int64_t count = 0, elements = 0;
  std::map<std::string, int64_t> bytesByType;
  for (auto param : module.getOps<ParamOp>()) {
    auto type = cast<RankedTensorType>(param.getType());
    ++count;
    elements += type.getNumElements();
    bytesByType[typeName(type.getElementType())] +=
        type.getNumElements() * type.getElementTypeBitWidth() / 8;
  }
  os << llvm::format("parameters: %.3f B in %lld tensors (", elements / 1e9, (long long)count);
  llvm::interleaveComma(bytesByType, os, [&](const auto &entry) {
    os << humanBytes(entry.second) << " " << entry.first;
  });
  os << ")\n";
}

void printLayers(ArrayRef<LayerStructure> layers, raw_ostream &os) {
  os << "layer  type     head_dim  heads  kv_heads  kv_source  k_eq_v  window  rope_pairs  "
        "mlp     moe (experts/top_k/width)  ple\n";
  for (const LayerStructure &l : layers) {
    std::string source = l.kvDonor ? "layer " + std::to_string(*l.kvDonor) : "own";
    std::string moe = l.numExperts ? std::to_string(*l.numExperts) + "/" +
                                         std::to_string(*l.topK) + "/" +
                                         std::to_string(*l.expertIntermediateSize)
                                   : "-";
    os << llvm::format("%5lld  %-7s  %8lld  %5lld  %8lld  %-9s  %-6s  %6lld  %10lld  %-6lld  "
                       "%-25s  %s\n",
                       (long long)l.layer, l.global ? "global" : "sliding",
                       (long long)l.headDim, (long long)l.numHeads, (long long)l.numKvHeads,
                       source.c_str(), l.kEqV ? "yes" : "no", (long long)l.window,
                       (long long)l.rotatedPairs, (long long)l.intermediateSize, moe.c_str(),
                       l.perLayerInput ? "yes" : "no");
  }
}

void printCaches(func::FuncOp func, raw_ostream &os) {
  int64_t total = 0, sliding = 0, global = 0;
  Type element;
  for (Type t : func.getArgumentTypes()) {
    auto cache = dyn_cast<KVCacheType>(t);
    if (!cache)
      continue;
    total += cache.getStorageBytes();
    element = cache.getElementType();
    (cache.getKind() == AttentionKind::sliding ? sliding : global) += 1;
  }
  os << "kv caches: " << sliding << " sliding + " << global << " global layers own one, ";
  if (element)
    os << element << ", ";
  os << humanBytes(total) << " in all\n";
}

} // namespace

LogicalResult printModelSummary(ModuleOp module, raw_ostream &os) {
  auto prefill = module.lookupSymbol<func::FuncOp>("prefill");
  auto decode = module.lookupSymbol<func::FuncOp>("decode");
  if (!prefill || !decode)
    return module.emitError("summary: the module has no @prefill and @decode functions");
  FailureOr<std::vector<LayerStructure>> layers = extractStructure(prefill);
  if (failed(layers))
    return failure();

  auto logits = cast<RankedTensorType>(prefill.getResultTypes().front());
  int64_t hidden = 0;
  prefill.walk([&](EmbedOp embed) { hidden = embed.getResult().getType().getDimSize(1); });
  auto maxContext = module->getAttrOfType<IntegerAttr>("gemma.max_context");
  os << "model " << module.getName().value_or("(unnamed)") << ": " << layers->size()
     << " layers, hidden " << hidden << ", vocab " << logits.getDimSize(1) << ", max context "
     << (maxContext ? maxContext.getInt() : 0) << "\n";
  printParams(module, os);
  printLayers(*layers, os);
  printCaches(prefill, os);
  for (func::FuncOp func : {prefill, decode}) {
    int64_t ops = 0;
    func.walk([&](Operation *op) { ops += isa<GemmaDialect>(op->getDialect()); });
    os << "function @" << func.getName() << ": tokens "
       << typeName(func.getArgumentTypes().front()) << ", " << ops << " gemma ops\n";
  }
  return success();
}

} // namespace g4
