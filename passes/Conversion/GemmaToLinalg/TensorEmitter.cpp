//===- TensorEmitter.cpp - Tensor-level building blocks of the lowering ---===//

#include "passes/Conversion/GemmaToLinalg/TensorEmitter.h"
#include "passes/Utils/HalfFloat.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "llvm/ADT/bit.h"

#include <cmath>

using namespace mlir;

namespace g4::lowering {

namespace {
SmallVector<utils::IteratorType> parallel(unsigned n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

/// Decode's matvecs (one row of x) stream each weight byte once, and the last of their
/// equal tasks runs while the other cores wait (a core alone reads about half the
/// memory bandwidth of two). g4-outline-parallel-tasks splits a loop into at most 16
/// tasks by default; a weight of 4 MiB or more asks for tasks of 128 KiB or more, up to
/// 128, a power of two: a thread's consecutive tasks continue its weight streams, so small
/// tasks cost little, and the run after gate and up (the gated GELU, then x's
/// quantisation in blocks of 32) can take the same count in whole blocks. Tasks of about
/// 1 MiB left two threads waiting 190-420 us of a 5.2 ms E2B-shaped q4 token for the last
/// ones; 128 KiB, 115-150 us.
void limitDecodeTaskBytes(Operation *matmul, int64_t xRows, int64_t weightBytes) {
  constexpr int64_t kTaskBytes = int64_t(1) << 17, kMostTasks = 128, kDefaultMostTasks = 16;
  const int64_t tasks = std::min<int64_t>(
      kMostTasks,
      int64_t(llvm::bit_floor(uint64_t(std::max<int64_t>(1, weightBytes / kTaskBytes)))));
  if (xRows == 1 && tasks > kDefaultMostTasks)
    matmul->setAttr(kMaxTasksAttr,
                    IntegerAttr::get(IntegerType::get(matmul->getContext(), 64), tasks));
}
} // namespace

Value TensorEmitter::f32(double value) {
  return arith::ConstantOp::create(b, b.getF32FloatAttr(float(value)));
}

Value TensorEmitter::index(int64_t value) { return arith::ConstantIndexOp::create(b, value); }

Value TensorEmitter::toF32(Value scalar) {
  if (scalar.getType().isF32())
    return scalar;
  return arith::ExtFOp::create(b, b.getF32Type(), scalar);
}

SmallVector<OpFoldResult> TensorEmitter::sizes(Value value) {
  return tensor::getMixedSizes(b, b.getLoc(), value);
}

Value TensorEmitter::filled(ArrayRef<OpFoldResult> shape, double value) {
  Value empty = tensor::EmptyOp::create(b, shape, b.getF32Type());
  return linalg::FillOp::create(b, ValueRange{f32(value)}, ValueRange{empty}).getResult(0);
}

Value TensorEmitter::matmulTransposedWeight(Value x, Value w) {
  if (cast<RankedTensorType>(w.getType()).getElementType().isInteger(8))
    return matmulPackedWeight(x, w);
  if (packedFormat && gemma::isInterleavedFloat(*packedFormat))
    return matmulInterleavedFloat(x, w, gemma::interleavedRows(*packedFormat));
  MLIRContext *ctx = b.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  SmallVector<AffineMap> maps{AffineMap::get(3, 0, {m, k}, ctx), AffineMap::get(3, 0, {n, k}, ctx),
                              AffineMap::get(3, 0, {m, n}, ctx)};
  SmallVector<OpFoldResult> outShape{sizes(x)[0], sizes(w)[0]};
  Value init = filled(outShape, 0.0);
  auto iterators = parallel(3);
  iterators[2] = utils::IteratorType::reduction;
  auto matmul = linalg::GenericOp::create(
      b, init.getType(), ValueRange{x, w}, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nested, Location loc, ValueRange args) {
        ImplicitLocOpBuilder nb(loc, nested);
        TensorEmitter e(nb);
        // reassoc + contract: LLVM may vectorise the k reduction and fuse into FMAs (the
        // summation order is still fixed by the code, so results do not vary between runs
        // or thread counts).
        auto fast = arith::FastMathFlags::reassoc | arith::FastMathFlags::contract;
        Value product = arith::MulFOp::create(nb, args[0], e.toF32(args[1]), fast);
        linalg::YieldOp::create(nb, ValueRange{arith::AddFOp::create(nb, args[2], product, fast)});
      });
  // The output features (weight rows) are independent: g4-outline-parallel-tasks may
  // split this loop across threads.
  matmul->setAttr(kParallelDimAttr, b.getI64IntegerAttr(1));
  return matmul.getResult(0);
}

Value TensorEmitter::matmulPackedWeight(Value x, Value w) {
  if (packedFormat && gemma::interleavedRows(*packedFormat) == 8)
    return matmulInterleavedWeight(x, w, gemma::isQ4Format(*packedFormat));
  MLIRContext *ctx = b.getContext();
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  const int64_t inputs = xType.getShape().back(), rows = wType.getShape()[0];
  const int64_t stored = wType.getShape().back(), blocks = inputs / 32;
  // The verifier fixed the storage: 34 bytes per block for q8_0, 18 for q4_0.
  const bool q4 = stored == blocks * 18;
  assert((q4 || stored == blocks * 34) && inputs % 32 == 0 && "packed weight shape");
  const int64_t blockBytes = q4 ? 18 : 34;

  // w [N, blocks * bytes] -> [N, blocks, bytes]; x [M, K] -> [M, blocks, 32] (q8_0) or
  // [M, blocks, 2, 16] (q4_0: byte j holds inputs j and j + 16 in its low and high
  // nibble).
  Value blocked = tensor::ExpandShapeOp::create(
      b, RankedTensorType::get({rows, blocks, blockBytes}, wType.getElementType()), w,
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
  SmallVector<int64_t> xShape{xType.getShape()[0], blocks};
  if (q4)
    xShape.append({2, 16});
  else
    xShape.push_back(32);
  SmallVector<OpFoldResult> xSizes{sizes(x)[0], b.getIndexAttr(blocks)};
  for (int64_t d : ArrayRef<int64_t>(xShape).drop_front(2))
    xSizes.push_back(b.getIndexAttr(d));
  Value xBlocked = tensor::ExpandShapeOp::create(
      b, RankedTensorType::get(xShape, b.getF32Type()), x,
      SmallVector<ReassociationIndices>{
          {0}, q4 ? ReassociationIndices{1, 2, 3} : ReassociationIndices{1, 2}},
      xSizes);

  // Loops (m, n, block, [half,] j): every weight byte is read where it is stored.
  // g4-vectorize-contractions recognises the op by its g4.packed_format attribute and
  // replaces these loops with a microkernel.
  const unsigned loops = q4 ? 5 : 4;
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
             blk = getAffineDimExpr(2, ctx), j = getAffineDimExpr(loops - 1, ctx);
  SmallVector<AffineExpr> xExprs{m, blk};
  if (q4)
    xExprs.push_back(getAffineDimExpr(3, ctx));
  xExprs.push_back(j);
  SmallVector<AffineMap> maps{
      AffineMap::get(loops, 0, xExprs, ctx),
      AffineMap::get(loops, 0, {n, blk, j + 2}, ctx),                         // q or b
      AffineMap::get(loops, 0, {n, blk, getAffineConstantExpr(0, ctx)}, ctx), // scale lo
      AffineMap::get(loops, 0, {n, blk, getAffineConstantExpr(1, ctx)}, ctx), // scale hi
      AffineMap::get(loops, 0, {m, n}, ctx)};
  SmallVector<utils::IteratorType> iterators(loops, utils::IteratorType::reduction);
  iterators[0] = iterators[1] = utils::IteratorType::parallel;
  SmallVector<OpFoldResult> outShape{sizes(x)[0], b.getIndexAttr(rows)};
  Value init = filled(outShape, 0.0);
  auto matmul = linalg::GenericOp::create(
      b, init.getType(), ValueRange{xBlocked, blocked, blocked, blocked}, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location loc, ValueRange args) {
        ImplicitLocOpBuilder nb(loc, nested);
        Type f32 = nb.getF32Type(), i32 = nb.getI32Type();
        Value quantum;
        if (q4) {
          // (b >> 4h) & 15, minus 8.
          Value byte = arith::ExtUIOp::create(nb, i32, args[1]);
          Value shift = arith::MulIOp::create(
              nb, arith::IndexCastOp::create(nb, i32, linalg::IndexOp::create(nb, 3)),
              arith::ConstantIntOp::create(nb, i32, 4));
          Value nibble = arith::AndIOp::create(nb, arith::ShRUIOp::create(nb, byte, shift),
                                               arith::ConstantIntOp::create(nb, i32, 15));
          quantum = arith::SIToFPOp::create(
              nb, f32, arith::SubIOp::create(nb, nibble, arith::ConstantIntOp::create(nb, i32, 8)));
        } else {
          quantum = arith::SIToFPOp::create(nb, f32, args[1]);
        }
        // s * q is exact in f32 (11 x 8 significant bits): the same values as dequantising
        // the matrix first. reassoc + contract as for the float formats.
        auto fast = arith::FastMathFlags::reassoc | arith::FastMathFlags::contract;
        Value weight = arith::MulFOp::create(nb, quantum, decodeF16Bytes(nb, args[2], args[3]));
        Value product = arith::MulFOp::create(nb, args[0], weight, fast);
        linalg::YieldOp::create(nb, ValueRange{arith::AddFOp::create(nb, args[4], product, fast)});
      });
  matmul->setAttr(kParallelDimAttr, b.getI64IntegerAttr(1));
  matmul->setAttr(kPackedFormatAttr, b.getStringAttr(q4 ? "q4_0" : "q8_0"));
  return matmul.getResult(0);
}

Value TensorEmitter::matmulInterleavedFloat(Value x, Value w, int64_t group) {
  MLIRContext *ctx = b.getContext();
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  const int64_t rows = wType.getShape()[0], inputs = wType.getShape()[1], G = group;
  assert(rows % G == 0 && "bf16x8 ... bf16x64 weight shape");
  Type element = wType.getElementType();
  // w [N, K] -> [N/G, G * K] (a group's rows are contiguous) -> [N/G, K, G].
  Value grouped =
      tensor::ExpandShapeOp::create(b, RankedTensorType::get({rows / G, G, inputs}, element), w,
                                    SmallVector<ReassociationIndices>{{0, 1}, {2}});
  Value flat =
      tensor::CollapseShapeOp::create(b, RankedTensorType::get({rows / G, G * inputs}, element),
                                      grouped, SmallVector<ReassociationIndices>{{0}, {1, 2}});
  Value transposed =
      tensor::ExpandShapeOp::create(b, RankedTensorType::get({rows / G, inputs, G}, element), flat,
                                    SmallVector<ReassociationIndices>{{0}, {1, 2}});
  // Loops (m, t, r, k): output G t + r reads w at (t, k, r). The k reduction is not
  // innermost in w, so g4-vectorize-contractions knows the op by g4.interleaved_float.
  AffineExpr m, t, r, k;
  bindDims(ctx, m, t, r, k);
  SmallVector<AffineMap> maps{AffineMap::get(4, 0, {m, k}, ctx),
                              AffineMap::get(4, 0, {t, k, r}, ctx),
                              AffineMap::get(4, 0, {m, t, r}, ctx)};
  SmallVector<utils::IteratorType> iterators = parallel(4);
  iterators[3] = utils::IteratorType::reduction;
  Value init = filled({sizes(x)[0], b.getIndexAttr(rows / G), b.getIndexAttr(G)}, 0.0);
  auto matmul = linalg::GenericOp::create(
      b, init.getType(), ValueRange{x, transposed}, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nested, Location loc, ValueRange args) {
        ImplicitLocOpBuilder nb(loc, nested);
        TensorEmitter e(nb);
        auto fast = arith::FastMathFlags::reassoc | arith::FastMathFlags::contract;
        Value product = arith::MulFOp::create(nb, args[0], e.toF32(args[1]), fast);
        linalg::YieldOp::create(nb, ValueRange{arith::AddFOp::create(nb, args[2], product, fast)});
      });
  matmul->setAttr(kParallelDimAttr, b.getI64IntegerAttr(1));
  // Groups of four vectors (bf16x32, bf16x64): prefill's tasks, which each read all of
  // x, keep at least the 32 groups of one vector that g4-outline-parallel-tasks' default
  // gives bf16x8 and bf16x16. Decode's only stream weights, and a group is already 64
  // rows (196 KB at 1536 inputs): tasks of 8 groups split the E2B-shaped down
  // projections in 2, and two threads waited 30-35 us a call for the slower one.
  if (G >= 32)
    matmul->setAttr(kMinTaskSizeAttr, b.getI64IntegerAttr(xType.getShape()[0] == 1 ? 1 : 8));
  limitDecodeTaskBytes(matmul, xType.getShape()[0],
                       rows * inputs * int64_t(element.getIntOrFloatBitWidth() / 8));
  matmul->setAttr(kInterleavedFloatAttr, b.getUnitAttr());
  return tensor::CollapseShapeOp::create(
      b, RankedTensorType::get({xType.getShape()[0], rows}, b.getF32Type()), matmul.getResult(0),
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
}

Value TensorEmitter::matmulInterleavedWeight(Value x, Value w, bool q4) {
  MLIRContext *ctx = b.getContext();
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  const int64_t inputs = xType.getShape().back(), rows = wType.getShape()[0];
  const int64_t blocks = inputs / 32, rowBytes = wType.getShape().back();
  const int64_t blockBytes = 8 * (q4 ? 18 : 34);
  assert(rowBytes == blocks * (q4 ? 18 : 34) && rows % 8 == 0 && inputs % 32 == 0 &&
         "interleaved weight shape");
  Type i8 = wType.getElementType();
  const gemma::PanelLayout layout = gemma::interleavedPanelLayout(rows, inputs);
  const int64_t band = layout.bandGroups, panel = layout.panelBlocks;

  // w [N, blocks * bytes] -> [N/8, 8 * blocks * bytes] (a group's rows are contiguous)
  // -> [N/8, blocks, 8 * bytes]; banded: [N/8/band, blocks/panel, band, panel * 8 * bytes]
  // (a band's rows are contiguous, its blocks panel by panel). x [M, K] -> [M, blocks, 8,
  // 4] (q8: input 4g + i) or [M, blocks, 4, 2, 4] (q4: input 8s + 4h + i); y [M, N/8, 8],
  // banded [M, N/8/band, band, 8].
  const int64_t groupRows = 8 * band;
  Value grouped = tensor::ExpandShapeOp::create(
      b, RankedTensorType::get({rows / groupRows, groupRows, rowBytes}, i8), w,
      SmallVector<ReassociationIndices>{{0, 1}, {2}});
  Value flat = tensor::CollapseShapeOp::create(
      b, RankedTensorType::get({rows / groupRows, groupRows * rowBytes}, i8), grouped,
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
  Value blocked =
      layout.banded()
          ? tensor::ExpandShapeOp::create(
                b,
                RankedTensorType::get({rows / groupRows, blocks / panel, band, panel * blockBytes},
                                      i8),
                flat, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}})
          : tensor::ExpandShapeOp::create(b,
                                          RankedTensorType::get({rows / 8, blocks, blockBytes}, i8),
                                          flat, SmallVector<ReassociationIndices>{{0}, {1, 2}});
  // x's blocks, banded as [blocks/P, P]: every loop is then a dim of some operand.
  SmallVector<int64_t> xShape{xType.getShape()[0]};
  if (layout.banded())
    xShape.append({blocks / panel, panel});
  else
    xShape.push_back(blocks);
  xShape.append(q4 ? SmallVector<int64_t>{4, 2, 4} : SmallVector<int64_t>{8, 4});
  SmallVector<OpFoldResult> xSizes{sizes(x)[0]};
  ReassociationIndices kDims;
  for (size_t dim = 1; dim < xShape.size(); ++dim) {
    xSizes.push_back(b.getIndexAttr(xShape[dim]));
    kDims.push_back(int64_t(dim));
  }
  Value xBlocked =
      tensor::ExpandShapeOp::create(b, RankedTensorType::get(xShape, b.getF32Type()), x,
                                    SmallVector<ReassociationIndices>{{0}, kDims}, xSizes);

  // Loops (m, t, r, block, g, i) for q8 and (m, t, r, block, s, h, i) for q4: output
  // 8t + r, input 32 block + 4g + i (8s + 4h + i). Banded, the group t is (band, t') and
  // the block (panel, block'): (m, band, t', r, panel, block', ...), output
  // 8 (band * bandGroups + t') + r, block panel * panelBlocks + block'. Every weight byte
  // is read where it is stored: scale r at bytes 2r, 2r + 1 of its block; then byte
  // 16 + 32g + 4r + i (16 + 32s + 4r + i, nibble h). g4-vectorize-contractions replaces
  // these loops with a microkernel.
  const unsigned front = layout.banded() ? 6 : 4; // loops before the block's inner ones
  const unsigned loops = front + (q4 ? 3 : 2);
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  AffineExpr m = d(0), g = d(front), i = d(loops - 1);
  AffineExpr r = layout.banded() ? d(3) : d(2);
  SmallVector<AffineExpr> xExprs{m};
  if (layout.banded())
    xExprs.append({d(4), d(5)});
  else
    xExprs.push_back(d(3));
  xExprs.push_back(g);
  if (q4)
    xExprs.push_back(d(front + 1));
  xExprs.push_back(i);
  // The weight's indices before the byte, and the byte offset of the block in them.
  SmallVector<AffineExpr> wAt = layout.banded() ? SmallVector<AffineExpr>{d(1), d(4), d(2)}
                                                : SmallVector<AffineExpr>{d(1), d(3)};
  AffineExpr blockByte = layout.banded() ? d(5) * blockBytes : getAffineConstantExpr(0, ctx);
  auto wMap = [&](AffineExpr byte) {
    SmallVector<AffineExpr> exprs(wAt);
    exprs.push_back(blockByte + byte);
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  SmallVector<AffineExpr> yExprs = layout.banded() ? SmallVector<AffineExpr>{m, d(1), d(2), r}
                                                   : SmallVector<AffineExpr>{m, d(1), r};
  SmallVector<AffineMap> maps{AffineMap::get(loops, 0, xExprs, ctx),
                              wMap(16 + 32 * g + 4 * r + i), // quanta
                              wMap(2 * r),                   // scale lo
                              wMap(2 * r + 1),               // scale hi
                              AffineMap::get(loops, 0, yExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(loops, utils::IteratorType::reduction);
  for (unsigned parallelLoop = 0; parallelLoop < (layout.banded() ? 4u : 3u); ++parallelLoop)
    iterators[parallelLoop] = utils::IteratorType::parallel;
  SmallVector<OpFoldResult> ySizes{sizes(x)[0], b.getIndexAttr(rows / groupRows)};
  if (layout.banded())
    ySizes.push_back(b.getIndexAttr(band));
  ySizes.push_back(b.getIndexAttr(8));
  Value init = filled(ySizes, 0.0);
  const int64_t nibbleLoop = front + 1; // q4's h
  auto matmul = linalg::GenericOp::create(
      b, init.getType(), ValueRange{xBlocked, blocked, blocked, blocked}, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location loc, ValueRange args) {
        ImplicitLocOpBuilder nb(loc, nested);
        Type f32 = nb.getF32Type(), i32 = nb.getI32Type();
        Value byte = arith::ExtUIOp::create(nb, i32, args[1]);
        Value quantum;
        if (q4) {
          // (b >> 4h) & 15, minus 8.
          Value shift = arith::MulIOp::create(
              nb, arith::IndexCastOp::create(nb, i32, linalg::IndexOp::create(nb, nibbleLoop)),
              arith::ConstantIntOp::create(nb, i32, 4));
          Value nibble = arith::AndIOp::create(nb, arith::ShRUIOp::create(nb, byte, shift),
                                               arith::ConstantIntOp::create(nb, i32, 15));
          quantum = arith::SubIOp::create(nb, nibble, arith::ConstantIntOp::create(nb, i32, 8));
        } else {
          // Stored with 128 added, as u8.
          quantum = arith::SubIOp::create(nb, byte, arith::ConstantIntOp::create(nb, i32, 128));
        }
        // As in matmulPackedWeight: s * q is exact in f32.
        auto fast = arith::FastMathFlags::reassoc | arith::FastMathFlags::contract;
        Value weight = arith::MulFOp::create(nb, arith::SIToFPOp::create(nb, f32, quantum),
                                             decodeF16Bytes(nb, args[2], args[3]));
        Value product = arith::MulFOp::create(nb, args[0], weight, fast);
        linalg::YieldOp::create(nb, ValueRange{arith::AddFOp::create(nb, args[4], product, fast)});
      });
  matmul->setAttr(kParallelDimAttr, b.getI64IntegerAttr(1));
  // Banded, the split loop counts bands. Prefill's tasks each read all of x's rows, so
  // they keep at least 32 groups. Decode's (x is one row, quantised before the dispatch)
  // only stream their weights: tasks of 8 groups (at most max-tasks of them) shorten the
  // wait for the last one, which a 6-task down projection of 12288 inputs (1.8 MB a
  // task) made 4-54 us a call. The plain form's loop counts groups: tasks of 16 (110 KB
  // of q4 at 1536 inputs) split decode's smallest matvecs, the PLE gates' 256 rows, in
  // two (which ran on the kernel's thread alone before: 100 us of a 7 ms token on two
  // threads; 8 tasks were slower than 2).
  const bool oneRow = xType.getShape()[0] == 1;
  const int64_t bandedMinGroups = oneRow ? 8 : 32;
  matmul->setAttr(
      kMinTaskSizeAttr,
      b.getI64IntegerAttr(layout.banded() ? std::max<int64_t>(1, bandedMinGroups / band) : 16));
  limitDecodeTaskBytes(matmul, xType.getShape()[0], rows * rowBytes);
  matmul->setAttr(kPackedFormatAttr, b.getStringAttr(q4 ? "q4_0x8" : "q8_0x8"));
  SmallVector<ReassociationIndices> yFlat{{0}, {1, 2}};
  if (layout.banded())
    yFlat = {{0}, {1, 2, 3}};
  return tensor::CollapseShapeOp::create(
      b, RankedTensorType::get({xType.getShape()[0], rows}, b.getF32Type()), matmul.getResult(0),
      yFlat);
}

Value TensorEmitter::rmsNorm(Value x, Value weight, double epsilon) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  unsigned rank = type.getRank();
  int64_t width = type.getDimSize(rank - 1);
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap rows = identity.dropResult(rank - 1);

  // Sum of squares per row: reassociable, so g4-vectorize-row-reductions sums it in
  // vector lanes (the same order for every row, so decode equals prefill).
  SmallVector<OpFoldResult> rowShape = sizes(x);
  rowShape.pop_back();
  Value init = filled(rowShape, 0.0);
  auto iterators = parallel(rank);
  iterators.back() = utils::IteratorType::reduction;
  auto sumSquaresOp = linalg::GenericOp::create(
      b, init.getType(), ValueRange{x}, ValueRange{init}, SmallVector<AffineMap>{identity, rows},
      iterators, [&](OpBuilder &nested, Location loc, ValueRange args) {
        ImplicitLocOpBuilder nb(loc, nested);
        Value sq = arith::MulFOp::create(nb, args[0], args[0]);
        linalg::YieldOp::create(
            nb, ValueRange{arith::AddFOp::create(nb, args[1], sq, arith::FastMathFlags::reassoc)});
      });
  splitTokens(sumSquaresOp);
  Value sumSquares = sumSquaresOp.getResult(0);

  // x * (mean + eps)^-1/2 [* w]
  SmallVector<Value> inputs{x, sumSquares};
  SmallVector<AffineMap> maps{identity, rows};
  if (weight) {
    inputs.push_back(weight);
    maps.push_back(AffineMap::get(rank, 0, {getAffineDimExpr(rank - 1, ctx)}, ctx));
  }
  maps.push_back(identity);
  Value out = tensor::EmptyOp::create(b, sizes(x), b.getF32Type());
  Value invWidth = f32(1.0 / double(width));
  Value eps = f32(epsilon);
  auto normalized = linalg::GenericOp::create(
      b, out.getType(), inputs, ValueRange{out}, maps, parallel(rank),
      [&](OpBuilder &nested, Location loc, ValueRange args) {
        ImplicitLocOpBuilder nb(loc, nested);
        TensorEmitter e(nb);
        Value mean = arith::MulFOp::create(nb, args[1], invWidth);
        // 1/sqrt rather than rsqrt: libm has no rsqrtf and HF computes pow(x, -0.5).
        Value scale = arith::DivFOp::create(
            nb, e.f32(1.0), math::SqrtOp::create(nb, arith::AddFOp::create(nb, mean, eps)));
        Value y = arith::MulFOp::create(nb, args[0], scale);
        if (weight)
          y = arith::MulFOp::create(nb, y, e.toF32(args[2]));
        linalg::YieldOp::create(nb, ValueRange{y});
      });
  splitTokens(normalized);
  return normalized.getResult(0);
}

Value TensorEmitter::rope(Value x, Value start, gemma::RopeAttr rope) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  const int64_t d = type.getDimSize(2), half = d / 2;
  const double theta = rope.getTheta().convertToDouble();
  // inv_freq[i] = theta^(-2i/d) for the rotated pairs, 0 (identity rotation) for the rest.
  SmallVector<float> invFreq(half, 0.0f);
  for (int64_t i = 0; i < rope.getRotatedPairs(); ++i)
    invFreq[i] = float(1.0 / std::pow(theta, double(2 * i) / double(d)));
  auto freqType = RankedTensorType::get({half}, b.getF32Type());
  Value freqs =
      arith::ConstantOp::create(b, DenseElementsAttr::get(freqType, ArrayRef<float>(invFreq)));

  // cos and sin of (start + t) * inv_freq[i] per token and pair, shared by the heads
  // (one cos/sin per head and dim before: 16x as many for E2B's 8 query heads).
  AffineExpr t, h, i;
  bindDims(ctx, t, h, i);
  SmallVector<OpFoldResult> tableShape{sizes(x)[0], b.getIndexAttr(half)};
  Value cosInit = tensor::EmptyOp::create(b, tableShape, b.getF32Type());
  Value sinInit = tensor::EmptyOp::create(b, tableShape, b.getF32Type());
  Value startI64 = arith::IndexCastOp::create(b, b.getI64Type(), start);
  AffineMap tokenPair = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
  auto table = linalg::GenericOp::create(
      b, TypeRange{cosInit.getType(), sinInit.getType()}, ValueRange{freqs},
      ValueRange{cosInit, sinInit},
      SmallVector<AffineMap>{tokenPair, AffineMap::getMultiDimIdentityMap(2, ctx),
                             AffineMap::getMultiDimIdentityMap(2, ctx)},
      parallel(2), [&](OpBuilder &nested, Location loc, ValueRange args) {
        ImplicitLocOpBuilder nb(loc, nested);
        Value pos = arith::AddIOp::create(
            nb, startI64,
            arith::IndexCastOp::create(nb, nb.getI64Type(), linalg::IndexOp::create(nb, 0)));
        Value angle =
            arith::MulFOp::create(nb, arith::SIToFPOp::create(nb, nb.getF32Type(), pos), args[0]);
        linalg::YieldOp::create(
            nb, ValueRange{math::CosOp::create(nb, angle), math::SinOp::create(nb, angle)});
      });
  splitTokens(table);

  // y[i] = x[i] cos - x[i + d/2] sin (first half), x[i] cos + x[i - d/2] sin (second).
  Value out = tensor::EmptyOp::create(b, sizes(x), b.getF32Type());
  AffineMap identity = AffineMap::getMultiDimIdentityMap(3, ctx);
  AffineMap partner = AffineMap::get(3, 0, {t, h, (i + half) % d}, ctx);
  AffineMap pair = AffineMap::get(3, 0, {t, i % half}, ctx);
  Value halfIndex = index(half);
  auto rotated = linalg::GenericOp::create(
      b, out.getType(), ValueRange{x, x, table.getResult(0), table.getResult(1)}, ValueRange{out},
      SmallVector<AffineMap>{identity, partner, pair, pair, identity}, parallel(3),
      [&](OpBuilder &nested, Location loc, ValueRange args) {
        ImplicitLocOpBuilder nb(loc, nested);
        Value firstHalf = arith::CmpIOp::create(nb, arith::CmpIPredicate::ult,
                                                linalg::IndexOp::create(nb, 2), halfIndex);
        Value xc = arith::MulFOp::create(nb, args[0], args[2]);
        Value ps = arith::MulFOp::create(nb, args[1], args[3]);
        Value y = arith::SelectOp::create(nb, firstHalf, arith::SubFOp::create(nb, xc, ps),
                                          arith::AddFOp::create(nb, xc, ps));
        linalg::YieldOp::create(nb, ValueRange{y});
      });
  splitTokens(rotated);
  return rotated.getResult(0);
}

void TensorEmitter::splitTokens(Operation *op) {
  if (!op->hasAttr(kParallelDimAttr))
    op->setAttr(kParallelDimAttr, b.getI64IntegerAttr(0));
}

Value TensorEmitter::map(ValueRange inputs, const ScalarFn &fn) {
  MLIRContext *ctx = b.getContext();
  unsigned rank = cast<RankedTensorType>(inputs.front().getType()).getRank();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  SmallVector<AffineMap> maps(inputs.size() + 1, identity);
  Value out = tensor::EmptyOp::create(b, sizes(inputs.front()), b.getF32Type());
  auto mapped =
      linalg::GenericOp::create(b, out.getType(), inputs, ValueRange{out}, maps, parallel(rank),
                                [&](OpBuilder &nested, Location loc, ValueRange args) {
                                  ImplicitLocOpBuilder nb(loc, nested);
                                  Value y = fn(nb, args.drop_back());
                                  linalg::YieldOp::create(nb, ValueRange{y});
                                });
  if (rank > 0)
    splitTokens(mapped);
  return mapped.getResult(0);
}

Value TensorEmitter::truncateTo(Value x, Type element) {
  unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  Value out = tensor::EmptyOp::create(b, sizes(x), element);
  auto truncated = linalg::GenericOp::create(
      b, out.getType(), ValueRange{x}, ValueRange{out}, SmallVector<AffineMap>(2, identity),
      parallel(rank), [&](OpBuilder &nested, Location loc, ValueRange args) {
        ImplicitLocOpBuilder nb(loc, nested);
        linalg::YieldOp::create(nb, ValueRange{arith::TruncFOp::create(nb, element, args[0])});
      });
  if (rank > 0)
    splitTokens(truncated);
  return truncated.getResult(0);
}

Value TensorEmitter::geluTanh(Value x) {
  // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  Value x3 = arith::MulFOp::create(b, arith::MulFOp::create(b, x, x), x);
  Value inner = arith::AddFOp::create(b, x, arith::MulFOp::create(b, f32(0.044715), x3));
  Value t = math::TanhOp::create(b, arith::MulFOp::create(b, f32(0.7978845608028654), inner));
  Value half = arith::MulFOp::create(b, f32(0.5), x);
  return arith::MulFOp::create(b, half, arith::AddFOp::create(b, f32(1.0), t));
}

Value TensorEmitter::splitLastDim(Value x, int64_t a, int64_t bDim) {
  auto type = cast<RankedTensorType>(x.getType());
  unsigned rank = type.getRank();
  SmallVector<int64_t> shape(type.getShape());
  shape.pop_back();
  shape.append({a, bDim});
  SmallVector<ReassociationIndices> groups;
  for (unsigned i = 0; i + 1 < rank; ++i)
    groups.push_back({int64_t(i)});
  groups.push_back({int64_t(rank - 1), int64_t(rank)});
  SmallVector<OpFoldResult> outSizes = sizes(x);
  outSizes.pop_back();
  outSizes.push_back(b.getIndexAttr(a));
  outSizes.push_back(b.getIndexAttr(bDim));
  return tensor::ExpandShapeOp::create(b, RankedTensorType::get(shape, type.getElementType()), x,
                                       groups, outSizes);
}

Value TensorEmitter::mergeLastDims(Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  unsigned rank = type.getRank();
  SmallVector<ReassociationIndices> groups;
  for (unsigned i = 0; i + 2 < rank; ++i)
    groups.push_back({int64_t(i)});
  groups.push_back({int64_t(rank - 2), int64_t(rank - 1)});
  return tensor::CollapseShapeOp::create(b, x, groups);
}

} // namespace g4::lowering
