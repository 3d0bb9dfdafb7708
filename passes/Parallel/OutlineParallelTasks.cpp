//===- OutlineParallelTasks.cpp - g4-outline-parallel-tasks ---------------===//

#include "passes/Parallel/Passes.h"
#include "passes/Utils/ArenaViews.h"
#include "passes/Utils/LoopAttributes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

#include <map>
#include <variant>

#define DEBUG_TYPE "g4-outline-parallel-tasks"

namespace g4 {
#define GEN_PASS_DEF_OUTLINEPARALLELTASKSPASS
#include "passes/Parallel/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

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

/// `v` without the subviews that keep its dimension `position` whole (same rank, offset
/// 0, the same static size, unit stride): a slice along `position` of the result is the
/// same slice of the source.
Value baseAlong(Value v, unsigned position) {
  while (auto subview = v.getDefiningOp<memref::SubViewOp>()) {
    MemRefType source = subview.getSourceType(), result = subview.getType();
    if (source.getRank() != result.getRank() || position >= source.getRank() ||
        ShapedType::isDynamic(source.getDimSize(position)) ||
        result.getDimSize(position) != source.getDimSize(position) ||
        subview.getStaticOffsets()[position] != 0 || subview.getStaticStrides()[position] != 1)
      break;
    v = subview.getSource();
  }
  return v;
}

/// A splittable op of a run that shares one dispatch: a generic split along loop `dim`
/// (`trip` iterations), or a fill of a buffer the run's generics split along its
/// dimension `dim`.
struct RunMember {
  Operation *op;
  unsigned dim;
  int64_t trip;
};

/// Task `t`'s part [t*N/T, (t+1)*N/T) of N rows split into T tasks.
std::pair<int64_t, int64_t> taskPart(int64_t t, int64_t n, int64_t tasks) {
  return {t * n / tasks, (t + 1) * n / tasks};
}

/// Consecutive splittable ops of one block (only ops without memory effects between)
/// that run as one dispatch: each task runs all of them, in order, on its slice. That
/// is only sound when a task reads back nothing that another task wrote, so every
/// buffer the run writes is an arena view or a stack buffer that no task reaches
/// outside its own part of, and it overlaps no other buffer the run touches. Decode
/// attention's dozen steps over 8 heads (scores, mask, max, exp, sums, P·V) were a dozen
/// dispatches of about 1 µs of work each.
class SplitRun {
public:
  explicit SplitRun(int64_t taskCount) : taskCount(taskCount) {}

  int64_t getTaskCount() const { return taskCount; }
  ArrayRef<RunMember> getMembers() const { return members; }
  unsigned countGenerics() const {
    return llvm::count_if(members, [](RunMember m) { return isa<linalg::GenericOp>(m.op); });
  }

  /// Adds `generic` (split along loop `dim` of `trip` iterations) if its accesses keep
  /// the run sound.
  bool tryAddGeneric(linalg::GenericOp generic, unsigned dim, int64_t trip) {
    SmallVector<Access> accesses;
    for (OpOperand &operand : generic->getOpOperands()) {
      AffineMap map = generic.getMatchingIndexingMap(&operand);
      std::optional<unsigned> position =
          map.getResultPosition(getAffineDimExpr(dim, generic.getContext()));
      Value value = operand.get();
      accesses.push_back({rootOf(value), value, position ? baseAlong(value, *position) : value,
                          position, trip, generic.isDpsInit(&operand), nullptr});
    }
    if (!admit(accesses))
      return false;
    members.push_back({generic, dim, trip});
    return true;
  }

  /// Adds a fill whose dimension is not known yet: the first generic that splits its
  /// buffer decides it, and a fill no generic decides stays where it is (it touches
  /// nothing the run touches, so it commutes with the run).
  bool tryAddFill(linalg::FillOp fill) {
    Value value = fill.getDpsInits()[0];
    if (!admit({Access{rootOf(value), value, value, std::nullopt, 0, true, fill}}))
      return false;
    pendingFills.push_back(fill);
    return true;
  }

  /// The members in program order, with the fills that a generic resolved.
  void finish() {
    SmallVector<RunMember> ordered(members);
    for (linalg::FillOp fill : pendingFills)
      if (auto found = resolvedFills.find(fill); found != resolvedFills.end())
        ordered.push_back(found->second);
    llvm::sort(ordered, [](RunMember a, RunMember b) { return a.op->isBeforeInBlock(b.op); });
    members = std::move(ordered);
  }

private:
  struct Access {
    Value root, value, base; // base: value without the subviews that keep `position` whole
    std::optional<unsigned> position;
    int64_t trip;
    bool writes;
    linalg::FillOp fill; // a fill's write; its slicing is in resolvedFills once decided
  };

  /// The arena bytes [begin, end) that task `t` reaches through `access`, when that is
  /// one interval: a static, row-major view whose dimensions before the split one are
  /// 1, so that a part of the split dimension is a contiguous run of elements.
  std::optional<std::pair<int64_t, int64_t>> taskBytes(const Access &access, int64_t t) {
    auto type = dyn_cast<MemRefType>(access.value.getType());
    if (!type || !type.hasStaticShape() || !access.position ||
        !type.getElementType().isIntOrFloat() || type.getElementTypeBitWidth() % 8 != 0)
      return std::nullopt;
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(type.getStridesAndOffset(strides, offset)) || ShapedType::isDynamic(offset))
      return std::nullopt;
    unsigned p = *access.position;
    ArrayRef<int64_t> shape = type.getShape();
    int64_t inner = 1;
    for (int64_t d = type.getRank() - 1; d > int64_t(p); --d) {
      if (strides[d] != inner)
        return std::nullopt;
      inner *= shape[d];
    }
    if (strides[p] != inner || llvm::any_of(shape.take_front(p), [](int64_t n) { return n != 1; }))
      return std::nullopt;
    int64_t bytes = type.getElementTypeBitWidth() / 8;
    auto [begin, end] = taskPart(t, access.trip, taskCount);
    return std::make_pair((offset + begin * inner) * bytes, (offset + end * inner) * bytes);
  }

  /// Whether no task reaches, through `accesses` of one buffer, bytes another task
  /// writes there.
  bool tasksDisjoint(ArrayRef<const Access *> accesses) {
    for (const Access *a : accesses)
      for (const Access *b : accesses) {
        if (!a->writes && !b->writes)
          continue;
        for (int64_t t = 0; t < taskCount; ++t)
          for (int64_t u = 0; u < taskCount; ++u) {
            if (t == u)
              continue;
            auto x = taskBytes(*a, t), y = taskBytes(*b, u);
            if (!x || !y)
              return false;
            if (x->first < y->second && y->first < x->second && x->first < x->second &&
                y->first < y->second)
              return false;
          }
      }
    return true;
  }

  bool admit(ArrayRef<Access> added) {
    SmallVector<Access> all(accesses);
    all.append(added.begin(), added.end());
    DenseMap<linalg::FillOp, RunMember> resolved(resolvedFills);
    SetVector<Value> writtenRoots;
    for (const Access &access : all)
      if (access.writes)
        writtenRoots.insert(access.root);
    for (Value root : writtenRoots) {
      // A written buffer: an arena view, or a stack buffer of the kernel (its frame
      // outlives the dispatch)...
      if (!arenaBytes(root) && !root.getDefiningOp<memref::AllocaOp>())
        return false;
      // ...that every access slices the same way (the same view, up to subviews that
      // keep the split dimension whole, along the same dimension), so that tasks touch
      // disjoint rows; or else whose per-task byte ranges are disjoint (the gated GELU
      // reads the gate and up projections' outputs through a collapsed view). The
      // accesses that slice it are the generics' and the fills a generic decided.
      SmallVector<Access> sliced;
      bool undecidedFill = false;
      for (const Access &other : all) {
        if (other.root != root)
          continue;
        if (!other.fill) {
          sliced.push_back(other);
          continue;
        }
        auto decided = resolved.find(other.fill);
        if (decided == resolved.end()) {
          undecidedFill = true;
          continue;
        }
        Access fill = other;
        fill.position = decided->second.dim;
        fill.trip = decided->second.trip;
        fill.base = baseAlong(fill.value, *fill.position);
        sliced.push_back(fill);
      }
      std::optional<std::pair<Value, unsigned>> slicing;
      bool sameSlicing = true;
      for (const Access &other : sliced) {
        if (!other.position) {
          sameSlicing = false;
          break;
        }
        std::pair<Value, unsigned> here{other.base, *other.position};
        if (slicing && *slicing != here)
          sameSlicing = false;
        slicing = here;
      }
      if (!sameSlicing) {
        SmallVector<const Access *> pointers;
        for (const Access &other : sliced)
          pointers.push_back(&other);
        if (undecidedFill || !tasksDisjoint(pointers))
          return false;
        slicing.reset();
      }
      for (const Access &other : all) {
        if (other.root == root && other.fill && slicing && !resolved.count(other.fill)) {
          if (baseAlong(other.value, slicing->second) != slicing->first)
            return false;
          auto generic = llvm::find_if(sliced, [](const Access &a) { return !a.fill; });
          if (generic == sliced.end())
            return false;
          resolved[other.fill] = {other.fill, slicing->second, generic->trip};
        }
        if (other.root == root)
          continue;
        // ...and that overlaps no other buffer of the run.
        if (!buffersApart(root, other.root))
          return false;
      }
    }
    accesses = std::move(all);
    resolvedFills = std::move(resolved);
    return true;
  }

  int64_t taskCount;
  SmallVector<RunMember> members;
  SmallVector<linalg::FillOp> pendingFills;
  DenseMap<linalg::FillOp, RunMember> resolvedFills;
  SmallVector<Access> accesses;
};

/// A task's slices of its arguments, [begin, begin + size) along one dimension, each
/// made once (the ops of a run share them).
class TaskSlices {
public:
  TaskSlices(Value begin, Value size) : begin(begin), size(size) {}

  Value getBegin() const { return begin; }

  /// `full` sliced along its dimension `position`.
  Value along(ImplicitLocOpBuilder &b, Value full, unsigned position) {
    Value &slice = slices[{full, position}];
    if (slice)
      return slice;
    auto type = cast<MemRefType>(full.getType());
    SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = memref::getMixedSizes(b, b.getLoc(), full);
    SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
    offsets[position] = begin;
    sizes[position] = size;
    slice = memref::SubViewOp::create(b, full, offsets, sizes, strides);
    return slice;
  }

private:
  Value begin, size;
  DenseMap<std::pair<Value, unsigned>, Value> slices;
};

/// Emits `generic` restricted to rows [begin, begin + size) of loop `dim`, on slices of
/// the task's copies of its operands (`args`, in operand order). The scalars its body
/// reads from the kernel map through `captured`; constants are rebuilt in the task.
/// `firstRow` is the loop index of the slice's first row when `args` start later than
/// the loop (a half of it); by default `begin`.
void emitSlicedGeneric(ImplicitLocOpBuilder &b, linalg::GenericOp generic, unsigned dim,
                       ArrayRef<Value> args, TaskSlices &slices, IRMapping captured,
                       Value firstRow = {}) {
  Value begin = firstRow ? firstRow : slices.getBegin();
  SmallVector<Value> operands;
  for (auto [index, map] : llvm::enumerate(generic.getIndexingMapsArray())) {
    std::optional<unsigned> position = map.getResultPosition(getAffineDimExpr(dim, b.getContext()));
    // An operand that does not depend on the split loop is used whole.
    operands.push_back(position ? slices.along(b, args[index], *position) : args[index]);
  }
  SetVector<Value> above;
  getUsedValuesDefinedAbove(generic->getRegions(), above);
  for (Value value : above)
    if (!captured.contains(value))
      captured.map(value, b.clone(*value.getDefiningOp())->getResult(0));
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
  for (StringRef name : kSplitAttrs)
    clone->removeAttr(name);
}

/// The task's rows of an N-row loop: [chunk*N/tasks, (chunk+1)*N/tasks).
std::pair<Value, Value> taskRows(ImplicitLocOpBuilder &b, Value chunk, Value tasks, Value n) {
  Value begin = arith::DivUIOp::create(b, arith::MulIOp::create(b, chunk, n), tasks);
  Value end = arith::DivUIOp::create(
      b,
      arith::MulIOp::create(
          b, arith::AddIOp::create(b, chunk, arith::ConstantIndexOp::create(b, 1)), n),
      tasks);
  return {begin, arith::SubIOp::create(b, end, begin)};
}

/// `full`'s part [part * extent, (part + 1) * extent) along its dimension `position`,
/// a static subview: the parts of a split loop are then provably apart.
Value staticPart(ImplicitLocOpBuilder &b, Value full, unsigned position, int64_t part,
                 int64_t extent) {
  auto type = cast<MemRefType>(full.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = memref::getMixedSizes(b, b.getLoc(), full);
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  offsets[position] = b.getIndexAttr(part * extent);
  sizes[position] = b.getIndexAttr(extent);
  return memref::SubViewOp::create(b, full, offsets, sizes, strides);
}

/// Builds the body of a task: the rows [chunk*N/tasks, (chunk+1)*N/tasks) of loop `dim`
/// of `generic`, run on subviews of its operands (the block arguments after chunk/tasks),
/// then the scalars its body reads from the kernel (`passed`). N is `trip`, or read from
/// the operands when it is dynamic. With `initFill`, the task first fills its rows of
/// the init the same way. With `parts` > 1 (dividing a static `trip`), N is trip / parts
/// and the task runs its rows of each part of the loop in turn, after filling its rows of
/// every part.
void buildTaskBody(func::FuncOp task, linalg::GenericOp generic, unsigned dim, int64_t trip,
                   ArrayRef<Value> passed, linalg::FillOp initFill, int64_t parts) {
  Block *body = task.addEntryBlock();
  ImplicitLocOpBuilder b(generic.getLoc(), OpBuilder::atBlockBegin(body));
  Value chunk = body->getArgument(0), tasks = body->getArgument(1);
  Value n;
  if (ShapedType::isDynamic(trip)) {
    auto [operand, position] = operandIndexedBy(generic, dim);
    n = memref::DimOp::create(b, body->getArgument(2 + operand), position);
  } else {
    n = arith::ConstantIndexOp::create(b, trip / parts);
  }
  auto [begin, size] = taskRows(b, chunk, tasks, n);
  SmallVector<Value> args(body->getArguments().slice(2, generic->getNumOperands()));
  IRMapping captured;
  for (auto [index, value] : llvm::enumerate(passed))
    captured.map(value, body->getArgument(2 + generic->getNumOperands() + index));
  // Each part's operands: the whole loop, or its parts.
  SmallVector<SmallVector<Value>> partArgs;
  SmallVector<Value> firstRows;
  for (int64_t part = 0; part < parts; ++part) {
    SmallVector<Value> &operands = partArgs.emplace_back(args);
    firstRows.push_back(
        part ? arith::AddIOp::create(b, begin,
                                     arith::ConstantIndexOp::create(b, part * (trip / parts)))
                   .getResult()
             : begin);
    if (parts == 1)
      continue;
    for (auto [index, map] : llvm::enumerate(generic.getIndexingMapsArray()))
      if (std::optional<unsigned> position =
              map.getResultPosition(getAffineDimExpr(dim, b.getContext())))
        operands[index] = staticPart(b, args[index], *position, part, trip / parts);
  }
  SmallVector<TaskSlices> slices(partArgs.size(), TaskSlices(begin, size));
  // The operands' slices first, so that the fill and the generic share the init's.
  for (auto [part, operands] : llvm::enumerate(partArgs))
    for (auto [index, map] : llvm::enumerate(generic.getIndexingMapsArray()))
      if (std::optional<unsigned> position =
              map.getResultPosition(getAffineDimExpr(dim, b.getContext())))
        slices[part].along(b, operands[index], *position);
  // Every part's fill before the first generic: nothing then separates the parts, which
  // g4-vectorize-contractions computes side by side.
  if (initFill) {
    unsigned init = generic.getDpsInitOperand(0)->getOperandNumber();
    AffineMap map = generic.getIndexingMapsArray()[init];
    Value value = b.clone(*initFill.value().getDefiningOp())->getResult(0);
    for (auto [part, operands] : llvm::enumerate(partArgs))
      linalg::FillOp::create(
          b, value,
          slices[part].along(b, operands[init],
                             *map.getResultPosition(getAffineDimExpr(dim, b.getContext()))));
  }
  for (auto [part, operands] : llvm::enumerate(partArgs))
    emitSlicedGeneric(b, generic, dim, operands, slices[part], captured, firstRows[part]);
  func::ReturnOp::create(b);
}

/// Whether `generic`, split along loop `dim`, can run as `parts` parts (`weight-parts`):
/// a decode contraction (one row of output) with interleaved packed or float weights,
/// over a static loop that `parts` divides, whose every operand it indexes has that
/// extent.
bool splitsIntoParts(linalg::GenericOp generic, unsigned dim, int64_t trip, int64_t parts) {
  auto format = generic->getAttrOfType<StringAttr>(kPackedFormatAttr);
  bool interleaved = generic->hasAttr(kInterleavedFloatAttr) ||
                     (format && llvm::is_contained({"q8_0x8", "q4_0x8"}, format.getValue()));
  if (!interleaved || ShapedType::isDynamic(trip) || trip % parts != 0 ||
      generic.getNumDpsInits() != 1)
    return false;
  auto yType = cast<MemRefType>(generic.getDpsInits()[0].getType());
  if (yType.getRank() < 2 || yType.getDimSize(0) != 1)
    return false;
  for (auto [operand, map] : llvm::zip(generic->getOperands(), generic.getIndexingMapsArray())) {
    std::optional<unsigned> position =
        map.getResultPosition(getAffineDimExpr(dim, generic.getContext()));
    if (position && cast<MemRefType>(operand.getType()).getDimSize(*position) != trip)
      return false;
  }
  return true;
}

/// The non-constant values `generic`'s body reads from the kernel, if all are integer,
/// index or float scalars (a task can receive them); nullopt otherwise.
std::optional<SmallVector<Value>> passedScalars(linalg::GenericOp generic) {
  SetVector<Value> above;
  getUsedValuesDefinedAbove(generic->getRegions(), above);
  SmallVector<Value> passed;
  for (Value value : above) {
    if (value.getDefiningOp() && value.getDefiningOp()->hasTrait<OpTrait::ConstantLike>())
      continue;
    if (!value.getType().isIntOrIndexOrFloat())
      return std::nullopt;
    passed.push_back(value);
  }
  return passed;
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
      SmallVector<Block *> blocks;
      kernel.walk([&](Block *block) { blocks.push_back(block); });
      SmallVector<std::variant<linalg::GenericOp, SplitRun>> work;
      for (Block *block : blocks)
        collectWork(*block, work);
      for (auto [k, item] : llvm::enumerate(work)) {
        if (auto *generic = std::get_if<linalg::GenericOp>(&item))
          outline(symbols, kernel, *generic, parallel, k);
        else
          outlineRun(symbols, kernel, std::get<SplitRun>(item), parallel, k);
      }
    }
  }

  int64_t minSizeOf(linalg::GenericOp generic) {
    if (auto own = generic->getAttrOfType<IntegerAttr>(kMinTaskSizeAttr))
      return std::max<int64_t>(1, own.getInt());
    return minTaskSize;
  }

  int64_t maxTasksOf(linalg::GenericOp generic) {
    if (auto own = generic->getAttrOfType<IntegerAttr>(kMaxTasksAttr))
      return std::max<int64_t>(1, own.getInt());
    return maxTasks;
  }

  /// The splittable generics of `block` in order: runs of two or more that can share a
  /// dispatch (`merge-runs`), and the others one by one.
  void collectWork(Block &block, SmallVectorImpl<std::variant<linalg::GenericOp, SplitRun>> &work) {
    std::optional<SplitRun> run;
    SmallVector<linalg::FillOp> leadingFills; // fills since the last op that ends a run
    auto finishRun = [&]() {
      if (!run)
        return;
      run->finish();
      if (run->countGenerics() >= 2) {
        work.push_back(*run);
      } else {
        for (RunMember member : run->getMembers())
          if (auto generic = dyn_cast<linalg::GenericOp>(member.op))
            work.push_back(generic);
      }
      run.reset();
    };
    for (Operation &op : block) {
      auto generic = dyn_cast<linalg::GenericOp>(&op);
      if (generic && generic->hasAttr(kParallelDimAttr) && generic.hasPureBufferSemantics()) {
        unsigned dim = unsigned(generic->getAttrOfType<IntegerAttr>(kParallelDimAttr).getInt());
        int64_t trip = generic.getStaticLoopRanges()[dim];
        if (generic->hasAttr(kSplitOnlyInRunAttr)) {
          // It joins the open run, in the run's tasks, or stays serial.
          if (mergeRuns && run && !ShapedType::isDynamic(trip) &&
              passedScalars(generic).has_value() && run->tryAddGeneric(generic, dim, trip))
            continue;
          finishRun();
          leadingFills.clear();
          for (StringRef name : kSplitAttrs)
            generic->removeAttr(name);
          continue;
        }
        int64_t minSize = minSizeOf(generic);
        bool joinable = mergeRuns && !ShapedType::isDynamic(trip) && trip >= 2 * minSize &&
                        passedScalars(generic).has_value();
        if (!joinable) {
          finishRun();
          leadingFills.clear();
          work.push_back(generic);
          continue;
        }
        int64_t taskCount = staticTaskCount(trip, minSize, maxTasksOf(generic));
        // A generic without its own max-tasks also joins a run of more tasks when its
        // rows allow that many (decode's gated GELU after gate and up projections that
        // ask for small tasks): one dispatch fewer.
        if (run && run->getTaskCount() > taskCount && !generic->hasAttr(kMaxTasksAttr) &&
            trip / minSize >= run->getTaskCount())
          taskCount = run->getTaskCount();
        if (run && (run->getTaskCount() != taskCount || !run->tryAddGeneric(generic, dim, trip)))
          finishRun();
        if (!run) {
          run.emplace(taskCount);
          for (linalg::FillOp fill : leadingFills)
            if (!run->tryAddFill(fill))
              break;
          leadingFills.clear();
          if (!run->tryAddGeneric(generic, dim, trip)) {
            run.reset();
            work.push_back(generic);
          }
        }
        continue;
      }
      auto fill = dyn_cast<linalg::FillOp>(&op);
      if (fill && fill.hasPureBufferSemantics() && fill.value().getDefiningOp() &&
          fill.value().getDefiningOp()->hasTrait<OpTrait::ConstantLike>()) {
        if (!run)
          leadingFills.push_back(fill);
        else if (!run->tryAddFill(fill))
          finishRun();
        continue;
      }
      if (isMemoryEffectFree(&op))
        continue;
      finishRun();
      leadingFills.clear();
    }
    finishRun();
  }

  /// The private task `@<kernel>_task<k>(chunk, tasks, operandTypes...)` and its
  /// dispatcher declaration `@<kernel>_parallel<k>(parallel, tasks, operandTypes...)`,
  /// after the kernel; the task has no body yet.
  std::pair<func::FuncOp, func::FuncOp> declareTask(SymbolTable &symbols, func::FuncOp kernel,
                                                    Value parallel, Location loc, size_t k,
                                                    ArrayRef<Type> operandTypes) {
    OpBuilder b(kernel.getContext());
    b.setInsertionPointAfter(kernel);
    SmallVector<Type> taskArgs{b.getIndexType(), b.getIndexType()};
    taskArgs.append(operandTypes.begin(), operandTypes.end());
    auto task = func::FuncOp::create(b, loc, (kernel.getName() + "_task" + std::to_string(k)).str(),
                                     b.getFunctionType(taskArgs, {}));
    task.setPrivate();
    symbols.insert(task);
    SmallVector<Type> dispatchArgs{parallel.getType(), b.getIndexType()};
    dispatchArgs.append(operandTypes.begin(), operandTypes.end());
    b.setInsertionPointAfter(task);
    auto dispatch =
        func::FuncOp::create(b, loc, (kernel.getName() + "_parallel" + std::to_string(k)).str(),
                             b.getFunctionType(dispatchArgs, {}));
    dispatch.setPrivate();
    dispatch->setAttr("g4.parallel_task", FlatSymbolRefAttr::get(task));
    symbols.insert(dispatch);
    return {task, dispatch};
  }

  /// One dispatch for the run: each task runs every member on its rows, in order.
  void outlineRun(SymbolTable &symbols, func::FuncOp kernel, const SplitRun &run, Value parallel,
                  size_t k) {
    ArrayRef<RunMember> members = run.getMembers();
    // The task's arguments: every operand of the members, then the scalars their bodies
    // read from the kernel, each once.
    SetVector<Value> values;
    for (RunMember member : members)
      values.insert(member.op->operand_begin(), member.op->operand_end());
    for (RunMember member : members)
      if (auto generic = dyn_cast<linalg::GenericOp>(member.op)) {
        SmallVector<Value> passed = *passedScalars(generic);
        values.insert(passed.begin(), passed.end());
      }
    // The fill values are rebuilt in the task.
    for (RunMember member : members)
      if (auto fill = dyn_cast<linalg::FillOp>(member.op))
        values.remove(fill.value());

    Operation *last = members.back().op;
    SmallVector<Type> operandTypes;
    for (Value value : values)
      operandTypes.push_back(value.getType());
    auto [task, dispatch] = declareTask(symbols, kernel, parallel, last->getLoc(), k, operandTypes);

    Block *body = task.addEntryBlock();
    ImplicitLocOpBuilder tb(last->getLoc(), OpBuilder::atBlockBegin(body));
    IRMapping arguments;
    for (auto [index, value] : llvm::enumerate(values))
      arguments.map(value, body->getArgument(2 + index));
    // Each member's rows of its own loop: the same task count, and the same part of
    // every buffer the run writes (SplitRun checked that).
    std::map<int64_t, TaskSlices> slicesByTrip;
    for (RunMember member : members) {
      tb.setLoc(member.op->getLoc());
      auto found = slicesByTrip.find(member.trip);
      if (found == slicesByTrip.end()) {
        auto [begin, size] = taskRows(tb, body->getArgument(0), body->getArgument(1),
                                      arith::ConstantIndexOp::create(tb, member.trip));
        found = slicesByTrip.emplace(member.trip, TaskSlices(begin, size)).first;
      }
      TaskSlices &slices = found->second;
      if (auto fill = dyn_cast<linalg::FillOp>(member.op)) {
        Value value = tb.clone(*fill.value().getDefiningOp())->getResult(0);
        linalg::FillOp::create(
            tb, value, slices.along(tb, arguments.lookup(fill.getDpsInits()[0]), member.dim));
        continue;
      }
      auto generic = cast<linalg::GenericOp>(member.op);
      SmallVector<Value> args;
      for (Value operand : generic->getOperands())
        args.push_back(arguments.lookup(operand));
      emitSlicedGeneric(tb, generic, member.dim, args, slices, arguments);
    }
    func::ReturnOp::create(tb);

    // Where the last member was: every operand is defined by then, and the ops the
    // members move past have no memory effects.
    OpBuilder b(last->getContext());
    b.setInsertionPointAfter(last);
    SmallVector<Value> args{parallel,
                            arith::ConstantIndexOp::create(b, last->getLoc(), run.getTaskCount())};
    args.append(values.begin(), values.end());
    func::CallOp::create(b, last->getLoc(), dispatch, args);
    for (RunMember member : members)
      member.op->erase();
  }

  void outline(SymbolTable &symbols, func::FuncOp kernel, linalg::GenericOp generic, Value parallel,
               size_t k) {
    unsigned dim = unsigned(generic->getAttrOfType<IntegerAttr>(kParallelDimAttr).getInt());
    SmallVector<int64_t> ranges = generic.getStaticLoopRanges();
    int64_t trip = ranges[dim];
    int64_t minSize = minSizeOf(generic), most = maxTasksOf(generic);
    // Parts: at most N / parts tasks, so that each has rows of every part. Packed weights
    // (q8_0x8, q4_0x8) have their own count.
    const int64_t wanted = generic->hasAttr(kPackedFormatAttr) ? packedWeightParts : weightParts;
    const int64_t parts = wanted > 1 && splitsIntoParts(generic, dim, trip, wanted) ? wanted : 1;
    if (parts > 1)
      most = std::min(most, trip / parts);
    generic->removeAttr(kMinTaskSizeAttr);
    generic->removeAttr(kMaxTasksAttr);
    if (!ShapedType::isDynamic(trip) && trip < 2 * minSize) {
      generic->removeAttr(kParallelDimAttr);
      return;
    }
    // The task gets the operands and the scalars the body reads from the kernel (the
    // start position of an attention mask); constants it rebuilds. Anything else keeps
    // the loop serial.
    std::optional<SmallVector<Value>> passed = passedScalars(generic);
    if (!passed) {
      generic->removeAttr(kParallelDimAttr);
      return;
    }

    SmallVector<Type> operandTypes(generic->getOperandTypes());
    for (Value value : *passed)
      operandTypes.push_back(value.getType());
    auto [task, dispatch] =
        declareTask(symbols, kernel, parallel, generic.getLoc(), k, operandTypes);
    // The tasks zero their own rows of the accumulator: in parallel, and in the cache
    // of the core that then accumulates into them (a serial fill of decode's 48 KB
    // MLP accumulator took 13 us on the kernel's thread between two matvecs).
    linalg::FillOp initFill = fillOfInit(generic, dim);
    buildTaskBody(task, generic, dim, trip, *passed, initFill, parts);
    if (initFill)
      initFill.erase();

    OpBuilder b(generic->getContext());
    b.setInsertionPoint(generic);
    SmallVector<Value> args{parallel, taskCount(b, generic, dim, trip, minSize, most)};
    args.append(generic->getOperands().begin(), generic->getOperands().end());
    args.append(*passed);
    func::CallOp::create(b, generic.getLoc(), dispatch, args);
    generic.erase();
  }

  /// min(most, N / minSize) tasks for a static N of at least 2 * minSize, rounded down
  /// to an even count with `even-task-counts`.
  int64_t staticTaskCount(int64_t trip, int64_t minSize, int64_t most) {
    int64_t count = std::min<int64_t>(most, trip / minSize);
    return evenTaskCounts && count > 1 ? count & ~int64_t(1) : count;
  }

  /// min(most, N / minSize) tasks (rounded down to even with `even-task-counts`), at
  /// least one: a constant when N is static, else computed from the operand's size where
  /// the loop runs. Either way it depends on N alone, never on the thread count.
  Value taskCount(OpBuilder &b, linalg::GenericOp generic, unsigned dim, int64_t trip,
                  int64_t minSize, int64_t most) {
    Location loc = generic.getLoc();
    if (!ShapedType::isDynamic(trip))
      return arith::ConstantIndexOp::create(b, loc, staticTaskCount(trip, minSize, most));
    auto [operand, position] = operandIndexedBy(generic, dim);
    Value n = memref::DimOp::create(b, loc, generic->getOperand(operand), position);
    Value count =
        arith::DivUIOp::create(b, loc, n, arith::ConstantIndexOp::create(b, loc, minSize));
    count = arith::MinUIOp::create(b, loc, count, arith::ConstantIndexOp::create(b, loc, most));
    if (evenTaskCounts)
      count =
          arith::AndIOp::create(b, loc, count, arith::ConstantIndexOp::create(b, loc, ~int64_t(1)));
    return arith::MaxUIOp::create(b, loc, count, arith::ConstantIndexOp::create(b, loc, 1));
  }
};

} // namespace
} // namespace g4
