//===- GemmaToLinalgPass.cpp - g4-gemma-to-linalg -------------------------===//

#include "dialects/Gemma/IR/GemmaOps.h"
#include "passes/Conversion/GemmaToLinalg/GemmaToLinalg.h"
#include "passes/Conversion/Passes.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Transforms/DialectConversion.h"

#define DEBUG_TYPE "g4-gemma-to-linalg"

namespace g4 {
#define GEN_PASS_DEF_GEMMATOLINALGPASS
#include "passes/Conversion/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {

GemmaTypeConverter::GemmaTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](gemma::KVCacheType cache) -> Type {
    return RankedTensorType::get(
        {2, cache.getCapacity(), cache.getKvHeads(), cache.getHeadDim()},
        cache.getElementType());
  });
}

namespace {

struct GemmaToLinalgPass : impl::GemmaToLinalgPassBase<GemmaToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    GemmaTypeConverter converter;
    RewritePatternSet patterns(ctx);
    populateGemmaLayerToLinalgPatterns(converter, patterns);
    populateGemmaAttentionToLinalgPatterns(converter, patterns);
    populateGemmaFeedForwardToLinalgPatterns(converter, patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);

    ConversionTarget target(*ctx);
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect, arith::ArithDialect,
                           math::MathDialect, scf::SCFDialect>();
    target.addIllegalDialect<gemma::GemmaDialect>();
    // Weights stay symbolic until the entry points bind them to the weight buffer.
    target.addLegalOp<gemma::ParamOp, gemma::WeightOp>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType());
    });
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
        [&](Operation *op) { return converter.isLegal(op); });
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace g4
