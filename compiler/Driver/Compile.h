//===- Compile.h - g4c compile: model -> IR, object, executable --*- C++ -*-===//
#ifndef G4_COMPILER_DRIVER_COMPILE_H
#define G4_COMPILER_DRIVER_COMPILE_H

#include "dialects/Gemma/IR/GemmaTypes.h"
#include "targets/CPU/TargetSelection.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace g4 {

enum class EmitKind {
  Executable,
  StaticLib,
  Object,
  LLVMIR,
  MLIR,
  Weights,
  Text,
  Summary,
  Structure
};

struct CompileOptions {
  std::string input;
  std::string output = "-";
  EmitKind emit = EmitKind::Executable;
  /// With EmitKind::MLIR: print the IR after this lowering step (empty: the gemma IR).
  std::string stopAfter;
  TargetSpec target;
  int64_t maxContext = 4096;
  /// The most tokens one prefill call takes (capped at maxContext): sizes the scratch.
  int64_t maxPrefillTokens = 128;
  /// bf16 (the checkpoint's float types), q8 or q4 (projection matrices packed as
  /// q8_0/q4_0 blocks, quantised at compile time).
  std::string weightsFormat = "bf16";
  /// With packed weights: "q8" (int8 activations, integer dot products) or "f32".
  std::string packedActivations = "q8";
  /// The KV caches' element type: "f32" or "f16" (half the KV bytes and arena).
  std::string kvCacheType = "f32";
  std::optional<uint64_t> randomWeightsSeed;
  bool printMemoryPlan = false;
  int optLevel = 3;
  /// Path of the running g4c, to find the runtime it links executables with.
  std::string g4cPath;
};

llvm::Error compile(const CompileOptions &options);

/// The packed format `weightsFormat` ("q8", "q4") stores the projection matrices in on
/// `target`: the 8-row interleaved form (q8_0x8, q4_0x8) where the target's kernels read
/// it, else q8_0 / q4_0; none for any other format (bf16).
llvm::Expected<std::optional<gemma::WeightFormat>> packedWeightFormat(llvm::StringRef weightsFormat,
                                                                      const TargetSpec &target);

} // namespace g4

#endif // G4_COMPILER_DRIVER_COMPILE_H
