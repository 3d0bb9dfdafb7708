//===- KernelResultsToOutParams.cpp - g4-kernel-results-to-out-params -----===//
//
// Upstream buffer-results-to-out-params cannot move a dynamically shaped allocation to
// the callers; ours can, because a kernel's result sizes are computed from its
// arguments, so each caller can compute them from the call's operands.
//
//===----------------------------------------------------------------------===//

#include "passes/Memory/Passes.h"
#include "passes/Memory/SizeExpressions.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"

#define DEBUG_TYPE "g4-kernel-results-to-out-params"

namespace g4 {
#define GEN_PASS_DEF_KERNELRESULTSTOOUTPARAMSPASS
#include "passes/Memory/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

/// Where new arguments go: before the trailing g4_parallel_t* of a kernel, which the
/// parallel passes expect last.
unsigned outParamPosition(func::FuncOp func) {
  return func.getNumArguments() - (func->hasAttr("g4.parallel_arg") ? 1 : 0);
}

/// The allocations `func` returns, in result order; fails if a result is anything else.
FailureOr<SmallVector<memref::AllocOp>> returnedAllocations(func::FuncOp func) {
  if (!func.getBody().hasOneBlock())
    return func.emitError() << "g4-kernel-results-to-out-params: @" << func.getSymName()
                            << " has more than one block";
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  SmallVector<memref::AllocOp> allocs;
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    auto alloc = value.getDefiningOp<memref::AllocOp>();
    if (!alloc || alloc->getBlock() != &func.getBody().front())
      return func.emitError() << "g4-kernel-results-to-out-params: result #" << i << " of @"
                              << func.getSymName()
                              << " is not a buffer the function allocates at its top level";
    if (llvm::is_contained(allocs, alloc))
      return func.emitError() << "g4-kernel-results-to-out-params: @" << func.getSymName()
                              << " returns one buffer twice";
    if (!alloc.getSymbolOperands().empty())
      return alloc.emitError()
             << "g4-kernel-results-to-out-params: symbolic layouts are not supported";
    allocs.push_back(alloc);
  }
  return allocs;
}

/// The caller's buffer a call result is only copied into, when the kernel can write
/// there directly: the result's one use is a copy into an argument of the caller that
/// nothing else uses (the entries' logits), with a shape the result's type can cast to.
memref::CopyOp copiedIntoArgument(func::CallOp call, Value result) {
  if (!result.hasOneUse())
    return {};
  auto copy = dyn_cast<memref::CopyOp>(*result.getUsers().begin());
  if (!copy || copy.getSource() != result || copy->getBlock() != call->getBlock())
    return {};
  // An argument of the calling function itself (not of a loop or branch region), with
  // a contiguous layout the kernel's identity-layout type can cast to.
  auto target = dyn_cast<BlockArgument>(copy.getTarget());
  auto targetType = dyn_cast<MemRefType>(copy.getTarget().getType());
  if (!target || !target.getOwner()->isEntryBlock() ||
      target.getOwner()->getParentOp() != call->getParentOfType<func::FuncOp>() ||
      !target.hasOneUse() || !targetType || !targetType.getLayout().isIdentity() ||
      !memref::CastOp::areCastCompatible(targetType, result.getType()))
    return {};
  return copy;
}

/// Allocates the results of `call` in the caller, just before the call, with sizes
/// computed from the call's operands; a result that is only copied into a caller's
/// argument is written there directly instead.
FailureOr<SmallVector<Value>> allocateInCaller(func::CallOp call, func::FuncOp callee,
                                               ArrayRef<memref::AllocOp> allocs) {
  OpBuilder b(call);
  IndexMaterializer::Leaves leaves;
  leaves.index = [&](BlockArgument arg) -> FailureOr<Value> {
    return call.getOperand(arg.getArgNumber());
  };
  leaves.dim = [&](BlockArgument arg, int64_t dim) -> FailureOr<Value> {
    return b.createOrFold<memref::DimOp>(call.getLoc(), call.getOperand(arg.getArgNumber()), dim);
  };
  IndexMaterializer sizes(b, leaves);
  SmallVector<Value> buffers;
  for (auto [i, constAlloc] : llvm::enumerate(allocs)) {
    memref::AllocOp alloc = constAlloc;
    if (memref::CopyOp copy = copiedIntoArgument(call, call.getResult(i))) {
      buffers.push_back(
          memref::CastOp::create(b, call.getLoc(), alloc.getType(), copy.getTarget()));
      copy.erase();
      continue;
    }
    SmallVector<Value> dynamicSizes;
    for (Value size : alloc.getDynamicSizes()) {
      FailureOr<Value> rebuilt = sizes.index(size);
      if (failed(rebuilt))
        return call.emitError() << "g4-kernel-results-to-out-params: cannot compute the size of "
                                   "a result of @"
                                << callee.getSymName() << " at this call";
      dynamicSizes.push_back(*rebuilt);
    }
    buffers.push_back(memref::AllocOp::create(b, call.getLoc(), alloc.getType(), dynamicSizes,
                                              alloc.getAlignmentAttr()));
  }
  return buffers;
}

LogicalResult convert(func::FuncOp callee, ArrayRef<func::CallOp> calls) {
  FailureOr<SmallVector<memref::AllocOp>> allocs = returnedAllocations(callee);
  if (failed(allocs))
    return failure();
  unsigned position = outParamPosition(callee);

  // Callers first: they read the allocations' sizes, which the callee then drops.
  for (func::CallOp call : calls) {
    FailureOr<SmallVector<Value>> buffers = allocateInCaller(call, callee, *allocs);
    if (failed(buffers))
      return failure();
    OpBuilder b(call);
    SmallVector<Value> operands(call.getOperands());
    operands.insert(operands.begin() + position, buffers->begin(), buffers->end());
    auto newCall =
        func::CallOp::create(b, call.getLoc(), callee.getSymName(), TypeRange{}, operands);
    newCall->setDiscardableAttrs(call->getDiscardableAttrDictionary());
    call.replaceAllUsesWith(*buffers);
    call.erase();
  }

  Block &body = callee.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  for (auto [i, alloc] : llvm::enumerate(*allocs)) {
    if (failed(
            callee.insertArgument(position + i, alloc.getType(), DictionaryAttr(), alloc.getLoc())))
      return failure();
    alloc.replaceAllUsesWith(body.getArgument(position + i));
  }
  OpBuilder b(ret);
  func::ReturnOp::create(b, ret.getLoc());
  ret.erase();
  for (memref::AllocOp alloc : *allocs)
    alloc.erase();
  callee.setFunctionType(FunctionType::get(callee.getContext(), callee.getArgumentTypes(), {}));
  callee.removeResAttrsAttr();
  return success();
}

struct KernelResultsToOutParamsPass
    : impl::KernelResultsToOutParamsPassBase<KernelResultsToOutParamsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::MapVector<func::FuncOp, SmallVector<func::CallOp>> callees;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPrivate() && !func.isExternal() &&
          llvm::any_of(func.getResultTypes(), llvm::IsaPred<BaseMemRefType>))
        callees[func];
    module.walk([&](func::CallOp call) {
      auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
      auto it = callees.find(callee);
      if (it != callees.end())
        it->second.push_back(call);
    });
    for (auto &[callee, calls] : callees)
      if (failed(convert(callee, calls)))
        return signalPassFailure();
  }
};

} // namespace
} // namespace g4
