//===- ApproximateTanh.cpp - g4-math-approximate-tanh ---------------------===//

#include "passes/Codegen/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "g4-math-approximate-tanh"

namespace g4 {
#define GEN_PASS_DEF_APPROXIMATETANHPASS
#include "passes/Codegen/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

struct ApproximateTanhPass : impl::ApproximateTanhPassBase<ApproximateTanhPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populatePolynomialApproximateTanhPattern(patterns);
    // The polynomial is written with math.fma, which becomes a call to libm's fmaf on
    // a target without FMA instructions.
    if (!fusedMultiplyAdd)
      math::populateExpansionPatterns(patterns, {"fma"});
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace g4
