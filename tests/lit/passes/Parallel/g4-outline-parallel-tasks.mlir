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

// 160 output features: 160 / 32 = 5 tasks would leave one of two cores idle for the
// last task, so the count is rounded down to 4 (40 rows a task). Without
// even-task-counts, 5.
// RUN: g4-opt %s --split-input-file --g4-outline-parallel-tasks=even-task-counts=false | FileCheck %s --check-prefix=ODD
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func private @kernel_odd(
// CHECK:         %[[TASKS:.+]] = arith.constant 4 : index
// CHECK:         call @kernel_odd_parallel0(%{{.+}}, %[[TASKS]],
// ODD-LABEL:   func.func private @kernel_odd(
// ODD:           %[[TASKS:.+]] = arith.constant 5 : index
// ODD:           call @kernel_odd_parallel0(%{{.+}}, %[[TASKS]],
func.func private @kernel_odd(%x: memref<?x96xf32>, %w: memref<160x96xbf16>, %y: memref<?x160xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x96xf32>, memref<160x96xbf16>) outs(%y : memref<?x160xf32>) attrs = {g4.parallel_dim = 1 : i64} {
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

// A generic with its own g4.min_task_size (here 1: one task per head, dim 2 of 8) is
// split below the pass's min-task-size: 8 tasks of one head.
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

// -----

// A generic with its own g4.max_tasks (decode's largest matvecs) is split into more
// tasks than the pass's max-tasks (16): 1024 groups, at least 32 a task, allow 32 tasks;
// it asks for at most 24. The task keeps neither attribute.
#x = affine_map<(m, t, r, k) -> (m, k)>
#w = affine_map<(m, t, r, k) -> (t, k, r)>
#y = affine_map<(m, t, r, k) -> (m, t, r)>
// CHECK-LABEL: func.func private @kernel_big_matvec(
// CHECK:         %[[TASKS:.+]] = arith.constant 24 : index
// CHECK:         call @kernel_big_matvec_parallel0(%{{.+}}, %[[TASKS]],
// CHECK:       func.func private @kernel_big_matvec_task0(
// CHECK:         linalg.generic
// CHECK-NOT:     g4.max_tasks
// CHECK-NOT:     g4.parallel_dim
// CHECK:         return
func.func private @kernel_big_matvec(%x: memref<1x64xf32>, %w: memref<1024x64x8xbf16>, %y: memref<1x1024x8xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x64xf32>, memref<1024x64x8xbf16>) outs(%y : memref<1x1024x8xf32>) attrs = {g4.max_tasks = 24 : i64, g4.parallel_dim = 1 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %bf = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %bf fastmath<reassoc,contract> : f32
    %r = arith.addf %acc, %m fastmath<reassoc,contract> : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A loop of dynamic length (attention's query rows, T * G) is split too: the kernel
// computes max(1, min(max-tasks = 16, N / 4) rounded down to even) tasks from the
// operand's size, a function of N alone, and each task reads N back from its operand. A scalar the body reads from
// the kernel (the start position of a mask) travels as an extra argument after the
// operands; the constant it uses is rebuilt in the task. The body's linalg.index of the
// split loop counts rows of the task's subview, so the task adds its first row back.
// CHECK-LABEL: func.func private @kernel_mask(
// CHECK-SAME:      %[[S:[^:]+]]: memref<2x?x?xf32>, %[[START:[^:]+]]: index, %[[P:[^:]+]]: !llvm.ptr)
// CHECK:         %[[N:.+]] = memref.dim %[[S]], %{{.+}} : memref<2x?x?xf32>
// CHECK:         %[[PER:.+]] = arith.divui %[[N]], %{{.+}} : index
// CHECK:         %[[MOST:.+]] = arith.minui %[[PER]], %{{.+}} : index
// CHECK:         %[[NOT_ONE:.+]] = arith.constant -2 : index
// CHECK:         %[[EVEN:.+]] = arith.andi %[[MOST]], %[[NOT_ONE]] : index
// CHECK:         %[[TASKS:.+]] = arith.maxui %[[EVEN]], %{{.+}} : index
// CHECK:         call @kernel_mask_parallel0(%[[P]], %[[TASKS]], %[[S]], %[[START]]) : (!llvm.ptr, index, memref<2x?x?xf32>, index) -> ()
// CHECK-NOT:     linalg.generic
// CHECK:       func.func private @kernel_mask_task0(%[[C:.+]]: index, %[[K:.+]]: index, %[[TS:.+]]: memref<2x?x?xf32>, %[[TSTART:.+]]: index)
// CHECK:         %[[TN:.+]] = memref.dim %[[TS]], %{{.+}} : memref<2x?x?xf32>
// CHECK:         %[[FIRSTN:.+]] = arith.muli %[[C]], %[[TN]] : index
// CHECK:         %[[FIRST:.+]] = arith.divui %[[FIRSTN]], %[[K]] : index
// CHECK:         %[[ROWS:.+]] = memref.subview %[[TS]][0, %[[FIRST]], 0] [2, %{{.+}}, %{{.+}}] [1, 1, 1]
// CHECK:         %[[SHIFT:.+]] = arith.constant 3 : index
// CHECK:         linalg.generic {{.+}} outs(%[[ROWS]] :
// CHECK:           %[[J:.+]] = linalg.index 2 : index
// CHECK:           %[[LOCAL:.+]] = linalg.index 1 : index
// CHECK-NEXT:      %[[M:.+]] = arith.addi %[[LOCAL]], %[[FIRST]] : index
// CHECK:           %[[POS:.+]] = arith.addi %[[TSTART]], %[[J]] : index
// CHECK:           %[[QUERY:.+]] = arith.addi %[[M]], %[[SHIFT]] : index
// CHECK:           arith.cmpi ule, %[[POS]], %[[QUERY]] : index
// CHECK:       func.func private @kernel_mask_parallel0(!llvm.ptr, index, memref<2x?x?xf32>, index) attributes {g4.parallel_task = @kernel_mask_task0}
#s = affine_map<(h, m, j) -> (h, m, j)>
func.func private @kernel_mask(%s: memref<2x?x?xf32>, %start: index, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %shift = arith.constant 3 : index
  %neg = arith.constant 0xFF800000 : f32
  linalg.generic {indexing_maps = [#s], iterator_types = ["parallel", "parallel", "parallel"]}
      outs(%s : memref<2x?x?xf32>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 1 : i64} {
  ^bb0(%x: f32):
    %j = linalg.index 2 : index
    %m = linalg.index 1 : index
    %pos = arith.addi %start, %j : index
    %query = arith.addi %m, %shift : index
    %ok = arith.cmpi ule, %pos, %query : index
    %r = arith.select %ok, %x, %neg : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A marked contraction inside a loop (an MoE kernel's per-expert contraction on its
// expert's slice of the stacked weights) is split like one at the top level: the
// dispatcher is called inside the loop, on that iteration's subview, and the scalar the
// body reads from the loop (the expert's weight) becomes a task argument.
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func private @kernel_experts(
// CHECK-SAME:      %{{.+}}: memref<8x96xf32>, %[[W:.+]]: memref<4x192x96xbf16>, %{{.+}}: memref<4x8x192xf32>, %{{.+}}: memref<4xf32>, %[[P:.+]]: !llvm.ptr)
// CHECK:         scf.for %[[E:.+]] =
// CHECK:           %[[SCALE:.+]] = memref.load
// CHECK:           %[[WE:.+]] = memref.subview %[[W]][%[[E]], 0, 0]
// CHECK:           call @kernel_experts_parallel0(%[[P]], %{{.+}}, %{{.+}}, %[[WE]], %{{.+}}, %[[SCALE]])
// CHECK-NOT:     linalg.generic
// CHECK:       func.func private @kernel_experts_task0(%{{.+}}: index, %{{.+}}: index, %{{.+}}: memref<8x96xf32>, %{{.+}}: memref<192x96xbf16, strided<[96, 1], offset: ?>>, %{{.+}}: memref<8x192xf32, strided<[192, 1], offset: ?>>, %[[TS:.+]]: f32)
// CHECK:         linalg.generic
// CHECK:           arith.mulf %{{.+}}, %[[TS]]
func.func private @kernel_experts(%x: memref<8x96xf32>, %w: memref<4x192x96xbf16>, %y: memref<4x8x192xf32>, %scales: memref<4xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %e = %c0 to %c4 step %c1 {
    %scale = memref.load %scales[%e] : memref<4xf32>
    %we = memref.subview %w[%e, 0, 0] [1, 192, 96] [1, 1, 1] : memref<4x192x96xbf16> to memref<192x96xbf16, strided<[96, 1], offset: ?>>
    %ye = memref.subview %y[%e, 0, 0] [1, 8, 192] [1, 1, 1] : memref<4x8x192xf32> to memref<8x192xf32, strided<[192, 1], offset: ?>>
    linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %we : memref<8x96xf32>, memref<192x96xbf16, strided<[96, 1], offset: ?>>) outs(%ye : memref<8x192xf32, strided<[192, 1], offset: ?>>) attrs = {g4.parallel_dim = 1 : i64} {
    ^bb0(%a: f32, %b: bf16, %acc: f32):
      %f = arith.extf %b : bf16 to f32
      %m = arith.mulf %a, %f : f32
      %ms = arith.mulf %m, %scale : f32
      %s = arith.addf %acc, %ms : f32
      linalg.yield %s : f32
    }
  }
  return
}

// -----

// The constant fill of the accumulator right before the matmul (a view between, no
// memory effects) moves into the tasks: each zeroes its own rows of the output, then
// accumulates into them. The kernel no longer fills.
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func private @kernel_filled(
// CHECK-NOT:     linalg.fill
// CHECK:         call @kernel_filled_parallel0(
// CHECK-NOT:     linalg.fill
// CHECK:       func.func private @kernel_filled_task0(%{{.+}}: index, %{{.+}}: index, %{{.+}}: memref<?x96xf32>, %{{.+}}: memref<192x96xbf16>, %[[TY:.+]]: memref<?x192xf32>)
// CHECK:         %[[B:.+]] = arith.divui
// CHECK:         %[[ROWS:.+]] = memref.subview %[[TY]][0, %[[B]]] [%{{.+}}, %{{.+}}] [1, 1]
// CHECK:         %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:    linalg.fill ins(%[[ZERO]] : f32) outs(%[[ROWS]] :
// CHECK-NEXT:    linalg.generic {{.+}} outs(%[[ROWS]] :
func.func private @kernel_filled(%x: memref<?x96xf32>, %w: memref<192x96xbf16>, %y: memref<?x192xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<?x192xf32>)
  %wv = memref.collapse_shape %w [[0, 1]] : memref<192x96xbf16> into memref<18432xbf16>
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

// A fill the tasks cannot take stays in the kernel: a value computed there (not a
// constant), or a fill of another buffer, or one with a store between.
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func private @kernel_kept_fills(
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%[[Y:.+]] : memref<?x192xf32>)
// CHECK-NEXT:    arith.constant 6 : index
// CHECK-NEXT:    call @kernel_kept_fills_parallel0(
// CHECK-NEXT:    linalg.fill ins(%{{.+}} : f32) outs(%[[Y]] : memref<?x192xf32>)
// CHECK-NEXT:    memref.store
// CHECK-NEXT:    arith.constant 6 : index
// CHECK-NEXT:    call @kernel_kept_fills_parallel1(
// CHECK-NOT:     linalg.fill
// CHECK:       func.func private @kernel_kept_fills_parallel1(
func.func private @kernel_kept_fills(%x: memref<?x96xf32>, %w: memref<192x96xbf16>, %y: memref<?x192xf32>, %bias: f32, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  linalg.fill ins(%bias : f32) outs(%y : memref<?x192xf32>)
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x96xf32>, memref<192x96xbf16>) outs(%y : memref<?x192xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%y : memref<?x192xf32>)
  memref.store %bias, %y[%c0, %c0] : memref<?x192xf32>
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

// A run of splittable ops that slice their buffers alike shares one dispatch (decode's
// gate and up projections): both contractions write arena views split along the same
// loop, the same N and task count, so each task zeroes and accumulates its rows of both,
// in program order. The view between them has no memory effects.
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func private @kernel_gate_up(
// CHECK-SAME:      %[[X:[^:]+]]: memref<1x96xf32>, %[[W1:[^:]+]]: memref<192x96xbf16>, %[[W2:[^:]+]]: memref<192x96xbf16>, %[[A:[^:]+]]: memref<?xi8> {g4.scratch}, %[[P:[^:]+]]: !llvm.ptr)
// CHECK:         %[[G:.+]] = memref.view %[[A]][%{{.+}}][] : memref<?xi8> to memref<1x192xf32>
// CHECK:         %[[U:.+]] = memref.view %[[A]][%{{.+}}][] : memref<?xi8> to memref<1x192xf32>
// CHECK-NEXT:    %[[TASKS:.+]] = arith.constant 6 : index
// CHECK-NEXT:    call @kernel_gate_up_parallel0(%[[P]], %[[TASKS]], %[[G]], %[[X]], %[[W1]], %[[U]], %[[W2]])
// CHECK-NOT:     linalg
// CHECK:         return
// CHECK:       func.func private @kernel_gate_up_task0(%{{.+}}: index, %{{.+}}: index, %[[TG:[^:]+]]: memref<1x192xf32>, %[[TX:[^:]+]]: memref<1x96xf32>, %[[TW1:[^:]+]]: memref<192x96xbf16>, %[[TU:[^:]+]]: memref<1x192xf32>, %[[TW2:[^:]+]]: memref<192x96xbf16>)
// CHECK:         %[[B:.+]] = arith.divui
// CHECK:         %[[GROWS:.+]] = memref.subview %[[TG]][0, %[[B]]] [1, %{{.+}}] [1, 1]
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%[[GROWS]] :
// CHECK:         %[[W1ROWS:.+]] = memref.subview %[[TW1]][%[[B]], 0] [%{{.+}}, 96] [1, 1]
// CHECK:         linalg.generic {{.+}} ins(%[[TX]], %[[W1ROWS]] : {{.+}}) outs(%[[GROWS]] :
// CHECK:         %[[UROWS:.+]] = memref.subview %[[TU]][0, %[[B]]] [1, %{{.+}}] [1, 1]
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%[[UROWS]] :
// CHECK:         %[[W2ROWS:.+]] = memref.subview %[[TW2]][%[[B]], 0] [%{{.+}}, 96] [1, 1]
// CHECK:         linalg.generic {{.+}} ins(%[[TX]], %[[W2ROWS]] : {{.+}}) outs(%[[UROWS]] :
// CHECK-NEXT:      ^bb0
// CHECK-NOT:     g4.parallel_dim
// CHECK:       func.func private @kernel_gate_up_parallel0(
// CHECK-NOT:   func.func private @kernel_gate_up_task1
func.func private @kernel_gate_up(%x: memref<1x96xf32>, %w1: memref<192x96xbf16>, %w2: memref<192x96xbf16>, %arena: memref<?xi8> {g4.scratch}, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c768 = arith.constant 768 : index
  %g = memref.view %arena[%c0][] : memref<?xi8> to memref<1x192xf32>
  linalg.fill ins(%zero : f32) outs(%g : memref<1x192xf32>)
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w1 : memref<1x96xf32>, memref<192x96xbf16>) outs(%g : memref<1x192xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  %u = memref.view %arena[%c768][] : memref<?xi8> to memref<1x192xf32>
  linalg.fill ins(%zero : f32) outs(%u : memref<1x192xf32>)
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w2 : memref<1x96xf32>, memref<192x96xbf16>) outs(%u : memref<1x192xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A run of 32 tasks (a contraction whose g4.max_tasks asks for small tasks) takes a
// next generic without its own g4.max_tasks whose rows allow 32 tasks (1024 / 32), though
// alone it would get max-tasks = 16: one dispatch (decode's gated GELU after gate and
// up). One of 512 rows (16 tasks of 32) cannot take 32 tasks and starts the next run;
// so does one with its own g4.max_tasks = 16, which keeps its count.
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>
#e = affine_map<(m, n) -> (m, n)>
// CHECK-LABEL: func.func private @kernel_adopt(
// CHECK:         %[[TASKS:.+]] = arith.constant 32 : index
// CHECK-NEXT:    call @kernel_adopt_parallel0(%{{.+}}, %[[TASKS]],
// CHECK:         %[[SHORT:.+]] = arith.constant 16 : index
// CHECK-NEXT:    call @kernel_adopt_parallel1(%{{.+}}, %[[SHORT]],
// CHECK-NOT:     linalg.generic
// CHECK:         return
// Each task is declared right after the kernel, so the second comes first.
// CHECK:       func.func private @kernel_adopt_task1(
// CHECK-COUNT-1: linalg.generic
// CHECK-NOT:     linalg.generic
// CHECK:         return
// CHECK:       func.func private @kernel_adopt_task0(
// CHECK-COUNT-2: linalg.generic
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func private @kernel_adopt(%x: memref<1x96xf32>, %w: memref<1024x96xbf16>, %in: memref<1x512xf32>,
                                %arena: memref<?xi8> {g4.scratch}, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %c0 = arith.constant 0 : index
  %c4096 = arith.constant 4096 : index
  %c8192 = arith.constant 8192 : index
  %two = arith.constant 2.0 : f32
  %g = memref.view %arena[%c0][] : memref<?xi8> to memref<1x1024xf32>
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x96xf32>, memref<1024x96xbf16>) outs(%g : memref<1x1024xf32>) attrs = {g4.parallel_dim = 1 : i64, g4.max_tasks = 32 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  %h = memref.view %arena[%c4096][] : memref<?xi8> to memref<1x1024xf32>
  linalg.generic {indexing_maps = [#e, #e], iterator_types = ["parallel", "parallel"]}
      ins(%g : memref<1x1024xf32>) outs(%h : memref<1x1024xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%v: f32, %o: f32):
    %r = arith.mulf %v, %two : f32
    linalg.yield %r : f32
  }
  %l = memref.view %arena[%c8192][] : memref<?xi8> to memref<1x512xf32>
  linalg.generic {indexing_maps = [#e, #e], iterator_types = ["parallel", "parallel"]}
      ins(%in : memref<1x512xf32>) outs(%l : memref<1x512xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%v: f32, %o: f32):
    %r = arith.mulf %v, %two : f32
    linalg.yield %r : f32
  }
  return
}
// CHECK-LABEL: func.func private @kernel_own_count(
// CHECK:         %[[TASKS:.+]] = arith.constant 32 : index
// CHECK-NEXT:    call @kernel_own_count_parallel0(%{{.+}}, %[[TASKS]],
// CHECK:         %[[OWN:.+]] = arith.constant 16 : index
// CHECK-NEXT:    call @kernel_own_count_parallel1(%{{.+}}, %[[OWN]],
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func private @kernel_own_count(%x: memref<1x96xf32>, %w: memref<1024x96xbf16>, %in: memref<1x1024xf32>,
                                    %arena: memref<?xi8> {g4.scratch}, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %c0 = arith.constant 0 : index
  %c4096 = arith.constant 4096 : index
  %c8192 = arith.constant 8192 : index
  %two = arith.constant 2.0 : f32
  %g = memref.view %arena[%c0][] : memref<?xi8> to memref<1x1024xf32>
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x96xf32>, memref<1024x96xbf16>) outs(%g : memref<1x1024xf32>) attrs = {g4.parallel_dim = 1 : i64, g4.max_tasks = 32 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  %k = memref.view %arena[%c4096][] : memref<?xi8> to memref<1x1024xf32>
  linalg.generic {indexing_maps = [#e, #e], iterator_types = ["parallel", "parallel"]}
      ins(%in : memref<1x1024xf32>) outs(%k : memref<1x1024xf32>) attrs = {g4.parallel_dim = 1 : i64, g4.max_tasks = 16 : i64} {
  ^bb0(%v: f32, %o: f32):
    %r = arith.mulf %v, %two : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A run ends where a task could read what another task wrote. Here the second step
// reads the scores along another dimension (its split loop j indexes dimension 2 of the
// buffer the first step split along dimension 1), and the third writes arena bytes that
// overlap the second's output: three dispatches, each after the previous one finished.
#qk = affine_map<(t, h, j) -> (t, h, j)>
#col = affine_map<(t, j, h) -> (t, h, j)>
#out = affine_map<(t, j, h) -> (t, j)>
// CHECK-LABEL: func.func private @kernel_unmergeable(
// CHECK:         call @kernel_unmergeable_parallel0(
// CHECK:         call @kernel_unmergeable_parallel1(
// CHECK:         call @kernel_unmergeable_parallel2(
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func private @kernel_unmergeable(%arena: memref<?xi8> {g4.scratch}, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %c0 = arith.constant 0 : index
  %c256 = arith.constant 256 : index
  %c272 = arith.constant 272 : index
  %two = arith.constant 2.0 : f32
  %s = memref.view %arena[%c0][] : memref<?xi8> to memref<1x8x8xf32>
  linalg.generic {indexing_maps = [#qk], iterator_types = ["parallel", "parallel", "parallel"]}
      outs(%s : memref<1x8x8xf32>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 1 : i64} {
  ^bb0(%v: f32):
    %r = arith.mulf %v, %two : f32
    linalg.yield %r : f32
  }
  %sums = memref.view %arena[%c256][] : memref<?xi8> to memref<1x8xf32>
  linalg.generic {indexing_maps = [#col, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%s : memref<1x8x8xf32>) outs(%sums : memref<1x8xf32>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 1 : i64} {
  ^bb0(%v: f32, %acc: f32):
    %r = arith.addf %acc, %v : f32
    linalg.yield %r : f32
  }
  %shifted = memref.view %arena[%c272][] : memref<?xi8> to memref<1x8xf32>
  linalg.generic {indexing_maps = [affine_map<(t, j) -> (t, j)>], iterator_types = ["parallel", "parallel"]}
      outs(%shifted : memref<1x8xf32>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 1 : i64} {
  ^bb0(%v: f32):
    %r = arith.mulf %v, %two : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A run may read a buffer through another view when each task's bytes are still its
// own: the contraction writes 24 groups of 8 features, 6 tasks of 4 groups, and the
// gating step reads the same bytes as 192 features, 6 tasks of 32 (task t: bytes
// [128 t, 128 (t + 1)) both times). One dispatch; each member splits its own loop.
#x = affine_map<(m, n, r, k) -> (m, k)>
#w = affine_map<(m, n, r, k) -> (n, r, k)>
#y = affine_map<(m, n, r, k) -> (m, n, r)>
#e = affine_map<(m, f) -> (m, f)>
// CHECK-LABEL: func.func private @kernel_gated(
// CHECK:         call @kernel_gated_parallel0(%{{.+}}, %{{.+}},
// CHECK-NOT:     call
// CHECK:         return
// CHECK:       func.func private @kernel_gated_task0(
// CHECK:         arith.constant 24 : index
// CHECK:         linalg.generic
// CHECK:         arith.constant 192 : index
// CHECK:         linalg.generic
// CHECK:         return
func.func private @kernel_gated(%x: memref<1x96xf32>, %w: memref<24x8x96xbf16>, %arena: memref<?xi8> {g4.scratch}, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %c0 = arith.constant 0 : index
  %c768 = arith.constant 768 : index
  %g = memref.view %arena[%c0][] : memref<?xi8> to memref<1x24x8xf32>
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x96xf32>, memref<24x8x96xbf16>) outs(%g : memref<1x24x8xf32>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 1 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %f = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %f : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  %flat = memref.collapse_shape %g [[0], [1, 2]] : memref<1x24x8xf32> into memref<1x192xf32>
  %out = memref.view %arena[%c768][] : memref<?xi8> to memref<1x192xf32>
  linalg.generic {indexing_maps = [#e, #e], iterator_types = ["parallel", "parallel"]}
      ins(%flat : memref<1x192xf32>) outs(%out : memref<1x192xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%v: f32, %o: f32):
    %r = arith.mulf %v, %v : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// The same with 25 groups (200 features): the contraction's task 1 writes features
// [32, 64), the gating step's task 0 reads [0, 33). Two dispatches.
#x = affine_map<(m, n, r, k) -> (m, k)>
#w = affine_map<(m, n, r, k) -> (n, r, k)>
#y = affine_map<(m, n, r, k) -> (m, n, r)>
#e = affine_map<(m, f) -> (m, f)>
// CHECK-LABEL: func.func private @kernel_gated_misaligned(
// CHECK:         call @kernel_gated_misaligned_parallel0(
// CHECK:         call @kernel_gated_misaligned_parallel1(
func.func private @kernel_gated_misaligned(%x: memref<1x96xf32>, %w: memref<25x8x96xbf16>, %arena: memref<?xi8> {g4.scratch}, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %c0 = arith.constant 0 : index
  %c800 = arith.constant 800 : index
  %g = memref.view %arena[%c0][] : memref<?xi8> to memref<1x25x8xf32>
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x96xf32>, memref<25x8x96xbf16>) outs(%g : memref<1x25x8xf32>) attrs = {g4.min_task_size = 4 : i64, g4.parallel_dim = 1 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %f = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %f : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  %flat = memref.collapse_shape %g [[0], [1, 2]] : memref<1x25x8xf32> into memref<1x200xf32>
  %out = memref.view %arena[%c800][] : memref<?xi8> to memref<1x200xf32>
  linalg.generic {indexing_maps = [#e, #e], iterator_types = ["parallel", "parallel"]}
      ins(%flat : memref<1x200xf32>) outs(%out : memref<1x200xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%v: f32, %o: f32):
    %r = arith.mulf %v, %v : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// An arena view at a shift known only at run time might overlap the first step's
// output, so it cannot join the run.
#e = affine_map<(m, f) -> (m, f)>
// CHECK-LABEL: func.func private @kernel_dynamic_shift(
// CHECK:         call @kernel_dynamic_shift_parallel0(
// CHECK:         call @kernel_dynamic_shift_parallel1(
func.func private @kernel_dynamic_shift(%shift: index, %arena: memref<?xi8> {g4.scratch}, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %c0 = arith.constant 0 : index
  %two = arith.constant 2.0 : f32
  %a = memref.view %arena[%c0][] : memref<?xi8> to memref<1x192xf32>
  linalg.generic {indexing_maps = [#e], iterator_types = ["parallel", "parallel"]}
      outs(%a : memref<1x192xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%v: f32):
    %r = arith.mulf %v, %two : f32
    linalg.yield %r : f32
  }
  %b = memref.view %arena[%shift][] : memref<?xi8> to memref<1x192xf32>
  linalg.generic {indexing_maps = [#e], iterator_types = ["parallel", "parallel"]}
      outs(%b : memref<1x192xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%v: f32):
    %r = arith.mulf %v, %two : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// g4.split_only_in_run: decode's x quantised in the tasks that made it. The gating step
// (192 features, 6 tasks of 32) writes an arena view; the block maxima (6 blocks of 32)
// and the in-place division of a kernel's stack buffer join its run, one block a task
// (task t: bytes [128 t, 128 (t + 1)) of x both times; a stack buffer outlives the
// dispatch). The fill of the maxima joins too. One dispatch.
#e = affine_map<(m, f) -> (m, f)>
#blocks = affine_map<(m, b, i) -> (m, b, i)>
#block = affine_map<(m, b, i) -> (m, b)>
// CHECK-LABEL: func.func private @kernel_quantized_in_run(
// CHECK:         %[[MAX:.+]] = memref.alloca() : memref<1x6xf32>
// CHECK-NOT:     linalg.
// CHECK:         call @kernel_quantized_in_run_parallel0(%{{.+}}, %{{.+}},
// CHECK-NOT:     linalg.
// CHECK:         return
// CHECK:       func.func private @kernel_quantized_in_run_task0(
// CHECK:         arith.constant 192 : index
// CHECK:         linalg.generic
// CHECK:         arith.constant 6 : index
// CHECK:         linalg.fill
// CHECK:         linalg.generic
// CHECK-SAME:        iterator_types = ["parallel", "parallel", "reduction"]
// CHECK:         linalg.generic
// CHECK-SAME:        iterator_types = ["parallel", "parallel"]
// CHECK-NOT:     g4.split_only_in_run
// CHECK:         return
func.func private @kernel_quantized_in_run(%x: memref<1x192xf32>, %arena: memref<?xi8> {g4.scratch}, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %levels = arith.constant 127.0 : f32
  %max = memref.alloca() : memref<1x6xf32>
  %out = memref.view %arena[%c0][] : memref<?xi8> to memref<1x192xf32>
  linalg.generic {indexing_maps = [#e, #e], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<1x192xf32>) outs(%out : memref<1x192xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%v: f32, %o: f32):
    %r = arith.mulf %v, %v : f32
    linalg.yield %r : f32
  }
  %blocks = memref.expand_shape %out [[0], [1, 2]] output_shape [1, 6, 32] : memref<1x192xf32> into memref<1x6x32xf32>
  linalg.fill ins(%zero : f32) outs(%max : memref<1x6xf32>)
  linalg.generic {indexing_maps = [#blocks, #block], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%blocks : memref<1x6x32xf32>) outs(%max : memref<1x6xf32>) attrs = {g4.parallel_dim = 1 : i64, g4.split_only_in_run} {
  ^bb0(%v: f32, %m: f32):
    %a = math.absf %v : f32
    %r = arith.maximumf %m, %a : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#e], iterator_types = ["parallel", "parallel"]}
      outs(%max : memref<1x6xf32>) attrs = {g4.parallel_dim = 1 : i64, g4.split_only_in_run} {
  ^bb0(%m: f32):
    %d = arith.divf %m, %levels : f32
    linalg.yield %d : f32
  }
  return
}

// -----

// Without a run to join (x is the kernel's argument, made by no task), a
// g4.split_only_in_run generic stays in the kernel, serial and unmarked: it does not
// start a dispatch of its own.
#blocks = affine_map<(m, b, i) -> (m, b, i)>
#block = affine_map<(m, b, i) -> (m, b)>
// CHECK-LABEL: func.func private @kernel_no_run_to_join(
// CHECK-NOT:     call
// CHECK:         linalg.generic
// CHECK-NOT:     g4.
// CHECK-SAME:    {
// CHECK-NOT:     call
// CHECK:         return
// CHECK-NOT:     func.func private @kernel_no_run_to_join_task
func.func private @kernel_no_run_to_join(%x: memref<1x6x32xf32>, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %max = memref.alloca() : memref<1x6xf32>
  linalg.generic {indexing_maps = [#blocks, #block], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : memref<1x6x32xf32>) outs(%max : memref<1x6xf32>) attrs = {g4.parallel_dim = 1 : i64, g4.split_only_in_run} {
  ^bb0(%v: f32, %m: f32):
    %a = math.absf %v : f32
    %r = arith.maximumf %m, %a : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// merge-runs=false: every splittable op gets its own dispatch, as before runs existed.
// RUN: g4-opt %s --split-input-file --g4-outline-parallel-tasks=merge-runs=false | FileCheck %s --check-prefix=SINGLE
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>
// SINGLE-LABEL: func.func private @kernel_two_dispatches(
// SINGLE:         call @kernel_two_dispatches_parallel0(
// SINGLE:         call @kernel_two_dispatches_parallel1(
func.func private @kernel_two_dispatches(%x: memref<1x96xf32>, %w1: memref<192x96xbf16>, %w2: memref<192x96xbf16>, %arena: memref<?xi8> {g4.scratch}, %p: !llvm.ptr) attributes {g4.parallel_arg} {
  %c0 = arith.constant 0 : index
  %c768 = arith.constant 768 : index
  %g = memref.view %arena[%c0][] : memref<?xi8> to memref<1x192xf32>
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w1 : memref<1x96xf32>, memref<192x96xbf16>) outs(%g : memref<1x192xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  %u = memref.view %arena[%c768][] : memref<?xi8> to memref<1x192xf32>
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w2 : memref<1x96xf32>, memref<192x96xbf16>) outs(%u : memref<1x192xf32>) attrs = {g4.parallel_dim = 1 : i64} {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %e = arith.extf %b : bf16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
