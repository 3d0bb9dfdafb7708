//===- KernelShape.cpp - Microkernel shapes chosen by the target ----------===//

#include "targets/CPU/KernelShape.h"

#include "llvm/TargetParser/Triple.h"

namespace g4 {

std::string ContractionKernelShape::passOptions() const {
  return "lanes=" + std::to_string(lanes) + " scalable=" + (scalable ? "true" : "false") +
         " tile-rows=" + std::to_string(tileRows) + " tile-cols=" + std::to_string(tileCols) +
         " row-tile-cols=" + std::to_string(rowTileCols) + " k-block=" + std::to_string(kBlock) +
         " m-block=" + std::to_string(mBlock) + " int8-dot=" + int8Dot +
         " fused-multiply-add=" + (fusedMultiplyAdd ? "true" : "false") +
         " native-f16=" + (nativeF16 ? "true" : "false") +
         " quantize-activations=" + (quantizeActivations ? "true" : "false") +
         " prefetch=" + (prefetch ? "true" : "false") +
         " read-chunk=" + std::to_string(streamedReadChunk) +
         " decode-partners=" + (decodePartners ? "true" : "false");
}

ContractionKernelShape contractionKernelShape(const llvm::TargetMachine &machine) {
  const llvm::MCSubtargetInfo &subtarget = *machine.getMCSubtargetInfo();
  if (machine.getTargetTriple().getArch() == llvm::Triple::aarch64)
    return armContractionKernelShape(subtarget);
  return x86ContractionKernelShape(subtarget);
}

} // namespace g4
