//===- HalfFloat.h - f16 values decoded with integer operations --*- C++ -*-===//
//
// The f16 scales of packed weight blocks, decoded without an f16 conversion: on x86-64
// without F16C an `extf` from f16 becomes a compiler-rt call (__extendhfsf2), which
// neither portable objects nor the firmware library may need.
//
//===----------------------------------------------------------------------===//
#ifndef G4_PASSES_UTILS_HALFFLOAT_H
#define G4_PASSES_UTILS_HALFFLOAT_H

#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace g4 {

/// The f32 value of the little-endian f16 in bytes `lo`, `hi` (i8 scalars). Zero and
/// subnormal values are exact (mantissa * 2^-24), infinities and NaNs keep their class.
mlir::Value decodeF16Bytes(mlir::ImplicitLocOpBuilder &b, mlir::Value lo, mlir::Value hi);

} // namespace g4

#endif // G4_PASSES_UTILS_HALFFLOAT_H
