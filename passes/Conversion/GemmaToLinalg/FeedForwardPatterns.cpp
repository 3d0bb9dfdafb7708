//===- FeedForwardPatterns.cpp - Lowering of mlp and moe ------------------===//

#include "dialects/Gemma/IR/GemmaOps.h"
#include "passes/Conversion/GemmaToLinalg/GemmaToLinalg.h"
#include "passes/Conversion/GemmaToLinalg/KernelPattern.h"
#include "passes/Conversion/GemmaToLinalg/TensorEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace g4::gemma;
using g4::lowering::TensorEmitter;

namespace g4 {
namespace {

/// (gelu_tanh(x @ Wg^T) * (x @ Wu^T)) for gate and up given as [2I, H] halves or separately.
/// The features are independent: g4-outline-parallel-tasks may split them across threads
/// (in prefill the activation is a few percent of the MLP's time, which a single thread
/// would keep out of the 2-thread speedup).
Value gatedGelu(TensorEmitter &e, Value gate, Value up) {
  Value gated = e.map({gate, up}, [&](ImplicitLocOpBuilder &nb, ValueRange x) {
    TensorEmitter ne(nb);
    return arith::MulFOp::create(nb, ne.geluTanh(x[0]), x[1]);
  });
  if (auto generic = gated.getDefiningOp<linalg::GenericOp>())
    generic->setAttr(kParallelDimAttr, e.builder().getI64IntegerAttr(1));
  return gated;
}

/// Whether rows [0, half) and [half, 2 half) of a matrix stored in `format` with 2 half
/// rows of `inputs` are each stored as a matrix of `half` rows would be: whole row groups,
/// and for the interleaved packed formats the same panel layout (as
/// g4-gemma-merge-projections requires of merged parts).
bool halvesAreMatrices(WeightFormat format, int64_t half, int64_t inputs) {
  if (half % interleavedRows(format) != 0)
    return false;
  return !isPackedFormat(format) || interleavedRows(format) != 8 ||
         interleavedPanelLayout(half, inputs) == interleavedPanelLayout(2 * half, inputs);
}

struct MLPLowering : KernelPattern<MLPOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(MLPOp op, Adaptor adaptor, ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b, op.getFormat());
    Value x = adaptor.getInput();
    Value hidden = gatedGelu(e, e.matmulTransposedWeight(x, adaptor.getGateWeight()),
                             e.matmulTransposedWeight(x, adaptor.getUpWeight()));
    Value y = e.matmulTransposedWeight(hidden, adaptor.getDownWeight());
    return {y};
  }
};

/// Softmax over the last dim of a [M, N] f32 tensor.
Value softmaxRows(TensorEmitter &e, Value x) {
  ImplicitLocOpBuilder &b = e.builder();
  MLIRContext *ctx = b.getContext();
  AffineExpr m, n;
  bindDims(ctx, m, n);
  AffineMap identity = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap rows = AffineMap::get(2, 0, {m}, ctx);
  SmallVector<utils::IteratorType> reduce{utils::IteratorType::parallel,
                                          utils::IteratorType::reduction};
  SmallVector<OpFoldResult> rowShape{e.sizes(x)[0]};
  auto reduceRows = [&](Value in, double init, auto combine) {
    Value acc = e.filled(rowShape, init);
    return linalg::GenericOp::create(b, acc.getType(), ValueRange{in}, ValueRange{acc},
                                     SmallVector<AffineMap>{identity, rows}, reduce,
                                     [&](OpBuilder &nested, Location loc, ValueRange args) {
                                       ImplicitLocOpBuilder nb(loc, nested);
                                       linalg::YieldOp::create(
                                           nb, ValueRange{combine(nb, args[1], args[0])});
                                     })
        .getResult(0);
  };
  auto broadcastRows = [&](Value in, Value row, auto fn) {
    Value out = tensor::EmptyOp::create(b, e.sizes(in), b.getF32Type());
    return linalg::GenericOp::create(
               b, out.getType(), ValueRange{in, row}, ValueRange{out},
               SmallVector<AffineMap>{identity, rows, identity},
               SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
               [&](OpBuilder &nested, Location loc, ValueRange args) {
                 ImplicitLocOpBuilder nb(loc, nested);
                 linalg::YieldOp::create(nb, ValueRange{fn(nb, args[0], args[1])});
               })
        .getResult(0);
  };
  Value max = reduceRows(x, -INFINITY, [](ImplicitLocOpBuilder &nb, Value acc, Value v) {
    return arith::MaximumFOp::create(nb, acc, v).getResult();
  });
  Value exps = broadcastRows(x, max, [](ImplicitLocOpBuilder &nb, Value v, Value rowMax) {
    return math::ExpOp::create(nb, arith::SubFOp::create(nb, v, rowMax)).getResult();
  });
  Value sum = reduceRows(exps, 0.0, [](ImplicitLocOpBuilder &nb, Value acc, Value v) {
    return arith::AddFOp::create(nb, acc, v).getResult();
  });
  return broadcastRows(exps, sum, [](ImplicitLocOpBuilder &nb, Value v, Value rowSum) {
    return arith::DivFOp::create(nb, v, rowSum).getResult();
  });
}

/// Rows of tokens an expert's contractions take at a time in prefill: full chunks of 32
/// (an m-block of the x86 tiles), then the rest in chunks of 8, so at most 7 padding rows
/// are computed per expert. One read of the expert's weights serves a chunk. (Chunks of
/// 32 alone made a 128-token prefill of the 26B-A4B-shaped model slower: 8 tokens per
/// expert on average, so most rows were padding.)
constexpr int64_t kExpertChunkRows = 32, kExpertTailRows = 8;

/// Router on the un-normalised residual; per token, top-k by repeated arg-max over the
/// untaken experts and its weights p / sum(p_topk) * per_expert_scale. Then per expert,
/// in index order, its tokens in chunks: their rows gathered, the gated-GELU MLP on a
/// slice of the stacked expert weights (only selected experts are read, each once per
/// chunk instead of once per token), and each row's weighted output added to its token.
/// Every token adds its experts in index order, in decode (chunks of one row) as in
/// prefill, with the same per-row operations: decode equals prefill bit for bit.
struct MoELowering : KernelPattern<MoEOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(MoEOp op, Adaptor adaptor, ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b);
    auto gateUpType = cast<RankedTensorType>(op.getGateUpWeight().getType());
    auto downType = cast<RankedTensorType>(op.getDownWeight().getType());
    // From the row counts: packed formats store blocks along the last dim, so its length
    // is bytes, not inputs.
    const int64_t experts = gateUpType.getDimSize(0), hidden = downType.getDimSize(1),
                  width = gateUpType.getDimSize(1) / 2, topK = int64_t(op.getTopK());

    Value z = e.rmsNorm(adaptor.getRouterInput(), adaptor.getRouterScale(),
                        op.getEpsilon().convertToDouble());
    Value invSqrtHidden = e.f32(1.0 / std::sqrt(double(hidden)));
    z = e.map(z, [&](ImplicitLocOpBuilder &nb, ValueRange v) {
      return arith::MulFOp::create(nb, v[0], invSqrtHidden);
    });
    Value probs = softmaxRows(e, e.matmulTransposedWeight(z, adaptor.getRouterWeight()));

    Value x = adaptor.getInput();
    Value tokens = tensor::DimOp::create(b, x, 0);
    auto routed = route(e, adaptor, probs, tokens, experts, topK);
    Value selected = routed.first, weights = routed.second;

    // A decode kernel (one static token) takes chunks of one row: no padding rows.
    int64_t staticTokens = cast<RankedTensorType>(x.getType()).getDimSize(0);
    int64_t fullRows = ShapedType::isDynamic(staticTokens)
                           ? kExpertChunkRows
                           : std::min(staticTokens, kExpertChunkRows);
    int64_t tailRows = std::min(fullRows, kExpertTailRows);
    Value zero = e.index(0), one = e.index(1);
    Value out0 = e.filled(e.sizes(x), 0.0);
    // The expert's tokens (in token order) and their weights, refilled per expert.
    Value rows0 = tensor::EmptyOp::create(b, ArrayRef<OpFoldResult>{tokens}, b.getIndexType());
    Value rowWeights0 = tensor::EmptyOp::create(b, ArrayRef<OpFoldResult>{tokens}, b.getF32Type());
    auto expertLoop = scf::ForOp::create(
        b, zero, e.index(experts), one, ValueRange{out0, rows0, rowWeights0},
        [&](OpBuilder &nested, Location loc, Value expert, ValueRange expertArgs) {
          ImplicitLocOpBuilder nb(loc, nested);
          TensorEmitter ne(nb);
          auto gathered = collectTokens(ne, selected, weights, expert, tokens, topK, expertArgs[1],
                                        expertArgs[2]);
          Value count = gathered[0], rows = gathered[1], rowWeights = gathered[2];
          // Chunks of `chunkRows` over tokens [begin, end) of the expert, in order.
          auto chunks = [&](Value out, Value begin, Value end, int64_t chunkRows) {
            auto chunkLoop = scf::ForOp::create(
                nb, begin, end, ne.index(chunkRows), ValueRange{out},
                [&](OpBuilder &n2, Location l2, Value first, ValueRange chunkArgs) {
                  ImplicitLocOpBuilder cb(l2, n2);
                  TensorEmitter ce(cb, op.getFormat());
                  Value used = arith::MinUIOp::create(cb, ce.index(chunkRows),
                                                      arith::SubIOp::create(cb, end, first));
                  Value y = expertMLP(ce, adaptor, op.getFormat(), x, rows, first, used, expert,
                                      chunkRows, width, hidden);
                  scf::YieldOp::create(cb, addWeightedRows(ce, chunkArgs[0], y, rows, rowWeights,
                                                           first, used, hidden));
                });
            return chunkLoop.getResult(0);
          };
          Value full = arith::SubIOp::create(nb, count,
                                             arith::RemUIOp::create(nb, count, ne.index(fullRows)));
          Value out = chunks(expertArgs[0], ne.index(0), full, fullRows);
          if (tailRows < fullRows)
            out = chunks(out, full, count, tailRows);
          scf::YieldOp::create(nb, ValueRange{out, rows, rowWeights});
        });
    return {expertLoop.getResult(0)};
  }

private:
  /// Per token: the top-k experts by repeated arg-max over the untaken ones, and their
  /// weights p / sum(p_topk) * per_expert_scale. Returns selected [T, K] and weights
  /// [T, K].
  std::pair<Value, Value> route(TensorEmitter &e, Adaptor adaptor, Value probs, Value tokens,
                                int64_t experts, int64_t topK) const {
    ImplicitLocOpBuilder &b = e.builder();
    auto i1 = b.getI1Type();
    SmallVector<OpFoldResult> shape{tokens, b.getIndexAttr(topK)};
    Value selected0 = tensor::EmptyOp::create(b, shape, b.getIndexType());
    Value weights0 = tensor::EmptyOp::create(b, shape, b.getF32Type());
    auto tokenLoop = scf::ForOp::create(
        b, e.index(0), tokens, e.index(1), ValueRange{selected0, weights0},
        [&](OpBuilder &nested, Location loc, Value t, ValueRange routed) {
          ImplicitLocOpBuilder nb(loc, nested);
          TensorEmitter ne(nb);
          Value taken0 = arith::ConstantOp::create(
              nb, DenseElementsAttr::get(RankedTensorType::get({experts}, i1), false));
          Value idx0 = tensor::EmptyOp::create(nb, ArrayRef<int64_t>{topK}, nb.getIndexType());
          Value w0 = tensor::EmptyOp::create(nb, ArrayRef<int64_t>{topK}, nb.getF32Type());
          auto select = scf::ForOp::create(
              nb, ne.index(0), ne.index(topK), ne.index(1),
              ValueRange{taken0, idx0, w0, ne.f32(0.0)},
              [&](OpBuilder &n2, Location l2, Value k, ValueRange sel) {
                ImplicitLocOpBuilder kb(l2, n2);
                TensorEmitter ke(kb);
                auto argmax = scf::ForOp::create(
                    kb, ke.index(0), ke.index(experts), ke.index(1),
                    ValueRange{ke.index(0), ke.f32(-1.0)},
                    [&](OpBuilder &n3, Location l3, Value ex, ValueRange best) {
                      ImplicitLocOpBuilder eb(l3, n3);
                      Value p = tensor::ExtractOp::create(eb, probs, ValueRange{t, ex});
                      Value taken = tensor::ExtractOp::create(eb, sel[0], ValueRange{ex});
                      Value better = arith::AndIOp::create(
                          eb,
                          arith::XOrIOp::create(
                              eb, taken, arith::ConstantOp::create(eb, eb.getBoolAttr(true))),
                          arith::CmpFOp::create(eb, arith::CmpFPredicate::OGT, p, best[1]));
                      scf::YieldOp::create(
                          eb, ValueRange{arith::SelectOp::create(eb, better, ex, best[0]),
                                         arith::SelectOp::create(eb, better, p, best[1])});
                    });
                Value bestIndex = argmax.getResult(0), bestProb = argmax.getResult(1);
                Value taken = tensor::InsertOp::create(
                    kb, arith::ConstantOp::create(kb, kb.getBoolAttr(true)), sel[0],
                    ValueRange{bestIndex});
                Value idx = tensor::InsertOp::create(kb, bestIndex, sel[1], ValueRange{k});
                Value w = tensor::InsertOp::create(kb, bestProb, sel[2], ValueRange{k});
                scf::YieldOp::create(
                    kb, ValueRange{taken, idx, w, arith::AddFOp::create(kb, sel[3], bestProb)});
              });
          Value chosen = select.getResult(1), chosenProbs = select.getResult(2),
                probSum = select.getResult(3);
          auto store = scf::ForOp::create(
              nb, ne.index(0), ne.index(topK), ne.index(1), ValueRange{routed[0], routed[1]},
              [&](OpBuilder &n2, Location l2, Value k, ValueRange rows) {
                ImplicitLocOpBuilder kb(l2, n2);
                TensorEmitter ke(kb);
                Value expert = tensor::ExtractOp::create(kb, chosen, ValueRange{k});
                Value scale = ke.toF32(
                    tensor::ExtractOp::create(kb, adaptor.getPerExpertScale(), ValueRange{expert}));
                Value weight = arith::MulFOp::create(
                    kb,
                    arith::DivFOp::create(
                        kb, tensor::ExtractOp::create(kb, chosenProbs, ValueRange{k}), probSum),
                    scale);
                scf::YieldOp::create(
                    kb,
                    ValueRange{tensor::InsertOp::create(kb, expert, rows[0], ValueRange{t, k}),
                               tensor::InsertOp::create(kb, weight, rows[1], ValueRange{t, k})});
              });
          scf::YieldOp::create(nb, store.getResults());
        });
    return {tokenLoop.getResult(0), tokenLoop.getResult(1)};
  }

  /// The tokens that selected `expert`, in token order, written to rows[0 ..] with their
  /// weights: returns {count, rows, rowWeights}.
  SmallVector<Value> collectTokens(TensorEmitter &e, Value selected, Value weights, Value expert,
                                   Value tokens, int64_t topK, Value rows0,
                                   Value rowWeights0) const {
    ImplicitLocOpBuilder &b = e.builder();
    auto tokenLoop = scf::ForOp::create(
        b, e.index(0), tokens, e.index(1), ValueRange{e.index(0), rows0, rowWeights0},
        [&](OpBuilder &nested, Location loc, Value t, ValueRange acc) {
          ImplicitLocOpBuilder nb(loc, nested);
          TensorEmitter ne(nb);
          auto slotLoop = scf::ForOp::create(
              nb, ne.index(0), ne.index(topK), ne.index(1), acc,
              [&](OpBuilder &n2, Location l2, Value k, ValueRange found) {
                ImplicitLocOpBuilder kb(l2, n2);
                Value chosen = tensor::ExtractOp::create(kb, selected, ValueRange{t, k});
                Value match = arith::CmpIOp::create(kb, arith::CmpIPredicate::eq, chosen, expert);
                auto ifMatch = scf::IfOp::create(
                    kb, match,
                    [&](OpBuilder &n3, Location l3) {
                      ImplicitLocOpBuilder ib(l3, n3);
                      Value weight = tensor::ExtractOp::create(ib, weights, ValueRange{t, k});
                      Value rows = tensor::InsertOp::create(ib, t, found[1], ValueRange{found[0]});
                      Value rowWeights =
                          tensor::InsertOp::create(ib, weight, found[2], ValueRange{found[0]});
                      Value next = arith::AddIOp::create(ib, found[0],
                                                         arith::ConstantIndexOp::create(ib, 1));
                      scf::YieldOp::create(ib, ValueRange{next, rows, rowWeights});
                    },
                    [&](OpBuilder &n3, Location l3) { scf::YieldOp::create(n3, l3, found); });
                scf::YieldOp::create(kb, ifMatch.getResults());
              });
          scf::YieldOp::create(nb, slotLoop.getResults());
        });
    return SmallVector<Value>(tokenLoop.getResults());
  }

  /// The expert's gated-GELU MLP on its tokens rows[first .. first+used-1], gathered into
  /// a [chunkRows, H] block (rows past `used` stay zero): returns [chunkRows, H].
  Value expertMLP(TensorEmitter &e, Adaptor adaptor, WeightFormat format, Value x, Value rows,
                  Value first, Value used, Value expert, int64_t chunkRows, int64_t width,
                  int64_t hidden) const {
    ImplicitLocOpBuilder &b = e.builder();
    auto oneAttr = b.getIndexAttr(1), zeroAttr = b.getIndexAttr(0);
    auto rowType = RankedTensorType::get({1, hidden}, b.getF32Type());
    SmallVector<OpFoldResult> rowSizes{oneAttr, b.getIndexAttr(hidden)}, unit{oneAttr, oneAttr};
    Value block0 = e.filled({b.getIndexAttr(chunkRows), b.getIndexAttr(hidden)}, 0.0);
    auto gather = scf::ForOp::create(
        b, e.index(0), used, e.index(1), ValueRange{block0},
        [&](OpBuilder &nested, Location loc, Value i, ValueRange block) {
          ImplicitLocOpBuilder nb(loc, nested);
          Value token =
              tensor::ExtractOp::create(nb, rows, ValueRange{arith::AddIOp::create(nb, first, i)});
          Value row = tensor::ExtractSliceOp::create(
              nb, rowType, x, SmallVector<OpFoldResult>{token, zeroAttr}, rowSizes, unit);
          scf::YieldOp::create(
              nb, tensor::InsertSliceOp::create(
                      nb, row, block[0], SmallVector<OpFoldResult>{i, zeroAttr}, rowSizes, unit)
                      .getResult());
        });
    // Rows [firstRow, firstRow + outputs) of the expert's matrix; cols: the stored row
    // length (packed formats store blocks).
    auto sliceExpert = [&](Value stacked, int64_t firstRow, int64_t outputs) {
      auto type = cast<RankedTensorType>(stacked.getType());
      int64_t cols = type.getShape().back();
      return tensor::ExtractSliceOp::create(
                 b, RankedTensorType::get({outputs, cols}, type.getElementType()), stacked,
                 SmallVector<OpFoldResult>{expert, b.getIndexAttr(firstRow), zeroAttr},
                 SmallVector<OpFoldResult>{oneAttr, b.getIndexAttr(outputs), b.getIndexAttr(cols)},
                 SmallVector<OpFoldResult>(3, oneAttr))
          .getResult();
    };
    Value block = gather.getResult(0);
    Value gate, up;
    const bool halves = halvesAreMatrices(format, width, hidden);
    if (halves) {
      // Gate and up as two contractions, as the dense MLP's: their tasks then slice the
      // intermediate alike, so the gated GELU can run in the same dispatch, and so can
      // the quantisation of its output.
      gate = e.matmulTransposedWeight(block, sliceExpert(adaptor.getGateUpWeight(), 0, width));
      up = e.matmulTransposedWeight(block, sliceExpert(adaptor.getGateUpWeight(), width, width));
    } else {
      Value gateUp =
          e.matmulTransposedWeight(block, sliceExpert(adaptor.getGateUpWeight(), 0, 2 * width));
      auto half = [&](int64_t offset) {
        return tensor::ExtractSliceOp::create(
                   b, RankedTensorType::get({chunkRows, width}, b.getF32Type()), gateUp,
                   SmallVector<OpFoldResult>{zeroAttr, b.getIndexAttr(offset)},
                   SmallVector<OpFoldResult>{b.getIndexAttr(chunkRows), b.getIndexAttr(width)},
                   unit)
            .getResult();
      };
      gate = half(0);
      up = half(width);
    }
    Value activated = gatedGelu(e, gate, up);
    // An expert's intermediate is narrow (26B-A4B: 704): split on its own, its GELU took
    // 16 tasks where gate and up take 2 (bands of 32 rows, 8 a task), and a dispatch of
    // its own. In gate and up's run it takes theirs.
    if (halves)
      if (auto generic = activated.getDefiningOp<linalg::GenericOp>())
        generic->setAttr(kSplitOnlyInRunAttr, b.getUnitAttr());
    return e.matmulTransposedWeight(activated, sliceExpert(adaptor.getDownWeight(), 0, hidden));
  }

  /// out[rows[first + i]] += rowWeights[first + i] * y[i] for i < used, in place.
  Value addWeightedRows(TensorEmitter &e, Value out0, Value y, Value rows, Value rowWeights,
                        Value first, Value used, int64_t hidden) const {
    ImplicitLocOpBuilder &b = e.builder();
    auto oneAttr = b.getIndexAttr(1), zeroAttr = b.getIndexAttr(0);
    auto rowType = RankedTensorType::get({1, hidden}, b.getF32Type());
    SmallVector<OpFoldResult> rowSizes{oneAttr, b.getIndexAttr(hidden)}, unit{oneAttr, oneAttr};
    auto loop = scf::ForOp::create(
        b, e.index(0), used, e.index(1), ValueRange{out0},
        [&](OpBuilder &nested, Location loc, Value i, ValueRange out) {
          ImplicitLocOpBuilder nb(loc, nested);
          Value at = arith::AddIOp::create(nb, first, i);
          Value token = tensor::ExtractOp::create(nb, rows, ValueRange{at});
          Value weight = tensor::ExtractOp::create(nb, rowWeights, ValueRange{at});
          SmallVector<OpFoldResult> outAt{token, zeroAttr};
          Value yRow = tensor::ExtractSliceOp::create(
              nb, rowType, y, SmallVector<OpFoldResult>{i, zeroAttr}, rowSizes, unit);
          Value outRow = tensor::ExtractSliceOp::create(nb, rowType, out[0], outAt, rowSizes, unit);
          AffineMap identity = AffineMap::getMultiDimIdentityMap(2, nb.getContext());
          Value sum = linalg::GenericOp::create(
                          nb, rowType, ValueRange{yRow}, ValueRange{outRow},
                          SmallVector<AffineMap>{identity, identity},
                          SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
                          [&](OpBuilder &mb, Location ml, ValueRange v) {
                            ImplicitLocOpBuilder ib(ml, mb);
                            Value scaled = arith::MulFOp::create(ib, weight, v[0]);
                            linalg::YieldOp::create(
                                ib, ValueRange{arith::AddFOp::create(ib, v[1], scaled)});
                          })
                          .getResult(0);
          scf::YieldOp::create(
              nb,
              tensor::InsertSliceOp::create(nb, sum, out[0], outAt, rowSizes, unit).getResult());
        });
    return loop.getResult(0);
  }
};

} // namespace

void populateGemmaFeedForwardToLinalgPatterns(TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<MLPLowering, MoELowering>(converter, patterns.getContext());
}

} // namespace g4
