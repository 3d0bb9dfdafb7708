//===- PlanScratch.cpp - g4-plan-scratch ----------------------------------===//
//
// Every temporary buffer becomes a view of the caller's scratch arena, so compiled
// code never calls malloc (firmware has none) and the arena's size is known at compile
// time. Each function lays out a frame at the start of the scratch it is given: its
// buffers share slots when their lifetimes do not overlap, a slot is as large as the
// largest buffer it holds (sizes may depend on the token count or the start position,
// so the layout is computed when the function starts), and the functions it calls get
// the scratch after its frame.
//
//===----------------------------------------------------------------------===//

#include "passes/Memory/MemoryPlan.h"
#include "passes/Memory/Passes.h"
#include "passes/Memory/SizeExpressions.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/ScopeExit.h"

#include <map>
#include <set>

#define DEBUG_TYPE "g4-plan-scratch"

namespace g4 {
#define GEN_PASS_DEF_PLANSCRATCHPASS
#include "passes/Memory/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

constexpr StringLiteral kScratchArg = "g4.scratch";
constexpr StringLiteral kMaxTokens = "g4.max_tokens";

/// The frame of one function: its allocations grouped into slots.
struct Frame {
  func::FuncOp func;
  std::vector<SmallVector<memref::AllocOp>> slots;
  /// Calls to functions that take scratch, in order.
  SmallVector<func::CallOp> calls;
};

/// The top-level op of `func`'s body that contains `op`.
Operation *topLevelAncestor(func::FuncOp func, Operation *op) {
  return func.getBody().front().findAncestorOpInBlock(*op);
}

/// Position in `func`'s body of the last top-level op that uses `alloc` or a view of it.
FailureOr<int64_t> lastUse(func::FuncOp func, memref::AllocOp alloc,
                           const DenseMap<Operation *, int64_t> &positions) {
  int64_t last = positions.lookup(topLevelAncestor(func, alloc));
  SmallVector<Value> worklist = {alloc.getResult()};
  DenseSet<Value> seen;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (!seen.insert(value).second)
      continue;
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (isa<func::ReturnOp>(user) && user->getParentOp() == func)
        return alloc.emitError() << "g4-plan-scratch: a buffer escapes @" << func.getSymName()
                                 << " through its results (run g4-kernel-results-to-out-params)";
      last = std::max(last, positions.lookup(topLevelAncestor(func, user)));
      // Views, casts and anything else that hands the buffer on keep it alive.
      for (Value result : user->getResults())
        if (isa<BaseMemRefType>(result.getType()))
          worklist.push_back(result);
      // A buffer allocated inside a loop and yielded to the next iteration would meet
      // its own slot again there: one fixed view cannot hold both.
      if (user->hasTrait<OpTrait::IsTerminator>() && user->getParentOp() != func &&
          user->getParentRegion()->isAncestor(alloc->getParentRegion()))
        return alloc.emitError() << "g4-plan-scratch: a buffer allocated in a loop is "
                                    "carried to the next iteration; it needs a slot per "
                                    "iteration, which the frame layout does not give";
      if (user->hasTrait<OpTrait::IsTerminator>() && user->getParentOp() != func)
        for (Value result : user->getParentOp()->getResults())
          if (isa<BaseMemRefType>(result.getType()))
            worklist.push_back(result);
    }
  }
  return last;
}

/// Groups `func`'s allocations into slots: a slot is reused once every buffer in it is
/// dead, preferring one whose last buffer had the same type and sizes.
FailureOr<Frame> planFrame(func::FuncOp func, const DenseSet<StringRef> &scratchCallees) {
  Frame frame{func, {}, {}};
  DenseMap<Operation *, int64_t> positions;
  int64_t position = 0;
  for (Operation &op : func.getBody().front())
    positions[&op] = position++;

  struct Live {
    int64_t end;
    memref::AllocOp last;
  };
  std::vector<Live> slotState;
  WalkResult walk = func.walk([&](Operation *op) {
    if (auto call = dyn_cast<func::CallOp>(op)) {
      if (scratchCallees.contains(call.getCallee()))
        frame.calls.push_back(call);
      return WalkResult::advance();
    }
    auto alloc = dyn_cast<memref::AllocOp>(op);
    if (!alloc)
      return WalkResult::advance();
    if (!alloc.getType().getLayout().isIdentity() || !alloc.getSymbolOperands().empty()) {
      alloc.emitError() << "g4-plan-scratch: only identity-layout buffers can live in scratch";
      return WalkResult::interrupt();
    }
    if (alloc.getAlignment().value_or(1) > uint64_t(kTensorAlignment)) {
      alloc.emitError() << "g4-plan-scratch: alignment " << *alloc.getAlignment()
                        << " exceeds the scratch arena's " << kTensorAlignment;
      return WalkResult::interrupt();
    }
    int64_t start = positions.lookup(topLevelAncestor(func, alloc));
    FailureOr<int64_t> end = lastUse(func, alloc, positions);
    if (failed(end))
      return WalkResult::interrupt();
    auto sameShape = [&](memref::AllocOp other) {
      return other.getType() == alloc.getType() &&
             other.getDynamicSizes() == alloc.getDynamicSizes();
    };
    std::optional<size_t> chosen;
    for (size_t i = 0; i < slotState.size(); ++i) {
      if (slotState[i].end >= start)
        continue;
      if (sameShape(slotState[i].last)) {
        chosen = i;
        break;
      }
      if (!chosen)
        chosen = i;
    }
    if (!chosen) {
      chosen = frame.slots.size();
      frame.slots.emplace_back();
      slotState.push_back({});
    }
    frame.slots[*chosen].push_back(alloc);
    slotState[*chosen] = {*end, alloc};
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  return frame;
}

/// Bytes of each slot (the largest of its buffers) and the frame, built by `sizes`.
FailureOr<std::pair<SmallVector<Value>, Value>>
frameLayout(const Frame &frame, IndexMaterializer &sizes, OpBuilder &b) {
  SmallVector<Value> offsets;
  Value offset = sizes.constant(0);
  for (const SmallVector<memref::AllocOp> &slot : frame.slots) {
    offsets.push_back(offset);
    Value slotBytes;
    for (memref::AllocOp alloc : slot) {
      FailureOr<Value> bytes =
          sizes.alignedBytes(alloc.getType(), alloc.getDynamicSizes(), kTensorAlignment);
      if (failed(bytes))
        return failure();
      slotBytes =
          slotBytes ? b.createOrFold<arith::MaxUIOp>(b.getUnknownLoc(), slotBytes, *bytes) : *bytes;
    }
    offset = b.createOrFold<arith::AddIOp>(b.getUnknownLoc(), offset, slotBytes);
  }
  return std::make_pair(offsets, offset);
}

/// Known integer values of a function's arguments: index arguments, and the dimensions
/// of memref arguments (nullopt: not known at compile time).
struct ArgValues {
  std::vector<std::optional<int64_t>> index;
  std::vector<std::vector<std::optional<int64_t>>> dims;
  bool operator<(const ArgValues &other) const {
    return std::tie(index, dims) < std::tie(other.index, other.dims);
  }
};

/// Bounds the scratch a function needs (its frame plus the largest of its callees')
/// for known argument values, by building its size computations over constants in a
/// throw-away block, where they fold.
class ScratchBound {
public:
  ScratchBound(MLIRContext *ctx, const DenseMap<func::FuncOp, Frame> &frames)
      : frames(frames), sandbox(ModuleOp::create(UnknownLoc::get(ctx))) {
    OpBuilder b = OpBuilder::atBlockEnd(sandbox->getBody());
    sandboxFunc =
        func::FuncOp::create(b, UnknownLoc::get(ctx), "sandbox", FunctionType::get(ctx, {}, {}));
  }

  FailureOr<int64_t> total(func::FuncOp func, const ArgValues &args) {
    auto key = std::make_pair(func.getOperation(), args);
    if (auto known = memo.find(key); known != memo.end())
      return known->second;
    const Frame &frame = frames.find(func)->second;
    Block *block = new Block();
    sandboxFunc.getBody().push_back(block);
    llvm::scope_exit erase([&] { block->erase(); });
    OpBuilder b = OpBuilder::atBlockEnd(block);

    auto unknown = [&](BlockArgument arg) {
      return emitError(arg.getLoc())
             << "g4-plan-scratch: the scratch @" << func.getSymName() << " needs depends on "
             << "argument #" << arg.getArgNumber() << ", which is not known at compile time";
    };
    IndexMaterializer::Leaves leaves;
    leaves.index = [&](BlockArgument arg) -> FailureOr<Value> {
      std::optional<int64_t> value = args.index[arg.getArgNumber()];
      if (!value)
        return unknown(arg);
      return Value(arith::ConstantIndexOp::create(b, arg.getLoc(), *value));
    };
    leaves.dim = [&](BlockArgument arg, int64_t dim) -> FailureOr<Value> {
      const auto &dims = args.dims[arg.getArgNumber()];
      if (size_t(dim) >= dims.size() || !dims[dim])
        return unknown(arg);
      return Value(arith::ConstantIndexOp::create(b, arg.getLoc(), *dims[dim]));
    };
    IndexMaterializer sizes(b, leaves);
    auto layout = frameLayout(frame, sizes, b);
    if (failed(layout))
      return failure();
    std::optional<int64_t> own = constantIndexValue(layout->second);
    if (!own)
      return func.emitError() << "g4-plan-scratch: the frame size of @" << func.getSymName()
                              << " does not fold to a constant";
    int64_t callees = 0;
    for (func::CallOp call : frame.calls) {
      auto callee = func->getParentOfType<ModuleOp>().lookupSymbol<func::FuncOp>(call.getCallee());
      FailureOr<int64_t> calleeTotal = total(callee, argValuesAt(call, sizes));
      if (failed(calleeTotal))
        return call.emitError() << "g4-plan-scratch: cannot bound the scratch of this call";
      callees = std::max(callees, *calleeTotal);
    }
    memo[key] = *own + callees;
    return *own + callees;
  }

private:
  /// The operands of `call` as far as they fold to constants.
  ArgValues argValuesAt(func::CallOp call, IndexMaterializer &sizes) {
    // Operands that cannot be evaluated are fine unless the callee's sizes need them;
    // then total() reports them.
    ScopedDiagnosticHandler quiet(call.getContext(), [](Diagnostic &) { return success(); });
    ArgValues values;
    for (Value operand : call.getOperands()) {
      values.index.push_back(std::nullopt);
      values.dims.emplace_back();
      if (operand.getType().isIntOrIndex()) {
        FailureOr<Value> value = sizes.index(operand);
        if (succeeded(value))
          values.index.back() = constantIndexValue(*value);
      } else if (auto type = dyn_cast<MemRefType>(operand.getType())) {
        for (int64_t d = 0; d < type.getRank(); ++d) {
          FailureOr<Value> value = sizes.dim(operand, d);
          values.dims.back().push_back(succeeded(value) ? constantIndexValue(*value)
                                                        : std::nullopt);
        }
      }
    }
    return values;
  }

  const DenseMap<func::FuncOp, Frame> &frames;
  OwningOpRef<ModuleOp> sandbox;
  func::FuncOp sandboxFunc;
  std::map<std::pair<Operation *, ArgValues>, int64_t> memo;
};

/// Start positions at which to evaluate an entry's scratch: the ends of the range, and
/// around each sliding window (where ring reads change shape).
std::set<int64_t> sampleStarts(ModuleOp module, int64_t tokens, int64_t maxContext) {
  std::set<int64_t> starts = {0, 1, maxContext / 2, maxContext - tokens - 1, maxContext - tokens};
  if (auto kvPlan = module->getAttrOfType<ArrayAttr>("gemma.kv_plan"))
    for (Attribute entry : kvPlan)
      if (auto capacity =
              dyn_cast_or_null<IntegerAttr>(cast<DictionaryAttr>(entry).get("capacity")))
        for (int64_t delta : {-1, 0, 1})
          starts.insert(capacity.getInt() + delta);
  std::set<int64_t> valid;
  for (int64_t start : starts)
    if (start >= 0 && start + tokens <= maxContext)
      valid.insert(start);
  return valid;
}

/// The scratch the entry needs for every call its contract allows: 1..max_tokens tokens
/// at any start with start + tokens <= max_context. Sizes grow with both, so the extremes
/// and the window boundaries bound it; the sample makes sure of that.
FailureOr<int64_t> boundEntry(ScratchBound &bound, func::FuncOp entry, int64_t maxContext) {
  auto maxTokens = entry->getAttrOfType<IntegerAttr>(kMaxTokens);
  if (maxTokens.getInt() < 1 || maxTokens.getInt() > maxContext)
    return entry.emitError() << "g4-plan-scratch: " << kMaxTokens << " = " << maxTokens.getInt()
                             << " must be in [1, max_context = " << maxContext << "]";
  int64_t worst = 0;
  std::set<int64_t> counts = {1, std::max<int64_t>(1, maxTokens.getInt() / 2), maxTokens.getInt()};
  for (int64_t tokens : counts) {
    for (int64_t start : sampleStarts(entry->getParentOfType<ModuleOp>(), tokens, maxContext)) {
      ArgValues args;
      for (BlockArgument arg : entry.getArguments()) {
        args.index.push_back(std::nullopt);
        args.dims.emplace_back();
        if (auto type = dyn_cast<MemRefType>(arg.getType()))
          args.dims.back().assign(type.getRank(), std::nullopt);
      }
      // The ABI's order (model_abi.h): tokens[n], then the start position. The rows of
      // logits (argument 5) are at most n, and sizes grow with them.
      args.dims[0][0] = tokens;
      args.index[1] = start;
      if (entry.getNumArguments() > 5 && args.dims[5].size() == 2)
        args.dims[5][0] = tokens;
      FailureOr<int64_t> total = bound.total(entry, args);
      if (failed(total))
        return failure();
      worst = std::max(worst, *total);
    }
  }
  return worst;
}

/// Replaces `frame`'s allocations with views of `scratch` and passes the rest of the
/// scratch to its callees.
LogicalResult rewriteFrame(const Frame &frame, Value scratch,
                           const DenseMap<StringRef, unsigned> &scratchArgOf) {
  func::FuncOp func = frame.func;
  Block &body = func.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  IndexMaterializer::Leaves leaves;
  leaves.index = [](BlockArgument arg) -> FailureOr<Value> { return Value(arg); };
  leaves.dim = [&](BlockArgument arg, int64_t dim) -> FailureOr<Value> {
    return b.createOrFold<memref::DimOp>(arg.getLoc(), arg, dim);
  };
  IndexMaterializer sizes(b, leaves);
  auto layout = frameLayout(frame, sizes, b);
  if (failed(layout))
    return failure();
  auto &[offsets, frameBytes] = *layout;

  // The compile-time bound is an argument over the sizes' growth, not a proof: a frame
  // that does not fit the scratch it is given stops the program (a trap needs no
  // runtime symbol) instead of overrunning the caller's memory.
  Location loc = func.getLoc();
  Value total = b.createOrFold<memref::DimOp>(loc, scratch, 0);
  if (!frame.slots.empty() || !frame.calls.empty()) {
    Value overflows = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, frameBytes, total);
    scf::IfOp guard = scf::IfOp::create(b, loc, overflows, /*withElseRegion=*/false);
    OpBuilder inside = guard.getThenBodyBuilder();
    LLVM::Trap::create(inside, loc);
  }
  Value calleeScratch;
  if (!frame.calls.empty()) {
    Value rest = b.createOrFold<arith::SubIOp>(loc, total, frameBytes);
    calleeScratch =
        memref::ViewOp::create(b, loc, scratch.getType(), scratch, frameBytes, ValueRange{rest});
  }
  for (auto [slot, offset] : llvm::zip(frame.slots, offsets)) {
    for (memref::AllocOp alloc : slot) {
      OpBuilder at(alloc);
      Value view = memref::ViewOp::create(at, alloc.getLoc(), alloc.getType(), scratch, offset,
                                          alloc.getDynamicSizes());
      alloc.replaceAllUsesWith(view);
      alloc.erase();
    }
  }
  for (func::CallOp call : frame.calls) {
    SmallVector<Value> operands(call.getOperands());
    operands.insert(operands.begin() + scratchArgOf.lookup(call.getCallee()), calleeScratch);
    call->setOperands(operands);
  }
  return success();
}

struct PlanScratchPass : impl::PlanScratchPassBase<PlanScratchPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto bytesType = MemRefType::get({ShapedType::kDynamic}, IntegerType::get(ctx, 8));

    // Frees are meaningless once buffers are views of the arena.
    module.walk([](memref::DeallocOp dealloc) { dealloc.erase(); });

    SmallVector<func::FuncOp> funcs;
    DenseSet<StringRef> scratchCallees;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      funcs.push_back(func);
      if (func.isPrivate())
        scratchCallees.insert(func.getSymName());
    }

    DenseMap<func::FuncOp, Frame> frames;
    for (func::FuncOp func : funcs) {
      FailureOr<Frame> frame = planFrame(func, scratchCallees);
      if (failed(frame))
        return signalPassFailure();
      frames[func] = std::move(*frame);
    }

    // The compile-time bound, while the functions still have their original signatures.
    auto maxContext = module->getAttrOfType<IntegerAttr>("gemma.max_context");
    ScratchBound bound(ctx, frames);
    int64_t scratchBytes = 0;
    for (func::FuncOp func : funcs) {
      if (!func->hasAttr(kMaxTokens))
        continue;
      if (!maxContext) {
        module.emitError() << "g4-plan-scratch: the module has no gemma.max_context";
        return signalPassFailure();
      }
      FailureOr<int64_t> entryBytes = boundEntry(bound, func, maxContext.getInt());
      if (failed(entryBytes))
        return signalPassFailure();
      func->setAttr("g4.scratch_bytes", IntegerAttr::get(IntegerType::get(ctx, 64), *entryBytes));
      scratchBytes = std::max(scratchBytes, *entryBytes);
    }
    module->setAttr("g4.scratch_bytes", IntegerAttr::get(IntegerType::get(ctx, 64), scratchBytes));

    // Every private function takes the scratch its caller leaves it, before the
    // trailing g4_parallel_t* of kernels.
    DenseMap<StringRef, unsigned> scratchArgOf;
    DenseMap<func::FuncOp, Value> scratchOf;
    for (func::FuncOp func : funcs) {
      std::optional<unsigned> index;
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        if (func.getArgAttr(i, kScratchArg))
          index = i;
      if (!index && func.isPrivate()) {
        index = func.getNumArguments() - (func->hasAttr("g4.parallel_arg") ? 1 : 0);
        if (failed(func.insertArgument(
                *index, bytesType,
                DictionaryAttr::get(ctx, {NamedAttribute(kScratchArg, UnitAttr::get(ctx))}),
                func.getLoc())))
          return signalPassFailure();
      }
      const Frame &frame = frames[func];
      if (!index) {
        if (!frame.slots.empty() || !frame.calls.empty()) {
          func.emitError() << "g4-plan-scratch: @" << func.getSymName()
                           << " allocates buffers but has no argument marked " << kScratchArg;
          return signalPassFailure();
        }
        continue;
      }
      if (func.getArgument(*index).getType() != bytesType) {
        func.emitError() << "g4-plan-scratch: the " << kScratchArg << " argument of @"
                         << func.getSymName() << " must be " << bytesType;
        return signalPassFailure();
      }
      scratchArgOf[func.getSymName()] = *index;
      scratchOf[func] = func.getArgument(*index);
    }
    for (func::FuncOp func : funcs)
      if (Value scratch = scratchOf.lookup(func))
        if (failed(rewriteFrame(frames[func], scratch, scratchArgOf)))
          return signalPassFailure();
  }
};

} // namespace
} // namespace g4
