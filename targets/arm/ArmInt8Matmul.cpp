//===- ArmInt8Matmul.cpp - 2 x 2 int8 tiles with smmla (+i8mm) ------------===//
//
// SMMLA multiplies a 2 x 8 matrix of signed bytes by the transpose of another and adds the
// 2 x 2 product to four i32 lanes (row-major): eight products per output per
// instruction, twice sdot's rate when both operands come in pairs of rows (prefill).
//
//===----------------------------------------------------------------------===//

#include "targets/Kernels/Int8Dot.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

using namespace mlir;

namespace g4 {

Value emitInt8MatmulPairs(ImplicitLocOpBuilder &b, Value acc, Value a, Value bPair) {
  return LLVM::CallIntrinsicOp::create(b, acc.getType(),
                                       b.getStringAttr("llvm.aarch64.neon.smmla.v4i32.v16i8"),
                                       ValueRange{acc, a, bPair})
      .getResult(0);
}

} // namespace g4
