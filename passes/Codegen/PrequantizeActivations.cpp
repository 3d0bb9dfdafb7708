//===- PrequantizeActivations.cpp - g4-prequantize-activations --------------===//
//
// A packed projection is split into tasks along its outputs, and each task quantised
// all of x for its integer dot products: 16 times the same work, none of it reading
// weights. Here x is quantised once, before the split, with each block's offset
// correction (what the integer dot starts from): decode's x into stack buffers by
// a loop; prefill's (rows known at run time, megabytes) and an MoE expert's chunk of
// tokens into scratch buffers, by row-parallel generics that
// g4-outline-parallel-tasks splits like any other.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/Passes.h"
#include "passes/Utils/ActivationQuanta.h"
#include "passes/Utils/ArenaViews.h"
#include "passes/Utils/LoopAttributes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define DEBUG_TYPE "g4-prequantize-activations"

namespace g4 {
#define GEN_PASS_DEF_PREQUANTIZEACTIVATIONSPASS
#include "passes/Codegen/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

/// An interleaved packed contraction whose x the pass quantises: x [M, ..., block dims]
/// f32, where the trailing `blockDims` dims hold one block of 32 (q8_0x8: 8 x 4, q4_0x8:
/// 4 x 2 x 4). Quantised on the stack (decode's one row) or in scratch (prefill's rows,
/// dynamic; an MoE expert's chunk of tokens, static but over the stack budget).
struct Candidate {
  linalg::GenericOp op;
  int64_t rows, inputs; // M (ShapedType::kDynamic for prefill) and K of x as [M, K]
  unsigned blockDims;
  int32_t weightOffset; // of the stored weights: the offset corrections depend on it
  bool inScratch;
};

/// x's dims after the first, which collapse into one row of K inputs.
ReassociationIndices rowDims(MemRefType type) {
  ReassociationIndices dims;
  for (int64_t dim = 1; dim < type.getRank(); ++dim)
    dims.push_back(dim);
  return dims;
}

/// Whether x's rows can size a scratch buffer: x reshapes (no subview: an MoE expert's
/// token count is loaded from memory, which g4-plan-scratch cannot size a frame by) a
/// buffer the kernel allocates or its caller passes, and the contraction runs in the
/// function's body, not in a loop.
bool rowsSizeScratch(linalg::GenericOp op, Value x) {
  if (!isa<FunctionOpInterface>(op->getParentOp()))
    return false;
  Value v = x;
  while (Operation *def = v.getDefiningOp()) {
    if (isa<memref::AllocOp>(def))
      return true;
    if (!isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(def))
      return false;
    v = def->getOperand(0);
  }
  return isa<FunctionOpInterface>(cast<BlockArgument>(v).getOwner()->getParentOp());
}

std::optional<Candidate> matchCandidate(linalg::GenericOp op, int64_t maxStackBytes, bool scratch) {
  auto format = op->getAttrOfType<StringAttr>(kPackedFormatAttr);
  if (!format || (format.getValue() != "q8_0x8" && format.getValue() != "q4_0x8") ||
      !op.hasPureBufferSemantics() || op.getNumDpsInputs() != 4 || op.getNumDpsInits() != 1)
    return std::nullopt;
  const unsigned blockDims = format.getValue() == "q4_0x8" ? 3 : 2;
  Value x = op.getDpsInputs()[0];
  auto xType = cast<MemRefType>(x.getType());
  if (!xType.getElementType().isF32() || xType.getRank() < blockDims + 2 ||
      !MemRefType::get(xType.getShape().drop_front(), xType.getElementType()).hasStaticShape() ||
      !memref::CollapseShapeOp::isGuaranteedCollapsible(xType, {{0}, rowDims(xType)}))
    return std::nullopt;
  int64_t block = 1, inputs = 1;
  for (int64_t size : xType.getShape().take_back(blockDims))
    block *= size;
  for (int64_t size : xType.getShape().drop_front())
    inputs *= size;
  if (block != 32)
    return std::nullopt;
  const int64_t rows = xType.getDimSize(0);
  // The quanta (a byte each), one f32 scale and one i32 offset correction per block.
  const bool onStack = !ShapedType::isDynamic(rows) && rows >= 1 &&
                       rows * inputs + rows * (inputs / 32) * 8 <= maxStackBytes;
  if (!onStack && (!scratch || (ShapedType::isDynamic(rows) && !rowsSizeScratch(op, x))))
    return std::nullopt;
  return Candidate{op, rows, inputs, blockDims, storedWeightOffset(blockDims == 3), !onStack};
}

/// x quantised: the quanta rows [M, K] i8, and per block the scale rows [M, K/32] f32
/// and the offset correction rows [M, K/32] i32 (`-offset * sum(q)`, which the kernel's
/// integer dot starts from: derived once here, not in each of its tasks).
struct QuantizedRows {
  Value quanta, scales, offsetCorrections;
};

/// x quantised, in the contraction's shapes: the quanta in x's shape, the scales and
/// corrections in x's shape without the block's dims (a banded x's [M, panels,
/// blocks]); filled by the ops `first` ... `last` of one block, for weights stored with
/// `weightOffset`.
struct QuantizedX {
  Value quanta, scales, offsetCorrections;
  int32_t weightOffset;
  Operation *first, *last;
};

/// The contraction's views of `rows` (see QuantizedX).
QuantizedX contractionViews(ImplicitLocOpBuilder &b, MemRefType xType, unsigned blockDims,
                            const QuantizedRows &rows) {
  Value quanta =
      memref::ExpandShapeOp::create(b, SmallVector<int64_t>(xType.getShape()), rows.quanta,
                                    SmallVector<ReassociationIndices>{{0}, rowDims(xType)});
  ArrayRef<int64_t> blockShape = xType.getShape().drop_back(blockDims);
  auto perBlockView = [&](Value perBlock) -> Value {
    if (blockShape.size() <= 2)
      return perBlock;
    ReassociationIndices inner;
    for (int64_t dim = 1; dim < static_cast<int64_t>(blockShape.size()); ++dim)
      inner.push_back(dim);
    return memref::ExpandShapeOp::create(b, SmallVector<int64_t>(blockShape), perBlock,
                                         SmallVector<ReassociationIndices>{{0}, inner});
  };
  return {quanta, perBlockView(rows.scales), perBlockView(rows.offsetCorrections), 0, nullptr,
          nullptr};
}

/// Whether `op` may write bytes of the buffer rooted at `root`: a linalg op whose inits
/// may overlap it, or any other op with a write (or free) it does not pin to a buffer
/// apart from it. Allocations and reads write nothing there.
bool mayWrite(Operation *op, Value root) {
  if (isMemoryEffectFree(op))
    return false;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    if (!linalgOp.hasPureBufferSemantics())
      return true;
    return llvm::any_of(linalgOp.getDpsInits(),
                        [&](Value init) { return !buffersApart(rootOf(init), root); });
  }
  auto withEffects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!withEffects || op->getNumRegions() != 0)
    return true;
  SmallVector<MemoryEffects::EffectInstance> effects;
  withEffects.getEffects(effects);
  return llvm::any_of(effects, [&](const MemoryEffects::EffectInstance &effect) {
    if (isa<MemoryEffects::Allocate, MemoryEffects::Read>(effect.getEffect()))
      return false;
    Value buffer = effect.getValue();
    return !buffer || !buffersApart(rootOf(buffer), root);
  });
}

/// Whether `a` and `b` are the same value: equal, or made by equal side-effect-free ops
/// (reshapes, their sizes' memref.dim) of the same values. Bufferization gives gate and
/// up an expand_shape of x each, with a memref.dim each when the rows are dynamic.
bool sameView(Value a, Value b) {
  if (a == b)
    return true;
  Operation *defA = a.getDefiningOp(), *defB = b.getDefiningOp();
  if (!defA || !defB || defA->getNumRegions() != 0 || !isMemoryEffectFree(defA))
    return false;
  return OperationEquivalence::isEquivalentTo(
      defA, defB, [](Value x, Value y) { return success(x == y || sameView(x, y)); },
      /*markEquivalent=*/nullptr, OperationEquivalence::IgnoreLocations);
}

/// Where x's quantisation goes: before `op` and the ops right above it that write
/// nothing (views) or write other buffers with linalg.fill (the zeroing of op's
/// accumulator: g4-outline-parallel-tasks moves it into the tasks only when nothing
/// with effects sits between), but after x's definition.
Operation *insertionPoint(linalg::GenericOp op, Value x) {
  Value root = rootOf(x);
  Operation *point = op;
  for (Operation *prev = op->getPrevNode(); prev && prev != x.getDefiningOp();
       prev = prev->getPrevNode()) {
    if (!isMemoryEffectFree(prev) && (!isa<linalg::FillOp>(prev) || mayWrite(prev, root)))
      break;
    point = prev;
  }
  return point;
}

/// Whether the last op with memory effects before `point` is a generic marked for
/// g4-outline-parallel-tasks that writes x's buffer: decode's x is then made by tasks
/// (the gated GELU, attention's heads), and quantising it in the same tasks spares the
/// kernel's thread the serial work and the reading of what the other cores wrote.
bool madeBySplitGeneric(Operation *point, Value x) {
  Value root = rootOf(x);
  for (Operation *prev = point->getPrevNode(); prev; prev = prev->getPrevNode()) {
    // A new buffer (the contraction's output, in an MoE expert's loop) writes nothing.
    if (isMemoryEffectFree(prev) || isa<memref::AllocOp, memref::AllocaOp>(prev))
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(prev);
    if (!generic || !generic.hasPureBufferSemantics())
      return false;
    auto dim = generic->getAttrOfType<IntegerAttr>(kParallelDimAttr);
    if (!dim || dim.getInt() < 0 || dim.getInt() >= generic.getNumLoops())
      return false;
    // A loop of one iteration (decode's row) is never split.
    int64_t trip = generic.getStaticLoopRanges()[dim.getInt()];
    return (ShapedType::isDynamic(trip) || trip > 1) &&
           llvm::any_of(generic.getDpsInits(), [&](Value init) { return rootOf(init) == root; });
  }
  return false;
}

struct PrequantizeActivationsPass
    : impl::PrequantizeActivationsPassBase<PrequantizeActivationsPass> {
  using Base::Base;

  void runOnOperation() override {
    quantizedOf.clear();
    quantizationOps.clear();
    SmallVector<Candidate> candidates;
    getOperation().walk([&](linalg::GenericOp op) {
      if (std::optional<Candidate> candidate = matchCandidate(op, maxStackBytes, scratch))
        candidates.push_back(*candidate);
    });
    for (const Candidate &candidate : candidates)
      rewrite(candidate);
  }

  /// Whether `quantized`, made for an earlier contraction of x, still holds at `op`: it
  /// is in the same block, and nothing between may write x (contractions and fills of
  /// other buffers may run there).
  bool stillValid(const QuantizedX &quantized, Operation *op, Value x) {
    if (quantized.last->getBlock() != op->getBlock() || !quantized.last->isBeforeInBlock(op))
      return false;
    Value root = rootOf(x);
    for (Operation *between = quantized.last->getNextNode(); between != op;
         between = between->getNextNode())
      if (!quantizationOps.contains(between) && mayWrite(between, root))
        return false;
    return true;
  }

  void rewrite(const Candidate &candidate) {
    linalg::GenericOp op = candidate.op;
    Value x = op.getDpsInputs()[0];
    auto found = llvm::find_if(quantizedOf, [&](const std::pair<Value, QuantizedX> &earlier) {
      return sameView(earlier.first, x) && earlier.second.weightOffset == candidate.weightOffset &&
             stillValid(earlier.second, op, x);
    });
    QuantizedX quantized = found != quantizedOf.end() ? found->second : quantize(candidate);
    quantizedOf.emplace_back(x, quantized);

    // The contraction on the quanta, scales and corrections, in x's shapes.
    ImplicitLocOpBuilder b(op.getLoc(), op);
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    AffineMap xMap = maps[0];
    AffineMap perBlockMap =
        AffineMap::get(xMap.getNumDims(), xMap.getNumSymbols(),
                       xMap.getResults().drop_back(candidate.blockDims), op.getContext());
    SmallVector<AffineMap> newMaps{xMap, perBlockMap, perBlockMap};
    newMaps.append(maps.begin() + 1, maps.end());
    SmallVector<Value> inputs{quantized.quanta, quantized.scales, quantized.offsetCorrections};
    llvm::append_range(inputs, ArrayRef<Value>(op.getDpsInputs()).drop_front());
    Block &body = op.getRegion().front();
    auto generic = linalg::GenericOp::create(
        b, TypeRange{}, inputs, op.getDpsInits(), newMaps, op.getIteratorTypesArray(),
        [&](OpBuilder &nested, Location loc, ValueRange args) {
          // x = q * d: exactly what the integer kernel computes per input. The offset
          // correction (args[2]) only serves the kernel's integer dot.
          Value x = arith::MulFOp::create(
              nested, loc, arith::SIToFPOp::create(nested, loc, nested.getF32Type(), args[0]),
              args[1]);
          IRMapping mapping;
          mapping.map(body.getArgument(0), x);
          for (unsigned i = 1; i < body.getNumArguments(); ++i)
            mapping.map(body.getArgument(i), args[i + 2]);
          for (Operation &inner : body)
            nested.clone(inner, mapping);
        });
    generic->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    op.erase();
  }

  QuantizedX quantize(const Candidate &candidate) {
    return candidate.inScratch ? quantizeIntoScratch(candidate) : quantizeOnStack(candidate);
  }

  /// Stack buffers for x's quanta, scales and offset corrections, and the loop that
  /// fills them placed at insertionPoint.
  QuantizedX quantizeOnStack(const Candidate &candidate) {
    linalg::GenericOp op = candidate.op;
    Value x = op.getDpsInputs()[0];
    auto xType = cast<MemRefType>(x.getType());
    const int64_t rows = candidate.rows, blocks = candidate.inputs / 32;
    auto function = op->getParentOfType<FunctionOpInterface>();
    ImplicitLocOpBuilder b(op.getLoc(), &function.getFunctionBody().front(),
                           function.getFunctionBody().front().begin());
    // At the entry: an MoE expert's contraction sits in a loop, and an alloca there
    // would grow the stack every iteration. 32-byte aligned: the kernels load 32 quanta.
    Value quantaRows =
        memref::AllocaOp::create(b, MemRefType::get({rows, candidate.inputs}, b.getI8Type()),
                                 ValueRange{}, ValueRange{}, b.getI64IntegerAttr(32));
    QuantizedRows quantized{
        quantaRows, memref::AllocaOp::create(b, MemRefType::get({rows, blocks}, b.getF32Type())),
        memref::AllocaOp::create(b, MemRefType::get({rows, blocks}, b.getI32Type()))};
    QuantizedX views = contractionViews(b, xType, candidate.blockDims, quantized);
    views.weightOffset = candidate.weightOffset;

    Operation *point = insertionPoint(op, x);
    b.setInsertionPoint(point);
    if (madeBySplitGeneric(point, x)) {
      // By blocks, in the tasks of the run that made x (or serially, if it cannot join).
      std::tie(views.first, views.last) = emitQuantizeGenerics(
          b, x, quantized, candidate.weightOffset, [&](linalg::GenericOp generic) {
            generic->setAttr(kParallelDimAttr, b.getI64IntegerAttr(1));
            generic->setAttr(kSplitOnlyInRunAttr, b.getUnitAttr());
          });
      return remember(views);
    }
    Value flat = memref::CollapseShapeOp::create(
        b, x, SmallVector<ReassociationIndices>{{0}, rowDims(xType)});
    Value zero = arith::ConstantIndexOp::create(b, 0), one = arith::ConstantIndexOp::create(b, 1);
    auto loop = scf::ForOp::create(b, zero, arith::ConstantIndexOp::create(b, rows), one);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value row = loop.getInductionVar();
      auto blockLoop = scf::ForOp::create(b, zero, arith::ConstantIndexOp::create(b, blocks), one);
      b.setInsertionPointToStart(blockLoop.getBody());
      Value blk = blockLoop.getInductionVar();
      auto [q, d] = quantizeBlock(b, flat, row, blk);
      vector::StoreOp::create(
          b, q, quantaRows,
          ValueRange{row, arith::MulIOp::create(b, blk, arith::ConstantIndexOp::create(b, 32))});
      memref::StoreOp::create(b, d, quantized.scales, ValueRange{row, blk});
      memref::StoreOp::create(b, blockOffsetCorrection(b, q, candidate.weightOffset),
                              quantized.offsetCorrections, ValueRange{row, blk});
    }
    views.first = views.last = loop;
    return remember(views);
  }

  /// Scratch buffers (g4-plan-scratch places them) for x's quanta, scales and offset
  /// corrections, filled at
  /// insertionPoint by the quantising generics over x's rows, marked for
  /// g4-outline-parallel-tasks. In a loop (an MoE expert's chunks) the buffers are
  /// allocated there, like the chunk's.
  QuantizedX quantizeIntoScratch(const Candidate &candidate) {
    linalg::GenericOp op = candidate.op;
    Value x = op.getDpsInputs()[0];
    auto xType = cast<MemRefType>(x.getType());
    const int64_t inputs = candidate.inputs, blocks = inputs / 32;
    ImplicitLocOpBuilder b(op.getLoc(), insertionPoint(op, x));
    const int64_t rowCount = candidate.rows; // static, or dynamic (sized by x's rows)
    SmallVector<Value> rows;
    if (ShapedType::isDynamic(rowCount))
      rows.push_back(memref::DimOp::create(b, x, 0));
    auto first = memref::AllocOp::create(b, MemRefType::get({rowCount, inputs}, b.getI8Type()),
                                         rows, b.getI64IntegerAttr(64));
    auto perBlockRows = [&](Type element) -> Value {
      return memref::AllocOp::create(b, MemRefType::get({rowCount, blocks}, element), rows,
                                     b.getI64IntegerAttr(64));
    };
    QuantizedRows quantized{first, perBlockRows(b.getF32Type()), perBlockRows(b.getI32Type())};
    // Tasks of at least 4 rows: an expert's chunk of 32 tokens still splits in 8.
    Operation *last =
        emitQuantizeGenerics(b, x, quantized, candidate.weightOffset,
                             [&](linalg::GenericOp generic) {
                               generic->setAttr(kParallelDimAttr, b.getI64IntegerAttr(0));
                               generic->setAttr(kMinTaskSizeAttr, b.getI64IntegerAttr(4));
                             })
            .second;
    QuantizedX views = contractionViews(b, xType, candidate.blockDims, quantized);
    views.weightOffset = candidate.weightOffset;
    views.first = first;
    views.last = last;
    return remember(views);
  }

  /// Records the ops `quantized.first` ... `quantized.last` as quantisation work.
  QuantizedX remember(QuantizedX quantized) {
    for (Operation *made = quantized.first; made != quantized.last->getNextNode();
         made = made->getNextNode())
      quantizationOps.insert(made);
    return quantized;
  }

  /// At b's insertion point: x [M, ...] quantised into `rows` by two fills and four
  /// generics, each generic marked by `mark`: each block's largest |x| (a max reduction
  /// over [M, K/32, 32], vectorised by g4-vectorize-row-reductions), that divided by 127
  /// in place, the quanta, then each block's offset correction (a sum of -offset * q,
  /// vectorised likewise). Returns the first op made (the reshapes of x come before it)
  /// and the last. Bit for bit quantizeBlock's numbers, which divide the block's largest
  /// |x| by 127, and blockOffsetCorrection's (integer sums are exact in any order).
  std::pair<Operation *, Operation *>
  emitQuantizeGenerics(ImplicitLocOpBuilder &b, Value x, const QuantizedRows &rows,
                       int32_t weightOffset, function_ref<void(linalg::GenericOp)> mark) {
    auto xType = cast<MemRefType>(x.getType());
    MLIRContext *ctx = b.getContext();
    Type i8 = b.getI8Type(), i32 = b.getI32Type();
    Value quantaRows = rows.quanta, scaleRows = rows.scales;
    auto scaleType = cast<MemRefType>(scaleRows.getType());
    const SmallVector<int64_t> blockShape{scaleType.getDimSize(0), scaleType.getDimSize(1), 32};
    const SmallVector<ReassociationIndices> toBlocks{{0}, {1, 2}};
    Value flat = memref::CollapseShapeOp::create(
        b, x, SmallVector<ReassociationIndices>{{0}, rowDims(xType)});
    Value xBlocks = memref::ExpandShapeOp::create(b, blockShape, flat, toBlocks);
    Value quantaBlocks = memref::ExpandShapeOp::create(b, blockShape, quantaRows, toBlocks);

    AffineMap element = AffineMap::getMultiDimIdentityMap(3, ctx);
    AffineMap perBlock = element.dropResult(2);
    auto constant = [&](float value) {
      return arith::ConstantOp::create(b, b.getF32FloatAttr(value)).getResult();
    };
    Value zero = constant(0.0f), levels = constant(127.0f), one = constant(1.0f),
          magic = constant(0x1.8p23f);
    auto fill = linalg::FillOp::create(b, zero, scaleRows);
    auto scalesGeneric = linalg::GenericOp::create(
        b, TypeRange{}, ValueRange{xBlocks}, ValueRange{scaleRows},
        ArrayRef<AffineMap>{element, perBlock},
        {utils::IteratorType::parallel, utils::IteratorType::parallel,
         utils::IteratorType::reduction},
        [&](OpBuilder &nested, Location loc, ValueRange args) {
          ImplicitLocOpBuilder nb(loc, nested);
          Value magnitude = math::AbsFOp::create(nb, args[0]);
          linalg::YieldOp::create(nb,
                                  ValueRange{arith::MaximumFOp::create(nb, args[1], magnitude)});
        });
    mark(scalesGeneric);
    auto scaleShares = linalg::GenericOp::create(
        b, TypeRange{}, ValueRange{}, ValueRange{scaleRows},
        ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(2, ctx)},
        SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
        [&](OpBuilder &nested, Location loc, ValueRange args) {
          ImplicitLocOpBuilder nb(loc, nested);
          linalg::YieldOp::create(nb, ValueRange{arith::DivFOp::create(nb, args[0], levels)});
        });
    mark(scaleShares);
    auto quantaGeneric = linalg::GenericOp::create(
        b, TypeRange{}, ValueRange{xBlocks, scaleRows}, ValueRange{quantaBlocks},
        ArrayRef<AffineMap>{element, perBlock, element},
        SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
        [&](OpBuilder &nested, Location loc, ValueRange args) {
          ImplicitLocOpBuilder nb(loc, nested);
          Value d = args[1];
          Value inverse = arith::SelectOp::create(
              nb, arith::CmpFOp::create(nb, arith::CmpFPredicate::OGT, d, zero),
              arith::DivFOp::create(nb, one, d), zero);
          Value scaled = arith::MulFOp::create(nb, args[0], inverse);
          // Round to nearest even by adding and removing 1.5 * 2^23, as quantizeBlock.
          Value rounded =
              arith::SubFOp::create(nb, arith::AddFOp::create(nb, scaled, magic), magic);
          linalg::YieldOp::create(nb, ValueRange{arith::FPToSIOp::create(nb, i8, rounded)});
        });
    mark(quantaGeneric);
    linalg::FillOp::create(b, arith::ConstantIntOp::create(b, i32, 0).getResult(),
                           rows.offsetCorrections);
    Value negatedOffset = arith::ConstantIntOp::create(b, i32, -weightOffset);
    auto correctionsGeneric = linalg::GenericOp::create(
        b, TypeRange{}, ValueRange{quantaBlocks}, ValueRange{rows.offsetCorrections},
        ArrayRef<AffineMap>{element, perBlock},
        {utils::IteratorType::parallel, utils::IteratorType::parallel,
         utils::IteratorType::reduction},
        [&](OpBuilder &nested, Location loc, ValueRange args) {
          ImplicitLocOpBuilder nb(loc, nested);
          Value term =
              arith::MulIOp::create(nb, arith::ExtSIOp::create(nb, i32, args[0]), negatedOffset);
          linalg::YieldOp::create(nb, ValueRange{arith::AddIOp::create(nb, args[1], term)});
        });
    mark(correctionsGeneric);
    return {fill, correctionsGeneric};
  }

  SmallVector<std::pair<Value, QuantizedX>> quantizedOf; // x and its quantisation
  DenseSet<Operation *> quantizationOps; // what quantize wrote, in the kernel's blocks
};

} // namespace
} // namespace g4
