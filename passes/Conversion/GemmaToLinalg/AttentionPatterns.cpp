//===- AttentionPatterns.cpp - Lowering of kv_project, kv_append, attention -===//
//
// A KV cache is tensor<2 x C x kv_heads x d>: K at [0], V at [1], position p in slot
// p mod C (for a global layer C is the maximum context, so the slot is p). Attention over
// a block of T queries at start .. start+T-1 reads the past positions lo .. start-1 from
// the cache (lo = start - (window-1) for sliding layers, clamped at 0; 0 for global ones)
// and the block's own K/V, as one key axis of start - lo + T positions.
//
//===----------------------------------------------------------------------===//

#include "dialects/Gemma/IR/GemmaOps.h"
#include "passes/Conversion/GemmaToLinalg/GemmaToLinalg.h"
#include "passes/Conversion/GemmaToLinalg/KernelPattern.h"
#include "passes/Conversion/GemmaToLinalg/TensorEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <limits>

using namespace mlir;
using namespace g4::gemma;
using g4::lowering::TensorEmitter;

namespace g4 {
namespace {

using utils::IteratorType;

SmallVector<IteratorType> iterators(unsigned parallelDims, unsigned reductionDims = 0) {
  SmallVector<IteratorType> it(parallelDims, IteratorType::parallel);
  it.append(reductionDims, IteratorType::reduction);
  return it;
}

/// keys = rope(rms_norm(k_raw, k_norm)), values = rms_norm_noscale(v_raw), cast to the
/// op's block type.
SmallVector<Value> normedKeysAndValues(TensorEmitter &e, Value kRaw, Value vRaw, Value kNorm,
                                       Value start, RopeAttr rope, double eps, Type blockType) {
  ImplicitLocOpBuilder &b = e.builder();
  Value keys = e.rope(e.rmsNorm(kRaw, kNorm, eps), start, rope);
  Value values = e.rmsNorm(vRaw, Value(), eps);
  return {tensor::CastOp::create(b, blockType, keys), tensor::CastOp::create(b, blockType, values)};
}

/// A block's keys and values as a cache of `element` holds them: unchanged in an f32
/// cache, rounded to nearest even in an f16 one.
std::pair<Value, Value> asStored(TensorEmitter &e, Value keys, Value values, Type element) {
  if (element.isF32())
    return {keys, values};
  return {e.truncateTo(keys, element), e.truncateTo(values, element)};
}

struct KVProjectLowering : KernelPattern<KVProjectOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(KVProjectOp op, Adaptor adaptor,
                           ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b, op.getFormat());
    auto blockType = cast<RankedTensorType>(op.getKeys().getType());
    int64_t kvHeads = blockType.getDimSize(1), d = blockType.getDimSize(2);
    Value kRaw = e.splitLastDim(e.matmulTransposedWeight(adaptor.getInput(), adaptor.getKWeight()),
                                kvHeads, d);
    // k_eq_v: V is the raw K projection, taken before k_norm and RoPE.
    Value vRaw =
        adaptor.getVWeight()
            ? e.splitLastDim(e.matmulTransposedWeight(adaptor.getInput(), adaptor.getVWeight()),
                             kvHeads, d)
            : kRaw;
    return normedKeysAndValues(e, kRaw, vRaw, adaptor.getKNorm(), adaptor.getStart(), op.getRope(),
                               op.getEpsilon().convertToDouble(), blockType);
  }
};

/// One contraction over [Wq; Wk; Wv], then columns [0, Nq), [Nq, Nq + Nk) and the rest
/// as views of its result: each output's dot product is the one the separate
/// projections compute, so the merge changes no value.
struct QKVProjectLowering : KernelPattern<QKVProjectOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(QKVProjectOp op, Adaptor adaptor,
                           ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b, op.getFormat());
    auto blockType = cast<RankedTensorType>(op.getKeys().getType());
    auto queryType = cast<RankedTensorType>(op.getQueries().getType());
    int64_t heads = queryType.getDimSize(1), kvHeads = blockType.getDimSize(1),
            d = blockType.getDimSize(2);
    double eps = op.getEpsilon().convertToDouble();
    Value qkv = e.matmulTransposedWeight(adaptor.getInput(), adaptor.getWeight());
    Value tokens = tensor::DimOp::create(b, qkv, 0);
    auto columns = [&](int64_t first, int64_t count, int64_t splitHeads) {
      Value slice = tensor::ExtractSliceOp::create(
          b, qkv, ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(first)},
          ArrayRef<OpFoldResult>{tokens, b.getIndexAttr(count)},
          ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
      return e.splitLastDim(slice, splitHeads, d);
    };
    Value qRaw = columns(0, heads * d, heads);
    Value kRaw = columns(heads * d, kvHeads * d, kvHeads);
    Value vRaw = op.isKEqV() ? kRaw : columns((heads + kvHeads) * d, kvHeads * d, kvHeads);
    Value queries =
        e.rope(e.rmsNorm(qRaw, adaptor.getQNorm(), eps), adaptor.getStart(), op.getRope());
    SmallVector<Value> results{tensor::CastOp::create(b, queryType, queries)};
    results.append(normedKeysAndValues(e, kRaw, vRaw, adaptor.getKNorm(), adaptor.getStart(),
                                       op.getRope(), eps, blockType));
    return results;
  }
};

/// Writes block rows t in [max(0, T - C), T) to slot (start + t) mod C: earlier rows of a
/// block longer than a ring would be overwritten within the same block. An f16 cache
/// stores the rows rounded to nearest even.
struct KVAppendLowering : KernelPattern<KVAppendOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(KVAppendOp op, Adaptor adaptor, ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b);
    Value cache = adaptor.getCache();
    auto cacheType = cast<RankedTensorType>(cache.getType());
    int64_t capacity = cacheType.getDimSize(1), kvHeads = cacheType.getDimSize(2),
            d = cacheType.getDimSize(3);
    auto [keys, values] =
        asStored(e, adaptor.getKeys(), adaptor.getValues(), cacheType.getElementType());
    Value tokens = tensor::DimOp::create(b, keys, 0);
    Value capacityValue = e.index(capacity);
    Value first =
        arith::MaxSIOp::create(b, e.index(0), arith::SubIOp::create(b, tokens, capacityValue));
    auto rowType = RankedTensorType::get({kvHeads, d}, cacheType.getElementType());
    auto loop = scf::ForOp::create(
        b, first, tokens, e.index(1), ValueRange{cache},
        [&](OpBuilder &nested, Location loc, Value t, ValueRange iterArgs) {
          ImplicitLocOpBuilder nb(loc, nested);
          Value slot = arith::RemUIOp::create(nb, arith::AddIOp::create(nb, adaptor.getStart(), t),
                                              capacityValue);
          auto one = nb.getIndexAttr(1), zero = nb.getIndexAttr(0);
          SmallVector<OpFoldResult> rowSizes{one, nb.getIndexAttr(kvHeads), nb.getIndexAttr(d)};
          SmallVector<OpFoldResult> rowOffsets{t, zero, zero};
          SmallVector<OpFoldResult> strides3(3, one), strides4(4, one);
          Value updated = iterArgs[0];
          SmallVector<Value, 2> blocks{keys, values};
          for (auto [which, block] : llvm::enumerate(blocks)) {
            Value row =
                tensor::ExtractSliceOp::create(nb, rowType, block, rowOffsets, rowSizes, strides3);
            SmallVector<OpFoldResult> dst{nb.getIndexAttr(which), slot, zero, zero};
            SmallVector<OpFoldResult> dstSizes{one, one, nb.getIndexAttr(kvHeads),
                                               nb.getIndexAttr(d)};
            updated = tensor::InsertSliceOp::create(nb, row, updated, dst, dstSizes, strides4);
          }
          scf::YieldOp::create(nb, updated);
        });
    return {loop.getResult(0)};
  }
};

/// The attention core over the cache in place. The query heads of a KV head are grouped
/// as rows: q is [kv_heads, T * G, d] (row m = t * G + g, G = heads / kv_heads), so every
/// contraction reads a K or V row once for all G heads of its group (per row tile),
/// where one microkernel per query head read it G times.
///
/// The key axis is positions lo .. start+T-1 in order, in tiles (attend): the past read
/// where the cache holds it (one ring slice per tile), then the block's keys. No copy,
/// and a sliding layer touches only its window. Scores and P x V are one contraction
/// per source in a tile. Position order keeps decode equal to prefill bit for bit: the
/// terms of every sum (the row sum, and P x V, which sums each output sequentially over
/// its positions) come in the same order, and prefill's extra terms (positions before
/// the window, the future) are exact zeros.
class AttentionCoreEmitter {
public:
  AttentionCoreEmitter(TensorEmitter &e, Value start, int64_t window, int64_t kvHeads,
                       int64_t group)
      : e(e), b(e.builder()), ctx(b.getContext()), start(start), window(window), kvHeads(kvHeads),
        group(group) {}

  /// q [T, kv_heads * G, d] -> [kv_heads, T * G, d] (a reshape when kv_heads is 1).
  Value groupQueries(Value q) {
    int64_t d = cast<RankedTensorType>(q.getType()).getDimSize(2);
    OpFoldResult tokens = e.sizes(q)[0];
    OpFoldResult rows = times(tokens, group);
    if (kvHeads == 1) {
      Value flat =
          tensor::CollapseShapeOp::create(b, q, SmallVector<ReassociationIndices>{{0, 1}, {2}});
      return expand(flat, {b.getIndexAttr(1), rows, b.getIndexAttr(d)}, {{0, 1}, {2}});
    }
    Value split =
        expand(q, {tokens, b.getIndexAttr(kvHeads), b.getIndexAttr(group), b.getIndexAttr(d)},
               {{0}, {1, 2}, {3}});
    Value init =
        tensor::EmptyOp::create(b,
                                SmallVector<OpFoldResult>{b.getIndexAttr(kvHeads), tokens,
                                                          b.getIndexAttr(group), b.getIndexAttr(d)},
                                b.getF32Type());
    Value transposed = linalg::TransposeOp::create(b, split, init, SmallVector<int64_t>{1, 0, 2, 3})
                           .getResult()[0];
    return tensor::CollapseShapeOp::create(b, transposed,
                                           SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}});
  }

  /// out [kv_heads, T * G, d] -> [T, kv_heads * G * d], the heads in query-head order.
  Value ungroup(Value out, OpFoldResult tokens) {
    int64_t d = cast<RankedTensorType>(out.getType()).getDimSize(2);
    SmallVector<OpFoldResult> split{b.getIndexAttr(kvHeads), tokens, b.getIndexAttr(group),
                                    b.getIndexAttr(d)};
    Value heads = expand(out, split, {{0}, {1, 2}, {3}});
    if (kvHeads > 1) {
      Value init = tensor::EmptyOp::create(
          b, SmallVector<OpFoldResult>{tokens, split[0], split[2], split[3]}, b.getF32Type());
      heads = linalg::TransposeOp::create(b, heads, init, SmallVector<int64_t>{1, 0, 2, 3})
                  .getResult()[0];
      return tensor::CollapseShapeOp::create(b, heads,
                                             SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    }
    return tensor::CollapseShapeOp::create(b, heads,
                                           SmallVector<ReassociationIndices>{{0, 1}, {2, 3}});
  }

  /// q [kv_heads, M, d] (grouped), the cache and the block's keys/values [T, kv_heads, d]:
  /// returns [kv_heads, M, d].
  ///
  /// Flash-style: the key axis lo .. start+T-1 runs in tiles of `keyTile` positions
  /// aligned to absolute positions (the first and last may be partial), with an online
  /// softmax: per query row a running max m, row sum l and output acc, rescaled by
  /// alpha = exp(m_old - m_new) when a tile raises the max. Only a tile's scores
  /// [kv_heads, M, tile] exist at a time, so scratch no longer grows with the context.
  ///
  /// Decode equals prefill bit for bit: a query sees the same tiles in both (aligned to
  /// positions, not to the call), a key it cannot see is an exact zero term, and a tile
  /// it sees nothing of leaves m, l and acc unchanged (alpha is exactly 1 when the max
  /// does not move; m starts at the lowest finite float, so exp(-inf - m) is 0, never
  /// NaN). A tile never crosses the ring's wrap: for sliding layers the tile divides the
  /// capacity.
  Value attend(Value q, Value cache, Value blockKeys, Value blockValues) {
    auto cacheType = cast<RankedTensorType>(cache.getType());
    int64_t capacity = cacheType.getDimSize(1), d = cacheType.getDimSize(3);
    Value tokens = tensor::DimOp::create(b, blockKeys, 0);
    OpFoldResult rows = e.sizes(q)[1];
    lo = window > 0 ? arith::MaxSIOp::create(b, e.index(0),
                                             arith::SubIOp::create(b, start, e.index(window - 1)))
                          .getResult()
                    : e.index(0);
    Value end = arith::AddIOp::create(b, start, tokens);
    int64_t tile = keyTile(capacity);
    Value tileValue = e.index(tile), one = e.index(1);
    Value firstTile = arith::DivUIOp::create(b, lo, tileValue);
    Value endTile = arith::AddIOp::create(
        b, arith::DivUIOp::create(b, arith::SubIOp::create(b, end, one), tileValue), one);

    SmallVector<OpFoldResult> rowShape{b.getIndexAttr(kvHeads), rows};
    Value m0 = e.filled(rowShape, -std::numeric_limits<float>::max());
    Value l0 = e.filled(rowShape, 0.0);
    Value acc0 = e.filled({b.getIndexAttr(kvHeads), rows, b.getIndexAttr(d)}, 0.0);
    auto tiles =
        scf::ForOp::create(b, firstTile, endTile, one, ValueRange{m0, l0, acc0},
                           [&](OpBuilder &nested, Location loc, Value index, ValueRange state) {
                             ImplicitLocOpBuilder nb(loc, nested);
                             TensorEmitter ne(nb);
                             AttentionCoreEmitter inner(ne, start, window, kvHeads, group);
                             inner.lo = lo;
                             SmallVector<Value> next =
                                 inner.attendTile(q, cache, blockKeys, blockValues, index, tile,
                                                  end, state[0], state[1], state[2]);
                             scf::YieldOp::create(nb, next);
                           });
    Value l = tiles.getResult(1), acc = tiles.getResult(2);
    AffineExpr r0, r1, r2;
    bindDims(ctx, r0, r1, r2);
    auto normalized = linalg::GenericOp::create(
        b, acc.getType(), ValueRange{l}, ValueRange{acc},
        SmallVector<AffineMap>{AffineMap::get(3, 0, {r0, r1}, ctx),
                               AffineMap::getMultiDimIdentityMap(3, ctx)},
        iterators(3), [&](OpBuilder &nested, Location loc, ValueRange args) {
          ImplicitLocOpBuilder nb(loc, nested);
          linalg::YieldOp::create(nb, ValueRange{arith::DivFOp::create(nb, args[1], args[0])});
        });
    splitAcrossHeads(normalized);
    return normalized.getResult(0);
  }

private:
  /// Positions per key tile: up to 512 (at most the capacity), or for a sliding layer
  /// the largest divisor of its ring capacity up to 512, so that a tile never crosses
  /// the wrap (the whole ring when that divisor would be under 32).
  int64_t keyTile(int64_t capacity) const {
    constexpr int64_t kMaxTile = 512, kMinTile = 32;
    if (window == 0) // never more than the positions the cache holds
      return std::min(kMaxTile, capacity);
    for (int64_t tile = std::min(kMaxTile, capacity); tile >= 1; --tile)
      if (capacity % tile == 0)
        return tile >= kMinTile || capacity <= kMaxTile ? tile : capacity;
    return capacity;
  }

  /// One key tile: positions a .. e-1 with a = max(lo, index * tile) and
  /// e = min((index + 1) * tile, end); those before `start` from the cache (one ring
  /// slice), the rest from the block. Returns the updated {m, l, acc}.
  SmallVector<Value> attendTile(Value q, Value cache, Value blockKeys, Value blockValues,
                                Value index, int64_t tile, Value end, Value m, Value l, Value acc) {
    auto cacheType = cast<RankedTensorType>(cache.getType());
    int64_t capacity = cacheType.getDimSize(1);
    Value tileBegin = arith::MulIOp::create(b, index, e.index(tile));
    Value a = arith::MaxUIOp::create(b, lo, tileBegin);
    Value tileEnd =
        arith::MinUIOp::create(b, arith::AddIOp::create(b, tileBegin, e.index(tile)), end);
    Value cacheEnd = arith::MinUIOp::create(b, arith::MaxUIOp::create(b, start, a), tileEnd);
    Value fromCache = arith::SubIOp::create(b, cacheEnd, a);
    Value fromBlock = arith::SubIOp::create(b, tileEnd, cacheEnd);
    Value length = arith::SubIOp::create(b, tileEnd, a);
    Value blockFirst = arith::SubIOp::create(b, cacheEnd, start);
    Value slot = window > 0 ? arith::RemUIOp::create(b, a, e.index(capacity)).getResult() : a;
    OpFoldResult rows = e.sizes(q)[1];

    AffineExpr h, mm, j, k;
    bindDims(ctx, h, mm, j, k);
    // scores[h, m, j] = sum_k q[h, m, k] * keys[a + j, h, k], in a [kv_heads, M, tile]
    // buffer of which the first `length` columns are used.
    Value buffer = tensor::EmptyOp::create(
        b, SmallVector<OpFoldResult>{b.getIndexAttr(kvHeads), rows, b.getIndexAttr(tile)},
        b.getF32Type());
    Value scores = tensor::ExtractSliceOp::create(
        b, buffer, SmallVector<OpFoldResult>(3, b.getIndexAttr(0)),
        SmallVector<OpFoldResult>{b.getIndexAttr(kvHeads), rows, length},
        SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
    scores = linalg::FillOp::create(b, e.f32(0.0), scores).getResult(0);
    SmallVector<AffineMap> scoreMaps{map({h, mm, k}), map({j, h, k}), map({h, mm, j})};
    // Decode (a static row count) reads the cached keys and values from memory, once for
    // the group.
    bool streamed = getConstantIntValue(rows).has_value();
    scores = intoColumns(scores, e.index(0), fromCache, [&](Value columns) {
      return contraction(q, cacheSlots(cache, 0, slot, fromCache), columns, scoreMaps, streamed);
    });
    scores = intoColumns(scores, fromCache, fromBlock, [&](Value columns) {
      return contraction(q, blockRows(blockKeys, blockFirst, fromBlock), columns, scoreMaps);
    });

    // Mask: key position a + j is visible from query position start + m / G when it is
    // not in the future and, for sliding layers, within the last `window` positions.
    Value negInf = e.f32(-std::numeric_limits<float>::infinity());
    Value windowValue = e.index(window), groupValue = e.index(group);
    Value masked =
        linalg::GenericOp::create(
            b, scores.getType(), ValueRange{}, ValueRange{scores},
            SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(3, ctx)}, iterators(3),
            [&](OpBuilder &nested, Location loc, ValueRange args) {
              ImplicitLocOpBuilder nb(loc, nested);
              Value query = arith::AddIOp::create(
                  nb, start,
                  arith::DivUIOp::create(nb, linalg::IndexOp::create(nb, 1), groupValue));
              Value key = arith::AddIOp::create(nb, a, linalg::IndexOp::create(nb, 2));
              Value visible = arith::CmpIOp::create(nb, arith::CmpIPredicate::ule, key, query);
              if (window > 0) {
                Value inWindow =
                    arith::CmpIOp::create(nb, arith::CmpIPredicate::ugt,
                                          arith::AddIOp::create(nb, key, windowValue), query);
                visible = arith::AndIOp::create(nb, visible, inWindow);
              }
              linalg::YieldOp::create(
                  nb, ValueRange{arith::SelectOp::create(nb, visible, args[0], negInf)});
            })
            .getResult(0);
    splitAcrossHeads(masked.getDefiningOp());

    // m_new = max(m, tile max); alpha = exp(m - m_new), exactly 1 when the max stays;
    // l scaled by alpha.
    SmallVector<OpFoldResult> rowShape{b.getIndexAttr(kvHeads), rows};
    Value tileMax = reduceRows(masked, e.filled(rowShape, -std::numeric_limits<float>::infinity()),
                               [](ImplicitLocOpBuilder &nb, Value x, Value y) {
                                 return arith::MaximumFOp::create(nb, x, y);
                               });
    AffineMap rows2 = AffineMap::getMultiDimIdentityMap(2, ctx);
    Value alpha0 = tensor::EmptyOp::create(b, rowShape, b.getF32Type());
    auto update = linalg::GenericOp::create(
        b, TypeRange{m.getType(), l.getType(), alpha0.getType()}, ValueRange{tileMax},
        ValueRange{m, l, alpha0}, SmallVector<AffineMap>(4, rows2), iterators(2),
        [&](OpBuilder &nested, Location loc, ValueRange args) {
          ImplicitLocOpBuilder nb(loc, nested);
          Value mOld = args[1];
          Value mNew = arith::MaximumFOp::create(nb, mOld, args[0]);
          Value same = arith::CmpFOp::create(nb, arith::CmpFPredicate::OEQ, mNew, mOld);
          Value alpha = arith::SelectOp::create(
              nb, same, e.f32(1.0), math::ExpOp::create(nb, arith::SubFOp::create(nb, mOld, mNew)));
          linalg::YieldOp::create(
              nb, ValueRange{mNew, arith::MulFOp::create(nb, args[2], alpha), alpha});
        });
    splitAcrossHeads(update);
    Value mNew = update.getResult(0), lScaled = update.getResult(1), alpha = update.getResult(2);

    AffineExpr r0, r1, r2;
    bindDims(ctx, r0, r1, r2);
    AffineMap rowMap = AffineMap::get(3, 0, {r0, r1}, ctx);
    AffineMap identity = AffineMap::getMultiDimIdentityMap(3, ctx);
    Value weights = linalg::GenericOp::create(
                        b, masked.getType(), ValueRange{mNew}, ValueRange{masked},
                        SmallVector<AffineMap>{rowMap, identity}, iterators(3),
                        [&](OpBuilder &nested, Location loc, ValueRange args) {
                          ImplicitLocOpBuilder nb(loc, nested);
                          Value x = arith::SubFOp::create(nb, args[1], args[0]);
                          linalg::YieldOp::create(nb, ValueRange{math::ExpOp::create(nb, x)});
                        })
                        .getResult(0);
    splitAcrossHeads(weights.getDefiningOp());
    Value lNew = reduceRows(weights, lScaled, [](ImplicitLocOpBuilder &nb, Value acc, Value x) {
      return arith::AddFOp::create(nb, acc, x);
    });
    auto rescaled = linalg::GenericOp::create(
        b, acc.getType(), ValueRange{alpha}, ValueRange{acc},
        SmallVector<AffineMap>{rowMap, identity}, iterators(3),
        [&](OpBuilder &nested, Location loc, ValueRange args) {
          ImplicitLocOpBuilder nb(loc, nested);
          linalg::YieldOp::create(nb, ValueRange{arith::MulFOp::create(nb, args[1], args[0])});
        });
    splitAcrossHeads(rescaled);

    // acc[h, m, k] += sum_j weights[h, m, j] * values[a + j, h, k]: the cache's slice,
    // then the block's. The sum runs over the outer dim of the values, which
    // g4-vectorize-contractions reads as rows of d (one vector of outputs per row), each
    // output summed sequentially in position order.
    AffineExpr kOut = j, jSum = k; // loop 2 is the output's k, loop 3 the sum over j
    SmallVector<AffineMap> valueMaps{map({h, mm, jSum}), map({jSum, h, kOut}), map({h, mm, kOut})};
    auto columns = [&](Value offset, Value size) {
      SmallVector<OpFoldResult> offsets{b.getIndexAttr(0), b.getIndexAttr(0), offset};
      SmallVector<OpFoldResult> sizes{b.getIndexAttr(kvHeads), rows, size};
      return tensor::ExtractSliceOp::create(b, weights, offsets, sizes,
                                            SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
    };
    Value out = contraction(columns(e.index(0), fromCache), cacheSlots(cache, 1, slot, fromCache),
                            rescaled.getResult(0), valueMaps, streamed);
    out = contraction(columns(fromCache, fromBlock), blockRows(blockValues, blockFirst, fromBlock),
                      out, valueMaps);
    return {mNew, lNew, out};
  }

  /// Rows first .. first+length-1 of a block's keys or values [T, kv_heads, d].
  Value blockRows(Value block, Value first, Value length) {
    auto type = cast<RankedTensorType>(block.getType());
    SmallVector<OpFoldResult> offsets{first, b.getIndexAttr(0), b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes{length, b.getIndexAttr(type.getDimSize(1)),
                                    b.getIndexAttr(type.getDimSize(2))};
    return tensor::ExtractSliceOp::create(
        b,
        RankedTensorType::get({ShapedType::kDynamic, type.getDimSize(1), type.getDimSize(2)},
                              type.getElementType()),
        block, offsets, sizes, SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
  }

  /// size * factor, folded when size is static.
  OpFoldResult times(OpFoldResult size, int64_t factor) {
    if (std::optional<int64_t> known = getConstantIntValue(size))
      return b.getIndexAttr(*known * factor);
    return arith::MulIOp::create(b, getValueOrCreateConstantIndexOp(b, b.getLoc(), size),
                                 e.index(factor))
        .getResult();
  }

  /// x expanded to `sizes` (static where they are constants).
  Value expand(Value x, ArrayRef<OpFoldResult> sizes, ArrayRef<ReassociationIndices> groups) {
    SmallVector<int64_t> shape;
    for (OpFoldResult size : sizes)
      shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
    return tensor::ExpandShapeOp::create(b, RankedTensorType::get(shape, b.getF32Type()), x, groups,
                                         sizes);
  }

  /// cache[which, first .. first+length-1, :, :] in place: [length, kv_heads, d] of the
  /// cache's element type.
  Value cacheSlots(Value cache, int64_t which, Value first, Value length) {
    auto cacheType = cast<RankedTensorType>(cache.getType());
    int64_t d = cacheType.getDimSize(3);
    auto sliceType =
        RankedTensorType::get({ShapedType::kDynamic, kvHeads, d}, cacheType.getElementType());
    SmallVector<OpFoldResult> offsets{b.getIndexAttr(which), first, b.getIndexAttr(0),
                                      b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes{b.getIndexAttr(1), length, b.getIndexAttr(kvHeads),
                                    b.getIndexAttr(d)};
    return tensor::ExtractSliceOp::create(b, sliceType, cache, offsets, sizes,
                                          SmallVector<OpFoldResult>(4, b.getIndexAttr(1)));
  }

  /// Columns offset .. offset+size-1 of scores [kv_heads, M, J] replaced by `fill` of them.
  Value intoColumns(Value scores, Value offset, Value size, function_ref<Value(Value)> fill) {
    SmallVector<OpFoldResult> offsets{b.getIndexAttr(0), b.getIndexAttr(0), offset};
    SmallVector<OpFoldResult> sizes{b.getIndexAttr(kvHeads), e.sizes(scores)[1], size};
    SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
    Value columns = tensor::ExtractSliceOp::create(b, scores, offsets, sizes, strides);
    return tensor::InsertSliceOp::create(b, fill(columns), scores, offsets, sizes, strides);
  }

  /// init + sum over loop 3 of x * w (maps over (h, m, *, *)), reassociable like the
  /// weight contractions: g4-vectorize-contractions makes it a microkernel per KV head
  /// with the same operations for every query row, so decode and prefill agree.
  /// `streamed` marks it g4.streamed_weights.
  Value contraction(Value x, Value w, Value init, ArrayRef<AffineMap> maps, bool streamed = false) {
    auto fast = arith::FastMathFlags::reassoc | arith::FastMathFlags::contract;
    auto op = linalg::GenericOp::create(
        b, init.getType(), ValueRange{x, w}, ValueRange{init}, maps, iterators(3, 1),
        [&](OpBuilder &nested, Location loc, ValueRange args) {
          ImplicitLocOpBuilder nb(loc, nested);
          Value p =
              arith::MulFOp::create(nb, args[0], lowering::TensorEmitter(nb).toF32(args[1]), fast);
          linalg::YieldOp::create(nb, ValueRange{arith::AddFOp::create(nb, args[2], p, fast)});
        });
    if (streamed)
      op->setAttr(kStreamedWeightsAttr, b.getUnitAttr());
    splitAcrossHeads(op);
    return op.getResult(0);
  }

  /// The KV heads and the query rows are independent: g4-outline-parallel-tasks may give
  /// each KV head its own task or, when a group has more heads than there are KV heads,
  /// each block of at least G / 2 query rows (decode's one token: two tasks, each reading
  /// K and V once for its rows). The tasks write disjoint outputs with unchanged
  /// operations, so the thread count changes nothing. The mask, softmax and normalisation
  /// are split the same way: at 512 tokens their exp alone was a sixth of prefill on one
  /// thread.
  void splitAcrossHeads(Operation *op) {
    bool byHeads = kvHeads >= group;
    op->setAttr(kParallelDimAttr, b.getI64IntegerAttr(byHeads ? 0 : 1));
    op->setAttr(kMinTaskSizeAttr,
                b.getI64IntegerAttr(byHeads ? 1 : std::max<int64_t>(1, group / 2)));
  }

  AffineMap map(ArrayRef<AffineExpr> exprs) { return AffineMap::get(4, 0, exprs, ctx); }

  /// Reduces x [kv_heads, M, J] over J into init [kv_heads, M] with `combine`.
  Value reduceRows(Value x, Value init,
                   function_ref<Value(ImplicitLocOpBuilder &, Value, Value)> combine) {
    AffineExpr h, m, j;
    bindDims(ctx, h, m, j);
    auto reduction = linalg::GenericOp::create(
        b, init.getType(), ValueRange{x}, ValueRange{init},
        SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(3, ctx),
                               AffineMap::get(3, 0, {h, m}, ctx)},
        iterators(2, 1), [&](OpBuilder &nested, Location loc, ValueRange args) {
          ImplicitLocOpBuilder nb(loc, nested);
          linalg::YieldOp::create(nb, ValueRange{combine(nb, args[1], args[0])});
        });
    splitAcrossHeads(reduction);
    return reduction.getResult(0);
  }

  TensorEmitter &e;
  ImplicitLocOpBuilder &b;
  MLIRContext *ctx;
  Value start, lo;
  int64_t window, kvHeads, group;
};

struct AttentionLowering : KernelPattern<AttentionOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(AttentionOp op, Adaptor adaptor,
                           ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b, op.getFormat());
    KVCacheType cacheType = op.getCache().getType();
    int64_t heads = int64_t(op.getNumHeads()), kvh = cacheType.getKvHeads(),
            d = cacheType.getHeadDim(), group = heads / kvh;
    double eps = op.getEpsilon().convertToDouble();
    Value start = adaptor.getStart();

    Value q = adaptor.getQueries();
    if (!q) {
      q = e.splitLastDim(e.matmulTransposedWeight(adaptor.getInput(), adaptor.getQWeight()), heads,
                         d);
      q = e.rope(e.rmsNorm(q, adaptor.getQNorm(), eps), start, op.getRope());
    }
    int64_t window = op.getKind() == AttentionKind::sliding ? int64_t(op.getWindow()) : 0;
    // The block's own K/V as the cache stores them: a later call reads these positions
    // from the cache, so prefill and decode see the same values (and bytes).
    auto [keys, values] =
        asStored(e, adaptor.getKeys(), adaptor.getValues(), cacheType.getElementType());
    AttentionCoreEmitter core(e, start, window, kvh, group);
    Value attended = core.attend(core.groupQueries(q), adaptor.getCache(), keys, values);
    Value merged = core.ungroup(attended, e.sizes(adaptor.getInput())[0]);
    Value out = e.matmulTransposedWeight(merged, adaptor.getOWeight());
    return {out};
  }
};

} // namespace

void populateGemmaAttentionToLinalgPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<KVProjectLowering, QKVProjectLowering, KVAppendLowering, AttentionLowering>(
      converter, patterns.getContext());
}

} // namespace g4
