//===- InlineLibm.cpp - g4-math-inline-libm -------------------------------===//
//
// f32 exp (softmax, MoE routing) and sin/cos (RoPE) as inline arithmetic, so compiled
// models need no libm (the firmware library links against nothing but memcpy/memset)
// and LLVM can vectorise the softmax loops. exp follows the classic Cody-Waite scheme
// (round to k = x/ln2, reduce with a two-part ln2, a degree-6 polynomial, scale by 2^k
// in two steps so results down to the subnormal range stay exact); sin and cos reduce
// in f64 with a two-part pi/2, which stays exact for the RoPE angles of long contexts
// (|x| up to ~1e6 radians), where an f32 reduction loses whole digits.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

#define DEBUG_TYPE "g4-math-inline-libm"

namespace g4 {
#define GEN_PASS_DEF_INLINELIBMPASS
#include "passes/Codegen/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

/// Small helpers over one builder: the arithmetic reads like the formulas.
struct Arith {
  ImplicitLocOpBuilder &b;

  Value f(Type type, double value) {
    return arith::ConstantOp::create(b, b.getFloatAttr(type, value));
  }
  Value i(Type type, int64_t value) {
    return arith::ConstantOp::create(b, b.getIntegerAttr(type, value));
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, x, y); }
  /// Horner: c[0] + x * (c[1] + x * (...)).
  Value poly(Value x, ArrayRef<double> c) {
    Value acc = f(x.getType(), c.back());
    for (double coefficient : llvm::reverse(c.drop_back()))
      acc = add(mul(acc, x), f(x.getType(), coefficient));
    return acc;
  }
  /// round-to-nearest-even of |x| < 2^(mantissa bits - 1), without a libm call:
  /// adding and subtracting 1.5 * 2^mantissa drops the fraction.
  Value roundNearest(Value x, int mantissaBits) {
    Value magic = f(x.getType(), 1.5 * std::ldexp(1.0, mantissaBits));
    return sub(add(x, magic), magic);
  }
  Value select(Value c, Value x, Value y) { return arith::SelectOp::create(b, c, x, y); }
  Value cmpf(arith::CmpFPredicate p, Value x, Value y) { return arith::CmpFOp::create(b, p, x, y); }
};

/// 2^k for an i32 k in [-126, 127], as f32 bits.
Value exp2Int(Arith &a, Value k) {
  Type i32 = a.b.getI32Type();
  Value biased = arith::AddIOp::create(a.b, k, a.i(i32, 127));
  Value bits = arith::ShLIOp::create(a.b, biased, a.i(i32, 23));
  return arith::BitcastOp::create(a.b, a.b.getF32Type(), bits);
}

Value expF32(ImplicitLocOpBuilder &b, Value x) {
  Arith a{b};
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  // exp overflows above ln(FLT_MAX) and is below half the smallest subnormal under -104.
  const double kMaxInput = 88.72283935546875, kMinInput = -104.0;
  Value clamped = arith::MaximumFOp::create(b, arith::MinimumFOp::create(b, x, a.f(f32, kMaxInput)),
                                            a.f(f32, kMinInput));
  Value k = a.roundNearest(a.mul(clamped, a.f(f32, 1.44269504088896341)), 23);
  // ln2 = 0.693359375 - 2.12194440e-4: the first part has few bits, so k * it is exact.
  Value r =
      a.sub(a.sub(clamped, a.mul(k, a.f(f32, 0.693359375))), a.mul(k, a.f(f32, -2.12194440e-4)));
  // e^r on [-ln2/2, ln2/2]: 1 + r + r^2 * p(r) (Cephes' expf coefficients, ~1 ulp).
  Value p = a.poly(r, {5.0000001201e-1, 1.6666665459e-1, 4.1665795894e-2, 8.3334519073e-3,
                       1.3981999507e-3, 1.9875691500e-4});
  Value y = a.add(a.add(a.mul(a.mul(r, r), p), r), a.f(f32, 1.0));
  // 2^k in two factors, so k down to -150 (subnormal results) stays representable.
  Value ki = arith::FPToSIOp::create(b, i32, k);
  Value half = arith::ShRSIOp::create(b, ki, a.i(i32, 1));
  Value rest = arith::SubIOp::create(b, ki, half);
  Value scaled = a.mul(a.mul(y, exp2Int(a, half)), exp2Int(a, rest));
  Value result = a.select(a.cmpf(arith::CmpFPredicate::OGT, x, a.f(f32, kMaxInput)),
                          a.f(f32, std::numeric_limits<double>::infinity()), scaled);
  // NaN in, NaN out (k was meaningless for it).
  return a.select(a.cmpf(arith::CmpFPredicate::UNO, x, x), x, result);
}

/// sin or cos of an f32, reduced and evaluated in f64.
Value sinCosF32(ImplicitLocOpBuilder &b, Value x, bool cosine) {
  Arith a{b};
  Type f32 = b.getF32Type(), f64 = b.getF64Type(), i64 = b.getI64Type();
  Value xd = arith::ExtFOp::create(b, f64, x);
  Value k = a.roundNearest(a.mul(xd, a.f(f64, 6.36619772367581382433e-01)), 52);
  // pi/2 = hi + lo with 33 significant bits in hi: k * hi is exact for |k| < 2^20.
  Value r = a.sub(a.sub(xd, a.mul(k, a.f(f64, 1.57079632673412561417e+00))),
                  a.mul(k, a.f(f64, 6.07710050650619224932e-11)));
  Value r2 = a.mul(r, r);
  // Taylor-like minimax kernels on [-pi/4, pi/4] (the fdlibm coefficients).
  Value sinR =
      a.add(r, a.mul(a.mul(r, r2),
                     a.poly(r2, {-1.66666666666666324348e-01, 8.33333333332248946124e-03,
                                 -1.98412698298579493134e-04, 2.75573137070700676789e-06,
                                 -2.50507602534068634195e-08, 1.58969099521155010221e-10})));
  Value cosR = a.add(
      a.sub(a.f(f64, 1.0), a.mul(a.f(f64, 0.5), r2)),
      a.mul(a.mul(r2, r2), a.poly(r2, {4.16666666666666019037e-02, -1.38888888888741095749e-03,
                                       2.48015872894767294178e-05, -2.75573143513906633035e-07,
                                       2.08757232129817482790e-09, -1.13596475577881948265e-11})));
  // The quadrant k mod 4 picks the kernel and the sign (cos x = sin(x + pi/2)).
  Value quadrant = arith::AndIOp::create(b, arith::FPToSIOp::create(b, i64, k), a.i(i64, 3));
  if (cosine)
    quadrant =
        arith::AndIOp::create(b, arith::AddIOp::create(b, quadrant, a.i(i64, 1)), a.i(i64, 3));
  auto is = [&](int64_t q) {
    return arith::CmpIOp::create(b, arith::CmpIPredicate::eq, quadrant, a.i(i64, q));
  };
  Value negSin = arith::NegFOp::create(b, sinR), negCos = arith::NegFOp::create(b, cosR);
  Value value = a.select(is(0), sinR, a.select(is(1), cosR, a.select(is(2), negSin, negCos)));
  Value result = arith::TruncFOp::create(b, f32, value);
  // sin/cos of +-inf and NaN is NaN.
  Value finite = a.cmpf(arith::CmpFPredicate::OLT, math::AbsFOp::create(b, x),
                        a.f(f32, std::numeric_limits<double>::infinity()));
  return a.select(finite, result, a.sub(x, x));
}

template <typename MathOp> struct InlineF32 : OpRewritePattern<MathOp> {
  using OpRewritePattern<MathOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(MathOp op, PatternRewriter &rewriter) const override {
    if (!op.getType().isF32())
      return rewriter.notifyMatchFailure(op, "only scalar f32 is inlined");
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Value x = op.getOperand();
    Value result;
    if constexpr (std::is_same_v<MathOp, math::ExpOp>)
      result = expF32(b, x);
    else
      result = sinCosF32(b, x, std::is_same_v<MathOp, math::CosOp>);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct InlineLibmPass : impl::InlineLibmPassBase<InlineLibmPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<InlineF32<math::ExpOp>, InlineF32<math::SinOp>, InlineF32<math::CosOp>>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace g4
