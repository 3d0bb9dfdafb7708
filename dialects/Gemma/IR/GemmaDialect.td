//===- GemmaDialect.td - The gemma dialect record ----------*- tablegen -*-===//
//
// The dialect record only; base classes live in GemmaBase.td.
//
//===----------------------------------------------------------------------===//
#ifndef G4_GEMMA_DIALECT_TD
#define G4_GEMMA_DIALECT_TD

include "mlir/IR/DialectBase.td"

def Gemma_Dialect : Dialect {
  let name = "gemma";
  let cppNamespace = "::g4::gemma";
  let summary = "Gemma 4 text-decoder semantics: layers, attention, KV caches, MoE, PLE";
  let description = [{
    The `gemma` dialect describes a Gemma 4 model at the level its architecture is
    specified: scaled embedding lookup, RMSNorm, linear layers with a weight format,
    RoPE, attention with its KV source (own cache or a donor layer's), gated MLPs,
    mixture of experts, per-layer embeddings, the layer scalar and the final softcap.
    Activations are f32 tensors; weights are `gemma.param` symbols read with
    `gemma.weight`, never inlined. Ops verify the architecture's invariants; each
    constraint is numbered in docs/dialects/gemma.md and has a negative lit test named
    after it. Lowering passes take the ops to linalg and below.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
}

#endif // G4_GEMMA_DIALECT_TD
