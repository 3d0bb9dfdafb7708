//===- KernelShape.h - Microkernel shapes chosen by the target ---*- C++ -*-===//
//
// The numbers target-neutral passes are given instead of testing the ISA: the vector
// width, whether it is scalable, and register/cache tile sizes. Each architecture
// derives them from its features in its own directory (targets/x86, targets/arm).
//
//===----------------------------------------------------------------------===//
#ifndef G4_TARGETS_CPU_KERNELSHAPE_H
#define G4_TARGETS_CPU_KERNELSHAPE_H

#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Target/TargetMachine.h"

#include <cstdint>
#include <string>

namespace g4 {

/// Options of g4-vectorize-contractions (passes/Codegen/Passes.td).
struct ContractionKernelShape {
  int64_t lanes = 8;               // f32 lanes per vector (times vscale when scalable)
  bool scalable = false;           // SVE: vector-length agnostic code
  int64_t tileRows = 4;            // activation rows per register tile
  int64_t tileCols = 3;            // weight rows per register tile
  int64_t rowTileCols = 8;         // weight rows per tile for a single activation row (decode)
  int64_t kBlock = 2048;           // reduction elements per cache block
  int64_t mBlock = 32;             // activation rows per cache block
  bool fusedMultiplyAdd = true;    // vector FMA instructions exist
  bool nativeF16 = false;          // f16 -> f32 in one instruction (F16C, AArch64)
  std::string int8Dot = "generic"; // the int8 dot-product idiom (targets/Kernels/Int8Dot.h)
  bool quantizeActivations = true; // packed weights: integer dot products (the user's choice)
  bool prefetch = true;            // packed decode tiles prefetch the next tile's rows
  bool decodePartners = false;     // decode computes gate and up side by side (two streams)
  /// Packed weights in the 8-row interleaved formats (q8_0x8, q4_0x8), which the x86
  /// kernels read as one stream with a column of outputs per vector. Not a pass option:
  /// the weights' format says which kernel a contraction gets.
  bool interleavedPacking = false;
  /// The parts a decode matrix with interleaved weights runs as, side by side (as many
  /// weight streams a core; g4-outline-parallel-tasks `weight-parts` for float groups,
  /// `packed-weight-parts` for q8_0x8/q4_0x8). Need `decodePartners`. Not pass options
  /// of g4-vectorize-contractions.
  int64_t decodeWeightParts = 1;
  int64_t decodePackedWeightParts = 1;
  /// Decode attention reads K and V in chunks of this many positions with plain loads
  /// before computing on them (0: prefetch the keys ahead in the scores' tiles).
  int64_t streamedReadChunk = 0;

  /// "lanes=8 scalable=false ...", the pass's option string.
  std::string passOptions() const;
};

/// x86-64: SSE, AVX/AVX2 or AVX-512 widths and register counts (targets/x86).
ContractionKernelShape x86ContractionKernelShape(const llvm::MCSubtargetInfo &subtarget);
/// AArch64: NEON, or SVE scalable vectors (targets/arm).
ContractionKernelShape armContractionKernelShape(const llvm::MCSubtargetInfo &subtarget);

/// The shape for `machine`'s architecture, CPU and features.
ContractionKernelShape contractionKernelShape(const llvm::TargetMachine &machine);

} // namespace g4

#endif // G4_TARGETS_CPU_KERNELSHAPE_H
