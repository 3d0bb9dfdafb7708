//===- Passes.td - Splitting loops into tasks for an injected thread pool -*- tablegen -*-===//
#ifndef G4_PASSES_PARALLEL_PASSES_TD
#define G4_PASSES_PARALLEL_PASSES_TD

include "mlir/Pass/PassBase.td"

def OutlineParallelTasksPass : Pass<"g4-outline-parallel-tasks", "::mlir::ModuleOp"> {
  let summary = "Splits large independent loops of the kernels into tasks for the caller's parallel_for";
  let description = [{
    Runs on buffers. In every kernel that received the caller's `g4_parallel_t*`
    (g4-bind-entry-points), each `linalg.generic` marked `g4.parallel_dim = d`
    (optionally with its own `g4.min_task_size` and `g4.max_tasks`, which replace the
    options below for it), at the top level or inside a loop (an
    MoE kernel's per-expert contractions), is moved into a task function
    `@<kernel>_task<k>(chunk, tasks, operands..., scalars...)` that runs rows
    `[chunk*N/tasks, (chunk+1)*N/tasks)` of loop `d` on subviews, and replaced by a call
    to the dispatcher declaration `@<kernel>_parallel<k>(parallel, tasks, operands...,
    scalars...)` (attribute `g4.parallel_task`), which g4-lower-parallel-dispatch defines
    once the module is in the LLVM dialect. `scalars` are the integer, index and float
    values the body reads from the kernel (constants are rebuilt in the task instead);
    a `linalg.index` of loop `d` in the body gets the task's first row added back.
    A `linalg.fill` of the generic's init with a constant, right before it (only ops
    without memory effects between), moves into the task, which fills its own rows:
    a contraction's zeroed accumulator is then cleared in parallel and in the cache of
    the core that accumulates into it. It stays when loop `d` does not index the init or
    an input reads the init.
    A generic also marked `g4.split_only_in_run` (g4-prequantize-activations' decode
    quantisation) never starts a dispatch: it joins the run open before it, split into
    that run's tasks whatever its own trip count, when the run's rules below admit it;
    else it stays serial in the kernel, unmarked.
    A static trip count N splits into min(`max-tasks`, N / `min-task-size`) tasks, and
    not at all below 2 * `min-task-size`; a dynamic N into max(1, min(`max-tasks`,
    N / `min-task-size`)) tasks computed where the loop was. With `even-task-counts`
    (the default) a count above one is rounded down to an even number: an odd count of
    equal tasks leaves one core of two idle for a task at the end (an MoE expert's
    gate and up projections were 5 tasks, 2 of 3 a core for the other). Either count
    depends on N alone, and tasks write disjoint parts of the output, so results do not
    depend on the number of threads.
    With `merge-runs`, consecutive such generics of one block (only ops without memory
    effects between, and constant fills) with static trip counts and the same task
    count share one dispatch, called where the last of them was: each task runs all of
    them in order, each on its part of its own loop. Only when no task can read what
    another wrote: every buffer the run writes is a `memref.view` of the arena with a
    constant shift and static shape that overlaps no other arena view the run uses, or
    a `memref.alloca` of the kernel (its frame outlives the dispatch),
    and every access to it either slices the same view (up to subviews that keep that
    dimension whole) along the same dimension, or reaches per task a byte range of the
    arena that no other task writes. A fill joins when a generic of the run slices its
    buffer. A generic without its own `g4.max_tasks` whose trip count allows the run's
    task count (N / min-task-size at least that count) takes the run's count, though
    alone it would get fewer: decode's gated GELU joins gate and up projections that
    ask for small tasks. Decode attention's steps over the heads, and the gate and up
    projections with the gated GELU, become one dispatch each.
    With `weight-parts` P > 1 (`packed-weight-parts` for packed weights), a decode
    contraction dispatched alone (one row of output, a `g4.packed_format` of q8_0x8 or
    q4_0x8 or `g4.interleaved_float`, a static
    trip count N that P divides, whose every operand indexed by loop `d` has extent N)
    runs as P parts, in at most N / P tasks: each task fills its rows
    [chunk*(N/P)/tasks, (chunk+1)*(N/P)/tasks) of every part of the init (static
    subviews of each operand at 0, N/P, ...), then runs the generic on its rows of each
    part in turn. g4-vectorize-contractions (`decode-partners`) computes the parts side
    by side, so each core reads its weights as P long streams: a thread's consecutive
    tasks continue all of them.
  }];
  let options = [
    Option<"minTaskSize", "min-task-size", "int64_t", /*default=*/"32",
           "fewest iterations of the split loop per task">,
    Option<"maxTasks", "max-tasks", "int64_t", /*default=*/"16",
           "most tasks one loop is split into">,
    Option<"evenTaskCounts", "even-task-counts", "bool", /*default=*/"true",
           "round a task count above one down to an even number">,
    Option<"mergeRuns", "merge-runs", "bool", /*default=*/"true",
           "run consecutive splittable loops that slice their buffers alike as one dispatch">,
    Option<"weightParts", "weight-parts", "int64_t", /*default=*/"1",
           "a decode contraction with interleaved weights dispatched alone runs as this "
           "many parts of its outputs, each of at most N / parts tasks taking the same "
           "rows of every part (as many weight streams a core); 1: whole. Interleaved "
           "float weights (g4.interleaved_float)">,
    Option<"packedWeightParts", "packed-weight-parts", "int64_t", /*default=*/"1",
           "weight-parts for packed weights (g4.packed_format q8_0x8 or q4_0x8)">
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect", "::mlir::LLVM::LLVMDialect"];
}

def LowerParallelDispatchPass : Pass<"g4-lower-parallel-dispatch", "::mlir::ModuleOp"> {
  let summary = "Defines the task dispatchers: pack the arguments, call the caller's parallel_for";
  let description = [{
    Runs on the LLVM dialect. For each declaration marked `g4.parallel_task = @task`
    (parameters: `g4_parallel_t*`, task count, the task's flattened arguments) it creates
    a trampoline `void(void *ctx, int64_t index)` that unpacks the arguments and calls
    the task, and a body that packs them into a stack struct and calls
    `parallel->parallel_for(parallel->pool, count, trampoline, &args)`; with a NULL
    `parallel` or NULL `parallel_for` it runs the tasks in order on the calling thread.
    The contract is runtime/g4rt/abi/model_abi.h (g4_parallel_t).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // G4_PASSES_PARALLEL_PASSES_TD
