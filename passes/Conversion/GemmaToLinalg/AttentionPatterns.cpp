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
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

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

struct KVProjectLowering : KernelPattern<KVProjectOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(KVProjectOp op, Adaptor adaptor,
                           ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b, op.getFormat());
    auto blockType = cast<RankedTensorType>(op.getKeys().getType());
    int64_t kvHeads = blockType.getDimSize(1), d = blockType.getDimSize(2);
    double eps = op.getEpsilon().convertToDouble();
    Value kRaw = e.splitLastDim(e.matmulTransposedWeight(adaptor.getInput(), adaptor.getKWeight()),
                                kvHeads, d);
    Value keys = e.rope(e.rmsNorm(kRaw, adaptor.getKNorm(), eps), adaptor.getStart(), op.getRope());
    // k_eq_v: V is the raw K projection, taken before k_norm and RoPE.
    Value vRaw =
        adaptor.getVWeight()
            ? e.splitLastDim(e.matmulTransposedWeight(adaptor.getInput(), adaptor.getVWeight()),
                             kvHeads, d)
            : kRaw;
    Value values = e.rmsNorm(vRaw, Value(), eps);
    return {
        {tensor::CastOp::create(b, blockType, keys), tensor::CastOp::create(b, blockType, values)}};
  }
};

/// Writes block rows t in [max(0, T - C), T) to slot (start + t) mod C: earlier rows of a
/// block longer than a ring would be overwritten within the same block.
struct KVAppendLowering : KernelPattern<KVAppendOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(KVAppendOp op, Adaptor adaptor, ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b);
    Value cache = adaptor.getCache();
    auto cacheType = cast<RankedTensorType>(cache.getType());
    int64_t capacity = cacheType.getDimSize(1), kvHeads = cacheType.getDimSize(2),
            d = cacheType.getDimSize(3);
    Value keys = adaptor.getKeys(), values = adaptor.getValues();
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

/// The attention core: q [T, kvh, G, d], keys/values of the combined axis, mask, softmax,
/// weighted sum. Returns [T, kvh, G, d].
class AttentionCoreEmitter {
public:
  AttentionCoreEmitter(TensorEmitter &e, Value start, Value lo, Value past, int64_t window)
      : e(e), b(e.builder()), ctx(b.getContext()), start(start), lo(lo), past(past),
        window(window) {}

  /// all[j, h, e] = j < past ? cache[which, (lo + j) mod C, h, e] : block[j - past, h, e];
  /// `transposed` lays it out as all[h, e, j] instead (the values: the P x V product
  /// then reduces over the innermost dim of both operands, like the scores).
  Value gatherKeyAxis(Value cache, Value block, int64_t which, bool transposed = false) {
    auto cacheType = cast<RankedTensorType>(cache.getType());
    int64_t capacity = cacheType.getDimSize(1), kvh = cacheType.getDimSize(2),
            d = cacheType.getDimSize(3);
    Value total = arith::AddIOp::create(b, past, tensor::DimOp::create(b, block, 0));
    SmallVector<OpFoldResult> shape{total, b.getIndexAttr(kvh), b.getIndexAttr(d)};
    if (transposed)
      shape = {b.getIndexAttr(kvh), b.getIndexAttr(d), total};
    Value out = tensor::EmptyOp::create(b, shape, b.getF32Type());
    Value capacityValue = e.index(capacity), zero = e.index(0), whichValue = e.index(which);
    AffineMap identity = AffineMap::getMultiDimIdentityMap(3, ctx);
    return linalg::GenericOp::create(
               b, out.getType(), ValueRange{}, ValueRange{out}, SmallVector<AffineMap>{identity},
               iterators(3),
               [&](OpBuilder &nested, Location loc, ValueRange) {
                 ImplicitLocOpBuilder nb(loc, nested);
                 TensorEmitter ne(nb);
                 Value j = linalg::IndexOp::create(nb, transposed ? 2 : 0);
                 Value h = linalg::IndexOp::create(nb, transposed ? 0 : 1);
                 Value k = linalg::IndexOp::create(nb, transposed ? 1 : 2);
                 Value isPast = arith::CmpIOp::create(nb, arith::CmpIPredicate::ult, j, past);
                 Value slot =
                     arith::RemUIOp::create(nb, arith::AddIOp::create(nb, lo, j), capacityValue);
                 // Clamp the unused index of each select so both reads stay in bounds.
                 Value pastSlot = arith::SelectOp::create(nb, isPast, slot, zero);
                 Value blockRow =
                     arith::SelectOp::create(nb, isPast, zero, arith::SubIOp::create(nb, j, past));
                 Value fromCache =
                     tensor::ExtractOp::create(nb, cache, ValueRange{whichValue, pastSlot, h, k});
                 Value fromBlock = tensor::ExtractOp::create(nb, block, ValueRange{blockRow, h, k});
                 Value v = arith::SelectOp::create(nb, isPast, ne.toF32(fromCache), fromBlock);
                 linalg::YieldOp::create(nb, ValueRange{v});
               })
        .getResult(0);
  }

  Value attend(Value q, Value keys, Value valuesT) {
    AffineExpr t, h, g, j, k;
    bindDims(ctx, t, h, g, j, k);
    auto qType = cast<RankedTensorType>(q.getType());
    SmallVector<OpFoldResult> qSizes = e.sizes(q);
    SmallVector<OpFoldResult> scoreShape{qSizes[0], qSizes[1], qSizes[2], e.sizes(keys)[0]};

    // scores[t, h, g, j] = sum_k q[t, h, g, k] * keys[j, h, k]
    Value scores = headContraction(
        RankedTensorType::get(
            {qType.getDimSize(0), qType.getDimSize(1), qType.getDimSize(2), ShapedType::kDynamic},
            b.getF32Type()),
        q, keys, e.filled(scoreShape, 0.0), {map({t, h, g, k}), map({j, h, k}), map({t, h, g, j})});

    // Mask: key position lo + j is visible from query position start + t when it is not in
    // the future and, for sliding layers, within the last `window` positions.
    Value negInf = e.f32(-std::numeric_limits<float>::infinity());
    Value windowValue = e.index(window);
    Value masked =
        linalg::GenericOp::create(
            b, scores.getType(), ValueRange{}, ValueRange{scores},
            SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(4, ctx)}, iterators(4),
            [&](OpBuilder &nested, Location loc, ValueRange args) {
              ImplicitLocOpBuilder nb(loc, nested);
              Value query = arith::AddIOp::create(nb, start, linalg::IndexOp::create(nb, 0));
              Value key = arith::AddIOp::create(nb, lo, linalg::IndexOp::create(nb, 3));
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

    // Softmax over j (f32): row max, exp, row sum; the division is applied after P @ V.
    SmallVector<OpFoldResult> rowShape(qSizes.begin(), qSizes.begin() + 3);
    Value rowMax = reduceRows(masked, e.filled(rowShape, -std::numeric_limits<float>::infinity()),
                              [](ImplicitLocOpBuilder &nb, Value acc, Value x) {
                                return arith::MaximumFOp::create(nb, acc, x);
                              });
    Value weights =
        linalg::GenericOp::create(
            b, masked.getType(), ValueRange{rowMax}, ValueRange{masked},
            SmallVector<AffineMap>{map4({t, h, g}), AffineMap::getMultiDimIdentityMap(4, ctx)},
            iterators(4),
            [&](OpBuilder &nested, Location loc, ValueRange args) {
              ImplicitLocOpBuilder nb(loc, nested);
              Value x = arith::SubFOp::create(nb, args[1], args[0]);
              linalg::YieldOp::create(nb, ValueRange{math::ExpOp::create(nb, x)});
            })
            .getResult(0);
    splitAcrossHeads(weights.getDefiningOp());
    Value rowSum = reduceRows(weights, e.filled(rowShape, 0.0),
                              [](ImplicitLocOpBuilder &nb, Value acc, Value x) {
                                return arith::AddFOp::create(nb, acc, x);
                              });

    // out[t, h, g, k] = sum_j weights[t, h, g, j] * valuesT[h, k, j] / rowSum[t, h, g]:
    // a contraction over the innermost dim of both, like the scores (a microkernel per
    // (h, g) with query rows and value dims as the tile).
    Value out = e.filled(qSizes, 0.0);
    AffineExpr kOut = j, jSum = k; // loop 3 is the output's k, loop 4 the sum over j
    Value summed =
        headContraction(out.getType(), weights, valuesT, out,
                        {map({t, h, g, jSum}), map({h, kOut, jSum}), map({t, h, g, kOut})});
    auto normalized = linalg::GenericOp::create(
        b, summed.getType(), ValueRange{rowSum}, ValueRange{summed},
        SmallVector<AffineMap>{map4({t, h, g}), AffineMap::getMultiDimIdentityMap(4, ctx)},
        iterators(4), [&](OpBuilder &nested, Location loc, ValueRange args) {
          ImplicitLocOpBuilder nb(loc, nested);
          linalg::YieldOp::create(nb, ValueRange{arith::DivFOp::create(nb, args[1], args[0])});
        });
    splitAcrossHeads(normalized);
    return normalized.getResult(0);
  }

private:
  /// init + sum over the last loop of x * w (maps over (t, h, g, *, *)), reassociable
  /// like the weight contractions: g4-vectorize-contractions makes it a microkernel per
  /// (h, g) with the same operations for every query row, so decode and prefill agree.
  Value headContraction(Type resultType, Value x, Value w, Value init, ArrayRef<AffineMap> maps) {
    auto fast = arith::FastMathFlags::reassoc | arith::FastMathFlags::contract;
    auto contraction = linalg::GenericOp::create(
        b, resultType, ValueRange{x, w}, ValueRange{init}, maps, iterators(4, 1),
        [&](OpBuilder &nested, Location loc, ValueRange args) {
          ImplicitLocOpBuilder nb(loc, nested);
          Value p = arith::MulFOp::create(nb, args[0], args[1], fast);
          linalg::YieldOp::create(nb, ValueRange{arith::AddFOp::create(nb, args[2], p, fast)});
        });
    splitAcrossHeads(contraction);
    return contraction.getResult(0);
  }

  /// The heads are independent: g4-outline-parallel-tasks may give each KV head (or
  /// each query head of a group, whichever dim is longer) its own task. The tasks write
  /// disjoint outputs with unchanged operations, so the thread count changes nothing.
  /// The mask, softmax and normalisation are split the same way: at 512 tokens their
  /// exp alone was a sixth of prefill on one thread.
  void splitAcrossHeads(Operation *contraction) {
    auto type = cast<RankedTensorType>(contraction->getResult(0).getType());
    int64_t kvHeads = type.getDimSize(1), group = type.getDimSize(2);
    contraction->setAttr(lowering::kParallelDimAttr, b.getI64IntegerAttr(kvHeads >= group ? 1 : 2));
    contraction->setAttr("g4.min_task_size", b.getI64IntegerAttr(1));
  }

  AffineMap map(ArrayRef<AffineExpr> exprs) { return AffineMap::get(5, 0, exprs, ctx); }
  AffineMap map4(ArrayRef<AffineExpr> exprs) { return AffineMap::get(4, 0, exprs, ctx); }

  /// Reduces x [T, h, g, j] over j into init [T, h, g] with `combine`.
  Value reduceRows(Value x, Value init,
                   function_ref<Value(ImplicitLocOpBuilder &, Value, Value)> combine) {
    AffineExpr t, h, g, j;
    bindDims(ctx, t, h, g, j);
    auto reduction = linalg::GenericOp::create(
        b, init.getType(), ValueRange{x}, ValueRange{init},
        SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(4, ctx), map4({t, h, g})},
        iterators(3, 1), [&](OpBuilder &nested, Location loc, ValueRange args) {
          ImplicitLocOpBuilder nb(loc, nested);
          linalg::YieldOp::create(nb, ValueRange{combine(nb, args[1], args[0])});
        });
    splitAcrossHeads(reduction);
    return reduction.getResult(0);
  }

  TensorEmitter &e;
  ImplicitLocOpBuilder &b;
  MLIRContext *ctx;
  Value start, lo, past;
  int64_t window;
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

    Value q = e.splitLastDim(e.matmulTransposedWeight(adaptor.getInput(), adaptor.getQWeight()),
                             heads, d);
    q = e.rope(e.rmsNorm(q, adaptor.getQNorm(), eps), start, op.getRope());
    // [T, heads, d] -> [T, kv_heads, group, d]: query head n reads KV head n / group.
    auto qType = cast<RankedTensorType>(q.getType());
    SmallVector<OpFoldResult> groupedSizes{e.sizes(q)[0], b.getIndexAttr(kvh),
                                           b.getIndexAttr(group), b.getIndexAttr(d)};
    Value grouped = tensor::ExpandShapeOp::create(
        b, RankedTensorType::get({qType.getDimSize(0), kvh, group, d}, b.getF32Type()), q,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}}, groupedSizes);

    int64_t window = op.getKind() == AttentionKind::sliding ? int64_t(op.getWindow()) : 0;
    Value lo = window > 0 ? arith::MaxSIOp::create(
                                b, e.index(0), arith::SubIOp::create(b, start, e.index(window - 1)))
                                .getResult()
                          : e.index(0);
    Value past = arith::SubIOp::create(b, start, lo);
    AttentionCoreEmitter core(e, start, lo, past, window);
    Value keys = core.gatherKeyAxis(adaptor.getCache(), adaptor.getKeys(), 0);
    Value valuesT = core.gatherKeyAxis(adaptor.getCache(), adaptor.getValues(), 1,
                                       /*transposed=*/true);
    Value attended = core.attend(grouped, keys, valuesT);
    Value merged = tensor::CollapseShapeOp::create(
        b, attended, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    Value out = e.matmulTransposedWeight(merged, adaptor.getOWeight());
    return {out};
  }
};

} // namespace

void populateGemmaAttentionToLinalgPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<KVProjectLowering, KVAppendLowering, AttentionLowering>(converter,
                                                                       patterns.getContext());
}

} // namespace g4
