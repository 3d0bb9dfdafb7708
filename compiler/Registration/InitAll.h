//===- InitAll.h - Every dialect and pass of g4 ------------------*- C++ -*-===//
//
// One registration point shared by g4-opt and g4c: the project's dialects and passes
// plus the upstream dialects the lowering pipelines produce.
//
//===----------------------------------------------------------------------===//
#ifndef G4_COMPILER_REGISTRATION_INITALL_H
#define G4_COMPILER_REGISTRATION_INITALL_H

#include "dialects/Gemma/IR/GemmaDialect.h"
#include "dialects/Gemma/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace g4 {

inline void registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<gemma::GemmaDialect, mlir::affine::AffineDialect, mlir::arith::ArithDialect,
                  mlir::bufferization::BufferizationDialect, mlir::func::FuncDialect,
                  mlir::LLVM::LLVMDialect, mlir::linalg::LinalgDialect, mlir::math::MathDialect,
                  mlir::memref::MemRefDialect, mlir::scf::SCFDialect,
                  mlir::tensor::TensorDialect, mlir::vector::VectorDialect>();
}

inline void registerAllPasses() {
  gemma::registerGemmaTransformsPasses();
  mlir::registerTransformsPasses(); // canonicalize, cse, ...
}

} // namespace g4

#endif // G4_COMPILER_REGISTRATION_INITALL_H
