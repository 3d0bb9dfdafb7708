//===- ModelInput.cpp - What a user points g4c at -------------------------===//

#include "compiler/Driver/ModelInput.h"
#include "model_defs/ModelDef.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace g4 {

namespace {
/// True when `dir` holds safetensors weights in one of the layouts Checkpoint reads.
bool hasWeights(llvm::StringRef dir) {
  llvm::SmallString<256> path(dir);
  for (const char *name : {Checkpoint::kSingleFileName, Checkpoint::kIndexFileName}) {
    path = dir;
    llvm::sys::path::append(path, name);
    if (llvm::sys::fs::exists(path))
      return true;
  }
  return false;
}
} // namespace

llvm::Expected<ModelInput> loadModelInput(llvm::StringRef path) {
  ModelInput input;
  llvm::Expected<modeldef::ModelDef> def = loadModelDef(path);
  if (!def)
    return def.takeError();
  input.def = std::move(*def);
  if (!llvm::sys::fs::is_directory(path) || !hasWeights(path))
    return std::move(input);

  llvm::Expected<std::unique_ptr<Checkpoint>> checkpoint = Checkpoint::open(path);
  if (!checkpoint)
    return checkpoint.takeError();
  input.checkpoint = std::move(*checkpoint);
  llvm::Expected<BoundWeights> weights = bindTextDecoderWeights(input.def, *input.checkpoint);
  if (!weights)
    return weights.takeError();
  input.weights = std::move(*weights);
  return std::move(input);
}

BuildOptions ModelInput::buildOptions(int64_t maxContext) const {
  BuildOptions options;
  options.maxContext = maxContext;
  if (!weights)
    return options;
  const BoundWeights *bound = &*weights;
  options.paramElementType = [bound](mlir::MLIRContext *ctx,
                                     const ParamSpec &spec) -> mlir::Type {
    const BoundParam *param = bound->lookup(spec.name);
    mlir::Builder b(ctx);
    switch (param ? param->record->dtype : DType::BF16) {
    case DType::F32:
      return b.getF32Type();
    case DType::F16:
      return b.getF16Type();
    default: // the binder admits only F32, BF16 and F16
      return b.getBF16Type();
    }
  };
  return options;
}

} // namespace g4
