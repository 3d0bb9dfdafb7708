//===- X86KernelShape.cpp - x86-64 microkernel shapes ---------------------===//
//
// 16 vector registers below AVX-512, 32 with it. A tile of R x C accumulators needs R + C
// more registers for the loaded rows, so AVX2 takes 4 x 3 (12 + 7 registers with some
// loads folded into the FMAs) and AVX-512 4 x 4.
//
//===----------------------------------------------------------------------===//

#include "targets/CPU/KernelShape.h"

namespace g4 {

ContractionKernelShape x86ContractionKernelShape(const llvm::MCSubtargetInfo &subtarget) {
  ContractionKernelShape shape;
  if (subtarget.checkFeatures("+avx512f")) {
    shape.lanes = 16;
    shape.tileRows = 4;
    shape.tileCols = 4;
  } else if (subtarget.checkFeatures("+avx")) {
    shape.lanes = 8;
    shape.tileRows = 4;
    shape.tileCols = 3;
  } else {
    shape.lanes = 4; // SSE2, the x86-64 baseline
    shape.tileRows = 3;
    shape.tileCols = 3;
  }
  shape.mBlock = 8 * shape.tileRows;
  // Without FMA (the x86-64 baseline, AVX without FMA3) llvm.fma would call libm.
  shape.fusedMultiplyAdd = subtarget.checkFeatures("+fma");
  // q8_0/q4_0 block scales: vcvtph2ps with F16C; without it an f16 conversion would be
  // a compiler-rt call, so the pass decodes them with integer operations.
  shape.nativeF16 = subtarget.checkFeatures("+f16c");
  // Integer dot products for packed weights: VNNI's vpdpbusd (AVX-512 VL or AVX-VNNI),
  // else AVX2's vpmaddubsw + vpmaddwd; older CPUs get the generic expansion.
  if (subtarget.checkFeatures("+avx512vnni,+avx512vl") || subtarget.checkFeatures("+avxvnni"))
    shape.int8Dot = "x86-vnni";
  else if (subtarget.checkFeatures("+avx2"))
    shape.int8Dot = "x86-maddubs";
  // The interleaved layout's kernel takes an integer dot per 4 bytes of 8 rows and their
  // 8 scales with one vcvtph2ps: AVX2 (or VNNI), F16C and FMA. One weight stream instead
  // of 8 rows side by side: q8 decode on Zen 4 streamed 10-12 GB/s in the row layout
  // and 30 GB/s interleaved (a C model of both kernels).
  shape.interleavedPacking =
      shape.int8Dot != "generic" && shape.nativeF16 && shape.fusedMultiplyAdd;
  // Decode computes gate and up in one loop, so each core reads two weight streams: a Zen
  // core keeps more of memory's bandwidth busy with two (docs/performance.md, session 29).
  shape.decodePartners = true;
  // Each matrix dispatched alone (down projections, head, attention) as parts read side
  // by side. bf16/f16 groups with 32 registers: four (E2B-shaped bf16 tg@0 +8-16% on
  // one thread, +2-5% in 3 of 4 pairs on two, against two parts). q8/q4: two. Four
  // made their down projections and head faster per call, but q4 tokens slower (one
  // thread: 12 of 16 alternating pairs), and q8 even (docs/performance.md, session 31).
  // With 16 registers, two: four matrices' accumulators would spill.
  shape.decodeWeightParts = shape.lanes >= 16 ? 4 : 2;
  shape.decodePackedWeightParts = 2;
  // Decode attention's loops pull cold K/V at 7-10 GB/s between their FMAs; a loop of
  // plain loads over 64 positions first, then the loops on the chunk from L2, was 15-35%
  // faster in a C model of both on Zen 4 (depth 1024-2048, d = 256 and 512). A burst of
  // prefetches instead of the loads gained nothing (docs/performance.md, session 42).
  shape.streamedReadChunk = 64;
  return shape;
}

} // namespace g4
