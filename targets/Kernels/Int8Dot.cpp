//===- Int8Dot.cpp - The int8 dot-product idiom of a target ---------------===//

#include "targets/Kernels/Int8Dot.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

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

Value emitInt8Dot(ImplicitLocOpBuilder &b, Int8DotIdiom idiom, Value a, Value bVector) {
  if (idiom == Int8DotIdiom::X86MaddUbs || idiom == Int8DotIdiom::X86Vnni)
    return emitX86Int8Dot(b, idiom == Int8DotIdiom::X86Vnni, a, bVector);
  auto lanes = VectorType::get({8}, b.getI32Type());
  Value zero = arith::ConstantOp::create(b, DenseElementsAttr::get(lanes, int32_t(0)));
  return emitInt8DotAccumulate(b, zero, a, bVector);
}

} // namespace g4
