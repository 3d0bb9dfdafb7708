// RUN: g4-opt %s --split-input-file --g4-outline-parallel-tasks="weight-parts=2" | FileCheck %s
// RUN: g4-opt %s --split-input-file --g4-outline-parallel-tasks="weight-parts=4" | FileCheck %s --check-prefix=QUARTERS
// RUN: g4-opt %s --split-input-file --g4-outline-parallel-tasks | FileCheck %s --check-prefix=WHOLE
// RUN: g4-opt %s --split-input-file --g4-outline-parallel-tasks="weight-parts=1" | FileCheck %s --check-prefix=WHOLE

// A decode contraction with interleaved weights (8 groups of 8 outputs) split into 4
// tasks runs as two halves of 4 groups: each task fills, then computes, its rows
// [chunk*4/tasks, (chunk+1)*4/tasks) of the static half [0, 4) and of the half [4, 8),
// so that g4-vectorize-contractions reads the two halves as two streams. The task count
// stays 4. The body's linalg.index of the split loop counts from the half's start.
#x = affine_map<(m, t, r, k) -> (m, k)>
#w = affine_map<(m, t, r, k) -> (t, k, r)>
#y = affine_map<(m, t, r, k) -> (m, t, r)>
// CHECK-LABEL: func.func private @kernel_head(
// CHECK-SAME:      %[[X:.+]]: memref<1x32xf32>, %[[W:.+]]: memref<8x32x8xbf16>, %[[Y:.+]]: memref<1x8x8xf32>, %[[P:.+]]: !llvm.ptr)
// CHECK-NOT:     linalg.fill
// CHECK:         %[[TASKS:.+]] = arith.constant 4 : index
// CHECK:         call @kernel_head_parallel0(%[[P]], %[[TASKS]], %[[X]], %[[W]], %[[Y]])
// CHECK:       func.func private @kernel_head_task0(%[[C:.+]]: index, %[[N:.+]]: index, %[[TX:.+]]: memref<1x32xf32>, %[[TW:.+]]: memref<8x32x8xbf16>, %[[TY:.+]]: memref<1x8x8xf32>)
// CHECK:         arith.constant 4 : index
// CHECK:         %[[BEGIN:.+]] = arith.divui %{{.+}}, %[[N]]
// CHECK-DAG:     %[[SECOND:.+]] = arith.addi %[[BEGIN]], %[[HALF:[a-z0-9_]+]] :
// CHECK-DAG:     %[[HALF]] = arith.constant 4 : index
// CHECK-DAG:     %[[W0:.+]] = memref.subview %[[TW]][0, 0, 0] [4, 32, 8] [1, 1, 1]
// CHECK-DAG:     %[[Y0:.+]] = memref.subview %[[TY]][0, 0, 0] [1, 4, 8] [1, 1, 1]
// CHECK-DAG:     %[[W1:.+]] = memref.subview %[[TW]][4, 0, 0] [4, 32, 8] [1, 1, 1]
// CHECK-DAG:     %[[Y1:.+]] = memref.subview %[[TY]][0, 4, 0] [1, 4, 8] [1, 1, 1]
// CHECK-DAG:     %[[W0T:.+]] = memref.subview %[[W0]][%[[BEGIN]], 0, 0]
// CHECK-DAG:     %[[Y0T:.+]] = memref.subview %[[Y0]][0, %[[BEGIN]], 0]
// CHECK-DAG:     %[[W1T:.+]] = memref.subview %[[W1]][%[[BEGIN]], 0, 0]
// CHECK-DAG:     %[[Y1T:.+]] = memref.subview %[[Y1]][0, %[[BEGIN]], 0]
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%[[Y0T]] :
// CHECK-NEXT:    linalg.fill ins(%{{.+}} : f32) outs(%[[Y1T]] :
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[TX]], %[[W0T]] :
// CHECK-SAME:        outs(%[[Y0T]] :
// CHECK:           %[[I0:.+]] = linalg.index 1 : index
// CHECK:           arith.addi %[[I0]], %[[BEGIN]] : index
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[TX]], %[[W1T]] :
// CHECK-SAME:        outs(%[[Y1T]] :
// CHECK:           %[[I1:.+]] = linalg.index 1 : index
// CHECK:           arith.addi %[[I1]], %[[SECOND]] : index
// CHECK:         return
// weight-parts=4: 2 tasks (at most 8 / 4), each with its rows of the quarters [0, 2),
// [2, 4), [4, 6) and [6, 8): four fills, then four generics whose linalg.index counts
// from the quarter's start.
// QUARTERS-LABEL: func.func private @kernel_head(
// QUARTERS:         %[[TASKS:.+]] = arith.constant 2 : index
// QUARTERS:         call @kernel_head_parallel0(%{{.+}}, %[[TASKS]],
// QUARTERS:       func.func private @kernel_head_task0(%[[C:.+]]: index, %[[N:.+]]: index, %[[TX:.+]]: memref<1x32xf32>, %[[TW:.+]]: memref<8x32x8xbf16>, %[[TY:.+]]: memref<1x8x8xf32>)
// QUARTERS:         %[[BEGIN:.+]] = arith.divui %{{.+}}, %[[N]]
// QUARTERS-DAG:     %[[R1:.+]] = arith.addi %[[BEGIN]], %[[O1:[a-z0-9_]+]] :
// QUARTERS-DAG:     %[[O1]] = arith.constant 2 : index
// QUARTERS-DAG:     %[[R2:.+]] = arith.addi %[[BEGIN]], %[[O2:[a-z0-9_]+]] :
// QUARTERS-DAG:     %[[O2]] = arith.constant 4 : index
// QUARTERS-DAG:     %[[R3:.+]] = arith.addi %[[BEGIN]], %[[O3:[a-z0-9_]+]] :
// QUARTERS-DAG:     %[[O3]] = arith.constant 6 : index
// QUARTERS-DAG:     %[[W0:.+]] = memref.subview %[[TW]][0, 0, 0] [2, 32, 8] [1, 1, 1]
// QUARTERS-DAG:     %[[W1:.+]] = memref.subview %[[TW]][2, 0, 0] [2, 32, 8] [1, 1, 1]
// QUARTERS-DAG:     %[[W2:.+]] = memref.subview %[[TW]][4, 0, 0] [2, 32, 8] [1, 1, 1]
// QUARTERS-DAG:     %[[W3:.+]] = memref.subview %[[TW]][6, 0, 0] [2, 32, 8] [1, 1, 1]
// QUARTERS-DAG:     %[[Y3:.+]] = memref.subview %[[TY]][0, 6, 0] [1, 2, 8] [1, 1, 1]
// QUARTERS-DAG:     %[[W0T:.+]] = memref.subview %[[W0]][%[[BEGIN]], 0, 0]
// QUARTERS-DAG:     %[[W1T:.+]] = memref.subview %[[W1]][%[[BEGIN]], 0, 0]
// QUARTERS-DAG:     %[[W2T:.+]] = memref.subview %[[W2]][%[[BEGIN]], 0, 0]
// QUARTERS-DAG:     %[[W3T:.+]] = memref.subview %[[W3]][%[[BEGIN]], 0, 0]
// QUARTERS-DAG:     %[[Y3T:.+]] = memref.subview %[[Y3]][0, %[[BEGIN]], 0]
// QUARTERS-COUNT-4: linalg.fill
// QUARTERS-NOT:     linalg.fill
// QUARTERS:         linalg.generic
// QUARTERS-SAME:        ins(%[[TX]], %[[W0T]] :
// QUARTERS:           %[[I0:.+]] = linalg.index 1 : index
// QUARTERS:           arith.addi %[[I0]], %[[BEGIN]] : index
// QUARTERS:         linalg.generic
// QUARTERS-SAME:        ins(%[[TX]], %[[W1T]] :
// QUARTERS:           %[[I1:.+]] = linalg.index 1 : index
// QUARTERS:           arith.addi %[[I1]], %[[R1]] : index
// QUARTERS:         linalg.generic
// QUARTERS-SAME:        ins(%[[TX]], %[[W2T]] :
// QUARTERS:           %[[I2:.+]] = linalg.index 1 : index
// QUARTERS:           arith.addi %[[I2]], %[[R2]] : index
// QUARTERS:         linalg.generic
// QUARTERS-SAME:        ins(%[[TX]], %[[W3T]] :
// QUARTERS-SAME:        outs(%[[Y3T]] :
// QUARTERS:           %[[I3:.+]] = linalg.index 1 : index
// QUARTERS:           arith.addi %[[I3]], %[[R3]] : index
// QUARTERS:         return
// Without weight-parts (or with 1): one slice of the whole loop, as always.
// WHOLE-LABEL: func.func private @kernel_head_task0(
// WHOLE-NOT:     memref.subview %{{.+}}[4, 0, 0]
// WHOLE:         linalg.fill
// WHOLE-NOT:     linalg.fill
// WHOLE:         linalg.generic
// WHOLE-NOT:     linalg.generic
// WHOLE:         return
func.func private @kernel_head(%x: memref<1x32xf32>, %w: memref<8x32x8xbf16>, %y: memref<1x8x8xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x8x8xf32>)
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x32xf32>, memref<8x32x8xbf16>) outs(%y : memref<1x8x8xf32>)
      attrs = {g4.interleaved_float, g4.parallel_dim = 1 : i64, g4.min_task_size = 2 : i64, g4.max_tasks = 4 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %t = linalg.index 1 : index
    %ti = arith.index_cast %t : index to i32
    %tf = arith.sitofp %ti : i32 to f32
    %mt = arith.addf %m, %tf : f32
    %s = arith.addf %acc, %mt : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Parts take at most N / parts tasks, so that each task has rows of every part: 8
// groups with tasks of one group and up to 8 tasks become 4 tasks as halves, 2 as
// quarters (8 whole). What stays one slice of the whole loop: a group count the parts do
// not divide (7; 6 in quarters), two rows of output (prefill), and weights in neither
// interleaved layout.
#x = affine_map<(m, t, r, k) -> (m, k)>
#w = affine_map<(m, t, r, k) -> (t, k, r)>
#y = affine_map<(m, t, r, k) -> (m, t, r)>
// CHECK-LABEL: func.func private @kernel_many_tasks(
// CHECK:         %[[FOUR:.+]] = arith.constant 4 : index
// CHECK-NEXT:    call @kernel_many_tasks_parallel0(%{{.+}}, %[[FOUR]],
// CHECK-LABEL: func.func private @kernel_many_tasks_task0(
// CHECK:         memref.subview %{{.+}}[4, 0, 0]
// CHECK-COUNT-2: linalg.generic
// CHECK:         return
// QUARTERS-LABEL: func.func private @kernel_many_tasks(
// QUARTERS:         %[[TWO:.+]] = arith.constant 2 : index
// QUARTERS-NEXT:    call @kernel_many_tasks_parallel0(%{{.+}}, %[[TWO]],
// QUARTERS-LABEL: func.func private @kernel_many_tasks_task0(
// QUARTERS:         memref.subview %{{.+}}[6, 0, 0]
// QUARTERS-COUNT-4: linalg.generic
// QUARTERS:         return
// QUARTERS-LABEL: func.func private @kernel_odd_task0(
// QUARTERS:         linalg.generic
// QUARTERS-NOT:     linalg.generic
// QUARTERS:         return
// QUARTERS-LABEL: func.func private @kernel_six_task0(
// QUARTERS-NOT:     memref.subview %{{.+}}[3, 0, 0]
// QUARTERS:         linalg.generic
// QUARTERS-NOT:     linalg.generic
// QUARTERS:         return
// WHOLE-LABEL: func.func private @kernel_many_tasks(
// WHOLE:         %[[EIGHT:.+]] = arith.constant 8 : index
// WHOLE-NEXT:    call @kernel_many_tasks_parallel0(%{{.+}}, %[[EIGHT]],
// CHECK-LABEL: func.func private @kernel_odd_task0(
// CHECK-NOT:     memref.subview %{{.+}}[3, 0, 0]
// CHECK:         linalg.generic
// CHECK-NOT:     linalg.generic
// CHECK:         return
// CHECK-LABEL: func.func private @kernel_six_task0(
// CHECK:         memref.subview %{{.+}}[3, 0, 0]
// CHECK-COUNT-2: linalg.generic
// CHECK:         return
// CHECK-LABEL: func.func private @kernel_two_rows_task0(
// CHECK-NOT:     memref.subview %{{.+}}[4, 0, 0]
// CHECK:         linalg.generic
// CHECK-NOT:     linalg.generic
// CHECK:         return
// CHECK-LABEL: func.func private @kernel_plain_task0(
// CHECK-NOT:     memref.subview %{{.+}}[4, 0, 0]
// CHECK:         linalg.generic
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func private @kernel_many_tasks(%x: memref<1x32xf32>, %w: memref<8x32x8xbf16>, %y: memref<1x8x8xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x32xf32>, memref<8x32x8xbf16>) outs(%y : memref<1x8x8xf32>)
      attrs = {g4.interleaved_float, g4.parallel_dim = 1 : i64, g4.min_task_size = 1 : i64, g4.max_tasks = 8 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
func.func private @kernel_odd(%x: memref<1x32xf32>, %w: memref<7x32x8xbf16>, %y: memref<1x7x8xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x32xf32>, memref<7x32x8xbf16>) outs(%y : memref<1x7x8xf32>)
      attrs = {g4.interleaved_float, g4.parallel_dim = 1 : i64, g4.min_task_size = 1 : i64, g4.max_tasks = 2 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
func.func private @kernel_six(%x: memref<1x32xf32>, %w: memref<6x32x8xbf16>, %y: memref<1x6x8xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x32xf32>, memref<6x32x8xbf16>) outs(%y : memref<1x6x8xf32>)
      attrs = {g4.interleaved_float, g4.parallel_dim = 1 : i64, g4.min_task_size = 1 : i64, g4.max_tasks = 2 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
func.func private @kernel_two_rows(%x: memref<2x32xf32>, %w: memref<8x32x8xbf16>, %y: memref<2x8x8xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<2x32xf32>, memref<8x32x8xbf16>) outs(%y : memref<2x8x8xf32>)
      attrs = {g4.interleaved_float, g4.parallel_dim = 1 : i64, g4.min_task_size = 2 : i64, g4.max_tasks = 4 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
func.func private @kernel_plain(%x: memref<1x32xf32>, %w: memref<8x32x8xbf16>, %y: memref<1x8x8xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x32xf32>, memref<8x32x8xbf16>) outs(%y : memref<1x8x8xf32>)
      attrs = {g4.parallel_dim = 1 : i64, g4.min_task_size = 2 : i64, g4.max_tasks = 4 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Packed weights (q8_0x8, q4_0x8) take `packed-weight-parts`, not `weight-parts`: with
// weight-parts=4 alone this q4_0x8 contraction stays whole; with packed-weight-parts=2
// it runs as halves (4 tasks, its rows of [0, 4) and [4, 8)). The outliner reads only
// the attributes, so the body is a plain product.
// RUN: g4-opt %s --split-input-file --g4-outline-parallel-tasks="weight-parts=4 packed-weight-parts=2" | FileCheck %s --check-prefix=PACKED
#x = affine_map<(m, t, r, k) -> (m, k)>
#w = affine_map<(m, t, r, k) -> (t, k, r)>
#y = affine_map<(m, t, r, k) -> (m, t, r)>
// QUARTERS-LABEL: func.func private @kernel_packed_task0(
// QUARTERS-NOT:     memref.subview %{{.+}}[4, 0, 0]
// QUARTERS:         linalg.generic
// QUARTERS-NOT:     linalg.generic
// QUARTERS:         return
// PACKED-LABEL: func.func private @kernel_packed(
// PACKED:         %[[FOUR:.+]] = arith.constant 4 : index
// PACKED-NEXT:    call @kernel_packed_parallel0(%{{.+}}, %[[FOUR]],
// PACKED-LABEL: func.func private @kernel_packed_task0(
// PACKED:         memref.subview %{{.+}}[4, 0, 0] [4, 32, 8] [1, 1, 1]
// PACKED-NOT:     memref.subview %{{.+}}[2, 0, 0]
// PACKED-COUNT-2: linalg.generic
// PACKED-NOT:     linalg.generic
// PACKED:         return
func.func private @kernel_packed(%x: memref<1x32xf32>, %w: memref<8x32x8xi8>, %y: memref<1x8x8xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x32xf32>, memref<8x32x8xi8>) outs(%y : memref<1x8x8xf32>)
      attrs = {g4.packed_format = "q4_0x8", g4.parallel_dim = 1 : i64, g4.min_task_size = 1 : i64, g4.max_tasks = 8 : i64} {
  ^bb0(%a: f32, %b: i8, %acc: f32):
    %e = arith.sitofp %b : i8 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
