// g4-gemma-merge-projections: a layer that computes its own K/V gets one merged
// [Wq; Wk; Wv] param (declared after the Q matrix, shared by prefill and decode) and a
// gemma.qkv_project whose queries the attention reads; the plain Q/K/V params and their
// reads go. Layer 0 merges three matrices; layer 1 (global, k_eq_v) merges [Wq; Wk];
// layer 2 reads layer 0's K/V (KV sharing) and keeps its own Q projection; layer 3's
// matrices differ in format and stay apart. Layer 4's q4_0x8 matrices have 66-block
// rows: the merged 128 rows would be banded (docs/dialects/gemma.md, "Panels") but the
// 16-row K and V are not, so the merged bytes would not be the parts' bytes: they stay
// apart.
// RUN: g4-opt %s --g4-gemma-merge-projections | FileCheck %s
// RUN: g4-opt %s --g4-gemma-merge-projections | FileCheck %s --check-prefix=PANELS

!kv0 = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>
!kv1 = !gemma.kv_cache<layer = 1, kind = global, capacity = 64, kv_heads = 1, head_dim = 32, element_type = f32>
!kv4 = !gemma.kv_cache<layer = 4, kind = sliding, capacity = 8, kv_heads = 1, head_dim = 16, element_type = f32>
!kv3 = !gemma.kv_cache<layer = 3, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>

// CHECK-NOT:   @layers.0.self_attn.q_proj.weight :
// CHECK:       gemma.param @layers.0.self_attn.qkv_proj.weight : tensor<192x96xbf16> {part_rows = array<i64: 128, 32, 32>, parts = ["layers.0.self_attn.q_proj.weight", "layers.0.self_attn.k_proj.weight", "layers.0.self_attn.v_proj.weight"]}
// CHECK-NEXT:  gemma.param @layers.0.self_attn.q_norm.weight
// CHECK-NOT:   @layers.0.self_attn.k_proj.weight :
// CHECK-NOT:   @layers.0.self_attn.v_proj.weight :
// CHECK:       gemma.param @layers.1.self_attn.qkv_proj.weight : tensor<288x96xbf16> {part_rows = array<i64: 256, 32>, parts = ["layers.1.self_attn.q_proj.weight", "layers.1.self_attn.k_proj.weight"]}
// Layer 2's Q matrix is still read; layer 3's plain Q and packed K/V stay.
// CHECK:       gemma.param @layers.2.self_attn.q_proj.weight : tensor<128x96xbf16>
// CHECK:       gemma.param @layers.3.self_attn.q_proj.weight : tensor<128x96xbf16>
// CHECK:       gemma.param @layers.3.self_attn.k_proj.weight : tensor<32x102xi8>
gemma.param @layers.0.self_attn.q_proj.weight : tensor<128x96xbf16>
gemma.param @layers.0.self_attn.q_norm.weight : tensor<16xbf16>
gemma.param @layers.0.self_attn.k_proj.weight : tensor<32x96xbf16>
gemma.param @layers.0.self_attn.v_proj.weight : tensor<32x96xbf16>
gemma.param @layers.0.self_attn.k_norm.weight : tensor<16xbf16>
gemma.param @layers.0.self_attn.o_proj.weight : tensor<96x128xbf16>
gemma.param @layers.1.self_attn.q_proj.weight : tensor<256x96xbf16>
gemma.param @layers.1.self_attn.q_norm.weight : tensor<32xbf16>
gemma.param @layers.1.self_attn.k_proj.weight : tensor<32x96xbf16>
gemma.param @layers.1.self_attn.k_norm.weight : tensor<32xbf16>
gemma.param @layers.1.self_attn.o_proj.weight : tensor<96x256xbf16>
gemma.param @layers.2.self_attn.q_proj.weight : tensor<128x96xbf16>
gemma.param @layers.3.self_attn.q_proj.weight : tensor<128x96xbf16>
gemma.param @layers.3.self_attn.k_proj.weight : tensor<32x102xi8> {format = #gemma.weight_format<q8_0>}

// CHECK-LABEL: func.func @prefill
// CHECK:         %[[W0:.+]] = gemma.weight @layers.0.self_attn.qkv_proj.weight : tensor<192x96xbf16>
// CHECK:         %[[QN0:.+]] = gemma.weight @layers.0.self_attn.q_norm.weight
// CHECK:         %[[Q0:.+]], %[[K0:.+]], %[[V0:.+]] = gemma.qkv_project %{{.+}}, %{{.+}} qkv(%[[W0]]) q_norm(%[[QN0]]) k_norm(%{{.+}}) {epsilon = {{.+}}, layer = 0 : i64, rope = {{.+}}} : {{.+}} -> (tensor<?x8x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>)
// CHECK:         gemma.kv_append %{{.+}}, %{{.+}}, %[[K0]], %[[V0]]
// CHECK:         %[[A0:.+]] = gemma.attention %{{.+}}, %{{.+}}, %{{.+}}, %[[K0]], %[[V0]] queries(%[[Q0]]) o(
// CHECK:         gemma.qkv_project {{.+}}k_eq_v{{.+}} -> (tensor<?x8x32xf32>, tensor<?x1x32xf32>, tensor<?x1x32xf32>)
// CHECK:         gemma.attention {{.+}} queries(
// CHECK:         gemma.attention %{{.+}}, %{{.+}}, %{{.+}}, %[[K0]], %[[V0]] q(%{{.+}}) q_norm(%{{.+}}) o({{.+}}layer = 2 : i64
// CHECK:         gemma.kv_project
// CHECK:         gemma.attention {{.+}} q(%{{.+}}) q_norm(%{{.+}}) o({{.+}}layer = 3 : i64
// CHECK-LABEL: func.func @decode
// CHECK:         gemma.weight @layers.0.self_attn.qkv_proj.weight : tensor<192x96xbf16>
// CHECK:         gemma.qkv_project
// CHECK:         gemma.attention {{.+}} queries(
func.func @prefill(%x: tensor<?x96xf32>, %s: index, %c0: !kv0, %c1: !kv1, %c3: !kv3) -> (tensor<?x96xf32>, !kv0) {
  %wq0 = gemma.weight @layers.0.self_attn.q_proj.weight : tensor<128x96xbf16>
  %qn0 = gemma.weight @layers.0.self_attn.q_norm.weight : tensor<16xbf16>
  %wk0 = gemma.weight @layers.0.self_attn.k_proj.weight : tensor<32x96xbf16>
  %wv0 = gemma.weight @layers.0.self_attn.v_proj.weight : tensor<32x96xbf16>
  %kn0 = gemma.weight @layers.0.self_attn.k_norm.weight : tensor<16xbf16>
  %wo0 = gemma.weight @layers.0.self_attn.o_proj.weight : tensor<96x128xbf16>
  %k0, %v0 = gemma.kv_project %x, %s k(%wk0) v(%wv0) k_norm(%kn0) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  %n0 = gemma.kv_append %c0, %s, %k0, %v0 : (!kv0, index, tensor<?x2x16xf32>, tensor<?x2x16xf32>) -> !kv0
  %a0 = gemma.attention %x, %s, %c0, %k0, %v0 q(%wq0) q_norm(%qn0) o(%wo0) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !kv0, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>

  %wq1 = gemma.weight @layers.1.self_attn.q_proj.weight : tensor<256x96xbf16>
  %qn1 = gemma.weight @layers.1.self_attn.q_norm.weight : tensor<32xbf16>
  %wk1 = gemma.weight @layers.1.self_attn.k_proj.weight : tensor<32x96xbf16>
  %kn1 = gemma.weight @layers.1.self_attn.k_norm.weight : tensor<32xbf16>
  %wo1 = gemma.weight @layers.1.self_attn.o_proj.weight : tensor<96x256xbf16>
  %k1, %v1 = gemma.kv_project %a0, %s k(%wk1) k_norm(%kn1) {layer = 1 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 4>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32xbf16>) -> (tensor<?x1x32xf32>, tensor<?x1x32xf32>)
  %a1 = gemma.attention %a0, %s, %c1, %k1, %v1 q(%wq1) q_norm(%qn1) o(%wo1) {layer = 1 : i64, kind = #gemma.attention_kind<global>, window = 0 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 4>}
      : (tensor<?x96xf32>, index, !kv1, tensor<?x1x32xf32>, tensor<?x1x32xf32>, tensor<256x96xbf16>, tensor<32xbf16>, tensor<96x256xbf16>) -> tensor<?x96xf32>

  %wq2 = gemma.weight @layers.2.self_attn.q_proj.weight : tensor<128x96xbf16>
  %a2 = gemma.attention %a1, %s, %c0, %k0, %v0 q(%wq2) q_norm(%qn0) o(%wo0) {layer = 2 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !kv0, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>

  %wq3 = gemma.weight @layers.3.self_attn.q_proj.weight : tensor<128x96xbf16>
  %wk3 = gemma.weight @layers.3.self_attn.k_proj.weight : tensor<32x102xi8>
  %k3, %v3 = gemma.kv_project %a2, %s k(%wk3) v(%wk3) k_norm(%kn0) {layer = 3 : i64, epsilon = 1.0e-6 : f32, format = #gemma.weight_format<q8_0>, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x102xi8>, tensor<32x102xi8>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  %a3 = gemma.attention %a2, %s, %c3, %k3, %v3 q(%wq3) q_norm(%qn0) o(%wo0) {layer = 3 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !kv3, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a3, %n0 : tensor<?x96xf32>, !kv0
}

func.func @decode(%x: tensor<1x96xf32>, %s: index, %c0: !kv0) -> tensor<1x96xf32> {
  %wq0 = gemma.weight @layers.0.self_attn.q_proj.weight : tensor<128x96xbf16>
  %qn0 = gemma.weight @layers.0.self_attn.q_norm.weight : tensor<16xbf16>
  %wk0 = gemma.weight @layers.0.self_attn.k_proj.weight : tensor<32x96xbf16>
  %wv0 = gemma.weight @layers.0.self_attn.v_proj.weight : tensor<32x96xbf16>
  %kn0 = gemma.weight @layers.0.self_attn.k_norm.weight : tensor<16xbf16>
  %wo0 = gemma.weight @layers.0.self_attn.o_proj.weight : tensor<96x128xbf16>
  %k0, %v0 = gemma.kv_project %x, %s k(%wk0) v(%wv0) k_norm(%kn0) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<1x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<1x2x16xf32>, tensor<1x2x16xf32>)
  %a0 = gemma.attention %x, %s, %c0, %k0, %v0 q(%wq0) q_norm(%qn0) o(%wo0) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<1x96xf32>, index, !kv0, tensor<1x2x16xf32>, tensor<1x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<1x96xf32>
  return %a0 : tensor<1x96xf32>
}

// PANELS-NOT:  layers.4.self_attn.qkv_proj
// PANELS:      gemma.param @layers.4.self_attn.q_proj.weight : tensor<96x1188xi8>
// PANELS:      gemma.param @layers.4.self_attn.k_proj.weight : tensor<16x1188xi8>
// PANELS:      gemma.param @layers.4.self_attn.v_proj.weight : tensor<16x1188xi8>
// PANELS-LABEL: func.func @panels
// PANELS:        gemma.kv_project
// PANELS:        gemma.attention {{.+}} q(%{{.+}}) q_norm(
// PANELS-NOT:  layers.4.self_attn.qkv_proj
gemma.param @layers.4.self_attn.q_proj.weight : tensor<96x1188xi8> {format = #gemma.weight_format<q4_0x8>}
gemma.param @layers.4.self_attn.q_norm.weight : tensor<16xbf16>
gemma.param @layers.4.self_attn.k_proj.weight : tensor<16x1188xi8> {format = #gemma.weight_format<q4_0x8>}
gemma.param @layers.4.self_attn.v_proj.weight : tensor<16x1188xi8> {format = #gemma.weight_format<q4_0x8>}
gemma.param @layers.4.self_attn.k_norm.weight : tensor<16xbf16>
gemma.param @layers.4.self_attn.o_proj.weight : tensor<2112x54xi8> {format = #gemma.weight_format<q4_0x8>}

func.func @panels(%x: tensor<?x2112xf32>, %s: index, %c4: !kv4) -> tensor<?x2112xf32> {
  %wq = gemma.weight @layers.4.self_attn.q_proj.weight : tensor<96x1188xi8>
  %qn = gemma.weight @layers.4.self_attn.q_norm.weight : tensor<16xbf16>
  %wk = gemma.weight @layers.4.self_attn.k_proj.weight : tensor<16x1188xi8>
  %wv = gemma.weight @layers.4.self_attn.v_proj.weight : tensor<16x1188xi8>
  %kn = gemma.weight @layers.4.self_attn.k_norm.weight : tensor<16xbf16>
  %wo = gemma.weight @layers.4.self_attn.o_proj.weight : tensor<2112x54xi8>
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wv) k_norm(%kn) {layer = 4 : i64, epsilon = 1.0e-6 : f32, format = #gemma.weight_format<q4_0x8>, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x2112xf32>, index, tensor<16x1188xi8>, tensor<16x1188xi8>, tensor<16xbf16>) -> (tensor<?x1x16xf32>, tensor<?x1x16xf32>)
  %a = gemma.attention %x, %s, %c4, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 4 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 6 : i64, epsilon = 1.0e-6 : f32, format = #gemma.weight_format<q4_0x8>, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x2112xf32>, index, !kv4, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<96x1188xi8>, tensor<16xbf16>, tensor<2112x54xi8>) -> tensor<?x2112xf32>
  return %a : tensor<?x2112xf32>
}
