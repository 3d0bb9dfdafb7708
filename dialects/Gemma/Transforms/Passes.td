//===- Passes.td - Passes local to the gemma dialect -------*- tablegen -*-===//
#ifndef G4_GEMMA_TRANSFORMS_PASSES_TD
#define G4_GEMMA_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def GemmaPrintStructurePass : Pass<"g4-gemma-print-structure", "::mlir::ModuleOp"> {
  let summary = "Prints the per-layer structure of a gemma model function as JSON";
  let description = [{
    Reads the layer structure back from the IR (attention type, head dim, heads, KV
    heads, k_eq_v, KV donor, MLP width, RoPE pairs, window, PLE, MoE) and prints one JSON
    object to stdout. The IR is unchanged. This is how tests compare what the builder
    produced with a checkpoint's golden structure:

    ```
    {"layer_types":["S","S","S","S","F",...],"head_dim":[16,...],"kv_donor":[null,...,3,4],...}
    ```
  }];
  let options = [
    Option<"functionName", "function", "std::string", /*default=*/"\"prefill\"",
           "the model function to read">
  ];
  let dependentDialects = ["::g4::gemma::GemmaDialect"];
}

def GemmaMergeProjectionsPass : Pass<"g4-gemma-merge-projections", "::mlir::ModuleOp"> {
  let summary = "Merges a layer's Q, K and V projections into one matrix product";
  let description = [{
    A layer that computes its own K/V projects the same normed input three times: Q in
    `gemma.attention`, K and V in `gemma.kv_project`. This pass declares one merged
    matrix `[Wq; Wk; Wv]` (`[Wq; Wk]` for k_eq_v) as a `gemma.param` whose `parts` name
    the three checkpoint tensors, replaces the `gemma.kv_project` by a
    `gemma.qkv_project` over it, and lets the attention read its `queries`. The three
    plain params go once nothing reads them. One contraction then streams the three
    matrices (one quantisation of the input for the packed formats, one kernel call),
    and every output is the same dot product as before, so no value changes.

    Layers are left alone when the attention reads another layer's K/V (KV sharing),
    when Q and K/V project different inputs, or when the three matrices differ in
    element type, input width or format.

    ```mlir
    gemma.param @"layers.0.self_attn.qkv_proj.weight" : tensor<2560x1536xbf16>
        {part_rows = array<i64: 2048, 256, 256>,
         parts = ["layers.0.self_attn.q_proj.weight", "layers.0.self_attn.k_proj.weight",
                  "layers.0.self_attn.v_proj.weight"]}
    %q, %k, %v = gemma.qkv_project %x, %start qkv(%w) q_norm(%qn) k_norm(%kn) {...}
    %o = gemma.attention %x, %start, %cache, %k, %v queries(%q) o(%wo) {...}
    ```
  }];
  let dependentDialects = ["::g4::gemma::GemmaDialect"];
}

#endif // G4_GEMMA_TRANSFORMS_PASSES_TD
