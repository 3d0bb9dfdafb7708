//===- GemmaToLinalg.h - Patterns lowering gemma to linalg -------*- C++ -*-===//
#ifndef G4_PASSES_CONVERSION_GEMMATOLINALG_GEMMATOLINALG_H
#define G4_PASSES_CONVERSION_GEMMATOLINALG_GEMMATOLINALG_H

#include "mlir/Transforms/DialectConversion.h"

namespace g4 {

/// Converts `!gemma.kv_cache<...>` to `tensor<2 x capacity x kv_heads x head_dim x elt>`
/// (K at index 0, V at index 1); other types are unchanged.
class GemmaTypeConverter : public mlir::TypeConverter {
public:
  GemmaTypeConverter();
};

/// embed, rms_norm, linear, rope, layer_scalar, softcap, ple_inputs, ple_branch.
void populateGemmaLayerToLinalgPatterns(mlir::TypeConverter &converter,
                                        mlir::RewritePatternSet &patterns);
/// kv_project, kv_append, attention.
void populateGemmaAttentionToLinalgPatterns(mlir::TypeConverter &converter,
                                            mlir::RewritePatternSet &patterns);
/// mlp, moe.
void populateGemmaFeedForwardToLinalgPatterns(mlir::TypeConverter &converter,
                                              mlir::RewritePatternSet &patterns);

} // namespace g4

#endif // G4_PASSES_CONVERSION_GEMMATOLINALG_GEMMATOLINALG_H
