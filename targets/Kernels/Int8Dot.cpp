//===- Int8Dot.cpp - The int8 dot-product idiom of a target ---------------===//

#include "targets/Kernels/Int8Dot.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace g4 {

std::optional<Int8DotIdiom> parseInt8DotIdiom(llvm::StringRef name) {
  if (name == "generic")
    return Int8DotIdiom::Generic;
  if (name == "x86-maddubs")
    return Int8DotIdiom::X86MaddUbs;
  if (name == "x86-vnni")
    return Int8DotIdiom::X86Vnni;
  if (name == "arm-smmla")
    return Int8DotIdiom::ArmSmmla;
  return std::nullopt;
}

Value emitInt8DotAccumulate(ImplicitLocOpBuilder &b, Value acc, Value a, Value bVector) {
  auto type = cast<VectorType>(a.getType());
  auto wide = VectorType::get(type.getShape(), b.getI32Type(), type.getScalableDims());
  Value products = arith::MulIOp::create(b, arith::ExtSIOp::create(b, wide, a),
                                         arith::ExtSIOp::create(b, wide, bVector));
  return LLVM::CallIntrinsicOp::create(b, acc.getType(),
                                       b.getStringAttr("llvm.vector.partial.reduce.add"),
                                       ValueRange{acc, products})
      .getResult(0);
}

namespace {
/// acc + the products of a and b (vector<32xi8>, a widened as unsigned or signed) summed
/// per group of 4 bytes: a grouping that is fixed, unlike partial.reduce's.
Value groupedDot4(ImplicitLocOpBuilder &b, Value acc, Value a, Value bVector, bool unsignedA) {
  auto wide = VectorType::get({32}, b.getI32Type());
  Value wideA = unsignedA ? arith::ExtUIOp::create(b, wide, a).getResult()
                          : arith::ExtSIOp::create(b, wide, a).getResult();
  Value products = arith::MulIOp::create(b, wideA, arith::ExtSIOp::create(b, wide, bVector));
  Value sum = acc;
  for (int64_t i = 0; i < 4; ++i) {
    SmallVector<int64_t> lanes;
    for (int64_t j = 0; j < 8; ++j)
      lanes.push_back(4 * j + i);
    sum = arith::AddIOp::create(b, sum, vector::ShuffleOp::create(b, products, products, lanes));
  }
  return sum;
}
} // namespace

Value emitUnsignedDot4Accumulate(ImplicitLocOpBuilder &b, Int8DotIdiom idiom, Value acc, Value a,
                                 Value bVector) {
  if (idiom == Int8DotIdiom::X86MaddUbs || idiom == Int8DotIdiom::X86Vnni)
    return emitX86UnsignedDot4Accumulate(b, idiom == Int8DotIdiom::X86Vnni, acc, a, bVector);
  return groupedDot4(b, acc, a, bVector, /*unsignedA=*/true);
}

Value emitSignedDot4Accumulate(ImplicitLocOpBuilder &b, Int8DotIdiom idiom, Value acc, Value a,
                               Value bVector) {
  if (idiom == Int8DotIdiom::X86MaddUbs || idiom == Int8DotIdiom::X86Vnni) {
    // |a| (unsigned) times b with a's sign: the same products.
    Value signedB = LLVM::CallIntrinsicOp::create(b, bVector.getType(),
                                                  b.getStringAttr("llvm.x86.avx2.psign.b"),
                                                  ValueRange{bVector, a})
                        .getResult(0);
    return emitX86UnsignedDot4Accumulate(b, idiom == Int8DotIdiom::X86Vnni, acc,
                                         math::AbsIOp::create(b, a), signedB);
  }
  return groupedDot4(b, acc, a, bVector, /*unsignedA=*/false);
}

Value emitInt8Dot(ImplicitLocOpBuilder &b, Int8DotIdiom idiom, Value a, Value bVector) {
  if (idiom == Int8DotIdiom::X86MaddUbs || idiom == Int8DotIdiom::X86Vnni)
    return emitX86Int8Dot(b, idiom == Int8DotIdiom::X86Vnni, a, bVector);
  auto lanes = VectorType::get({8}, b.getI32Type());
  Value zero = arith::ConstantOp::create(b, DenseElementsAttr::get(lanes, int32_t(0)));
  return emitInt8DotAccumulate(b, zero, a, bVector);
}

} // namespace g4
