//===- MemRefLayout.cpp - Questions about a buffer's layout -----------------===//

#include "passes/Utils/MemRefLayout.h"

#include "mlir/IR/BuiltinTypes.h"

namespace g4 {

bool hasUnitInnerStride(mlir::Value memref) {
  auto type = mlir::cast<mlir::MemRefType>(memref.getType());
  llvm::SmallVector<int64_t> strides;
  int64_t offset;
  return mlir::succeeded(type.getStridesAndOffset(strides, offset)) && !strides.empty() &&
         strides.back() == 1;
}

} // namespace g4
