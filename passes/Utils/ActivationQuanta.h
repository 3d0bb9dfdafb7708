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

#include <utility>

namespace g4 {

/// Block `blk` of row `row` of x (f32 [M, K], unit inner stride) quantised: the quanta
/// q = round(x / d) as vector<32xi8> and the scale d = max|x| / 127 as f32 (d = 0 gives
/// q = 0): q8_0's rule, rounding to nearest even.
std::pair<mlir::Value, mlir::Value> quantizeBlock(mlir::ImplicitLocOpBuilder &b, mlir::Value x,
                                                  mlir::Value row, mlir::Value blk);

} // namespace g4

#endif // G4_PASSES_UTILS_ACTIVATIONQUANTA_H
