//===- g4-opt.cpp - The mlir-opt of g4 ------------------------------------===//
//
// Parses, verifies, transforms and prints IR of the gemma dialect and of the upstream
// dialects g4's pipelines lower to; runs any registered g4 or upstream pass.
//
//===----------------------------------------------------------------------===//

#include "compiler/Registration/InitAll.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  g4::registerAllDialects(registry);
  g4::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "g4 optimizer driver\n", registry));
}
