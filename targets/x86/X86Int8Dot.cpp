//===- X86Int8Dot.cpp - int8 dot products on AVX2 and VNNI ----------------===//
//
// x86 multiplies unsigned by signed bytes (vpmaddubsw, vpdpbusd), so a . b is computed as
// |a| . (b with a's sign): the same products, the first operand now non-negative. With
// |a|, |b| <= 127 a pair sums to at most 32258, so vpmaddubsw never saturates.
//
//===----------------------------------------------------------------------===//

#include "targets/Kernels/Int8Dot.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace g4 {

Value emitX86Int8Dot(ImplicitLocOpBuilder &b, bool vnni, Value a, Value bVector) {
  auto bytes = VectorType::get({32}, b.getI8Type());
  auto halves = VectorType::get({16}, b.getI16Type());
  auto lanes = VectorType::get({8}, b.getI32Type());
  auto intrinsic = [&](Type result, StringRef name, ValueRange operands) {
    return LLVM::CallIntrinsicOp::create(b, result, b.getStringAttr(name), operands).getResult(0);
  };
  Value magnitude = math::AbsIOp::create(b, a);
  Value signedB = intrinsic(bytes, "llvm.x86.avx2.psign.b", ValueRange{bVector, a});
  if (vnni) {
    Value zero = arith::ConstantOp::create(b, DenseElementsAttr::get(lanes, int32_t(0)));
    return intrinsic(lanes, "llvm.x86.avx512.vpdpbusd.256", ValueRange{zero, magnitude, signedB});
  }
  Value pairs = intrinsic(halves, "llvm.x86.avx2.pmadd.ub.sw", ValueRange{magnitude, signedB});
  Value ones = arith::ConstantOp::create(b, DenseElementsAttr::get(halves, int16_t(1)));
  return intrinsic(lanes, "llvm.x86.avx2.pmadd.wd", ValueRange{pairs, ones});
}

Value emitX86PairSums(ImplicitLocOpBuilder &b, Value a, Value bVector) {
  return LLVM::CallIntrinsicOp::create(b, VectorType::get({16}, b.getI16Type()),
                                       b.getStringAttr("llvm.x86.avx2.pmadd.ub.sw"),
                                       ValueRange{a, bVector})
      .getResult(0);
}

Value emitX86WidenPairsAccumulate(ImplicitLocOpBuilder &b, Value acc, Value pairs) {
  auto halves = VectorType::get({16}, b.getI16Type());
  Value ones = arith::ConstantOp::create(b, DenseElementsAttr::get(halves, int16_t(1)));
  Value widened = LLVM::CallIntrinsicOp::create(b, VectorType::get({8}, b.getI32Type()),
                                                b.getStringAttr("llvm.x86.avx2.pmadd.wd"),
                                                ValueRange{pairs, ones})
                      .getResult(0);
  return arith::AddIOp::create(b, acc, widened);
}

Value emitX86UnsignedDot4Accumulate(ImplicitLocOpBuilder &b, bool vnni, Value acc, Value a,
                                    Value bVector) {
  if (vnni)
    return LLVM::CallIntrinsicOp::create(b, acc.getType(),
                                         b.getStringAttr("llvm.x86.avx512.vpdpbusd.256"),
                                         ValueRange{acc, a, bVector})
        .getResult(0);
  return emitX86WidenPairsAccumulate(b, acc, emitX86PairSums(b, a, bVector));
}

} // namespace g4
