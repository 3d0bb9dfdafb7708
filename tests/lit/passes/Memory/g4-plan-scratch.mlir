// RUN: g4-opt %s --split-input-file --verify-diagnostics --g4-plan-scratch | FileCheck %s

// An entry as g4-bind-entry-points and g4-kernel-results-to-out-params leave it: tokens,
// start, a scratch argument marked g4.scratch, at most 16 tokens per call
// (g4.max_tokens), max_context 64.
//
// Frame of @g4_prefill: %a, %b and %c are n x 4 f32 (16n bytes, 64-aligned). %a is dead
// after the copy into %b, so %c takes its slot (slot 0); %b needs slot 1. Offsets are
// computed at the top of the function from the token count; each alloc becomes a view
// of the scratch at its slot's offset; the kernel gets the scratch after the frame.
// @kernel's frame: one buffer of start + n f32. The compile-time bound: the entry's
// frame at n = 16 is 256 + 256, the kernel's at start + n = 64 is 256: 768 bytes.
// For the decode entry (1 token): 64 + 64 + 256 = 384. The module records the larger.
//
// CHECK-LABEL: module attributes {g4.scratch_bytes = 768 : i64
// CHECK-LABEL: func.func @g4_prefill(
// CHECK-SAME:      %[[TOK:[^:]+]]: memref<?xi32>, %[[START:[^:]+]]: index, %[[S:[^:]+]]: memref<?xi8> {g4.scratch})
// CHECK-SAME:      attributes {g4.max_tokens = 16 : i64, g4.scratch_bytes = 768 : i64}
// The slot size, 16n rounded up to 64, and the offsets.
// CHECK:         %[[N:.+]] = memref.dim %[[TOK]], %{{.+}} : memref<?xi32>
// CHECK:         arith.muli %[[N]], %{{.+}} : index
// CHECK:         arith.andi
// CHECK:         %[[TOTAL:.+]] = memref.dim %[[S]], %{{.+}} : memref<?xi8>
// A frame that does not fit the scratch it is given traps instead of overrunning.
// CHECK:         %[[OVER:.+]] = arith.cmpi ugt, %{{.+}}, %[[TOTAL]] : index
// CHECK:         scf.if %[[OVER]] {
// CHECK-NEXT:      llvm.intr.trap
// CHECK:         %[[REST:.+]] = arith.subi %[[TOTAL]], %[[FRAME:.+]] : index
// CHECK:         %[[CALLEE:.+]] = memref.view %[[S]][%[[FRAME]]][%[[REST]]] : memref<?xi8> to memref<?xi8>
// CHECK:         %[[A:.+]] = memref.view %[[S]][%[[OFF0:.+]]][%{{.+}}] : memref<?xi8> to memref<?x4xf32>
// CHECK:         %[[B:.+]] = memref.view %[[S]][%[[OFF1:.+]]][%{{.+}}] : memref<?xi8> to memref<?x4xf32>
// CHECK:         memref.copy %[[A]], %[[B]]
// CHECK:         %[[C:.+]] = memref.view %[[S]][%[[OFF0]]][%{{.+}}] : memref<?xi8> to memref<?x4xf32>
// CHECK:         call @kernel(%[[C]], %[[START]], %[[CALLEE]]) : (memref<?x4xf32>, index, memref<?xi8>) -> ()
// CHECK-NOT:     memref.dealloc
module attributes {gemma.max_context = 64 : i64} {
  func.func @g4_prefill(%tokens: memref<?xi32>, %start: index, %scratch: memref<?xi8> {g4.scratch}) attributes {g4.max_tokens = 16 : i64} {
    %c0 = arith.constant 0 : index
    %zero = arith.constant 0.0 : f32
    %n = memref.dim %tokens, %c0 : memref<?xi32>
    %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x4xf32>
    linalg.fill ins(%zero : f32) outs(%a : memref<?x4xf32>)
    %b = memref.alloc(%n) {alignment = 64 : i64} : memref<?x4xf32>
    memref.copy %a, %b : memref<?x4xf32> to memref<?x4xf32>
    %c = memref.alloc(%n) {alignment = 64 : i64} : memref<?x4xf32>
    memref.copy %b, %c : memref<?x4xf32> to memref<?x4xf32>
    call @kernel(%c, %start) : (memref<?x4xf32>, index) -> ()
    memref.dealloc %a : memref<?x4xf32>
    return
  }
  func.func @g4_decode(%tokens: memref<?xi32>, %start: index, %scratch: memref<?xi8> {g4.scratch}) attributes {g4.max_tokens = 1 : i64} {
    %c0 = arith.constant 0 : index
    %n = memref.dim %tokens, %c0 : memref<?xi32>
    %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x4xf32>
    %b = memref.alloc(%n) {alignment = 64 : i64} : memref<?x4xf32>
    memref.copy %a, %b : memref<?x4xf32> to memref<?x4xf32>
    call @kernel(%b, %start) : (memref<?x4xf32>, index) -> ()
    return
  }
  // CHECK-LABEL: func.func private @kernel(
  // CHECK-SAME:      %[[X:[^:]+]]: memref<?x4xf32>, %[[ST:[^:]+]]: index, %[[KS:[^:]+]]: memref<?xi8> {g4.scratch})
  // CHECK:         arith.addi %[[ST]], %{{.+}} : index
  // CHECK:         memref.view %[[KS]][%{{.+}}][%{{.+}}] : memref<?xi8> to memref<?xf32>
  func.func private @kernel(%x: memref<?x4xf32>, %start: index) {
    %c0 = arith.constant 0 : index
    %zero = arith.constant 0.0 : f32
    %n = memref.dim %x, %c0 : memref<?x4xf32>
    %length = arith.addi %start, %n : index
    %history = memref.alloc(%length) {alignment = 64 : i64} : memref<?xf32>
    linalg.fill ins(%zero : f32) outs(%history : memref<?xf32>)
    return
  }
}

// -----

// A buffer that leaves its function through the results cannot live in its frame.
module attributes {gemma.max_context = 64 : i64} {
  func.func private @escapes() -> memref<4xf32> {
    // expected-error@+1 {{g4-plan-scratch: a buffer escapes @escapes through its results (run g4-kernel-results-to-out-params)}}
    %a = memref.alloc() : memref<4xf32>
    return %a : memref<4xf32>
  }
}

// -----

// A public function has no caller-provided scratch unless it declares one.
module attributes {gemma.max_context = 64 : i64} {
  // expected-error@+1 {{g4-plan-scratch: @public_alloc allocates buffers but has no argument marked g4.scratch}}
  func.func @public_alloc(%x: f32) {
    %a = memref.alloc() : memref<4xf32>
    linalg.fill ins(%x : f32) outs(%a : memref<4xf32>)
    return
  }
}

// -----

// Sizes must be computable from the entry's token count and start position.
module attributes {gemma.max_context = 64 : i64} {
  func.func @g4_prefill(%tokens: memref<?xi32>, %start: index, %scratch: memref<?xi8> {g4.scratch}) attributes {g4.max_tokens = 4 : i64} {
    %c0 = arith.constant 0 : index
    // expected-error@+1 {{a buffer size depends on 'memref.load', which cannot be evaluated before the function runs}}
    %t = memref.load %tokens[%c0] : memref<?xi32>
    %n = arith.index_cast %t : i32 to index
    %a = memref.alloc(%n) : memref<?xf32>
    return
  }
}

// -----

// The token limit must fit the context the KV plan holds.
module attributes {gemma.max_context = 64 : i64} {
  // expected-error@+1 {{g4-plan-scratch: g4.max_tokens = 65 must be in [1, max_context = 64]}}
  func.func @g4_prefill(%tokens: memref<?xi32>, %start: index, %scratch: memref<?xi8> {g4.scratch}) attributes {g4.max_tokens = 65 : i64} {
    return
  }
}

// -----

// expected-error@+1 {{g4-plan-scratch: the module has no gemma.max_context}}
module {
  func.func @g4_prefill(%tokens: memref<?xi32>, %start: index, %scratch: memref<?xi8> {g4.scratch}) attributes {g4.max_tokens = 4 : i64} {
    return
  }
}

// -----

// A buffer allocated in a loop and yielded to the next iteration would need a slot per
// iteration: refused rather than laid out in one place.
module attributes {gemma.max_context = 64 : i64} {
  func.func private @carried(%init: memref<4xf32>, %n: index) -> memref<4xf32> {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %init) -> (memref<4xf32>) {
      // expected-error@+1 {{g4-plan-scratch: a buffer allocated in a loop is carried to the next iteration}}
      %next = memref.alloc() : memref<4xf32>
      memref.copy %acc, %next : memref<4xf32> to memref<4xf32>
      scf.yield %next : memref<4xf32>
    }
    %out = memref.alloc() : memref<4xf32>
    return %init : memref<4xf32>
  }
}

// -----

// The arena aligns to 64 bytes; a buffer that asks for more is refused.
module attributes {gemma.max_context = 64 : i64} {
  func.func private @overaligned() {
    // expected-error@+1 {{g4-plan-scratch: alignment 128 exceeds the scratch arena's 64}}
    %a = memref.alloc() {alignment = 128 : i64} : memref<4xf32>
    return
  }
}
