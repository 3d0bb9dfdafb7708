//===- ModelInput.h - What a user points g4c at ------------------*- C++ -*-===//
//
// A model is given as a Hugging Face checkpoint directory (config.json plus
// model.safetensors or a sharded index), a config.json, or a ModelDef textproto. This
// loads the ModelDef and, where weights exist, opens and binds them.
//
//===----------------------------------------------------------------------===//
#ifndef G4_COMPILER_DRIVER_MODELINPUT_H
#define G4_COMPILER_DRIVER_MODELINPUT_H

#include "compiler/Builder/ModelBuilder.h"
#include "compiler/Checkpoint/WeightBinder.h"
#include "model_defs/model_def.pb.h"

#include <memory>
#include <optional>

namespace g4 {

struct ModelInput {
  modeldef::ModelDef def;
  /// Set when the input directory holds weights; `weights` then binds every parameter.
  std::unique_ptr<Checkpoint> checkpoint;
  std::optional<BoundWeights> weights;

  /// Build options whose parameter element types follow the bound checkpoint dtypes.
  BuildOptions buildOptions(int64_t maxContext) const;
};

llvm::Expected<ModelInput> loadModelInput(llvm::StringRef path);

} // namespace g4

#endif // G4_COMPILER_DRIVER_MODELINPUT_H
