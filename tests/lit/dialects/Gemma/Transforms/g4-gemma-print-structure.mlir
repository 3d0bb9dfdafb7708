// g4-gemma-print-structure reads the per-layer structure back from the IR: layer 0 is a
// sliding layer with its own cache and an MLP, layer 1 a global k_eq_v layer (no v
// weight), layer 2 a KV-shared sliding layer reading layer 0's cache (kv_donor 0). The IR
// is printed unchanged after the JSON; naming a missing function is an error.
// RUN: g4-opt %s --g4-gemma-print-structure | FileCheck %s
// RUN: g4-opt %s --g4-gemma-print-structure="function=other" --split-input-file --verify-diagnostics

// CHECK: {"layer_types":["S","F","S"],"head_dim":[16,32,16],"num_heads":[8,8,8],"num_kv_heads":[2,1,2],"k_eq_v":[false,true,false],"kv_donor":[null,null,0],"intermediate_size":[192,0,0],"rotated_pairs":[8,4,8],"window":[8,0,8],"per_layer_input":[false,false,false],"moe":[null,null,null]}
// CHECK: func.func @prefill

!kv0 = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>
!kv1 = !gemma.kv_cache<layer = 1, kind = global, capacity = 64, kv_heads = 1, head_dim = 32, element_type = f32>
// expected-error@+1 {{g4-gemma-print-structure: no function @other}}
module {
  func.func @prefill(%x: tensor<?x96xf32>, %s: index, %c0: !kv0, %c1: !kv1,
      %wk0: tensor<32x96xbf16>, %kn0: tensor<16xbf16>, %wq0: tensor<128x96xbf16>, %wo0: tensor<96x128xbf16>,
      %wk1: tensor<32x96xbf16>, %kn1: tensor<32xbf16>, %wq1: tensor<256x96xbf16>, %wo1: tensor<96x256xbf16>,
      %wg: tensor<192x96xbf16>, %wd: tensor<96x192xbf16>) -> tensor<?x96xf32> {
    %k0, %v0 = gemma.kv_project %x, %s k(%wk0) v(%wk0) k_norm(%kn0) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
        : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
    %a0 = gemma.attention %x, %s, %c0, %k0, %v0 q(%wq0) q_norm(%kn0) o(%wo0) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
        : (tensor<?x96xf32>, index, !kv0, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
    %m0 = gemma.mlp %a0, %wg, %wg, %wd : (tensor<?x96xf32>, tensor<192x96xbf16>, tensor<192x96xbf16>, tensor<96x192xbf16>) -> tensor<?x96xf32>
    %k1, %v1 = gemma.kv_project %m0, %s k(%wk1) k_norm(%kn1) {layer = 1 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 4>}
        : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32xbf16>) -> (tensor<?x1x32xf32>, tensor<?x1x32xf32>)
    %a1 = gemma.attention %m0, %s, %c1, %k1, %v1 q(%wq1) q_norm(%kn1) o(%wo1) {layer = 1 : i64, kind = #gemma.attention_kind<global>, window = 0 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 4>}
        : (tensor<?x96xf32>, index, !kv1, tensor<?x1x32xf32>, tensor<?x1x32xf32>, tensor<256x96xbf16>, tensor<32xbf16>, tensor<96x256xbf16>) -> tensor<?x96xf32>
    %a2 = gemma.attention %a1, %s, %c0, %k0, %v0 q(%wq0) q_norm(%kn0) o(%wo0) {layer = 2 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
        : (tensor<?x96xf32>, index, !kv0, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
    return %a2 : tensor<?x96xf32>
  }
}
