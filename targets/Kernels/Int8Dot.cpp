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

Value emitInt8Dot(ImplicitLocOpBuilder &b, Int8DotIdiom idiom, Value a, Value bVector) {
  if (idiom == Int8DotIdiom::X86MaddUbs || idiom == Int8DotIdiom::X86Vnni)
    return emitX86Int8Dot(b, idiom == Int8DotIdiom::X86Vnni, a, bVector);
  auto wide = VectorType::get({32}, b.getI32Type());
  auto lanes = VectorType::get({8}, b.getI32Type());
  Value products = arith::MulIOp::create(b, arith::ExtSIOp::create(b, wide, a),
                                         arith::ExtSIOp::create(b, wide, bVector));
  Value zero = arith::ConstantOp::create(b, DenseElementsAttr::get(lanes, int32_t(0)));
  return LLVM::CallIntrinsicOp::create(b, lanes, b.getStringAttr("llvm.vector.partial.reduce.add"),
                                       ValueRange{zero, products})
      .getResult(0);
}

} // namespace g4
