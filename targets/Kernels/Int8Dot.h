//===- Int8Dot.h - The int8 dot-product idiom of a target --------*- C++ -*-===//
//
// The packed-weight microkernels (g4-vectorize-contractions) need one primitive from the
// target: the dot products of two 32-byte vectors of signed int8, summed into 8 i32
// lanes. Each target names the idiom its instructions do best; the pass takes the name
// as an option and never tests the ISA itself.
//
//===----------------------------------------------------------------------===//
#ifndef G4_TARGETS_KERNELS_INT8DOT_H
#define G4_TARGETS_KERNELS_INT8DOT_H

#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <optional>

namespace g4 {

enum class Int8DotIdiom {
  /// llvm.vector.partial.reduce.add of the widened products: NEON `sdot` with +dotprod,
  /// SVE, smull/sadalp without; any other target expands it.
  Generic,
  /// AVX2: |a| (unsigned) times b with a's sign, `vpmaddubsw` then `vpmaddwd` by ones.
  X86MaddUbs,
  /// AVX-VNNI / AVX512-VNNI: |a| times b with a's sign, `vpdpbusd`.
  X86Vnni,
  /// AArch64 +i8mm: not a dot product but 2 x 2 tiles of 8-byte rows (`smmla`); the
  /// microkernel pairs its rows and columns (emitInt8MatmulPairs).
  ArmSmmla,
};

/// "generic", "x86-maddubs", "x86-vnni", "arm-smmla".
std::optional<Int8DotIdiom> parseInt8DotIdiom(llvm::StringRef name);

/// a, b: vector<32xi8> with values in [-127, 127]. Returns vector<8xi32> whose lanes sum
/// to the dot product (how products are grouped into lanes is the idiom's).
mlir::Value emitInt8Dot(mlir::ImplicitLocOpBuilder &b, Int8DotIdiom idiom, mlir::Value a,
                        mlir::Value bVector);

/// acc (vector<N/4 x i32>, fixed or scalable) plus the dot products of a and b
/// (vector<N x i8>, values in [-127, 127]) grouped by 4 consecutive bytes per lane:
/// llvm.vector.partial.reduce.add, NEON/SVE `sdot`. The generic idiom.
mlir::Value emitInt8DotAccumulate(mlir::ImplicitLocOpBuilder &b, mlir::Value acc, mlir::Value a,
                                  mlir::Value bVector);

/// acc (vector<4xi32>, the 2 x 2 tile row-major) += a (2 rows of 8 bytes, vector<16xi8>)
/// times b (2 rows of 8 bytes) transposed: AArch64 `smmla` (targets/arm/ArmInt8Matmul.cpp).
mlir::Value emitInt8MatmulPairs(mlir::ImplicitLocOpBuilder &b, mlir::Value acc, mlir::Value a,
                                mlir::Value bPair);

/// acc (vector<8xi32>) plus, per lane j, the dot product of bytes 4j..4j+3 of a and b
/// (vector<32xi8>): the interleaved kernels' step, in which lane j is one output. Lane j
/// gets exactly its own four products in every idiom (ArmSmmla takes the generic form).
/// Unsigned: a read as u8, b in [-127, 127]; for X86MaddUbs a <= 128 (vpmaddubsw's pair
/// sums must fit i16). Signed: both in [-127, 127].
mlir::Value emitUnsignedDot4Accumulate(mlir::ImplicitLocOpBuilder &b, Int8DotIdiom idiom,
                                       mlir::Value acc, mlir::Value a, mlir::Value bVector);
mlir::Value emitSignedDot4Accumulate(mlir::ImplicitLocOpBuilder &b, Int8DotIdiom idiom,
                                     mlir::Value acc, mlir::Value a, mlir::Value bVector);

/// The x86 idioms (targets/x86/X86Int8Dot.cpp).
mlir::Value emitX86Int8Dot(mlir::ImplicitLocOpBuilder &b, bool vnni, mlir::Value a,
                           mlir::Value bVector);
mlir::Value emitX86UnsignedDot4Accumulate(mlir::ImplicitLocOpBuilder &b, bool vnni, mlir::Value acc,
                                          mlir::Value a, mlir::Value bVector);

/// X86MaddUbs in two halves, for callers that add pair sums in i16 before widening them
/// once: vector<16xi16> whose lane j is a[2j] * b[2j] + a[2j+1] * b[2j+1] (a as u8, b
/// as i8; `vpmaddubsw`, which saturates, so the caller bounds the sums), and acc
/// (vector<8xi32>) plus the sums of adjacent i16 lanes (`vpmaddwd` by ones). Lane j of
/// the widened vector then holds bytes 4j..4j+3, as in emitUnsignedDot4Accumulate.
mlir::Value emitX86PairSums(mlir::ImplicitLocOpBuilder &b, mlir::Value a, mlir::Value bVector);
mlir::Value emitX86WidenPairsAccumulate(mlir::ImplicitLocOpBuilder &b, mlir::Value acc,
                                        mlir::Value pairs);

} // namespace g4

#endif // G4_TARGETS_KERNELS_INT8DOT_H
