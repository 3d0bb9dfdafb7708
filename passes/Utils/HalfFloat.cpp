//===- HalfFloat.cpp - f16 values decoded with integer operations --------===//

#include "passes/Utils/HalfFloat.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace g4 {

Value decodeF16Bytes(ImplicitLocOpBuilder &b, Value lo, Value hi) {
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  auto c = [&](int64_t v) { return arith::ConstantIntOp::create(b, i32, v); };
  Value bits =
      arith::OrIOp::create(b, arith::ExtUIOp::create(b, i32, lo),
                           arith::ShLIOp::create(b, arith::ExtUIOp::create(b, i32, hi), c(8)));
  Value magnitude = arith::AndIOp::create(b, bits, c(0x7fff));
  Value sign = arith::ShLIOp::create(b, arith::AndIOp::create(b, bits, c(0x8000)), c(16));
  Value shifted = arith::ShLIOp::create(b, magnitude, c(13));
  // Normal: rebias the exponent (127 - 15 = 112). Inf/NaN: all-ones exponent.
  Value normal = arith::AddIOp::create(b, shifted, c(112 << 23));
  Value special = arith::OrIOp::create(b, shifted, c(0x7f800000));
  Value isSpecial = arith::CmpIOp::create(b, arith::CmpIPredicate::uge, magnitude, c(0x7c00));
  Value wide =
      arith::OrIOp::create(b, arith::SelectOp::create(b, isSpecial, special, normal), sign);
  Value small = arith::MulFOp::create(b, arith::SIToFPOp::create(b, f32, magnitude),
                                      arith::ConstantOp::create(b, b.getF32FloatAttr(0x1.0p-24f)));
  Value signedSmall =
      arith::SelectOp::create(b, arith::CmpIOp::create(b, arith::CmpIPredicate::ne, sign, c(0)),
                              arith::NegFOp::create(b, small), small);
  Value isSmall = arith::CmpIOp::create(b, arith::CmpIPredicate::ult, magnitude, c(0x400));
  return arith::SelectOp::create(b, isSmall, signedSmall, arith::BitcastOp::create(b, f32, wide));
}

} // namespace g4
