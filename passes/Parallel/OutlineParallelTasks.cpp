//===- OutlineParallelTasks.cpp - g4-outline-parallel-tasks ---------------===//

#include "passes/Parallel/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/SymbolTable.h"
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

/// Builds the body of a task: the rows [chunk*N/tasks, (chunk+1)*N/tasks) of loop `dim`
/// of `generic`, run on subviews of its operands (the block arguments after chunk/tasks).
void buildTaskBody(func::FuncOp task, linalg::GenericOp generic, unsigned dim, int64_t trip) {
  Block *body = task.addEntryBlock();
  ImplicitLocOpBuilder b(generic.getLoc(), OpBuilder::atBlockBegin(body));
  Value chunk = body->getArgument(0), tasks = body->getArgument(1);
  Value n = arith::ConstantIndexOp::create(b, trip);
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
  // rebuilt in the task; outline() outlines nothing else that is captured.
  IRMapping captured;
  SetVector<Value> above;
  getUsedValuesDefinedAbove(generic->getRegions(), above);
  for (Value value : above)
    captured.map(value, b.clone(*value.getDefiningOp())->getResult(0));
  Operation *clone = b.clone(*generic, captured);
  clone->setOperands(operands);
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
      SmallVector<linalg::GenericOp> splittable;
      for (Operation &op : kernel.getBody().front())
        if (auto generic = dyn_cast<linalg::GenericOp>(&op))
          if (generic->hasAttr(kParallelDimAttr) && generic.hasPureBufferSemantics())
            splittable.push_back(generic);
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
    if (ShapedType::isDynamic(trip) || trip < 2 * minSize) {
      generic->removeAttr(kParallelDimAttr);
      return;
    }
    int64_t tasks = std::min<int64_t>(maxTasks, trip / minSize);
    // The task gets the operands; anything else the body uses must be a constant it can
    // rebuild (buildTaskBody). Otherwise the loop stays serial.
    SetVector<Value> above;
    getUsedValuesDefinedAbove(generic->getRegions(), above);
    if (llvm::any_of(above, [](Value v) {
          return !v.getDefiningOp() || !v.getDefiningOp()->hasTrait<OpTrait::ConstantLike>();
        })) {
      generic->removeAttr(kParallelDimAttr);
      return;
    }

    MLIRContext *ctx = kernel.getContext();
    OpBuilder b(ctx);
    b.setInsertionPointAfter(kernel);
    SmallVector<Type> operandTypes(generic->getOperandTypes());
    SmallVector<Type> taskArgs{b.getIndexType(), b.getIndexType()};
    taskArgs.append(operandTypes);
    std::string base = (kernel.getName() + "_task" + std::to_string(k)).str();
    auto task = func::FuncOp::create(b, generic.getLoc(), base, b.getFunctionType(taskArgs, {}));
    task.setPrivate();
    symbols.insert(task);
    buildTaskBody(task, generic, dim, trip);

    SmallVector<Type> dispatchArgs{parallel.getType(), b.getIndexType()};
    dispatchArgs.append(operandTypes);
    auto dispatch = func::FuncOp::create(b, generic.getLoc(),
                                         (kernel.getName() + "_parallel" + std::to_string(k)).str(),
                                         b.getFunctionType(dispatchArgs, {}));
    dispatch.setPrivate();
    dispatch->setAttr("g4.parallel_task", FlatSymbolRefAttr::get(task));
    symbols.insert(dispatch);

    b.setInsertionPoint(generic);
    SmallVector<Value> args{parallel, arith::ConstantIndexOp::create(b, generic.getLoc(), tasks)};
    args.append(generic->getOperands().begin(), generic->getOperands().end());
    func::CallOp::create(b, generic.getLoc(), dispatch, args);
    generic.erase();
  }
};

} // namespace
} // namespace g4
