// RUN: g4-opt %s --split-input-file --verify-diagnostics --g4-kernel-results-to-out-params \
// RUN:   | FileCheck %s

// A kernel's returned buffers become out-parameters, inserted before its trailing
// g4_parallel_t*; each caller allocates them just before the call, with the sizes
// recomputed from the call's operands (here: a dimension of an argument, and an index
// argument plus that dimension).
// CHECK-LABEL: func.func private @kernel(
// CHECK-SAME:      %[[X:[^:]+]]: memref<?x4xf32>, %[[N:[^:]+]]: index, %[[A:[^:]+]]: memref<?x8xf32>, %[[B:[^:]+]]: memref<4x?xf32>, %{{[^:]+}}: !llvm.ptr)
// CHECK-SAME:      attributes {g4.parallel_arg} {
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%[[A]] : memref<?x8xf32>)
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%[[B]] : memref<4x?xf32>)
// CHECK-NEXT:    return{{$}}
func.func private @kernel(%x: memref<?x4xf32>, %n: index, %p: !llvm.ptr) -> (memref<?x8xf32>, memref<4x?xf32>) attributes {g4.parallel_arg} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %d = memref.dim %x, %c0 : memref<?x4xf32>
  %a = memref.alloc(%d) {alignment = 64 : i64} : memref<?x8xf32>
  linalg.fill ins(%zero : f32) outs(%a : memref<?x8xf32>)
  %m = arith.addi %n, %d : index
  %b = memref.alloc(%m) {alignment = 64 : i64} : memref<4x?xf32>
  linalg.fill ins(%zero : f32) outs(%b : memref<4x?xf32>)
  return %a, %b : memref<?x8xf32>, memref<4x?xf32>
}

// CHECK-LABEL: func.func @caller(
// CHECK-SAME:      %[[Y:[^:]+]]: memref<?x4xf32>, %[[K:[^:]+]]: index, %[[P:[^:]+]]: !llvm.ptr, %[[OUT:[^:]+]]: memref<?x8xf32>)
// CHECK:         %[[C0:.+]] = arith.constant 0 : index
// CHECK:         %[[D:.+]] = memref.dim %[[Y]], %[[C0]] : memref<?x4xf32>
// CHECK:         %[[RA:.+]] = memref.alloc(%[[D]]) {alignment = 64 : i64} : memref<?x8xf32>
// CHECK:         %[[M:.+]] = arith.addi %[[K]], %[[D]] : index
// CHECK:         %[[RB:.+]] = memref.alloc(%[[M]]) {alignment = 64 : i64} : memref<4x?xf32>
// CHECK:         call @kernel(%[[Y]], %[[K]], %[[RA]], %[[RB]], %[[P]]) : (memref<?x4xf32>, index, memref<?x8xf32>, memref<4x?xf32>, !llvm.ptr) -> ()
// CHECK:         memref.copy %[[RA]], %[[OUT]]
// CHECK:         memref.copy %[[RA]], %[[OUT]]
func.func @caller(%y: memref<?x4xf32>, %k: index, %p: !llvm.ptr, %out: memref<?x8xf32>) {
  %r:2 = call @kernel(%y, %k, %p) : (memref<?x4xf32>, index, !llvm.ptr) -> (memref<?x8xf32>, memref<4x?xf32>)
  memref.copy %r#0, %out : memref<?x8xf32> to memref<?x8xf32>
  memref.copy %r#0, %out : memref<?x8xf32> to memref<?x8xf32>
  return
}

// -----

// A result that is not a buffer the kernel allocates (an argument, a view) cannot move
// to the caller.
// expected-error@+1 {{g4-kernel-results-to-out-params: result #0 of @returns_view is not a buffer the function allocates at its top level}}
func.func private @returns_view(%x: memref<8xf32>) -> memref<4xf32> {
  %a = memref.alloc() : memref<8xf32>
  %v = memref.subview %a[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
  %c = memref.cast %v : memref<4xf32, strided<[1]>> to memref<4xf32>
  return %c : memref<4xf32>
}

// -----

// expected-error@+1 {{g4-kernel-results-to-out-params: @twice returns one buffer twice}}
func.func private @twice() -> (memref<4xf32>, memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  return %a, %a : memref<4xf32>, memref<4xf32>
}

// -----

// A size the caller cannot recompute (it comes from memory) is an error at the call.
func.func private @loaded(%x: memref<1xindex>) -> memref<?xf32> {
  %c0 = arith.constant 0 : index
  // expected-error@+1 {{a buffer size depends on 'memref.load', which cannot be evaluated before the function runs}}
  %n = memref.load %x[%c0] : memref<1xindex>
  %a = memref.alloc(%n) : memref<?xf32>
  return %a : memref<?xf32>
}
func.func @load_caller(%x: memref<1xindex>) {
  // expected-error@+1 {{g4-kernel-results-to-out-params: cannot compute the size of a result of @loaded at this call}}
  %r = call @loaded(%x) : (memref<1xindex>) -> memref<?xf32>
  return
}

// -----

// A result that is only copied into a caller's argument (an entry's logits) is written
// there directly: no buffer, no copy.
func.func private @head(%x: memref<?x4xf32>) -> memref<?x8xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %d = memref.dim %x, %c0 : memref<?x4xf32>
  %a = memref.alloc(%d) : memref<?x8xf32>
  linalg.fill ins(%zero : f32) outs(%a : memref<?x8xf32>)
  return %a : memref<?x8xf32>
}
// CHECK-LABEL: func.func @writes_logits(
// CHECK-SAME:      %[[X:[^:]+]]: memref<?x4xf32>, %[[LOGITS:[^:]+]]: memref<?x?xf32>)
// CHECK-NEXT:    %[[CAST:.+]] = memref.cast %[[LOGITS]] : memref<?x?xf32> to memref<?x8xf32>
// CHECK-NEXT:    call @head(%[[X]], %[[CAST]]) : (memref<?x4xf32>, memref<?x8xf32>) -> ()
// CHECK-NEXT:    return
func.func @writes_logits(%x: memref<?x4xf32>, %logits: memref<?x?xf32>) {
  %r = call @head(%x) : (memref<?x4xf32>) -> memref<?x8xf32>
  memref.copy %r, %logits : memref<?x8xf32> to memref<?x?xf32>
  return
}

// -----

// The head's product, capped in place by another kernel, then copied into the logits:
// the head writes the logits directly and the cap runs on them.
func.func private @head(%x: memref<?x4xf32>) -> memref<?x8xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %d = memref.dim %x, %c0 : memref<?x4xf32>
  %a = memref.alloc(%d) : memref<?x8xf32>
  linalg.fill ins(%zero : f32) outs(%a : memref<?x8xf32>)
  return %a : memref<?x8xf32>
}
func.func private @cap_in_place(memref<?x8xf32>)
// CHECK-LABEL: func.func @capped_logits(
// CHECK-SAME:      %[[X:[^:]+]]: memref<?x4xf32>, %[[LOGITS:[^:]+]]: memref<?x?xf32>)
// CHECK-NEXT:    %[[CAST:.+]] = memref.cast %[[LOGITS]] : memref<?x?xf32> to memref<?x8xf32>
// CHECK-NEXT:    call @head(%[[X]], %[[CAST]]) : (memref<?x4xf32>, memref<?x8xf32>) -> ()
// CHECK-NEXT:    call @cap_in_place(%[[CAST]]) : (memref<?x8xf32>) -> ()
// CHECK-NEXT:    return
func.func @capped_logits(%x: memref<?x4xf32>, %logits: memref<?x?xf32>) {
  %r = call @head(%x) : (memref<?x4xf32>) -> memref<?x8xf32>
  call @cap_in_place(%r) : (memref<?x8xf32>) -> ()
  memref.copy %r, %logits : memref<?x8xf32> to memref<?x?xf32>
  return
}

// -----

// A view of the result is written after the copy: writing the result into the
// argument would change what the caller gets, so it keeps its own buffer and the copy.
func.func private @head(%x: memref<?x4xf32>) -> memref<?x8xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %d = memref.dim %x, %c0 : memref<?x4xf32>
  %a = memref.alloc(%d) : memref<?x8xf32>
  linalg.fill ins(%zero : f32) outs(%a : memref<?x8xf32>)
  return %a : memref<?x8xf32>
}
func.func private @write(memref<1x8xf32, strided<[8, 1]>>)
// CHECK-LABEL: func.func @written_after_copy(
// CHECK:         %[[BUF:.+]] = memref.alloc
// CHECK-NEXT:    call @head(%{{.+}}, %[[BUF]])
// CHECK:         memref.copy %[[BUF]], %{{.+}}
func.func @written_after_copy(%x: memref<?x4xf32>, %logits: memref<?x?xf32>) {
  %r = call @head(%x) : (memref<?x4xf32>) -> memref<?x8xf32>
  %row = memref.subview %r[0, 0] [1, 8] [1, 1] : memref<?x8xf32> to memref<1x8xf32, strided<[8, 1]>>
  memref.copy %r, %logits : memref<?x8xf32> to memref<?x?xf32>
  call @write(%row) : (memref<1x8xf32, strided<[8, 1]>>) -> ()
  return
}

// -----

// A collapsed view of a top-level allocation (the interleaved packed contractions write
// [M, N/8, 8] and return [M, N]) becomes an out-parameter of the collapsed type, which
// the kernel expands back; the caller allocates [M, N] with M recomputed.
// CHECK-LABEL: func.func private @grouped(
// CHECK-SAME:      %[[X:[^:]+]]: memref<?x4xf32>, %[[OUT:[^:]+]]: memref<?x16xf32>)
// CHECK-NOT:     memref.alloc
// CHECK:         %[[VIEW:.+]] = memref.expand_shape %[[OUT]] {{\[\[}}0], [1, 2]] output_shape [%{{.+}}, 2, 8] : memref<?x16xf32> into memref<?x2x8xf32>
// CHECK-NEXT:    linalg.fill ins(%{{.+}} : f32) outs(%[[VIEW]] : memref<?x2x8xf32>)
// CHECK-NEXT:    return{{$}}
func.func private @grouped(%x: memref<?x4xf32>) -> memref<?x16xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %d = memref.dim %x, %c0 : memref<?x4xf32>
  %a = memref.alloc(%d) {alignment = 64 : i64} : memref<?x2x8xf32>
  linalg.fill ins(%zero : f32) outs(%a : memref<?x2x8xf32>)
  %flat = memref.collapse_shape %a [[0], [1, 2]] : memref<?x2x8xf32> into memref<?x16xf32>
  return %flat : memref<?x16xf32>
}
// CHECK-LABEL: func.func @grouped_caller(
// CHECK-SAME:      %[[Y:[^:]+]]: memref<?x4xf32>)
// CHECK:         %[[D:.+]] = memref.dim %[[Y]], %{{.+}} : memref<?x4xf32>
// CHECK-NEXT:    %[[BUF:.+]] = memref.alloc(%[[D]]) {alignment = 64 : i64} : memref<?x16xf32>
// CHECK-NEXT:    call @grouped(%[[Y]], %[[BUF]]) : (memref<?x4xf32>, memref<?x16xf32>) -> ()
func.func @grouped_caller(%y: memref<?x4xf32>) -> f32 {
  %r = call @grouped(%y) : (memref<?x4xf32>) -> memref<?x16xf32>
  %c0 = arith.constant 0 : index
  %v = memref.load %r[%c0, %c0] : memref<?x16xf32>
  return %v : f32
}
