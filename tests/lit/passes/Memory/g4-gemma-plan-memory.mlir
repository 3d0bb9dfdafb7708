// RUN: g4-opt %s --split-input-file --verify-diagnostics --g4-gemma-plan-memory | FileCheck %s

// Weights: every gemma.param gets a byte offset in the weight data, in declaration order,
// each rounded up to 64 bytes; the size of a tensor is elements * element bytes whatever
// its dtype (6 bytes of bf16, 140 of f32, 4080 of i8 packed q8_0, 128 of f16). The total
// is aligned too. The KV arena is laid out from the @prefill signature only: the global
// cache of !kv1 that only @other mentions gets no buffer.
// CHECK-LABEL: module attributes
// CHECK-SAME: gemma.kv_bytes = 2048 : i64
// CHECK-SAME: gemma.kv_plan = [{bytes = 2048 : i64, capacity = 8 : i64, element_type = f32, head_dim = 16 : i64, kind = "sliding", kv_heads = 2 : i64, layer = 0 : i64, offset = 0 : i64}]
// CHECK-SAME: gemma.weights_bytes = 4480 : i64
// CHECK: gemma.param @a : tensor<3xbf16> {offset = 0 : i64}
// CHECK: gemma.param @b : tensor<5x7xf32> {offset = 64 : i64}
// CHECK: gemma.param @c : tensor<40x102xi8> {offset = 256 : i64}
// The functions themselves are untouched.
// CHECK: func.func @prefill(%{{.+}}: tensor<?xi32>, %{{.+}}: index, %{{.+}}: !kv0) -> !kv0
// CHECK: gemma.param @d : tensor<64xf16> {offset = 4352 : i64}
!kv0 = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>
!kv1 = !gemma.kv_cache<layer = 1, kind = global, capacity = 64, kv_heads = 1, head_dim = 32, element_type = f32>
gemma.param @a : tensor<3xbf16>
gemma.param @b : tensor<5x7xf32>
gemma.param @c : tensor<40x102xi8>
func.func @prefill(%tokens: tensor<?xi32>, %start: index, %c0: !kv0) -> !kv0 {
  return %c0 : !kv0
}
// Declared after a function: still planned in declaration order, after @c.
gemma.param @d : tensor<64xf16>
func.func @other(%c1: !kv1) -> !kv1 {
  return %c1 : !kv1
}

// -----

// KV arena: one buffer per cache argument of @prefill, in signature order, K and V of
// `capacity` positions each: bytes = 2 * capacity * kv_heads * head_dim * element bytes.
// A sliding ring holds its capacity (= window, set by the builder), a global cache its
// full capacity (max_context). Offsets are 64-aligned: the 48-byte ring of layer 1
// (2*3*1*2*4) ends at 2096, so the global cache of layer 2 starts at 2112. Layer 3 is
// KV-shared: it reads layer 0's cache and owns nothing, so it has no entry. No params:
// the weight data is empty.
// CHECK-LABEL: module attributes
// CHECK-SAME: gemma.kv_bytes = 18496 : i64
// CHECK-SAME: gemma.kv_plan = [{bytes = 2048 : i64, capacity = 8 : i64, element_type = f32, head_dim = 16 : i64, kind = "sliding", kv_heads = 2 : i64, layer = 0 : i64, offset = 0 : i64}, {bytes = 48 : i64, capacity = 3 : i64, element_type = f32, head_dim = 2 : i64, kind = "sliding", kv_heads = 1 : i64, layer = 1 : i64, offset = 2048 : i64}, {bytes = 16384 : i64, capacity = 64 : i64, element_type = f32, head_dim = 32 : i64, kind = "global", kv_heads = 1 : i64, layer = 2 : i64, offset = 2112 : i64}]
// CHECK-SAME: gemma.weights_bytes = 0 : i64
!kv0 = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>
!kv1 = !gemma.kv_cache<layer = 1, kind = sliding, capacity = 3, kv_heads = 1, head_dim = 2, element_type = f32>
!kv2 = !gemma.kv_cache<layer = 2, kind = global, capacity = 64, kv_heads = 1, head_dim = 32, element_type = f32>
func.func @prefill(%x: tensor<?x96xf32>, %start: index, %c0: !kv0, %c1: !kv1, %c2: !kv2,
    %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<128x96xbf16>,
    %qn: tensor<16xbf16>, %wo: tensor<96x128xbf16>) -> (tensor<?x96xf32>, !kv0, !kv1, !kv2) {
  %k, %v = gemma.kv_project %x, %start k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  %a = gemma.attention %x, %start, %c0, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 3 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !kv0, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a, %c0, %c1, %c2 : tensor<?x96xf32>, !kv0, !kv1, !kv2
}

// -----

// f16 caches (g4c --kv-cache-type=f16) take 2 bytes per element: 2*8*2*16*2 = 1024 for
// the ring, 2*64*1*32*2 = 8192 for the global cache; element_type names the type.
// CHECK-LABEL: module attributes
// CHECK-SAME: gemma.kv_bytes = 9216 : i64
// CHECK-SAME: gemma.kv_plan = [{bytes = 1024 : i64, capacity = 8 : i64, element_type = f16, head_dim = 16 : i64, kind = "sliding", kv_heads = 2 : i64, layer = 0 : i64, offset = 0 : i64}, {bytes = 8192 : i64, capacity = 64 : i64, element_type = f16, head_dim = 32 : i64, kind = "global", kv_heads = 1 : i64, layer = 1 : i64, offset = 1024 : i64}]
!kv0 = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f16>
!kv1 = !gemma.kv_cache<layer = 1, kind = global, capacity = 64, kv_heads = 1, head_dim = 32, element_type = f16>
func.func @prefill(%tokens: tensor<?xi32>, %start: index, %c0: !kv0, %c1: !kv1) -> (!kv0, !kv1) {
  return %c0, %c1 : !kv0, !kv1
}

// -----

// A module without caches (only tokens and start) plans an empty KV arena.
// CHECK-LABEL: module attributes
// CHECK-SAME: gemma.kv_bytes = 0 : i64, gemma.kv_plan = [], gemma.weights_bytes = 64 : i64
// CHECK: gemma.param @w : tensor<1xf32> {offset = 0 : i64}
gemma.param @w : tensor<1xf32>
func.func @prefill(%tokens: tensor<?xi32>, %start: index) {
  return
}

// -----

// The KV plan is read from @prefill's signature: a module without one is an error, not
// an empty plan that would leave the caches without storage.
// expected-error@+1 {{g4-gemma-plan-memory: no @prefill function to read the KV caches from}}
module {
  gemma.param @a : tensor<3xbf16>
  func.func @decode(%tokens: tensor<1xi32>, %start: index) {
    return
  }
}
