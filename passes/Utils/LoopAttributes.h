//===- LoopAttributes.h - The g4.* attributes the lowering leaves on linalg ops -*- C++ -*-===//
//
// g4-gemma-to-linalg marks the linalg ops it emits with discardable attributes that
// later passes read: how g4-outline-parallel-tasks may split a loop into tasks, and
// which microkernel g4-vectorize-contractions picks. One spelling of each name for all
// of them.
//
//===----------------------------------------------------------------------===//
#ifndef G4_PASSES_UTILS_LOOPATTRIBUTES_H
#define G4_PASSES_UTILS_LOOPATTRIBUTES_H

#include "llvm/ADT/StringRef.h"

namespace g4 {

/// On a linalg.generic: the loop dimension whose iterations may run as parallel tasks.
inline constexpr llvm::StringLiteral kParallelDimAttr = "g4.parallel_dim";
/// With it: the fewest iterations of that loop per task, instead of the pass's
/// min-task-size (attention splits its few heads one per task).
inline constexpr llvm::StringLiteral kMinTaskSizeAttr = "g4.min_task_size";
/// With it: the most tasks that loop is split into, instead of the pass's max-tasks (the
/// largest decode matvecs ask for more, so that the last task's wait stays short).
inline constexpr llvm::StringLiteral kMaxTasksAttr = "g4.max_tasks";
/// With it: split only as a later member of a run, in the run's tasks; outside one it
/// stays serial. Quantising decode's x is a few microseconds of serial work after the run
/// that produced x, but too little for a dispatch of its own.
inline constexpr llvm::StringLiteral kSplitOnlyInRunAttr = "g4.split_only_in_run";
/// The attributes that steer the split; none is left on a generic once it is outlined.
inline constexpr llvm::StringLiteral kSplitAttrs[] = {kParallelDimAttr, kMinTaskSizeAttr,
                                                      kMaxTasksAttr, kSplitOnlyInRunAttr};

/// On a contraction with a bf16x8 ... bf16x64 weight [N/G, K, G] (the loops are (m, t, r, k)).
inline constexpr llvm::StringLiteral kInterleavedFloatAttr = "g4.interleaved_float";
/// On a contraction whose weight rows are read from memory once per call, by a few rows of
/// x (decode attention's keys): g4-vectorize-contractions prefetches rows ahead.
inline constexpr llvm::StringLiteral kStreamedWeightsAttr = "g4.streamed_weights";
/// On a packed contraction: its weight format ("q8_0", "q4_0", "q8_0x8" or "q4_0x8").
inline constexpr llvm::StringLiteral kPackedFormatAttr = "g4.packed_format";

} // namespace g4

#endif // G4_PASSES_UTILS_LOOPATTRIBUTES_H
