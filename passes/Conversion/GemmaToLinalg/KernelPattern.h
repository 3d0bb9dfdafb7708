//===- KernelPattern.h - Lower each gemma op once per signature --*- C++ -*-===//
//
// Every gemma op lowers into a private kernel function, created the first time an op
// with its signature (name, attributes other than `layer`, operand and result types) is
// seen and called for every other: the 35 layers of E2B share a handful of kernels, so
// LLVM compiles each distinct layer piece once and the entry functions stay short.
//
//===----------------------------------------------------------------------===//
#ifndef G4_PASSES_CONVERSION_GEMMATOLINALG_KERNELPATTERN_H
#define G4_PASSES_CONVERSION_GEMMATOLINALG_KERNELPATTERN_H

#include "dialects/Gemma/IR/GemmaTypes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Transforms/DialectConversion.h"

#include <string>

namespace g4 {

/// Finds or creates the kernel for `op`; `build` fills a fresh kernel body from its
/// block arguments (the converted operands, then the runtime attributes) and returns the
/// results. Attributes named in `runtimeAttributes` are left out of the signature: the
/// caller passes them as index arguments, so ops differing only there share a kernel.
mlir::func::FuncOp
getOrCreateKernel(mlir::Operation *op, mlir::ValueRange operands, mlir::TypeRange resultTypes,
                  llvm::ArrayRef<llvm::StringRef> runtimeAttributes,
                  mlir::ConversionPatternRewriter &rewriter,
                  llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::ImplicitLocOpBuilder &,
                                                                    mlir::ValueRange)>
                      build);

/// A conversion pattern whose `lower` emits the op's tensor code given (converted)
/// operands; the base class puts that code into a shared kernel and calls it.
template <typename OpTy>
struct KernelPattern : mlir::OpConversionPattern<OpTy> {
  using mlir::OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpTy::Adaptor;

  /// Reasons this op cannot be lowered (checked before anything is created).
  virtual mlir::LogicalResult check(OpTy op, mlir::ConversionPatternRewriter &rewriter) const {
    return mlir::success();
  }
  virtual llvm::SmallVector<mlir::Value> lower(OpTy op, Adaptor operands,
                                               mlir::ImplicitLocOpBuilder &b) const = 0;
  /// Integer attributes the kernel takes as index arguments instead of constants (read
  /// them in `lower` with runtimeAttribute()). `layer` is always left out: it only names
  /// the op for the verifier, except where listed here.
  virtual llvm::SmallVector<llvm::StringRef> runtimeAttributes() const { return {}; }

  /// The value of runtime attribute `i` inside the kernel being built.
  mlir::Value runtimeAttribute(mlir::ImplicitLocOpBuilder &b, unsigned i) const {
    mlir::Block *block = b.getInsertionBlock();
    while (!llvm::isa<mlir::func::FuncOp>(block->getParentOp()))
      block = block->getParentOp()->getBlock();
    return block->getArgument(block->getNumArguments() - runtimeAttributes().size() + i);
  }

  mlir::LogicalResult matchAndRewrite(OpTy op, Adaptor adaptor,
                                      mlir::ConversionPatternRewriter &rewriter) const final {
    if (mlir::failed(check(op, rewriter)))
      return mlir::failure();
    llvm::SmallVector<mlir::Type> resultTypes;
    if (mlir::failed(this->getTypeConverter()->convertTypes(op->getResultTypes(), resultTypes)))
      return mlir::failure();
    llvm::SmallVector<llvm::StringRef> runtime = runtimeAttributes();
    llvm::SmallVector<mlir::Value> operands(adaptor.getOperands());
    for (llvm::StringRef name : runtime)
      operands.push_back(mlir::arith::ConstantIndexOp::create(
          rewriter, op.getLoc(), op->template getAttrOfType<mlir::IntegerAttr>(name).getInt()));
    size_t numOperands = adaptor.getOperands().size();
    mlir::func::FuncOp kernel = getOrCreateKernel(
        op, operands, resultTypes, runtime, rewriter,
        [&](mlir::ImplicitLocOpBuilder &b, mlir::ValueRange args) {
          return lower(op, Adaptor(args.take_front(numOperands), op), b);
        });
    rewriter.replaceOpWithNewOp<mlir::func::CallOp>(op, kernel, operands);
    return mlir::success();
  }
};

} // namespace g4

#endif // G4_PASSES_CONVERSION_GEMMATOLINALG_KERNELPATTERN_H
