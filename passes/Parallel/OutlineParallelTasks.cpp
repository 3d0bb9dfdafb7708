//===- OutlineParallelTasks.cpp - g4-outline-parallel-tasks ---------------===//

#include "passes/Parallel/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

#define DEBUG_TYPE "g4-outline-parallel-tasks"

namespace g4 {
#define GEN_PASS_DEF_OUTLINEPARALLELTASKSPASS
#include "passes/Parallel/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

constexpr StringLiteral kParallelDimAttr = "g4.parallel_dim";
/// Optional on such a generic: its own fewest iterations per task (attention splits its
/// few heads one per task; each is a whole contraction).
constexpr StringLiteral kMinTaskSizeAttr = "g4.min_task_size";

/// The operand of `generic` that loop `dim` indexes first, and at which position.
std::pair<unsigned, unsigned> operandIndexedBy(linalg::GenericOp generic, unsigned dim) {
  for (auto [index, map] : llvm::enumerate(generic.getIndexingMapsArray()))
    if (std::optional<unsigned> position =
            map.getResultPosition(getAffineDimExpr(dim, generic.getContext())))
      return {unsigned(index), *position};
  llvm_unreachable("a parallel loop of a generic indexes one of its operands");
}

/// The linalg.fill with a constant of `generic`'s only init that comes right before it
/// (only ops without memory effects between): the zeroing of a contraction's
/// accumulator. The task can fill its own rows of the init instead when loop `dim`
/// indexes the init (so the tasks' rows cover it) and no input reads the init.
linalg::FillOp fillOfInit(linalg::GenericOp generic, unsigned dim) {
  if (generic.getNumDpsInits() != 1)
    return nullptr;
  Value init = generic.getDpsInits()[0];
  AffineMap initMap = generic.getMatchingIndexingMap(generic.getDpsInitOperand(0));
  if (!initMap.isProjectedPermutation() ||
      !initMap.getResultPosition(getAffineDimExpr(dim, generic.getContext())))
    return nullptr;
  if (llvm::is_contained(generic.getDpsInputs(), init))
    return nullptr;
  Operation *previous = generic->getPrevNode();
  while (previous && !isa<linalg::FillOp>(previous) && isMemoryEffectFree(previous))
    previous = previous->getPrevNode();
  auto fill = dyn_cast_or_null<linalg::FillOp>(previous);
  if (!fill || !fill.hasPureBufferSemantics() || fill.getDpsInits()[0] != init)
    return nullptr;
  Operation *value = fill.value().getDefiningOp();
  if (!value || !value->hasTrait<OpTrait::ConstantLike>())
    return nullptr;
  return fill;
}

/// Builds the body of a task: the rows [chunk*N/tasks, (chunk+1)*N/tasks) of loop `dim`
/// of `generic`, run on subviews of its operands (the block arguments after chunk/tasks),
/// then the scalars its body reads from the kernel (`passed`). N is `trip`, or read from
/// the operands when it is dynamic. With `initFill`, the task first fills its rows of
/// the init the same way.
void buildTaskBody(func::FuncOp task, linalg::GenericOp generic, unsigned dim, int64_t trip,
                   ArrayRef<Value> passed, linalg::FillOp initFill) {
  Block *body = task.addEntryBlock();
  ImplicitLocOpBuilder b(generic.getLoc(), OpBuilder::atBlockBegin(body));
  Value chunk = body->getArgument(0), tasks = body->getArgument(1);
  Value n;
  if (ShapedType::isDynamic(trip)) {
    auto [operand, position] = operandIndexedBy(generic, dim);
    n = memref::DimOp::create(b, body->getArgument(2 + operand), position);
  } else {
    n = arith::ConstantIndexOp::create(b, trip);
  }
  Value begin = arith::DivUIOp::create(b, arith::MulIOp::create(b, chunk, n), tasks);
  Value end = arith::DivUIOp::create(
      b,
      arith::MulIOp::create(
          b, arith::AddIOp::create(b, chunk, arith::ConstantIndexOp::create(b, 1)), n),
      tasks);
  Value size = arith::SubIOp::create(b, end, begin);

  SmallVector<Value> operands;
  for (auto [index, map] : llvm::enumerate(generic.getIndexingMapsArray())) {
    Value full = body->getArgument(2 + index);
    std::optional<unsigned> position = map.getResultPosition(getAffineDimExpr(dim, b.getContext()));
    if (!position) {
      operands.push_back(full); // this operand does not depend on the split loop
      continue;
    }
    auto type = cast<MemRefType>(full.getType());
    SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = memref::getMixedSizes(b, b.getLoc(), full);
    SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
    offsets[*position] = begin;
    sizes[*position] = size;
    operands.push_back(memref::SubViewOp::create(b, full, offsets, sizes, strides));
  }
  // Constants the body uses from the kernel (canonicalize hoists them there) are
  // rebuilt in the task; the other scalars arrive as arguments.
  IRMapping captured;
  SetVector<Value> above;
  getUsedValuesDefinedAbove(generic->getRegions(), above);
  unsigned firstPassed = 2 + generic->getNumOperands();
  for (Value value : above) {
    auto found = llvm::find(passed, value);
    if (found != passed.end())
      captured.map(value, body->getArgument(firstPassed + (found - passed.begin())));
    else
      captured.map(value, b.clone(*value.getDefiningOp())->getResult(0));
  }
  if (initFill) {
    Value value = b.clone(*initFill.value().getDefiningOp())->getResult(0);
    linalg::FillOp::create(b, value, operands[generic.getDpsInitOperand(0)->getOperandNumber()]);
  }
  Operation *clone = b.clone(*generic, captured);
  clone->setOperands(operands);
  // linalg.index of the split loop counts from the task's first row: add `begin` back
  // (an attention mask reads its query row's position).
  clone->walk([&](linalg::IndexOp index) {
    if (index.getDim() != dim)
      return;
    OpBuilder after(index->getContext());
    after.setInsertionPointAfter(index);
    auto global = arith::AddIOp::create(after, index.getLoc(), index, begin);
    index.getResult().replaceAllUsesExcept(global, global);
  });
  clone->removeAttr(kParallelDimAttr);
  clone->removeAttr(kMinTaskSizeAttr);
  func::ReturnOp::create(b);
}

struct OutlineParallelTasksPass : impl::OutlineParallelTasksPassBase<OutlineParallelTasksPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> kernels;
    for (auto func : module.getOps<func::FuncOp>())
      if (func->hasAttr("g4.parallel_arg") && !func.isExternal())
        kernels.push_back(func);
    for (func::FuncOp kernel : kernels) {
      Value parallel = kernel.getArgument(kernel.getNumArguments() - 1);
      // Also inside loops: an MoE kernel runs each expert's contractions in its loop
      // over experts and chunks of tokens.
      SmallVector<linalg::GenericOp> splittable;
      kernel.walk([&](linalg::GenericOp generic) {
        if (generic->hasAttr(kParallelDimAttr) && generic.hasPureBufferSemantics())
          splittable.push_back(generic);
      });
      for (auto [k, generic] : llvm::enumerate(splittable))
        outline(symbols, kernel, generic, parallel, k);
    }
  }

  void outline(SymbolTable &symbols, func::FuncOp kernel, linalg::GenericOp generic, Value parallel,
               size_t k) {
    unsigned dim = unsigned(generic->getAttrOfType<IntegerAttr>(kParallelDimAttr).getInt());
    SmallVector<int64_t> ranges = generic.getStaticLoopRanges();
    int64_t trip = ranges[dim];
    int64_t minSize = minTaskSize;
    if (auto own = generic->getAttrOfType<IntegerAttr>(kMinTaskSizeAttr))
      minSize = std::max<int64_t>(1, own.getInt());
    generic->removeAttr(kMinTaskSizeAttr);
    if (!ShapedType::isDynamic(trip) && trip < 2 * minSize) {
      generic->removeAttr(kParallelDimAttr);
      return;
    }
    // The task gets the operands and the scalars the body reads from the kernel (the
    // start position of an attention mask); constants it rebuilds. Anything else keeps
    // the loop serial.
    SetVector<Value> above;
    getUsedValuesDefinedAbove(generic->getRegions(), above);
    SmallVector<Value> passed;
    for (Value value : above) {
      if (value.getDefiningOp() && value.getDefiningOp()->hasTrait<OpTrait::ConstantLike>())
        continue;
      if (!value.getType().isIntOrIndexOrFloat()) {
        generic->removeAttr(kParallelDimAttr);
        return;
      }
      passed.push_back(value);
    }

    MLIRContext *ctx = kernel.getContext();
    OpBuilder b(ctx);
    b.setInsertionPointAfter(kernel);
    SmallVector<Type> operandTypes(generic->getOperandTypes());
    for (Value value : passed)
      operandTypes.push_back(value.getType());
    SmallVector<Type> taskArgs{b.getIndexType(), b.getIndexType()};
    taskArgs.append(operandTypes);
    std::string base = (kernel.getName() + "_task" + std::to_string(k)).str();
    auto task = func::FuncOp::create(b, generic.getLoc(), base, b.getFunctionType(taskArgs, {}));
    task.setPrivate();
    symbols.insert(task);
    // The tasks zero their own rows of the accumulator: in parallel, and in the cache
    // of the core that then accumulates into them (a serial fill of decode's 48 KB
    // MLP accumulator took 13 us on the kernel's thread between two matvecs).
    linalg::FillOp initFill = fillOfInit(generic, dim);
    buildTaskBody(task, generic, dim, trip, passed, initFill);
    if (initFill)
      initFill.erase();

    SmallVector<Type> dispatchArgs{parallel.getType(), b.getIndexType()};
    dispatchArgs.append(operandTypes);
    auto dispatch = func::FuncOp::create(b, generic.getLoc(),
                                         (kernel.getName() + "_parallel" + std::to_string(k)).str(),
                                         b.getFunctionType(dispatchArgs, {}));
    dispatch.setPrivate();
    dispatch->setAttr("g4.parallel_task", FlatSymbolRefAttr::get(task));
    symbols.insert(dispatch);

    b.setInsertionPoint(generic);
    SmallVector<Value> args{parallel, taskCount(b, generic, dim, trip, minSize)};
    args.append(generic->getOperands().begin(), generic->getOperands().end());
    args.append(passed);
    func::CallOp::create(b, generic.getLoc(), dispatch, args);
    generic.erase();
  }

  /// min(max-tasks, N / minSize) tasks, at least one: a constant when N is static, else
  /// computed from the operand's size where the loop runs. Either way it depends on N
  /// alone, never on the thread count.
  Value taskCount(OpBuilder &b, linalg::GenericOp generic, unsigned dim, int64_t trip,
                  int64_t minSize) {
    Location loc = generic.getLoc();
    if (!ShapedType::isDynamic(trip))
      return arith::ConstantIndexOp::create(b, loc, std::min<int64_t>(maxTasks, trip / minSize));
    auto [operand, position] = operandIndexedBy(generic, dim);
    Value n = memref::DimOp::create(b, loc, generic->getOperand(operand), position);
    Value count =
        arith::DivUIOp::create(b, loc, n, arith::ConstantIndexOp::create(b, loc, minSize));
    count = arith::MinUIOp::create(b, loc, count, arith::ConstantIndexOp::create(b, loc, maxTasks));
    return arith::MaxUIOp::create(b, loc, count, arith::ConstantIndexOp::create(b, loc, 1));
  }
};

} // namespace
} // namespace g4
