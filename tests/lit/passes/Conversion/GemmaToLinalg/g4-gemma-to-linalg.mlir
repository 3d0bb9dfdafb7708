// RUN: g4-opt %s --split-input-file --g4-gemma-to-linalg \
// RUN:   | FileCheck %s --implicit-check-not='{{gemma\.[a-z_]+ [%]}}' --implicit-check-not='!gemma.kv_cache'
// RUN: g4-opt %s --split-input-file --g4-gemma-to-linalg | FileCheck %s --check-prefix=NOCOPY

// Every gemma compute op becomes a func.call to a private kernel holding its tensor code
// (the first implicit check: no `gemma.<op> %operand` survives anywhere; the second: no
// !gemma.kv_cache type survives). gemma.param and gemma.weight stay for
// g4-bind-entry-points. Kernels are appended to the module in the order first needed.

// embed: one table row per token, widened from bf16 and scaled; the weight stays a
// gemma.weight that the call receives.
// CHECK-LABEL: func.func @embed(
// CHECK-SAME:      %[[TOKENS:.+]]: tensor<?xi32>) -> tensor<?x96xf32>
// CHECK:         %[[TABLE:.+]] = gemma.weight @embed_tokens.weight : tensor<512x96xbf16>
// CHECK:         %[[H:.+]] = call @kernel_embed(%[[TOKENS]], %[[TABLE]]) : (tensor<?xi32>, tensor<512x96xbf16>) -> tensor<?x96xf32>
// CHECK:         return %[[H]]
// Kernels are kept out of line (LLVM must not inline the shared layers back).
// CHECK-LABEL: func.func private @kernel_embed(
// CHECK-SAME:      %[[KTOK:[^:]+]]: tensor<?xi32>, %[[KTAB:[^:]+]]: tensor<512x96xbf16>) -> tensor<?x96xf32>
// CHECK-SAME:      passthrough = ["noinline"]
// CHECK:         %[[SCALE:.+]] = arith.constant 9.812500e+00 : f32
// CHECK:         linalg.generic {{.+}} ins(%[[KTOK]] : tensor<?xi32>)
// CHECK:           %[[ROW:.+]] = arith.index_cast %{{.+}} : i32 to index
// CHECK:           %[[E:.+]] = tensor.extract %[[KTAB]][%[[ROW]], %{{.+}}] : tensor<512x96xbf16>
// CHECK:           %[[EF:.+]] = arith.extf %[[E]] : bf16 to f32
// CHECK:           arith.mulf %[[EF]], %[[SCALE]] : f32
gemma.param @embed_tokens.weight : tensor<512x96xbf16>
func.func @embed(%tokens: tensor<?xi32>) -> tensor<?x96xf32> {
  %table = gemma.weight @embed_tokens.weight : tensor<512x96xbf16>
  %h = gemma.embed %tokens, %table {scale = 9.8125 : f32} : (tensor<?xi32>, tensor<512x96xbf16>) -> tensor<?x96xf32>
  return %h : tensor<?x96xf32>
}

// -----

// rms_norm with and without a weight: different operand lists, so two kernels. Both are
// a sum-of-squares reduction over the last dim, then x / sqrt(sum/96 + eps); only the
// weighted one widens and multiplies by the bf16 weight. Both generics split across
// threads by tokens (loop 0).
// CHECK-LABEL: func.func @rms_norm(
// CHECK:         %[[N:.+]] = call @kernel_rms_norm(%{{.+}}, %{{.+}}) : (tensor<?x96xf32>, tensor<96xbf16>) -> tensor<?x96xf32>
// CHECK:         call @kernel_rms_norm_0(%[[N]]) : (tensor<?x96xf32>) -> tensor<?x96xf32>
// CHECK-LABEL: func.func private @kernel_rms_norm(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x96xf32>, %[[W:[^:]+]]: tensor<96xbf16>) -> tensor<?x96xf32>
// CHECK:         %[[SS:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<?x96xf32>) {{.+}} attrs = {g4.parallel_dim = 0 : i64}
// CHECK:           arith.mulf
// CHECK:           arith.addf
// CHECK:         %[[INVW:.+]] = arith.constant 0.010416667 : f32
// CHECK:         %[[EPS:.+]] = arith.constant 9.99999997E-7 : f32
// CHECK:         linalg.generic {{.+}} iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[SS]], %[[W]] : tensor<?x96xf32>, tensor<?xf32>, tensor<96xbf16>) {{.+}} attrs = {g4.parallel_dim = 0 : i64}
// CHECK:           %[[MEAN:.+]] = arith.mulf %{{.+}}, %[[INVW]] : f32
// CHECK:           %[[VAR:.+]] = arith.addf %[[MEAN]], %[[EPS]] : f32
// CHECK:           math.sqrt %[[VAR]] : f32
// CHECK:           arith.divf
// CHECK:           arith.extf %{{.+}} : bf16 to f32
// CHECK:           linalg.yield
// CHECK-LABEL: func.func private @kernel_rms_norm_0(
// CHECK-SAME:      %[[X0:[^:]+]]: tensor<?x96xf32>) -> tensor<?x96xf32>
// CHECK:         %[[SS0:.+]] = linalg.generic {{.+}} ins(%[[X0]] : tensor<?x96xf32>)
// CHECK:         linalg.generic {{.+}} ins(%[[X0]], %[[SS0]] : tensor<?x96xf32>, tensor<?xf32>)
// CHECK:           math.sqrt
// CHECK-NOT:       arith.extf
// CHECK:           linalg.yield
func.func @rms_norm(%x: tensor<?x96xf32>, %w: tensor<96xbf16>) -> tensor<?x96xf32> {
  %n = gemma.rms_norm %x, %w {epsilon = 1.0e-6 : f32} : tensor<?x96xf32>, tensor<96xbf16>
  %m = gemma.rms_norm %n {epsilon = 1.0e-6 : f32} : tensor<?x96xf32>
  return %m : tensor<?x96xf32>
}

// -----

// linear: y[m, n] = sum_k x[m, k] * f32(W[n, k]), one contraction whose body widens the
// bf16 weight element; the weight is read in place (PyTorch [out, in] layout, map
// (m, n, k) -> (n, k)), never copied into an f32 tensor.
// CHECK-DAG: #[[$MAP_X:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$MAP_W:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$MAP_Y:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @linear(
// CHECK:         call @kernel_linear(%{{.+}}, %{{.+}}) : (tensor<?x96xf32>, tensor<512x96xbf16>) -> tensor<?x512xf32>
// CHECK-LABEL: func.func private @kernel_linear(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x96xf32>, %[[W:[^:]+]]: tensor<512x96xbf16>) -> tensor<?x512xf32>
// CHECK:         %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<?x512xf32>)
// CHECK:         %[[Y:.+]] = linalg.generic {indexing_maps = [#[[$MAP_X]], #[[$MAP_W]], #[[$MAP_Y]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[W]] : tensor<?x96xf32>, tensor<512x96xbf16>) outs(%[[INIT]] : tensor<?x512xf32>)
// CHECK:         ^bb0(%[[A:.+]]: f32, %[[B:.+]]: bf16, %[[ACC:.+]]: f32):
// CHECK:           %[[BF:.+]] = arith.extf %[[B]] : bf16 to f32
// The contraction may be reassociated and fused (vectorised k reduction, FMA).
// CHECK:           %[[P:.+]] = arith.mulf %[[A]], %[[BF]] fastmath<reassoc,contract> : f32
// CHECK:           %[[S:.+]] = arith.addf %[[ACC]], %[[P]] fastmath<reassoc,contract> : f32
// CHECK:           linalg.yield %[[S]] : f32
// CHECK:         return %[[Y]]
// Over the whole output (NOCOPY): no f32 tensor of the weight's shape is ever made.
// NOCOPY-NOT: tensor<512x96xf32>
func.func @linear(%x: tensor<?x96xf32>, %w: tensor<512x96xbf16>) -> tensor<?x512xf32> {
  %y = gemma.linear %x, %w {format = #gemma.weight_format<bf16>} : (tensor<?x96xf32>, tensor<512x96xbf16>) -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

// -----

// rope: the two kinds differ only in the inverse-frequency table. Proportional RoPE on a
// head of 32 rotating 4 of 16 pairs keeps d = 32 as the exponent denominator
// (theta^(-2i/32): 1, 0.4217, 0.1778, 0.0750) and has zero frequency (identity rotation)
// for the 12 pairs that pass through; default RoPE rotates every pair. Different
// attributes, so two kernels; the same half-split rotation in both. One generic makes
// the cos and sin of (start + t) * inv_freq[i] per token and pair ([T, 16] each, shared
// by the 8 heads); the rotation reads x, its partner x[(i + 16) mod 32] and the pair's
// cos/sin through indexing maps. Both split across threads by tokens (loop 0).
// CHECK-DAG:   #[[PAIRFREQ:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG:   #[[PARTNER:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, (d2 + 16) mod 32)>
// CHECK-DAG:   #[[PAIR:.+]] = affine_map<(d0, d1, d2) -> (d0, d2 mod 16)>
// CHECK-LABEL: func.func @rope(
// CHECK:         call @kernel_rope(%{{.+}}, %{{.+}}) : (tensor<?x8x32xf32>, index) -> tensor<?x8x32xf32>
// CHECK:         call @kernel_rope_0(%{{.+}}, %{{.+}}) : (tensor<?x8x32xf32>, index) -> tensor<?x8x32xf32>
// CHECK-LABEL: func.func private @kernel_rope(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x8x32xf32>, %[[START:[^:]+]]: index) -> tensor<?x8x32xf32>
// CHECK:         %[[FREQ:.+]] = arith.constant dense<[1.000000e+00, 0.421696514, 0.177827939, 0.0749894232, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<16xf32>
// CHECK:         %[[S64:.+]] = arith.index_cast %[[START]] : index to i64
// CHECK:         %[[TABLE:.+]]:2 = linalg.generic {indexing_maps = [#[[PAIRFREQ]], {{.+}}]{{.+}} ins(%[[FREQ]] : tensor<16xf32>) outs(%{{.+}}, %{{.+}} : tensor<?x16xf32>, tensor<?x16xf32>) attrs = {g4.parallel_dim = 0 : i64}
// CHECK:           %[[T:.+]] = linalg.index 0 : index
// CHECK:           %[[T64:.+]] = arith.index_cast %[[T]] : index to i64
// CHECK:           %[[POS:.+]] = arith.addi %[[S64]], %[[T64]] : i64
// CHECK:           %[[POSF:.+]] = arith.sitofp %[[POS]] : i64 to f32
// CHECK:           %[[ANGLE:.+]] = arith.mulf %[[POSF]], %{{.+}} : f32
// CHECK:           %[[COS:.+]] = math.cos %[[ANGLE]]
// CHECK:           %[[SIN:.+]] = math.sin %[[ANGLE]]
// CHECK:           linalg.yield %[[COS]], %[[SIN]] : f32, f32
// CHECK:         %[[HALF:.+]] = arith.constant 16 : index
// CHECK:         linalg.generic {indexing_maps = [#{{.+}}, #[[PARTNER]], #[[PAIR]], #[[PAIR]], #{{.+}}]{{.+}} ins(%[[X]], %[[X]], %[[TABLE]]#0, %[[TABLE]]#1 : {{.+}} attrs = {g4.parallel_dim = 0 : i64}
// CHECK-NEXT:    ^bb0(%[[XI:.+]]: f32, %[[XP:.+]]: f32, %[[C:.+]]: f32, %[[S:.+]]: f32, %{{.+}}: f32):
// CHECK:           %[[I:.+]] = linalg.index 2 : index
// CHECK:           %[[FIRST:.+]] = arith.cmpi ult, %[[I]], %[[HALF]] : index
// CHECK:           %[[XC:.+]] = arith.mulf %[[XI]], %[[C]] : f32
// CHECK:           %[[PS:.+]] = arith.mulf %[[XP]], %[[S]] : f32
// CHECK:           %[[LOW:.+]] = arith.subf %[[XC]], %[[PS]] : f32
// CHECK:           %[[HIGH:.+]] = arith.addf %[[XC]], %[[PS]] : f32
// CHECK:           arith.select %[[FIRST]], %[[LOW]], %[[HIGH]] : f32
// CHECK-LABEL: func.func private @kernel_rope_0(
// CHECK:         arith.constant dense<[1.000000e+00, 0.562341332, 0.316227764, {{.+}}, 1.7782794E-4]> : tensor<16xf32>
// CHECK:         math.cos
func.func @rope(%q: tensor<?x8x32xf32>, %start: index) -> (tensor<?x8x32xf32>, tensor<?x8x32xf32>) {
  %p = gemma.rope %q, %start {rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 4>} : tensor<?x8x32xf32>
  %d = gemma.rope %q, %start {rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 16>} : tensor<?x8x32xf32>
  return %p, %d : tensor<?x8x32xf32>, tensor<?x8x32xf32>
}

// -----

// layer_scalar reads the one-element bf16 weight once, outside the element-wise loop;
// softcap is cap * tanh(x / cap) with 1/cap folded into a constant, in place on its
// input (the head's product, which then needs no buffer of its own). Its tasks split the
// vocabulary (loop 1): the head caps one token's logits at a time.
// CHECK-LABEL: func.func @scalar_softcap(
// CHECK:         %[[Y:.+]] = call @kernel_layer_scalar(%{{.+}}, %{{.+}}) : (tensor<?x96xf32>, tensor<1xbf16>) -> tensor<?x96xf32>
// CHECK:         call @kernel_softcap(%[[Y]]) : (tensor<?x96xf32>) -> tensor<?x96xf32>
// CHECK-LABEL: func.func private @kernel_layer_scalar(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x96xf32>, %[[S:[^:]+]]: tensor<1xbf16>)
// CHECK:         %[[E:.+]] = tensor.extract %[[S]][%{{.+}}] : tensor<1xbf16>
// CHECK:         %[[EF:.+]] = arith.extf %[[E]] : bf16 to f32
// CHECK:         linalg.generic {{.+}} ins(%[[X]] : tensor<?x96xf32>)
// CHECK-NEXT:    ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      %[[M:.+]] = arith.mulf %[[IN]], %[[EF]] : f32
// CHECK-NEXT:      linalg.yield %[[M]]
// CHECK-LABEL: func.func private @kernel_softcap(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x96xf32>)
// CHECK:         %[[CAP:.+]] = arith.constant 3.000000e+01 : f32
// CHECK:         %[[INV:.+]] = arith.constant 0.0333333351 : f32
// CHECK:         linalg.generic {{.+}} outs(%[[X]] : tensor<?x96xf32>) attrs = {g4.parallel_dim = 1 : i64}
// CHECK-NEXT:    ^bb0(%[[IN:.+]]: f32):
// CHECK-NEXT:      %[[D:.+]] = arith.mulf %[[IN]], %[[INV]] : f32
// CHECK-NEXT:      %[[TH:.+]] = math.tanh %[[D]] : f32
// CHECK-NEXT:      %[[R:.+]] = arith.mulf %[[TH]], %[[CAP]] : f32
// CHECK-NEXT:      linalg.yield %[[R]]
func.func @scalar_softcap(%h: tensor<?x96xf32>, %s: tensor<1xbf16>) -> tensor<?x96xf32> {
  %y = gemma.layer_scalar %h, %s : tensor<?x96xf32>, tensor<1xbf16>
  %c = gemma.softcap %y {cap = 30.0 : f32} : tensor<?x96xf32>
  return %c : tensor<?x96xf32>
}

// -----

// kv_project with a v weight: K and V are two contractions; K goes through k_norm
// (weighted RMSNorm over head_dim 16) and RoPE, V through the weightless RMSNorm. The
// results keep the block type [T, kv_heads, head_dim].
// CHECK-LABEL: func.func @kv_project(
// CHECK:         call @kernel_kv_project(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}) : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
// CHECK-LABEL: func.func private @kernel_kv_project(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x96xf32>, %[[START:[^:]+]]: index, %[[WK:[^:]+]]: tensor<32x96xbf16>, %[[WV:[^:]+]]: tensor<32x96xbf16>, %[[KN:[^:]+]]: tensor<16xbf16>)
// CHECK:         %[[KP:.+]] = linalg.generic {{.+}} ins(%[[X]], %[[WK]] : tensor<?x96xf32>, tensor<32x96xbf16>)
// CHECK:         %[[KRAW:.+]] = tensor.expand_shape %[[KP]] {{\[}}[0], [1, 2]] {{.+}} : tensor<?x32xf32> into tensor<?x2x16xf32>
// CHECK:         %[[VP:.+]] = linalg.generic {{.+}} ins(%[[X]], %[[WV]] : tensor<?x96xf32>, tensor<32x96xbf16>)
// CHECK:         %[[VRAW:.+]] = tensor.expand_shape %[[VP]]
// CHECK:         %[[KSS:.+]] = linalg.generic {{.+}} ins(%[[KRAW]] : tensor<?x2x16xf32>)
// CHECK:         %[[KN_OUT:.+]] = linalg.generic {{.+}} ins(%[[KRAW]], %[[KSS]], %[[KN]] : tensor<?x2x16xf32>, tensor<?x2xf32>, tensor<16xbf16>)
// CHECK:         linalg.generic
// CHECK:           math.cos
// CHECK:         %[[K:.+]] = linalg.generic {{.+}} ins(%[[KN_OUT]], %[[KN_OUT]], %{{.+}}, %{{.+}} : tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<?x8xf32>, tensor<?x8xf32>)
// CHECK:         %[[VSS:.+]] = linalg.generic {{.+}} ins(%[[VRAW]] : tensor<?x2x16xf32>)
// CHECK:         %[[V:.+]] = linalg.generic {{.+}} ins(%[[VRAW]], %[[VSS]] : tensor<?x2x16xf32>, tensor<?x2xf32>)
// CHECK:         %[[KC:.+]] = tensor.cast %[[K]]
// CHECK:         %[[VC:.+]] = tensor.cast %[[V]]
// CHECK:         return %[[KC]], %[[VC]] : tensor<?x2x16xf32>, tensor<?x2x16xf32>
func.func @kv_project(%x: tensor<?x96xf32>, %start: index, %wk: tensor<32x96xbf16>,
    %wv: tensor<32x96xbf16>, %kn: tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>) {
  %k, %v = gemma.kv_project %x, %start k(%wk) v(%wv) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  return %k, %v : tensor<?x2x16xf32>, tensor<?x2x16xf32>
}

// -----

// qkv_project: one contraction over the merged [Wq; Wk; Wv] matrix, then Q, K and V as
// column slices of its result (columns 0-127, 128-159, 160-191), each split into heads;
// Q goes through q_norm and RoPE as in the attention. An attention with `queries` takes
// them as an operand and has no Q projection of its own.
// CHECK-LABEL: func.func private @kernel_qkv_project(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x96xf32>, %[[START:[^:]+]]: index, %[[W:[^:]+]]: tensor<192x96xbf16>, %[[QN:[^:]+]]: tensor<16xbf16>, %[[KN:[^:]+]]: tensor<16xbf16>)
// CHECK:         %[[QKV:.+]] = linalg.generic {{.+}} ins(%[[X]], %[[W]] : tensor<?x96xf32>, tensor<192x96xbf16>)
// CHECK:         %[[QS:.+]] = tensor.extract_slice %[[QKV]][0, 0] [%{{.+}}, 128] [1, 1]
// CHECK:         tensor.expand_shape %[[QS]] {{.+}} into tensor<?x8x16xf32>
// CHECK:         %[[KS:.+]] = tensor.extract_slice %[[QKV]][0, 128] [%{{.+}}, 32] [1, 1]
// CHECK:         tensor.expand_shape %[[KS]] {{.+}} into tensor<?x2x16xf32>
// CHECK:         %[[VS:.+]] = tensor.extract_slice %[[QKV]][0, 160] [%{{.+}}, 32] [1, 1]
// CHECK:         tensor.expand_shape %[[VS]] {{.+}} into tensor<?x2x16xf32>
// CHECK:         linalg.generic {{.+}} ins(%{{.+}}, %{{.+}}, %[[QN]] : tensor<?x8x16xf32>, tensor<?x8xf32>, tensor<16xbf16>)
// CHECK:         linalg.generic {{.+}} ins(%{{.+}}, %{{.+}}, %[[KN]] : tensor<?x2x16xf32>, tensor<?x2xf32>, tensor<16xbf16>)
// CHECK:         return {{.+}} : tensor<?x8x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>
// CHECK-LABEL: func.func private @kernel_attention(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x96xf32>, {{.+}}, %[[Q:[^:]+]]: tensor<?x8x16xf32>, %[[WO:[^:]+]]: tensor<96x128xbf16>)
// CHECK-NOT:     ins(%[[X]]
// CHECK:         tensor.expand_shape %[[Q]] {{.+}} into tensor<?x2x4x16xf32>
!kv0q = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>
func.func @qkv_project(%x: tensor<?x96xf32>, %start: index, %c0: !kv0q, %w: tensor<192x96xbf16>,
    %qn: tensor<16xbf16>, %kn: tensor<16xbf16>, %wo: tensor<96x128xbf16>) -> tensor<?x96xf32> {
  %q, %k, %v = gemma.qkv_project %x, %start qkv(%w) q_norm(%qn) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<192x96xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> (tensor<?x8x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  %a = gemma.attention %x, %start, %c0, %k, %v queries(%q) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !kv0q, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<?x8x16xf32>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}

// -----

// Decode (one token, a static row count): the scores against the cached keys and P x V
// over the cached values are marked g4.streamed_weights (g4-vectorize-contractions
// prefetches key rows ahead, or reads K and V in chunks first); the block's are not.
// CHECK-LABEL: func.func private @kernel_attention(
// CHECK-SAME:      %{{[^:]+}}: tensor<1x96xf32>
// The cache's scores, then the block's (its keys were just computed: not marked), then
// P x V over the cache and the block.
// CHECK:         scf.for
// CHECK:           linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<2x4x16xf32>, tensor<?x2x16xf32>) outs(%{{.+}} : tensor<2x4x?xf32>) attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64, g4.streamed_weights}
// CHECK:           linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<2x4x16xf32>, tensor<?x2x16xf32>) outs(%{{.+}} : tensor<2x4x?xf32>) attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64} {
// CHECK:           linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<2x4x?xf32>, tensor<?x2x16xf32>) outs(%{{.+}} : tensor<2x4x16xf32>) attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64, g4.streamed_weights}
// CHECK:           linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<2x4x?xf32>, tensor<?x2x16xf32>) outs(%{{.+}} : tensor<2x4x16xf32>) attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64} {
!kv0d = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>
func.func @attention_decode(%x: tensor<1x96xf32>, %start: index, %c0: !kv0d, %w: tensor<192x96xbf16>,
    %qn: tensor<16xbf16>, %kn: tensor<16xbf16>, %wo: tensor<96x128xbf16>) -> tensor<1x96xf32> {
  %q, %k, %v = gemma.qkv_project %x, %start qkv(%w) q_norm(%qn) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<1x96xf32>, index, tensor<192x96xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> (tensor<1x8x16xf32>, tensor<1x2x16xf32>, tensor<1x2x16xf32>)
  %a = gemma.attention %x, %start, %c0, %k, %v queries(%q) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<1x96xf32>, index, !kv0d, tensor<1x2x16xf32>, tensor<1x2x16xf32>, tensor<1x8x16xf32>, tensor<96x128xbf16>) -> tensor<1x96xf32>
  return %a : tensor<1x96xf32>
}

// -----

// An f16 cache (g4c --kv-cache-type=f16) becomes tensor<2 x C x kv_heads x d x f16>. The
// attention rounds the block's own K and V to f16 first (a later call reads those
// positions from the cache, so decode equals prefill), and every contraction then reads
// f16 keys and values, widened in its body; the scores against the cache stay marked.
// CHECK-LABEL: func.func private @kernel_attention(
// CHECK-SAME:      %{{[^:]+}}: tensor<1x96xf32>, %{{[^:]+}}: index, %{{[^:]+}}: tensor<2x8x2x16xf16>, %[[K:[^:]+]]: tensor<1x2x16xf32>, %[[V:[^:]+]]: tensor<1x2x16xf32>
// CHECK:         %[[K16:.+]] = linalg.generic {{.+}} ins(%[[K]] : tensor<1x2x16xf32>) outs(%{{.+}} : tensor<1x2x16xf16>)
// CHECK:           arith.truncf %{{.+}} : f32 to f16
// CHECK:         %[[V16:.+]] = linalg.generic {{.+}} ins(%[[V]] : tensor<1x2x16xf32>) outs(%{{.+}} : tensor<1x2x16xf16>)
// CHECK:           arith.truncf %{{.+}} : f32 to f16
// CHECK:         scf.for
// CHECK:           linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<2x4x16xf32>, tensor<?x2x16xf16>) outs(%{{.+}} : tensor<2x4x?xf32>) attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64, g4.streamed_weights}
// CHECK:             arith.extf %{{.+}} : f16 to f32
// CHECK:           linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<2x4x16xf32>, tensor<?x2x16xf16>) outs(%{{.+}} : tensor<2x4x?xf32>) attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64} {
// CHECK:             arith.extf %{{.+}} : f16 to f32
// CHECK-COUNT-2:   linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<2x4x?xf32>, tensor<?x2x16xf16>) outs(%{{.+}} : tensor<2x4x16xf32>)
!kv16 = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f16>
func.func @attention_decode_f16(%x: tensor<1x96xf32>, %start: index, %c0: !kv16, %w: tensor<192x96xbf16>,
    %qn: tensor<16xbf16>, %kn: tensor<16xbf16>, %wo: tensor<96x128xbf16>) -> tensor<1x96xf32> {
  %q, %k, %v = gemma.qkv_project %x, %start qkv(%w) q_norm(%qn) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<1x96xf32>, index, tensor<192x96xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> (tensor<1x8x16xf32>, tensor<1x2x16xf32>, tensor<1x2x16xf32>)
  %a = gemma.attention %x, %start, %c0, %k, %v queries(%q) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<1x96xf32>, index, !kv16, tensor<1x2x16xf32>, tensor<1x2x16xf32>, tensor<1x8x16xf32>, tensor<96x128xbf16>) -> tensor<1x96xf32>
  return %a : tensor<1x96xf32>
}

// -----

// kv_append into an f16 cache: the block's K and V are rounded to f16 (to nearest even,
// arith.truncf), then their rows go into the ring as in the f32 case.
// CHECK-LABEL: func.func private @kernel_kv_append(
// CHECK-SAME:      %[[KC:[^:]+]]: tensor<2x8x2x16xf16>, %[[START:[^:]+]]: index, %[[K:[^:]+]]: tensor<?x2x16xf32>, %[[V:[^:]+]]: tensor<?x2x16xf32>) -> tensor<2x8x2x16xf16>
// CHECK:         %[[K16:.+]] = linalg.generic {{.+}} ins(%[[K]] : tensor<?x2x16xf32>) outs(%{{.+}} : tensor<?x2x16xf16>)
// CHECK:           arith.truncf %{{.+}} : f32 to f16
// CHECK:         %[[V16:.+]] = linalg.generic {{.+}} ins(%[[V]] : tensor<?x2x16xf32>) outs(%{{.+}} : tensor<?x2x16xf16>)
// CHECK:         scf.for
// CHECK:           %[[KROW:.+]] = tensor.extract_slice %[[K16]][%{{.+}}, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<?x2x16xf16> to tensor<2x16xf16>
// CHECK:           tensor.insert_slice %[[KROW]] into %{{.+}}[0, %{{.+}}, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : tensor<2x16xf16> into tensor<2x8x2x16xf16>
// CHECK:           %[[VROW:.+]] = tensor.extract_slice %[[V16]][%{{.+}}, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<?x2x16xf16> to tensor<2x16xf16>
// CHECK:           tensor.insert_slice %[[VROW]] into %{{.+}}[1, %{{.+}}, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : tensor<2x16xf16> into tensor<2x8x2x16xf16>
!kv16a = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f16>
func.func @kv_append_f16(%x: tensor<?x96xf32>, %start: index, %cache: !kv16a, %wk: tensor<32x96xbf16>,
    %kn: tensor<16xbf16>) -> !kv16a {
  %k, %v = gemma.kv_project %x, %start k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  %c = gemma.kv_append %cache, %start, %k, %v : (!kv16a, index, tensor<?x2x16xf32>, tensor<?x2x16xf32>) -> !kv16a
  return %c : !kv16a
}

// -----

// kv_project without a v weight (k_eq_v, f32 weights): a single contraction of the input
// (no other op reads it); V is the weightless RMSNorm of the raw K projection, taken
// before k_norm and RoPE.
// CHECK-LABEL: func.func private @kernel_kv_project(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<1x96xf32>, %[[START:[^:]+]]: index, %[[WK:[^:]+]]: tensor<32x96xf32>, %[[KN:[^:]+]]: tensor<32xbf16>)
// CHECK:         %[[KP:.+]] = linalg.generic {{.+}} ins(%[[X]], %[[WK]] : tensor<1x96xf32>, tensor<32x96xf32>)
// CHECK-NOT:     ins(%[[X]]
// CHECK:         %[[KRAW:.+]] = tensor.expand_shape %[[KP]]
// CHECK-NOT:     ins(%[[X]]
// CHECK:         linalg.generic {{.+}} ins(%[[KRAW]], %{{.+}}, %[[KN]] :
// CHECK-NOT:     ins(%[[X]]
// CHECK:         math.cos
// CHECK-NOT:     ins(%[[X]]
// CHECK:         %[[VSS:.+]] = linalg.generic {{.+}} ins(%[[KRAW]] : tensor<1x1x32xf32>)
// CHECK-NOT:     ins(%[[X]]
// CHECK:         linalg.generic {{.+}} ins(%[[KRAW]], %[[VSS]] : tensor<1x1x32xf32>, tensor<1x1xf32>)
// CHECK-NOT:     ins(%[[X]]
// CHECK:         return
func.func @k_eq_v(%x: tensor<1x96xf32>, %start: index, %wk: tensor<32x96xf32>,
    %kn: tensor<32xbf16>) -> (tensor<1x1x32xf32>, tensor<1x1x32xf32>) {
  %k, %v = gemma.kv_project %x, %start k(%wk) k_norm(%kn) {layer = 1 : i64, epsilon = 1.0e-6 : f32, format = #gemma.weight_format<f32>, rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 4>}
      : (tensor<1x96xf32>, index, tensor<32x96xf32>, tensor<32xbf16>) -> (tensor<1x1x32xf32>, tensor<1x1x32xf32>)
  return %k, %v : tensor<1x1x32xf32>, tensor<1x1x32xf32>
}

// -----

// kv_append: the !gemma.kv_cache argument and result become tensor<2 x C x kv_heads x d>
// (K at index 0, V at 1). The kernel loops over the kept block rows t in
// [max(0, T - C), T) and inserts row t of K and of V into slot (start + t) mod C.
// CHECK-LABEL: func.func @kv_append(
// CHECK-SAME:      %[[CACHE:[^:]+]]: tensor<2x8x2x16xf32>
// CHECK-SAME:      -> tensor<2x8x2x16xf32>
// CHECK:         %[[C:.+]] = call @kernel_kv_append(%[[CACHE]], %{{.+}}, %{{.+}}, %{{.+}}) : (tensor<2x8x2x16xf32>, index, tensor<?x2x16xf32>, tensor<?x2x16xf32>) -> tensor<2x8x2x16xf32>
// CHECK:         return %[[C]] : tensor<2x8x2x16xf32>
// CHECK-LABEL: func.func private @kernel_kv_append(
// CHECK-SAME:      %[[KC:[^:]+]]: tensor<2x8x2x16xf32>, %[[START:[^:]+]]: index, %[[K:[^:]+]]: tensor<?x2x16xf32>, %[[V:[^:]+]]: tensor<?x2x16xf32>) -> tensor<2x8x2x16xf32>
// CHECK:         %[[T:.+]] = tensor.dim %[[K]], %{{.+}} : tensor<?x2x16xf32>
// CHECK:         %[[CAP:.+]] = arith.constant 8 : index
// CHECK:         %[[OVER:.+]] = arith.subi %[[T]], %[[CAP]] : index
// CHECK:         %[[FIRST:.+]] = arith.maxsi %{{.+}}, %[[OVER]] : index
// CHECK:         %[[R:.+]] = scf.for %[[I:.+]] = %[[FIRST]] to %[[T]] step %{{.+}} iter_args(%[[ACC:.+]] = %[[KC]]) -> (tensor<2x8x2x16xf32>)
// CHECK:           %[[POS:.+]] = arith.addi %[[START]], %[[I]] : index
// CHECK:           %[[SLOT:.+]] = arith.remui %[[POS]], %[[CAP]] : index
// CHECK:           %[[KROW:.+]] = tensor.extract_slice %[[K]][%[[I]], 0, 0] [1, 2, 16] [1, 1, 1] : tensor<?x2x16xf32> to tensor<2x16xf32>
// CHECK:           %[[C1:.+]] = tensor.insert_slice %[[KROW]] into %[[ACC]][0, %[[SLOT]], 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : tensor<2x16xf32> into tensor<2x8x2x16xf32>
// CHECK:           %[[VROW:.+]] = tensor.extract_slice %[[V]][%[[I]], 0, 0] [1, 2, 16] [1, 1, 1] : tensor<?x2x16xf32> to tensor<2x16xf32>
// CHECK:           %[[C2:.+]] = tensor.insert_slice %[[VROW]] into %[[C1]][1, %[[SLOT]], 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : tensor<2x16xf32> into tensor<2x8x2x16xf32>
// CHECK:           scf.yield %[[C2]] : tensor<2x8x2x16xf32>
// CHECK:         return %[[R]] : tensor<2x8x2x16xf32>
!kv0 = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>
func.func @kv_append(%x: tensor<?x96xf32>, %start: index, %cache: !kv0, %wk: tensor<32x96xbf16>,
    %kn: tensor<16xbf16>) -> !kv0 {
  %k, %v = gemma.kv_project %x, %start k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  %c = gemma.kv_append %cache, %start, %k, %v : (!kv0, index, tensor<?x2x16xf32>, tensor<?x2x16xf32>) -> !kv0
  return %c : !kv0
}

// -----

// attention on a sliding layer (window 8, 8 query heads over 2 KV heads). Layer 3 is
// KV-shared (reads layer 0's cache and block) and differs from layer 0 only in `layer`,
// which is not part of the kernel signature: both calls go to ONE kernel. The kernel
// projects Q, applies q_norm and RoPE and groups the heads as rows: [2 kv heads, T * 4,
// 16]. The key axis lo .. start+T-1 (lo = max(0, start - 7)) runs in tiles of 8
// positions (the ring's capacity), aligned to positions: tiles lo / 8 .. (end - 1) / 8.
// A tile a .. e-1 (a = max(lo, 8i), e = min(8i + 8, end)) reads its positions before
// `start` from one ring slice at slot a mod 8 (K at [0], V at [1]) and the rest from the
// block, into the first e - a columns of a [2, M, 8] score buffer. Online softmax: the
// running max m (from the lowest finite float), the row sum l and the output acc are
// loop-carried; alpha = exp(m - m_new) is exactly 1 when the max stays. After the tiles,
// acc / l, the heads back in order and the O projection.
// CHECK-LABEL: func.func @attention_sliding(
// CHECK-SAME:      %[[CACHE:[^:]+]]: tensor<2x8x2x16xf32>
// CHECK:         %[[KV:.+]]:2 = call @kernel_kv_project(
// CHECK:         %[[A:.+]] = call @kernel_attention(%{{.+}}, %{{.+}}, %[[CACHE]], %[[KV]]#0, %[[KV]]#1, %{{.+}}, %{{.+}}, %{{.+}}) : (tensor<?x96xf32>, index, tensor<2x8x2x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
// CHECK:         call @kernel_attention(%[[A]], %{{.+}}, %[[CACHE]], %[[KV]]#0, %[[KV]]#1, %{{.+}}, %{{.+}}, %{{.+}})
// CHECK-NOT:   func.func private @kernel_attention_0
// CHECK-LABEL: func.func private @kernel_attention(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x96xf32>, %[[START:[^:]+]]: index, %[[C:[^:]+]]: tensor<2x8x2x16xf32>, %[[KB:[^:]+]]: tensor<?x2x16xf32>, %[[VB:[^:]+]]: tensor<?x2x16xf32>, %[[WQ:[^:]+]]: tensor<128x96xbf16>, %[[QN:[^:]+]]: tensor<16xbf16>, %[[WO:[^:]+]]: tensor<96x128xbf16>) -> tensor<?x96xf32>
// CHECK:         linalg.generic {{.+}} ins(%[[X]], %[[WQ]] : tensor<?x96xf32>, tensor<128x96xbf16>)
// CHECK:         tensor.expand_shape {{.+}} into tensor<?x8x16xf32>
// CHECK:         linalg.generic {{.+}} ins(%{{.+}}, %{{.+}}, %[[QN]] :
// CHECK:         math.cos
// CHECK:         %[[SPLIT:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2], [3]] {{.+}} : tensor<?x8x16xf32> into tensor<?x2x4x16xf32>
// CHECK:         %[[BYHEAD:.+]] = linalg.transpose ins(%[[SPLIT]] : tensor<?x2x4x16xf32>) outs(%{{.+}} : tensor<2x?x4x16xf32>) permutation = [1, 0, 2, 3]
// CHECK:         %[[Q:.+]] = tensor.collapse_shape %[[BYHEAD]] {{\[}}[0], [1, 2], [3]] : tensor<2x?x4x16xf32> into tensor<2x?x16xf32>
// CHECK:         %[[T:.+]] = tensor.dim %[[KB]], %{{.+}} : tensor<?x2x16xf32>
// CHECK:         %[[W1:.+]] = arith.constant 7 : index
// CHECK:         %[[BACK:.+]] = arith.subi %[[START]], %[[W1]] : index
// CHECK:         %[[LO:.+]] = arith.maxsi %{{.+}}, %[[BACK]] : index
// CHECK:         %[[END:.+]] = arith.addi %[[START]], %[[T]] : index
// CHECK:         %[[TILE:.+]] = arith.constant 8 : index
// CHECK:         %[[FIRSTTILE:.+]] = arith.divui %[[LO]], %[[TILE]] : index
// CHECK:         %[[LAST:.+]] = arith.subi %[[END]], %{{.+}} : index
// CHECK:         %[[LASTTILE:.+]] = arith.divui %[[LAST]], %[[TILE]] : index
// CHECK:         %[[ENDTILE:.+]] = arith.addi %[[LASTTILE]], %{{.+}} : index
// CHECK:         %[[LOWEST:.+]] = arith.constant -3.40282347E+38 : f32
// CHECK:         %[[M0:.+]] = linalg.fill ins(%[[LOWEST]] : f32) outs(%{{.+}} : tensor<2x?xf32>)
// CHECK:         %[[L0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x?xf32>)
// CHECK:         %[[ACC0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x?x16xf32>)
// CHECK:         %[[TILES:.+]]:3 = scf.for %[[I:.+]] = %[[FIRSTTILE]] to %[[ENDTILE]] step %{{.+}} iter_args(%[[M:.+]] = %[[M0]], %[[L:.+]] = %[[L0]], %[[ACC:.+]] = %[[ACC0]])
// CHECK:           %[[TB:.+]] = arith.muli %[[I]], %{{.+}} : index
// CHECK:           %[[TA:.+]] = arith.maxui %[[LO]], %[[TB]] : index
// CHECK:           %[[TNEXT:.+]] = arith.addi %[[TB]], %{{.+}} : index
// CHECK:           %[[TE:.+]] = arith.minui %[[TNEXT]], %[[END]] : index
// CHECK:           %[[AFTERSTART:.+]] = arith.maxui %[[START]], %[[TA]] : index
// CHECK:           %[[CACHEEND:.+]] = arith.minui %[[AFTERSTART]], %[[TE]] : index
// CHECK:           %[[FROMCACHE:.+]] = arith.subi %[[CACHEEND]], %[[TA]] : index
// CHECK:           %[[FROMBLOCK:.+]] = arith.subi %[[TE]], %[[CACHEEND]] : index
// CHECK:           %[[LEN:.+]] = arith.subi %[[TE]], %[[TA]] : index
// CHECK:           %[[BLOCKFIRST:.+]] = arith.subi %[[CACHEEND]], %[[START]] : index
// CHECK:           %[[SLOT:.+]] = arith.remui %[[TA]], %{{.+}} : index
// CHECK:           %[[BUF:.+]] = tensor.empty(%{{.+}}) : tensor<2x?x8xf32>
// CHECK:           %[[USED:.+]] = tensor.extract_slice %[[BUF]][0, 0, 0] [2, %{{.+}}, %[[LEN]]] [1, 1, 1] : tensor<2x?x8xf32> to tensor<2x?x?xf32>
// CHECK:           %[[ZEROED:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[USED]] : tensor<2x?x?xf32>)
// CHECK:           %[[K1:.+]] = tensor.extract_slice %[[C]][0, %[[SLOT]], 0, 0] [1, %[[FROMCACHE]], 2, 16] [1, 1, 1, 1] : tensor<2x8x2x16xf32> to tensor<?x2x16xf32>
// CHECK:           %[[S0:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[Q]], %[[K1]] : tensor<2x?x16xf32>, tensor<?x2x16xf32>) outs(%{{.+}} : tensor<2x?x?xf32>) attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64}
// CHECK:             arith.mulf %{{.+}} fastmath<reassoc,contract> : f32
// CHECK:             arith.addf %{{.+}} fastmath<reassoc,contract> : f32
// CHECK:           %[[S1:.+]] = tensor.insert_slice %[[S0]] into %[[ZEROED]][0, 0, %{{.+}}] [2, %{{.+}}, %[[FROMCACHE]]] [1, 1, 1]
// CHECK:           %[[KB1:.+]] = tensor.extract_slice %[[KB]][%[[BLOCKFIRST]], 0, 0] [%[[FROMBLOCK]], 2, 16] [1, 1, 1]
// CHECK:           %[[S2:.+]] = linalg.generic {{.+}} ins(%[[Q]], %[[KB1]] : tensor<2x?x16xf32>, tensor<?x2x16xf32>)
// CHECK:           %[[SCORES:.+]] = tensor.insert_slice %[[S2]] into %[[S1]][0, 0, %[[FROMCACHE]]] [2, %{{.+}}, %[[FROMBLOCK]]] [1, 1, 1]
// CHECK:           %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK:           %[[WIN:.+]] = arith.constant 8 : index
// CHECK:           %[[G:.+]] = arith.constant 4 : index
// The mask, the softmax steps and the normalisation split across query rows like the
// contractions (loop 1, at least G / 2 = 2 rows a task).
// CHECK:           %[[MASKED:.+]] = linalg.generic {{.+}} outs(%[[SCORES]] : tensor<2x?x?xf32>) attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64}
// CHECK:             %[[MROW:.+]] = linalg.index 1 : index
// CHECK:             %[[TQ:.+]] = arith.divui %[[MROW]], %[[G]] : index
// CHECK:             %[[QPOS:.+]] = arith.addi %[[START]], %[[TQ]] : index
// CHECK:             %[[J:.+]] = linalg.index 2 : index
// CHECK:             %[[KPOS:.+]] = arith.addi %[[TA]], %[[J]] : index
// CHECK:             %[[CAUSAL:.+]] = arith.cmpi ule, %[[KPOS]], %[[QPOS]] : index
// CHECK:             %[[KEND:.+]] = arith.addi %[[KPOS]], %[[WIN]] : index
// CHECK:             %[[INWIN:.+]] = arith.cmpi ugt, %[[KEND]], %[[QPOS]] : index
// CHECK:             %[[VIS:.+]] = arith.andi %[[CAUSAL]], %[[INWIN]] : i1
// CHECK:             arith.select %[[VIS]], %{{.+}}, %[[NEGINF]] : f32
// CHECK:           %[[TMAX:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[MASKED]] : {{.+}} attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64}
// CHECK:             arith.maximumf
// CHECK:           %[[UPD:.+]]:3 = linalg.generic {{.+}} ins(%[[TMAX]] : tensor<2x?xf32>) outs(%[[M]], %[[L]], %{{.+}} : tensor<2x?xf32>, tensor<2x?xf32>, tensor<2x?xf32>) attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64}
// CHECK-NEXT:      ^bb0(%[[TMAXV:.+]]: f32, %[[MV:.+]]: f32, %[[LV:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:        %[[MNEW:.+]] = arith.maximumf %[[MV]], %[[TMAXV]] : f32
// CHECK-NEXT:        %[[SAME:.+]] = arith.cmpf oeq, %[[MNEW]], %[[MV]] : f32
// CHECK-NEXT:        %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:        %[[DIFF:.+]] = arith.subf %[[MV]], %[[MNEW]] : f32
// CHECK-NEXT:        %[[EXPD:.+]] = math.exp %[[DIFF]] : f32
// CHECK-NEXT:        %[[ALPHA:.+]] = arith.select %[[SAME]], %[[ONE]], %[[EXPD]] : f32
// CHECK-NEXT:        %[[LSCALED:.+]] = arith.mulf %[[LV]], %[[ALPHA]] : f32
// CHECK-NEXT:        linalg.yield %[[MNEW]], %[[LSCALED]], %[[ALPHA]] : f32, f32, f32
// CHECK:           %[[EXP:.+]] = linalg.generic {{.+}} ins(%[[UPD]]#0 : tensor<2x?xf32>) outs(%[[MASKED]] : {{.+}} attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64}
// CHECK:             arith.subf
// CHECK:             math.exp
// CHECK:           %[[SUM:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[EXP]] : {{.+}} outs(%[[UPD]]#1 : tensor<2x?xf32>) attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64}
// CHECK:             arith.addf
// CHECK:           %[[RESCALED:.+]] = linalg.generic {{.+}} ins(%[[UPD]]#2 : tensor<2x?xf32>) outs(%[[ACC]] : tensor<2x?x16xf32>) attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64}
// CHECK:             arith.mulf
// P x V sums over the positions, the outer dim of the values, which stay in the cache.
// CHECK:           %[[W1COLS:.+]] = tensor.extract_slice %[[EXP]][0, 0, %{{.+}}] [2, %{{.+}}, %[[FROMCACHE]]] [1, 1, 1]
// CHECK:           %[[V1:.+]] = tensor.extract_slice %[[C]][1, %[[SLOT]], 0, 0] [1, %[[FROMCACHE]], 2, 16] [1, 1, 1, 1]
// CHECK:           %[[PV1:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[W1COLS]], %[[V1]] : tensor<2x?x?xf32>, tensor<?x2x16xf32>) outs(%[[RESCALED]] : tensor<2x?x16xf32>)
// CHECK:             arith.mulf %{{.+}} fastmath<reassoc,contract> : f32
// CHECK:           %[[W2COLS:.+]] = tensor.extract_slice %[[EXP]][0, 0, %[[FROMCACHE]]] [2, %{{.+}}, %[[FROMBLOCK]]] [1, 1, 1]
// CHECK:           %[[VB1:.+]] = tensor.extract_slice %[[VB]][%[[BLOCKFIRST]], 0, 0] [%[[FROMBLOCK]], 2, 16] [1, 1, 1]
// CHECK:           %[[PV2:.+]] = linalg.generic {{.+}} ins(%[[W2COLS]], %[[VB1]] : tensor<2x?x?xf32>, tensor<?x2x16xf32>) outs(%[[PV1]] : tensor<2x?x16xf32>)
// CHECK:           scf.yield %[[UPD]]#0, %[[SUM]], %[[PV2]] : tensor<2x?xf32>, tensor<2x?xf32>, tensor<2x?x16xf32>
// CHECK:         %[[NORMED:.+]] = linalg.generic {{.+}} ins(%[[TILES]]#1 : tensor<2x?xf32>) outs(%[[TILES]]#2 : {{.+}} attrs = {g4.min_task_size = 2 : i64, g4.parallel_dim = 1 : i64}
// CHECK:           arith.divf
// CHECK:         %[[UNGROUPED:.+]] = tensor.expand_shape %[[NORMED]] {{\[}}[0], [1, 2], [3]] {{.+}} : tensor<2x?x16xf32> into tensor<2x?x4x16xf32>
// CHECK:         %[[BYTOKEN:.+]] = linalg.transpose ins(%[[UNGROUPED]] : tensor<2x?x4x16xf32>) outs(%{{.+}} : tensor<?x2x4x16xf32>) permutation = [1, 0, 2, 3]
// CHECK:         %[[MERGED:.+]] = tensor.collapse_shape %[[BYTOKEN]] {{\[}}[0], [1, 2, 3]] : tensor<?x2x4x16xf32> into tensor<?x128xf32>
// CHECK:         linalg.generic {{.+}} ins(%[[MERGED]], %[[WO]] : tensor<?x128xf32>, tensor<96x128xbf16>)
!kv0 = !gemma.kv_cache<layer = 0, kind = sliding, capacity = 8, kv_heads = 2, head_dim = 16, element_type = f32>
func.func @attention_sliding(%x: tensor<?x96xf32>, %start: index, %c0: !kv0,
    %wk: tensor<32x96xbf16>, %kn: tensor<16xbf16>, %wq: tensor<128x96xbf16>,
    %qn: tensor<16xbf16>, %wo: tensor<96x128xbf16>) -> tensor<?x96xf32> {
  %k, %v = gemma.kv_project %x, %start k(%wk) v(%wk) k_norm(%kn) {layer = 0 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<16xbf16>) -> (tensor<?x2x16xf32>, tensor<?x2x16xf32>)
  %a = gemma.attention %x, %start, %c0, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 0 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !kv0, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  %b = gemma.attention %a, %start, %c0, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 3 : i64, kind = #gemma.attention_kind<sliding>, window = 8 : i64, num_heads = 8 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<default, theta = 1.0e4, rotated_pairs = 8>}
      : (tensor<?x96xf32>, index, !kv0, tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<128x96xbf16>, tensor<16xbf16>, tensor<96x128xbf16>) -> tensor<?x96xf32>
  return %b : tensor<?x96xf32>
}

// -----

// attention on a global layer: tiles of min(512, capacity) = 64 positions from lo = 0
// (the ring never wraps, so the cache slice starts at the tile's first position: no
// ring arithmetic),
// and the mask is causal only, with no window comparison. One KV head: the query heads
// become rows by reshapes alone, no transpose.
// CHECK-LABEL: func.func @attention_global(
// CHECK-SAME:      tensor<2x64x1x32xf32>
// CHECK-LABEL: func.func private @kernel_attention(
// CHECK-SAME:      %[[START:[^:]+]]: index, %[[C:[^:]+]]: tensor<2x64x1x32xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<?x2x32xf32> into tensor<?x32xf32>
// CHECK:         tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2]] {{.+}} : tensor<?x32xf32> into tensor<1x?x32xf32>
// CHECK:         arith.constant 64 : index
// CHECK:         scf.for
// CHECK:           %[[TA:.+]] = arith.maxui %{{.+}}, %{{.+}} : index
// CHECK-NOT:       arith.remui
// CHECK:           tensor.empty(%{{.+}}) : tensor<1x?x64xf32>
// CHECK:           tensor.extract_slice %[[C]][0, %[[TA]], 0, 0] [1, %{{.+}}, 1, 32] [1, 1, 1, 1] : tensor<2x64x1x32xf32> to tensor<?x1x32xf32>
// CHECK-NOT:       tensor.extract_slice %[[C]][0
// CHECK:           %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK:           linalg.generic
// CHECK:             %[[QPOS:.+]] = arith.addi %[[START]], %{{.+}} : index
// CHECK:             %[[KPOS:.+]] = arith.addi %[[TA]], %{{.+}} : index
// CHECK-NEXT:        %[[CAUSAL:.+]] = arith.cmpi ule, %[[KPOS]], %[[QPOS]] : index
// CHECK-NEXT:        %[[M:.+]] = arith.select %[[CAUSAL]], %{{.+}}, %[[NEGINF]] : f32
// CHECK-NEXT:        linalg.yield %[[M]]
// CHECK:           tensor.extract_slice %[[C]][1, %[[TA]], 0, 0]
// CHECK:           scf.yield
// CHECK-NOT:     linalg.transpose
// CHECK:         tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2, 3]] : tensor<1x?x2x32xf32> into tensor<?x64xf32>
!kv1 = !gemma.kv_cache<layer = 1, kind = global, capacity = 64, kv_heads = 1, head_dim = 32, element_type = f32>
func.func @attention_global(%x: tensor<?x96xf32>, %start: index, %c1: !kv1, %wk: tensor<32x96xbf16>,
    %kn: tensor<32xbf16>, %wq: tensor<64x96xbf16>, %qn: tensor<32xbf16>, %wo: tensor<96x64xbf16>) -> tensor<?x96xf32> {
  %k, %v = gemma.kv_project %x, %start k(%wk) v(%wk) k_norm(%kn) {layer = 1 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 4>}
      : (tensor<?x96xf32>, index, tensor<32x96xbf16>, tensor<32x96xbf16>, tensor<32xbf16>) -> (tensor<?x1x32xf32>, tensor<?x1x32xf32>)
  %a = gemma.attention %x, %start, %c1, %k, %v q(%wq) q_norm(%qn) o(%wo) {layer = 1 : i64, kind = #gemma.attention_kind<global>, window = 0 : i64, num_heads = 2 : i64, epsilon = 1.0e-6 : f32, rope = #gemma.rope<proportional, theta = 1.0e6, rotated_pairs = 4>}
      : (tensor<?x96xf32>, index, !kv1, tensor<?x1x32xf32>, tensor<?x1x32xf32>, tensor<64x96xbf16>, tensor<32xbf16>, tensor<96x64xbf16>) -> tensor<?x96xf32>
  return %a : tensor<?x96xf32>
}

// -----

// mlp: gate and up contractions, tanh-GELU(gate) * up in one element-wise generic, then
// the down contraction.
// CHECK-LABEL: func.func @mlp(
// CHECK:         call @kernel_mlp(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}) : (tensor<?x96xf32>, tensor<192x96xbf16>, tensor<192x96xbf16>, tensor<96x192xbf16>) -> tensor<?x96xf32>
// CHECK-LABEL: func.func private @kernel_mlp(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x96xf32>, %[[WG:[^:]+]]: tensor<192x96xbf16>, %[[WU:[^:]+]]: tensor<192x96xbf16>, %[[WD:[^:]+]]: tensor<96x192xbf16>)
// CHECK:         %[[G:.+]] = linalg.generic {{.+}} ins(%[[X]], %[[WG]] : tensor<?x96xf32>, tensor<192x96xbf16>)
// CHECK:         %[[U:.+]] = linalg.generic {{.+}} ins(%[[X]], %[[WU]] : tensor<?x96xf32>, tensor<192x96xbf16>)
// The activation splits across threads over the 192 features.
// CHECK:         %[[H:.+]] = linalg.generic {{.+}} ins(%[[G]], %[[U]] : tensor<?x192xf32>, tensor<?x192xf32>) {{.+}} attrs = {g4.parallel_dim = 1 : i64}
// CHECK:           arith.constant 4.471500e-02 : f32
// CHECK:           arith.constant 0.797884583 : f32
// CHECK:           math.tanh
// CHECK:           arith.constant 5.000000e-01 : f32
// CHECK:         linalg.generic {{.+}} ins(%[[H]], %[[WD]] : tensor<?x192xf32>, tensor<96x192xbf16>)
func.func @mlp(%x: tensor<?x96xf32>, %wg: tensor<192x96xbf16>, %wu: tensor<192x96xbf16>,
    %wd: tensor<96x192xbf16>) -> tensor<?x96xf32> {
  %y = gemma.mlp %x, %wg, %wu, %wd : (tensor<?x96xf32>, tensor<192x96xbf16>, tensor<192x96xbf16>, tensor<96x192xbf16>) -> tensor<?x96xf32>
  return %y : tensor<?x96xf32>
}

// -----

// moe (16 experts, top-4, width 16): the router is a norm, scale and contraction plus a
// row softmax over all tokens. A loop over tokens selects each token's top 4 experts by
// repeated arg-max over the not-yet-taken ones and stores them with their weights
// p / sum(p_topk) * per_expert_scale ([T, 4] each). Then a loop over the 16 experts in
// index order collects the tokens that chose the expert (in token order) and runs them
// in chunks of 32 rows, the rest in chunks of 8: the rows gathered into a [32, 96] (or
// [8, 96]) block, extract_slices of
// ONE expert's [2*16, 96] gate_up (its gate and up halves, two contractions, as the
// dense MLP's; the gated GELU marked to split only in their run) and [96, 16] down
// weights (no contraction ever reads the whole stacked expert tensors, and each
// expert's weights are read once per chunk), then each row's weighted output added to
// its token's row.
// CHECK-LABEL: func.func private @kernel_moe(
// CHECK-SAME:      %[[X:[^:]+]]: tensor<?x96xf32>, %[[R:[^:]+]]: tensor<?x96xf32>, %[[WR:[^:]+]]: tensor<16x96xbf16>, %[[RS:[^:]+]]: tensor<96xbf16>, %[[PES:[^:]+]]: tensor<16xbf16>, %[[GU:[^:]+]]: tensor<16x32x96xbf16>, %[[DN:[^:]+]]: tensor<16x96x16xbf16>) -> tensor<?x96xf32>
// CHECK:         linalg.generic {{.+}} ins(%[[R]] : tensor<?x96xf32>)
// CHECK:         ins(%{{.+}}, %[[WR]] : tensor<?x96xf32>, tensor<16x96xbf16>)
// CHECK:           arith.maximumf
// CHECK:           math.exp
// CHECK:         %[[PROBS:.+]] = linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<?x16xf32>, tensor<?xf32>)
// CHECK:           arith.divf
// CHECK:         %[[T:.+]] = tensor.dim %[[X]]
// CHECK:         %[[ROUTED:.+]]:2 = scf.for %[[TOK:.+]] = %{{.+}} to %[[T]] step %{{.+}} iter_args(%{{.+}}, %{{.+}}) -> (tensor<?x4xindex>, tensor<?x4xf32>)
// CHECK:           arith.constant dense<false> : tensor<16xi1>
// CHECK:           %[[TOPK:.+]] = arith.constant 4 : index
// CHECK:           %[[SEL:.+]]:4 = scf.for %{{.+}} to %[[TOPK]] {{.+}} -> (tensor<16xi1>, tensor<4xindex>, tensor<4xf32>, f32)
// CHECK:             %[[EXPERTS:.+]] = arith.constant 16 : index
// CHECK:             scf.for %[[E:.+]] = %{{.+}} to %[[EXPERTS]] {{.+}} -> (index, f32)
// CHECK:               tensor.extract %[[PROBS]][%[[TOK]], %[[E]]] : tensor<?x16xf32>
// CHECK:               arith.cmpf ogt
// CHECK:           scf.for %[[K:[^ ]+]] = {{.+}} -> (tensor<?x4xindex>, tensor<?x4xf32>)
// CHECK:             %[[EX:.+]] = tensor.extract %[[SEL]]#1[%[[K]]] : tensor<4xindex>
// CHECK:             tensor.extract %[[PES]][%[[EX]]] : tensor<16xbf16>
// CHECK:             tensor.insert %[[EX]] into %{{.+}}[%[[TOK]], %[[K]]] : tensor<?x4xindex>
// CHECK:         %[[OUT:.+]]:3 = scf.for %[[EXPERT:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}}, %{{.+}}, %{{.+}}) -> (tensor<?x96xf32>, tensor<?xindex>, tensor<?xf32>)
// CHECK:           %[[FOUND:.+]]:3 = scf.for %[[TT:.+]] = %{{.+}} to %[[T]] {{.+}} -> (index, tensor<?xindex>, tensor<?xf32>)
// CHECK:             scf.for %[[KK:[^ ]+]] =
// CHECK:               %[[CHOSEN:.+]] = tensor.extract %[[ROUTED]]#0[%[[TT]], %[[KK]]] : tensor<?x4xindex>
// CHECK:               %[[MATCH:.+]] = arith.cmpi eq, %[[CHOSEN]], %[[EXPERT]] : index
// CHECK:               scf.if %[[MATCH]] -> (index, tensor<?xindex>, tensor<?xf32>)
// CHECK:                 tensor.insert %[[TT]] into %{{.+}} : tensor<?xindex>
// CHECK:           %[[CHUNK:.+]] = arith.constant 32 : index
// CHECK:           %[[LEFT:.+]] = arith.remui %[[FOUND]]#0, %[[CHUNK]] : index
// CHECK:           %[[FULL:.+]] = arith.subi %[[FOUND]]#0, %[[LEFT]] : index
// CHECK:           %[[FULLOUT:.+]] = scf.for %{{.+}} = %{{.+}} to %[[FULL]] step %{{.+}} iter_args(%{{.+}}) -> (tensor<?x96xf32>)
// CHECK:             %[[USED:.+]] = arith.minui
// CHECK:             %[[BLOCK:.+]] = scf.for %{{.+}} to %[[USED]] {{.+}} -> (tensor<32x96xf32>)
// CHECK:               %[[ROW:.+]] = tensor.extract_slice %[[X]][%{{.+}}, 0] [1, 96] [1, 1] : tensor<?x96xf32> to tensor<1x96xf32>
// CHECK:               tensor.insert_slice %[[ROW]] into %{{.+}} : tensor<1x96xf32> into tensor<32x96xf32>
// CHECK:             %[[GE:.+]] = tensor.extract_slice %[[GU]][%[[EXPERT]], 0, 0] [1, 16, 96] [1, 1, 1] : tensor<16x32x96xbf16> to tensor<16x96xbf16>
// CHECK:             %[[GATE:.+]] = linalg.generic {{.+}} ins(%[[BLOCK]], %[[GE]] : tensor<32x96xf32>, tensor<16x96xbf16>)
// CHECK:             %[[UE:.+]] = tensor.extract_slice %[[GU]][%[[EXPERT]], 16, 0] [1, 16, 96] [1, 1, 1] : tensor<16x32x96xbf16> to tensor<16x96xbf16>
// CHECK:             %[[UP:.+]] = linalg.generic {{.+}} ins(%[[BLOCK]], %[[UE]] : tensor<32x96xf32>, tensor<16x96xbf16>)
// CHECK:             %[[ACT:.+]] = linalg.generic {{.+}} ins(%[[GATE]], %[[UP]] :
// CHECK-SAME:            attrs = {g4.parallel_dim = 1 : i64, g4.split_only_in_run}
// CHECK:               math.tanh
// CHECK:             %[[DNE:.+]] = tensor.extract_slice %[[DN]][%[[EXPERT]], 0, 0] [1, 96, 16] [1, 1, 1] : tensor<16x96x16xbf16> to tensor<96x16xbf16>
// CHECK:             %[[Y:.+]] = linalg.generic {{.+}} ins(%[[ACT]], %[[DNE]] : tensor<32x16xf32>, tensor<96x16xbf16>)
// CHECK:             scf.for %[[I:.+]] = %{{.+}} to %[[USED]] {{.+}} -> (tensor<?x96xf32>)
// CHECK:               %[[TOKEN:.+]] = tensor.extract %[[FOUND]]#1[%{{.+}}] : tensor<?xindex>
// CHECK:               %[[WEIGHT:.+]] = tensor.extract %[[FOUND]]#2[%{{.+}}] : tensor<?xf32>
// CHECK:               %[[YROW:.+]] = tensor.extract_slice %[[Y]][%[[I]], 0] [1, 96] [1, 1]
// CHECK:               %[[OROW:.+]] = tensor.extract_slice %{{.+}}[%[[TOKEN]], 0] [1, 96] [1, 1]
// CHECK:               %[[SUM:.+]] = linalg.generic {{.+}} ins(%[[YROW]] : tensor<1x96xf32>) outs(%[[OROW]] : tensor<1x96xf32>)
// CHECK:                 arith.mulf %[[WEIGHT]]
// CHECK:               tensor.insert_slice %[[SUM]] into %{{.+}}[%[[TOKEN]], 0] [1, 96] [1, 1] : tensor<1x96xf32> into tensor<?x96xf32>
// The rest of the expert's tokens in chunks of 8 rows.
// CHECK:           %[[TAIL:.+]] = arith.constant 8 : index
// CHECK:           scf.for %{{.+}} = %[[FULL]] to %[[FOUND]]#0 step %[[TAIL]] iter_args(%{{.+}} = %[[FULLOUT]]) -> (tensor<?x96xf32>)
// CHECK:             scf.for {{.+}} -> (tensor<8x96xf32>)
// CHECK:             linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<8x96xf32>, tensor<16x96xbf16>)
// CHECK:         return %[[OUT]]#0
// And over the whole output (NOCOPY): no op takes the stacked expert tensors as a
// linalg input.
// NOCOPY-NOT: ins({{.*}}tensor<16x32x96xbf16>
// NOCOPY-NOT: ins({{.*}}tensor<16x96x16xbf16>
func.func @moe(%x: tensor<?x96xf32>, %r: tensor<?x96xf32>, %router: tensor<16x96xbf16>,
    %rs: tensor<96xbf16>, %pes: tensor<16xbf16>, %gu: tensor<16x32x96xbf16>,
    %dn: tensor<16x96x16xbf16>) -> tensor<?x96xf32> {
  %m = gemma.moe %x, %r, %router, %rs, %pes, %gu, %dn {top_k = 4 : i64, epsilon = 1.0e-6 : f32}
      : (tensor<?x96xf32>, tensor<?x96xf32>, tensor<16x96xbf16>, tensor<96xbf16>, tensor<16xbf16>, tensor<16x32x96xbf16>, tensor<16x96x16xbf16>) -> tensor<?x96xf32>
  return %m : tensor<?x96xf32>
}

// -----

// Packed experts (q8_0: 3 blocks of 34 bytes per 96-wide row, width 32): the sizes come
// from the row counts, the slices keep the stored bytes, and each expert's projection is
// a packed contraction over blocks of a chunk's 32 rows.
// A decode kernel (one static token) takes chunks of one row, with no tail loop.
// CHECK-LABEL: func.func private @kernel_moe(
// CHECK-SAME:      %[[GU:[^:]+]]: tensor<16x64x102xi8>, %[[DN:[^:]+]]: tensor<16x96x34xi8>) -> tensor<?x96xf32>
// CHECK:             tensor.insert_slice %{{.+}} into %{{.+}} : tensor<1x96xf32> into tensor<32x96xf32>
// CHECK:             tensor.extract_slice %[[GU]][%{{.+}}, 0, 0] [1, 32, 102] [1, 1, 1] : tensor<16x64x102xi8> to tensor<32x102xi8>
// CHECK:             linalg.generic {{.+}} ins(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : tensor<32x3x32xf32>, tensor<32x3x34xi8>, {{.+}}) {{.+}} attrs = {g4.packed_format = "q8_0"
// CHECK:             tensor.extract_slice %[[GU]][%{{.+}}, 32, 0] [1, 32, 102] [1, 1, 1] : tensor<16x64x102xi8> to tensor<32x102xi8>
// CHECK:             linalg.generic {{.+}} ins(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : tensor<32x3x32xf32>, tensor<32x3x34xi8>, {{.+}}) {{.+}} attrs = {g4.packed_format = "q8_0"
// CHECK:             %[[DNE:.+]] = tensor.extract_slice %[[DN]][%{{.+}}, 0, 0] [1, 96, 34] [1, 1, 1] : tensor<16x96x34xi8> to tensor<96x34xi8>
// CHECK:             linalg.generic {{.+}} ins(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : tensor<32x1x32xf32>, tensor<96x1x34xi8>, {{.+}}) {{.+}} attrs = {g4.packed_format = "q8_0"
// CHECK:               tensor.insert_slice %{{.+}} into %{{.+}}[%{{.+}}, 0] [1, 96] [1, 1] : tensor<1x96xf32> into tensor<?x96xf32>
// CHECK-LABEL: func.func private @kernel_moe_0(
// CHECK-SAME:      %[[X1:[^:]+]]: tensor<1x96xf32>
// CHECK:           arith.constant 1 : index
// CHECK:             tensor.insert_slice %{{.+}} into %{{.+}} : tensor<1x96xf32> into tensor<1x96xf32>
// CHECK:             linalg.generic {{.+}} ins(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : tensor<1x3x32xf32>, tensor<32x3x34xi8>, {{.+}}) {{.+}} attrs = {g4.packed_format = "q8_0"
// CHECK-NOT:       arith.constant 8 : index
// CHECK:         return
func.func @moe_packed(%x: tensor<?x96xf32>, %r: tensor<?x96xf32>, %router: tensor<16x96xbf16>,
    %rs: tensor<96xbf16>, %pes: tensor<16xbf16>, %gu: tensor<16x64x102xi8>,
    %dn: tensor<16x96x34xi8>, %x1: tensor<1x96xf32>, %r1: tensor<1x96xf32>) -> (tensor<?x96xf32>, tensor<1x96xf32>) {
  %m = gemma.moe %x, %r, %router, %rs, %pes, %gu, %dn {top_k = 4 : i64, epsilon = 1.0e-6 : f32, format = #gemma.weight_format<q8_0>}
      : (tensor<?x96xf32>, tensor<?x96xf32>, tensor<16x96xbf16>, tensor<96xbf16>, tensor<16xbf16>, tensor<16x64x102xi8>, tensor<16x96x34xi8>) -> tensor<?x96xf32>
  %d = gemma.moe %x1, %r1, %router, %rs, %pes, %gu, %dn {top_k = 4 : i64, epsilon = 1.0e-6 : f32, format = #gemma.weight_format<q8_0>}
      : (tensor<1x96xf32>, tensor<1x96xf32>, tensor<16x96xbf16>, tensor<96xbf16>, tensor<16xbf16>, tensor<16x64x102xi8>, tensor<16x96x34xi8>) -> tensor<1x96xf32>
  return %m, %d : tensor<?x96xf32>, tensor<1x96xf32>
}

// -----

// bf16x64 experts of width 32: a half of gate_up is not whole groups of 64 rows, so gate
// and up stay one contraction on the expert's [64, 128] slice, read as halves, and the
// gated GELU is split on its own.
// CHECK-LABEL: func.func private @kernel_moe(
// CHECK-SAME:      %[[GU:[^:]+]]: tensor<16x64x128xbf16>, %[[DN:[^:]+]]: tensor<16x128x32xbf16>) -> tensor<?x128xf32>
// CHECK:             tensor.extract_slice %[[GU]][%{{.+}}, 0, 0] [1, 64, 128] [1, 1, 1] : tensor<16x64x128xbf16> to tensor<64x128xbf16>
// CHECK:             %[[GUY:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<32x1x64xf32>) attrs = {g4.interleaved_float
// CHECK:             tensor.extract_slice %{{.+}}[0, 0] [32, 32] [1, 1] : tensor<32x64xf32> to tensor<32x32xf32>
// CHECK:             tensor.extract_slice %{{.+}}[0, 32] [32, 32] [1, 1] : tensor<32x64xf32> to tensor<32x32xf32>
// CHECK:             linalg.generic
// CHECK-SAME:            attrs = {g4.parallel_dim = 1 : i64} {
// CHECK:               math.tanh
func.func @moe_grouped(%x: tensor<?x128xf32>, %r: tensor<?x128xf32>, %router: tensor<16x128xbf16>,
    %rs: tensor<128xbf16>, %pes: tensor<16xbf16>, %gu: tensor<16x64x128xbf16>,
    %dn: tensor<16x128x32xbf16>) -> tensor<?x128xf32> {
  %m = gemma.moe %x, %r, %router, %rs, %pes, %gu, %dn {top_k = 4 : i64, epsilon = 1.0e-6 : f32, format = #gemma.weight_format<bf16x64>}
      : (tensor<?x128xf32>, tensor<?x128xf32>, tensor<16x128xbf16>, tensor<128xbf16>, tensor<16xbf16>, tensor<16x64x128xbf16>, tensor<16x128x32xbf16>) -> tensor<?x128xf32>
  return %m : tensor<?x128xf32>
}

// -----

// ple_inputs: the table is read one row per token (a gather scaled by table_scale and
// split into [T, 10 layers, 16]); the projection of the embeddings is scaled, split and
// normed with the [16] norm; the sum is scaled by combine_scale.
// CHECK-LABEL: func.func private @kernel_ple_inputs(
// CHECK-SAME:      %[[TOK:[^:]+]]: tensor<?xi32>, %[[E:[^:]+]]: tensor<?x96xf32>, %[[TAB:[^:]+]]: tensor<512x160xbf16>, %[[PROJ:[^:]+]]: tensor<160x96xbf16>, %[[NORM:[^:]+]]: tensor<16xbf16>) -> tensor<?x10x16xf32>
// CHECK:         %[[TS:.+]] = arith.constant 4.000000e+00 : f32
// CHECK:         %[[ROWS:.+]] = linalg.generic {{.+}} ins(%[[TOK]] : tensor<?xi32>)
// CHECK:           tensor.extract %[[TAB]]
// CHECK:           arith.mulf %{{.+}}, %[[TS]] : f32
// CHECK:         %[[TOKP:.+]] = tensor.expand_shape %[[ROWS]] {{.+}} : tensor<?x160xf32> into tensor<?x10x16xf32>
// CHECK:         %[[P:.+]] = linalg.generic {{.+}} ins(%[[E]], %[[PROJ]] : tensor<?x96xf32>, tensor<160x96xbf16>)
// CHECK:         %[[PS:.+]] = arith.constant 0.102062076 : f32
// CHECK:         linalg.generic {{.+}} ins(%[[P]] :
// CHECK:           arith.mulf %{{.+}}, %[[PS]] : f32
// CHECK:         tensor.expand_shape {{.+}} into tensor<?x10x16xf32>
// CHECK:         %[[CTX:.+]] = linalg.generic {{.+}} ins(%{{.+}}, %{{.+}}, %[[NORM]] : tensor<?x10x16xf32>, tensor<?x10xf32>, tensor<16xbf16>)
// CHECK:         %[[CS:.+]] = arith.constant 0.707106769 : f32
// CHECK:         linalg.generic {{.+}} ins(%[[CTX]], %[[TOKP]] : tensor<?x10x16xf32>, tensor<?x10x16xf32>)
// CHECK:           %[[SUM:.+]] = arith.addf
// CHECK:           arith.mulf %[[SUM]], %[[CS]] : f32
func.func @ple_inputs(%tokens: tensor<?xi32>, %e: tensor<?x96xf32>, %table: tensor<512x160xbf16>,
    %proj: tensor<160x96xbf16>, %pn: tensor<16xbf16>) -> tensor<?x10x16xf32> {
  %ple = gemma.ple_inputs %tokens, %e, %table, %proj, %pn {table_scale = 4.0 : f32, projection_scale = 0.102062076 : f32, combine_scale = 0.707106769 : f32, epsilon = 1.0e-6 : f32}
      : (tensor<?xi32>, tensor<?x96xf32>, tensor<512x160xbf16>, tensor<160x96xbf16>, tensor<16xbf16>) -> tensor<?x10x16xf32>
  return %ple : tensor<?x10x16xf32>
}

// -----

// ple_branch is the one op whose `layer` matters to the code (it selects the layer's
// slice of the per-layer inputs): it is passed as a trailing index operand, so the
// branches of layers 9 and 2 still share ONE kernel, which slices ple[:, layer, :].
// CHECK-LABEL: func.func @ple_branch(
// CHECK:         %[[L9:.+]] = arith.constant 9 : index
// CHECK:         %[[G:.+]] = call @kernel_ple_branch(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[L9]]) : (tensor<?x96xf32>, tensor<?x10x16xf32>, tensor<16x96xbf16>, tensor<96x16xbf16>, index) -> tensor<?x96xf32>
// CHECK:         %[[L2:.+]] = arith.constant 2 : index
// CHECK:         call @kernel_ple_branch(%[[G]], %{{.+}}, %{{.+}}, %{{.+}}, %[[L2]])
// CHECK-NOT:   func.func private @kernel_ple_branch_0
// CHECK-LABEL: func.func private @kernel_ple_branch(
// CHECK-SAME:      %[[H:[^:]+]]: tensor<?x96xf32>, %[[PLE:[^:]+]]: tensor<?x10x16xf32>, %[[WG:[^:]+]]: tensor<16x96xbf16>, %[[WP:[^:]+]]: tensor<96x16xbf16>, %[[LAYER:[^:]+]]: index) -> tensor<?x96xf32>
// CHECK:         %[[GATE:.+]] = linalg.generic {{.+}} ins(%[[H]], %[[WG]] : tensor<?x96xf32>, tensor<16x96xbf16>)
// CHECK:         %[[SLICE:.+]] = tensor.extract_slice %[[PLE]][0, %[[LAYER]], 0] [%{{.+}}, 1, 16] [1, 1, 1] : tensor<?x10x16xf32> to tensor<?x16xf32>
// CHECK:         %[[GATED:.+]] = linalg.generic {{.+}} ins(%[[GATE]], %[[SLICE]] : tensor<?x16xf32>, tensor<?x16xf32>)
// CHECK:           math.tanh
// CHECK:         linalg.generic {{.+}} ins(%[[GATED]], %[[WP]] : tensor<?x16xf32>, tensor<96x16xbf16>)
func.func @ple_branch(%e: tensor<?x96xf32>, %ple: tensor<?x10x16xf32>, %gate: tensor<16x96xbf16>,
    %back: tensor<96x16xbf16>) -> tensor<?x96xf32> {
  %g = gemma.ple_branch %e, %ple, %gate, %back {layer = 9 : i64}
      : (tensor<?x96xf32>, tensor<?x10x16xf32>, tensor<16x96xbf16>, tensor<96x16xbf16>) -> tensor<?x96xf32>
  %h = gemma.ple_branch %g, %ple, %gate, %back {layer = 2 : i64}
      : (tensor<?x96xf32>, tensor<?x10x16xf32>, tensor<16x96xbf16>, tensor<96x16xbf16>) -> tensor<?x96xf32>
  return %h : tensor<?x96xf32>
}

// -----

// Kernel sharing across functions: a kernel is keyed by op name, operand/result types
// and attributes (minus `layer`). The rms_norms of @prefill and @decode with the same
// epsilon and types share @kernel_rms_norm; epsilon 1e-5 gets its own kernel; the same
// op on a static [1, 96] input (decode) is a different signature and another kernel.
// CHECK-LABEL: func.func @prefill(
// CHECK:         call @kernel_rms_norm(%{{.+}}, %{{.+}}) : (tensor<?x96xf32>, tensor<96xbf16>)
// CHECK:         call @kernel_rms_norm_0(%{{.+}}, %{{.+}}) : (tensor<?x96xf32>, tensor<96xbf16>)
// CHECK-LABEL: func.func @prefill_again(
// CHECK:         call @kernel_rms_norm(%{{.+}}, %{{.+}}) : (tensor<?x96xf32>, tensor<96xbf16>)
// CHECK-LABEL: func.func @decode(
// CHECK:         call @kernel_rms_norm_1(%{{.+}}, %{{.+}}) : (tensor<1x96xf32>, tensor<96xbf16>)
// CHECK:       func.func private @kernel_rms_norm(
// CHECK:         arith.constant 9.99999997E-7 : f32
// CHECK:       func.func private @kernel_rms_norm_0(
// CHECK:         arith.constant 9.99999974E-6 : f32
// CHECK:       func.func private @kernel_rms_norm_1(
// CHECK-NOT:   func.func private @kernel_rms_norm_2
func.func @prefill(%x: tensor<?x96xf32>, %w: tensor<96xbf16>) -> tensor<?x96xf32> {
  %a = gemma.rms_norm %x, %w {epsilon = 1.0e-6 : f32} : tensor<?x96xf32>, tensor<96xbf16>
  %b = gemma.rms_norm %a, %w {epsilon = 1.0e-5 : f32} : tensor<?x96xf32>, tensor<96xbf16>
  return %b : tensor<?x96xf32>
}
func.func @prefill_again(%x: tensor<?x96xf32>, %w: tensor<96xbf16>) -> tensor<?x96xf32> {
  %a = gemma.rms_norm %x, %w {epsilon = 1.0e-6 : f32} : tensor<?x96xf32>, tensor<96xbf16>
  return %a : tensor<?x96xf32>
}
func.func @decode(%x: tensor<1x96xf32>, %w: tensor<96xbf16>) -> tensor<1x96xf32> {
  %a = gemma.rms_norm %x, %w {epsilon = 1.0e-6 : f32} : tensor<1x96xf32>, tensor<96xbf16>
  return %a : tensor<1x96xf32>
}
