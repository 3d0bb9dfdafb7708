//===- ArenaViews.cpp - Which buffers of a kernel may share bytes -----------===//

#include "passes/Utils/ArenaViews.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace g4 {

Value rootOf(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<memref::ViewOp>(def))
      return v;
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      return v;
    v = view.getViewSource();
  }
  return v;
}

std::optional<std::pair<int64_t, int64_t>> arenaBytes(Value root) {
  auto view = root.getDefiningOp<memref::ViewOp>();
  if (!view)
    return std::nullopt;
  std::optional<int64_t> shift = getConstantIntValue(view.getByteShift());
  MemRefType type = view.getType();
  if (!shift || !type.hasStaticShape() || !type.getElementType().isIntOrFloat() ||
      type.getElementTypeBitWidth() % 8 != 0)
    return std::nullopt;
  int64_t bytes = type.getNumElements() * type.getElementTypeBitWidth() / 8;
  return std::make_pair(*shift, *shift + bytes);
}

bool apartFromArenaView(Value view, Value other) {
  auto arenaView = view.getDefiningOp<memref::ViewOp>();
  if (!arenaView || other == view || other == arenaView.getSource())
    return false;
  auto otherView = other.getDefiningOp<memref::ViewOp>();
  if (!otherView) {
    Operation *def = other.getDefiningOp();
    auto argument = dyn_cast<BlockArgument>(other);
    return def ? isa<memref::AllocaOp, memref::AllocOp, memref::GetGlobalOp>(def)
               : argument && isa<func::FuncOp>(argument.getOwner()->getParentOp());
  }
  if (otherView.getSource() != arenaView.getSource())
    return false;
  std::optional<std::pair<int64_t, int64_t>> bytes = arenaBytes(view);
  std::optional<std::pair<int64_t, int64_t>> otherBytes = arenaBytes(other);
  return bytes && otherBytes &&
         (otherBytes->second <= bytes->first || bytes->second <= otherBytes->first);
}

bool buffersApart(Value a, Value b) {
  if (a.getDefiningOp<memref::ViewOp>())
    return apartFromArenaView(a, b);
  if (b.getDefiningOp<memref::ViewOp>())
    return apartFromArenaView(b, a);
  // A kernel's own allocation is apart from every other root.
  auto allocated = [](Value v) {
    return v.getDefiningOp<memref::AllocaOp>() || v.getDefiningOp<memref::AllocOp>();
  };
  return a != b && (allocated(a) || allocated(b));
}

} // namespace g4
