//===- WeightBinder.h - Check a checkpoint against a ModelDef ----*- C++ -*-===//
//
// Binds every parameter the text decoder of a ModelDef reads (listTextDecoderParams)
// to a checkpoint tensor, checking dtype and shape, and explains every checkpoint
// tensor left over. Name mapping and messages: docs/checkpoints.md.
//
//===----------------------------------------------------------------------===//
#ifndef G4_COMPILER_CHECKPOINT_WEIGHTBINDER_H
#define G4_COMPILER_CHECKPOINT_WEIGHTBINDER_H

#include "compiler/Checkpoint/Checkpoint.h"
#include "model_defs/ParameterList.h"

#include <string>
#include <vector>

namespace g4 {

/// Why a checkpoint tensor is not bound to any parameter.
enum class UnusedReason {
  KVSharedLayer,       // k_proj/v_proj/k_norm of a layer that reads another's KV cache
  KEqVLayer,           // v_proj of a layer whose values are its keys (attention_k_eq_v)
  VisionTower,         // model.vision_tower.*
  AudioTower,          // model.audio_tower.*
  MultimodalProjector, // model.embed_vision.*, model.embed_audio.*
  TiedHead,            // lm_head.weight of a model with tied embeddings
  NotTextDecoder,      // anything else
};

/// One line per reason, e.g. "vision tower".
llvm::StringRef describeUnusedReason(UnusedReason reason);

/// A parameter and the checkpoint tensor that holds it. Pointers and paths stay
/// valid while the Checkpoint lives.
struct BoundParam {
  ParamSpec spec;
  const TensorRecord *record = nullptr;
  llvm::StringRef shardPath;
};

/// A checkpoint tensor that no parameter reads.
struct UnusedTensor {
  const TensorRecord *record = nullptr;
  llvm::StringRef shardPath;
  UnusedReason reason;
  /// Per-tensor detail, e.g. "layer 7 reads layer 3's KV cache"; may be empty.
  std::string detail;
};

struct BoundWeights {
  std::string checkpointPath;
  /// One per listTextDecoderParams(def) entry, in that order.
  std::vector<BoundParam> params;
  /// Sorted by tensor name.
  std::vector<UnusedTensor> unused;

  /// The parameter whose spec name (relative to the text prefix) is `name`, or null.
  const BoundParam *lookup(llvm::StringRef name) const;
};

/// Binds the text-decoder parameters of `def` to `checkpoint`. Fails, listing every
/// missing tensor and every dtype/shape mismatch, if any parameter cannot be bound;
/// unused tensors are reported in the result, never an error.
llvm::Expected<BoundWeights> bindTextDecoderWeights(const modeldef::ModelDef &def,
                                                    const Checkpoint &checkpoint);

/// A human-readable summary: counts, bytes by dtype, unused tensors by reason.
std::string formatBindingReport(const BoundWeights &weights);

} // namespace g4

#endif // G4_COMPILER_CHECKPOINT_WEIGHTBINDER_H
