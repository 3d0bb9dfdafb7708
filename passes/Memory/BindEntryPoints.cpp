//===- BindEntryPoints.cpp - g4-bind-entry-points -------------------------===//

#include "dialects/Gemma/IR/GemmaOps.h"
#include "passes/Memory/MemoryPlan.h"
#include "passes/Memory/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#define DEBUG_TYPE "g4-bind-entry-points"

namespace g4 {
#define GEN_PASS_DEF_BINDENTRYPOINTSPASS
#include "passes/Memory/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

/// A statically shaped view of `buffer` (memref<?xi8>) at `offset` bytes.
Value viewAt(ImplicitLocOpBuilder &b, Value buffer, int64_t offset, ArrayRef<int64_t> shape,
             Type elementType) {
  Value shift = arith::ConstantIndexOp::create(b, offset);
  return memref::ViewOp::create(b, MemRefType::get(shape, elementType), buffer, shift,
                                ValueRange{});
}

class EntryBinder {
public:
  EntryBinder(ModuleOp module, const MemoryPlan &plan, int64_t maxPrefillTokens)
      : module(module), plan(plan), maxPrefillTokens(maxPrefillTokens) {
    for (auto param : module.getOps<gemma::ParamOp>())
      params[param.getSymName()] = param;
  }

  LogicalResult bind(func::FuncOp old, StringRef entry);

private:
  ModuleOp module;
  const MemoryPlan &plan;
  int64_t maxPrefillTokens;
  llvm::StringMap<gemma::ParamOp> params;
};

LogicalResult EntryBinder::bind(func::FuncOp old, StringRef entry) {
  MLIRContext *ctx = module.getContext();
  // (tokens, start, [prefill: rows of logits,] caches...)
  unsigned firstCache = entry == "prefill" ? 3 : 2;
  if (old.getNumArguments() < firstCache || !old.getArgument(firstCache - 1).getType().isIndex() ||
      !old.getArgument(1).getType().isIndex())
    return old.emitError() << "g4-bind-entry-points: the " << entry << " entry takes (tokens, start"
                           << (entry == "prefill" ? ", logit rows" : "")
                           << ", caches...) with index start"
                           << (entry == "prefill" ? " and logit rows" : "") << "; found "
                           << old.getFunctionType();
  ImplicitLocOpBuilder b(old.getLoc(), old);
  auto bytes = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
  auto tokensType = MemRefType::get({ShapedType::kDynamic}, b.getI32Type());
  auto logitsType = MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic}, b.getF32Type());
  auto execType = LLVM::LLVMPointerType::get(ctx);
  auto type = FunctionType::get(
      ctx, {tokensType, b.getIndexType(), bytes, bytes, bytes, logitsType, execType}, {});
  auto func = func::FuncOp::create(b, ("g4_" + entry).str(), type);
  func->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
  // The temporaries live in the scratch arena (g4-plan-scratch), sized for calls of at
  // most `g4.max_tokens` tokens.
  func.setArgAttr(4, "g4.scratch", UnitAttr::get(ctx));
  func->setAttr("g4.max_tokens", b.getI64IntegerAttr(entry == "decode" ? 1 : maxPrefillTokens));
  Block *body = func.addEntryBlock();
  Value tokens = body->getArgument(0), start = body->getArgument(1), weights = body->getArgument(2),
        kv = body->getArgument(3), logits = body->getArgument(5), parallel = body->getArgument(6);
  b.setInsertionPointToStart(body);

  Block &oldBody = old.getBody().front();
  auto oldTokensType = cast<RankedTensorType>(oldBody.getArgument(0).getType());
  Value tokenTensor = bufferization::ToTensorOp::create(
      b, RankedTensorType::get({ShapedType::kDynamic}, b.getI32Type()), tokens, /*restrict=*/true);
  oldBody.getArgument(0).replaceAllUsesWith(tensor::CastOp::create(b, oldTokensType, tokenTensor));
  oldBody.getArgument(1).replaceAllUsesWith(start);
  // Prefill's rows of logits: as many as the caller's logits buffer has (the last ones).
  if (entry == "prefill")
    oldBody.getArgument(2).replaceAllUsesWith(memref::DimOp::create(b, logits, 0).getResult());

  // The caches, in signature order, are the plan's KV buffers in order.
  SmallVector<Value> cacheViews;
  unsigned numCaches = oldBody.getNumArguments() - firstCache;
  if (numCaches != plan.kv.size())
    return old.emitError() << "g4-bind-entry-points: " << numCaches << " cache arguments but "
                           << plan.kv.size() << " planned KV buffers";
  for (unsigned i = 0; i < numCaches; ++i) {
    BlockArgument arg = oldBody.getArgument(firstCache + i);
    auto cacheType = cast<RankedTensorType>(arg.getType());
    Value view = viewAt(b, kv, plan.kv[i].offset, cacheType.getShape(), cacheType.getElementType());
    cacheViews.push_back(view);
    arg.replaceAllUsesWith(bufferization::ToTensorOp::create(b, cacheType, view, /*restrict=*/true,
                                                             /*writable=*/true));
  }

  body->getOperations().splice(body->end(), oldBody.getOperations());

  // Weights: read-only views of the weight data.
  SmallVector<gemma::WeightOp> weightOps;
  func.walk([&](gemma::WeightOp op) { weightOps.push_back(op); });
  for (gemma::WeightOp op : weightOps) {
    gemma::ParamOp param = params.lookup(op.getParam());
    auto tensorType = cast<RankedTensorType>(op.getType());
    b.setInsertionPoint(op);
    Value view = viewAt(b, weights, int64_t(param.getOffset().value_or(0)), tensorType.getShape(),
                        tensorType.getElementType());
    op.replaceAllUsesWith(
        bufferization::ToTensorOp::create(b, tensorType, view, /*restrict=*/true).getResult());
    op.erase();
  }

  // Every kernel gets the caller's g4_parallel_t* as its last argument, for the tasks
  // g4-outline-parallel-tasks splits its loops into.
  func.walk([&](func::CallOp call) {
    auto kernel = module.lookupSymbol<func::FuncOp>(call.getCallee());
    if (!kernel || !kernel->hasAttr("g4.kernel_key"))
      return;
    if (!kernel->hasAttr("g4.parallel_arg")) {
      (void)kernel.insertArgument(kernel.getNumArguments(), execType, {}, kernel.getLoc());
      kernel->setAttr("g4.parallel_arg", UnitAttr::get(ctx));
    }
    call.getOperandsMutable().append(parallel);
  });

  // Results: logits into the caller's buffer, caches back into their views.
  auto ret = cast<func::ReturnOp>(body->getTerminator());
  b.setInsertionPoint(ret);
  Value logitsTensor = tensor::CastOp::create(
      b, RankedTensorType::get({ShapedType::kDynamic, ShapedType::kDynamic}, b.getF32Type()),
      ret.getOperand(0));
  bufferization::MaterializeInDestinationOp::create(b, TypeRange{}, logitsTensor, logits,
                                                    /*restrict=*/true, /*writable=*/true);
  for (auto [value, view] : llvm::zip(ret.getOperands().drop_front(), cacheViews))
    bufferization::MaterializeInDestinationOp::create(b, TypeRange{}, value, view,
                                                      /*restrict=*/true, /*writable=*/true);
  func::ReturnOp::create(b);
  ret.erase();
  old.erase();
  return success();
}

struct BindEntryPointsPass : impl::BindEntryPointsPassBase<BindEntryPointsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<MemoryPlan> plan = readMemoryPlan(module);
    if (failed(plan))
      return signalPassFailure();
    // Prefill calls take at most gemma.max_prefill_tokens tokens (the runtime splits
    // longer prompts); without it, up to gemma.max_context.
    auto maxPrefill = module->getAttrOfType<IntegerAttr>("gemma.max_prefill_tokens");
    if (!maxPrefill)
      maxPrefill = module->getAttrOfType<IntegerAttr>("gemma.max_context");
    if (!maxPrefill || maxPrefill.getInt() < 1) {
      module.emitError("g4-bind-entry-points: the module needs a positive "
                       "gemma.max_prefill_tokens or gemma.max_context");
      return signalPassFailure();
    }
    EntryBinder binder(module, *plan, maxPrefill.getInt());
    SmallVector<std::pair<func::FuncOp, std::string>> entries;
    for (auto func : module.getOps<func::FuncOp>())
      if (auto entry = func->getAttrOfType<StringAttr>("gemma.entry"))
        entries.push_back({func, entry.str()});
    for (auto &[func, entry] : entries)
      if (failed(binder.bind(func, entry)))
        return signalPassFailure();
    for (auto param : llvm::make_early_inc_range(module.getOps<gemma::ParamOp>()))
      param.erase();
  }
};

} // namespace
} // namespace g4
