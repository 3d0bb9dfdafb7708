//===- g4c.cpp - The g4 compiler driver -----------------------------------===//
//
//   g4c compile [options] MODEL -o NAME     a self-contained executable (default)
//   g4c [options] MODEL                     the gemma IR (--emit=mlir is the default)
//   g4c tokenize|detokenize --tokenizer T   text <-> token ids, one line each
//
// MODEL is a Hugging Face checkpoint directory, a config.json, or a ModelDef textproto.
// See docs/user-guide.md.
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/Bench.h"
#include "compiler/Driver/Compile.h"
#include "compiler/Registration/InitAll.h"
#include "compiler/Tokenizer/TokenizerCommand.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

#include <cstring>

namespace cl = llvm::cl;
using g4::EmitKind;

namespace {

cl::OptionCategory g4cOptions("g4c options");

cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                               cl::desc("<checkpoint dir | config.json | model.textproto>"),
                               cl::cat(g4cOptions));
cl::opt<EmitKind> emit(
    "emit", cl::desc("what to write (default: exe for 'g4c compile', mlir otherwise)"),
    cl::values(clEnumValN(EmitKind::Executable, "exe", "a self-contained executable"),
               clEnumValN(EmitKind::StaticLib, "staticlib",
                          "a firmware library libNAME.a and its header NAME.h"),
               clEnumValN(EmitKind::Object, "obj", "the model's object file (code only)"),
               clEnumValN(EmitKind::LLVMIR, "llvm", "optimised LLVM IR"),
               clEnumValN(EmitKind::MLIR, "mlir",
                          "MLIR: gemma level, or after --stop-after=STEP of the lowering"),
               clEnumValN(EmitKind::Weights, "weights", "the packed weight blob"),
               clEnumValN(EmitKind::Text, "text",
                          "the text section (packed tokenizer, generation defaults)"),
               clEnumValN(EmitKind::Summary, "summary", "parameters, per-layer table, KV caches"),
               clEnumValN(EmitKind::Structure, "structure", "per-layer structure as JSON")),
    cl::cat(g4cOptions));
cl::opt<std::string> outputPath("o", cl::desc("output file"), cl::init("-"), cl::cat(g4cOptions));
cl::opt<std::string> target("target", cl::desc("target triple (default: the host)"),
                            cl::cat(g4cOptions));
cl::opt<std::string> mcpu("mcpu", cl::desc("target CPU, LLVM spelling (default: host CPU)"),
                          cl::cat(g4cOptions));
cl::opt<std::string> mattr("mattr", cl::desc("target features, LLVM spelling: +feat,-feat"),
                           cl::cat(g4cOptions));
cl::opt<int64_t> maxContext("max-context", cl::desc("positions the KV cache plan holds"),
                            cl::init(4096), cl::cat(g4cOptions));
cl::opt<int64_t> maxPrefillTokens(
    "max-prefill-tokens",
    cl::desc("most tokens one prefill call takes (sizes the scratch arena; the runtime "
             "splits longer prompts)"),
    cl::init(128), cl::cat(g4cOptions));
cl::opt<uint64_t>
    randomWeights("random-weights",
                  cl::desc("SEED: deterministic random weights instead of a checkpoint"),
                  cl::cat(g4cOptions));
cl::opt<bool> printMemoryPlan("print-memory-plan",
                              cl::desc("print the KV arena and weight data plan"),
                              cl::cat(g4cOptions));
cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimisation level 0-3"), cl::init(3), cl::Prefix,
                           cl::cat(g4cOptions));

// g4c bench

cl::opt<bool> benchJson("json", cl::desc("bench: one JSON object per line and measurement"),
                        cl::cat(g4cOptions));
cl::opt<bool> benchProfile("profile",
                           cl::desc("bench: also time every parallel loop of one more run of "
                                    "every test per thread count, and print where a decode "
                                    "step's or a prefill's time goes"),
                           cl::cat(g4cOptions));
cl::opt<std::string> weightsFormat("weights-format",
                                   cl::desc("bf16 (the checkpoint's float types), f16 (bf16 "
                                            "tensors converted to f16), q8 or q4 (projection "
                                            "matrices in q8_0/q4_0 blocks)"),
                                   cl::init("bf16"), cl::cat(g4cOptions));
cl::opt<std::string> packedActivations(
    "packed-activations",
    cl::desc("with q8/q4 weights: q8 (activations quantised per 32 to int8, integer dot "
             "products; the default) or f32 (weights dequantised in registers, f32 FMAs)"),
    cl::init("q8"), cl::cat(g4cOptions));
cl::opt<std::string> kvCacheType(
    "kv-cache-type",
    cl::desc("the KV caches' element type: f32 (the default) or f16 (keys and values "
             "rounded to half precision: half the KV arena and the bytes attention reads)"),
    cl::init("f32"), cl::cat(g4cOptions));
cl::opt<std::string>
    benchTests("tests",
               cl::desc("bench: the tests to run, comma-separated: ppN (prefill of N prompt "
                        "tokens) and tg@D (decode at context depth D); default "
                        "pp128,pp512,tg@0,tg@1024"),
               cl::cat(g4cOptions));
cl::list<std::string> benchArgs("bench-arg", cl::desc("bench: pass an argument to the benchmark"),
                                cl::Hidden, cl::cat(g4cOptions));

int fail(llvm::Error error) {
  llvm::WithColor::error(llvm::errs(), "g4c") << llvm::toString(std::move(error)) << "\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // `g4c tokenize|detokenize ...` parse their own flags (docs/tokenizer.md).
  if (argc > 1 &&
      (std::strcmp(argv[1], "tokenize") == 0 || std::strcmp(argv[1], "detokenize") == 0))
    return g4::runTokenizerCommand(argc - 1, argv + 1);
  g4::registerAllPasses(); // the lowering steps are textual pipelines of registered passes
  // `g4c compile ...` defaults to an executable; plain `g4c ...` prints the gemma IR.
  bool compileCommand = argc > 1 && std::strcmp(argv[1], "compile") == 0;
  bool benchCommand = argc > 1 && std::strcmp(argv[1], "bench") == 0;
  std::vector<char *> args(argv, argv + argc);
  if (compileCommand || benchCommand)
    args.erase(args.begin() + 1);
  // LLVM's code generator owns the cl::opt named stop-after, so g4c reads its own
  // --stop-after=STEP (with --emit=mlir: the lowering step to stop after) by hand.
  std::string stopAfter, threads; // LLVM also owns a "threads" option
  for (auto it = args.begin() + 1; it != args.end();) {
    llvm::StringRef arg(*it);
    if (arg.consume_front("--stop-after=") || arg.consume_front("-stop-after=")) {
      stopAfter = arg.str();
      it = args.erase(it);
    } else if (benchCommand && arg.consume_front("--threads=")) {
      threads = arg.str();
      it = args.erase(it);
    } else if (benchCommand && arg == "--threads" && it + 1 != args.end()) {
      threads = *(it + 1);
      it = args.erase(it, it + 2);
    } else if ((arg == "--stop-after" || arg == "-stop-after") && it + 1 != args.end()) {
      stopAfter = *(it + 1);
      it = args.erase(it, it + 2);
    } else {
      ++it;
    }
  }
  // --help lists g4c's own options, not the hundreds LLVM's libraries register.
  cl::HideUnrelatedOptions(g4cOptions);
  cl::ParseCommandLineOptions(
      int(args.size()), args.data(),
      "g4c: the Gemma 4 ahead-of-time compiler\n\n"
      "  g4c compile [options] MODEL -o NAME   a self-contained executable\n"
      "  g4c [options] MODEL                   the gemma IR (--emit=mlir)\n"
      "  --stop-after=STEP                     with --emit=mlir: the IR after\n"
      "                                        that lowering step\n");

  std::string g4cPath = llvm::sys::fs::getMainExecutable(argv[0], reinterpret_cast<void *>(&fail));
  if (benchCommand) {
    g4::BenchOptions bench;
    bench.input = inputPath;
    if (!threads.empty()) {
      unsigned n = 0;
      if (llvm::StringRef(threads).getAsInteger(10, n) || n == 0)
        return fail(llvm::createStringError("--threads: expected a positive integer, found '" +
                                            threads + "'"));
      bench.threadsList = threads;
    }
    // Without --tests, BenchTests' defaults (the four tests of the issue).
    if (benchTests.getNumOccurrences()) {
      llvm::Expected<g4::BenchTests> tests = g4::parseBenchTests(benchTests);
      if (!tests)
        return fail(tests.takeError());
      bench.tests = std::move(*tests);
    }
    bench.json = benchJson;
    bench.profile = benchProfile;
    bench.weightsFormat = weightsFormat;
    bench.packedActivations = packedActivations;
    bench.kvCacheType = kvCacheType;
    bench.target = {target, mcpu, mattr, int(std::min(optLevel.getValue(), 3u))};
    if (randomWeights.getNumOccurrences())
      bench.seed = randomWeights.getValue();
    bench.g4cPath = g4cPath;
    bench.extraArgs.assign(benchArgs.begin(), benchArgs.end());
    if (llvm::Error e = g4::bench(bench))
      return fail(std::move(e));
    return 0;
  }

  g4::CompileOptions options;
  options.input = inputPath;
  options.output = outputPath;
  options.emit = emit.getNumOccurrences() ? emit.getValue()
                 : compileCommand         ? EmitKind::Executable
                                          : EmitKind::MLIR;
  options.stopAfter = stopAfter;
  options.target = {target, mcpu, mattr, int(std::min(optLevel.getValue(), 3u))};
  options.maxContext = maxContext;
  options.maxPrefillTokens = maxPrefillTokens;
  options.weightsFormat = weightsFormat;
  options.packedActivations = packedActivations;
  options.kvCacheType = kvCacheType;
  if (randomWeights.getNumOccurrences())
    options.randomWeightsSeed = randomWeights.getValue();
  options.printMemoryPlan = printMemoryPlan;
  options.optLevel = int(std::min(optLevel.getValue(), 3u));
  options.g4cPath = g4cPath;
  if (llvm::Error e = g4::compile(options))
    return fail(std::move(e));
  return 0;
}
