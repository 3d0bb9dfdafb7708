//===- SizeExpressions.cpp - Re-creating buffer sizes elsewhere -----------===//

#include "passes/Memory/SizeExpressions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace g4 {

Value IndexMaterializer::constant(int64_t value) {
  return arith::ConstantIndexOp::create(b, b.getUnknownLoc(), value);
}

std::optional<int64_t> constantIndexValue(Value value) {
  APInt bits;
  if (matchPattern(value, m_ConstantInt(&bits)))
    return bits.getSExtValue();
  return std::nullopt;
}

std::optional<int64_t> elementBytes(Type elementType) {
  if (elementType.isIndex())
    return 8;
  if (elementType.isIntOrFloat())
    return (elementType.getIntOrFloatBitWidth() + 7) / 8;
  return std::nullopt;
}

FailureOr<Value> IndexMaterializer::foldResult(OpFoldResult size) {
  if (auto attr = dyn_cast<Attribute>(size))
    return constant(cast<IntegerAttr>(attr).getInt());
  return index(cast<Value>(size));
}

FailureOr<Value> IndexMaterializer::cloneAndFold(Operation *op, unsigned resultNumber) {
  IRMapping mapping;
  for (Value operand : op->getOperands()) {
    if (!operand.getType().isIntOrIndex())
      return op->emitError() << "a buffer size depends on this op's non-integer operand";
    FailureOr<Value> rebuilt = index(operand);
    if (failed(rebuilt))
      return failure();
    mapping.map(operand, *rebuilt);
  }
  Operation *clone = b.clone(*op, mapping);
  SmallVector<OpFoldResult> folded;
  if (succeeded(clone->fold(folded)) && folded.size() == clone->getNumResults()) {
    OpFoldResult result = folded[resultNumber];
    Value value;
    if (auto attr = dyn_cast<Attribute>(result))
      value = arith::ConstantOp::create(b, clone->getLoc(), cast<TypedAttr>(attr));
    else
      value = cast<Value>(result);
    if (clone->use_empty())
      clone->erase();
    return value;
  }
  return clone->getResult(resultNumber);
}

FailureOr<Value> IndexMaterializer::index(Value value) {
  if (Value known = indices.lookup(value))
    return known;
  FailureOr<Value> result = failure();
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (!arg.getOwner()->isEntryBlock() || !isa<FunctionOpInterface>(arg.getOwner()->getParentOp()))
      return emitError(arg.getLoc()) << "a buffer size depends on a loop or region argument";
    result = leaves.index(arg);
  } else {
    Operation *op = value.getDefiningOp();
    if (auto dimOp = dyn_cast<memref::DimOp>(op)) {
      std::optional<int64_t> which = dimOp.getConstantIndex();
      if (!which)
        return op->emitError() << "a buffer size takes a dimension whose index is not constant";
      result = dim(dimOp.getSource(), *which);
    } else if (op->getNumRegions() == 0 && isMemoryEffectFree(op)) {
      result = cloneAndFold(op, cast<OpResult>(value).getResultNumber());
    } else {
      return op->emitError() << "a buffer size depends on '" << op->getName()
                             << "', which cannot be evaluated before the function runs";
    }
  }
  if (succeeded(result))
    indices[value] = *result;
  return result;
}

FailureOr<Value> IndexMaterializer::dim(Value memref, int64_t which) {
  auto type = cast<MemRefType>(memref.getType());
  if (!type.isDynamicDim(which))
    return constant(type.getDimSize(which));
  if (Value known = dims.lookup({memref, which}))
    return known;

  FailureOr<Value> result = failure();
  // The dynamic operands of alloc/view are ordered like the dynamic dimensions.
  auto nthDynamic = [&](ValueRange dynamicSizes) -> FailureOr<Value> {
    return index(dynamicSizes[type.getDynamicDimIndex(which)]);
  };
  if (auto arg = dyn_cast<BlockArgument>(memref)) {
    if (!arg.getOwner()->isEntryBlock() || !isa<FunctionOpInterface>(arg.getOwner()->getParentOp()))
      return emitError(arg.getLoc()) << "a buffer size depends on a loop or region argument";
    result = leaves.dim(arg, which);
  } else {
    Operation *op = memref.getDefiningOp();
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      result = nthDynamic(alloc.getDynamicSizes());
    } else if (auto alloca = dyn_cast<memref::AllocaOp>(op)) {
      result = nthDynamic(alloca.getDynamicSizes());
    } else if (auto view = dyn_cast<memref::ViewOp>(op)) {
      result = nthDynamic(view.getSizes());
    } else if (auto subview = dyn_cast<memref::SubViewOp>(op)) {
      // Rank-reducing subviews drop unit dimensions of the source's sizes.
      llvm::SmallBitVector dropped = subview.getDroppedDims();
      SmallVector<OpFoldResult> sizes = subview.getMixedSizes();
      int64_t resultDim = -1;
      for (auto [i, size] : llvm::enumerate(sizes)) {
        if (dropped.test(i))
          continue;
        if (++resultDim == which) {
          result = foldResult(size);
          break;
        }
      }
    } else if (auto expand = dyn_cast<memref::ExpandShapeOp>(op)) {
      result = foldResult(expand.getMixedOutputShape()[which]);
    } else if (auto collapse = dyn_cast<memref::CollapseShapeOp>(op)) {
      Value product = constant(1);
      for (int64_t sourceDim : collapse.getReassociationIndices()[which]) {
        FailureOr<Value> factor = dim(collapse.getSrc(), sourceDim);
        if (failed(factor))
          return failure();
        product = b.createOrFold<arith::MulIOp>(b.getUnknownLoc(), product, *factor);
      }
      result = product;
    } else if (auto castOp = dyn_cast<memref::CastOp>(op)) {
      result = dim(castOp.getSource(), which);
    } else if (auto reinterpret = dyn_cast<memref::ReinterpretCastOp>(op)) {
      result = foldResult(reinterpret.getMixedSizes()[which]);
    } else {
      return op->emitError() << "the size of a buffer depends on the shape of a memref made by '"
                             << op->getName() << "', which cannot be evaluated ahead";
    }
  }
  if (succeeded(result))
    dims[{memref, which}] = *result;
  return result;
}

FailureOr<Value> IndexMaterializer::alignedBytes(MemRefType type, ValueRange dynamicSizes,
                                                 int64_t alignment) {
  std::optional<int64_t> bytes = elementBytes(type.getElementType());
  if (!bytes)
    return emitError(b.getUnknownLoc()) << "no byte size for buffers of " << type;
  Location loc = b.getUnknownLoc();
  int64_t staticBytes = *bytes;
  for (int64_t size : type.getShape())
    if (!ShapedType::isDynamic(size))
      staticBytes *= size;
  Value total = constant(staticBytes);
  for (Value size : dynamicSizes) {
    FailureOr<Value> rebuilt = index(size);
    if (failed(rebuilt))
      return failure();
    total = b.createOrFold<arith::MulIOp>(loc, total, *rebuilt);
  }
  // (total + alignment - 1) & -alignment
  Value padded = b.createOrFold<arith::AddIOp>(loc, total, constant(alignment - 1));
  return b.createOrFold<arith::AndIOp>(loc, padded, constant(-alignment));
}

} // namespace g4
