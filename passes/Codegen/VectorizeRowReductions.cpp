//===- VectorizeRowReductions.cpp - g4-vectorize-row-reductions -----------===//

#include "passes/Codegen/Passes.h"
#include "passes/Utils/MemRefLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#define DEBUG_TYPE "g4-vectorize-row-reductions"

namespace g4 {
#define GEN_PASS_DEF_VECTORIZEROWREDUCTIONSPASS
#include "passes/Codegen/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

/// A generic `y[i...] += f(x[i..., k])` summed over its last loop: the reassociable add
/// the body yields, and the ops computing f(x) from x and values defined above.
struct RowSum {
  arith::AddFOp add;
  SmallVector<Operation *> termOps; // in body order
  Value term;
};

std::optional<RowSum> matchRowSum(linalg::GenericOp generic, int64_t lanes) {
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
  if (!inputType || !initType || !inputType.getElementType().isF32() ||
      !initType.getElementType().isF32() || !hasUnitInnerStride(generic.getDpsInputs()[0]))
    return std::nullopt;
  int64_t width = inputType.getShape().back();
  if (ShapedType::isDynamic(width) || width % lanes != 0)
    return std::nullopt;

  Block *body = generic.getBody();
  auto add = dyn_cast<arith::AddFOp>(body->getTerminator()->getOperand(0).getDefiningOp());
  if (!add || !bitEnumContainsAll(add.getFastmath(), arith::FastMathFlags::reassoc))
    return std::nullopt;
  Value accumulator = body->getArgument(1);
  Value term = add.getLhs() == accumulator ? add.getRhs() : add.getLhs();
  if ((add.getLhs() != accumulator && add.getRhs() != accumulator) || term == accumulator ||
      !accumulator.hasOneUse())
    return std::nullopt;
  // f(x): element-wise ops of x and values from above, nothing else of the body.
  RowSum match{add, {}, term};
  for (Operation &op : body->without_terminator()) {
    if (&op == add.getOperation())
      continue;
    if (!op.hasTrait<OpTrait::Vectorizable>() || op.getNumRegions() != 0 ||
        op.getNumResults() != 1 || !op.getResult(0).getType().isIntOrIndexOrFloat())
      return std::nullopt;
    match.termOps.push_back(&op);
  }
  return match;
}

/// Replaces the generic by loops over its rows; each row's sum runs in `lanes` vector
/// lanes (lane l sums k = l, l + lanes, ... in order), then one lane reduction, added to
/// y. The same operations for every row, whatever the batch or task.
void vectorize(linalg::GenericOp generic, const RowSum &match, int64_t lanes) {
  ImplicitLocOpBuilder b(generic.getLoc(), generic);
  Value input = generic.getDpsInputs()[0], init = generic.getDpsInits()[0];
  auto inputType = cast<MemRefType>(input.getType());
  unsigned rows = inputType.getRank() - 1;
  auto vectorType = VectorType::get({lanes}, b.getF32Type());
  Value zero = arith::ConstantIndexOp::create(b, 0);
  Value one = arith::ConstantIndexOp::create(b, 1);
  Value step = arith::ConstantIndexOp::create(b, lanes);
  Value width = arith::ConstantIndexOp::create(b, inputType.getShape().back());
  Value zeros = arith::ConstantOp::create(b, vectorType, DenseElementsAttr::get(vectorType, 0.0f));
  arith::FastMathFlags flags = arith::AddFOp(match.add).getFastmath();

  SmallVector<Value> lower(rows, zero), upper, steps(rows, one);
  for (unsigned dim = 0; dim < rows; ++dim)
    upper.push_back(memref::DimOp::create(b, input, dim));
  scf::buildLoopNest(
      b, generic.getLoc(), lower, upper, steps,
      [&](OpBuilder &builder, Location loc, ValueRange index) {
        ImplicitLocOpBuilder nb(loc, builder);
        auto sum = scf::ForOp::create(
            nb, zero, width, step, ValueRange{zeros},
            [&](OpBuilder &inner, Location loc, Value k, ValueRange carried) {
              ImplicitLocOpBuilder ib(loc, inner);
              SmallVector<Value> at(index.begin(), index.end());
              at.push_back(k);
              IRMapping mapping;
              mapping.map(generic.getBody()->getArgument(0),
                          vector::LoadOp::create(ib, vectorType, input, at));
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
              scf::YieldOp::create(ib,
                                   ValueRange{arith::AddFOp::create(ib, carried[0], term, flags)});
            });
        Value total =
            vector::ReductionOp::create(nb, vector::CombiningKind::ADD, sum.getResult(0), flags);
        Value before = memref::LoadOp::create(nb, init, index);
        memref::StoreOp::create(nb, arith::AddFOp::create(nb, before, total, flags), init, index);
      });
  generic.erase();
}

struct VectorizeRowReductionsPass
    : impl::VectorizeRowReductionsPassBase<VectorizeRowReductionsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<std::pair<linalg::GenericOp, RowSum>> found;
    getOperation().walk([&](linalg::GenericOp generic) {
      if (std::optional<RowSum> match = matchRowSum(generic, lanes))
        found.emplace_back(generic, *match);
    });
    for (auto &[generic, match] : found)
      vectorize(generic, match, lanes);
  }
};

} // namespace
} // namespace g4
