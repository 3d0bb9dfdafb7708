// RUN: g4-opt %s --split-input-file --g4-outline-parallel-tasks | FileCheck %s

// A kernel's matmul over 192 output features (loop 1, marked g4.parallel_dim) becomes
// min(max-tasks = 16, 192 / 32) = 6 tasks: the kernel calls a dispatcher declaration with
// the caller's g4_parallel_t* and the task count, and the task function runs its slice of
// the weight rows and output columns on subviews.
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func private @kernel_mlp(
// CHECK-SAME:      %[[X:.+]]: memref<?x96xf32>, %[[W:.+]]: memref<192x96xbf16>, %[[Y:.+]]: memref<?x192xf32>, %[[P:.+]]: !llvm.ptr)
// CHECK:         %[[TASKS:.+]] = arith.constant 6 : index
// CHECK:         call @kernel_mlp_parallel0(%[[P]], %[[TASKS]], %[[X]], %[[W]], %[[Y]])
// CHECK-NOT:     linalg.generic
// CHECK:       func.func private @kernel_mlp_task0(%[[C:.+]]: index, %[[N:.+]]: index, %{{.+}}: memref<?x96xf32>, %[[TW:.+]]: memref<192x96xbf16>, %[[TY:.+]]: memref<?x192xf32>)
// CHECK:         %[[B:.+]] = arith.divui
// CHECK:         memref.subview %[[TW]][%[[B]], 0] [%{{.+}}, 96] [1, 1]
// CHECK:         memref.subview %[[TY]][0, %[[B]]] [%{{.+}}, %{{.+}}] [1, 1]
// CHECK:         linalg.generic
// CHECK-NOT:     g4.parallel_dim
// CHECK:       func.func private @kernel_mlp_parallel0(!llvm.ptr, index, memref<?x96xf32>, memref<192x96xbf16>, memref<?x192xf32>) attributes {g4.parallel_task = @kernel_mlp_task0}
func.func private @kernel_mlp(%x: memref<?x96xf32>, %w: memref<192x96xbf16>, %y: memref<?x192xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x96xf32>, memref<192x96xbf16>) outs(%y : memref<?x192xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Too few iterations to split (32 < 2 * min-task-size): the loop stays, unmarked.
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func private @kernel_small
// CHECK:         linalg.generic
// CHECK-NOT:     g4.parallel_dim
// CHECK-NOT:     call
// CHECK-NOT:     func.func private @kernel_small_task
func.func private @kernel_small(%x: memref<?x96xf32>, %w: memref<32x96xbf16>, %y: memref<?x32xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x96xf32>, memref<32x96xbf16>) outs(%y : memref<?x32xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Functions that did not receive the caller's g4_parallel_t* (not kernels bound to an
// entry point) are left alone, marker included.
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func private @not_a_kernel
// CHECK:         linalg.generic {{.+}} attrs = {g4.parallel_dim = 1 : i64}
func.func private @not_a_kernel(%x: memref<?x96xf32>, %w: memref<192x96xbf16>, %y: memref<?x192xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x96xf32>, memref<192x96xbf16>) outs(%y : memref<?x192xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A generic with its own g4.min_task_size (attention scores: one task per query head of
// the group, dim 2 of 8) is split below the pass's min-task-size: 8 tasks of one head.
#q = affine_map<(t, h, g, j, k) -> (t, h, g, k)>
#k = affine_map<(t, h, g, j, k) -> (j, h, k)>
#s = affine_map<(t, h, g, j, k) -> (t, h, g, j)>
// CHECK-LABEL: func.func private @kernel_scores(
// CHECK:         %[[TASKS:.+]] = arith.constant 8 : index
// CHECK:         call @kernel_scores_parallel0(%{{.+}}, %[[TASKS]],
// CHECK:       func.func private @kernel_scores_task0(
// CHECK:         memref.subview %{{.+}}[0, 0, %{{.+}}, 0] [%{{.+}}, 1, %{{.+}}, 64] [1, 1, 1, 1]
// CHECK:         linalg.generic
// CHECK-NOT:     g4.min_task_size
// CHECK-NOT:     g4.parallel_dim
// CHECK:         return
func.func private @kernel_scores(%q: memref<?x1x8x64xf32>, %keys: memref<?x1x64xf32>, %s: memref<?x1x8x?xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  linalg.generic {indexing_maps = [#q, #k, #s], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %keys : memref<?x1x8x64xf32>, memref<?x1x64xf32>) outs(%s : memref<?x1x8x?xf32>) attrs = {g4.min_task_size = 1 : i64, g4.parallel_dim = 2 : i64} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b fastmath<reassoc,contract> : f32
    %r = arith.addf %acc, %m fastmath<reassoc,contract> : f32
    linalg.yield %r : f32
  }
  return
}
