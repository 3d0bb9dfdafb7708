// RUN: g4-opt %s --split-input-file --verify-diagnostics --g4-bind-entry-points \
// RUN:   | FileCheck %s --implicit-check-not='gemma.param @' --implicit-check-not='gemma.weight @'

// The input is what g4-gemma-plan-memory and g4-gemma-to-linalg leave, written by hand
// with the kernels reduced to declarations that carry their g4.kernel_key: planned
// module attributes and param offsets, entry functions on tensors with KV caches as
// tensor<2 x C x kv_heads x d>.
//
// Each `gemma.entry` function becomes @g4_<entry>(tokens, start, weights, kv, scratch,
// logits, parallel) with a C interface and no results; the scratch argument is marked
// for g4-plan-scratch, and each entry carries the most tokens one call takes (decode 1,
// prefill the module's gemma.max_prefill_tokens); tokens are a read-only tensor of the
// caller's buffer; every gemma.weight becomes a read-only (restrict, not writable)
// tensor of a memref.view of the weight data at the param's planned offset; every cache
// argument a restrict writable tensor of a view of the KV arena at its planned offset
// (in signature order); the logits and the updated caches are materialized into the
// caller's logits buffer and the cache views; the caller's g4_parallel_t* is appended
// to every kernel call, and once to each kernel's signature even when both entries
// call it. Prefill's third argument, how many of its last tokens get logits, is the
// row count of the caller's logits buffer. gemma.param and gemma.weight are gone
// (implicit checks).

// CHECK-LABEL: func.func @g4_prefill(
// CHECK-SAME:      %[[TOK:[^:]+]]: memref<?xi32>, %[[START:[^:]+]]: index, %[[W:[^:]+]]: memref<?xi8>, %[[KV:[^:]+]]: memref<?xi8>, %{{[^:]+}}: memref<?xi8> {g4.scratch}, %[[LOGITS:[^:]+]]: memref<?x?xf32>, %[[PAR:[^:]+]]: !llvm.ptr)
// CHECK-SAME:      attributes {g4.max_tokens = 32 : i64, llvm.emit_c_interface} {
// CHECK:         %[[T:.+]] = bufferization.to_tensor %[[TOK]] restrict : memref<?xi32> to tensor<?xi32>
// CHECK:         %[[TT:.+]] = tensor.cast %[[T]] : tensor<?xi32> to tensor<?xi32>
// CHECK:         %[[ROWS:.+]] = memref.dim %[[LOGITS]], %{{.+}} : memref<?x?xf32>
// CHECK:         %[[O0:.+]] = arith.constant 0 : index
// CHECK:         %[[V0:.+]] = memref.view %[[KV]][%[[O0]]][] : memref<?xi8> to memref<2x8x1x16xf32>
// CHECK:         %[[C0:.+]] = bufferization.to_tensor %[[V0]] restrict writable : memref<2x8x1x16xf32> to tensor<2x8x1x16xf32>
// CHECK:         %[[O1:.+]] = arith.constant 1024 : index
// CHECK:         %[[V1:.+]] = memref.view %[[KV]][%[[O1]]][] : memref<?xi8> to memref<2x64x1x32xf32>
// CHECK:         %[[C1:.+]] = bufferization.to_tensor %[[V1]] restrict writable : memref<2x64x1x32xf32> to tensor<2x64x1x32xf32>
// CHECK:         %[[OE:.+]] = arith.constant 0 : index
// CHECK:         %[[VE:.+]] = memref.view %[[W]][%[[OE]]][] : memref<?xi8> to memref<512x96xbf16>
// CHECK:         %[[E:.+]] = bufferization.to_tensor %[[VE]] restrict : memref<512x96xbf16> to tensor<512x96xbf16>
// CHECK:         %[[H:.+]] = call @kernel_embed(%[[TT]], %[[E]], %[[PAR]])
// CHECK:         %[[ON:.+]] = arith.constant 98304 : index
// CHECK:         %[[VN:.+]] = memref.view %[[W]][%[[ON]]][] : memref<?xi8> to memref<96xbf16>
// CHECK:         %[[N:.+]] = bufferization.to_tensor %[[VN]] restrict : memref<96xbf16> to tensor<96xbf16>
// CHECK:         %[[Y:.+]] = call @kernel_rms_norm(%[[H]], %[[N]], %[[ROWS]], %[[PAR]])
// CHECK:         %[[L:.+]] = call @kernel_linear(%[[Y]], %[[E]], %[[PAR]])
// CHECK:         %[[C0N:.+]] = call @kernel_kv_append(%[[C0]], %[[START]], %[[PAR]])
// CHECK:         %[[LC:.+]] = tensor.cast %[[L]] : tensor<?x512xf32> to tensor<?x?xf32>
// CHECK:         bufferization.materialize_in_destination %[[LC]] in restrict writable %[[LOGITS]] : (tensor<?x?xf32>, memref<?x?xf32>) -> ()
// CHECK:         bufferization.materialize_in_destination %[[C0N]] in restrict writable %[[V0]] : (tensor<2x8x1x16xf32>, memref<2x8x1x16xf32>) -> ()
// CHECK:         bufferization.materialize_in_destination %[[C1]] in restrict writable %[[V1]] : (tensor<2x64x1x32xf32>, memref<2x64x1x32xf32>) -> ()
// CHECK-NEXT:    return{{$}}
// Decode: the same ABI; the one-token input is cast to the static shape, the same
// planned offsets are used for the same caches and weights.
// CHECK-LABEL: func.func @g4_decode(
// CHECK-SAME:      %{{[^:]+}}: memref<?xi32>, %[[START:[^:]+]]: index, %[[W:[^:]+]]: memref<?xi8>, %[[KV:[^:]+]]: memref<?xi8>, %{{[^:]+}}: memref<?xi8> {g4.scratch}, %[[LOGITS:[^:]+]]: memref<?x?xf32>, %[[PAR:[^:]+]]: !llvm.ptr)
// CHECK-SAME:      attributes {g4.max_tokens = 1 : i64, llvm.emit_c_interface} {
// CHECK:         tensor.cast %{{.+}} : tensor<?xi32> to tensor<1xi32>
// CHECK:         %[[O0:.+]] = arith.constant 0 : index
// CHECK:         %[[V0:.+]] = memref.view %[[KV]][%[[O0]]][] : memref<?xi8> to memref<2x8x1x16xf32>
// CHECK:         %[[C0:.+]] = bufferization.to_tensor %[[V0]] restrict writable
// CHECK:         %[[O1:.+]] = arith.constant 1024 : index
// CHECK:         %[[V1:.+]] = memref.view %[[KV]][%[[O1]]][] : memref<?xi8> to memref<2x64x1x32xf32>
// CHECK:         %[[OE:.+]] = arith.constant 0 : index
// CHECK:         memref.view %[[W]][%[[OE]]][] : memref<?xi8> to memref<512x96xbf16>
// CHECK:         %[[L:.+]] = call @kernel_embed_1(%{{.+}}, %{{.+}}, %[[PAR]])
// CHECK:         %[[C0N:.+]] = call @kernel_kv_append(%[[C0]], %[[START]], %[[PAR]])
// CHECK:         %[[LC:.+]] = tensor.cast %[[L]] : tensor<1x512xf32> to tensor<?x?xf32>
// CHECK:         bufferization.materialize_in_destination %[[LC]] in restrict writable %[[LOGITS]]
// CHECK:         bufferization.materialize_in_destination %[[C0N]] in restrict writable %[[V0]]
// CHECK:         bufferization.materialize_in_destination %{{.+}} in restrict writable %[[V1]]
// The model functions themselves are replaced, not kept beside the entry points.
// CHECK-NOT:   func.func @prefill
// CHECK-NOT:   func.func @decode
// CHECK:       func.func private @kernel_embed(tensor<?xi32>, tensor<512x96xbf16>, !llvm.ptr) -> tensor<?x96xf32>
// CHECK:       func.func private @kernel_embed_1(tensor<1xi32>, tensor<512x96xbf16>, !llvm.ptr) -> tensor<1x512xf32>
// CHECK:       func.func private @kernel_kv_append(tensor<2x8x1x16xf32>, index, !llvm.ptr) -> tensor<2x8x1x16xf32>
module attributes {gemma.kv_bytes = 17408 : i64, gemma.kv_plan = [{bytes = 1024 : i64, capacity = 8 : i64, head_dim = 16 : i64, kind = "sliding", kv_heads = 1 : i64, layer = 0 : i64, offset = 0 : i64}, {bytes = 16384 : i64, capacity = 64 : i64, head_dim = 32 : i64, kind = "global", kv_heads = 1 : i64, layer = 1 : i64, offset = 1024 : i64}], gemma.max_context = 64 : i64, gemma.max_prefill_tokens = 32 : i64, gemma.weights_bytes = 98496 : i64} {
  gemma.param @embed_tokens.weight : tensor<512x96xbf16> {offset = 0 : i64}
  gemma.param @norm.weight : tensor<96xbf16> {offset = 98304 : i64}
  func.func @prefill(%tokens: tensor<?xi32>, %start: index, %rows: index, %c0: tensor<2x8x1x16xf32>, %c1: tensor<2x64x1x32xf32>) -> (tensor<?x512xf32>, tensor<2x8x1x16xf32>, tensor<2x64x1x32xf32>) attributes {gemma.entry = "prefill"} {
    %table = gemma.weight @embed_tokens.weight : tensor<512x96xbf16>
    %h = call @kernel_embed(%tokens, %table) : (tensor<?xi32>, tensor<512x96xbf16>) -> tensor<?x96xf32>
    %w = gemma.weight @norm.weight : tensor<96xbf16>
    %n = call @kernel_rms_norm(%h, %w, %rows) : (tensor<?x96xf32>, tensor<96xbf16>, index) -> tensor<?x96xf32>
    %logits = call @kernel_linear(%n, %table) : (tensor<?x96xf32>, tensor<512x96xbf16>) -> tensor<?x512xf32>
    %c0n = call @kernel_kv_append(%c0, %start) : (tensor<2x8x1x16xf32>, index) -> tensor<2x8x1x16xf32>
    return %logits, %c0n, %c1 : tensor<?x512xf32>, tensor<2x8x1x16xf32>, tensor<2x64x1x32xf32>
  }
  func.func @decode(%tokens: tensor<1xi32>, %start: index, %c0: tensor<2x8x1x16xf32>, %c1: tensor<2x64x1x32xf32>) -> (tensor<1x512xf32>, tensor<2x8x1x16xf32>, tensor<2x64x1x32xf32>) attributes {gemma.entry = "decode"} {
    %table = gemma.weight @embed_tokens.weight : tensor<512x96xbf16>
    %h = call @kernel_embed_1(%tokens, %table) : (tensor<1xi32>, tensor<512x96xbf16>) -> tensor<1x512xf32>
    %c0n = call @kernel_kv_append(%c0, %start) : (tensor<2x8x1x16xf32>, index) -> tensor<2x8x1x16xf32>
    return %h, %c0n, %c1 : tensor<1x512xf32>, tensor<2x8x1x16xf32>, tensor<2x64x1x32xf32>
  }
  func.func private @kernel_embed(tensor<?xi32>, tensor<512x96xbf16>) -> tensor<?x96xf32> attributes {g4.kernel_key = "embed ?"}
  func.func private @kernel_embed_1(tensor<1xi32>, tensor<512x96xbf16>) -> tensor<1x512xf32> attributes {g4.kernel_key = "embed 1"}
  func.func private @kernel_rms_norm(tensor<?x96xf32>, tensor<96xbf16>, index) -> tensor<?x96xf32> attributes {g4.kernel_key = "rms_norm"}
  func.func private @kernel_linear(tensor<?x96xf32>, tensor<512x96xbf16>) -> tensor<?x512xf32> attributes {g4.kernel_key = "linear"}
  func.func private @kernel_kv_append(tensor<2x8x1x16xf32>, index) -> tensor<2x8x1x16xf32> attributes {g4.kernel_key = "kv_append"}
}

// -----

// Without the plan (g4-gemma-plan-memory not run) there are no offsets to bind to.
// expected-error@+1 {{the module has no memory plan (run g4-gemma-plan-memory)}}
module {
  gemma.param @w : tensor<4xf32>
  func.func @prefill(%tokens: tensor<?xi32>, %start: index, %rows: index) -> tensor<?x4xf32> attributes {gemma.entry = "prefill"} {
    %w = gemma.weight @w : tensor<4xf32>
    %y = call @kernel(%tokens, %w) : (tensor<?xi32>, tensor<4xf32>) -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }
  func.func private @kernel(tensor<?xi32>, tensor<4xf32>) -> tensor<?x4xf32>
}

// -----

// Without gemma.max_prefill_tokens or gemma.max_context the prefill entry has no bound
// for its scratch.
// expected-error@+1 {{g4-bind-entry-points: the module needs a positive gemma.max_prefill_tokens or gemma.max_context}}
module attributes {gemma.kv_bytes = 0 : i64, gemma.kv_plan = [], gemma.weights_bytes = 0 : i64} {
  func.func @prefill(%tokens: tensor<?xi32>, %start: index, %rows: index) -> tensor<?x4xf32> attributes {gemma.entry = "prefill"} {
    %y = call @kernel(%tokens) : (tensor<?xi32>) -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }
  func.func private @kernel(tensor<?xi32>) -> tensor<?x4xf32>
}

// -----

// An entry whose cache arguments do not match the planned KV buffers one to one is an
// error rather than views at the wrong offsets.
module attributes {gemma.kv_bytes = 2048 : i64, gemma.kv_plan = [{bytes = 1024 : i64, capacity = 8 : i64, head_dim = 16 : i64, kind = "sliding", kv_heads = 1 : i64, layer = 0 : i64, offset = 0 : i64}, {bytes = 1024 : i64, capacity = 8 : i64, head_dim = 16 : i64, kind = "sliding", kv_heads = 1 : i64, layer = 1 : i64, offset = 1024 : i64}], gemma.max_context = 64 : i64, gemma.weights_bytes = 0 : i64} {
  // expected-error@+1 {{g4-bind-entry-points: 1 cache arguments but 2 planned KV buffers}}
  func.func @decode(%tokens: tensor<1xi32>, %start: index, %c0: tensor<2x8x1x16xf32>) -> (tensor<1x4xf32>, tensor<2x8x1x16xf32>) attributes {gemma.entry = "decode"} {
    %y = call @kernel(%tokens) : (tensor<1xi32>) -> tensor<1x4xf32>
    return %y, %c0 : tensor<1x4xf32>, tensor<2x8x1x16xf32>
  }
  func.func private @kernel(tensor<1xi32>) -> tensor<1x4xf32>
}

// -----

// A prefill entry without its logit-rows argument is refused, naming the signature.
module attributes {gemma.kv_bytes = 0 : i64, gemma.kv_plan = [], gemma.max_context = 64 : i64, gemma.weights_bytes = 0 : i64} {
  // expected-error@+1 {{g4-bind-entry-points: the prefill entry takes (tokens, start, logit rows, caches...) with index start and logit rows; found '(tensor<?xi32>, index) -> tensor<?x4xf32>'}}
  func.func @prefill(%tokens: tensor<?xi32>, %start: index) -> tensor<?x4xf32> attributes {gemma.entry = "prefill"} {
    %y = call @kernel(%tokens) : (tensor<?xi32>) -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }
  func.func private @kernel(tensor<?xi32>) -> tensor<?x4xf32>
}
