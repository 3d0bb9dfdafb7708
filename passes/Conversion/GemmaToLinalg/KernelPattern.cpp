//===- KernelPattern.cpp - Lower each gemma op once per signature ---------===//

#include "passes/Conversion/GemmaToLinalg/KernelPattern.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace g4 {

namespace {
/// The signature that decides which ops share a kernel. `layer` only identifies the op
/// for verification unless it is a runtime attribute (an argument of the kernel).
std::string kernelKey(Operation *op, TypeRange operandTypes, TypeRange resultTypes,
                      ArrayRef<StringRef> runtimeAttributes) {
  std::string key;
  llvm::raw_string_ostream os(key);
  os << op->getName() << "(";
  llvm::interleaveComma(operandTypes, os);
  os << ")->(";
  llvm::interleaveComma(resultTypes, os);
  os << ")";
  for (NamedAttribute attr : op->getAttrs())
    if (attr.getName() != "layer" && !llvm::is_contained(runtimeAttributes, attr.getName()))
      os << " " << attr.getName() << "=" << attr.getValue();
  return key;
}
} // namespace

func::FuncOp getOrCreateKernel(
    Operation *op, ValueRange operands, TypeRange resultTypes, ArrayRef<StringRef> runtimeAttributes,
    ConversionPatternRewriter &rewriter,
    function_ref<SmallVector<Value>(ImplicitLocOpBuilder &, ValueRange)> build) {
  auto module = op->getParentOfType<ModuleOp>();
  std::string key = kernelKey(op, operands.getTypes(), resultTypes, runtimeAttributes);
  // Kernels remember their key, so lookups need no side table across pattern instances.
  for (auto func : module.getOps<func::FuncOp>())
    if (auto k = func->getAttrOfType<StringAttr>("g4.kernel_key"); k && k.getValue() == key)
      return func;

  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToEnd(module.getBody());
  std::string base = "kernel_" + op->getName().stripDialect().str();
  std::string name = base;
  for (int i = 0; SymbolTable::lookupSymbolIn(module, name); ++i)
    name = base + "_" + std::to_string(i);
  auto type = rewriter.getFunctionType(operands.getTypes(), resultTypes);
  auto func = func::FuncOp::create(rewriter, op->getLoc(), name, type);
  func.setPrivate();
  func->setAttr("g4.kernel_key", rewriter.getStringAttr(key));
  // Kept out of line in LLVM too: inlining 35 layers' calls back would undo the sharing.
  func->setAttr("passthrough", rewriter.getArrayAttr({rewriter.getStringAttr("noinline")}));
  Block *body = rewriter.createBlock(&func.getBody(), {}, operands.getTypes(),
                                     SmallVector<Location>(operands.size(), op->getLoc()));
  rewriter.setInsertionPointToStart(body);
  ImplicitLocOpBuilder b(op->getLoc(), rewriter);
  SmallVector<Value> results = build(b, body->getArguments());
  for (size_t i = 0; i < results.size(); ++i)
    if (results[i].getType() != resultTypes[i])
      results[i] = tensor::CastOp::create(b, resultTypes[i], results[i]);
  func::ReturnOp::create(b, results);
  return func;
}

} // namespace g4
