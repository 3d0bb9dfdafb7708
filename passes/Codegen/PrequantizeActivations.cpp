//===- PrequantizeActivations.cpp - g4-prequantize-activations --------------===//
//
// A decode projection is split into tasks along its outputs, and each task quantised
// all of x for its integer dot products: 16 times the same work, none of it reading
// weights. Here x is quantised once, before the split, into stack buffers that the
// tasks read.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/Passes.h"
#include "passes/Utils/ActivationQuanta.h"
#include "passes/Utils/ArenaViews.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
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
/// f32 with a static shape, where the trailing `blockDims` dims hold one block of 32
/// (q8_0x8: 8 x 4, q4_0x8: 4 x 2 x 4).
struct Candidate {
  linalg::GenericOp op;
  int64_t rows, inputs; // M and K of x viewed as [M, K]
  unsigned blockDims;
};

/// x's dims after the first, which collapse into one row of K inputs.
ReassociationIndices rowDims(MemRefType type) {
  ReassociationIndices dims;
  for (int64_t dim = 1; dim < type.getRank(); ++dim)
    dims.push_back(dim);
  return dims;
}

std::optional<Candidate> matchCandidate(linalg::GenericOp op, int64_t maxStackBytes) {
  auto format = op->getAttrOfType<StringAttr>("g4.packed_format");
  if (!format || (format.getValue() != "q8_0x8" && format.getValue() != "q4_0x8") ||
      !op.hasPureBufferSemantics() || op.getNumDpsInputs() != 4 || op.getNumDpsInits() != 1)
    return std::nullopt;
  const unsigned blockDims = format.getValue() == "q4_0x8" ? 3 : 2;
  auto xType = cast<MemRefType>(op.getDpsInputs()[0].getType());
  if (!xType.getElementType().isF32() || !xType.hasStaticShape() ||
      xType.getRank() < blockDims + 2 || xType.getDimSize(0) < 1 ||
      !memref::CollapseShapeOp::isGuaranteedCollapsible(xType, {{0}, rowDims(xType)}))
    return std::nullopt;
  int64_t block = 1;
  for (int64_t size : xType.getShape().take_back(blockDims))
    block *= size;
  const int64_t rows = xType.getDimSize(0), inputs = xType.getNumElements() / rows;
  // The quanta (a byte each) and one f32 scale per block.
  if (block != 32 || rows * inputs + rows * (inputs / 32) * 4 > maxStackBytes)
    return std::nullopt;
  return Candidate{op, rows, inputs, blockDims};
}

/// x quantised: quanta [M, K] i8 and scales [M, K/32] f32 (stack buffers at the
/// function's entry) and their views in the contraction's shapes, filled by `loop`.
struct QuantizedX {
  Value quanta, scales;
  Operation *loop;
};

/// Whether `op` may write bytes of the buffer rooted at `root`.
bool mayWrite(Operation *op, Value root) {
  if (isMemoryEffectFree(op))
    return false;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureBufferSemantics())
    return true;
  return llvm::any_of(linalgOp.getDpsInits(),
                      [&](Value init) { return !buffersApart(rootOf(init), root); });
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

struct PrequantizeActivationsPass
    : impl::PrequantizeActivationsPassBase<PrequantizeActivationsPass> {
  using Base::Base;

  void runOnOperation() override {
    quantizedOf.clear();
    quantizationLoops.clear();
    if (maxStackBytes <= 0)
      return;
    SmallVector<Candidate> candidates;
    getOperation().walk([&](linalg::GenericOp op) {
      if (std::optional<Candidate> candidate = matchCandidate(op, maxStackBytes))
        candidates.push_back(*candidate);
    });
    for (const Candidate &candidate : candidates)
      rewrite(candidate);
  }

  /// Whether `quantized`, made for an earlier contraction of x, still holds at `op`: it
  /// is in the same block, and nothing between may write x (contractions and fills of
  /// other buffers may run there).
  bool stillValid(const QuantizedX &quantized, Operation *op, Value x) {
    Operation *loop = quantized.loop;
    if (loop->getBlock() != op->getBlock() || !loop->isBeforeInBlock(op))
      return false;
    Value root = rootOf(x);
    for (Operation *between = loop->getNextNode(); between != op; between = between->getNextNode())
      if (!quantizationLoops.contains(between) && mayWrite(between, root))
        return false;
    return true;
  }

  void rewrite(const Candidate &candidate) {
    linalg::GenericOp op = candidate.op;
    Value x = op.getDpsInputs()[0];
    auto found = quantizedOf.find(x);
    QuantizedX quantized = found != quantizedOf.end() && stillValid(found->second, op, x)
                               ? found->second
                               : quantize(candidate);
    quantizedOf[x] = quantized;

    // The contraction on the quanta and scales, in x's shapes.
    ImplicitLocOpBuilder b(op.getLoc(), op);
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    AffineMap xMap = maps[0];
    AffineMap scalesMap =
        AffineMap::get(xMap.getNumDims(), xMap.getNumSymbols(),
                       xMap.getResults().drop_back(candidate.blockDims), op.getContext());
    SmallVector<AffineMap> newMaps{xMap, scalesMap};
    newMaps.append(maps.begin() + 1, maps.end());
    SmallVector<Value> inputs{quantized.quanta, quantized.scales};
    llvm::append_range(inputs, ArrayRef<Value>(op.getDpsInputs()).drop_front());
    Block &body = op.getRegion().front();
    auto generic = linalg::GenericOp::create(
        b, TypeRange{}, inputs, op.getDpsInits(), newMaps, op.getIteratorTypesArray(),
        [&](OpBuilder &nested, Location loc, ValueRange args) {
          // x = q * d: exactly what the integer kernel computes per input.
          Value x = arith::MulFOp::create(
              nested, loc, arith::SIToFPOp::create(nested, loc, nested.getF32Type(), args[0]),
              args[1]);
          IRMapping mapping;
          mapping.map(body.getArgument(0), x);
          for (unsigned i = 1; i < body.getNumArguments(); ++i)
            mapping.map(body.getArgument(i), args[i + 1]);
          for (Operation &inner : body)
            nested.clone(inner, mapping);
        });
    generic->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    op.erase();
  }

  /// Stack buffers for x's quanta and scales, and the loop that fills them placed at
  /// insertionPoint.
  QuantizedX quantize(const Candidate &candidate) {
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
    Value scaleRows = memref::AllocaOp::create(b, MemRefType::get({rows, blocks}, b.getF32Type()));
    Value quanta =
        memref::ExpandShapeOp::create(b, SmallVector<int64_t>(xType.getShape()), quantaRows,
                                      SmallVector<ReassociationIndices>{{0}, rowDims(xType)});
    ArrayRef<int64_t> blockShape = xType.getShape().drop_back(candidate.blockDims);
    Value scales = scaleRows;
    if (blockShape.size() > 2) {
      ReassociationIndices blockDims;
      for (int64_t dim = 1; dim < static_cast<int64_t>(blockShape.size()); ++dim)
        blockDims.push_back(dim);
      scales = memref::ExpandShapeOp::create(b, SmallVector<int64_t>(blockShape), scaleRows,
                                             SmallVector<ReassociationIndices>{{0}, blockDims});
    }

    b.setInsertionPoint(insertionPoint(op, x));
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
      memref::StoreOp::create(b, d, scaleRows, ValueRange{row, blk});
    }
    quantizationLoops.insert(loop);
    return {quanta, scales, loop};
  }

  DenseMap<Value, QuantizedX> quantizedOf;
  DenseSet<Operation *> quantizationLoops;
};

} // namespace
} // namespace g4
