//===- ActivationQuanta.h - q8_0 quantisation of f32 activations --*- C++ -*-===//
//
// Packed contractions meet int8 weights with int8 activations: each block of 32 f32
// values becomes 32 quanta and one f32 scale. Kernels that quantise their own rows and
// the pass that quantises them once ahead of a contraction must agree bit for bit, so
// both build the block here.
//
//===----------------------------------------------------------------------===//
#ifndef G4_PASSES_UTILS_ACTIVATIONQUANTA_H
#define G4_PASSES_UTILS_ACTIVATIONQUANTA_H

#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <cstdint>
#include <utility>

namespace g4 {

/// Block `blk` of row `row` of x (f32 [M, K], unit inner stride) quantised: the quanta
/// q = round(x / d) as vector<32xi8> and the scale d = max|x| / 127 as f32 (d = 0 gives
/// q = 0): q8_0's rule, rounding to nearest even.
std::pair<mlir::Value, mlir::Value> quantizeBlock(mlir::ImplicitLocOpBuilder &b, mlir::Value x,
                                                  mlir::Value row, mlir::Value blk);

/// The stored offset of interleaved packed weights: q4_0x8's nibbles hold w + 8, q8_0x8's
/// bytes w + 128. An integer dot with them includes offset * sum(q) for x's quanta q.
int32_t storedWeightOffset(bool q4);

/// A block's offset correction, the i32 `-offset * sum(q)` its integer dot starts from,
/// for its quanta `q` (vector<32xi8>).
mlir::Value blockOffsetCorrection(mlir::ImplicitLocOpBuilder &b, mlir::Value q, int32_t offset);

} // namespace g4

#endif // G4_PASSES_UTILS_ACTIVATIONQUANTA_H
