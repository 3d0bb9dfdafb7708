//===- ParameterList.h - The parameters a ModelDef needs ---------*- C++ -*-===//
//
// The one place that knows which weight tensors a Gemma 4 text decoder has, under which
// names and with which shapes (gemma4-architecture.md §6.1). The builder declares these
// as `gemma.param` symbols; the checkpoint binder checks a checkpoint against them.
//
//===----------------------------------------------------------------------===//
#ifndef G4_MODEL_DEFS_PARAMETERLIST_H
#define G4_MODEL_DEFS_PARAMETERLIST_H

#include "model_defs/model_def.pb.h"

#include <cstdint>
#include <string>
#include <vector>

namespace g4 {

/// Prefix of text-decoder tensors in a Gemma4ForConditionalGeneration checkpoint.
inline constexpr const char *kHFTextPrefix = "model.language_model.";
/// Prefix used by text-only (Gemma4ForCausalLM) checkpoints.
inline constexpr const char *kHFTextOnlyPrefix = "model.";

/// One weight tensor of the text decoder.
struct ParamSpec {
  /// Name relative to the text prefix, e.g. "layers.3.self_attn.q_proj.weight".
  std::string name;
  /// PyTorch layout: [out, in] for projections.
  std::vector<int64_t> shape;
  /// Decoder layer this tensor belongs to, or -1 for model-level tensors.
  int layer = -1;
};

/// Every tensor the text decoder described by `def` reads, in a stable order
/// (model-level tensors first, then layer by layer). Assumes `def` is valid.
/// KV-shared layers list no k/v tensors (a checkpoint's copies are unused) and a
/// tied head lists no `lm_head.weight`.
std::vector<ParamSpec> listTextDecoderParams(const modeldef::ModelDef &def);

/// Number of scalar elements of `spec`.
int64_t numElements(const ParamSpec &spec);

} // namespace g4

#endif // G4_MODEL_DEFS_PARAMETERLIST_H
