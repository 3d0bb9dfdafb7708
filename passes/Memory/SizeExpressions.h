//===- SizeExpressions.h - Re-creating buffer sizes elsewhere ----*- C++ -*-===//
//
// Buffer sizes are index computations over a function's arguments (the token count,
// the start position, dimensions of memref arguments). The scratch passes need them
// somewhere else than where bufferization left them: at the top of the function (to lay
// out its frame before anything runs), in a caller (to allocate a kernel's result there),
// or with every argument a known integer (to bound the frame at compile time).
//
//===----------------------------------------------------------------------===//
#ifndef G4_PASSES_MEMORY_SIZEEXPRESSIONS_H
#define G4_PASSES_MEMORY_SIZEEXPRESSIONS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <functional>

namespace g4 {

/// Rebuilds index values of one function at the builder's insertion point. The leaves
/// say what the function's entry-block arguments become there; everything else is
/// rebuilt from the ops that compute it: pure integer ops are cloned (and folded, so a
/// computation over constant leaves yields a constant), `memref.dim` is resolved through
/// the op that produced the memref (alloc, view, subview, expand/collapse_shape, cast,
/// reinterpret_cast). Anything else (a value loaded from memory, a call result) fails
/// with a diagnostic on the op.
class IndexMaterializer {
public:
  struct Leaves {
    /// An index or integer argument of the function.
    std::function<mlir::FailureOr<mlir::Value>(mlir::BlockArgument)> index;
    /// Dimension `dim` of a memref argument whose type leaves it dynamic.
    std::function<mlir::FailureOr<mlir::Value>(mlir::BlockArgument, int64_t dim)> dim;
  };

  IndexMaterializer(mlir::OpBuilder &builder, Leaves leaves)
      : b(builder), leaves(std::move(leaves)) {}

  /// `value` (an index or integer value of the function) at the insertion point.
  mlir::FailureOr<mlir::Value> index(mlir::Value value);
  /// Dimension `dim` of `memref` (a memref value of the function).
  mlir::FailureOr<mlir::Value> dim(mlir::Value memref, int64_t dim);
  /// Bytes of a buffer of `type` whose dynamic sizes are `dynamicSizes` (values of the
  /// function), rounded up to a multiple of `alignment`.
  mlir::FailureOr<mlir::Value> alignedBytes(mlir::MemRefType type, mlir::ValueRange dynamicSizes,
                                            int64_t alignment);

  mlir::Value constant(int64_t value);

private:
  /// Clones `op` with its integer operands rebuilt, folding it when it can.
  mlir::FailureOr<mlir::Value> cloneAndFold(mlir::Operation *op, unsigned resultNumber);
  mlir::FailureOr<mlir::Value> foldResult(mlir::OpFoldResult size);

  mlir::OpBuilder &b;
  Leaves leaves;
  llvm::DenseMap<mlir::Value, mlir::Value> indices;
  llvm::DenseMap<std::pair<mlir::Value, int64_t>, mlir::Value> dims;
};

/// The integer a value built by an IndexMaterializer folded to, if it did.
std::optional<int64_t> constantIndexValue(mlir::Value value);

/// Bytes of one element of a memref of `elementType` as the LLVM lowering stores it
/// (index: 8 on the 64-bit targets g4 supports; i1: 1), or nullopt for other types.
std::optional<int64_t> elementBytes(mlir::Type elementType);

} // namespace g4

#endif // G4_PASSES_MEMORY_SIZEEXPRESSIONS_H
