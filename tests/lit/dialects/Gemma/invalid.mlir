// Every numbered constraint of docs/dialects/gemma.md, violated once: each case is named
// @<op>_c<n> (types: _t<n>, the rope attribute: _r<n>) and expects the message that
// starts with that id.
// RUN: g4-opt %s --split-input-file --verify-diagnostics

// weight_c1: the symbol must name a gemma.param.
func.func @weight_c1() -> tensor<4xbf16> {
  // expected-error@+1 {{C1: 'missing' does not name a gemma.param}}
  %w = gemma.weight @missing : tensor<4xbf16>
  return %w : tensor<4xbf16>
}

// -----

// weight_c2: the result type must be the declared type.
gemma.param @p : tensor<4xbf16>
func.func @weight_c2() -> tensor<4xf32> {
  // expected-error@+1 {{C2: result type 'tensor<4xf32>' differs from the declared type 'tensor<4xbf16>' of @p}}
  %w = gemma.weight @p : tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

// embed_c1: the table must be a rank-2 float tensor.
func.func @embed_c1(%t: tensor<?xi32>, %table: tensor<512xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C1: 'table' must be a rank-2 float tensor [vocab, hidden]}}
  %h = gemma.embed %t, %table {scale = 1.0 : f32} : (tensor<?xi32>, tensor<512xbf16>) -> tensor<?x96xf32>
  return %h : tensor<?x96xf32>
}

// -----

// embed_c2: the result is [tokens, hidden of the table].
func.func @embed_c2(%t: tensor<5xi32>, %table: tensor<512x96xbf16>) -> tensor<5x64xf32> {
  // expected-error@+1 {{C2: 'result' must have shape [5, 96]; found [5, 64]}}
  %h = gemma.embed %t, %table {scale = 1.0 : f32} : (tensor<5xi32>, tensor<512x96xbf16>) -> tensor<5x64xf32>
  return %h : tensor<5x64xf32>
}

// -----

// embed_c3: the scale must be positive.
func.func @embed_c3(%t: tensor<?xi32>, %table: tensor<512x96xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C3: scale must be finite and positive; found 0}}
  %h = gemma.embed %t, %table {scale = 0.0 : f32} : (tensor<?xi32>, tensor<512x96xbf16>) -> tensor<?x96xf32>
  return %h : tensor<?x96xf32>
}

// -----

// softcap_c1: the cap must be positive.
func.func @softcap_c1(%x: tensor<?x512xf32>) -> tensor<?x512xf32> {
  // expected-error@+1 {{C1: cap must be finite and positive; found -3.000000e+01}}
  %y = gemma.softcap %x {cap = -30.0 : f32} : tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

// -----

// rms_norm_c1: the result has the input type (generic form, since the pretty form cannot spell it).
func.func @rms_norm_c1(%x: tensor<?x96xf32>) -> tensor<?x64xf32> {
  // expected-error@+1 {{failed to verify that all of {input, result} have same type}}
  %y = "gemma.rms_norm"(%x) {epsilon = 1.0e-6 : f32, operandSegmentSizes = array<i32: 1, 0>} : (tensor<?x96xf32>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// -----

// rms_norm_c2: the weight matches the normalised (last) dim.
func.func @rms_norm_c2(%x: tensor<?x96xf32>, %w: tensor<64xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C2: 'weight' must have shape [96]; found [64]}}
  %y = gemma.rms_norm %x, %w {epsilon = 1.0e-6 : f32} : tensor<?x96xf32>, tensor<64xbf16>
  return %y : tensor<?x96xf32>
}

// -----

// rms_norm_c3: epsilon must be positive.
func.func @rms_norm_c3(%x: tensor<?x96xf32>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C3: epsilon must be finite and positive; found 0}}
  %y = gemma.rms_norm %x {epsilon = 0.0 : f32} : tensor<?x96xf32>
  return %y : tensor<?x96xf32>
}

// -----

// linear_c1: the weight is a matrix.
func.func @linear_c1(%x: tensor<?x96xf32>, %w: tensor<4x40x96xbf16>) -> tensor<?x40xf32> {
  // expected-error@+1 {{C1: 'weight' must be rank 2 [out, in]; found rank 3}}
  %y = gemma.linear %x, %w {format = #gemma.weight_format<bf16>} : (tensor<?x96xf32>, tensor<4x40x96xbf16>) -> tensor<?x40xf32>
  return %y : tensor<?x40xf32>
}

// -----

// linear_c2: the weight element type matches the format.
func.func @linear_c2(%x: tensor<?x96xf32>, %w: tensor<40x96xf32>) -> tensor<?x40xf32> {
  // expected-error@+1 {{C2: 'weight' element type 'f32' does not match weight format bf16}}
  %y = gemma.linear %x, %w {format = #gemma.weight_format<bf16>} : (tensor<?x96xf32>, tensor<40x96xf32>) -> tensor<?x40xf32>
  return %y : tensor<?x40xf32>
}

// -----

// linear_c3: a q4_0 weight stores 18 bytes per 32 inputs.
func.func @linear_c3(%x: tensor<?x96xf32>, %w: tensor<40x96xi8>) -> tensor<?x40xf32> {
  // expected-error@+1 {{C3: 'weight' must have shape [40, 54]; found [40, 96]}}
  %y = gemma.linear %x, %w {format = #gemma.weight_format<q4_0>} : (tensor<?x96xf32>, tensor<40x96xi8>) -> tensor<?x40xf32>
  return %y : tensor<?x40xf32>
}

// -----

// linear_c3: the interleaved formats store groups of 8 output rows.
func.func @linear_c3(%x: tensor<?x96xf32>, %w: tensor<36x102xi8>) -> tensor<?x36xf32> {
  // expected-error@+1 {{C3: 'weight' output dim 36 must be a multiple of 8 for format q8_0x8}}
  %y = gemma.linear %x, %w {format = #gemma.weight_format<q8_0x8>} : (tensor<?x96xf32>, tensor<36x102xi8>) -> tensor<?x36xf32>
  return %y : tensor<?x36xf32>
}

// -----

// embed_c4: a table layout must be bf16x8 ... bf16x64, f16x8 ... f16x64, q8_0 or q8_0x8.
func.func @embed_c4(%tokens: tensor<?xi32>, %table: tensor<40x96xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C4: 'format' must be bf16x8, bf16x16, bf16x32, bf16x64, f16x8, f16x16, f16x32, f16x64, q8_0 or q8_0x8 when present; found bf16}}
  %h = gemma.embed %tokens, %table {scale = 2.0 : f32, format = #gemma.weight_format<bf16>} : (tensor<?xi32>, tensor<40x96xbf16>) -> tensor<?x96xf32>
  return %h : tensor<?x96xf32>
}

// -----

// embed_c4_q4: a q4_0 table is not a layout embed reads.
func.func @embed_c4_q4(%tokens: tensor<?xi32>, %table: tensor<40x54xi8>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C4: 'format' must be bf16x8, bf16x16, bf16x32, bf16x64, f16x8, f16x16, f16x32, f16x64, q8_0 or q8_0x8 when present; found q4_0}}
  %h = gemma.embed %tokens, %table {scale = 2.0 : f32, format = #gemma.weight_format<q4_0>} : (tensor<?xi32>, tensor<40x54xi8>) -> tensor<?x96xf32>
  return %h : tensor<?x96xf32>
}

// -----

// embed_c4_q8x8: a q8_0x8 table has groups of 8 rows.
func.func @embed_c4_q8x8(%tokens: tensor<?xi32>, %table: tensor<36x102xi8>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C4: 'table' output dim 36 must be a multiple of 8 for format q8_0x8}}
  %h = gemma.embed %tokens, %table {scale = 2.0 : f32, format = #gemma.weight_format<q8_0x8>} : (tensor<?xi32>, tensor<36x102xi8>) -> tensor<?x96xf32>
  return %h : tensor<?x96xf32>
}

// -----

// embed_c1_i8: an i8 table needs a packed format.
func.func @embed_c1_i8(%tokens: tensor<?xi32>, %table: tensor<40x102xi8>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C1: 'table' must be a rank-2 float tensor [vocab, hidden], or i8 in a packed format}}
  %h = gemma.embed %tokens, %table {scale = 2.0 : f32} : (tensor<?xi32>, tensor<40x102xi8>) -> tensor<?x96xf32>
  return %h : tensor<?x96xf32>
}

// -----

// embed_c4: a bf16x8 table has bf16 elements and groups of 8 rows.
func.func @embed_c4(%tokens: tensor<?xi32>, %table: tensor<36x96xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C4: 'table' output dim 36 must be a multiple of 8 for format bf16x8}}
  %h = gemma.embed %tokens, %table {scale = 2.0 : f32, format = #gemma.weight_format<bf16x8>} : (tensor<?xi32>, tensor<36x96xbf16>) -> tensor<?x96xf32>
  return %h : tensor<?x96xf32>
}

// -----

// linear_c2: an f16x32 weight holds f16 (a bf16 checkpoint's values are converted).
func.func @linear_c2_f16x32(%x: tensor<?x96xf32>, %w: tensor<64x96xbf16>) -> tensor<?x64xf32> {
  // expected-error@+1 {{C2: 'weight' element type 'bf16' does not match weight format f16x32}}
  %y = gemma.linear %x, %w {format = #gemma.weight_format<f16x32>} : (tensor<?x96xf32>, tensor<64x96xbf16>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// -----

// linear_c3: an f16x64 weight has groups of 64 rows.
func.func @linear_c3_f16x64(%x: tensor<?x96xf32>, %w: tensor<96x96xf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{'weight' output dim 96 must be a multiple of 64 for format f16x64}}
  %y = gemma.linear %x, %w {format = #gemma.weight_format<f16x64>} : (tensor<?x96xf32>, tensor<96x96xf16>) -> tensor<?x96xf32>
  return %y : tensor<?x96xf32>
}

// -----

// linear_c3: a bf16x16 weight has groups of 16 rows.
func.func @linear_c3_bf16x16(%x: tensor<?x96xf32>, %w: tensor<40x96xbf16>) -> tensor<?x40xf32> {
  // expected-error@+1 {{'weight' output dim 40 must be a multiple of 16 for format bf16x16}}
  %y = gemma.linear %x, %w {format = #gemma.weight_format<bf16x16>} : (tensor<?x96xf32>, tensor<40x96xbf16>) -> tensor<?x40xf32>
  return %y : tensor<?x40xf32>
}

// -----

// linear_c3: a bf16x64 weight has groups of 64 rows.
func.func @linear_c3_bf16x64(%x: tensor<?x96xf32>, %w: tensor<96x96xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{'weight' output dim 96 must be a multiple of 64 for format bf16x64}}
  %y = gemma.linear %x, %w {format = #gemma.weight_format<bf16x64>} : (tensor<?x96xf32>, tensor<96x96xbf16>) -> tensor<?x96xf32>
  return %y : tensor<?x96xf32>
}

// -----

// linear_c4: the result replaces the last dim with the weight rows.
func.func @linear_c4(%x: tensor<?x96xf32>, %w: tensor<40x96xbf16>) -> tensor<?x48xf32> {
  // expected-error@+1 {{C4: 'result' must have shape [?, 40]; found [?, 48]}}
  %y = gemma.linear %x, %w {format = #gemma.weight_format<bf16>} : (tensor<?x96xf32>, tensor<40x96xbf16>) -> tensor<?x48xf32>
  return %y : tensor<?x48xf32>
}

// -----

// rope_c1: the input is [tokens, heads, even head_dim].
func.func @rope_c1(%q: tensor<?x8x15xf32>, %s: index) -> tensor<?x8x15xf32> {
  // expected-error@+1 {{C1: input must be [tokens, heads, head_dim] with a static, even head_dim}}
  %y = gemma.rope %q, %s {rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 4>} : tensor<?x8x15xf32>
  return %y : tensor<?x8x15xf32>
}

// -----

// rope_c2: default RoPE rotates every pair.
func.func @rope_c2(%q: tensor<?x8x32xf32>, %s: index) -> tensor<?x8x32xf32> {
  // expected-error@+1 {{C2: default rope must rotate all 16 pairs of a head of dim 32; found 4}}
  %y = gemma.rope %q, %s {rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 4>} : tensor<?x8x32xf32>
  return %y : tensor<?x8x32xf32>
}

// -----

// rope_attr_r1: theta must be positive.
func.func @rope_attr_r1(%q: tensor<?x8x32xf32>, %s: index) -> tensor<?x8x32xf32> {
  // expected-error@+1 {{R1: rope theta must be finite and positive; found -1}}
  %y = gemma.rope %q, %s {rope = #gemma.rope<default, theta = -1.0, rotated_pairs = 16>} : tensor<?x8x32xf32>
  return %y : tensor<?x8x32xf32>
}

// -----

// rope_attr_r2: at least one pair rotates.
func.func @rope_attr_r2(%q: tensor<?x8x32xf32>, %s: index) -> tensor<?x8x32xf32> {
  // expected-error@+1 {{R2: rope rotated_pairs must be at least 1; found 0}}
  %y = gemma.rope %q, %s {rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 0>} : tensor<?x8x32xf32>
  return %y : tensor<?x8x32xf32>
}

// -----

// layer_scalar_c1: the layer scalar is one float.
func.func @layer_scalar_c1(%h: tensor<?x96xf32>, %s: tensor<2xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C1: 'scalar' must have shape [1]; found [2]}}
  %y = gemma.layer_scalar %h, %s : tensor<?x96xf32>, tensor<2xbf16>
  return %y : tensor<?x96xf32>
}

// -----

// kv_cache_t1: a cache belongs to a layer index >= 0.
// expected-error@+1 {{T1: kv_cache layer must be non-negative; found -1}}
func.func @kv_cache_t1(%c: !gemma.kv_cache<layer = -1, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>)

// -----

// kv_cache_t2: sizes are positive.
// expected-error@+1 {{T2: kv_cache capacity, kv_heads and head_dim must be positive; found 0, 2, 16}}
func.func @kv_cache_t2(%c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 0, kv_heads = 2, head_dim = 16, element_type = f32>)

// -----

// kv_cache_t3: RoPE needs an even head dim.
// expected-error@+1 {{T3: kv_cache head_dim must be even (RoPE pairs dims); found 15}}
func.func @kv_cache_t3(%c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 15, element_type = f32>)

// -----

// kv_cache_t4: caches hold f32 or f16.
// expected-error@+1 {{T4: kv_cache element_type must be f32 or f16; found 'i8'}}
func.func @kv_cache_t4(%c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = i8>)

// -----

// kv_project_c1: the input is [tokens, hidden].
func.func @kv_project_c1(%x: tensor<96xf32>, %s: index, %wk: tensor<32x96xbf16>, %wv: tensor<32x96xbf16>, %kn: tensor<16xbf16>) -> tensor<?x2x16xf32> {
  // expected-error@+1 {{C1: input must be [tokens, hidden]}}
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wv) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  return %k : tensor<?x2x16xf32>
}

// -----

// kv_project_c2: k_weight is [kv_heads * head_dim, hidden] of the K/V block.
func.func @kv_project_c2(%x: tensor<?x96xf32>, %s: index, %wk: tensor<16x96xbf16>, %wv: tensor<16x96xbf16>, %kn: tensor<16xbf16>) -> tensor<?x2x16xf32> {
  // expected-error@+1 {{C2: 'k_weight' must have shape [32, 96]; found [16, 96]}}
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wv) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<16x96xbf16>, tensor<16x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  return %k : tensor<?x2x16xf32>
}

// -----

// kv_project_c3: the v weight has the type of the k weight.
func.func @kv_project_c3(%x: tensor<?x96xf32>, %s: index, %wk: tensor<32x96xbf16>, %wv: tensor<32x96xf32>, %kn: tensor<16xbf16>) -> tensor<?x2x16xf32> {
  // expected-error@+1 {{C3: 'v_weight' type 'tensor<32x96xf32>' must equal the 'k_weight' type 'tensor<32x96xbf16>'}}
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wv) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xf32>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  return %k : tensor<?x2x16xf32>
}

// -----

// kv_project_c4: k_norm is [head_dim].
func.func @kv_project_c4(%x: tensor<?x96xf32>, %s: index, %wk: tensor<32x96xbf16>, %wv: tensor<32x96xbf16>, %kn: tensor<32xbf16>) -> tensor<?x2x16xf32> {
  // expected-error@+1 {{C4: 'k_norm' must have shape [16]; found [32]}}
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wv) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<32xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  return %k : tensor<?x2x16xf32>
}

// -----

// kv_project_c5: the K/V block is [tokens, kv_heads, head_dim] for the same tokens.
func.func @kv_project_c5(%x: tensor<4x96xf32>, %s: index, %wk: tensor<32x96xbf16>, %wv: tensor<32x96xbf16>, %kn: tensor<16xbf16>) -> tensor<5x2x16xf32> {
  // expected-error@+1 {{C5: 'keys' must have shape [4, 2, 16]; found [5, 2, 16]}}
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wv) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<4x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<5x2x16xf32>, tensor<5x2x16xf32>)
  return %k : tensor<5x2x16xf32>
}

// -----

// kv_project_c6: RoPE fits the head.
func.func @kv_project_c6(%x: tensor<?x96xf32>, %s: index, %wk: tensor<32x96xbf16>, %wv: tensor<32x96xbf16>, %kn: tensor<16xbf16>) -> tensor<?x2x16xf32> {
  // expected-error@+1 {{C6: rope rotates 16 pairs but a head of dim 16 has 8}}
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wv) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 16>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  return %k : tensor<?x2x16xf32>
}

// -----

// kv_project_c7: epsilon is positive.
func.func @kv_project_c7(%x: tensor<?x96xf32>, %s: index, %wk: tensor<32x96xbf16>, %wv: tensor<32x96xbf16>, %kn: tensor<16xbf16>) -> tensor<?x2x16xf32> {
  // expected-error@+1 {{C7: epsilon must be finite and positive}}
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wv) k_norm(%kn) {layer = 0 : i64, epsilon = -1.0 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  return %k : tensor<?x2x16xf32>
}

// -----

// kv_append_c1: the result is the same cache type (generic form).
func.func @kv_append_c1(%x: tensor<?x96xf32>, %s: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>) {
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{failed to verify that all of {cache, result} have same type}}
  %r = "gemma.kv_append"(%c, %s, %k, %v) : (!gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, index, tensor<?x2x16xf32>, tensor<?x2x16xf32>) -> !gemma.kv_cache<layer = 0, kind = sliding, capacity = 16, kv_heads = 2, head_dim = 16, element_type = f32>
  return
}

// -----

// kv_append_c2: the block comes from the kv_project of the cache's layer.
func.func @kv_append_c2(%x: tensor<?x96xf32>, %s: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>) -> !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32> {
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wk) k_norm(%kn) {layer = 1 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{C2: the K/V block comes from layer 1 but the cache belongs to layer 0}}
  %r = gemma.kv_append %c, %s, %k, %v : (!gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, index, tensor<?x2x16xf32>, tensor<?x2x16xf32>) -> !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>
  return %r : !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>
}

// -----

// attention_c1: input and result are the same [tokens, hidden] type.
func.func @attention_c1(%x: tensor<?x96xf32>, %s: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<128x96xbf16>, %qn: tensor<16xbf16>, %wo: tensor<96x128xbf16>, %kx: tensor<?x2x16xf32>) -> tensor<?x64xf32> {
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{C1: input and result must be the same [tokens, hidden] type}}
  %a = gemma.attention %x, %s, %c, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x64xf32>
  return %a : tensor<?x64xf32>
}

// -----

// attention_c2: a global layer cannot read a sliding cache (the donor has the same attention type).
func.func @attention_c2(%x: tensor<?x96xf32>, %s: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<128x96xbf16>, %qn: tensor<16xbf16>, %wo: tensor<96x128xbf16>, %kx: tensor<?x2x16xf32>) -> tensor<?x96xf32> {
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{C2: a global layer cannot read the sliding cache of layer 0}}
  %a = gemma.attention %x, %s, %c, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 4 : i64, kind = #gemma.attention_kind<global>, window = 0 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}

// -----

// attention_c3: GQA: query heads are a multiple of the KV heads.
func.func @attention_c3(%x: tensor<?x96xf32>, %s: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<112x96xbf16>, %qn: tensor<16xbf16>, %wo: tensor<96x112xbf16>, %kx: tensor<?x2x16xf32>) -> tensor<?x96xf32> {
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{C3: num_heads 7 must be a positive multiple of the cache's kv_heads 2}}
  %a = gemma.attention %x, %s, %c, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 7 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<112x96xbf16>, tensor<16xbf16>, tensor<96x112xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}

// -----

// attention_c4: q_weight is [heads * head_dim, hidden].
func.func @attention_c4(%x: tensor<?x96xf32>, %s: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<64x96xbf16>, %qn: tensor<16xbf16>, %wo: tensor<96x128xbf16>, %kx: tensor<?x2x16xf32>) -> tensor<?x96xf32> {
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{C4: 'q_weight' must have shape [128, 96]; found [64, 96]}}
  %a = gemma.attention %x, %s, %c, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<64x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}

// -----

// attention_c5: a sliding layer reads a ring of exactly window entries.
func.func @attention_c5(%x: tensor<?x96xf32>, %s: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<128x96xbf16>, %qn: tensor<16xbf16>, %wo: tensor<96x128xbf16>, %kx: tensor<?x2x16xf32>) -> tensor<?x96xf32> {
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{C5: a sliding layer needs a positive window equal to its cache capacity (a ring of exactly window entries); found window 16, capacity 8}}
  %a = gemma.attention %x, %s, %c, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 16 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}

// -----

// attention_c6: a KV donor is an earlier layer.
func.func @attention_c6(%x: tensor<?x96xf32>, %s: index, %c: !gemma.kv_cache<layer = 2, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<128x96xbf16>, %qn: tensor<16xbf16>, %wo: tensor<96x128xbf16>, %kx: tensor<?x2x16xf32>) -> tensor<?x96xf32> {
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wk) k_norm(%kn) {layer = 2 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{C6: layer 0 reads the KV cache of layer 2; a KV donor must be an earlier layer}}
  %a = gemma.attention %x, %s, %c, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !gemma.kv_cache<layer = 2, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}

// -----

// attention_c7: the K/V block comes from the KV source layer's kv_project (the donor owns and computes it).
func.func @attention_c7(%x: tensor<?x96xf32>, %s: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<128x96xbf16>, %qn: tensor<16xbf16>, %wo: tensor<96x128xbf16>, %kx: tensor<?x2x16xf32>) -> tensor<?x96xf32> {
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{C7: keys and values must be the results of one gemma.kv_project}}
  %a = gemma.attention %x, %s, %c, %kx, %kx q(%wq) q_norm(%qn) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}

// -----

// attention_c8: RoPE fits the head.
func.func @attention_c8(%x: tensor<?x96xf32>, %s: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<128x96xbf16>, %qn: tensor<16xbf16>, %wo: tensor<96x128xbf16>, %kx: tensor<?x2x16xf32>) -> tensor<?x96xf32> {
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{C8: rope rotates 9 pairs but a head of dim 16 has 8}}
  %a = gemma.attention %x, %s, %c, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 9>}
      : (tensor<?x96xf32>, index, !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}

// -----

// attention_c9: k_eq_v (no v weight) only on global layers.
func.func @attention_c9(%x: tensor<?x96xf32>, %s: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<128x96xbf16>, %qn: tensor<16xbf16>, %wo: tensor<96x128xbf16>, %kx: tensor<?x2x16xf32>) -> tensor<?x96xf32> {
  %k, %v = gemma.kv_project %x, %s k(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{C9: k_eq_v (a kv_project without 'v_weight') is only allowed on global layers; layer 0 is sliding}}
  %a = gemma.attention %x, %s, %c, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}
// -----

// mlp_c1: input and result are the same [tokens, hidden] type.
func.func @mlp_c1(%x: tensor<?x96xf32>, %wg: tensor<192x96xbf16>, %wd: tensor<96x192xbf16>) -> tensor<?x64xf32> {
  // expected-error@+1 {{C1: input and result must be the same [tokens, hidden] type}}
  %y = gemma.mlp %x, %wg, %wg, %wd : (tensor<?x96xf32>, tensor<192x96xbf16>, tensor<192x96xbf16>, tensor<96x192xbf16>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// -----

// mlp_c2: down projection is [hidden, width].
func.func @mlp_c2(%x: tensor<?x96xf32>, %wg: tensor<192x96xbf16>, %wd: tensor<96x384xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C2: 'down_weight' must have shape [96, 192]; found [96, 384]}}
  %y = gemma.mlp %x, %wg, %wg, %wd : (tensor<?x96xf32>, tensor<192x96xbf16>, tensor<192x96xbf16>, tensor<96x384xbf16>) -> tensor<?x96xf32>
  return %y : tensor<?x96xf32>
}

// -----

// moe_c1: the router reads the same [tokens, hidden] stream.
func.func @moe_c1(%x: tensor<?x96xf32>, %r: tensor<?x64xf32>, %router: tensor<16x96xbf16>, %rs: tensor<96xbf16>, %pes: tensor<16xbf16>, %gu: tensor<16x32x96xbf16>, %dn: tensor<16x96x16xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C1: input, router_input and result must be the same [tokens, hidden] type}}
  %m = gemma.moe %x, %r, %router, %rs, %pes, %gu, %dn {top_k = 4 : i64, epsilon = 1.0e-6 : f32}
      : (tensor<?x96xf32>, tensor<?x64xf32>, tensor<16x96xbf16>, tensor<96xbf16>, tensor<16xbf16>, tensor<16x32x96xbf16>, tensor<16x96x16xbf16>) -> tensor<?x96xf32>
  return %m : tensor<?x96xf32>
}

// -----

// moe_c2: per_expert_scale has one entry per expert.
func.func @moe_c2(%x: tensor<?x96xf32>, %r: tensor<?x96xf32>, %router: tensor<16x96xbf16>, %rs: tensor<96xbf16>, %pes: tensor<8xbf16>, %gu: tensor<16x32x96xbf16>, %dn: tensor<16x96x16xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C2: 'per_expert_scale' must have shape [16]; found [8]}}
  %m = gemma.moe %x, %r, %router, %rs, %pes, %gu, %dn {top_k = 4 : i64, epsilon = 1.0e-6 : f32}
      : (tensor<?x96xf32>, tensor<?x96xf32>, tensor<16x96xbf16>, tensor<96xbf16>, tensor<8xbf16>, tensor<16x32x96xbf16>, tensor<16x96x16xbf16>) -> tensor<?x96xf32>
  return %m : tensor<?x96xf32>
}

// -----

// moe_c3: gate_up stacks gate and up: [experts, 2 * width, hidden].
func.func @moe_c3(%x: tensor<?x96xf32>, %r: tensor<?x96xf32>, %router: tensor<16x96xbf16>, %rs: tensor<96xbf16>, %pes: tensor<16xbf16>, %gu: tensor<16x16x96xbf16>, %dn: tensor<16x96x16xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C3: 'gate_up_weight' must have shape [16, 32, 96]; found [16, 16, 96]}}
  %m = gemma.moe %x, %r, %router, %rs, %pes, %gu, %dn {top_k = 4 : i64, epsilon = 1.0e-6 : f32}
      : (tensor<?x96xf32>, tensor<?x96xf32>, tensor<16x96xbf16>, tensor<96xbf16>, tensor<16xbf16>, tensor<16x16x96xbf16>, tensor<16x96x16xbf16>) -> tensor<?x96xf32>
  return %m : tensor<?x96xf32>
}

// -----

// moe_c4: top_k <= experts.
func.func @moe_c4(%x: tensor<?x96xf32>, %r: tensor<?x96xf32>, %router: tensor<16x96xbf16>, %rs: tensor<96xbf16>, %pes: tensor<16xbf16>, %gu: tensor<16x32x96xbf16>, %dn: tensor<16x96x16xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C4: top_k must be in [1, experts = 16]; found 17}}
  %m = gemma.moe %x, %r, %router, %rs, %pes, %gu, %dn {top_k = 17 : i64, epsilon = 1.0e-6 : f32}
      : (tensor<?x96xf32>, tensor<?x96xf32>, tensor<16x96xbf16>, tensor<96xbf16>, tensor<16xbf16>, tensor<16x32x96xbf16>, tensor<16x96x16xbf16>) -> tensor<?x96xf32>
  return %m : tensor<?x96xf32>
}

// -----

// moe_c5: epsilon is positive.
func.func @moe_c5(%x: tensor<?x96xf32>, %r: tensor<?x96xf32>, %router: tensor<16x96xbf16>, %rs: tensor<96xbf16>, %pes: tensor<16xbf16>, %gu: tensor<16x32x96xbf16>, %dn: tensor<16x96x16xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C5: epsilon must be finite and positive}}
  %m = gemma.moe %x, %r, %router, %rs, %pes, %gu, %dn {top_k = 4 : i64, epsilon = 0.0 : f32}
      : (tensor<?x96xf32>, tensor<?x96xf32>, tensor<16x96xbf16>, tensor<96xbf16>, tensor<16xbf16>, tensor<16x32x96xbf16>, tensor<16x96x16xbf16>) -> tensor<?x96xf32>
  return %m : tensor<?x96xf32>
}

// -----

// ple_inputs_c1: the result is [tokens, layers, ple_dim].
func.func @ple_inputs_c1(%t: tensor<?xi32>, %e: tensor<?x96xf32>, %table: tensor<512x160xbf16>, %proj: tensor<160x96xbf16>, %n: tensor<16xbf16>) -> tensor<?x160xf32> {
  // expected-error@+1 {{C1: result must be [tokens, layers, ple_dim] and embedded [tokens, hidden]}}
  %p = gemma.ple_inputs %t, %e, %table, %proj, %n {table_scale = 4.0 : f32, projection_scale = 0.1 : f32, combine_scale = 0.7 : f32, epsilon = 1.0e-6 : f32}
      : (tensor<?xi32>, tensor<?x96xf32>, tensor<512x160xbf16>, tensor<160x96xbf16>, tensor<16xbf16>) -> tensor<?x160xf32>
  return %p : tensor<?x160xf32>
}

// -----

// ple_inputs_c2: the table holds layers * ple_dim values per token.
func.func @ple_inputs_c2(%t: tensor<?xi32>, %e: tensor<?x96xf32>, %table: tensor<512x144xbf16>, %proj: tensor<160x96xbf16>, %n: tensor<16xbf16>) -> tensor<?x10x16xf32> {
  // expected-error@+1 {{C2: 'table' must have shape [512, 160]; found [512, 144]}}
  %p = gemma.ple_inputs %t, %e, %table, %proj, %n {table_scale = 4.0 : f32, projection_scale = 0.1 : f32, combine_scale = 0.7 : f32, epsilon = 1.0e-6 : f32}
      : (tensor<?xi32>, tensor<?x96xf32>, tensor<512x144xbf16>, tensor<160x96xbf16>, tensor<16xbf16>) -> tensor<?x10x16xf32>
  return %p : tensor<?x10x16xf32>
}

// -----

// ple_inputs_c3: the scales are positive.
func.func @ple_inputs_c3(%t: tensor<?xi32>, %e: tensor<?x96xf32>, %table: tensor<512x160xbf16>, %proj: tensor<160x96xbf16>, %n: tensor<16xbf16>) -> tensor<?x10x16xf32> {
  // expected-error@+1 {{C3: table_scale must be finite and positive; found 0}}
  %p = gemma.ple_inputs %t, %e, %table, %proj, %n {table_scale = 0.0 : f32, projection_scale = 0.1 : f32, combine_scale = 0.7 : f32, epsilon = 1.0e-6 : f32}
      : (tensor<?xi32>, tensor<?x96xf32>, tensor<512x160xbf16>, tensor<160x96xbf16>, tensor<16xbf16>) -> tensor<?x10x16xf32>
  return %p : tensor<?x10x16xf32>
}

// -----

// ple_branch_c1: the per-layer inputs cover the same tokens.
func.func @ple_branch_c1(%h: tensor<4x96xf32>, %p: tensor<5x10x16xf32>, %g: tensor<16x96xbf16>, %b: tensor<96x16xbf16>) -> tensor<4x96xf32> {
  // expected-error@+1 {{C1: 'per_layer_inputs' must have shape [4, 10, 16]; found [5, 10, 16]}}
  %y = gemma.ple_branch %h, %p, %g, %b {layer = 0 : i64} : (tensor<4x96xf32>, tensor<5x10x16xf32>, tensor<16x96xbf16>, tensor<96x16xbf16>) -> tensor<4x96xf32>
  return %y : tensor<4x96xf32>
}

// -----

// ple_branch_c2: the gate is [ple_dim, hidden].
func.func @ple_branch_c2(%h: tensor<?x96xf32>, %p: tensor<?x10x16xf32>, %g: tensor<32x96xbf16>, %b: tensor<96x16xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C2: 'gate_weight' must have shape [16, 96]; found [32, 96]}}
  %y = gemma.ple_branch %h, %p, %g, %b {layer = 9 : i64} : (tensor<?x96xf32>, tensor<?x10x16xf32>, tensor<32x96xbf16>, tensor<96x16xbf16>) -> tensor<?x96xf32>
  return %y : tensor<?x96xf32>
}

// -----

// ple_inputs_c2: a packed projection is stored as its format says (bytes, not bf16).
func.func @ple_inputs_c2_format(%t: tensor<?xi32>, %e: tensor<?x96xf32>, %table: tensor<512x160xbf16>, %proj: tensor<160x96xbf16>, %n: tensor<16xbf16>) -> tensor<?x10x16xf32> {
  // expected-error@+1 {{C2: 'projection' element type 'bf16' does not match weight format q8_0x8}}
  %p = gemma.ple_inputs %t, %e, %table, %proj, %n {table_scale = 4.0 : f32, projection_scale = 0.1 : f32, combine_scale = 0.7 : f32, epsilon = 1.0e-6 : f32, format = #gemma.weight_format<q8_0x8>}
      : (tensor<?xi32>, tensor<?x96xf32>, tensor<512x160xbf16>, tensor<160x96xbf16>, tensor<16xbf16>) -> tensor<?x10x16xf32>
  return %p : tensor<?x10x16xf32>
}

// -----

// ple_branch_c2: packed, both matrices need whole blocks of 32 inputs (ple_dim 16 has none).
func.func @ple_branch_c2_format(%h: tensor<?x96xf32>, %p: tensor<?x10x16xf32>, %g: tensor<16x102xi8>, %b: tensor<96x16xi8>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C2: 'projection_weight' input dim 16 must be a multiple of 32 for format q8_0}}
  %y = gemma.ple_branch %h, %p, %g, %b {layer = 9 : i64, format = #gemma.weight_format<q8_0>} : (tensor<?x96xf32>, tensor<?x10x16xf32>, tensor<16x102xi8>, tensor<96x16xi8>) -> tensor<?x96xf32>
  return %y : tensor<?x96xf32>
}

// -----

// ple_branch_c3: the layer indexes the per-layer inputs.
func.func @ple_branch_c3(%h: tensor<?x96xf32>, %p: tensor<?x10x16xf32>, %g: tensor<16x96xbf16>, %b: tensor<96x16xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C3: layer 10 is outside the 10 per-layer inputs}}
  %y = gemma.ple_branch %h, %p, %g, %b {layer = 10 : i64} : (tensor<?x96xf32>, tensor<?x10x16xf32>, tensor<16x96xbf16>, tensor<96x16xbf16>) -> tensor<?x96xf32>
  return %y : tensor<?x96xf32>
}

// -----

// attention_c7_start: the K/V block is computed at the queries' positions (same start, same RoPE).
func.func @attention_c7_start(%x: tensor<?x96xf32>, %s: index, %s2: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<128x96xbf16>, %qn: tensor<16xbf16>, %wo: tensor<96x128xbf16>) -> tensor<?x96xf32> {
  %k, %v = gemma.kv_project %x, %s2 k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{C7: the K/V block must be computed at the same start position and with the same RoPE as the queries}}
  %a = gemma.attention %x, %s, %c, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}

// -----

// attention_c10: attention reads the cache as it was before this block is appended.
func.func @attention_c10(%x: tensor<?x96xf32>, %s: index, %s2: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<128x96xbf16>, %qn: tensor<16xbf16>, %wo: tensor<96x128xbf16>) -> tensor<?x96xf32> {
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  %c1 = gemma.kv_append %c, %s, %k, %v : (!gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, index, tensor<?x2x16xf32>, tensor<?x2x16xf32>) -> !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>
  // expected-error@+1 {{C10: the cache must be the value before this block is appended, not the result of a gemma.kv_append}}
  %a = gemma.attention %x, %s, %c1, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}

// -----

// kv_project_c5_dynamic: kv_heads and head_dim of the block are static.
func.func @kv_project_c5_dynamic(%x: tensor<?x96xf32>, %s: index, %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>) -> tensor<?x2x?xf32> {
  // expected-error@+1 {{C5: kv_heads and head_dim of the keys must be static; found 'tensor<?x2x?xf32>'}}
  %k, %v = gemma.kv_project %x, %s k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x?xf32>, tensor<?x2x?xf32>)
  return %k : tensor<?x2x?xf32>
}

// -----

// mlp_c2_rank: MLP weights are matrices.
func.func @mlp_c2_rank(%x: tensor<?x96xf32>, %wg: tensor<192xbf16>, %wd: tensor<96x192xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C2: MLP weights must be matrices; found 'tensor<192xbf16>'}}
  %y = gemma.mlp %x, %wg, %wg, %wd : (tensor<?x96xf32>, tensor<192xbf16>, tensor<192xbf16>, tensor<96x192xbf16>) -> tensor<?x96xf32>
  return %y : tensor<?x96xf32>
}

// -----

// moe_c2_float: the router scales are float weights.
func.func @moe_c2_float(%x: tensor<?x96xf32>, %router: tensor<16x96xbf16>, %rs: tensor<96xi8>, %pes: tensor<16xbf16>, %gu: tensor<16x32x96xbf16>, %dn: tensor<16x96x16xbf16>) -> tensor<?x96xf32> {
  // expected-error@+1 {{C2: 'router_scale' must have a float element type; found 'i8'}}
  %m = gemma.moe %x, %x, %router, %rs, %pes, %gu, %dn {top_k = 4 : i64, epsilon = 1.0e-6 : f32}
      : (tensor<?x96xf32>, tensor<?x96xf32>, tensor<16x96xbf16>, tensor<96xi8>, tensor<16xbf16>, tensor<16x32x96xbf16>, tensor<16x96x16xbf16>) -> tensor<?x96xf32>
  return %m : tensor<?x96xf32>
}

// -----

// activation_rank: activations have rank 1 to 4 (ODS type constraint).
func.func @activation_rank(%x: tensor<f32>, %w: tensor<4x4xbf16>) -> tensor<4xf32> {
  // expected-error@+1 {{operand #0 must be 1D/2D/3D/4D tensor of 32-bit float values}}
  %y = gemma.linear %x, %w {format = #gemma.weight_format<bf16>} : (tensor<f32>, tensor<4x4xbf16>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// kv_cache_t4_bf16: a bf16 cache is rejected too (its 8-bit significand; g4c offers f16).
// expected-error@+1 {{T4: kv_cache element_type must be f32 or f16; found 'bf16'}}
func.func @kv_cache_t4_bf16(%c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = bf16>)

// -----

// param_c1: a merged matrix's part rows add up to its rows.
// expected-error@+1 {{C1: 2 parts of 2 row counts (at least two, one each) must add up to the 192 rows}}
gemma.param @qkv.weight : tensor<192x96xbf16> {part_rows = array<i64: 128, 32>, parts = ["q.weight", "k.weight"]}

// -----

// qkv_project_c2: heads are a multiple of kv_heads.
func.func @qkv_project_c2(%x: tensor<?x96xf32>, %s: index, %w: tensor<176x96xbf16>, %n: tensor<16xbf16>) -> tensor<?x7x16xf32> {
  // expected-error@+1 {{C2: heads and kv_heads must be static, heads a multiple of kv_heads}}
  %q, %k, %v = gemma.qkv_project %x, %s qkv(%w) q_norm(%n) k_norm(%n) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<176x96xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> (tensor<?x7x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  return %q : tensor<?x7x16xf32>
}

// -----

// qkv_project_c3: the merged matrix has the rows of Q, K and V ([Q; K] with k_eq_v).
func.func @qkv_project_c3(%x: tensor<?x96xf32>, %s: index, %w: tensor<192x96xbf16>, %n: tensor<16xbf16>) -> tensor<?x8x16xf32> {
  // expected-error@+1 {{C3: 'weight' must have shape [160, 96]; found [192, 96]}}
  %q, %k, %v = gemma.qkv_project %x, %s qkv(%w) q_norm(%n) k_norm(%n) {layer = 0 : i64, k_eq_v, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<192x96xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> (tensor<?x8x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  return %q : tensor<?x8x16xf32>
}

// -----

// qkv_project_c4: q_norm and k_norm are [head_dim].
func.func @qkv_project_c4(%x: tensor<?x96xf32>, %s: index, %w: tensor<192x96xbf16>, %n: tensor<16xbf16>, %m: tensor<8xbf16>) -> tensor<?x8x16xf32> {
  // expected-error@+1 {{C4: 'q_norm'}}
  %q, %k, %v = gemma.qkv_project %x, %s qkv(%w) q_norm(%m) k_norm(%n) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<192x96xbf16>, tensor<8xbf16>, tensor<16xbf16>) -> (tensor<?x8x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  return %q : tensor<?x8x16xf32>
}

// -----

// attention_c11: the queries come from q/q_norm or from 'queries', not both.
func.func @attention_c11(%x: tensor<?x96xf32>, %s: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %w: tensor<192x96xbf16>, %n: tensor<16xbf16>, %wq: tensor<128x96xbf16>, %wo: tensor<96x128xbf16>) -> tensor<?x96xf32> {
  %q, %k, %v = gemma.qkv_project %x, %s qkv(%w) q_norm(%n) k_norm(%n) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<192x96xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> (tensor<?x8x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{C11: the queries come either from 'q' and 'q_norm' or from 'queries', not both or neither}}
  %a = gemma.attention %x, %s, %c, %k, %v q(%wq) q_norm(%n) queries(%q) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<?x8x16xf32>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}

// -----

// attention_c11_source: 'queries' come from the qkv_project of the keys and values.
func.func @attention_c11_source(%x: tensor<?x96xf32>, %s: index, %c: !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, %w: tensor<192x96xbf16>, %n: tensor<16xbf16>, %wo: tensor<96x128xbf16>) -> tensor<?x96xf32> {
  %q, %k, %v = gemma.qkv_project %x, %s qkv(%w) q_norm(%n) k_norm(%n) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<192x96xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> (tensor<?x8x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  %q2, %k2, %v2 = gemma.qkv_project %x, %s qkv(%w) q_norm(%n) k_norm(%n) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<192x96xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> (tensor<?x8x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  // expected-error@+1 {{C11: 'queries' must come from the gemma.qkv_project that computed the keys and values}}
  %a = gemma.attention %x, %s, %c, %k, %v queries(%q2) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<?x8x16xf32>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}
