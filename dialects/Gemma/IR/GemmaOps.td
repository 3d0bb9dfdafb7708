//===- GemmaOps.td - Operations of the gemma dialect -------*- tablegen -*-===//
//
// Sections: parameters, embedding and head, normalisation and linear algebra,
// attention, feed-forward, per-layer embeddings. Semantics and the numbered
// constraints (Cn) of every op are in docs/dialects/gemma.md; verifier messages start
// with the constraint id and tests/lit/dialects/Gemma/invalid.mlir names each case
// @<op>_c<n>.
//
//===----------------------------------------------------------------------===//
#ifndef G4_GEMMA_OPS_TD
#define G4_GEMMA_OPS_TD

include "dialects/Gemma/IR/GemmaTypes.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

def Gemma_ParamOp : Gemma_Op<"param", [Symbol, HasParent<"::mlir::ModuleOp">]> {
  let summary = "declares a named weight tensor of the model";
  let description = [{
    Declares one weight tensor by name and type. The data is bound at compile time from
    a checkpoint (or generated), never inlined into the IR. Names follow the Hugging Face
    checkpoint names without the `model.language_model.` prefix.

    ```mlir
    gemma.param @"layers.0.self_attn.q_proj.weight" : tensor<2048x1536xbf16>
    ```
  }];
  // `offset`: byte offset of the tensor in the weight data, set by g4-gemma-plan-memory.
  // `format`: for i8 tensors, the packed format (q8_0/q4_0) the compiler quantised the
  // checkpoint's float matrix into when it writes the weight blob.
  // `parts` / `part_rows`: a matrix merged by g4-gemma-merge-projections holds the rows of
  // these checkpoint tensors, in order (C1).
  let arguments = (ins SymbolNameAttr:$sym_name, TypeAttrOf<Gemma_WeightTensor>:$type,
                       OptionalAttr<I64Attr>:$offset,
                       OptionalAttr<Gemma_WeightFormatAttr>:$format,
                       OptionalAttr<StrArrayAttr>:$parts,
                       OptionalAttr<DenseI64ArrayAttr>:$part_rows);
  let assemblyFormat = "$sym_name `:` $type attr-dict";
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$name, "::mlir::Type":$type), [{
      build($_builder, $_state, $_builder.getStringAttr(name), ::mlir::TypeAttr::get(type),
            ::mlir::IntegerAttr(), WeightFormatAttr(), ::mlir::ArrayAttr(),
            ::mlir::DenseI64ArrayAttr());
    }]>
  ];
}

def Gemma_WeightOp : Gemma_PureOp<"weight", [DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "reads a declared weight tensor";
  let description = [{
    ```mlir
    %w = gemma.weight @"norm.weight" : tensor<1536xbf16>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$param);
  let results = (outs Gemma_WeightTensor:$result);
  let assemblyFormat = "$param attr-dict `:` type($result)";
}

//===----------------------------------------------------------------------===//
// Embedding and output head
//===----------------------------------------------------------------------===//

def Gemma_EmbedOp : Gemma_PureOp<"embed"> {
  let summary = "scaled token embedding lookup";
  let description = [{
    `result[t, :] = f32(table[tokens[t], :]) * scale`. Gemma 4 uses the bf16-rounded
    sqrt(hidden) as `scale`. `format` (optional) is the table's layout when it is not
    plain rows: `bf16x8`, `bf16x16`, `bf16x32` or `bf16x64`, for a table that is also
    the tied head of an x86 target.

    ```mlir
    %h = gemma.embed %tokens, %table {scale = 3.925000e+01 : f32}
        : (tensor<?xi32>, tensor<262144x1536xbf16>) -> tensor<?x1536xf32>
    ```
  }];
  let arguments = (ins Gemma_TokenTensor:$tokens, Gemma_WeightTensor:$table, F32Attr:$scale,
                       OptionalAttr<Gemma_WeightFormatAttr>:$format);
  let results = (outs Gemma_ActivationTensor:$result);
  let assemblyFormat = "$tokens `,` $table attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Gemma_SoftcapOp : Gemma_PureOp<"softcap", [SameOperandsAndResultType]> {
  let summary = "logit soft-capping: cap * tanh(x / cap)";
  let arguments = (ins Gemma_ActivationTensor:$input, F32Attr:$cap);
  let results = (outs Gemma_ActivationTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalisation and linear algebra
//===----------------------------------------------------------------------===//

def Gemma_RMSNormOp : Gemma_PureOp<"rms_norm", [AllTypesMatch<["input", "result"]>]> {
  let summary = "RMSNorm over the last dimension, with or without a weight";
  let description = [{
    `y = x * (mean(x^2, -1) + epsilon)^(-1/2)`, then `y *= f32(weight)` when a weight is
    given (Gemma 4 uses the weight directly, not `1 + w`). Without a weight this is the
    no-scale norm of v_norm and the router.

    ```mlir
    %y = gemma.rms_norm %x, %w {epsilon = 9.99999997e-07 : f32} : tensor<?x1536xf32>, tensor<1536xbf16>
    %v = gemma.rms_norm %x {epsilon = 9.99999997e-07 : f32} : tensor<?x1x256xf32>
    ```
  }];
  let arguments = (ins Gemma_ActivationTensor:$input, Optional<Gemma_WeightTensor>:$weight,
                       F32Attr:$epsilon);
  let results = (outs Gemma_ActivationTensor:$result);
  let assemblyFormat = [{
    $input (`,` $weight^)? attr-dict `:` type($input) (`,` type($weight)^)?
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::Value":$weight, "float":$epsilon)>
  ];
  let hasVerifier = 1;
}

def Gemma_LinearOp : Gemma_PureOp<"linear"> {
  let summary = "y = x @ W^T with W stored in a weight format";
  let description = [{
    `x: [..., K]`, `W: [N, K]` (PyTorch layout) gives `y: [..., N]`. For `f32`, `bf16`
    and `f16` the weight tensor has that element type. `q8_0` and `q4_0` weights are i8
    tensors `[N, K/32 * 34]` and `[N, K/32 * 18]`: per block of 32 inputs an f16 scale
    followed by the quantised values. The tied output head is a linear with the
    embedding table as weight.

    ```mlir
    %y = gemma.linear %x, %w {format = #gemma.weight_format<bf16>}
        : (tensor<?x1536xf32>, tensor<2048x1536xbf16>) -> tensor<?x2048xf32>
    ```
  }];
  let arguments = (ins Gemma_ActivationTensor:$input, Gemma_WeightTensor:$weight,
                       Gemma_WeightFormatAttr:$format);
  let results = (outs Gemma_ActivationTensor:$result);
  let assemblyFormat = "$input `,` $weight attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Gemma_RopeOp : Gemma_PureOp<"rope", [AllTypesMatch<["input", "result"]>]> {
  let summary = "rotary position embedding of rows at consecutive positions";
  let description = [{
    `input: [T, heads, d]`; row `t` is at position `start + t`. See `#gemma.rope`.

    ```mlir
    %y = gemma.rope %q, %start {rope = #gemma.rope<default, theta = 1.000000e+04, rotated_pairs = 128>}
        : tensor<?x8x256xf32>
    ```
  }];
  let arguments = (ins Gemma_ActivationTensor:$input, Index:$start, Gemma_RopeAttr:$rope);
  let results = (outs Gemma_ActivationTensor:$result);
  let assemblyFormat = "$input `,` $start attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Gemma_LayerScalarOp : Gemma_PureOp<"layer_scalar", [AllTypesMatch<["input", "result"]>]> {
  let summary = "multiplies the residual stream by a layer's learned scalar";
  let arguments = (ins Gemma_ActivationTensor:$input, Gemma_WeightTensor:$scalar);
  let results = (outs Gemma_ActivationTensor:$result);
  let assemblyFormat = "$input `,` $scalar attr-dict `:` type($input) `,` type($scalar)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

def Gemma_KVProjectOp : Gemma_PureOp<"kv_project", [AllTypesMatch<["keys", "values"]>]> {
  let summary = "a layer's keys and values for a block of tokens";
  let description = [{
    For the normed input `x: [T, H]` at positions `start .. start+T-1`:
    `k_raw = x @ Wk^T` and `v_raw = x @ Wv^T` reshaped to `[T, kv_heads, d]`; without a
    `v` weight (k_eq_v, the global layers of 26B/31B) `v_raw = k_raw`.
    `keys = rope(rms_norm(k_raw, k_norm))`, `values = rms_norm_noscale(v_raw)`.
    `layer` names the layer that owns these K/V (the KV source of its readers).

    ```mlir
    %k, %v = gemma.kv_project %x, %start k(%wk) v(%wv) k_norm(%kn)
        {layer = 13 : i64, epsilon = 9.99999997e-07 : f32,
         rope = #gemma.rope<default, theta = 1.000000e+04, rotated_pairs = 128>}
        : (tensor<?x1536xf32>, index, tensor<256x1536xbf16>, tensor<256x1536xbf16>, tensor<256xbf16>)
        -> (tensor<?x1x256xf32>, tensor<?x1x256xf32>)
    ```
  }];
  let arguments = (ins Gemma_ActivationTensor:$input, Index:$start,
                       Gemma_WeightTensor:$k_weight, Optional<Gemma_WeightTensor>:$v_weight,
                       Gemma_WeightTensor:$k_norm, I64Attr:$layer, F32Attr:$epsilon,
                       Gemma_RopeAttr:$rope,
                       DefaultValuedAttr<Gemma_WeightFormatAttr, "::g4::gemma::WeightFormat::bf16">:$format);
  let results = (outs Gemma_ActivationTensor:$keys, Gemma_ActivationTensor:$values);
  let assemblyFormat = [{
    $input `,` $start `k` `(` $k_weight `)` (`v` `(` $v_weight^ `)`)?
    `k_norm` `(` $k_norm `)` attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// k_eq_v: V is the raw K projection.
    bool isKEqV() { return !getVWeight(); }
  }];
}

def Gemma_QKVProjectOp : Gemma_PureOp<"qkv_project", [AllTypesMatch<["keys", "values"]>]> {
  let summary = "a layer's queries, keys and values from one merged projection";
  let description = [{
    What `gemma.kv_project` and the Q projection of `gemma.attention` compute, as one
    matrix product over the normed input `x: [T, H]` at positions `start .. start+T-1`:
    `qkv = x @ W^T` with `W = [Wq; Wk; Wv]` (rows `heads*d`, `kv_heads*d`, `kv_heads*d`;
    with `k_eq_v`, `W = [Wq; Wk]` and `v_raw = k_raw`). Then
    `queries = rope(rms_norm(q_raw, q_norm))`, `keys = rope(rms_norm(k_raw, k_norm))`,
    `values = rms_norm_noscale(v_raw)`, each `[T, heads or kv_heads, d]`.
    `g4-gemma-merge-projections` creates it; the builder does not.

    ```mlir
    %q, %k, %v = gemma.qkv_project %x, %start qkv(%w) q_norm(%qn) k_norm(%kn)
        {layer = 0 : i64, epsilon = 9.99999997e-07 : f32,
         rope = #gemma.rope<default, theta = 1.000000e+04, rotated_pairs = 128>}
        : (tensor<?x1536xf32>, index, tensor<2560x1536xbf16>, tensor<256xbf16>, tensor<256xbf16>)
        -> (tensor<?x8x256xf32>, tensor<?x1x256xf32>, tensor<?x1x256xf32>)
    ```
  }];
  let arguments = (ins Gemma_ActivationTensor:$input, Index:$start, Gemma_WeightTensor:$weight,
                       Gemma_WeightTensor:$q_norm, Gemma_WeightTensor:$k_norm, I64Attr:$layer,
                       UnitAttr:$k_eq_v, F32Attr:$epsilon, Gemma_RopeAttr:$rope,
                       DefaultValuedAttr<Gemma_WeightFormatAttr, "::g4::gemma::WeightFormat::bf16">:$format);
  let results = (outs Gemma_ActivationTensor:$queries, Gemma_ActivationTensor:$keys,
                      Gemma_ActivationTensor:$values);
  let assemblyFormat = [{
    $input `,` $start `qkv` `(` $weight `)` `q_norm` `(` $q_norm `)` `k_norm` `(` $k_norm `)`
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// k_eq_v: V is the raw K projection.
    bool isKEqV() { return getKEqV(); }
  }];
}

def Gemma_KVAppendOp : Gemma_PureOp<"kv_append", [AllTypesMatch<["cache", "result"]>]> {
  let summary = "appends a block of keys and values to a layer's KV cache";
  let description = [{
    The result holds the cache's positions `0 .. start-1` and the block's positions
    `start .. start+T-1`. Storage keeps the last `capacity` positions: a sliding cache is
    a ring of exactly `window` entries (position `p` in slot `p mod window`), so older
    positions are no longer stored. An f16 cache stores the f32 block rounded to nearest
    even.

    ```mlir
    %c = gemma.kv_append %cache, %start, %k, %v : (!kv13, index, tensor<?x1x256xf32>, tensor<?x1x256xf32>) -> !kv13
    ```
  }];
  let arguments = (ins Gemma_KVCacheType:$cache, Index:$start, Gemma_ActivationTensor:$keys,
                       Gemma_ActivationTensor:$values);
  let results = (outs Gemma_KVCacheType:$result);
  let assemblyFormat = [{
    $cache `,` $start `,` $keys `,` $values attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Gemma_AttentionOp : Gemma_PureOp<"attention", [AttrSizedOperandSegments]> {
  let summary = "one layer's attention: Q projection, QK-norm, RoPE, masked GQA softmax over past and current K/V, O projection";
  let description = [{
    For the normed input `x: [T, H]` at positions `p = start + t`:
    `q = rope(rms_norm((x @ Wq^T).reshape(T, heads, d), q_norm))`. Keys and values at
    positions `< start` come from `cache` (holding positions `0 .. start-1`, the value
    before this block is appended); those at `start .. start+T-1` from the block
    `keys`/`values` of the KV source layer's `gemma.kv_project` (the layer itself, or its
    donor for KV-shared layers). Query head `n` reads KV head `n / (heads / kv_heads)`;
    scores `q . k` with scale 1.0 (QK-norm replaces 1/sqrt(d)) over key positions
    `k <= p` (global) or `p - window < k <= p` (sliding: exactly `window` keys including
    self); f32 softmax; `o = (P @ V).reshape(T, heads*d) @ Wo^T`. With an f16 cache the
    block's keys and values are first rounded to f16, as the cache will hold them.
    With `queries(%q)` in place of `q(..) q_norm(..)`, `q` comes from the
    `gemma.qkv_project` that also produced the block K/V.

    ```mlir
    %o = gemma.attention %x, %start, %cache, %k, %v q(%wq) q_norm(%qn) o(%wo)
        {layer = 15 : i64, kind = #gemma.attention_kind<sliding>, window = 512 : i64, num_heads = 8 : i64,
         epsilon = 9.99999997e-07 : f32, rope = #gemma.rope<default, theta = 1.000000e+04, rotated_pairs = 128>}
        : (tensor<?x1536xf32>, index, !kv13, tensor<?x1x256xf32>, tensor<?x1x256xf32>,
           tensor<2048x1536xbf16>, tensor<256xbf16>, tensor<1536x2048xbf16>) -> tensor<?x1536xf32>
    ```
  }];
  let arguments = (ins Gemma_ActivationTensor:$input, Index:$start, Gemma_KVCacheType:$cache,
                       Gemma_ActivationTensor:$keys, Gemma_ActivationTensor:$values,
                       Optional<Gemma_WeightTensor>:$q_weight, Optional<Gemma_WeightTensor>:$q_norm,
                       Optional<Gemma_ActivationTensor>:$queries, Gemma_WeightTensor:$o_weight,
                       I64Attr:$layer, Gemma_AttentionKindAttr:$kind, I64Attr:$window,
                       I64Attr:$num_heads, F32Attr:$epsilon, Gemma_RopeAttr:$rope,
                       DefaultValuedAttr<Gemma_WeightFormatAttr, "::g4::gemma::WeightFormat::bf16">:$format);
  let results = (outs Gemma_ActivationTensor:$result);
  let assemblyFormat = [{
    $input `,` $start `,` $cache `,` $keys `,` $values
    (`q` `(` $q_weight^ `)` `q_norm` `(` $q_norm `)`)? (`queries` `(` $queries^ `)`)?
    `o` `(` $o_weight `)` attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The layer whose K/V this attention reads (itself unless KV-shared).
    int64_t getKVSourceLayer() { return getCache().getType().getLayer(); }
    bool isKVShared() { return getKVSourceLayer() != int64_t(getLayer()); }
    /// The gemma.kv_project or gemma.qkv_project that produced the block K/V, or null.
    ::mlir::Operation *getKVProducer();
  }];
}

//===----------------------------------------------------------------------===//
// Feed-forward
//===----------------------------------------------------------------------===//

def Gemma_MLPOp : Gemma_PureOp<"mlp"> {
  let summary = "gated tanh-GELU MLP: (gelu_tanh(x @ Wg^T) * (x @ Wu^T)) @ Wd^T";
  let arguments = (ins Gemma_ActivationTensor:$input, Gemma_WeightTensor:$gate_weight,
                       Gemma_WeightTensor:$up_weight, Gemma_WeightTensor:$down_weight,
                       DefaultValuedAttr<Gemma_WeightFormatAttr, "::g4::gemma::WeightFormat::bf16">:$format);
  let results = (outs Gemma_ActivationTensor:$result);
  let assemblyFormat = [{
    $input `,` $gate_weight `,` $up_weight `,` $down_weight attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Gemma_MoEOp : Gemma_PureOp<"moe"> {
  let summary = "routed mixture of experts (router + top-k gated-GELU experts + per-expert scale)";
  let description = [{
    Router, on the un-normalised residual `r: [T, H]`:
    `z = rms_norm_noscale(r) * router_scale * H^(-1/2)`, `probs = softmax(z @ Wr^T)` over
    all experts, `idx = top_k(probs)`, `w = probs[idx] / sum(probs[idx]) *
    per_expert_scale[idx]`. Experts, on `x: [T, H]` (the separately normed expert input):
    `g, u = split(x @ gate_up[e]^T)` (first half gate), `out_e = (gelu_tanh(g) * u) @
    down[e]^T`; `result = sum_k w_k * out_{idx_k}`. Only the selected experts' weights
    are read. The dense MLP beside it is a separate `gemma.mlp`.
  }];
  let arguments = (ins Gemma_ActivationTensor:$input, Gemma_ActivationTensor:$router_input,
                       Gemma_WeightTensor:$router_weight, Gemma_WeightTensor:$router_scale,
                       Gemma_WeightTensor:$per_expert_scale, Gemma_WeightTensor:$gate_up_weight,
                       Gemma_WeightTensor:$down_weight, I64Attr:$top_k, F32Attr:$epsilon,
                       DefaultValuedAttr<Gemma_WeightFormatAttr, "::g4::gemma::WeightFormat::bf16">:$format);
  let results = (outs Gemma_ActivationTensor:$result);
  let assemblyFormat = [{
    $input `,` $router_input `,` $router_weight `,` $router_scale `,` $per_expert_scale `,`
    $gate_up_weight `,` $down_weight attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Per-layer embeddings (E2B, E4B)
//===----------------------------------------------------------------------===//

def Gemma_PLEInputsOp : Gemma_PureOp<"ple_inputs"> {
  let summary = "per-layer inputs of every layer, computed once per token";
  let description = [{
    `tok = f32(table[tokens]) * table_scale` reshaped `[T, L, P]`;
    `ctx = rms_norm((embedded @ Wproj^T) * projection_scale reshaped [T, L, P], norm)`;
    `result = (ctx + tok) * combine_scale`. The table is read one row per token: it is
    half of E2B's parameters and must stay memory-mapped. `format` is the projection's
    (the table stays float).
  }];
  let arguments = (ins Gemma_TokenTensor:$tokens, Gemma_ActivationTensor:$embedded,
                       Gemma_WeightTensor:$table, Gemma_WeightTensor:$projection,
                       Gemma_WeightTensor:$norm, F32Attr:$table_scale,
                       F32Attr:$projection_scale, F32Attr:$combine_scale, F32Attr:$epsilon,
                       DefaultValuedAttr<Gemma_WeightFormatAttr, "::g4::gemma::WeightFormat::bf16">:$format);
  let results = (outs Gemma_ActivationTensor:$result);
  let assemblyFormat = [{
    $tokens `,` $embedded `,` $table `,` $projection `,` $norm attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Gemma_PLEBranchOp : Gemma_PureOp<"ple_branch"> {
  let summary = "a layer's per-layer-embedding branch: (gelu_tanh(h @ Wg^T) * ple[:, layer]) @ Wp^T";
  let arguments = (ins Gemma_ActivationTensor:$input, Gemma_ActivationTensor:$per_layer_inputs,
                       Gemma_WeightTensor:$gate_weight, Gemma_WeightTensor:$projection_weight,
                       I64Attr:$layer,
                       DefaultValuedAttr<Gemma_WeightFormatAttr, "::g4::gemma::WeightFormat::bf16">:$format);
  let results = (outs Gemma_ActivationTensor:$result);
  let assemblyFormat = [{
    $input `,` $per_layer_inputs `,` $gate_weight `,` $projection_weight attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // G4_GEMMA_OPS_TD
