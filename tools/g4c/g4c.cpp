//===- g4c.cpp - The g4 compiler driver -----------------------------------===//
//
//   g4c [--emit=mlir|summary|structure] [--max-context=N] [-o FILE] MODEL
//
// MODEL is a Hugging Face checkpoint directory, a config.json, or a ModelDef textproto.
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/ModelInput.h"
#include "compiler/Driver/Summary.h"
#include "compiler/Registration/InitAll.h"
#include "dialects/Gemma/Utils/Structure.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <chrono>

namespace cl = llvm::cl;

namespace {

enum class Emit { MLIR, Summary, Structure };

cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                               cl::desc("<checkpoint dir | config.json | model.textproto>"));
cl::opt<Emit> emit("emit", cl::desc("what to write"), cl::init(Emit::MLIR),
                   cl::values(clEnumValN(Emit::MLIR, "mlir", "the gemma module"),
                              clEnumValN(Emit::Summary, "summary",
                                         "parameters, per-layer table, KV caches"),
                              clEnumValN(Emit::Structure, "structure",
                                         "per-layer structure as JSON")));
cl::opt<int64_t> maxContext("max-context", cl::desc("KV capacity of global layers (positions)"),
                            cl::init(4096));
cl::opt<std::string> outputPath("o", cl::desc("output file"), cl::init("-"));

int fail(llvm::Error error) {
  llvm::WithColor::error(llvm::errs(), "g4c") << llvm::toString(std::move(error)) << "\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "g4c: the Gemma 4 ahead-of-time compiler\n");
  if (maxContext <= 0)
    return fail(llvm::createStringError("--max-context must be positive; found " +
                                        std::to_string(maxContext)));

  llvm::Expected<g4::ModelInput> input = g4::loadModelInput(inputPath);
  if (!input)
    return fail(input.takeError());

  mlir::DialectRegistry registry;
  g4::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  auto started = std::chrono::steady_clock::now();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      g4::buildModel(context, input->def, input->buildOptions(maxContext));
  double buildSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (mlir::failed(mlir::verify(*module)))
    return fail(llvm::createStringError("internal error: the built module does not verify"));

  std::error_code ec;
  llvm::ToolOutputFile out(outputPath, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return fail(llvm::createStringError(outputPath + ": " + ec.message()));
  switch (emit) {
  case Emit::MLIR:
    module->print(out.os());
    break;
  case Emit::Structure: {
    auto layers = g4::gemma::extractStructure(module->lookupSymbol<mlir::func::FuncOp>("prefill"));
    if (mlir::failed(layers))
      return 1;
    g4::gemma::printStructureJson(*layers, out.os());
    break;
  }
  case Emit::Summary:
    if (mlir::failed(g4::printModelSummary(*module, out.os())))
      return 1;
    if (input->weights)
      out.os() << g4::formatBindingReport(*input->weights);
    out.os() << llvm::format("built in %.3f s\n", buildSeconds);
    break;
  }
  out.keep();
  return 0;
}
