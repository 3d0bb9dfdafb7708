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

#endif // G4_GEMMA_TRANSFORMS_PASSES_TD
