//===- ArmKernelShape.cpp - AArch64 microkernel shapes --------------------===//
//
// NEON and SVE both have 32 vector registers: 4 x 4 accumulators leave room for the
// 8 loaded rows. With +sve the vectors are scalable (4 f32 lanes times vscale), so one
// binary runs at 128 to 2048 bits and the k remainder is a predicated step.
//
//===----------------------------------------------------------------------===//

#include "targets/CPU/KernelShape.h"

namespace g4 {

ContractionKernelShape armContractionKernelShape(const llvm::MCSubtargetInfo &subtarget) {
  ContractionKernelShape shape;
  shape.lanes = 4;
  shape.scalable = subtarget.checkFeatures("+sve");
  shape.tileRows = 4;
  shape.tileCols = 4;
  shape.mBlock = 8 * shape.tileRows;
  // +i8mm: 2 x 2 tiles with smmla. Otherwise the generic partial reduction, which
  // becomes `sdot` with +dotprod (smull/sadalp without).
  shape.int8Dot = subtarget.checkFeatures("+i8mm") ? "arm-smmla" : "generic";
  shape.nativeF16 = true; // fcvt is base AArch64
  return shape;
}

} // namespace g4
