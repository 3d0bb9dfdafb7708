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
    generic->setAttr(lowering::kParallelDimAttr, e.builder().getI64IntegerAttr(1));
  return gated;
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

/// Router on the un-normalised residual, then per token: top-k by repeated arg-max over
/// the untaken experts, renormalised weights times per_expert_scale, and the selected
/// experts' gated-GELU MLPs on slices of the stacked expert weights (only those are read).
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
    Value zero = e.index(0), one = e.index(1);
    auto i1 = b.getI1Type();
    Value out0 = e.filled(e.sizes(x), 0.0);
    auto tokenLoop = scf::ForOp::create(
        b, zero, tokens, one, ValueRange{out0},
        [&](OpBuilder &nested, Location loc, Value t, ValueRange outArgs) {
          ImplicitLocOpBuilder nb(loc, nested);
          TensorEmitter ne(nb);
          // Top-k selection.
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
          Value selected = select.getResult(1), selectedProbs = select.getResult(2),
                probSum = select.getResult(3);

          // Selected experts.
          auto oneAttr = nb.getIndexAttr(1), zeroAttr = nb.getIndexAttr(0);
          Value xRow = tensor::ExtractSliceOp::create(
              nb, RankedTensorType::get({1, hidden}, nb.getF32Type()), x,
              SmallVector<OpFoldResult>{t, zeroAttr},
              SmallVector<OpFoldResult>{oneAttr, nb.getIndexAttr(hidden)},
              SmallVector<OpFoldResult>{oneAttr, oneAttr});
          Value acc0 = ne.filled({oneAttr, nb.getIndexAttr(hidden)}, 0.0);
          auto expertLoop = scf::ForOp::create(
              nb, ne.index(0), ne.index(topK), ne.index(1), ValueRange{acc0},
              [&](OpBuilder &n2, Location l2, Value k, ValueRange accArgs) {
                ImplicitLocOpBuilder kb(l2, n2);
                TensorEmitter ke(kb, op.getFormat());
                Value expert = tensor::ExtractOp::create(kb, selected, ValueRange{k});
                Value scale = ke.toF32(
                    tensor::ExtractOp::create(kb, adaptor.getPerExpertScale(), ValueRange{expert}));
                Value weight = arith::MulFOp::create(
                    kb,
                    arith::DivFOp::create(
                        kb, tensor::ExtractOp::create(kb, selectedProbs, ValueRange{k}), probSum),
                    scale);
                // cols: the stored row length (packed formats store blocks).
                auto sliceExpert = [&](Value stacked, int64_t rows) {
                  auto type = cast<RankedTensorType>(stacked.getType());
                  int64_t cols = type.getShape().back();
                  return tensor::ExtractSliceOp::create(
                             kb, RankedTensorType::get({rows, cols}, type.getElementType()),
                             stacked, SmallVector<OpFoldResult>{expert, zeroAttr, zeroAttr},
                             SmallVector<OpFoldResult>{oneAttr, kb.getIndexAttr(rows),
                                                       kb.getIndexAttr(cols)},
                             SmallVector<OpFoldResult>(3, oneAttr))
                      .getResult();
                };
                Value gateUp = ke.matmulTransposedWeight(
                    xRow, sliceExpert(adaptor.getGateUpWeight(), 2 * width));
                auto half = [&](int64_t offset) {
                  return tensor::ExtractSliceOp::create(
                             kb, RankedTensorType::get({1, width}, kb.getF32Type()), gateUp,
                             SmallVector<OpFoldResult>{zeroAttr, kb.getIndexAttr(offset)},
                             SmallVector<OpFoldResult>{oneAttr, kb.getIndexAttr(width)},
                             SmallVector<OpFoldResult>{oneAttr, oneAttr})
                      .getResult();
                };
                Value activated = gatedGelu(ke, half(0), half(width));
                Value y = ke.matmulTransposedWeight(activated,
                                                    sliceExpert(adaptor.getDownWeight(), hidden));
                // acc += weight * y, updating the loop-carried tensor in place.
                MLIRContext *ctx = kb.getContext();
                AffineMap identity = AffineMap::getMultiDimIdentityMap(2, ctx);
                Value acc = linalg::GenericOp::create(
                                kb, accArgs[0].getType(), ValueRange{y}, ValueRange{accArgs[0]},
                                SmallVector<AffineMap>{identity, identity},
                                SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
                                [&](OpBuilder &mb, Location ml, ValueRange v) {
                                  ImplicitLocOpBuilder ib(ml, mb);
                                  Value scaled = arith::MulFOp::create(ib, weight, v[0]);
                                  linalg::YieldOp::create(
                                      ib, ValueRange{arith::AddFOp::create(ib, v[1], scaled)});
                                })
                                .getResult(0);
                scf::YieldOp::create(kb, acc);
              });
          Value out = tensor::InsertSliceOp::create(
              nb, expertLoop.getResult(0), outArgs[0], SmallVector<OpFoldResult>{t, zeroAttr},
              SmallVector<OpFoldResult>{oneAttr, nb.getIndexAttr(hidden)},
              SmallVector<OpFoldResult>{oneAttr, oneAttr});
          scf::YieldOp::create(nb, out);
        });
    return {tokenLoop.getResult(0)};
  }
};

} // namespace

void populateGemmaFeedForwardToLinalgPatterns(TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<MLPLowering, MoELowering>(converter, patterns.getContext());
}

} // namespace g4
