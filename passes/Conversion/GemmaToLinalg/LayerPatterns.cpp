//===- LayerPatterns.cpp - Lowering of the per-token gemma ops ------------===//
//
// embed, rms_norm, linear, rope, layer_scalar, softcap and the per-layer-embedding ops.
//
//===----------------------------------------------------------------------===//

#include "dialects/Gemma/IR/GemmaOps.h"
#include "passes/Conversion/GemmaToLinalg/GemmaToLinalg.h"
#include "passes/Conversion/GemmaToLinalg/KernelPattern.h"
#include "passes/Conversion/GemmaToLinalg/TensorEmitter.h"
#include "passes/Utils/HalfFloat.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace g4::gemma;
using g4::lowering::TensorEmitter;

namespace g4 {
namespace {

/// out[t, h] = value(row, h) * scale with row = tokens[t], for h < width: one table row
/// per token.
Value gatherTokenRows(TensorEmitter &e, Value tokens, int64_t width, double scale,
                      llvm::function_ref<Value(ImplicitLocOpBuilder &, Value, Value)> value) {
  ImplicitLocOpBuilder &b = e.builder();
  MLIRContext *ctx = b.getContext();
  SmallVector<OpFoldResult> shape{e.sizes(tokens)[0], b.getIndexAttr(width)};
  Value out = tensor::EmptyOp::create(b, shape, b.getF32Type());
  AffineExpr t, h;
  bindDims(ctx, t, h);
  Value scaleValue = e.f32(scale);
  return linalg::GenericOp::create(
             b, out.getType(), ValueRange{tokens}, ValueRange{out},
             SmallVector<AffineMap>{AffineMap::get(2, 0, {t}, ctx),
                                    AffineMap::get(2, 0, {t, h}, ctx)},
             SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
             [&](OpBuilder &nested, Location loc, ValueRange args) {
               ImplicitLocOpBuilder nb(loc, nested);
               Value row = arith::IndexCastOp::create(nb, nb.getIndexType(), args[0]);
               Value v = value(nb, row, linalg::IndexOp::create(nb, 1));
               linalg::YieldOp::create(nb, ValueRange{arith::MulFOp::create(nb, v, scaleValue)});
             })
      .getResult(0);
}

/// out[t, h] = f32(table[tokens[t], h]) * scale. A table in transposed groups of `group`
/// rows (bf16x8, bf16x16, bf16x32, bf16x64) holds row i's value h at offset group * h + i % group
/// of group i / group.
Value gatherRows(TensorEmitter &e, Value tokens, Value table, double scale, int64_t group = 1) {
  auto tableType = cast<RankedTensorType>(table.getType());
  const int64_t width = tableType.getDimSize(1);
  return gatherTokenRows(
      e, tokens, width, scale, [&](ImplicitLocOpBuilder &nb, Value row, Value col) {
        TensorEmitter ne(nb);
        if (group > 1) {
          Value rows = ne.index(group), widthValue = ne.index(width);
          Value offset = arith::AddIOp::create(nb, arith::MulIOp::create(nb, col, rows),
                                               arith::RemUIOp::create(nb, row, rows));
          Value groupStart = arith::SubIOp::create(nb, row, arith::RemUIOp::create(nb, row, rows));
          row =
              arith::AddIOp::create(nb, groupStart, arith::DivUIOp::create(nb, offset, widthValue));
          col = arith::RemUIOp::create(nb, offset, widthValue);
        }
        return ne.toF32(tensor::ExtractOp::create(nb, table, ValueRange{row, col}));
      });
}

/// out[t, h] = q * d * scale for the table's q8_0 (or q8_0x8) quantum q of row tokens[t],
/// input h, and its block's f16 scale d. q * d is exact in f32, so this is the
/// dequantised table's row, as the head reads it.
///   q8_0:   row r, block b at byte 34 b: d, then the 32 signed quanta.
///   q8_0x8: the 8 rows of group r / 8 block by block, 272 bytes per block: the 8 rows'
///           d, then 4 inputs of each row in turn, stored as quantum + 128; a banded
///           table (interleavedPanelLayout) orders a band's blocks by panels.
Value gatherPackedRows(TensorEmitter &e, Value tokens, Value table, double scale,
                       WeightFormat format) {
  const int64_t width = cast<RankedTensorType>(table.getType()).getDimSize(1);
  const bool interleaved = format == WeightFormat::q8_0x8;
  const PanelLayout layout = interleavedPanelLayout(
      cast<RankedTensorType>(table.getType()).getDimSize(0), width / 34 * 32);
  return gatherTokenRows(
      e, tokens, width / 34 * 32, scale, [&](ImplicitLocOpBuilder &nb, Value row, Value col) {
        TensorEmitter ne(nb);
        Type i32 = nb.getI32Type(), f32 = nb.getF32Type();
        auto add = [&](Value x, Value y) { return arith::AddIOp::create(nb, x, y); };
        auto mul = [&](Value x, int64_t c) { return arith::MulIOp::create(nb, x, ne.index(c)); };
        Value block = arith::DivUIOp::create(nb, col, ne.index(32));
        Value input = arith::RemUIOp::create(nb, col, ne.index(32));
        // Byte offsets in the row (plain) or in the group (interleaved) of the scale's
        // two bytes and of the quantum.
        Value scaleAt, quantumAt, rowStart;
        if (interleaved) {
          Value lane = arith::RemUIOp::create(nb, row, ne.index(8));
          Value blockStart;
          if (layout.banded()) {
            // The band's rows are contiguous, its blocks panel by panel, and each panel
            // group by group.
            Value inBand = arith::RemUIOp::create(nb, row, ne.index(8 * layout.bandGroups));
            rowStart = arith::SubIOp::create(nb, row, inBand);
            Value group = arith::DivUIOp::create(nb, inBand, ne.index(8));
            Value panel = arith::DivUIOp::create(nb, block, ne.index(layout.panelBlocks));
            Value inPanel = arith::RemUIOp::create(nb, block, ne.index(layout.panelBlocks));
            blockStart = mul(add(add(mul(panel, layout.bandGroups * layout.panelBlocks),
                                     mul(group, layout.panelBlocks)),
                                 inPanel),
                             272);
          } else {
            rowStart = arith::SubIOp::create(nb, row, lane);
            blockStart = mul(block, 272);
          }
          scaleAt = add(blockStart, mul(lane, 2));
          quantumAt =
              add(add(blockStart, ne.index(16)),
                  add(add(mul(arith::DivUIOp::create(nb, input, ne.index(4)), 32), mul(lane, 4)),
                      arith::RemUIOp::create(nb, input, ne.index(4))));
        } else {
          rowStart = row;
          scaleAt = mul(block, 34);
          quantumAt = add(add(scaleAt, ne.index(2)), input);
        }
        // A group's bytes run on through its rows: offset o is (o / width, o % width).
        auto byteAt = [&](Value offset) {
          Value r = add(rowStart, arith::DivUIOp::create(nb, offset, ne.index(width)));
          Value c = arith::RemUIOp::create(nb, offset, ne.index(width));
          return tensor::ExtractOp::create(nb, table, ValueRange{r, c}).getResult();
        };
        Value d = decodeF16Bytes(nb, byteAt(scaleAt), byteAt(add(scaleAt, ne.index(1))));
        Value byte = byteAt(quantumAt);
        Value quantum = interleaved
                            ? arith::SubIOp::create(nb, arith::ExtUIOp::create(nb, i32, byte),
                                                    arith::ConstantIntOp::create(nb, i32, 128))
                                  .getResult()
                            : arith::ExtSIOp::create(nb, i32, byte).getResult();
        return arith::MulFOp::create(nb, arith::SIToFPOp::create(nb, f32, quantum), d).getResult();
      });
}

struct EmbedLowering : KernelPattern<EmbedOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(EmbedOp op, Adaptor adaptor, ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b);
    std::optional<WeightFormat> format = op.getFormat();
    if (format && isPackedFormat(*format))
      return {gatherPackedRows(e, adaptor.getTokens(), adaptor.getTable(),
                               op.getScale().convertToDouble(), *format)};
    return {gatherRows(e, adaptor.getTokens(), adaptor.getTable(), op.getScale().convertToDouble(),
                       format ? interleavedRows(*format) : 1)};
  }
};

struct RMSNormLowering : KernelPattern<RMSNormOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(RMSNormOp op, Adaptor adaptor, ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b);
    return {e.rmsNorm(adaptor.getInput(), adaptor.getWeight(), op.getEpsilon().convertToDouble())};
  }
};

struct LinearLowering : KernelPattern<LinearOp> {
  using KernelPattern::KernelPattern;
  LogicalResult check(LinearOp op, ConversionPatternRewriter &rewriter) const override {
    if (cast<RankedTensorType>(op.getInput().getType()).getRank() != 2)
      return op.emitOpError("only [tokens, in] inputs are lowered; found ")
             << op.getInput().getType();
    return KernelPattern::check(op, rewriter);
  }
  SmallVector<Value> lower(LinearOp op, Adaptor adaptor, ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b, op.getFormat());
    Value y = e.matmulTransposedWeight(adaptor.getInput(), adaptor.getWeight());
    return {y};
  }
};

struct RopeLowering : KernelPattern<RopeOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(RopeOp op, Adaptor adaptor, ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b);
    return {e.rope(adaptor.getInput(), adaptor.getStart(), op.getRope())};
  }
};

struct LayerScalarLowering : KernelPattern<LayerScalarOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(LayerScalarOp op, Adaptor adaptor,
                           ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b);
    Value scalar =
        e.toF32(tensor::ExtractOp::create(b, adaptor.getScalar(), ValueRange{e.index(0)}));
    return {e.map(adaptor.getInput(), [&](ImplicitLocOpBuilder &nb, ValueRange x) {
      return arith::MulFOp::create(nb, x[0], scalar);
    })};
  }
};

struct SoftcapLowering : KernelPattern<SoftcapOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(SoftcapOp op, Adaptor adaptor, ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b);
    double cap = op.getCap().convertToDouble();
    Value capValue = e.f32(cap), invCap = e.f32(1.0 / cap);
    // In place: the head's [T, vocab] product is its only input, so the caller's logits
    // buffer can hold it, where a separate output needed a scratch copy of that size.
    Value x = adaptor.getInput();
    unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
    auto capped = linalg::GenericOp::create(
        b, x.getType(), ValueRange{}, ValueRange{x},
        SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, b.getContext())},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &nested, Location loc, ValueRange args) {
          ImplicitLocOpBuilder nb(loc, nested);
          Value t = math::TanhOp::create(nb, arith::MulFOp::create(nb, args[0], invCap));
          linalg::YieldOp::create(nb, ValueRange{arith::MulFOp::create(nb, t, capValue)});
        });
    // Split across the vocabulary: the head's output is one token's logits in decode,
    // and a prefill call caps only its last token's (32768 to 262144 tanh on one thread).
    if (rank > 0)
      capped->setAttr(kParallelDimAttr, b.getI64IntegerAttr(rank - 1));
    return {capped.getResult(0)};
  }
};

struct PLEInputsLowering : KernelPattern<PLEInputsOp> {
  using KernelPattern::KernelPattern;
  SmallVector<Value> lower(PLEInputsOp op, Adaptor adaptor,
                           ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b);
    TensorEmitter projection(b, op.getFormat());
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t layers = resultType.getDimSize(1), ple = resultType.getDimSize(2);
    Value tok = e.splitLastDim(gatherRows(e, adaptor.getTokens(), adaptor.getTable(),
                                          op.getTableScale().convertToDouble()),
                               layers, ple);
    Value projected =
        projection.matmulTransposedWeight(adaptor.getEmbedded(), adaptor.getProjection());
    Value projectionScale = e.f32(op.getProjectionScale().convertToDouble());
    projected = e.map(projected, [&](ImplicitLocOpBuilder &nb, ValueRange x) {
      return arith::MulFOp::create(nb, x[0], projectionScale);
    });
    Value ctx = e.rmsNorm(e.splitLastDim(projected, layers, ple), adaptor.getNorm(),
                          op.getEpsilon().convertToDouble());
    Value combine = e.f32(op.getCombineScale().convertToDouble());
    Value result = e.map({ctx, tok}, [&](ImplicitLocOpBuilder &nb, ValueRange x) {
      return arith::MulFOp::create(nb, arith::AddFOp::create(nb, x[0], x[1]), combine);
    });
    return {result};
  }
};

struct PLEBranchLowering : KernelPattern<PLEBranchOp> {
  using KernelPattern::KernelPattern;
  SmallVector<StringRef> runtimeAttributes() const override { return {"layer"}; }
  SmallVector<Value> lower(PLEBranchOp op, Adaptor adaptor,
                           ImplicitLocOpBuilder &b) const override {
    TensorEmitter e(b, op.getFormat());
    Value gate = e.matmulTransposedWeight(adaptor.getInput(), adaptor.getGateWeight());
    auto pleType = cast<RankedTensorType>(op.getPerLayerInputs().getType());
    int64_t ple = pleType.getDimSize(2);
    SmallVector<OpFoldResult> offsets{b.getIndexAttr(0), runtimeAttribute(b, 0), b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes{e.sizes(adaptor.getPerLayerInputs())[0], b.getIndexAttr(1),
                                    b.getIndexAttr(ple)};
    SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
    auto sliceType = RankedTensorType::get({pleType.getDimSize(0), ple}, b.getF32Type());
    Value perLayer = tensor::ExtractSliceOp::create(b, sliceType, adaptor.getPerLayerInputs(),
                                                    offsets, sizes, strides);
    Value gated = e.map({gate, perLayer}, [&](ImplicitLocOpBuilder &nb, ValueRange x) {
      TensorEmitter ne(nb);
      return arith::MulFOp::create(nb, ne.geluTanh(x[0]), x[1]);
    });
    Value y = e.matmulTransposedWeight(gated, adaptor.getProjectionWeight());
    return {y};
  }
};

} // namespace

void populateGemmaLayerToLinalgPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<EmbedLowering, RMSNormLowering, LinearLowering, RopeLowering, LayerScalarLowering,
               SoftcapLowering, PLEInputsLowering, PLEBranchLowering>(converter,
                                                                      patterns.getContext());
}

} // namespace g4
