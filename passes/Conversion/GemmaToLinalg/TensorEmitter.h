//===- TensorEmitter.h - Tensor-level building blocks of the lowering -*- C++ -*-===//
//
// The pieces every gemma op lowering is made of: f32 contractions against weights kept in
// their storage type, RMSNorm, RoPE, tanh-GELU and element-wise maps, as linalg on tensors.
//
//===----------------------------------------------------------------------===//
#ifndef G4_PASSES_CONVERSION_GEMMATOLINALG_TENSOREMITTER_H
#define G4_PASSES_CONVERSION_GEMMATOLINALG_TENSOREMITTER_H

#include "dialects/Gemma/IR/GemmaTypes.h"
#include "passes/Utils/LoopAttributes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <functional>
#include <optional>

namespace g4::lowering {

/// Body of an element-wise map: the scalar operands in, the f32 result out.
using ScalarFn = std::function<mlir::Value(mlir::ImplicitLocOpBuilder &, mlir::ValueRange)>;

class TensorEmitter {
public:
  explicit TensorEmitter(mlir::ImplicitLocOpBuilder &b) : b(b) {}
  /// An emitter for an op whose i8 weights are stored in `packedFormat`.
  TensorEmitter(mlir::ImplicitLocOpBuilder &b, gemma::WeightFormat packedFormat)
      : b(b), packedFormat(packedFormat) {}

  mlir::Value f32(double value);
  mlir::Value index(int64_t value);
  /// Widens a bf16/f16 scalar to f32; f32 passes through.
  mlir::Value toF32(mlir::Value scalar);
  /// The sizes of `value` (static where known).
  llvm::SmallVector<mlir::OpFoldResult> sizes(mlir::Value value);
  /// An f32 tensor of `shape` filled with `value`.
  mlir::Value filled(llvm::ArrayRef<mlir::OpFoldResult> shape, double value);

  /// y[m, n] = sum_k x[m, k] * f32(w[n, k]): x is [M, K] f32, w is [N, K] (PyTorch layout)
  /// in f32/bf16/f16, or packed q8_0/q4_0 blocks (i8 [N, K/32 * 34 or 18]), which are
  /// dequantised inside the contraction (the matrix is never materialised).
  mlir::Value matmulTransposedWeight(mlir::Value x, mlir::Value w);
  /// The packed case of matmulTransposedWeight (docs/dialects/gemma.md, weight formats).
  mlir::Value matmulPackedWeight(mlir::Value x, mlir::Value w);
  /// The 8-row interleaved formats (q8_0x8, q4_0x8) of matmulPackedWeight.
  mlir::Value matmulInterleavedWeight(mlir::Value x, mlir::Value w, bool q4);
  /// matmulTransposedWeight for a bf16x8 ... bf16x64 w, in transposed groups of `group`
  /// rows (docs/dialects/gemma.md).
  mlir::Value matmulInterleavedFloat(mlir::Value x, mlir::Value w, int64_t group);
  /// RMSNorm over the last (static) dimension, optionally times f32(weight).
  mlir::Value rmsNorm(mlir::Value x, mlir::Value weight, double epsilon);
  /// Half-split RoPE of x [T, heads, d] at positions start + t.
  mlir::Value rope(mlir::Value x, mlir::Value start, gemma::RopeAttr rope);
  /// Applies `fn` element-wise to same-shaped `inputs`, producing an f32 tensor.
  mlir::Value map(mlir::ValueRange inputs, const ScalarFn &fn);
  /// f32 x rounded to the narrower float `element` (to nearest even), element-wise.
  mlir::Value truncateTo(mlir::Value x, mlir::Type element);
  /// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) on an f32 scalar.
  mlir::Value geluTanh(mlir::Value x);

  /// Splits the last dim of x [..., a*b] into [..., a, b].
  mlir::Value splitLastDim(mlir::Value x, int64_t a, int64_t b);
  /// Merges the last two dims of x [..., a, b] into [..., a*b].
  mlir::Value mergeLastDims(mlir::Value x);

  mlir::ImplicitLocOpBuilder &builder() { return b; }

  /// Marks `op` (whose loop 0 runs over tokens) splittable across threads by tokens,
  /// unless it already names its own loop: g4-outline-parallel-tasks splits a prefill's
  /// norms, RoPE and element-wise maps (dynamic T) and leaves decode's one token alone.
  void splitTokens(mlir::Operation *op);

private:
  mlir::ImplicitLocOpBuilder &b;
  /// The layout of i8 weights: the plain q8_0/q4_0 rows unless the op says otherwise.
  std::optional<gemma::WeightFormat> packedFormat;
};

} // namespace g4::lowering

#endif // G4_PASSES_CONVERSION_GEMMATOLINALG_TENSOREMITTER_H
