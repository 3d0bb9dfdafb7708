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
#include "mlir/Interfaces/ViewLikeInterface.h"

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

/// A buffer `func` returns: a top-level allocation, or a collapse_shape of one (the
/// interleaved packed contractions write [M, N/8, 8] and return [M, N]). Then the out
/// parameter has the collapsed type and replaces the allocation through an expand_shape.
struct ReturnedBuffer {
  memref::AllocOp alloc;
  memref::CollapseShapeOp collapse; // null when the allocation itself is returned
  MemRefType type() { return collapse ? collapse.getResultType() : alloc.getType(); }
};

/// Whether a collapse keeps every dynamic dim in a group of its own: then the collapsed
/// buffer's dynamic sizes are the allocation's, in the same order.
bool keepsDynamicDims(memref::CollapseShapeOp collapse) {
  MemRefType source = collapse.getSrcType();
  for (const ReassociationIndices &group : collapse.getReassociationIndices())
    if (group.size() > 1 && llvm::any_of(group, [&](int64_t d) { return source.isDynamicDim(d); }))
      return false;
  return true;
}

/// The buffers `func` returns, in result order; fails if a result is anything else.
FailureOr<SmallVector<ReturnedBuffer>> returnedBuffers(func::FuncOp func) {
  if (!func.getBody().hasOneBlock())
    return func.emitError() << "g4-kernel-results-to-out-params: @" << func.getSymName()
                            << " has more than one block";
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  SmallVector<ReturnedBuffer> buffers;
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    auto collapse = value.getDefiningOp<memref::CollapseShapeOp>();
    if (collapse && (!value.hasOneUse() || !keepsDynamicDims(collapse)))
      collapse = {};
    auto alloc = (collapse ? collapse.getSrc() : value).getDefiningOp<memref::AllocOp>();
    if (!alloc || alloc->getBlock() != &func.getBody().front())
      return func.emitError() << "g4-kernel-results-to-out-params: result #" << i << " of @"
                              << func.getSymName()
                              << " is not a buffer the function allocates at its top level";
    if (llvm::any_of(buffers, [&](const ReturnedBuffer &seen) { return seen.alloc == alloc; }))
      return func.emitError() << "g4-kernel-results-to-out-params: @" << func.getSymName()
                              << " returns one buffer twice";
    if (!alloc.getSymbolOperands().empty())
      return alloc.emitError()
             << "g4-kernel-results-to-out-params: symbolic layouts are not supported";
    buffers.push_back({alloc, collapse});
  }
  return buffers;
}

/// The caller's buffer a call result is finally copied into, when the kernel can write
/// there directly: the result is copied whole into an argument of the caller that
/// nothing else uses (the entries' logits), with a shape the result's type can cast to,
/// and every other use of the result, or of a view of it, comes before the copy (the
/// in-place softcap of the head's product).
memref::CopyOp copiedIntoArgument(func::CallOp call, Value result) {
  memref::CopyOp copy;
  for (Operation *user : result.getUsers())
    if (auto candidate = dyn_cast<memref::CopyOp>(user);
        candidate && candidate.getSource() == result && !copy)
      copy = candidate;
  if (!copy || copy->getBlock() != call->getBlock())
    return {};
  SmallVector<Value> aliases{result};
  while (!aliases.empty()) {
    Value alias = aliases.pop_back_val();
    for (Operation *user : alias.getUsers()) {
      if (user == copy.getOperation())
        continue;
      Operation *inBlock = copy->getBlock()->findAncestorOpInBlock(*user);
      if (!inBlock || !inBlock->isBeforeInBlock(copy))
        return {};
      if (isa<ViewLikeOpInterface>(user))
        aliases.append(user->result_begin(), user->result_end());
    }
  }
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
                                               ArrayRef<ReturnedBuffer> returned) {
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
  for (auto [i, constBuffer] : llvm::enumerate(returned)) {
    ReturnedBuffer buffer = constBuffer;
    memref::AllocOp alloc = buffer.alloc;
    if (memref::CopyOp copy = copiedIntoArgument(call, call.getResult(i))) {
      buffers.push_back(memref::CastOp::create(b, call.getLoc(), buffer.type(), copy.getTarget()));
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
    buffers.push_back(memref::AllocOp::create(b, call.getLoc(), buffer.type(), dynamicSizes,
                                              alloc.getAlignmentAttr()));
  }
  return buffers;
}

LogicalResult convert(func::FuncOp callee, ArrayRef<func::CallOp> calls) {
  FailureOr<SmallVector<ReturnedBuffer>> returned = returnedBuffers(callee);
  if (failed(returned))
    return failure();
  unsigned position = outParamPosition(callee);

  // Callers first: they read the allocations' sizes, which the callee then drops.
  for (func::CallOp call : calls) {
    FailureOr<SmallVector<Value>> buffers = allocateInCaller(call, callee, *returned);
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
  for (auto [i, buffer] : llvm::enumerate(*returned)) {
    memref::AllocOp alloc = buffer.alloc;
    if (failed(
            callee.insertArgument(position + i, buffer.type(), DictionaryAttr(), alloc.getLoc())))
      return failure();
    Value param = body.getArgument(position + i);
    if (buffer.collapse) {
      OpBuilder at(alloc);
      param = memref::ExpandShapeOp::create(at, alloc.getLoc(), alloc.getType(), param,
                                            buffer.collapse.getReassociationIndices());
    }
    alloc.replaceAllUsesWith(param);
  }
  OpBuilder b(ret);
  func::ReturnOp::create(b, ret.getLoc());
  ret.erase();
  for (ReturnedBuffer &buffer : *returned) {
    if (buffer.collapse)
      buffer.collapse.erase();
    buffer.alloc.erase();
  }
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
