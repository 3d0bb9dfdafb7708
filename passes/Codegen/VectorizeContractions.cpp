//===- VectorizeContractions.cpp - g4-vectorize-contractions --------------===//
//
// y[m, n] += x[m, k] * ext(w[n, k]) as register-blocked vector loops. Both operands are
// contiguous along k, so a tile of outputs keeps one vector accumulator each, sums lanes
// once per k block, and every loaded vector feeds a whole row or column of the tile.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/Passes.h"
#include "passes/Utils/ActivationQuanta.h"
#include "passes/Utils/HalfFloat.h"
#include "passes/Utils/LoopAttributes.h"
#include "passes/Utils/MemRefLayout.h"
#include "targets/Kernels/Int8Dot.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <functional>
#include <numeric>

#define DEBUG_TYPE "g4-vectorize-contractions"

namespace g4 {
#define GEN_PASS_DEF_VECTORIZECONTRACTIONSPASS
#include "passes/Codegen/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

struct KernelShape {
  int64_t lanes;
  bool scalable;
  int64_t tileRows, tileCols, rowTileCols, kBlock, mBlock;
  bool fusedMultiplyAdd;
  bool nativeF16;
  bool prefetch;
  int64_t readChunk; // streamed weights: rows per read phase (0: none)
};

/// a * b + acc: one fused operation where the target has it; a multiply and an add
/// otherwise (an llvm.fma there would become a call to libm's fmaf).
Value multiplyAdd(ImplicitLocOpBuilder &b, const KernelShape &shape, Value a, Value x, Value acc) {
  if (shape.fusedMultiplyAdd)
    return vector::FMAOp::create(b, a, x, acc);
  return arith::AddFOp::create(b, arith::MulFOp::create(b, a, x), acc);
}

/// Decode's packed 1 x cols tiles stream `cols` weight rows side by side, 34 (18) bytes
/// per row and block. A row is only a few KB, too short for the hardware prefetcher to
/// learn each stream before the tile moves on, so every block also prefetches the rows
/// of the tile `tilesAhead` on at `column` (q8 decode, E2B-shaped, one thread: 17.0 ->
/// 19.1 tokens/s in back-to-back runs, one tile ahead). Not for bf16 rows: there it
/// measured slower.
void prefetchNextRows(ImplicitLocOpBuilder &b, Value w, Value n, int64_t cols, Value column,
                      int64_t tilesAhead = 1) {
  Value last = arith::SubIOp::create(b, memref::DimOp::create(b, w, 0),
                                     arith::ConstantIndexOp::create(b, 1));
  for (int64_t j = 0; j < cols; ++j) {
    Value ahead = arith::MinUIOp::create(
        b, arith::AddIOp::create(b, n, arith::ConstantIndexOp::create(b, j + tilesAhead * cols)),
        last);
    memref::PrefetchOp::create(b, w, ValueRange{ahead, column}, /*isWrite=*/false,
                               /*localityHint=*/3, /*isDataCache=*/true);
  }
}

/// The operands of a matched contraction.
struct Contraction {
  Value x, w, y;
};

/// `value` is `arg` itself (f32 weights) or `arith.extf arg` (bf16/f16).
bool isWidened(Value value, Value arg) {
  if (value == arg)
    return true;
  auto ext = value.getDefiningOp<arith::ExtFOp>();
  return ext && ext.getIn() == arg;
}

/// y[..., m, ..., n, ...] += x[..., m, ..., k] * ext(w[..., n, ..., k]) with a
/// reassociable add, on buffers: one reduction dim k, innermost (unit stride) in x and w;
/// m in x and y only, n in w and y only, m before n in y; every other loop dim (a batch
/// dim: heads of attention scores) is parallel and indexes y and x and/or w.
/// `sumsOuterDimOfW`: w is [..., k, ..., n] instead, n innermost in w and y (attention's
/// P x V, which reads the values [position, head, d] where the cache holds them).
struct MatchedContraction {
  Value x, w, y;
  unsigned m, n, k;
  SmallVector<unsigned> batch;
  bool sumsOuterDimOfW = false;
};

std::optional<MatchedContraction> matchContraction(linalg::GenericOp op) {
  // A bf16x8 ... bf16x64 weight's groups are a layout of their own (its matcher).
  if (op->hasAttr(kInterleavedFloatAttr) || !op.hasPureBufferSemantics() ||
      op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!llvm::all_of(maps, [](AffineMap map) { return map.isProjectedPermutation(); }))
    return std::nullopt;
  auto iterators = op.getIteratorTypesArray();
  unsigned loops = op.getNumLoops();
  std::optional<unsigned> k;
  for (unsigned d = 0; d < loops; ++d) {
    if (iterators[d] != utils::IteratorType::reduction)
      continue;
    if (k)
      return std::nullopt;
    k = d;
  }
  if (!k)
    return std::nullopt;
  auto has = [&](unsigned operand, unsigned d) {
    return maps[operand].getResultPosition(getAffineDimExpr(d, op.getContext())).has_value();
  };
  auto innermost = [&](unsigned operand) {
    return maps[operand].getNumResults() > 0 &&
           maps[operand].getResults().back() == getAffineDimExpr(*k, op.getContext());
  };
  auto innermostIs = [&](unsigned operand, std::optional<unsigned> d) {
    return d && maps[operand].getNumResults() > 0 &&
           maps[operand].getResults().back() == getAffineDimExpr(*d, op.getContext());
  };
  if (!innermost(0) || !has(1, *k) || has(2, *k))
    return std::nullopt;
  // m: the first dim of y that x has and w lacks; n: the last dim of y that w has and
  // x lacks. Every loop dim but k must index y.
  std::optional<unsigned> m, n;
  SmallVector<unsigned> batch;
  for (AffineExpr expr : maps[2].getResults()) {
    unsigned d = cast<AffineDimExpr>(expr).getPosition();
    if (!m && has(0, d) && !has(1, d))
      m = d;
    else if (has(1, d) && !has(0, d))
      n = d;
  }
  if (!m || !n || maps[2].getNumResults() != loops - 1)
    return std::nullopt;
  for (unsigned d = 0; d < loops; ++d)
    if (d != *m && d != *n && d != *k)
      batch.push_back(d);
  if (*maps[2].getResultPosition(getAffineDimExpr(*m, op.getContext())) >
      *maps[2].getResultPosition(getAffineDimExpr(*n, op.getContext())))
    return std::nullopt;
  bool sumsOuterDimOfW = !innermost(1);
  if (sumsOuterDimOfW && (!innermostIs(1, n) || !innermostIs(2, n)))
    return std::nullopt;

  Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1], y = op.getDpsInits()[0];
  Type wElement = cast<MemRefType>(w.getType()).getElementType();
  if (!cast<MemRefType>(x.getType()).getElementType().isF32() ||
      !cast<MemRefType>(y.getType()).getElementType().isF32() ||
      !(wElement.isF32() || wElement.isBF16() || wElement.isF16()))
    return std::nullopt;
  if (!hasUnitInnerStride(x) || !hasUnitInnerStride(w))
    return std::nullopt;

  // Body: yield(addf(acc, mulf(a, ext(b)))), operands of add and mul in either order.
  Block &body = op.getRegion().front();
  if (body.getOperations().size() > 4)
    return std::nullopt;
  Value a = body.getArgument(0), bw = body.getArgument(1), acc = body.getArgument(2);
  auto add = body.getTerminator()->getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || !bitEnumContainsAll(add.getFastmath(), arith::FastMathFlags::reassoc))
    return std::nullopt;
  Value product = add.getLhs() == acc ? add.getRhs() : add.getRhs() == acc ? add.getLhs() : Value();
  auto mul = product ? product.getDefiningOp<arith::MulFOp>() : arith::MulFOp();
  if (!mul || !((mul.getLhs() == a && isWidened(mul.getRhs(), bw)) ||
                (mul.getRhs() == a && isWidened(mul.getLhs(), bw))))
    return std::nullopt;
  if (sumsOuterDimOfW && !hasUnitInnerStride(y))
    return std::nullopt;
  return MatchedContraction{x, w, y, *m, *n, *k, batch, sumsOuterDimOfW};
}

/// The 2-D view of `operand` (indexed by `map`) at batch indices `at` (dims -> values):
/// a rank-reducing subview that keeps the other dims in order.
Value batchSlice(ImplicitLocOpBuilder &b, Value operand, AffineMap map,
                 const llvm::DenseMap<unsigned, Value> &at) {
  auto type = cast<MemRefType>(operand.getType());
  SmallVector<OpFoldResult> offsets, sizes, strides;
  SmallVector<int64_t> kept;
  for (auto [position, expr] : llvm::enumerate(map.getResults())) {
    unsigned d = cast<AffineDimExpr>(expr).getPosition();
    strides.push_back(b.getIndexAttr(1));
    auto batchIndex = at.find(d);
    if (batchIndex != at.end()) {
      offsets.push_back(batchIndex->second);
      sizes.push_back(b.getIndexAttr(1));
      continue;
    }
    offsets.push_back(b.getIndexAttr(0));
    sizes.push_back(memref::getMixedSize(b, b.getLoc(), operand, position));
    kept.push_back(type.getDimSize(position));
  }
  if (at.empty())
    return operand;
  auto sliceType =
      memref::SubViewOp::inferRankReducedResultType(kept, type, offsets, sizes, strides);
  return memref::SubViewOp::create(b, cast<MemRefType>(sliceType), operand, offsets, sizes,
                                   strides);
}

Value index(ImplicitLocOpBuilder &b, int64_t v) { return arith::ConstantIndexOp::create(b, v); }

void forRange(ImplicitLocOpBuilder &b, Value lower, Value upper, Value step,
              llvm::function_ref<void(Value)> body) {
  auto loop = scf::ForOp::create(b, lower, upper, step);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  body(loop.getInductionVar());
}

/// begin + (end - begin) rounded down to a multiple of `multiple`.
Value roundDown(ImplicitLocOpBuilder &b, Value begin, Value end, int64_t multiple) {
  Value length = arith::SubIOp::create(b, end, begin);
  return arith::SubIOp::create(b, end, arith::RemUIOp::create(b, length, index(b, multiple)));
}

/// A read phase's loads (decode attention, `read-chunk`): each is OR-ed into an integer
/// vector, and keep() hands the OR to an empty side-effecting inline asm, so that the
/// loads stay though nothing else uses them. Prefetches in their place gained nothing
/// (a C model on Zen 4, docs/performance.md session 42).
class ReadPhase {
public:
  /// Loads of `width` elements of `element`.
  ReadPhase(ImplicitLocOpBuilder &b, Type element, int64_t width)
      : loadType(VectorType::get({width}, element)),
        bitsType(VectorType::get({width}, b.getIntegerType(element.getIntOrFloatBitWidth()))),
        none(arith::ConstantOp::create(
            b, DenseElementsAttr::get(bitsType, APInt::getZero(element.getIntOrFloatBitWidth())))) {
  }

  /// Every 64-byte line of w[row, k] (2-D w) for rows [rowBegin, rowEnd) and k in
  /// [k0, kEnd), one load each (a row shorter than a load is skipped).
  void rows(ImplicitLocOpBuilder &b, Value w, Value rowBegin, Value rowEnd, Value k0, Value kEnd) {
    int64_t width = loadType.getDimSize(0);
    int64_t lineElements = std::max<int64_t>(width, 512 / loadType.getElementTypeBitWidth());
    Value lastStart = arith::SubIOp::create(b, kEnd, index(b, width - 1));
    auto outer = scf::ForOp::create(
        b, rowBegin, rowEnd, index(b, 1), ValueRange{none},
        [&](OpBuilder &nested, Location loc, Value row, ValueRange acc) {
          ImplicitLocOpBuilder nb(loc, nested);
          auto inner = scf::ForOp::create(
              nb, k0, lastStart, index(nb, lineElements), acc,
              [&](OpBuilder &nested2, Location loc2, Value k, ValueRange inAcc) {
                ImplicitLocOpBuilder ib(loc2, nested2);
                scf::YieldOp::create(ib, orLoad(ib, inAcc[0], w, ValueRange{row, k}));
              });
          scf::YieldOp::create(nb, inner.getResults());
        });
    keep(b, outer.getResult(0));
  }

  /// Every vector of w [T', K, G] (weight groups: P x V's values, positions k) for k in
  /// [k0, kEnd), in memory order: k, then t.
  void groups(ImplicitLocOpBuilder &b, Value w, Value k0, Value kEnd) {
    Value groupCount = memref::DimOp::create(b, w, 0);
    auto outer = scf::ForOp::create(
        b, k0, kEnd, index(b, 1), ValueRange{none},
        [&](OpBuilder &nested, Location loc, Value k, ValueRange acc) {
          ImplicitLocOpBuilder nb(loc, nested);
          auto inner = scf::ForOp::create(
              nb, index(nb, 0), groupCount, index(nb, 1), acc,
              [&](OpBuilder &nested2, Location loc2, Value t, ValueRange inAcc) {
                ImplicitLocOpBuilder ib(loc2, nested2);
                scf::YieldOp::create(ib, orLoad(ib, inAcc[0], w, ValueRange{t, k, index(ib, 0)}));
              });
          scf::YieldOp::create(nb, inner.getResults());
        });
    keep(b, outer.getResult(0));
  }

private:
  Value orLoad(ImplicitLocOpBuilder &b, Value acc, Value w, ValueRange indices) {
    Value loaded = vector::LoadOp::create(b, loadType, w, indices);
    return arith::OrIOp::create(b, acc, arith::BitcastOp::create(b, bitsType, loaded));
  }

  void keep(ImplicitLocOpBuilder &b, Value bits) {
    Value any = vector::ReductionOp::create(b, vector::CombiningKind::OR, bits);
    if (any.getType().getIntOrFloatBitWidth() < 32)
      any = arith::ExtUIOp::create(b, b.getI32Type(), any);
    LLVM::InlineAsmOp::create(b, TypeRange{}, ValueRange{any}, /*asm_string=*/"",
                              /*constraints=*/"r", /*has_side_effects=*/true,
                              /*is_align_stack=*/false, LLVM::tailcallkind::TailCallKind::None,
                              LLVM::AsmDialectAttr(), ArrayAttr());
  }

  VectorType loadType, bitsType;
  Value none;
};

/// The loop schedule the microkernels share, over `units` of reduction (elements or
/// 32-weight blocks) in blocks of `kBlockUnits`:
///   for k blocks / for blocks of m-block rows / for weight panels / for row tiles,
///   then the leftover weight rows, then the leftover rows (`leftoverRowTiles`: a tile
///   of 4 and one of 2 rows first), one at a time.
/// The weight panel is outside the rows of the block, so it stays in cache while they
/// pass it.
///
/// With `singleRow` (x has one row: decode) there is nothing to keep in cache for other
/// rows, so the k blocks move inside the weight tiles: each tile's rows are read over
/// all of k before the next tile starts. Over k blocks outside, a matrix with more
/// inputs than a k block was read in pieces of a k block (a 12288-input q8 projection:
/// 17 KB, then a jump of 104 KB), which the hardware prefetcher follows badly. Every
/// output still adds its k blocks to y in the same order, so the results do not change.
/// The row block (x's quantisation) then covers all of k, before the tiles.
///
/// With `bandOutputs` > 1 (banded interleaved weights, WeightPanels), a single row
/// takes the outputs a band at a time, and the band's tiles k block by k block: the
/// weights are stored in that order, and each k block of x serves all of the band's
/// outputs while it is in L1.
///
/// Two hooks serve a read phase (decode attention, `read-chunk`): `readKBlock` runs
/// after each k block's start outside the tiles (not with `singleRow`, whose k blocks
/// are inside them), and with `outputChunk` > 0 the weight tiles run that many outputs
/// (rounded down to whole tiles) at a time, each chunk after `readOutputs(n0, nEnd)`.
struct Schedule {
  std::function<void(Value k0, Value kEnd)> beginKBlock;
  std::function<void(Value m0, Value mEnd)> beginRowBlock;
  std::function<void(int64_t rows, int64_t cols, Value m, Value n)> tile;
  bool singleRow = false;
  int64_t bandOutputs = 1; // a multiple of the single row's tile width; divides outputs
  bool leftoverRowTiles = false; // leftover rows in tiles of 4 and 2 before single rows
  std::function<void(Value k0, Value kEnd)> readKBlock = nullptr;
  int64_t outputChunk = 0;
  std::function<void(Value n0, Value nEnd)> readOutputs = nullptr;

  /// body(n) for n = 0, cols, ... below nTiled, in chunks after readOutputs when asked:
  /// then only where the tiles have rows (m in [mBegin, mEnd), when given).
  void forWeightTiles(ImplicitLocOpBuilder &b, Value nTiled, int64_t cols,
                      llvm::function_ref<void(Value)> body, Value mBegin = {}, Value mEnd = {}) {
    int64_t chunk = outputChunk / cols * cols;
    if (chunk <= 0 || !readOutputs) {
      forRange(b, index(b, 0), nTiled, index(b, cols), body);
      return;
    }
    forRange(b, index(b, 0), nTiled, index(b, chunk), [&](Value n0) {
      Value nEnd = arith::MinUIOp::create(b, arith::AddIOp::create(b, n0, index(b, chunk)), nTiled);
      if (mBegin) {
        auto hasRows =
            scf::IfOp::create(b, arith::CmpIOp::create(b, arith::CmpIPredicate::ult, mBegin, mEnd));
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(hasRows.thenBlock());
        readOutputs(n0, nEnd);
      } else {
        readOutputs(n0, nEnd);
      }
      forRange(b, n0, nEnd, index(b, cols), body);
    });
  }

  void emit(ImplicitLocOpBuilder &b, const KernelShape &shape, Value rows, Value outputs,
            Value units, int64_t kBlockUnits) {
    auto kBlocks = [&](llvm::function_ref<void()> body) {
      forRange(b, index(b, 0), units, index(b, kBlockUnits), [&](Value k0) {
        beginKBlock(k0, arith::MinUIOp::create(
                            b, arith::AddIOp::create(b, k0, index(b, kBlockUnits)), units));
        body();
      });
    };
    if (singleRow) {
      Value m = index(b, 0); // the one row, and the start of k
      beginKBlock(m, units);
      beginRowBlock(m, rows);
      // The tiles the general schedule gives a single row: full tiles when they are one
      // row high, else row tiles; then one output at a time.
      int64_t cols = shape.tileRows == 1 ? shape.tileCols : shape.rowTileCols;
      if (bandOutputs > 1) {
        forRange(b, index(b, 0), outputs, index(b, bandOutputs), [&](Value n0) {
          kBlocks([&] {
            forRange(b, n0, arith::AddIOp::create(b, n0, index(b, bandOutputs)), index(b, cols),
                     [&](Value n) { tile(1, cols, m, n); });
          });
        });
        return;
      }
      Value nTiled = roundDown(b, index(b, 0), outputs, cols);
      forWeightTiles(b, nTiled, cols, [&](Value n) { kBlocks([&] { tile(1, cols, m, n); }); });
      forRange(b, nTiled, outputs, index(b, 1),
               [&](Value n) { kBlocks([&] { tile(1, 1, m, n); }); });
      return;
    }
    forRange(b, index(b, 0), units, index(b, kBlockUnits), [&](Value k0) {
      Value kEnd =
          arith::MinUIOp::create(b, arith::AddIOp::create(b, k0, index(b, kBlockUnits)), units);
      beginKBlock(k0, kEnd);
      if (readKBlock)
        readKBlock(k0, kEnd);
      forRange(b, index(b, 0), rows, index(b, shape.mBlock), [&](Value m0) {
        Value mEnd =
            arith::MinUIOp::create(b, arith::AddIOp::create(b, m0, index(b, shape.mBlock)), rows);
        beginRowBlock(m0, mEnd);
        Value mTiled = roundDown(b, m0, mEnd, shape.tileRows);
        Value nTiled = roundDown(b, index(b, 0), outputs, shape.tileCols);
        forWeightTiles(
            b, nTiled, shape.tileCols,
            [&](Value n) {
              forRange(b, m0, mTiled, index(b, shape.tileRows),
                       [&](Value m) { tile(shape.tileRows, shape.tileCols, m, n); });
            },
            m0, mTiled);
        forRange(b, nTiled, outputs, index(b, 1), [&](Value n) {
          forRange(b, m0, mTiled, index(b, shape.tileRows),
                   [&](Value m) { tile(shape.tileRows, 1, m, n); });
        });
        // Leftover rows in tiles of 4 and 2 rows, where asked: each such tile reads the
        // weights once for all its rows (attention's 8 grouped query heads, 4 per task
        // with two threads: V was read once per leftover row).
        for (int64_t height : {4, 2}) {
          if (!leftoverRowTiles || height >= shape.tileRows)
            continue;
          Value mStart = mTiled;
          mTiled = roundDown(b, mStart, mEnd, height);
          forWeightTiles(
              b, nTiled, shape.tileCols,
              [&](Value n) {
                forRange(b, mStart, mTiled, index(b, height),
                         [&](Value m) { tile(height, shape.tileCols, m, n); });
              },
              mStart, mTiled);
          forRange(b, nTiled, outputs, index(b, 1), [&](Value n) {
            forRange(b, mStart, mTiled, index(b, height), [&](Value m) { tile(height, 1, m, n); });
          });
        }
        // Leftover rows one at a time: more weight rows in flight.
        Value nRowTiled = roundDown(b, index(b, 0), outputs, shape.rowTileCols);
        forRange(b, mTiled, mEnd, index(b, 1), [&](Value m) {
          forWeightTiles(b, nRowTiled, shape.rowTileCols,
                         [&](Value n) { tile(1, shape.rowTileCols, m, n); });
          forRange(b, nRowTiled, outputs, index(b, 1), [&](Value n) { tile(1, 1, m, n); });
        });
      });
    });
  }
};

/// Whether a contraction's x has statically one row (decode).
bool hasSingleRow(Value x) { return cast<MemRefType>(x.getType()).getDimSize(0) == 1; }

/// A function-entry stack buffer of 16 f32 for the scalable lane sums (one per
/// function; an alloca inside a loop would grow the stack every iteration).
Value laneSumBuffer(ImplicitLocOpBuilder &b) {
  auto function = b.getInsertionBlock()->getParent()->getParentOfType<FunctionOpInterface>();
  Block &entry = function.getFunctionBody().front();
  for (Operation &op : entry)
    if (auto alloca = dyn_cast<memref::AllocaOp>(op); alloca && alloca->hasAttr("g4.lane_sums"))
      return alloca;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&entry);
  auto alloca = memref::AllocaOp::create(b, MemRefType::get({16}, b.getF32Type()));
  alloca->setAttr("g4.lane_sums", b.getUnitAttr());
  return alloca;
}

/// The sum of a vector's lanes in one fixed order: halves added pairwise (lanes i and
/// i + w/2) down to one lane, with no fast-math flags. A reassociable reduction would let
/// LLVM combine the sums of a tile's accumulators differently for different tile shapes
/// (seen on AArch64), and decode and prefill would no longer agree bit for bit.
///
/// The halving order is also the same under a rotation of the lanes (attention's P x V
/// relied on that while it summed positions in lanes; it now sums them sequentially on
/// the interleaved float kernel). Scalable vectors (4 x vscale lanes) halve twice in
/// registers, then the vscale lanes left halve in a stack buffer (vscale <= 16); at
/// vscale 1 this is NEON's order.
Value laneSum(ImplicitLocOpBuilder &b, Value v) {
  auto type = cast<VectorType>(v.getType());
  if (type.isScalable()) {
    for (int64_t width = type.getDimSize(0); width > 1; width /= 2) {
      auto half = VectorType::get({width / 2}, type.getElementType(), {true});
      v = arith::AddFOp::create(b, vector::ScalableExtractOp::create(b, half, v, 0),
                                vector::ScalableExtractOp::create(b, half, v, width / 2));
    }
    Value buffer = laneSumBuffer(b);
    Value zero = index(b, 0);
    Value vscale = vector::VectorScaleOp::create(b);
    vector::StoreOp::create(b, v, buffer, ValueRange{zero});
    for (int64_t level = 1; level <= 4; ++level) {
      Value half = arith::ShRUIOp::create(b, vscale, index(b, level));
      forRange(b, zero, half, index(b, 1), [&](Value i) {
        Value low = memref::LoadOp::create(b, buffer, ValueRange{i});
        Value high =
            memref::LoadOp::create(b, buffer, ValueRange{arith::AddIOp::create(b, i, half)});
        memref::StoreOp::create(b, arith::AddFOp::create(b, low, high), buffer, ValueRange{i});
      });
    }
    return memref::LoadOp::create(b, buffer, ValueRange{zero});
  }
  for (int64_t width = type.getDimSize(0); width > 1; width /= 2) {
    int64_t half = width / 2;
    auto slice = [&](int64_t offset) {
      return vector::ExtractStridedSliceOp::create(b, v, ArrayRef<int64_t>{offset},
                                                   ArrayRef<int64_t>{half}, ArrayRef<int64_t>{1})
          .getResult();
    };
    v = arith::AddFOp::create(b, slice(0), slice(half));
  }
  return vector::ExtractOp::create(b, v, ArrayRef<int64_t>{0});
}

/// y[m + i, n + j] += the lane sum of acc[i * cols + j], for a tile's accumulators.
void addLaneSums(ImplicitLocOpBuilder &b, Value y, Value m, Value n, int64_t rows, int64_t cols,
                 ValueRange acc) {
  for (int64_t i = 0; i < rows; ++i) {
    Value row = i ? arith::AddIOp::create(b, m, index(b, i)) : m;
    for (int64_t j = 0; j < cols; ++j) {
      Value col = j ? arith::AddIOp::create(b, n, index(b, j)) : n;
      Value sum = laneSum(b, acc[i * cols + j]);
      Value old = memref::LoadOp::create(b, y, ValueRange{row, col});
      memref::StoreOp::create(b, arith::AddFOp::create(b, old, sum), y, ValueRange{row, col});
    }
  }
}

/// ys[j][m + i, groups[j], :] += acc[i * cols + j], for a tile of one-output-per-lane
/// accumulators (the interleaved packed kernel: each y is [M, T, 8]).
void addGroupTiles(ImplicitLocOpBuilder &b, ArrayRef<Value> ys, Value m, ArrayRef<Value> groups,
                   int64_t rows, ValueRange acc) {
  const int64_t cols = int64_t(groups.size());
  for (int64_t i = 0; i < rows; ++i) {
    Value row = i ? arith::AddIOp::create(b, m, index(b, i)) : m;
    for (int64_t j = 0; j < cols; ++j) {
      SmallVector<Value> at{row, groups[j], index(b, 0)};
      Value old =
          vector::LoadOp::create(b, cast<VectorType>(acc[i * cols + j].getType()), ys[j], at);
      vector::StoreOp::create(b, arith::AddFOp::create(b, old, acc[i * cols + j]), ys[j], at);
    }
  }
}

/// Tiles ahead that a `g4.streamed_weights` contraction prefetches its weight rows: decode
/// attention's keys, 3-4 rows a tile, 24-32 rows (24-64 KB) ahead. A tile reads its rows
/// of 1-2 KB side by side, too short for the hardware prefetcher (E2B-shaped q4, one
/// thread, tg@1024: 72.8 -> 75.4 tokens/s over the leftover-row tiles alone, medians of
/// 5 interleaved runs; in `perf`, 1 and 8 tiles ahead cut the scores' time alike, and a
/// C model of the loop read 4-7% faster with 8).
constexpr int64_t kStreamedTilesAhead = 8;

/// The float microkernel: y[m, n] += x[m, k] * ext(w[n, k]). With `streamedWeights` its
/// unmasked steps prefetch the weight rows kStreamedTilesAhead tiles on, or with a
/// `read-chunk` its tiles run that many weight rows at a time after a read phase over
/// them.
class FloatKernel {
public:
  FloatKernel(ImplicitLocOpBuilder &b, const KernelShape &shape, Contraction c,
              bool streamedWeights = false)
      : b(b), shape(shape), c(c), streamedWeights(streamedWeights),
        readPhase(streamedWeights && shape.readChunk > 0) {
    Type wElement = cast<MemRefType>(c.w.getType()).getElementType();
    f32Vector = VectorType::get({shape.lanes}, b.getF32Type(), {shape.scalable});
    wVector = VectorType::get({shape.lanes}, wElement, {shape.scalable});
    maskVector = VectorType::get({shape.lanes}, b.getI1Type(), {shape.scalable});
  }

  void emit() {
    step = index(b, shape.lanes);
    if (shape.scalable)
      step = arith::MulIOp::create(b, step, vector::VectorScaleOp::create(b));
    zero = arith::ConstantOp::create(b, DenseElementsAttr::get(f32Vector, 0.0f));
    Value k0, kMain, kEnd;
    Schedule schedule{[&](Value blockStart, Value blockEnd) {
                        k0 = blockStart;
                        kEnd = blockEnd;
                        Value length = arith::SubIOp::create(b, kEnd, k0);
                        kMain =
                            arith::SubIOp::create(b, kEnd, arith::RemUIOp::create(b, length, step));
                      },
                      [&](Value, Value) {},
                      [&](int64_t rows, int64_t cols, Value m, Value n) {
                        tile(rows, cols, m, n, k0, kMain, kEnd);
                      }};
    schedule.singleRow = hasSingleRow(c.x);
    schedule.leftoverRowTiles = true;
    if (readPhase) {
      // Emitted before its chunk's tiles, so k0 and kEnd are the k block's (the whole
      // of k for a single row, whose k blocks are inside the tiles).
      schedule.outputChunk = shape.readChunk;
      schedule.readOutputs = [&](Value n0, Value nEnd) {
        int64_t lineElements = 512 / wVector.getElementTypeBitWidth();
        ReadPhase(b, wVector.getElementType(), std::min(shape.lanes, lineElements))
            .rows(b, c.w, n0, nEnd, k0, kEnd);
      };
    }
    schedule.emit(b, shape, memref::DimOp::create(b, c.x, 0), memref::DimOp::create(b, c.w, 0),
                  memref::DimOp::create(b, c.x, 1), shape.kBlock);
  }

private:
  /// One vector of x (f32) at [row, k], masked beyond the k block when `mask` is set.
  Value loadX(ImplicitLocOpBuilder &nb, Value row, Value k, Value mask) {
    if (!mask)
      return vector::LoadOp::create(nb, f32Vector, c.x, ValueRange{row, k});
    return vector::MaskedLoadOp::create(nb, f32Vector, c.x, ValueRange{row, k}, mask, zero);
  }

  /// One vector of w at [row, k] widened to f32. bf16 widens by integer shift: it is the
  /// top half of an f32, and no target then needs bf16 conversion support.
  Value loadW(ImplicitLocOpBuilder &nb, Value row, Value k, Value mask) {
    Type element = wVector.getElementType();
    Value raw;
    if (!mask) {
      raw = vector::LoadOp::create(nb, wVector, c.w, ValueRange{row, k});
    } else {
      Value passThrough = arith::ConstantOp::create(
          nb, DenseElementsAttr::get(wVector, nb.getFloatAttr(element, 0.0).getValue()));
      raw = vector::MaskedLoadOp::create(nb, wVector, c.w, ValueRange{row, k}, mask, passThrough);
    }
    if (element.isF32())
      return raw;
    if (element.isF16())
      return arith::ExtFOp::create(nb, f32Vector, raw);
    auto i16Vector = VectorType::get({shape.lanes}, nb.getI16Type(), {shape.scalable});
    auto i32Vector = VectorType::get({shape.lanes}, nb.getI32Type(), {shape.scalable});
    Value bits =
        arith::ExtUIOp::create(nb, i32Vector, arith::BitcastOp::create(nb, i16Vector, raw));
    Value sixteen = arith::ConstantOp::create(nb, DenseElementsAttr::get(i32Vector, int32_t(16)));
    return arith::BitcastOp::create(nb, f32Vector, arith::ShLIOp::create(nb, bits, sixteen));
  }

  /// Accumulates rows x cols outputs at (m, n) over [k0, kEnd): unmasked steps up to
  /// kMain, then at most one masked step.
  void tile(int64_t rows, int64_t cols, Value m, Value n, Value k0, Value kMain, Value kEnd) {
    SmallVector<Value> init(rows * cols, zero);
    auto stepLoop = [&](Value lower, Value upper, bool masked, ValueRange accumulators) {
      auto loop = scf::ForOp::create(
          b, lower, upper, step, accumulators,
          [&](OpBuilder &nested, Location loc, Value k, ValueRange acc) {
            ImplicitLocOpBuilder nb(loc, nested);
            Value mask;
            if (masked)
              mask = vector::CreateMaskOp::create(nb, maskVector,
                                                  ValueRange{arith::SubIOp::create(nb, kEnd, k)});
            SmallVector<Value> xs, ws;
            for (int64_t i = 0; i < rows; ++i)
              xs.push_back(loadX(nb, i ? arith::AddIOp::create(nb, m, index(nb, i)) : m, k, mask));
            for (int64_t j = 0; j < cols; ++j)
              ws.push_back(loadW(nb, j ? arith::AddIOp::create(nb, n, index(nb, j)) : n, k, mask));
            if (streamedWeights && !readPhase && !masked)
              prefetchNextRows(nb, c.w, n, cols, k, kStreamedTilesAhead);
            SmallVector<Value> next;
            for (int64_t i = 0; i < rows; ++i)
              for (int64_t j = 0; j < cols; ++j)
                next.push_back(multiplyAdd(nb, shape, xs[i], ws[j], acc[i * cols + j]));
            scf::YieldOp::create(nb, next);
          });
      return SmallVector<Value>(loop.getResults());
    };
    SmallVector<Value> acc = stepLoop(k0, kMain, /*masked=*/false, init);
    acc = stepLoop(kMain, kEnd, /*masked=*/true, acc);
    addLaneSums(b, c.y, m, n, rows, cols, acc);
  }

  ImplicitLocOpBuilder &b;
  const KernelShape &shape;
  Contraction c;
  bool streamedWeights, readPhase;
  VectorType f32Vector, wVector, maskVector;
  Value step, zero;
};

/// The rows and columns of one row block and k block of x's quanta (see
/// allocateQuantizedRows).
std::pair<int64_t, int64_t> quantizedRowsShape(const KernelShape &shape, int64_t staticRows,
                                               int64_t inputs) {
  int64_t rows =
      ShapedType::isDynamic(staticRows) ? shape.mBlock : std::min(staticRows, shape.mBlock);
  return {rows, staticRows == 1 ? inputs : shape.kBlock};
}

/// The entry block of the function being built into.
Block &functionEntry(ImplicitLocOpBuilder &b) {
  auto function = b.getInsertionBlock()->getParent()->getParentOfType<FunctionOpInterface>();
  return function.getFunctionBody().front();
}

/// The stack buffers x's quantised rows of one row block and k block go to: m-block x
/// k-block bytes (32-aligned) and one f32 scale per 32 (fewer rows when the op has
/// fewer; a single row, decode's, is quantised over all `inputs` at once: see
/// Schedule). At the function's entry: an MoE expert's contraction sits in a loop, and
/// an alloca there would grow the stack every iteration.
std::pair<Value, Value> allocateQuantizedRows(ImplicitLocOpBuilder &b, const KernelShape &shape,
                                              int64_t staticRows, int64_t inputs) {
  auto [rows, columns] = quantizedRowsShape(shape, staticRows, inputs);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&functionEntry(b));
  Value bytes = memref::AllocaOp::create(b, MemRefType::get({rows, columns}, b.getI8Type()),
                                         ValueRange{}, ValueRange{}, b.getI64IntegerAttr(32));
  Value scales = memref::AllocaOp::create(b, MemRefType::get({rows, columns / 32}, b.getF32Type()));
  return {bytes, scales};
}

/// The packed microkernel: x [M, K] f32, w [N, K/32 blocks of 34 (q8_0) or 18 (q4_0)
/// bytes]. Accumulators are vector<8xf32>; every 32-weight block adds to them.
class PackedKernel {
public:
  PackedKernel(ImplicitLocOpBuilder &b, const KernelShape &shape, Contraction c, bool q4,
               bool quantize, Int8DotIdiom idiom, int64_t staticRows)
      : b(b), shape(shape), c(c), q4(q4), quantize(quantize), idiom(idiom), staticRows(staticRows) {
  }

  void emit() {
    int64_t inputs = cast<MemRefType>(c.x.getType()).getDimSize(1);
    zero = arith::ConstantOp::create(b, DenseElementsAttr::get(f32x8(), 0.0f));
    const int64_t blocksPerK = shape.kBlock / 32;
    if (quantize)
      std::tie(quantized, scales) = allocateQuantizedRows(b, shape, staticRows, inputs);
    Value k0, kEnd, m0;
    Schedule schedule{[&](Value blockStart, Value blockEnd) {
                        k0 = blockStart;
                        kEnd = blockEnd;
                      },
                      [&](Value rowStart, Value rowEnd) {
                        m0 = rowStart;
                        quantizedBase = k0;
                        if (quantize)
                          quantizeRows(rowStart, rowEnd, k0, kEnd);
                      },
                      [&](int64_t rows, int64_t cols, Value m, Value n) {
                        tile(rows, cols, m, n, m0, k0, kEnd);
                      }};
    schedule.singleRow = staticRows == 1;
    schedule.emit(b, shape, memref::DimOp::create(b, c.x, 0), memref::DimOp::create(b, c.w, 0),
                  index(b, inputs / 32), blocksPerK);
  }

private:
  VectorType f32x8() { return VectorType::get({8}, b.getF32Type()); }
  bool scalableInt8() const { return quantize && shape.scalable && idiom == Int8DotIdiom::Generic; }

  /// Rows [m0, mEnd) of x, blocks [k0, kEnd): q = round(x / d), d = max|x| / 127 per
  /// 32 (d = 0 gives q = 0), into `quantized` and `scales` at row - m0, block - k0.
  void quantizeRows(Value m0, Value mEnd, Value k0, Value kEnd) {
    forRange(b, m0, mEnd, index(b, 1), [&](Value row) {
      forRange(b, k0, kEnd, index(b, 1), [&](Value blk) {
        auto [quanta, d] = quantizeBlock(b, c.x, row, blk);
        Value q = quanta;
        if (q4 && scalableInt8()) {
          // The order tileScalable unpacks q4_0 nibbles in: 0, 16, 1, 17, ...
          SmallVector<int64_t> order;
          for (int64_t j = 0; j < 16; ++j)
            order.append({j, j + 16});
          q = vector::ShuffleOp::create(b, q, q, order);
        }
        Value localRow = arith::SubIOp::create(b, row, m0);
        Value localBlock = arith::SubIOp::create(b, blk, k0);
        vector::StoreOp::create(
            b, q, quantized,
            ValueRange{localRow, arith::MulIOp::create(b, localBlock, index(b, 32))});
        memref::StoreOp::create(b, d, scales, ValueRange{localRow, localBlock});
      });
    });
  }

  /// Weight row `row`, block `blk`: its f32 scale and the column of its first quantum.
  std::pair<Value, Value> loadBlockScale(ImplicitLocOpBuilder &nb, Value row, Value blk) {
    Value start = arith::MulIOp::create(nb, blk, index(nb, q4 ? 18 : 34));
    Value scale;
    if (shape.nativeF16) {
      // One conversion instruction (F16C vcvtph2ps, AArch64 fcvt).
      Value bytes = vector::LoadOp::create(nb, VectorType::get({2}, nb.getI8Type()), c.w,
                                           ValueRange{row, start});
      Value half = vector::BitCastOp::create(nb, VectorType::get({1}, nb.getF16Type()), bytes);
      scale = arith::ExtFOp::create(
          nb, nb.getF32Type(),
          vector::ExtractOp::create(nb, half, ArrayRef<int64_t>{0}).getResult());
    } else {
      Value lo = memref::LoadOp::create(nb, c.w, ValueRange{row, start});
      Value hi = memref::LoadOp::create(
          nb, c.w, ValueRange{row, arith::AddIOp::create(nb, start, index(nb, 1))});
      scale = decodeF16Bytes(nb, lo, hi);
    }
    return {scale, arith::AddIOp::create(nb, start, index(nb, 2))};
  }

  /// Weight row `row`, block `blk`: its 32 quanta as vector<32xi8> and its f32 scale.
  std::pair<Value, Value> loadWeightBlock(ImplicitLocOpBuilder &nb, Value row, Value blk) {
    auto [scale, quantaStart] = loadBlockScale(nb, row, blk);
    if (!q4) {
      Value q = vector::LoadOp::create(nb, VectorType::get({32}, nb.getI8Type()), c.w,
                                       ValueRange{row, quantaStart});
      return {q, scale};
    }
    // Byte j holds quanta j (low nibble) and j + 16 (high), each offset by 8.
    auto v16 = VectorType::get({16}, nb.getI8Type());
    Value packed = vector::LoadOp::create(nb, v16, c.w, ValueRange{row, quantaStart});
    auto splat = [&](int8_t v) {
      return arith::ConstantOp::create(nb, DenseElementsAttr::get(v16, v));
    };
    Value low = arith::SubIOp::create(nb, arith::AndIOp::create(nb, packed, splat(15)), splat(8));
    Value high = arith::SubIOp::create(nb, arith::ShRUIOp::create(nb, packed, splat(4)), splat(8));
    SmallVector<int64_t> order(32);
    std::iota(order.begin(), order.end(), 0);
    return {vector::ShuffleOp::create(nb, low, high, order), scale};
  }

  /// The 2 x 2 int8 matrix-multiply form (AArch64 smmla): rows and columns in pairs (a
  /// missing partner of an odd tile is a zero row), one vector<4xf32> accumulator per
  /// pair of pairs whose lanes are the outputs (i, j), (i, j+1), (i+1, j), (i+1, j+1).
  /// Each output adds f32(its exact block sum) * d_x * d_w per block in every tile shape,
  /// so decode and prefill stay bit-identical.
  void tilePairs(int64_t rows, int64_t cols, Value m, Value n, Value m0, Value k0, Value kEnd) {
    const int64_t rowPairs = (rows + 1) / 2, colPairs = (cols + 1) / 2;
    auto f32x4 = VectorType::get({4}, b.getF32Type());
    auto i32x4 = VectorType::get({4}, b.getI32Type());
    auto bytes32 = VectorType::get({32}, b.getI8Type());
    Value zero4 = arith::ConstantOp::create(b, DenseElementsAttr::get(f32x4, 0.0f));
    SmallVector<Value> init(rowPairs * colPairs, zero4);
    auto loop = scf::ForOp::create(
        b, k0, kEnd, index(b, 1), init,
        [&](OpBuilder &nested, Location loc, Value blk, ValueRange acc) {
          ImplicitLocOpBuilder nb(loc, nested);
          Value zeroBytes =
              arith::ConstantOp::create(nb, DenseElementsAttr::get(bytes32, int8_t(0)));
          Value zeroScale = arith::ConstantOp::create(nb, nb.getF32FloatAttr(0.0f));
          SmallVector<Value> wq(2 * colPairs, zeroBytes), ws(2 * colPairs, zeroScale);
          for (int64_t j = 0; j < cols; ++j)
            std::tie(wq[j], ws[j]) =
                loadWeightBlock(nb, j ? arith::AddIOp::create(nb, n, index(nb, j)) : n, blk);
          Value localBlock = arith::SubIOp::create(nb, blk, quantizedBase);
          Value byteOffset = arith::MulIOp::create(nb, localBlock, index(nb, 32));
          SmallVector<Value> xq(2 * rowPairs, zeroBytes), xd(2 * rowPairs, zeroScale);
          for (int64_t i = 0; i < rows; ++i) {
            Value localRow =
                arith::SubIOp::create(nb, i ? arith::AddIOp::create(nb, m, index(nb, i)) : m, m0);
            xq[i] =
                vector::LoadOp::create(nb, bytes32, quantized, ValueRange{localRow, byteOffset});
            xd[i] = memref::LoadOp::create(nb, scales, ValueRange{localRow, localBlock});
          }
          // Bytes 8c..8c+7 of two 32-byte rows, as one 2 x 8 matrix.
          auto pairChunk = [&](Value first, Value second, int64_t chunk) {
            SmallVector<int64_t> order;
            for (int64_t k = 0; k < 8; ++k)
              order.push_back(8 * chunk + k);
            for (int64_t k = 0; k < 8; ++k)
              order.push_back(32 + 8 * chunk + k);
            return vector::ShuffleOp::create(nb, first, second, order).getResult();
          };
          SmallVector<Value> next;
          for (int64_t p = 0; p < rowPairs; ++p) {
            for (int64_t q = 0; q < colPairs; ++q) {
              Value sums = arith::ConstantOp::create(nb, DenseElementsAttr::get(i32x4, int32_t(0)));
              for (int64_t chunk = 0; chunk < 4; ++chunk)
                sums = emitInt8MatmulPairs(nb, sums, pairChunk(xq[2 * p], xq[2 * p + 1], chunk),
                                           pairChunk(wq[2 * q], wq[2 * q + 1], chunk));
              Value dx = vector::FromElementsOp::create(
                  nb, f32x4, ValueRange{xd[2 * p], xd[2 * p], xd[2 * p + 1], xd[2 * p + 1]});
              Value dw = vector::FromElementsOp::create(
                  nb, f32x4, ValueRange{ws[2 * q], ws[2 * q + 1], ws[2 * q], ws[2 * q + 1]});
              next.push_back(multiplyAdd(nb, shape, arith::SIToFPOp::create(nb, f32x4, sums),
                                         arith::MulFOp::create(nb, dx, dw), acc[p * colPairs + q]));
            }
          }
          scf::YieldOp::create(nb, next);
        });
    for (int64_t i = 0; i < rows; ++i) {
      Value row = i ? arith::AddIOp::create(b, m, index(b, i)) : m;
      for (int64_t j = 0; j < cols; ++j) {
        Value col = j ? arith::AddIOp::create(b, n, index(b, j)) : n;
        Value lane = vector::ExtractOp::create(b, loop.getResult((i / 2) * colPairs + j / 2),
                                               ArrayRef<int64_t>{(i % 2) * 2 + j % 2});
        Value old = memref::LoadOp::create(b, c.y, ValueRange{row, col});
        memref::StoreOp::create(b, arith::AddFOp::create(b, old, lane), c.y, ValueRange{row, col});
      }
    }
  }

  /// Scalable vectors (SVE) with the generic idiom: a block's products in chunks of
  /// 16 x vscale bytes, each summed by the partial reduction (SVE `sdot`) into
  /// vector<[4]xi32>, then scaled into vector<[4]xf32> accumulators. At vscale 1 a block
  /// is two full chunks; from vscale 2 on it is one chunk under a 32-byte predicate. The
  /// choice is made once per tile, outside the block loop, and both are correct at every
  /// vector length. q4_0 nibbles are unpacked by interleaving the low and high halves
  /// (SVE `zip1`/`zip2`), which is why quantizeRows stores x interleaved for q4_0.
  void tileScalable(int64_t rows, int64_t cols, Value m, Value n, Value m0, Value k0, Value kEnd) {
    auto bytes = VectorType::get({16}, b.getI8Type(), {true});
    auto floats = VectorType::get({4}, b.getF32Type(), {true});
    auto sums = VectorType::get({4}, b.getI32Type(), {true});
    Value zeroFloats = arith::ConstantOp::create(b, DenseElementsAttr::get(floats, 0.0f));
    SmallVector<Value> init(rows * cols, zeroFloats);
    auto blockLoop = [&](ImplicitLocOpBuilder &ob, int64_t chunks) {
      auto loop = scf::ForOp::create(
          ob, k0, kEnd, index(ob, 1), init,
          [&](OpBuilder &nested, Location loc, Value blk, ValueRange acc) {
            ImplicitLocOpBuilder nb(loc, nested);
            Value zeroBytes =
                arith::ConstantOp::create(nb, DenseElementsAttr::get(bytes, int8_t(0)));
            auto predicate = [&](int64_t active) {
              return vector::CreateMaskOp::create(nb, VectorType::get({16}, nb.getI1Type(), {true}),
                                                  ValueRange{index(nb, active)});
            };
            // Bytes [start, start + 32) of a row as `chunks` vectors.
            auto loadChunks = [&](Value memref, Value row, Value start, int64_t length) {
              SmallVector<Value> out;
              if (chunks == 1) {
                out.push_back(vector::MaskedLoadOp::create(
                    nb, bytes, memref, ValueRange{row, start}, predicate(length), zeroBytes));
                return out;
              }
              for (int64_t chunk = 0; chunk * 16 < length; ++chunk)
                out.push_back(vector::LoadOp::create(
                    nb, bytes, memref,
                    ValueRange{row, chunk ? arith::AddIOp::create(nb, start, index(nb, 16 * chunk))
                                          : start}));
              return out;
            };
            SmallVector<SmallVector<Value>> wq(cols);
            SmallVector<Value> ws(cols);
            for (int64_t j = 0; j < cols; ++j) {
              Value row = j ? arith::AddIOp::create(nb, n, index(nb, j)) : n;
              auto [scale, quantaStart] = loadBlockScale(nb, row, blk);
              ws[j] = scale;
              if (!q4) {
                wq[j] = loadChunks(c.w, row, quantaStart, 32);
                continue;
              }
              Value packed = loadChunks(c.w, row, quantaStart, 16).front();
              auto splat = [&](int8_t v) {
                return arith::ConstantOp::create(nb, DenseElementsAttr::get(bytes, v));
              };
              Value low =
                  arith::SubIOp::create(nb, arith::AndIOp::create(nb, packed, splat(15)), splat(8));
              Value high =
                  arith::SubIOp::create(nb, arith::ShRUIOp::create(nb, packed, splat(4)), splat(8));
              // Quanta 0, 16, 1, 17, ...: x is stored in the same order.
              Value both = vector::InterleaveOp::create(nb, low, high);
              for (int64_t chunk = 0; chunk < chunks; ++chunk)
                wq[j].push_back(vector::ScalableExtractOp::create(nb, bytes, both, 16 * chunk));
            }
            Value localBlock = arith::SubIOp::create(nb, blk, quantizedBase);
            Value byteOffset = arith::MulIOp::create(nb, localBlock, index(nb, 32));
            Value zeroSums =
                arith::ConstantOp::create(nb, DenseElementsAttr::get(sums, int32_t(0)));
            SmallVector<Value> next(rows * cols);
            for (int64_t i = 0; i < rows; ++i) {
              Value localRow =
                  arith::SubIOp::create(nb, i ? arith::AddIOp::create(nb, m, index(nb, i)) : m, m0);
              SmallVector<Value> xq = loadChunks(quantized, localRow, byteOffset, 32);
              Value xd = memref::LoadOp::create(nb, scales, ValueRange{localRow, localBlock});
              for (int64_t j = 0; j < cols; ++j) {
                Value dot = zeroSums;
                for (int64_t chunk = 0; chunk < chunks; ++chunk)
                  dot = emitInt8DotAccumulate(nb, dot, xq[chunk], wq[j][chunk]);
                Value scale =
                    vector::BroadcastOp::create(nb, floats, arith::MulFOp::create(nb, xd, ws[j]));
                next[i * cols + j] = multiplyAdd(
                    nb, shape, arith::SIToFPOp::create(nb, floats, dot), scale, acc[i * cols + j]);
              }
            }
            scf::YieldOp::create(nb, next);
          });
      return SmallVector<Value>(loop.getResults());
    };
    Value wide = arith::CmpIOp::create(b, arith::CmpIPredicate::uge,
                                       vector::VectorScaleOp::create(b), index(b, 2));
    auto branch = scf::IfOp::create(b, TypeRange(ValueRange(init)), wide, /*withElse=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(branch.thenBlock());
      scf::YieldOp::create(b, blockLoop(b, 1));
      b.setInsertionPointToStart(branch.elseBlock());
      scf::YieldOp::create(b, blockLoop(b, 2));
    }
    addLaneSums(b, c.y, m, n, rows, cols, branch.getResults());
  }

  void tile(int64_t rows, int64_t cols, Value m, Value n, Value m0, Value k0, Value kEnd) {
    if (quantize && idiom == Int8DotIdiom::ArmSmmla)
      return tilePairs(rows, cols, m, n, m0, k0, kEnd);
    if (scalableInt8())
      return tileScalable(rows, cols, m, n, m0, k0, kEnd);
    SmallVector<Value> init(rows * cols, zero);
    auto loop = scf::ForOp::create(
        b, k0, kEnd, index(b, 1), init,
        [&](OpBuilder &nested, Location loc, Value blk, ValueRange acc) {
          ImplicitLocOpBuilder nb(loc, nested);
          SmallVector<Value> wq, ws;
          for (int64_t j = 0; j < cols; ++j) {
            auto [q, s] =
                loadWeightBlock(nb, j ? arith::AddIOp::create(nb, n, index(nb, j)) : n, blk);
            wq.push_back(q);
            ws.push_back(s);
          }
          if (rows == 1 && shape.prefetch)
            prefetchNextRows(nb, c.w, n, cols,
                             arith::MulIOp::create(nb, blk, index(nb, q4 ? 18 : 34)));
          SmallVector<Value> next(rows * cols);
          auto f32x8Type = f32x8();
          if (quantize) {
            Value localBlock = arith::SubIOp::create(nb, blk, quantizedBase);
            Value byteOffset = arith::MulIOp::create(nb, localBlock, index(nb, 32));
            for (int64_t i = 0; i < rows; ++i) {
              Value localRow =
                  arith::SubIOp::create(nb, i ? arith::AddIOp::create(nb, m, index(nb, i)) : m, m0);
              Value xq = vector::LoadOp::create(nb, VectorType::get({32}, nb.getI8Type()),
                                                quantized, ValueRange{localRow, byteOffset});
              Value xd = memref::LoadOp::create(nb, scales, ValueRange{localRow, localBlock});
              for (int64_t j = 0; j < cols; ++j) {
                Value dot = emitInt8Dot(nb, idiom, xq, wq[j]);
                Value sum = arith::SIToFPOp::create(nb, f32x8Type, dot);
                Value scale = vector::BroadcastOp::create(nb, f32x8Type,
                                                          arith::MulFOp::create(nb, xd, ws[j]));
                next[i * cols + j] = multiplyAdd(nb, shape, sum, scale, acc[i * cols + j]);
              }
            }
          } else {
            // Dequantised in registers: q * s is exact in f32 (the values of the matrix
            // dequantised first), 4 chunks of 8 per block.
            Value inputStart = arith::MulIOp::create(nb, blk, index(nb, 32));
            SmallVector<SmallVector<Value>> weights(cols);
            for (int64_t j = 0; j < cols; ++j) {
              Value s = vector::BroadcastOp::create(nb, f32x8Type, ws[j]);
              for (int64_t chunk = 0; chunk < 4; ++chunk) {
                Value q = vector::ExtractStridedSliceOp::create(
                    nb, wq[j], ArrayRef<int64_t>{chunk * 8}, ArrayRef<int64_t>{8},
                    ArrayRef<int64_t>{1});
                weights[j].push_back(
                    arith::MulFOp::create(nb, arith::SIToFPOp::create(nb, f32x8Type, q), s));
              }
            }
            for (int64_t i = 0; i < rows; ++i) {
              Value row = i ? arith::AddIOp::create(nb, m, index(nb, i)) : m;
              SmallVector<Value> xs;
              for (int64_t chunk = 0; chunk < 4; ++chunk)
                xs.push_back(vector::LoadOp::create(
                    nb, f32x8Type, c.x,
                    ValueRange{row, arith::AddIOp::create(nb, inputStart, index(nb, chunk * 8))}));
              for (int64_t j = 0; j < cols; ++j) {
                Value a = acc[i * cols + j];
                for (int64_t chunk = 0; chunk < 4; ++chunk)
                  a = multiplyAdd(nb, shape, xs[chunk], weights[j][chunk], a);
                next[i * cols + j] = a;
              }
            }
          }
          scf::YieldOp::create(nb, next);
        });
    addLaneSums(b, c.y, m, n, rows, cols, loop.getResults());
  }

  ImplicitLocOpBuilder &b;
  const KernelShape &shape;
  Contraction c;
  bool q4, quantize;
  Int8DotIdiom idiom;
  int64_t staticRows;
  Value zero, quantized, scales;
  Value quantizedBase; // the first block of x in `quantized`
};

/// The bf16x8 ... bf16x64 float microkernel: x [M, K] f32, w [T', K, G'] (G' weight rows
/// per stored group, transposed), y [M, T', G']. The kernel's groups are vectors of G
/// outputs: G = G' for bf16x8 and bf16x16, G' / 4 for bf16x32 and bf16x64, whose stored
/// group holds four vector groups side by side (group t is t / 4's lanes G (t mod 4)
/// onwards). Per input k, one vector of the G rows' weights meets x[m, k] broadcast, so
/// each vector<Gxf32> accumulator holds G outputs, summed over k in order: the same
/// sequence in every tile shape (decode equals prefill). G = 8: tiles of 6 rows by two
/// groups with 8 lanes (AVX2), else of `tile-rows` rows by two groups (four with 32
/// registers).
/// G = 16 (one zmm per group): 6 rows by four groups, 24 accumulators, so each x
/// broadcast feeds four FMAs (a C model of the tile on Zen 4, weights in L2: 6 x 4 at
/// 100% of the FMA peak, 6 x 2 at 84%, 4 x 4 at 93%). Decode takes four groups: in
/// bf16x32 / bf16x64 one stored group, read as one stream (in a C model of the decode
/// tile on Zen 4, one thread, K = 1536: 28.4 GB/s as four streams, 32 as one, against
/// 30 for a plain read loop).
class InterleavedFloatKernel {
public:
  /// With `partners` (the w and y of other contractions of the same x, w shape and
  /// outputs: decode's gate and up projections, the parts of one matrix), each tile also
  /// takes the same vector groups of each partner: the matrices are read as that many
  /// streams.
  /// With `streamedWeights` (decode's P x V on the cache) and a `read-chunk`, the k blocks
  /// are that many positions, each read by a read phase before the tiles run on it.
  InterleavedFloatKernel(ImplicitLocOpBuilder &b, const KernelShape &shape, Contraction c,
                         ArrayRef<Contraction> partners = {}, bool streamedWeights = false)
      : b(b), shape(shape), c(c), partners(partners),
        stored(cast<MemRefType>(c.w.getType()).getDimSize(2)),
        group(stored >= 32 ? stored / 4 : stored),
        readPhase(streamedWeights && shape.readChunk > 0 && !hasSingleRow(c.x)) {}

  void emit() {
    KernelShape tiles = shape;
    if (group == 16) {
      tiles.tileRows = 6;
      tiles.mBlock = 48;
      tiles.tileCols = 4;
    } else if (shape.lanes == 8 && !shape.scalable) {
      // AVX2, 16 ymm registers: 6 x 2 tiles, 12 accumulators, so each weight vector
      // feeds six FMAs (E2B-shaped bf16 pp512 +13-20% over 4 x 2).
      tiles.tileRows = 6;
      tiles.mBlock = 48;
      tiles.tileCols = 2;
    } else {
      tiles.tileCols = shape.lanes >= 16 ? 4 : 2;
    }
    // Decode tiles take a stored group's four vector groups of each matrix, so every
    // 64-byte line is read whole by one tile: with half (two groups of each of two
    // matrices) the next tile re-read each line, from L3 or memory where a down
    // projection's stored group outgrows L2 (AVX2 bf16 tg@0 +20-25%, performance.md).
    // Up to 16 accumulators with 32 vector registers; with 16, 8 for one or two matrices
    // and 4 in all for more.
    const int64_t matrices = 1 + int64_t(partners.size());
    tiles.rowTileCols = shape.lanes < 16 && matrices > 2 ? std::max<int64_t>(1, 4 / matrices) : 4;
    Value k0, kEnd;
    Schedule schedule{
        [&](Value blockStart, Value blockEnd) {
          k0 = blockStart;
          kEnd = blockEnd;
        },
        [&](Value, Value) {},
        [&](int64_t rows, int64_t cols, Value m, Value t) { tile(rows, cols, m, t, k0, kEnd); }};
    schedule.singleRow = hasSingleRow(c.x);
    schedule.leftoverRowTiles = true;
    if (readPhase)
      schedule.readKBlock = [&](Value blockStart, Value blockEnd) {
        ReadPhase(b, cast<MemRefType>(c.w.getType()).getElementType(), stored)
            .groups(b, c.w, blockStart, blockEnd);
      };
    Value groups = memref::DimOp::create(b, c.w, 0);
    if (stored != group)
      groups = arith::MulIOp::create(b, groups, index(b, stored / group));
    schedule.emit(b, tiles, memref::DimOp::create(b, c.x, 0), groups,
                  memref::DimOp::create(b, c.x, 1), readPhase ? shape.readChunk : shape.kBlock);
  }

private:
  VectorType groupVector(Type element) { return VectorType::get({group}, element); }

  /// Where vector group t is in w and y: the stored group and its first lane.
  std::pair<Value, Value> locate(ImplicitLocOpBuilder &nb, Value t) {
    if (stored == group)
      return {t, index(nb, 0)};
    Value perStored = index(nb, stored / group);
    return {arith::DivUIOp::create(nb, t, perStored),
            arith::MulIOp::create(nb, arith::RemUIOp::create(nb, t, perStored), index(nb, group))};
  }

  /// Input k of the G rows of the vector group at `where` (locate) of `w`, widened to
  /// f32 (bf16 by an integer shift, as FloatKernel::loadW).
  Value loadWeights(ImplicitLocOpBuilder &nb, Value w, std::pair<Value, Value> where, Value k) {
    Type element = cast<MemRefType>(w.getType()).getElementType();
    Value raw = vector::LoadOp::create(nb, groupVector(element), w,
                                       ValueRange{where.first, k, where.second});
    if (element.isF32())
      return raw;
    if (element.isF16())
      return arith::ExtFOp::create(nb, groupVector(nb.getF32Type()), raw);
    Value bits =
        arith::ExtUIOp::create(nb, groupVector(nb.getI32Type()),
                               arith::BitcastOp::create(nb, groupVector(nb.getI16Type()), raw));
    Value sixteen = arith::ConstantOp::create(
        nb, DenseElementsAttr::get(groupVector(nb.getI32Type()), int32_t(16)));
    return arith::BitcastOp::create(nb, groupVector(nb.getF32Type()),
                                    arith::ShLIOp::create(nb, bits, sixteen));
  }

  /// The accumulators start from y's current values and are stored back: every output
  /// is one sequential sum over k (y + w0 x0 + w1 x1 + ...) whatever the k blocks, so
  /// attention's P x V, split at the ring's wrap and the block in decode but not in
  /// prefill, gives the same bits in both.
  void tile(int64_t rows, int64_t tileCols, Value m, Value t, Value k0, Value kEnd) {
    auto accType = groupVector(b.getF32Type());
    // Vector groups [t, t + tileCols) of c, then of each partner: where each is, in
    // which w and y.
    SmallVector<std::pair<Value, Value>> columns;
    SmallVector<Value> matrices, outputs;
    for (int64_t j = 0; j < tileCols; ++j)
      columns.push_back(locate(b, j ? arith::AddIOp::create(b, t, index(b, j)) : t));
    matrices.append(tileCols, c.w);
    outputs.append(tileCols, c.y);
    const SmallVector<std::pair<Value, Value>> ownColumns(columns);
    for (const Contraction &partner : partners) {
      columns.append(ownColumns);
      matrices.append(tileCols, partner.w);
      outputs.append(tileCols, partner.y);
    }
    const int64_t cols = int64_t(columns.size());
    auto at = [&](int64_t i, int64_t j) {
      return SmallVector<Value>{i ? arith::AddIOp::create(b, m, index(b, i)) : m, columns[j].first,
                                columns[j].second};
    };
    SmallVector<Value> init;
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        init.push_back(vector::LoadOp::create(b, accType, outputs[j], at(i, j)));
    auto loop = scf::ForOp::create(
        b, k0, kEnd, index(b, 1), init,
        [&](OpBuilder &nested, Location loc, Value k, ValueRange acc) {
          ImplicitLocOpBuilder nb(loc, nested);
          SmallVector<Value> weights;
          for (int64_t j = 0; j < cols; ++j)
            weights.push_back(loadWeights(nb, matrices[j], columns[j], k));
          SmallVector<Value> next(rows * cols);
          for (int64_t i = 0; i < rows; ++i) {
            Value row = i ? arith::AddIOp::create(nb, m, index(nb, i)) : m;
            Value x =
                vector::BroadcastOp::create(nb, groupVector(nb.getF32Type()),
                                            memref::LoadOp::create(nb, c.x, ValueRange{row, k}));
            for (int64_t j = 0; j < cols; ++j)
              next[i * cols + j] = multiplyAdd(nb, shape, x, weights[j], acc[i * cols + j]);
          }
          scf::YieldOp::create(nb, next);
        });
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        vector::StoreOp::create(b, loop.getResult(i * cols + j), outputs[j], at(i, j));
  }

  ImplicitLocOpBuilder &b;
  const KernelShape &shape;
  Contraction c;
  SmallVector<Contraction> partners; // their w and y
  int64_t stored;                    // rows per stored group (G')
  int64_t group;                     // outputs per vector group (G)
  bool readPhase;                    // k blocks of read-chunk, each read first
};

/// x [M, K], w [K, N] and y [M, N] as the interleaved float kernel's operands: w viewed
/// as [N / G, K, G] (groups of G adjacent outputs, each input's G weights contiguous),
/// y as [M, N / G, G]. Views only: w stays where it is (attention's values in the cache).
Contraction asWeightGroups(ImplicitLocOpBuilder &b, Contraction c, int64_t group) {
  auto wType = cast<MemRefType>(c.w.getType());
  auto yType = cast<MemRefType>(c.y.getType());
  int64_t outputs = wType.getDimSize(1);
  Value grouped = memref::ExpandShapeOp::create(
      b, SmallVector<int64_t>{wType.getDimSize(0), outputs / group, group}, c.w,
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
  Value w = memref::TransposeOp::create(b, grouped,
                                        AffineMapAttr::get(AffineMap::getPermutationMap(
                                            ArrayRef<unsigned>{1, 0, 2}, b.getContext())));
  Value y = memref::ExpandShapeOp::create(
      b, SmallVector<int64_t>{yType.getDimSize(0), outputs / group, group}, c.y,
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
  return Contraction{c.x, w, y};
}

/// The bf16x8 ... bf16x64 contraction g4-gemma-to-linalg marks g4.interleaved_float: x
/// [M, K] f32, w [T, K, G] (f32, bf16 or f16; G = 8, 16, 32 or 64), y [M, T, G] f32, all
/// with unit inner strides.
std::optional<Contraction> matchInterleavedFloatContraction(linalg::GenericOp op) {
  if (!op->hasAttr(kInterleavedFloatAttr) || !op.hasPureBufferSemantics() ||
      op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return std::nullopt;
  Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1], y = op.getDpsInits()[0];
  auto xType = cast<MemRefType>(x.getType()), wType = cast<MemRefType>(w.getType()),
       yType = cast<MemRefType>(y.getType());
  Type wElement = wType.getElementType();
  if (xType.getRank() != 2 || wType.getRank() != 3 || yType.getRank() != 3 ||
      !xType.getElementType().isF32() || !yType.getElementType().isF32() ||
      !(wElement.isF32() || wElement.isBF16() || wElement.isF16()) ||
      !llvm::is_contained({8, 16, 32, 64}, wType.getDimSize(2)) ||
      yType.getDimSize(2) != wType.getDimSize(2) || !hasUnitInnerStride(x) ||
      !hasUnitInnerStride(w) || !hasUnitInnerStride(y))
    return std::nullopt;
  return Contraction{x, w, y};
}

/// The order of an interleaved packed weight's blocks (docs/dialects/gemma.md, "Panels";
/// gemma::PanelLayout decides it): plain, each group of 8 rows over all of k in turn; or
/// banded, bands of `bandGroups` groups whose blocks are stored panel by panel, panel 0
/// of each group of the band, then panel 1, ..., `panelBlocks` blocks each.
struct WeightPanels {
  int64_t bandGroups = 1;
  int64_t panelBlocks = 0;
  bool banded() const { return bandGroups > 1; }
};

/// What g4-prequantize-activations computed for a quantised x besides its quanta: each
/// block's scale (f32) and offset correction (i32), [M, K/32] each.
struct QuantizedActivations {
  Value scales, offsetCorrections;
};

/// The interleaved packed microkernel (q8_0x8, q4_0x8): x [M, K] f32, w [T, K/32 blocks
/// of 8 weight rows: 16 bytes of f16 scales, then 256 (q8) or 128 (q4) bytes of quanta],
/// y [M, T, 8]. One vector<8xf32> accumulator per (row of x, group of 8 weight rows)
/// holds one output per lane: no lane sums, and the weights are read as one stream.
/// Per block, each output adds f32(its exact integer dot) * d_x * d_w in one fused step
/// (f32 path: each input's product in turn), the same in every tile shape, so decode
/// and prefill agree bit for bit.
class InterleavedKernel {
public:
  /// `c.w` is [T, K/32 * block bytes], or banded [T / bandGroups, K/32 * bandGroups *
  /// block bytes] (WeightPanels); `c.y` is [M, T, 8]. With `given` scales ([M, K/32] f32)
  /// and offset corrections ([M, K/32] i32), `c.x` is already quantised ([M, K] i8,
  /// g4-prequantize-activations): the kernel reads all three in place. With `partners`
  /// (the w and y of other contractions of the same x, w shape and outputs: decode's
  /// gate and up projections, the parts of one matrix), each tile also takes the same
  /// groups of each partner: the matrices are read as that many streams, and x is
  /// quantised once for all.
  InterleavedKernel(ImplicitLocOpBuilder &b, const KernelShape &shape, Contraction c, bool q4,
                    bool quantize, Int8DotIdiom idiom, int64_t staticRows, WeightPanels layout,
                    QuantizedActivations given = {}, ArrayRef<Contraction> partners = {})
      : b(b), shape(shape), c(c), q4(q4), quantize(quantize || given.scales), idiom(idiom),
        staticRows(staticRows), layout(layout), given(given), partners(partners) {}

  void emit() {
    int64_t inputs = cast<MemRefType>(c.x.getType()).getDimSize(1);
    // Banded, the k blocks are the panels: a tile's blocks are then contiguous.
    const int64_t blocksPerK = layout.banded() ? layout.panelBlocks : shape.kBlock / 32;
    if (quantize && !given.scales) {
      std::tie(quantized, scales) = allocateQuantizedRows(b, shape, staticRows, inputs);
      // Each block's offset correction (see quantizeRows), beside the scales.
      auto [rows, columns] = quantizedRowsShape(shape, staticRows, inputs);
      OpBuilder::InsertionGuard guard(b);
      if (scales)
        b.setInsertionPointAfterValue(scales);
      else
        b.setInsertionPointToStart(&functionEntry(b));
      offsetCorrections =
          memref::AllocaOp::create(b, MemRefType::get({rows, columns / 32}, b.getI32Type()));
    }
    // Two groups of 8 weight rows per tile with 32 vector registers, one with 16 or with
    // more than one partner. Decode takes one group at a time (and the same group of
    // each partner): one stream a matrix.
    KernelShape tiles = shape;
    tiles.tileCols = shape.lanes >= 16 && partners.size() <= 1 ? 2 : 1;
    tiles.rowTileCols = 1;
    Value k0, kEnd, m0;
    Schedule schedule{[&](Value blockStart, Value blockEnd) {
                        k0 = blockStart;
                        kEnd = blockEnd;
                      },
                      [&](Value rowStart, Value rowEnd) {
                        m0 = rowStart;
                        quantizedBase = k0;
                        if (given.scales)
                          viewQuantizedRows(rowStart, rowEnd, k0, kEnd);
                        else if (quantize)
                          quantizeRows(rowStart, rowEnd, k0, kEnd);
                      },
                      [&](int64_t rows, int64_t cols, Value m, Value t) {
                        tile(rows, cols, m, t, m0, k0, kEnd);
                      }};
    schedule.singleRow = staticRows == 1;
    schedule.bandOutputs = layout.bandGroups;
    schedule.emit(b, tiles, memref::DimOp::create(b, c.x, 0), memref::DimOp::create(b, c.y, 1),
                  index(b, inputs / 32), blocksPerK);
  }

private:
  VectorType vector8(Type element) { return VectorType::get({8}, element); }
  int64_t blockBytes() const { return q4 ? 144 : 272; }
  /// q8 with vpmaddubsw: the stored u8 (quantum + 128) would saturate its pair sums, so
  /// the quanta are made signed again and multiplied with the sign trick.
  bool signedQuanta() const { return !q4 && idiom == Int8DotIdiom::X86MaddUbs; }

  /// As PackedKernel::quantizeRows, plus each block's offset correction: the stored
  /// weights carry an offset of 8 or 128, which the dot then includes times the sum of
  /// the block's x quanta, so the dot starts from minus that product.
  void quantizeRows(Value m0, Value mEnd, Value k0, Value kEnd) {
    forRange(b, m0, mEnd, index(b, 1), [&](Value row) {
      forRange(b, k0, kEnd, index(b, 1), [&](Value blk) {
        auto [q, d] = quantizeBlock(b, c.x, row, blk);
        Value localRow = arith::SubIOp::create(b, row, m0);
        Value localBlock = arith::SubIOp::create(b, blk, k0);
        vector::StoreOp::create(
            b, q, quantized,
            ValueRange{localRow, arith::MulIOp::create(b, localBlock, index(b, 32))});
        memref::StoreOp::create(b, d, scales, ValueRange{localRow, localBlock});
        storeOffsetCorrection(q, localRow, localBlock);
      });
    });
  }

  /// Rows [m0, mEnd) and blocks [k0, kEnd) of the given quanta, scales and offset
  /// corrections, as the views the tiles index from (row - m0, block - k0).
  void viewQuantizedRows(Value m0, Value mEnd, Value k0, Value kEnd) {
    Value rows = arith::SubIOp::create(b, mEnd, m0);
    Value blocks = arith::SubIOp::create(b, kEnd, k0);
    SmallVector<OpFoldResult> unitStrides(2, b.getIndexAttr(1));
    quantized = memref::SubViewOp::create(
        b, c.x, SmallVector<OpFoldResult>{m0, Value(arith::MulIOp::create(b, k0, index(b, 32)))},
        SmallVector<OpFoldResult>{rows, Value(arith::MulIOp::create(b, blocks, index(b, 32)))},
        unitStrides);
    auto blockView = [&](Value perBlock) -> Value {
      return memref::SubViewOp::create(b, perBlock, SmallVector<OpFoldResult>{m0, k0},
                                       SmallVector<OpFoldResult>{rows, blocks}, unitStrides);
    };
    scales = blockView(given.scales);
    offsetCorrections = blockView(given.offsetCorrections);
  }

  /// Block `localBlock`'s offset correction, `-offset * sum(q)`, for its quanta `q`.
  void storeOffsetCorrection(Value q, Value localRow, Value localBlock) {
    memref::StoreOp::create(b, blockOffsetCorrection(b, q, storedWeightOffset(q4)),
                            offsetCorrections, ValueRange{localRow, localBlock});
  }

  /// The 8 scales of group `t`'s block at byte `base`, as vector<8xf32>.
  Value loadScales(ImplicitLocOpBuilder &nb, Value w, Value t, Value base) {
    if (shape.nativeF16) {
      Value bytes =
          vector::LoadOp::create(nb, VectorType::get({16}, nb.getI8Type()), w, ValueRange{t, base});
      Value halves = vector::BitCastOp::create(nb, vector8(nb.getF16Type()), bytes);
      return arith::ExtFOp::create(nb, vector8(nb.getF32Type()), halves);
    }
    SmallVector<Value> lanes;
    for (int64_t r = 0; r < 8; ++r) {
      Value lo = memref::LoadOp::create(
          nb, w, ValueRange{t, arith::AddIOp::create(nb, base, index(nb, 2 * r))});
      Value hi = memref::LoadOp::create(
          nb, w, ValueRange{t, arith::AddIOp::create(nb, base, index(nb, 2 * r + 1))});
      lanes.push_back(decodeF16Bytes(nb, lo, hi));
    }
    return vector::FromElementsOp::create(nb, vector8(nb.getF32Type()), lanes);
  }

  /// The 32 bytes of group `t` of `w` at byte `base + offset`.
  Value loadQuanta(ImplicitLocOpBuilder &nb, Value w, Value t, Value base, int64_t offset) {
    return vector::LoadOp::create(
        nb, VectorType::get({32}, nb.getI8Type()), w,
        ValueRange{t, arith::AddIOp::create(nb, base, index(nb, offset))});
  }

  Value splat8(ImplicitLocOpBuilder &nb, Value v, int8_t value) {
    return arith::ConstantOp::create(nb,
                                     DenseElementsAttr::get(cast<VectorType>(v.getType()), value));
  }

  /// Quantised x bytes [at, at + 4) of local row `localRow`, repeated 8 times.
  Value broadcastFour(ImplicitLocOpBuilder &nb, Value localRow, Value at) {
    Value four = vector::LoadOp::create(nb, VectorType::get({4}, nb.getI8Type()), quantized,
                                        ValueRange{localRow, at});
    Value word = vector::BitCastOp::create(nb, VectorType::get({1}, nb.getI32Type()), four);
    Value words = vector::BroadcastOp::create(nb, vector8(nb.getI32Type()), word);
    return vector::BitCastOp::create(nb, VectorType::get({32}, nb.getI8Type()), words);
  }

  void tile(int64_t rows, int64_t tileCols, Value m, Value t, Value m0, Value k0, Value kEnd) {
    Value zero =
        arith::ConstantOp::create(b, DenseElementsAttr::get(vector8(b.getF32Type()), 0.0f));
    // Groups [t, t + tileCols) of c, then of each partner, and their w and y.
    SmallVector<Value> groups, matrices, outputs;
    for (int64_t j = 0; j < tileCols; ++j)
      groups.push_back(j ? arith::AddIOp::create(b, t, index(b, j)) : t);
    matrices.append(tileCols, c.w);
    outputs.append(tileCols, c.y);
    const SmallVector<Value> ownGroups(groups);
    for (const Contraction &partner : partners) {
      groups.append(ownGroups);
      matrices.append(tileCols, partner.w);
      outputs.append(tileCols, partner.y);
    }
    const int64_t cols = int64_t(groups.size());
    SmallVector<Value> init(rows * cols, zero);
    // Each column's row of its w and, banded, where its panel starts there less k0's
    // blocks: group g of a band holds panel p (blocks [k0, k0 + P), k0 = pP) at blocks
    // (p bandGroups + g) P of the band's row, so block `blk` is at
    // k0 (bandGroups - 1) + g P + blk.
    SmallVector<Value> weightRows, panelStarts;
    for (Value group : groups) {
      if (!layout.banded()) {
        weightRows.push_back(group);
        continue;
      }
      weightRows.push_back(arith::DivUIOp::create(b, group, index(b, layout.bandGroups)));
      Value inBand = arith::RemUIOp::create(b, group, index(b, layout.bandGroups));
      panelStarts.push_back(
          arith::AddIOp::create(b, arith::MulIOp::create(b, k0, index(b, layout.bandGroups - 1)),
                                arith::MulIOp::create(b, inBand, index(b, layout.panelBlocks))));
    }
    auto loop = scf::ForOp::create(
        b, k0, kEnd, index(b, 1), init,
        [&](OpBuilder &nested, Location loc, Value blk, ValueRange acc) {
          ImplicitLocOpBuilder nb(loc, nested);
          SmallVector<Value> bases, weightScales;
          Value plainBase =
              layout.banded() ? Value() : arith::MulIOp::create(nb, blk, index(nb, blockBytes()));
          for (int64_t j = 0; j < cols; ++j) {
            bases.push_back(plainBase ? plainBase
                                      : arith::MulIOp::create(
                                            nb, arith::AddIOp::create(nb, panelStarts[j], blk),
                                            index(nb, blockBytes())));
            weightScales.push_back(loadScales(nb, matrices[j], weightRows[j], bases[j]));
          }
          SmallVector<Value> next = quantize ? integerBlock(nb, rows, cols, m, m0, k0, blk, bases,
                                                            matrices, weightRows, weightScales, acc)
                                             : floatBlock(nb, rows, cols, m, blk, bases, matrices,
                                                          weightRows, weightScales, acc);
          scf::YieldOp::create(nb, next);
        });
    addGroupTiles(b, outputs, m, groups, rows, loop.getResults());
  }

  /// One block with integer dot products: two chains per output (even and odd groups of
  /// 4 inputs; q4: low and high nibbles) so consecutive dot instructions are independent.
  SmallVector<Value> integerBlock(ImplicitLocOpBuilder &nb, int64_t rows, int64_t cols, Value m,
                                  Value m0, Value k0, Value blk, ArrayRef<Value> bases,
                                  ArrayRef<Value> matrices, ArrayRef<Value> groups,
                                  ArrayRef<Value> weightScales, ValueRange acc) {
    Type i32 = nb.getI32Type();
    Value localBlock = arith::SubIOp::create(nb, blk, quantizedBase);
    Value byteOffset = arith::MulIOp::create(nb, localBlock, index(nb, 32));
    Value zeroSums =
        arith::ConstantOp::create(nb, DenseElementsAttr::get(vector8(i32), int32_t(0)));
    // Each row's dot starts from its offset correction (zero for signed quanta): one
    // broadcast load per block instead of a multiply and a subtraction.
    SmallVector<Value> localRows, xScales, dotStarts;
    for (int64_t i = 0; i < rows; ++i) {
      localRows.push_back(
          arith::SubIOp::create(nb, i ? arith::AddIOp::create(nb, m, index(nb, i)) : m, m0));
      xScales.push_back(memref::LoadOp::create(nb, scales, ValueRange{localRows[i], localBlock}));
      dotStarts.push_back(signedQuanta()
                              ? zeroSums
                              : vector::BroadcastOp::create(
                                    nb, vector8(i32),
                                    memref::LoadOp::create(nb, offsetCorrections,
                                                           ValueRange{localRows[i], localBlock})));
    }
    auto xAt = [&](int64_t i, int64_t byte) {
      return broadcastFour(nb, localRows[i],
                           arith::AddIOp::create(nb, byteOffset, index(nb, byte)));
    };
    SmallVector<Value> even, odd(rows * cols, zeroSums);
    for (int64_t i = 0; i < rows; ++i)
      even.append(cols, dotStarts[i]);
    // Signed quanta take x's sign (psign) and multiply |x|: |x| is one per broadcast,
    // shared by every matrix of the tile, where |w| would be one per weight load.
    auto accumulate = [&](Value sum, Value quanta, Value x) {
      return signedQuanta() ? emitSignedDot4Accumulate(nb, idiom, sum, x, quanta)
                            : emitUnsignedDot4Accumulate(nb, idiom, sum, quanta, x);
    };
    // q4 on AVX2 without VNNI: vpmaddubsw's pair sums of nibbles (<= 15) and x quanta
    // (|q| <= 127) are at most 3810 in magnitude, so a block's 8 of them add up exactly
    // in i16 (<= 30480 < 2^15) and are widened to i32 once per block: one vpmaddwd and
    // one vpaddd instead of eight of each.
    bool i16PairSums = q4 && idiom == Int8DotIdiom::X86MaddUbs;
    SmallVector<Value> pairSums(rows * cols);
    if (q4) {
      for (int64_t s = 0; s < 4; ++s) {
        SmallVector<Value> low, high;
        for (int64_t j = 0; j < cols; ++j) {
          Value packed = loadQuanta(nb, matrices[j], groups[j], bases[j], 16 + 32 * s);
          low.push_back(arith::AndIOp::create(nb, packed, splat8(nb, packed, 15)));
          high.push_back(arith::ShRUIOp::create(nb, packed, splat8(nb, packed, 4)));
        }
        for (int64_t i = 0; i < rows; ++i) {
          Value xLow = xAt(i, 8 * s), xHigh = xAt(i, 8 * s + 4);
          for (int64_t j = 0; j < cols; ++j) {
            if (i16PairSums) {
              Value chunk = arith::AddIOp::create(nb, emitX86PairSums(nb, low[j], xLow),
                                                  emitX86PairSums(nb, high[j], xHigh));
              Value &sum = pairSums[i * cols + j];
              sum = sum ? arith::AddIOp::create(nb, sum, chunk).getResult() : chunk;
              continue;
            }
            even[i * cols + j] = accumulate(even[i * cols + j], low[j], xLow);
            odd[i * cols + j] = accumulate(odd[i * cols + j], high[j], xHigh);
          }
        }
      }
    } else {
      for (int64_t g = 0; g < 8; ++g) {
        SmallVector<Value> quanta;
        for (int64_t j = 0; j < cols; ++j) {
          Value q = loadQuanta(nb, matrices[j], groups[j], bases[j], 16 + 32 * g);
          quanta.push_back(signedQuanta() ? arith::XOrIOp::create(nb, q, splat8(nb, q, -128)) : q);
        }
        for (int64_t i = 0; i < rows; ++i) {
          Value x = xAt(i, 4 * g);
          for (int64_t j = 0; j < cols; ++j) {
            Value &chain = g % 2 ? odd[i * cols + j] : even[i * cols + j];
            chain = accumulate(chain, quanta[j], x);
          }
        }
      }
    }
    SmallVector<Value> next;
    for (int64_t i = 0; i < rows; ++i) {
      Value xScale = vector::BroadcastOp::create(nb, vector8(nb.getF32Type()), xScales[i]);
      for (int64_t j = 0; j < cols; ++j) {
        Value dot = i16PairSums
                        ? emitX86WidenPairsAccumulate(nb, dotStarts[i], pairSums[i * cols + j])
                        : arith::AddIOp::create(nb, even[i * cols + j], odd[i * cols + j]);
        next.push_back(
            multiplyAdd(nb, shape, arith::SIToFPOp::create(nb, vector8(nb.getF32Type()), dot),
                        arith::MulFOp::create(nb, weightScales[j], xScale), acc[i * cols + j]));
      }
    }
    return next;
  }

  /// One block dequantised in registers (--packed-activations=f32): per input k, the 8
  /// weights q * s (exact in f32) times x[k], in input order.
  SmallVector<Value> floatBlock(ImplicitLocOpBuilder &nb, int64_t rows, int64_t cols, Value m,
                                Value blk, ArrayRef<Value> bases, ArrayRef<Value> matrices,
                                ArrayRef<Value> groups, ArrayRef<Value> weightScales,
                                ValueRange acc) {
    Type f32 = nb.getF32Type();
    Value inputStart = arith::MulIOp::create(nb, blk, index(nb, 32));
    SmallVector<Value> next(acc.begin(), acc.end());
    for (int64_t chunk = 0; chunk < (q4 ? 4 : 8); ++chunk) {
      // The chunk's 32 bytes: 4 inputs of each row (q4: 8, in two nibbles).
      SmallVector<SmallVector<Value>> halves(cols);
      for (int64_t j = 0; j < cols; ++j) {
        Value bytes = loadQuanta(nb, matrices[j], groups[j], bases[j], 16 + 32 * chunk);
        if (q4) {
          halves[j].push_back(arith::AndIOp::create(nb, bytes, splat8(nb, bytes, 15)));
          halves[j].push_back(arith::ShRUIOp::create(nb, bytes, splat8(nb, bytes, 4)));
        } else {
          halves[j].push_back(bytes);
        }
      }
      for (int64_t half = 0; half < (q4 ? 2 : 1); ++half) {
        for (int64_t i = 0; i < 4; ++i) {
          int64_t k = q4 ? 8 * chunk + 4 * half + i : 4 * chunk + i;
          SmallVector<Value> weights;
          for (int64_t j = 0; j < cols; ++j) {
            Value bytes = halves[j][half];
            Value lanes = vector::ShuffleOp::create(
                nb, bytes, bytes,
                ArrayRef<int64_t>{i, 4 + i, 8 + i, 12 + i, 16 + i, 20 + i, 24 + i, 28 + i});
            Value quanta = arith::SubIOp::create(
                nb, arith::ExtUIOp::create(nb, vector8(nb.getI32Type()), lanes),
                arith::ConstantOp::create(
                    nb, DenseElementsAttr::get(vector8(nb.getI32Type()), int32_t(q4 ? 8 : 128))));
            weights.push_back(arith::MulFOp::create(
                nb, arith::SIToFPOp::create(nb, vector8(f32), quanta), weightScales[j]));
          }
          for (int64_t r = 0; r < rows; ++r) {
            Value row = r ? arith::AddIOp::create(nb, m, index(nb, r)) : m;
            Value x = vector::BroadcastOp::create(
                nb, vector8(f32),
                memref::LoadOp::create(
                    nb, c.x, ValueRange{row, arith::AddIOp::create(nb, inputStart, index(nb, k))}));
            for (int64_t j = 0; j < cols; ++j)
              next[r * cols + j] = multiplyAdd(nb, shape, x, weights[j], next[r * cols + j]);
          }
        }
      }
    }
    return next;
  }

  ImplicitLocOpBuilder &b;
  const KernelShape &shape;
  Contraction c;
  bool q4, quantize;
  Int8DotIdiom idiom;
  int64_t staticRows;
  WeightPanels layout;
  QuantizedActivations given; // x's scales and corrections when x comes quantised
  SmallVector<Contraction> partners; // their w and y
  Value quantized, scales, offsetCorrections;
  Value quantizedBase; // the first block of x in `quantized`
};

/// The interleaved packed contraction (g4.packed_format q8_0x8 / q4_0x8): x
/// [M, K/32, 8, 4] (q4: [M, K/32, 4, 2, 4]) f32, w [T, K/32, 272 or 144] i8 (read three
/// times, as in the plain form), y [M, T, 8] f32; or banded (WeightPanels) w
/// [T/B, K/32/P, B, P * (272 or 144)] and y [M, T/B, B, 8] for B groups per band and P
/// blocks per panel. Or x comes quantised (g4-prequantize-activations): inputs (x
/// quanta in x's shape, i8; their scales [M, K/32] (banded [M, K/32/P, P]), f32; their
/// offset corrections, i32, shaped as the scales; w, w, w).
struct InterleavedContraction {
  Value x, w, y;
  bool q4;
  WeightPanels layout;
  QuantizedActivations given; // set when x is quantised
};

std::optional<InterleavedContraction> matchInterleavedContraction(linalg::GenericOp op) {
  auto format = op->getAttrOfType<StringAttr>(kPackedFormatAttr);
  const unsigned inputs = op.getNumDpsInputs();
  if (!format || !op.hasPureBufferSemantics() || (inputs != 4 && inputs != 6) ||
      op.getNumDpsInits() != 1)
    return std::nullopt;
  bool q4 = format.getValue() == "q4_0x8";
  if (!q4 && format.getValue() != "q8_0x8")
    return std::nullopt;
  const bool quantizedX = inputs == 6;
  Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[quantizedX ? 3 : 1],
        y = op.getDpsInits()[0];
  QuantizedActivations given;
  if (quantizedX)
    given = {op.getDpsInputs()[1], op.getDpsInputs()[2]};
  auto xType = cast<MemRefType>(x.getType()), wType = cast<MemRefType>(w.getType()),
       yType = cast<MemRefType>(y.getType());
  const int64_t blockBytes = q4 ? 144 : 272;
  const bool banded = wType.getRank() == 4;
  // Banded, x's blocks are [K/32/P, P].
  ArrayRef<int64_t> inner = xType.getShape().drop_front(banded ? 3 : 2);
  if (quantizedX) {
    auto scalesType = cast<MemRefType>(given.scales.getType());
    auto correctionsType = cast<MemRefType>(given.offsetCorrections.getType());
    ReassociationIndices blocks;
    for (int64_t dim = 1; dim < scalesType.getRank(); ++dim)
      blocks.push_back(dim);
    if (!scalesType.getElementType().isF32() || xType.getRank() < 3 ||
        scalesType.getShape() != xType.getShape().drop_back(q4 ? 3 : 2) ||
        !memref::CollapseShapeOp::isGuaranteedCollapsible(scalesType, {{0}, blocks}) ||
        !correctionsType.getElementType().isInteger(32) ||
        correctionsType.getShape() != scalesType.getShape() ||
        !memref::CollapseShapeOp::isGuaranteedCollapsible(correctionsType, {{0}, blocks}))
      return std::nullopt;
  }
  if (xType.getRank() != (q4 ? 5 : 4) + (banded ? 1 : 0) || wType.getRank() != (banded ? 4 : 3) ||
      yType.getRank() != (banded ? 4 : 3) ||
      !(quantizedX ? xType.getElementType().isInteger(8) : xType.getElementType().isF32()) ||
      !wType.getElementType().isInteger(8) || !yType.getElementType().isF32() ||
      ShapedType::isDynamic(xType.getDimSize(1)) || yType.getShape().back() != 8 ||
      (q4 ? inner != ArrayRef<int64_t>{4, 2, 4} : inner != ArrayRef<int64_t>{8, 4}))
    return std::nullopt;
  WeightPanels layout{1, xType.getDimSize(1)};
  if (banded) {
    layout = {wType.getDimSize(2), wType.getDimSize(3) / blockBytes};
    if (ShapedType::isDynamic(layout.bandGroups) || layout.bandGroups < 2 ||
        yType.getDimSize(2) != layout.bandGroups || wType.getDimSize(3) % blockBytes != 0 ||
        wType.getDimSize(1) != xType.getDimSize(1) || xType.getDimSize(2) != layout.panelBlocks)
      return std::nullopt;
  } else if (wType.getDimSize(1) != xType.getDimSize(1) || wType.getDimSize(2) != blockBytes) {
    return std::nullopt;
  }
  ReassociationIndices xInner;
  for (int64_t dim = 1; dim < xType.getRank(); ++dim)
    xInner.push_back(dim);
  ReassociationIndices wInner = banded ? ReassociationIndices{1, 2, 3} : ReassociationIndices{1, 2};
  if (!memref::CollapseShapeOp::isGuaranteedCollapsible(xType, {{0}, xInner}) ||
      !memref::CollapseShapeOp::isGuaranteedCollapsible(wType, {{0}, wInner}) ||
      (banded && !memref::CollapseShapeOp::isGuaranteedCollapsible(yType, {{0}, {1, 2}, {3}})) ||
      !hasUnitInnerStride(y))
    return std::nullopt;
  return InterleavedContraction{x, w, y, q4, layout, given};
}

/// The packed contraction g4-gemma-to-linalg marks with g4.packed_format: inputs
/// (x, w, w, w) viewed as blocks, x [M, K/32, 32] (q4_0: [M, K/32, 2, 16]) f32 and
/// w [N, K/32, 34 or 18] i8, output y [M, N] f32.
struct PackedContraction {
  Value x, w, y; // the blocked views
  bool q4;
};

std::optional<PackedContraction> matchPackedContraction(linalg::GenericOp op) {
  auto format = op->getAttrOfType<StringAttr>(kPackedFormatAttr);
  if (!format || !op.hasPureBufferSemantics() || op.getNumDpsInputs() != 4 ||
      op.getNumDpsInits() != 1)
    return std::nullopt;
  bool q4 = format.getValue() == "q4_0";
  if (!q4 && format.getValue() != "q8_0")
    return std::nullopt;
  Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1], y = op.getDpsInits()[0];
  auto xType = cast<MemRefType>(x.getType()), wType = cast<MemRefType>(w.getType()),
       yType = cast<MemRefType>(y.getType());
  if (xType.getRank() != (q4 ? 4 : 3) || wType.getRank() != 3 || yType.getRank() != 2 ||
      !xType.getElementType().isF32() || !wType.getElementType().isInteger(8) ||
      !yType.getElementType().isF32())
    return std::nullopt;
  ArrayRef<int64_t> xShape = xType.getShape();
  if (ShapedType::isDynamic(xShape[1]) || wType.getDimSize(1) != xShape[1] ||
      wType.getDimSize(2) != (q4 ? 18 : 34) ||
      (q4 ? xShape[2] != 2 || xShape[3] != 16 : xShape[2] != 32))
    return std::nullopt;
  // Both views must flatten back to rows with unit stride (always so for what the
  // lowering builds; a task's subview only offsets the rows).
  if (!memref::CollapseShapeOp::isGuaranteedCollapsible(
          xType, {{0}, q4 ? ReassociationIndices{1, 2, 3} : ReassociationIndices{1, 2}}) ||
      !memref::CollapseShapeOp::isGuaranteedCollapsible(wType, {{0}, {1, 2}}))
    return std::nullopt;
  return PackedContraction{x, w, y, q4};
}

/// The buffer that `value`, a view (subview, reshape, cast) or not, is part of.
Value viewedBuffer(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

/// The views `value` is made of, from `value` to its buffer.
SmallVector<Value> viewChain(Value value) {
  SmallVector<Value> chain{value};
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    chain.push_back(value = view.getViewSource());
  return chain;
}

/// Whether `a` and `b`, views of one buffer, provably share no element: somewhere along
/// their chains of views they are (or lie within) two subviews of one memref whose
/// static ranges along some dimension are apart (g4-outline-parallel-tasks' halves of a
/// loop). Every view lies within its source, so what lies within those two is apart.
bool subviewsApart(Value a, Value b) {
  SmallVector<Value> aChain = viewChain(a), bChain = viewChain(b);
  for (Value aView : aChain) {
    auto aSub = aView.getDefiningOp<memref::SubViewOp>();
    if (!aSub)
      continue;
    for (Value bView : bChain) {
      auto bSub = bView.getDefiningOp<memref::SubViewOp>();
      if (!bSub || bSub.getSource() != aSub.getSource() || bSub == aSub ||
          aSub.getSourceType().getRank() != aSub.getType().getRank() ||
          bSub.getSourceType().getRank() != bSub.getType().getRank())
        continue;
      for (int64_t d = 0; d < aSub.getSourceType().getRank(); ++d) {
        std::optional<int64_t> aOffset = getConstantIntValue(aSub.getMixedOffsets()[d]),
                               aSize = getConstantIntValue(aSub.getMixedSizes()[d]),
                               aStride = getConstantIntValue(aSub.getMixedStrides()[d]),
                               bOffset = getConstantIntValue(bSub.getMixedOffsets()[d]),
                               bSize = getConstantIntValue(bSub.getMixedSizes()[d]),
                               bStride = getConstantIntValue(bSub.getMixedStrides()[d]);
        if (!aOffset || !aSize || !aStride || !bOffset || !bSize || !bStride || *aSize < 1 ||
            *bSize < 1)
          continue;
        int64_t aEnd = *aOffset + (*aSize - 1) * *aStride + 1;
        int64_t bEnd = *bOffset + (*bSize - 1) * *bStride + 1;
        if (aEnd <= *bOffset || bEnd <= *aOffset)
          return true;
      }
    }
  }
  return false;
}

/// Whether two memrefs have the same size along `dim`: the same static size, or
/// rank-preserving subviews taken with the same size.
bool sameExtent(Value a, Value b, unsigned dim) {
  auto aType = cast<MemRefType>(a.getType()), bType = cast<MemRefType>(b.getType());
  if (!aType.isDynamicDim(dim) || !bType.isDynamicDim(dim))
    return aType.getDimSize(dim) == bType.getDimSize(dim);
  auto aView = a.getDefiningOp<memref::SubViewOp>(), bView = b.getDefiningOp<memref::SubViewOp>();
  return aView && bView && aView.getSourceType().getRank() == aType.getRank() &&
         bView.getSourceType().getRank() == bType.getRank() &&
         aView.getMixedSizes()[dim] == bView.getMixedSizes()[dim];
}

/// What a decode partner (InterleavedKernel, InterleavedFloatKernel) must share with
/// the contraction it joins, and what that contraction touches.
struct PartnerKey {
  Value x, w, y;
  Value scales, offsetCorrections; // a quantised x's
  StringRef format;                // g4.packed_format, or empty for bf16/f16/f32 groups
};

/// The most weight matrices one decode kernel reads side by side (`op` and its partners).
constexpr int64_t kMaxDecodeStreams = 4;

/// The next contractions in `op`'s block (up to kMaxDecodeStreams - 1) that decode can
/// compute beside `op` in one kernel, reading every weight matrix as its own stream: the
/// same x (quantised x: the same scales and corrections), format and weight shape, as
/// many outputs, nothing of an earlier member's output among their operands and no
/// output in what an earlier member reads (their own outputs may be other parts of the
/// same buffer when static subviews keep them apart);
/// with nothing between them but ops free of memory effects and fills of buffers that no
/// earlier member uses, so the members may move down to the last. `match` gives a
/// contraction's key (nullopt: not a candidate). Gate and up projections of one MLP task
/// are such a pair, and the parts of a task of g4-outline-parallel-tasks' `weight-parts`
/// such a group. Distinct buffers (arguments, allocations) are taken not to overlap: a
/// task's are disjoint by construction (g4-outline-parallel-tasks admits a run only when
/// what it writes overlaps nothing else it touches).
SmallVector<linalg::GenericOp>
findDecodePartners(linalg::GenericOp op, const PartnerKey &key,
                   llvm::function_ref<std::optional<PartnerKey>(linalg::GenericOp)> match) {
  SmallVector<linalg::GenericOp> partners;
  if (cast<MemRefType>(key.x.getType()).getDimSize(0) != 1)
    return partners;
  SmallVector<Value> used{viewedBuffer(key.x), viewedBuffer(key.w), viewedBuffer(key.y)};
  if (key.scales) {
    used.push_back(viewedBuffer(key.scales));
    used.push_back(viewedBuffer(key.offsetCorrections));
  }
  SmallVector<Value> outputs{key.y};
  // What the members read: no later member may write it.
  SmallVector<Value> inputs{viewedBuffer(key.x), viewedBuffer(key.w)};
  if (key.scales) {
    inputs.push_back(viewedBuffer(key.scales));
    inputs.push_back(viewedBuffer(key.offsetCorrections));
  }
  for (Operation *next = op->getNextNode();
       next && int64_t(partners.size()) + 1 < kMaxDecodeStreams; next = next->getNextNode()) {
    if (auto generic = dyn_cast<linalg::GenericOp>(next)) {
      std::optional<PartnerKey> other = match(generic);
      if (!other || other->x != key.x || other->scales != key.scales ||
          other->offsetCorrections != key.offsetCorrections || other->format != key.format ||
          cast<MemRefType>(other->w.getType()).getShape() !=
              cast<MemRefType>(key.w.getType()).getShape() ||
          !sameExtent(key.y, other->y, 1))
        break;
      bool clash =
          llvm::is_contained(inputs, viewedBuffer(other->y)) || llvm::any_of(outputs, [&](Value y) {
            return viewedBuffer(other->w) == viewedBuffer(y) ||
                   (viewedBuffer(other->y) == viewedBuffer(y) && !subviewsApart(other->y, y));
          });
      if (clash)
        break;
      partners.push_back(generic);
      outputs.push_back(other->y);
      inputs.push_back(viewedBuffer(other->w));
      used.push_back(viewedBuffer(other->w));
      used.push_back(viewedBuffer(other->y));
      continue;
    }
    if (isMemoryEffectFree(next))
      continue;
    auto fill = dyn_cast<linalg::FillOp>(next);
    if (!fill || !fill.hasPureBufferSemantics() ||
        llvm::is_contained(used, viewedBuffer(fill.getDpsInits()[0])))
      break;
  }
  return partners;
}

std::optional<PartnerKey> interleavedPartnerKey(linalg::GenericOp op) {
  std::optional<InterleavedContraction> c = matchInterleavedContraction(op);
  if (!c)
    return std::nullopt;
  return PartnerKey{c->x,
                    c->w,
                    c->y,
                    c->given.scales,
                    c->given.offsetCorrections,
                    op->getAttrOfType<StringAttr>(kPackedFormatAttr).getValue()};
}

std::optional<PartnerKey> interleavedFloatPartnerKey(linalg::GenericOp op) {
  std::optional<Contraction> c = matchInterleavedFloatContraction(op);
  if (!c)
    return std::nullopt;
  return PartnerKey{c->x, c->w, c->y, {}, {}, {}};
}

struct VectorizeContractionsPass : impl::VectorizeContractionsPassBase<VectorizeContractionsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (lanes < 1 || tileRows < 1 || tileCols < 1 || rowTileCols < 1 || kBlock < lanes ||
        kBlock % lanes != 0 || mBlock < tileRows || mBlock % tileRows != 0) {
      getOperation().emitError()
          << "g4-vectorize-contractions: lanes, tile-rows, tile-cols and row-tile-cols must be "
             "positive, k-block a multiple of lanes and m-block a multiple of tile-rows";
      return signalPassFailure();
    }
    std::optional<Int8DotIdiom> idiom = parseInt8DotIdiom(int8Dot);
    if (!idiom || kBlock % 32 != 0) {
      getOperation().emitError() << "g4-vectorize-contractions: int8-dot must be generic, "
                                    "x86-maddubs, x86-vnni or arm-smmla and k-block a "
                                    "multiple of 32";
      return signalPassFailure();
    }
    KernelShape shape{lanes,  scalable,         tileRows,  tileCols, rowTileCols, kBlock,
                      mBlock, fusedMultiplyAdd, nativeF16, prefetch, readChunk};
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp op) { generics.push_back(op); });
    // Partners already emitted with the contraction before them (erased: only compared).
    llvm::SmallPtrSet<Operation *, 8> emittedWithPartner;
    // The decode partners of `op` (none: empty), with the builder moved to the last: the
    // group is computed where that one was.
    auto takePartners = [&](linalg::GenericOp op, std::optional<PartnerKey> key, auto match,
                            ImplicitLocOpBuilder &b) -> SmallVector<linalg::GenericOp> {
      if (!decodePartners || !key)
        return {};
      SmallVector<linalg::GenericOp> partners = findDecodePartners(op, *key, match);
      if (!partners.empty())
        b.setInsertionPoint(partners.back());
      for (linalg::GenericOp partner : partners)
        emittedWithPartner.insert(partner);
      return partners;
    };
    for (linalg::GenericOp op : generics) {
      if (emittedWithPartner.contains(op))
        continue;
      ImplicitLocOpBuilder b(op.getLoc(), op);
      SmallVector<linalg::GenericOp> partnerOps;
      if (std::optional<MatchedContraction> c = matchContraction(op)) {
        // w [K, N] is read as [N / G, K, G] by the interleaved float kernel: G outputs
        // per vector, a broadcast x per input.
        int64_t group = shape.scalable ? 4 : shape.lanes;
        if (c->sumsOuterDimOfW) {
          int64_t outputs = cast<MemRefType>(c->w.getType())
                                .getDimSize(*op.getIndexingMapsArray()[1].getResultPosition(
                                    getAffineDimExpr(c->n, op.getContext())));
          if ((group != 4 && group != 8 && group != 16) || ShapedType::isDynamic(outputs) ||
              outputs % group != 0)
            continue;
        }
        // A loop per batch dim, each iteration a 2-D problem on subviews.
        SmallVector<Range> ranges =
            cast<linalg::LinalgOp>(op.getOperation()).createLoopRanges(b, op.getLoc());
        SmallVector<AffineMap> maps = op.getIndexingMapsArray();
        llvm::DenseMap<unsigned, Value> at;
        std::function<void(unsigned)> nest = [&](unsigned level) {
          if (level == c->batch.size()) {
            Contraction slices{batchSlice(b, c->x, maps[0], at), batchSlice(b, c->w, maps[1], at),
                               batchSlice(b, c->y, maps[2], at)};
            if (c->sumsOuterDimOfW)
              InterleavedFloatKernel(b, shape, asWeightGroups(b, slices, group), {},
                                     op->hasAttr(kStreamedWeightsAttr))
                  .emit();
            else
              FloatKernel(b, shape, slices, op->hasAttr(kStreamedWeightsAttr)).emit();
            return;
          }
          unsigned d = c->batch[level];
          forRange(b, index(b, 0), getValueOrCreateConstantIndexOp(b, op.getLoc(), ranges[d].size),
                   index(b, 1), [&](Value iv) {
                     at[d] = iv;
                     nest(level + 1);
                   });
        };
        nest(0);
      } else if (std::optional<PackedContraction> packed = matchPackedContraction(op)) {
        int64_t rows = cast<MemRefType>(packed->x.getType()).getDimSize(0);
        Value x = memref::CollapseShapeOp::create(
            b, packed->x,
            SmallVector<ReassociationIndices>{
                {0}, packed->q4 ? ReassociationIndices{1, 2, 3} : ReassociationIndices{1, 2}});
        Value w = memref::CollapseShapeOp::create(b, packed->w,
                                                  SmallVector<ReassociationIndices>{{0}, {1, 2}});
        PackedKernel(b, shape, Contraction{x, w, packed->y}, packed->q4, quantizeActivations,
                     *idiom, rows)
            .emit();
      } else if (std::optional<Contraction> interleaved = matchInterleavedFloatContraction(op)) {
        partnerOps =
            takePartners(op, interleavedFloatPartnerKey(op), interleavedFloatPartnerKey, b);
        SmallVector<Contraction> partners;
        for (linalg::GenericOp partnerOp : partnerOps)
          partners.push_back(*matchInterleavedFloatContraction(partnerOp));
        InterleavedFloatKernel(b, shape, *interleaved, partners).emit();
      } else if (std::optional<InterleavedContraction> packed = matchInterleavedContraction(op)) {
        // Quantised x without integer dot products: left to the loops.
        if (packed->given.scales && !quantizeActivations)
          continue;
        partnerOps = takePartners(op, interleavedPartnerKey(op), interleavedPartnerKey, b);
        auto xType = cast<MemRefType>(packed->x.getType());
        ReassociationIndices xInner;
        for (int64_t dim = 1; dim < xType.getRank(); ++dim)
          xInner.push_back(dim);
        Value x = memref::CollapseShapeOp::create(b, packed->x,
                                                  SmallVector<ReassociationIndices>{{0}, xInner});
        int64_t rows = xType.getDimSize(0);
        bool banded = packed->layout.banded();
        Value w = memref::CollapseShapeOp::create(
            b, packed->w,
            SmallVector<ReassociationIndices>{
                {0}, banded ? ReassociationIndices{1, 2, 3} : ReassociationIndices{1, 2}});
        Value y = banded ? memref::CollapseShapeOp::create(
                               b, packed->y, SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}})
                         : packed->y;
        // Banded, the scales and corrections are [M, K/32/P, P]: as rows of K/32.
        auto asRows = [&](Value perBlock) -> Value {
          if (!perBlock || cast<MemRefType>(perBlock.getType()).getRank() <= 2)
            return perBlock;
          return memref::CollapseShapeOp::create(b, perBlock,
                                                 SmallVector<ReassociationIndices>{{0}, {1, 2}});
        };
        SmallVector<Contraction> partners;
        for (linalg::GenericOp partnerOp : partnerOps) {
          std::optional<InterleavedContraction> other = matchInterleavedContraction(partnerOp);
          // The same weight shape, so the same layout (banded or not) and views.
          partners.push_back(
              {x,
               memref::CollapseShapeOp::create(
                   b, other->w,
                   SmallVector<ReassociationIndices>{
                       {0}, banded ? ReassociationIndices{1, 2, 3} : ReassociationIndices{1, 2}}),
               banded ? memref::CollapseShapeOp::create(
                            b, other->y, SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}})
                      : other->y});
        }
        InterleavedKernel(b, shape, Contraction{x, w, y}, packed->q4, quantizeActivations, *idiom,
                          rows, packed->layout,
                          {asRows(packed->given.scales), asRows(packed->given.offsetCorrections)},
                          partners)
            .emit();
      } else {
        continue;
      }
      op.erase();
      for (linalg::GenericOp partnerOp : partnerOps)
        partnerOp.erase();
    }
  }
};

} // namespace
} // namespace g4
