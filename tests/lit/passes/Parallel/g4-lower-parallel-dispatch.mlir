// RUN: g4-opt %s --g4-lower-parallel-dispatch | FileCheck %s

// A dispatcher declaration (g4_parallel_t*, count, the task's flattened arguments)
// gets a body: it packs {count, args...} into a stack struct and calls
// parallel->parallel_for(parallel->pool, count, trampoline, &packed), or, without a pool
// or without a parallel_for, loops over the tasks on the calling thread. The trampoline
// unpacks the struct and calls task(index, count, args...).

// CHECK-LABEL: llvm.func internal @k_parallel0_trampoline(
// CHECK-SAME:  %[[CTX:.+]]: !llvm.ptr, %[[I:.+]]: i64)
// CHECK:         %[[COUNT:.+]] = llvm.load %{{.+}} : !llvm.ptr -> i64
// CHECK:         %[[AA:.+]] = llvm.load %{{.+}} : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[BB:.+]] = llvm.load %{{.+}} : !llvm.ptr -> i64
// CHECK:         llvm.call @k_task0(%[[I]], %[[COUNT]], %[[AA]], %[[BB]])
// CHECK-LABEL: llvm.func internal @k_parallel0(
// CHECK-SAME:  %[[P:.+]]: !llvm.ptr, %[[N:.+]]: i64, %[[A:.+]]: !llvm.ptr, %[[B:.+]]: i64)
// CHECK:         %[[PACKED:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(i64, ptr, i64)>
// CHECK:         llvm.store %[[N]]
// CHECK:         llvm.store %[[A]]
// CHECK:         llvm.store %[[B]]
// CHECK:         llvm.icmp "eq" %[[P]], %{{.+}} : !llvm.ptr
// CHECK:         %[[FN:.+]] = llvm.load %{{.+}} : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[POOL:.+]] = llvm.load %{{.+}} : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[TRAMP:.+]] = llvm.mlir.addressof @k_parallel0_trampoline
// CHECK:         llvm.call %[[FN]](%[[POOL]], %[[N]], %[[TRAMP]], %[[PACKED]])
// CHECK:         llvm.call @k_parallel0_trampoline(%[[PACKED]], %{{.+}})
// CHECK-NOT:     g4.parallel_task
llvm.func @k_parallel0(!llvm.ptr, i64, !llvm.ptr, i64) attributes {g4.parallel_task = @k_task0, sym_visibility = "private"}
llvm.func @k_task0(%chunk: i64, %count: i64, %a: !llvm.ptr, %b: i64) {
  llvm.return
}
