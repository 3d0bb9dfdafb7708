//===- ActivationQuanta.cpp - q8_0 quantisation of f32 activations ----------===//

#include "passes/Utils/ActivationQuanta.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace g4 {

std::pair<Value, Value> quantizeBlock(ImplicitLocOpBuilder &b, Value x, Value row, Value blk) {
  auto v32 = VectorType::get({32}, b.getF32Type());
  Value values = vector::LoadOp::create(
      b, v32, x,
      ValueRange{row, arith::MulIOp::create(b, blk, arith::ConstantIndexOp::create(b, 32))});
  // max |x| as the largest magnitude bit pattern: non-negative floats order like
  // their bits, a NaN sorts above infinity and propagates into the scale, and an
  // unsigned integer max avoids the float max's NaN handling in every block.
  auto i32x32 = VectorType::get({32}, b.getI32Type());
  Value magnitudes = arith::AndIOp::create(
      b, arith::BitcastOp::create(b, i32x32, values),
      arith::ConstantOp::create(b, DenseElementsAttr::get(i32x32, int32_t(0x7fffffff))));
  Value amax = arith::BitcastOp::create(
      b, b.getF32Type(), vector::ReductionOp::create(b, vector::CombiningKind::MAXUI, magnitudes));
  Value d = arith::DivFOp::create(b, amax, arith::ConstantOp::create(b, b.getF32FloatAttr(127.0f)));
  Value zeroScalar = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
  Value inverse = arith::SelectOp::create(
      b, arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, d, zeroScalar),
      arith::DivFOp::create(b, arith::ConstantOp::create(b, b.getF32FloatAttr(1.0f)), d),
      zeroScalar);
  Value scaled = arith::MulFOp::create(b, values, vector::BroadcastOp::create(b, v32, inverse));
  // Round to nearest even by adding and removing 1.5 * 2^23 (|scaled| <= 127.5):
  // exact, vectorisable, and no roundevenf call where SSE4.1 is missing.
  Value magic = arith::ConstantOp::create(b, DenseElementsAttr::get(v32, 0x1.8p23f));
  Value rounded = arith::SubFOp::create(b, arith::AddFOp::create(b, scaled, magic), magic);
  return {arith::FPToSIOp::create(b, VectorType::get({32}, b.getI8Type()), rounded), d};
}

int32_t storedWeightOffset(bool q4) { return q4 ? 8 : 128; }

Value blockOffsetCorrection(ImplicitLocOpBuilder &b, Value q, int32_t offset) {
  Value sum = vector::ReductionOp::create(
      b, vector::CombiningKind::ADD,
      arith::ExtSIOp::create(b, VectorType::get({32}, b.getI32Type()), q));
  return arith::MulIOp::create(b, sum, arith::ConstantIntOp::create(b, b.getI32Type(), -offset));
}

} // namespace g4
