//===- ModelBuilder.h - ModelDef -> gemma IR ---------------------*- C++ -*-===//
//
// Builds the `gemma` module of a Gemma 4 text decoder: one `gemma.param` per weight
// tensor (referenced by name, never inlined), a `@prefill` function over a block of
// tokens and a `@decode` function over one token, both threading the KV caches of the
// layers that own one as explicit values.
//
//===----------------------------------------------------------------------===//
#ifndef G4_COMPILER_BUILDER_MODELBUILDER_H
#define G4_COMPILER_BUILDER_MODELBUILDER_H

#include "dialects/Gemma/IR/GemmaTypes.h"
#include "model_defs/ParameterList.h"
#include "model_defs/model_def.pb.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <functional>

namespace g4 {

struct BuildOptions {
  /// Capacity of global-layer KV caches (positions). Sliding caches hold `window`.
  int64_t maxContext = 4096;
  /// The most tokens one prefill call takes (the scratch arena is sized for it; the
  /// runtime splits longer prompts). Capped at maxContext.
  int64_t maxPrefillTokens = 128;
  /// Element type of each weight tensor; bf16 (the checkpoints' dtype) when unset.
  std::function<mlir::Type(mlir::MLIRContext *, const ParamSpec &)> paramElementType;
  /// q8_0 or q4_0 (or their 8-row interleaved forms): the projection matrices (attention q/k/v/o,
  /// MLP, experts, per-layer-embedding projections) are stored in that packed format, quantised at
  /// compile time; each group of matrices one op reads is packed only if all their input dims are
  /// multiples of 32 (and, interleaved, their output dims multiples of 8). The tied embedding
  /// table (also the LM head) is stored in q8_0 / q8_0x8 (packedTableFormat); the per-layer
  /// embeddings, norms and scalars keep their float type.
  std::optional<gemma::WeightFormat> packedFormat;
  /// bf16x32 or bf16x64 (the x86 kernels read such a matrix as one stream, 4 vectors of
  /// 8 or 16 outputs per input): the tied embedding table (also the LM head) is stored
  /// so when it is bf16 and its vocab a multiple of the group; so is every bf16
  /// projection matrix left unpacked, an op's group when all its matrices have output
  /// dims divisible by the group (not the experts' stacks). Where they are multiples of
  /// a quarter of the group only, bf16x8 or bf16x16.
  std::optional<gemma::WeightFormat> interleavedFloat;
  /// Every bf16 weight tensor is stored as f16 instead (g4c --weights-format=f16; the
  /// blob writer converts the values). The interleaved layouts then take their f16 forms
  /// (f16x8 ... f16x64).
  bool bf16AsF16 = false;
  /// The KV caches' element type: f32, or f16 when set (keys and values are rounded to
  /// nearest even when stored, and attention reads the block's own K/V so rounded too).
  bool kvCacheF16 = false;
};

/// The parameters packed `format` packs for `def` (names), in the order of
/// listTextDecoderParams.
std::vector<std::string> packedParams(const modeldef::ModelDef &def, gemma::WeightFormat format);

/// The packed format of the tied embedding table (also the LM head) under projections
/// packed in `format`: q8_0 (q8_0x8 for the interleaved forms) for q8 and q4 alike, since
/// the head's logits are what sampling reads; none when the table is not tied, its
/// hidden dim is not a multiple of 32 or, interleaved, its vocab not a multiple of 8.
std::optional<gemma::WeightFormat> packedTableFormat(const modeldef::ModelDef &def,
                                                     gemma::WeightFormat format);

/// Builds the module for a validated `def`. The signature of both functions is
///   (tokens: tensor<Txi32>, start: index, caches...) -> (logits: tensor<TxVxf32>, caches...)
/// with T dynamic for @prefill and 1 for @decode; caches are those of the layers that
/// own one, in layer order.
mlir::OwningOpRef<mlir::ModuleOp> buildModel(mlir::MLIRContext &context,
                                             const modeldef::ModelDef &def,
                                             const BuildOptions &options = {});

/// Rounds to the nearest bfloat16 (ties to even), as Gemma's reference does for the
/// embedding scale sqrt(hidden).
float roundToBF16(float value);

} // namespace g4

#endif // G4_COMPILER_BUILDER_MODELBUILDER_H
