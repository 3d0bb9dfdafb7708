//===- GemmaTypes.td - Types of the gemma dialect ----------*- tablegen -*-===//
#ifndef G4_GEMMA_TYPES_TD
#define G4_GEMMA_TYPES_TD

include "dialects/Gemma/IR/GemmaAttrs.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

def Gemma_KVCacheType : Gemma_Type<"KVCache", "kv_cache"> {
  let summary = "the K/V history of one attention layer";
  let description = [{
    A value of this type denotes the post-norm, post-RoPE keys and the post-v_norm
    values that layer `layer` has written for positions `0 .. n-1`. Storage keeps the
    last `capacity` positions: for a sliding layer `capacity` equals its window (a ring),
    for a global layer it is the maximum context. Layers that share KV (E2B/E4B) own no
    cache of this type; they read their donor's. `element_type` is f32, or f16 (values
    rounded to nearest even when stored).

    Example: `!gemma.kv_cache<layer = 3, kind = sliding, capacity = 512, kv_heads = 1, head_dim = 256, element_type = f32>`
  }];
  let parameters = (ins
    "int64_t":$layer,
    EnumParameter<Gemma_AttentionKind>:$kind,
    "int64_t":$capacity,
    "int64_t":$kv_heads,
    "int64_t":$head_dim,
    "::mlir::Type":$element_type
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Bytes of K plus V storage.
    int64_t getStorageBytes() const;
  }];
}

#endif // G4_GEMMA_TYPES_TD
