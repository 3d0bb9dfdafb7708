//===- VectorizeRowReductions.cpp - g4-vectorize-row-reductions -----------===//

#include "passes/Codegen/Passes.h"
#include "passes/Utils/MemRefLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <limits>

#define DEBUG_TYPE "g4-vectorize-row-reductions"

namespace g4 {
#define GEN_PASS_DEF_VECTORIZEROWREDUCTIONSPASS
#include "passes/Codegen/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

/// A generic `y[i...] = combine(y[i...], f(x[i..., k]))` over its last loop, combine a
/// reassociable add (a row sum), a maximum (exact in any order: the largest value, or
/// NaN if there is one) or, for an integer y, an integer add (exact in any order unless
/// it wraps, and wrapping is the same in any order): the op the body yields, and the
/// ops computing f(x) from x and values defined above.
struct RowReduction {
  Operation *combine;               // arith.addf, arith.maximumf or arith.addi
  SmallVector<Operation *> termOps; // in body order
  Value term;
  bool isMaximum() const { return isa<arith::MaximumFOp>(combine); }
  bool isIntegerSum() const { return isa<arith::AddIOp>(combine); }
};

std::optional<RowReduction> matchRowReduction(linalg::GenericOp generic, int64_t lanes) {
  if (!generic.hasPureBufferSemantics() || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1)
    return std::nullopt;
  unsigned loops = generic.getNumLoops();
  SmallVector<utils::IteratorType> iterators = generic.getIteratorTypesArray();
  if (loops < 2 || iterators.back() != utils::IteratorType::reduction ||
      llvm::any_of(ArrayRef(iterators).drop_back(),
                   [](utils::IteratorType t) { return t != utils::IteratorType::parallel; }))
    return std::nullopt;
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(loops, generic.getContext());
  if (maps[0] != identity || maps[1] != identity.dropResult(loops - 1))
    return std::nullopt;
  auto inputType = dyn_cast<MemRefType>(generic.getDpsInputs()[0].getType());
  auto initType = dyn_cast<MemRefType>(generic.getDpsInits()[0].getType());
  // f32 rows into f32, or integer rows into an integer (an i8 block's sum into i32).
  if (!inputType || !initType || !hasUnitInnerStride(generic.getDpsInputs()[0]) ||
      !(initType.getElementType().isF32() ? inputType.getElementType().isF32()
                                          : isa<IntegerType>(initType.getElementType()) &&
                                                isa<IntegerType>(inputType.getElementType())))
    return std::nullopt;
  int64_t width = inputType.getShape().back();
  if (ShapedType::isDynamic(width) || width % lanes != 0)
    return std::nullopt;

  Block *body = generic.getBody();
  Operation *combine = body->getTerminator()->getOperand(0).getDefiningOp();
  auto add = dyn_cast_or_null<arith::AddFOp>(combine);
  if (!(add && bitEnumContainsAll(add.getFastmath(), arith::FastMathFlags::reassoc)) &&
      !isa_and_nonnull<arith::MaximumFOp, arith::AddIOp>(combine))
    return std::nullopt;
  Value accumulator = body->getArgument(1);
  Value lhs = combine->getOperand(0), rhs = combine->getOperand(1);
  Value term = lhs == accumulator ? rhs : lhs;
  if ((lhs != accumulator && rhs != accumulator) || term == accumulator || !accumulator.hasOneUse())
    return std::nullopt;
  // f(x): element-wise ops of x and values from above, nothing else of the body.
  RowReduction match{combine, {}, term};
  for (Operation &op : body->without_terminator()) {
    if (&op == combine)
      continue;
    if (!op.hasTrait<OpTrait::Vectorizable>() || op.getNumRegions() != 0 ||
        op.getNumResults() != 1 || !op.getResult(0).getType().isIntOrIndexOrFloat())
      return std::nullopt;
    match.termOps.push_back(&op);
  }
  return match;
}

/// Replaces the generic by loops over its rows; each row's sum (maximum) runs in `lanes`
/// vector lanes (lane l takes k = l, l + lanes, ... in order), then one lane reduction,
/// combined with y. The same operations for every row, whatever the batch or task.
void vectorize(linalg::GenericOp generic, const RowReduction &match, int64_t lanes) {
  ImplicitLocOpBuilder b(generic.getLoc(), generic);
  Value input = generic.getDpsInputs()[0], init = generic.getDpsInits()[0];
  auto inputType = cast<MemRefType>(input.getType());
  unsigned rows = inputType.getRank() - 1;
  Type resultType = cast<MemRefType>(init.getType()).getElementType();
  auto loadType = VectorType::get({lanes}, inputType.getElementType());
  auto vectorType = VectorType::get({lanes}, resultType);
  Value zero = arith::ConstantIndexOp::create(b, 0);
  Value one = arith::ConstantIndexOp::create(b, 1);
  Value step = arith::ConstantIndexOp::create(b, lanes);
  Value width = arith::ConstantIndexOp::create(b, inputType.getShape().back());
  // The lanes start at the combination's identity: 0 for a sum, -inf for a maximum.
  Value identities = arith::ConstantOp::create(
      b, vectorType,
      match.isIntegerSum()
          ? DenseElementsAttr::get(vectorType, APInt::getZero(resultType.getIntOrFloatBitWidth()))
          : DenseElementsAttr::get(
                vectorType, match.isMaximum() ? -std::numeric_limits<float>::infinity() : 0.0f));
  auto flags =
      match.isIntegerSum()
          ? arith::FastMathFlags::none
          : cast<arith::ArithFastMathInterface>(match.combine).getFastMathFlagsAttr().getValue();
  auto combine = [&](ImplicitLocOpBuilder &cb, Value lhs, Value rhs) -> Value {
    if (match.isIntegerSum())
      return arith::AddIOp::create(cb, lhs, rhs);
    if (match.isMaximum())
      return arith::MaximumFOp::create(cb, lhs, rhs, flags);
    return arith::AddFOp::create(cb, lhs, rhs, flags);
  };

  SmallVector<Value> lower(rows, zero), upper, steps(rows, one);
  for (unsigned dim = 0; dim < rows; ++dim)
    upper.push_back(memref::DimOp::create(b, input, dim));
  scf::buildLoopNest(
      b, generic.getLoc(), lower, upper, steps,
      [&](OpBuilder &builder, Location loc, ValueRange index) {
        ImplicitLocOpBuilder nb(loc, builder);
        auto sum = scf::ForOp::create(
            nb, zero, width, step, ValueRange{identities},
            [&](OpBuilder &inner, Location loc, Value k, ValueRange carried) {
              ImplicitLocOpBuilder ib(loc, inner);
              SmallVector<Value> at(index.begin(), index.end());
              at.push_back(k);
              IRMapping mapping;
              mapping.map(generic.getBody()->getArgument(0),
                          vector::LoadOp::create(ib, loadType, input, at));
              for (Operation *op : match.termOps) {
                // Scalars from above the body are broadcast; the body's own values are
                // already vectors.
                SmallVector<Value> operands;
                for (Value operand : op->getOperands()) {
                  if (Value mapped = mapping.lookupOrNull(operand)) {
                    operands.push_back(mapped);
                    continue;
                  }
                  operands.push_back(vector::BroadcastOp::create(
                      ib, VectorType::get({lanes}, operand.getType()), operand));
                }
                OperationState state(loc, op->getName());
                state.addOperands(operands);
                state.addTypes(VectorType::get({lanes}, op->getResult(0).getType()));
                state.addAttributes(op->getAttrs());
                mapping.map(op->getResult(0), ib.create(state)->getResult(0));
              }
              Value term = mapping.lookupOrDefault(match.term);
              if (term == match.term) // f(x) is a value from above: the same for every k
                term = vector::BroadcastOp::create(ib, vectorType, term);
              scf::YieldOp::create(ib, ValueRange{combine(ib, carried[0], term)});
            });
        Value total = vector::ReductionOp::create(
            nb, match.isMaximum() ? vector::CombiningKind::MAXIMUMF : vector::CombiningKind::ADD,
            sum.getResult(0), flags);
        Value before = memref::LoadOp::create(nb, init, index);
        memref::StoreOp::create(nb, combine(nb, before, total), init, index);
      });
  generic.erase();
}

struct VectorizeRowReductionsPass
    : impl::VectorizeRowReductionsPassBase<VectorizeRowReductionsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<std::pair<linalg::GenericOp, RowReduction>> found;
    getOperation().walk([&](linalg::GenericOp generic) {
      if (std::optional<RowReduction> match = matchRowReduction(generic, lanes))
        found.emplace_back(generic, *match);
    });
    for (auto &[generic, match] : found)
      vectorize(generic, match, lanes);
  }
};

} // namespace
} // namespace g4
