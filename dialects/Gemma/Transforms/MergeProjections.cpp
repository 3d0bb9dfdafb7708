//===- MergeProjections.cpp - g4-gemma-merge-projections ------------------===//

#include "dialects/Gemma/IR/GemmaOps.h"
#include "dialects/Gemma/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

#define DEBUG_TYPE "g4-gemma-merge-projections"

namespace g4::gemma {
#define GEN_PASS_DEF_GEMMAMERGEPROJECTIONSPASS
#include "dialects/Gemma/Transforms/Passes.h.inc"
} // namespace g4::gemma

using namespace mlir;

namespace g4::gemma {
namespace {

/// The name of the merged matrix: the Q matrix's with `q_proj` -> `qkv_proj`.
std::string mergedName(StringRef qName) {
  size_t at = qName.rfind("q_proj");
  if (at == StringRef::npos)
    return (qName + ".qkv").str();
  return (qName.substr(0, at) + "qkv_proj" + qName.substr(at + 6)).str();
}

struct GemmaMergeProjectionsPass : impl::GemmaMergeProjectionsPassBase<GemmaMergeProjectionsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    llvm::SetVector<ParamOp> replaced;
    SmallVector<AttentionOp> candidates;
    module.walk([&](AttentionOp op) { candidates.push_back(op); });
    for (AttentionOp attention : candidates)
      if (failed(merge(attention, symbols, replaced)))
        return signalPassFailure();
    for (ParamOp param : replaced)
      if (SymbolTable::symbolKnownUseEmpty(param, module))
        param.erase();
  }

private:
  /// The param `weight` reads, if it is a gemma.weight of one.
  static ParamOp paramOf(Value weight, SymbolTable &symbols) {
    auto read = weight ? weight.getDefiningOp<WeightOp>() : WeightOp();
    return read ? symbols.lookup<ParamOp>(read.getParam()) : ParamOp();
  }

  LogicalResult merge(AttentionOp attention, SymbolTable &symbols,
                      llvm::SetVector<ParamOp> &replaced) {
    auto project = dyn_cast_or_null<KVProjectOp>(attention.getKVProducer());
    if (!project || attention.isKVShared() || !attention.getQWeight() ||
        project.getInput() != attention.getInput() || project.getFormat() != attention.getFormat())
      return success();
    SmallVector<ParamOp> parts{paramOf(attention.getQWeight(), symbols),
                               paramOf(project.getKWeight(), symbols)};
    if (!project.isKEqV())
      parts.push_back(paramOf(project.getVWeight(), symbols));
    // The q_norm weight moves up to the qkv_project: a gemma.weight read, cloned there.
    if (!attention.getQNorm().getDefiningOp<WeightOp>())
      return success();
    auto first =
        parts.front() ? cast<RankedTensorType>(parts.front().getType()) : RankedTensorType();
    for (ParamOp part : parts) {
      if (!part || part.getParts())
        return success();
      auto type = cast<RankedTensorType>(part.getType());
      if (type.getRank() != 2 || type.getElementType() != first.getElementType() ||
          type.getDimSize(1) != first.getDimSize(1) || part.getFormat() != parts[0].getFormat())
        return success();
    }

    // A merged interleaved matrix holds its parts' bytes one after another only when each
    // part has the merged matrix's panel layout (docs/dialects/gemma.md, "Panels").
    if (std::optional<WeightFormat> format = parts[0].getFormat();
        format && isPackedFormat(*format) && interleavedRows(*format) == 8) {
      const int64_t inputs = first.getDimSize(1) / packedBlockBytes(*format) * 32;
      int64_t total = 0;
      for (ParamOp part : parts)
        total += cast<RankedTensorType>(part.getType()).getDimSize(0);
      const PanelLayout layout = interleavedPanelLayout(total, inputs);
      for (ParamOp part : parts)
        if (interleavedPanelLayout(cast<RankedTensorType>(part.getType()).getDimSize(0), inputs) !=
            layout)
          return success();
    }
    ParamOp merged = findOrDeclare(parts, symbols);
    if (!merged)
      return failure();
    OpBuilder b(project);
    Location loc = project.getLoc();
    Value weight = WeightOp::create(b, loc, merged.getType(), merged.getSymName());
    auto blockType = cast<RankedTensorType>(project.getKeys().getType());
    auto queryType = RankedTensorType::get(
        {blockType.getDimSize(0), int64_t(attention.getNumHeads()), blockType.getDimSize(2)},
        blockType.getElementType());
    auto qkv = QKVProjectOp::create(
        b, loc, queryType, blockType, blockType, project.getInput(), project.getStart(), weight,
        b.clone(*attention.getQNorm().getDefiningOp())->getResult(0), project.getKNorm(),
        project.getLayerAttr(), project.isKEqV() ? b.getUnitAttr() : UnitAttr(),
        project.getEpsilonAttr(), project.getRopeAttr(), project.getFormatAttr());
    project.getKeys().replaceAllUsesWith(qkv.getKeys());
    project.getValues().replaceAllUsesWith(qkv.getValues());

    b.setInsertionPoint(attention);
    auto rewritten = AttentionOp::create(
        b, attention.getLoc(), attention.getResult().getType(), attention.getInput(),
        attention.getStart(), attention.getCache(), attention.getKeys(), attention.getValues(),
        /*q_weight=*/Value(), /*q_norm=*/Value(), qkv.getQueries(), attention.getOWeight(),
        attention.getLayerAttr(), attention.getKindAttr(), attention.getWindowAttr(),
        attention.getNumHeadsAttr(), attention.getEpsilonAttr(), attention.getRopeAttr(),
        attention.getFormatAttr());
    attention.getResult().replaceAllUsesWith(rewritten.getResult());

    SmallVector<Value> oldWeights{attention.getQWeight(), attention.getQNorm(),
                                  project.getKWeight(), project.getVWeight(), project.getKNorm()};
    attention.erase();
    project.erase();
    for (Value w : oldWeights)
      if (Operation *read = w ? w.getDefiningOp<WeightOp>() : nullptr; read && w.use_empty())
        read->erase();
    replaced.insert(parts.begin(), parts.end());
    return success();
  }

  /// The merged param of `parts` (prefill and decode share it): declared after the
  /// first part, so the weight layout keeps the checkpoint's order.
  ParamOp findOrDeclare(ArrayRef<ParamOp> parts, SymbolTable &symbols) {
    ParamOp head = parts.front();
    std::string name = mergedName(head.getSymName());
    SmallVector<StringRef> names;
    SmallVector<int64_t> rows;
    for (ParamOp part : parts) {
      names.push_back(part.getSymName());
      rows.push_back(cast<RankedTensorType>(part.getType()).getDimSize(0));
    }
    OpBuilder b(head);
    if (auto existing = symbols.lookup<ParamOp>(name)) {
      if (existing.getParts() != b.getStrArrayAttr(names)) {
        existing.emitError() << "g4-gemma-merge-projections: @\"" << name
                             << "\" already exists and does not merge these parts";
        return ParamOp();
      }
      return existing;
    }
    auto first = cast<RankedTensorType>(head.getType());
    int64_t total = 0;
    for (int64_t r : rows)
      total += r;
    b.setInsertionPointAfter(head);
    auto merged = ParamOp::create(
        b, head.getLoc(), name,
        RankedTensorType::get({total, first.getDimSize(1)}, first.getElementType()));
    merged.setFormatAttr(head.getFormatAttr());
    merged.setPartsAttr(b.getStrArrayAttr(names));
    merged.setPartRows(rows);
    symbols.insert(merged);
    return merged;
  }
};

} // namespace
} // namespace g4::gemma
