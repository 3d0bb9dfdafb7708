// Round trip: every gemma op, type and attribute prints in a form that parses back to
// the same IR (pretty and generic forms).
// RUN: g4-opt %s | g4-opt | FileCheck %s
// RUN: g4-opt %s --mlir-print-op-generic | g4-opt | FileCheck %s

!kv0 = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>
!kv1 = !gemma.kv_cache<layer = 1, kind = global, capacity = 64, kv_heads = 1, head_dim = 32, element_type = f32>

// The f16 cache of @f16_cache below (element_type f32 or f16, constraint T4).
// CHECK: ![[KV16:[a-z0-9_]+]] = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f16>
// CHECK-LABEL: gemma.param @embed_tokens.weight : tensor<512x96xbf16>
gemma.param @embed_tokens.weight : tensor<512x96xbf16>
gemma.param @norm.weight : tensor<96xbf16>
gemma.param @q8.weight : tensor<40x102xi8>
// A merged matrix (g4-gemma-merge-projections): the rows of its parts in order.
// CHECK: gemma.param @layers.0.self_attn.qkv_proj.weight : tensor<192x96xbf16> {part_rows = array<i64: 128, 32, 32>, parts = ["layers.0.self_attn.q_proj.weight", "layers.0.self_attn.k_proj.weight", "layers.0.self_attn.v_proj.weight"]}
gemma.param @layers.0.self_attn.qkv_proj.weight : tensor<192x96xbf16> {part_rows = array<i64: 128, 32, 32>, parts = ["layers.0.self_attn.q_proj.weight", "layers.0.self_attn.k_proj.weight", "layers.0.self_attn.v_proj.weight"]}

// A sliding layer that computes its K/V block, attends over its cache plus the block and
// appends the block; a KV-shared layer (3) reads the same cache and block (GQA 8:2).
// CHECK-LABEL: func.func @attention_paths
func.func @attention_paths(%x: tensor<?x96xf32>, %start: index, %c0: !kv0,
    %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<128x96xbf16>,
    %qn: tensor<16xbf16>, %wo: tensor<96x128xbf16>) -> (tensor<?x96xf32>, !kv0) {
  // CHECK: %[[K:.+]], %[[V:.+]] = gemma.kv_project %{{.+}}, %{{.+}} k(%{{.+}}) v(%{{.+}}) k_norm(%{{.+}}) {epsilon = 9.99999997E-7 : f32, layer = 0 : i64, rope = #gemma.rope<default, theta = 1.000000e+04, rotated_pairs = 8>} : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  %k, %v = gemma.kv_project %x, %start k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // CHECK: gemma.attention %{{.+}}, %{{.+}}, %{{.+}}, %[[K]], %[[V]] q({{.+}}kind = #gemma.attention_kind<sliding>, layer = 0 : i64, num_heads = 8 : i64{{.+}}window = 8 : i64}
  %a = gemma.attention %x, %start, %c0, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !kv0, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  // CHECK: gemma.attention {{.+}}layer = 3 : i64
  %b = gemma.attention %a, %start, %c0, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 3 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !kv0, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  // CHECK: gemma.kv_append %{{.+}}, %{{.+}}, %[[K]], %[[V]] : (!kv0, index, tensor<?x2x16xf32>, tensor<?x2x16xf32>) -> !kv0
  %c1 = gemma.kv_append %c0, %start, %k, %v : (!kv0, index, tensor<?x2x16xf32>, tensor<?x2x16xf32>) -> !kv0
  return %b, %c1 : tensor<?x96xf32>, !kv0
}

// Q, K and V from one merged matrix: the attention reads the qkv_project's queries.
// CHECK-LABEL: func.func @merged_projections
func.func @merged_projections(%x: tensor<?x96xf32>, %start: index, %c0: !kv0,
    %w: tensor<192x96xbf16>, %kn: tensor<16xbf16>, %qn: tensor<16xbf16>,
    %wo: tensor<96x128xbf16>) -> tensor<?x96xf32> {
  // CHECK: %[[Q:.+]], %[[K:.+]], %[[V:.+]] = gemma.qkv_project %{{.+}}, %{{.+}} qkv(%{{.+}}) q_norm(%{{.+}}) k_norm(%{{.+}}) {epsilon = 9.99999997E-7 : f32, layer = 0 : i64, rope = #gemma.rope<default, theta = 1.000000e+04, rotated_pairs = 8>} : (tensor<?x96xf32>, index, tensor<192x96xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> (tensor<?x8x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  %q, %k, %v = gemma.qkv_project %x, %start qkv(%w) q_norm(%qn) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<192x96xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> (tensor<?x8x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // CHECK: gemma.attention %{{.+}}, %{{.+}}, %{{.+}}, %[[K]], %[[V]] queries(%[[Q]]) o(%{{.+}})
  %a = gemma.attention %x, %start, %c0, %k, %v queries(%q) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !kv0, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<?x8x16xf32>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}

// An f16 cache (g4c --kv-cache-type=f16): the block K/V stay f32 tensors; appending
// and attention round them to the cache's type.
!kv16 = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f16>
// CHECK-LABEL: func.func @f16_cache
// CHECK-SAME: %{{.+}}: ![[KV16]],
func.func @f16_cache(%x: tensor<?x96xf32>, %start: index, %c0: !kv16,
    %w: tensor<192x96xbf16>, %kn: tensor<16xbf16>, %qn: tensor<16xbf16>,
    %wo: tensor<96x128xbf16>) -> (tensor<?x96xf32>, !kv16) {
  %q, %k, %v = gemma.qkv_project %x, %start qkv(%w) q_norm(%qn) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<192x96xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> (tensor<?x8x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // CHECK: gemma.attention {{.+}} : (tensor<?x96xf32>, index, ![[KV16]], tensor<?x2x16xf32>
  %a = gemma.attention %x, %start, %c0, %k, %v queries(%q) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !kv16, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<?x8x16xf32>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  // CHECK: gemma.kv_append {{.+}} : (![[KV16]], index, tensor<?x2x16xf32>, tensor<?x2x16xf32>) -> ![[KV16]]
  %c1 = gemma.kv_append %c0, %start, %k, %v : (!kv16, index, tensor<?x2x16xf32>, tensor<?x2x16xf32>) -> !kv16
  return %a, %c1 : tensor<?x96xf32>, !kv16
}

// k_eq_v on a global layer: the merged matrix is [Wq; Wk].
// CHECK-LABEL: func.func @merged_k_eq_v
func.func @merged_k_eq_v(%x: tensor<1x96xf32>, %start: index, %w: tensor<96x96xf32>,
    %n: tensor<32xbf16>) -> tensor<1x1x32xf32> {
  // CHECK: gemma.qkv_project {{.+}}k_eq_v{{.+}} -> (tensor<1x2x32xf32>, tensor<1x1x32xf32>, tensor<1x1x32xf32>)
  %q, %k, %v = gemma.qkv_project %x, %start qkv(%w) q_norm(%n) k_norm(%n) {layer = 1 : i64, k_eq_v, epsilon = 1.0e-6 : f32, format = #gemma.weight_format<f32>, rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 4>}
      : (tensor<1x96xf32>, index, tensor<96x96xf32>, tensor<32xbf16>, tensor<32xbf16>) -> (tensor<1x2x32xf32>, tensor<1x1x32xf32>, tensor<1x1x32xf32>)
  return %v : tensor<1x1x32xf32>
}

// k_eq_v on a global layer: no v weight; proportional RoPE rotating 4 of 16 pairs.
// CHECK-LABEL: func.func @k_eq_v
func.func @k_eq_v(%x: tensor<1x96xf32>, %start: index, %c1: !kv1, %wk: tensor<32x96xf32>,
    %kn: tensor<32xbf16>) -> !kv1 {
  // CHECK: gemma.kv_project %{{.+}}, %{{.+}} k(%{{.+}}) k_norm(%{{.+}}) {epsilon = {{.+}}, format = #gemma.weight_format<f32>, layer = 1 : i64, rope = #gemma.rope<proportional, theta = 1.000000e+06, rotated_pairs = 4>} : (tensor<1x96xf32>, index, tensor<32x96xf32>, tensor<32xbf16>) -> (tensor<1x1x32xf32>, tensor<1x1x32xf32>)
  %k, %v = gemma.kv_project %x, %start k(%wk) k_norm(%kn) {layer = 1 : i64, epsilon = 1.0e-6 : f32, format = #gemma.weight_format<f32>, rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 4>}
      : (tensor<1x96xf32>, index, tensor<32x96xf32>, tensor<32xbf16>) -> (tensor<1x1x32xf32>, tensor<1x1x32xf32>)
  %c = gemma.kv_append %c1, %start, %k, %v : (!kv1, index, tensor<1x1x32xf32>, tensor<1x1x32xf32>) -> !kv1
  return %c : !kv1
}

// CHECK-LABEL: func.func @embed_norm_linear_head
func.func @embed_norm_linear_head(%tokens: tensor<?xi32>) -> tensor<?x512xf32> {
  // CHECK: gemma.weight @embed_tokens.weight : tensor<512x96xbf16>
  %table = gemma.weight @embed_tokens.weight : tensor<512x96xbf16>
  // CHECK: gemma.embed %{{.+}}, %{{.+}} {scale = 9.812500e+00 : f32} : (tensor<?xi32>, tensor<512x96xbf16>) -> tensor<?x96xf32>
  %h = gemma.embed %tokens, %table {scale = 9.8125 : f32} : (tensor<?xi32>, tensor<512x96xbf16>) -> tensor<?x96xf32>
  %w = gemma.weight @norm.weight : tensor<96xbf16>
  // CHECK: gemma.rms_norm %{{.+}}, %{{.+}} {epsilon = {{.+}}} : tensor<?x96xf32>, tensor<96xbf16>
  %n = gemma.rms_norm %h, %w {epsilon = 1.0e-6 : f32} : tensor<?x96xf32>, tensor<96xbf16>
  // CHECK: gemma.rms_norm %{{.+}} {epsilon = {{.+}}} : tensor<?x96xf32>
  %m = gemma.rms_norm %n {epsilon = 1.0e-6 : f32} : tensor<?x96xf32>
  // CHECK: gemma.linear %{{.+}}, %{{.+}} {format = #gemma.weight_format<bf16>} : (tensor<?x96xf32>, tensor<512x96xbf16>) -> tensor<?x512xf32>
  %logits = gemma.linear %m, %table {format = #gemma.weight_format<bf16>} : (tensor<?x96xf32>, tensor<512x96xbf16>) -> tensor<?x512xf32>
  // CHECK: gemma.softcap %{{.+}} {cap = 3.000000e+01 : f32} : tensor<?x512xf32>
  %capped = gemma.softcap %logits {cap = 30.0 : f32} : tensor<?x512xf32>
  return %capped : tensor<?x512xf32>
}

// A q8_0 weight: 96 inputs = 3 blocks of 34 bytes per output row.
// CHECK-LABEL: func.func @quantized_linear
func.func @quantized_linear(%x: tensor<4x96xf32>) -> tensor<4x40xf32> {
  %w = gemma.weight @q8.weight : tensor<40x102xi8>
  // CHECK: gemma.linear {{.+}} {format = #gemma.weight_format<q8_0>} : (tensor<4x96xf32>, tensor<40x102xi8>) -> tensor<4x40xf32>
  %y = gemma.linear %x, %w {format = #gemma.weight_format<q8_0>} : (tensor<4x96xf32>, tensor<40x102xi8>) -> tensor<4x40xf32>
  return %y : tensor<4x40xf32>
}

// A q4_0x8 weight: the q4_0 bytes of each group of 8 rows, interleaved.
// CHECK-LABEL: func.func @interleaved_linear
func.func @interleaved_linear(%x: tensor<4x96xf32>, %w: tensor<40x54xi8>) -> tensor<4x40xf32> {
  // CHECK: gemma.linear {{.+}} {format = #gemma.weight_format<q4_0x8>} : (tensor<4x96xf32>, tensor<40x54xi8>) -> tensor<4x40xf32>
  %y = gemma.linear %x, %w {format = #gemma.weight_format<q4_0x8>} : (tensor<4x96xf32>, tensor<40x54xi8>) -> tensor<4x40xf32>
  return %y : tensor<4x40xf32>
}

// A bf16x16 projection: groups of 16 rows transposed.
// CHECK-LABEL: func.func @interleaved_projection
func.func @interleaved_projection(%x: tensor<4x96xf32>, %w: tensor<48x96xbf16>) -> tensor<4x48xf32> {
  // CHECK: gemma.linear {{.+}} {format = #gemma.weight_format<bf16x16>} : (tensor<4x96xf32>, tensor<48x96xbf16>) -> tensor<4x48xf32>
  %y = gemma.linear %x, %w {format = #gemma.weight_format<bf16x16>} : (tensor<4x96xf32>, tensor<48x96xbf16>) -> tensor<4x48xf32>
  return %y : tensor<4x48xf32>
}

// bf16x32 and bf16x64 projections: groups of 32 and 64 rows transposed.
// CHECK-LABEL: func.func @four_vector_groups
func.func @four_vector_groups(%x: tensor<4x96xf32>, %w: tensor<64x96xbf16>) -> (tensor<4x64xf32>, tensor<4x64xf32>) {
  // CHECK: gemma.linear {{.+}} {format = #gemma.weight_format<bf16x32>} : (tensor<4x96xf32>, tensor<64x96xbf16>) -> tensor<4x64xf32>
  %y = gemma.linear %x, %w {format = #gemma.weight_format<bf16x32>} : (tensor<4x96xf32>, tensor<64x96xbf16>) -> tensor<4x64xf32>
  // CHECK: gemma.linear {{.+}} {format = #gemma.weight_format<bf16x64>} : (tensor<4x96xf32>, tensor<64x96xbf16>) -> tensor<4x64xf32>
  %z = gemma.linear %x, %w {format = #gemma.weight_format<bf16x64>} : (tensor<4x96xf32>, tensor<64x96xbf16>) -> tensor<4x64xf32>
  return %y, %z : tensor<4x64xf32>, tensor<4x64xf32>
}

// The f16 forms of the four layouts (g4c --weights-format=f16), table included.
// CHECK-LABEL: func.func @half_groups
func.func @half_groups(%tokens: tensor<?xi32>, %x: tensor<4x96xf32>, %w: tensor<64x96xf16>) -> (tensor<4x64xf32>, tensor<4x64xf32>, tensor<4x64xf32>, tensor<?x96xf32>) {
  // CHECK: gemma.linear {{.+}} {format = #gemma.weight_format<f16x8>} : (tensor<4x96xf32>, tensor<64x96xf16>) -> tensor<4x64xf32>
  %a = gemma.linear %x, %w {format = #gemma.weight_format<f16x8>} : (tensor<4x96xf32>, tensor<64x96xf16>) -> tensor<4x64xf32>
  // CHECK: gemma.linear {{.+}} {format = #gemma.weight_format<f16x16>} : (tensor<4x96xf32>, tensor<64x96xf16>) -> tensor<4x64xf32>
  %b = gemma.linear %x, %w {format = #gemma.weight_format<f16x16>} : (tensor<4x96xf32>, tensor<64x96xf16>) -> tensor<4x64xf32>
  // CHECK: gemma.linear {{.+}} {format = #gemma.weight_format<f16x32>} : (tensor<4x96xf32>, tensor<64x96xf16>) -> tensor<4x64xf32>
  %c = gemma.linear %x, %w {format = #gemma.weight_format<f16x32>} : (tensor<4x96xf32>, tensor<64x96xf16>) -> tensor<4x64xf32>
  // CHECK: gemma.embed {{.+}} {format = #gemma.weight_format<f16x64>, scale = 2.000000e+00 : f32} : (tensor<?xi32>, tensor<64x96xf16>) -> tensor<?x96xf32>
  %h = gemma.embed %tokens, %w {scale = 2.0 : f32, format = #gemma.weight_format<f16x64>} : (tensor<?xi32>, tensor<64x96xf16>) -> tensor<?x96xf32>
  return %a, %b, %c, %h : tensor<4x64xf32>, tensor<4x64xf32>, tensor<4x64xf32>, tensor<?x96xf32>
}

// A bf16x8 table: the embedding and the tied head read it in that layout.
// CHECK-LABEL: func.func @interleaved_table
func.func @interleaved_table(%tokens: tensor<?xi32>, %table: tensor<512x96xbf16>) -> tensor<?x512xf32> {
  // CHECK: gemma.embed {{.+}} {format = #gemma.weight_format<bf16x8>, scale = 9.796875 : f32} : (tensor<?xi32>, tensor<512x96xbf16>) -> tensor<?x96xf32>
  %h = gemma.embed %tokens, %table {scale = 9.796875 : f32, format = #gemma.weight_format<bf16x8>} : (tensor<?xi32>, tensor<512x96xbf16>) -> tensor<?x96xf32>
  // CHECK: gemma.linear {{.+}} {format = #gemma.weight_format<bf16x8>} : (tensor<?x96xf32>, tensor<512x96xbf16>) -> tensor<?x512xf32>
  %y = gemma.linear %h, %table {format = #gemma.weight_format<bf16x8>} : (tensor<?x96xf32>, tensor<512x96xbf16>) -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

// CHECK-LABEL: func.func @rope_and_scalar
func.func @rope_and_scalar(%q: tensor<?x8x32xf32>, %start: index, %h: tensor<?x96xf32>,
    %s: tensor<1xbf16>) -> (tensor<?x8x32xf32>, tensor<?x96xf32>) {
  // CHECK: gemma.rope %{{.+}}, %{{.+}} {rope = #gemma.rope<proportional, theta = 1.000000e+06, rotated_pairs = 4>} : tensor<?x8x32xf32>
  %r = gemma.rope %q, %start {rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 4>} : tensor<?x8x32xf32>
  // CHECK: gemma.layer_scalar %{{.+}}, %{{.+}} : tensor<?x96xf32>, tensor<1xbf16>
  %y = gemma.layer_scalar %h, %s : tensor<?x96xf32>, tensor<1xbf16>
  return %r, %y : tensor<?x8x32xf32>, tensor<?x96xf32>
}

// The MoE feed-forward of 26B-A4B at reduced size: 16 experts, top-4, width 16.
// CHECK-LABEL: func.func @feed_forward
func.func @feed_forward(%x: tensor<?x96xf32>, %r: tensor<?x96xf32>, %wg: tensor<192x96xbf16>,
    %wd: tensor<96x192xbf16>, %router: tensor<16x96xbf16>, %rs: tensor<96xbf16>,
    %pes: tensor<16xbf16>, %gu: tensor<16x32x96xbf16>, %dn: tensor<16x96x16xbf16>)
    -> (tensor<?x96xf32>, tensor<?x96xf32>) {
  // CHECK: gemma.mlp {{.+}} : (tensor<?x96xf32>, tensor<192x96xbf16>, tensor<192x96xbf16>, tensor<96x192xbf16>) -> tensor<?x96xf32>
  %d = gemma.mlp %x, %wg, %wg, %wd : (tensor<?x96xf32>, tensor<192x96xbf16>, tensor<192x96xbf16>, tensor<96x192xbf16>) -> tensor<?x96xf32>
  // CHECK: gemma.moe {{.+}} {epsilon = {{.+}}, top_k = 4 : i64}
  %m = gemma.moe %x, %r, %router, %rs, %pes, %gu, %dn {top_k = 4 : i64, epsilon = 1.0e-6 : f32}
      : (tensor<?x96xf32>, tensor<?x96xf32>, tensor<16x96xbf16>, tensor<96xbf16>, tensor<16xbf16>, tensor<16x32x96xbf16>, tensor<16x96x16xbf16>) -> tensor<?x96xf32>
  return %d, %m : tensor<?x96xf32>, tensor<?x96xf32>
}

// Per-layer embeddings of a 10-layer model with 16-wide per-layer inputs.
// CHECK-LABEL: func.func @per_layer_embeddings
func.func @per_layer_embeddings(%tokens: tensor<?xi32>, %e: tensor<?x96xf32>,
    %table: tensor<512x160xbf16>, %proj: tensor<160x96xbf16>, %pn: tensor<16xbf16>,
    %gate: tensor<16x96xbf16>, %back: tensor<96x16xbf16>) -> tensor<?x96xf32> {
  // CHECK: %[[PLE:.+]] = gemma.ple_inputs {{.+}} -> tensor<?x10x16xf32>
  %ple = gemma.ple_inputs %tokens, %e, %table, %proj, %pn {table_scale = 4.0 : f32, projection_scale = 0.102062076 : f32, combine_scale = 0.707106769 : f32, epsilon = 1.0e-6 : f32}
      : (tensor<?xi32>, tensor<?x96xf32>, tensor<512x160xbf16>, tensor<160x96xbf16>, tensor<16xbf16>) -> tensor<?x10x16xf32>
  // CHECK: gemma.ple_branch %{{.+}}, %[[PLE]], {{.+}} {layer = 9 : i64}
  %g = gemma.ple_branch %e, %ple, %gate, %back {layer = 9 : i64}
      : (tensor<?x96xf32>, tensor<?x10x16xf32>, tensor<16x96xbf16>, tensor<96x16xbf16>) -> tensor<?x96xf32>
  return %g : tensor<?x96xf32>
}

// The same with quantised projections: ple_inputs' projection and both ple_branch
// matrices in q8_0x8 (ple_dim 32, so the branch's second matrix has whole blocks).
// CHECK-LABEL: func.func @packed_per_layer_embeddings
func.func @packed_per_layer_embeddings(%tokens: tensor<?xi32>, %e: tensor<?x96xf32>,
    %table: tensor<512x320xbf16>, %proj: tensor<320x102xi8>, %pn: tensor<32xbf16>,
    %gate: tensor<32x102xi8>, %back: tensor<96x34xi8>) -> tensor<?x96xf32> {
  // CHECK: gemma.ple_inputs {{.+}} {combine_scale = {{.+}}, format = #gemma.weight_format<q8_0x8>, {{.+}}} : (tensor<?xi32>, tensor<?x96xf32>, tensor<512x320xbf16>, tensor<320x102xi8>, tensor<32xbf16>) -> tensor<?x10x32xf32>
  %ple = gemma.ple_inputs %tokens, %e, %table, %proj, %pn {table_scale = 4.0 : f32, projection_scale = 0.102062076 : f32, combine_scale = 0.707106769 : f32, epsilon = 1.0e-6 : f32, format = #gemma.weight_format<q8_0x8>}
      : (tensor<?xi32>, tensor<?x96xf32>, tensor<512x320xbf16>, tensor<320x102xi8>, tensor<32xbf16>) -> tensor<?x10x32xf32>
  // CHECK: gemma.ple_branch {{.+}} {format = #gemma.weight_format<q8_0x8>, layer = 9 : i64} : (tensor<?x96xf32>, tensor<?x10x32xf32>, tensor<32x102xi8>, tensor<96x34xi8>) -> tensor<?x96xf32>
  %g = gemma.ple_branch %e, %ple, %gate, %back {layer = 9 : i64, format = #gemma.weight_format<q8_0x8>}
      : (tensor<?x96xf32>, tensor<?x10x32xf32>, tensor<32x102xi8>, tensor<96x34xi8>) -> tensor<?x96xf32>
  return %g : tensor<?x96xf32>
}
