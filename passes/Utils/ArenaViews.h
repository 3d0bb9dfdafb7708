//===- ArenaViews.h - Which buffers of a kernel may share bytes ---*- C++ -*-===//
//
// After g4-plan-scratch every buffer a kernel makes is a `memref.view` of its scratch
// arena at a constant byte shift. Passes that move or share work across ops ask whether
// two buffers may overlap; these answer from the views alone.
//
//===----------------------------------------------------------------------===//
#ifndef G4_PASSES_UTILS_ARENAVIEWS_H
#define G4_PASSES_UTILS_ARENAVIEWS_H

#include "mlir/IR/Value.h"

#include <cstdint>
#include <optional>
#include <utility>

namespace g4 {

/// The buffer `v` views: a `memref.view` of the scratch arena (its own buffer, at a byte
/// range of the arena), or what the other view-like ops end at (an argument, an alloca).
mlir::Value rootOf(mlir::Value v);

/// The bytes [begin, end) of the arena that `root`, a `memref.view` with a constant
/// shift and a static shape, covers.
std::optional<std::pair<int64_t, int64_t>> arenaBytes(mlir::Value root);

/// Whether `other` (a root) provably shares no byte with `view`, a root that is a
/// `memref.view` of an arena: a view of the same arena at disjoint known bytes, or a
/// buffer outside every arena (a function argument: the caller's buffers never overlap
/// the kernel's scratch; an alloca, an alloc, a global).
bool apartFromArenaView(mlir::Value view, mlir::Value other);

/// Whether the buffers rooted at `a` and `b` provably share no byte: one of them is an
/// arena view and the other is apart from it (apartFromArenaView), or they differ and
/// one is an alloca or alloc.
bool buffersApart(mlir::Value a, mlir::Value b);

} // namespace g4

#endif // G4_PASSES_UTILS_ARENAVIEWS_H
