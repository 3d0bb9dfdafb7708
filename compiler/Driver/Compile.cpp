//===- Compile.cpp - g4c compile: model -> IR, object, executable ---------===//

#include "compiler/Driver/Compile.h"
#include "compiler/Artifact/Artifact.h"
#include "compiler/Driver/ModelInput.h"
#include "compiler/Driver/Summary.h"
#include "compiler/Registration/InitAll.h"
#include "compiler/Tokenizer/TextAssets.h"
#include "dialects/Gemma/Utils/Structure.h"
#include "passes/Memory/MemoryPlan.h"
#include "passes/Pipelines/Pipelines.h"
#include "runtime/g4rt/abi/model_abi.h"
#include "targets/CPU/KernelShape.h"
#include "targets/CPU/ObjectEmitter.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include "llvm/Support/ToolOutputFile.h"
#include <chrono>

namespace g4 {

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Diagnostics of a failed pass run are already on stderr; this names the stage.
llvm::Error runSteps(mlir::ModuleOp module, size_t first, size_t last, llvm::StringRef what,
                     const llvm::StringMap<std::string> &stepOptions = {}) {
  mlir::PassManager pm(module.getContext());
  if (mlir::failed(buildCpuLoweringPipeline(pm, first, last, stepOptions)) ||
      mlir::failed(pm.run(module)))
    return error("lowering failed in " + what);
  return llvm::Error::success();
}

ModelFacts modelFacts(const modeldef::ModelDef &def, int64_t maxContext) {
  const auto &t = def.text();
  ModelFacts facts;
  facts.name = def.name();
  facts.numLayers = uint32_t(t.layers_size());
  facts.vocabSize = t.vocab_size();
  facts.hiddenSize = t.hidden_size();
  facts.maxContext = maxContext;
  facts.slidingWindow = t.sliding_window();
  facts.bosTokenId = int32_t(t.bos_token_id());
  facts.eosTokenId = int32_t(t.eos_token_id());
  facts.padTokenId = int32_t(t.pad_token_id());
  return facts;
}

/// Gives every definition but `exported` (the ABI's symbols, or a library's API) internal linkage:
/// kernels, tasks and MLIR's helpers (dealloc_helper, ...) must not clash with other objects in the
/// program, and LLVM optimises what it sees is local.
void internalizeAllBut(llvm::Module &module, llvm::ArrayRef<std::string> exported) {
  auto internalize = [&](llvm::GlobalValue &value) {
    if (!value.isDeclaration() && !value.hasLocalLinkage() &&
        !llvm::is_contained(exported, value.getName()))
      value.setLinkage(llvm::GlobalValue::InternalLinkage);
  };
  for (llvm::Function &f : module)
    internalize(f);
  for (llvm::GlobalVariable &g : module.globals())
    internalize(g);
}

/// Opens `path` ("-" is stdout), lets `write` fill it and keeps the file only on success.
llvm::Error writeOutput(llvm::StringRef path, llvm::sys::fs::OpenFlags flags,
                        llvm::function_ref<llvm::Error(llvm::raw_fd_ostream &)> write) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, flags);
  if (ec)
    return error(path + ": " + ec.message());
  if (llvm::Error e = write(out.os()))
    return e;
  out.keep();
  return llvm::Error::success();
}

/// The NAME of `-o libNAME.a`, which prefixes the library's API and names its header.
llvm::Expected<std::string> libraryName(llvm::StringRef output) {
  llvm::StringRef file = llvm::sys::path::filename(output);
  llvm::StringRef name = file;
  if (!name.consume_front("lib") || !name.consume_back(".a") || name.empty())
    return error("--emit=staticlib writes libNAME.a: -o " + output +
                 " does not name one (for example -o libgemma.a)");
  bool identifier = !llvm::isDigit(name.front()) &&
                    llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
  // The library's own runtime uses these prefixes: NAME_init would be g4fw_init.
  for (llvm::StringRef reserved : {"g4fw", "g4rt", "g4_"})
    if (name == reserved || name.starts_with(reserved.str() + "_") || name.starts_with("g4_"))
      return error("-o " + output + ": the name '" + name +
                   "' would collide with the runtime's own symbols (g4fw_*, g4rt_*, g4_*); "
                   "choose another library name");
  if (!identifier) {
    std::string suggestion = name.str();
    for (char &c : suggestion)
      if (!llvm::isAlnum(c))
        c = '_';
    if (llvm::isDigit(suggestion.front()))
      suggestion.insert(0, "m");
    return error("-o " + output + ": '" + name +
                 "' is not a C identifier, and the library's functions are named after it "
                 "(NAME_init, ...); use letters, digits and '_', for example lib" +
                 suggestion + ".a");
  }
  return name.str();
}

llvm::Error printModule(mlir::ModuleOp module, llvm::StringRef path) {
  return writeOutput(path, llvm::sys::fs::OF_Text, [&](llvm::raw_fd_ostream &os) -> llvm::Error {
    module->print(os);
    return llvm::Error::success();
  });
}

/// The packed format of `weightsFormat` with or without the interleaved layout.
std::optional<gemma::WeightFormat> packedFormatOf(llvm::StringRef weightsFormat, bool interleaved) {
  if (weightsFormat == "q8")
    return interleaved ? gemma::WeightFormat::q8_0x8 : gemma::WeightFormat::q8_0;
  if (weightsFormat == "q4")
    return interleaved ? gemma::WeightFormat::q4_0x8 : gemma::WeightFormat::q4_0;
  return std::nullopt;
}

} // namespace

llvm::Expected<std::optional<gemma::WeightFormat>> packedWeightFormat(llvm::StringRef weightsFormat,
                                                                      const TargetSpec &target) {
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> machine = createTargetMachine(target);
  if (!machine)
    return machine.takeError();
  return packedFormatOf(weightsFormat, contractionKernelShape(**machine).interleavedPacking);
}

llvm::Error compile(const CompileOptions &options) {
  if (options.maxContext <= 0)
    return error("--max-context must be positive; found " + llvm::Twine(options.maxContext));
  if (options.weightsFormat != "bf16" && options.weightsFormat != "f16" &&
      options.weightsFormat != "q8" && options.weightsFormat != "q4")
    return error("--weights-format=" + options.weightsFormat +
                 ": expected bf16 (the checkpoint's float types), f16 (bf16 tensors converted "
                 "to f16), q8 (q8_0 blocks) or q4 (q4_0 blocks)");
  if (options.packedActivations != "q8" && options.packedActivations != "f32")
    return error("--packed-activations=" + options.packedActivations +
                 ": expected q8 (int8 activations, integer dot products) or f32");
  if (options.kvCacheType != "f32" && options.kvCacheType != "f16")
    return error("--kv-cache-type=" + options.kvCacheType +
                 ": expected f32 or f16 (keys and values stored rounded to half precision)");
  if (options.maxPrefillTokens <= 0)
    return error("--max-prefill-tokens must be positive; found " +
                 llvm::Twine(options.maxPrefillTokens));
  llvm::Expected<ModelInput> input = loadModelInput(options.input);
  if (!input)
    return input.takeError();

  const int64_t positions = input->def.text().max_position_embeddings();
  if (options.maxContext > positions)
    return error("--max-context " + llvm::Twine(options.maxContext) + " exceeds the " +
                 llvm::Twine(positions) + " positions " + input->def.name() +
                 " was trained for (max_position_embeddings)");
  const bool needsWeights =
      options.emit == EmitKind::Executable || options.emit == EmitKind::Weights;
  if (needsWeights && !input->weights && !options.randomWeightsSeed)
    return error(options.input + " has no weights: compile a checkpoint directory, or pass "
                                 "--random-weights SEED for deterministic random weights");
  // Random weights are generated in the checkpoint-free bf16 layout.
  const bool useCheckpoint = input->weights && !options.randomWeightsSeed;
  // An executable takes text when its checkpoint directory has a tokenizer.json (read
  // now, so a broken one fails before the long part).
  std::string textSection;
  if ((options.emit == EmitKind::Executable || options.emit == EmitKind::Text) &&
      llvm::sys::fs::is_directory(options.input)) {
    const auto &text = input->def.text();
    llvm::Expected<std::optional<TextAssets>> assets =
        loadTextAssets(options.input, text.vocab_size(), int32_t(text.eos_token_id()));
    if (!assets)
      return assets.takeError();
    if (*assets)
      textSection = buildTextSection(**assets);
  }
  // --emit=text: the same section alone, for a firmware library's NAME_text_init.
  if (options.emit == EmitKind::Text) {
    if (textSection.empty())
      return error(options.input + " has no tokenizer.json: --emit=text needs a checkpoint "
                                   "directory with one");
    return writeOutput(options.output, llvm::sys::fs::OF_None,
                       [&](llvm::raw_fd_ostream &os) -> llvm::Error {
                         os << textSection;
                         return llvm::Error::success();
                       });
  }

  mlir::DialectRegistry registry;
  g4::registerAllDialects(registry);
  // Single-threaded: the output must not depend on how nested pass managers interleave
  // (the order of constants created in parallel differed from run to run), and these
  // machines have two cores anyway.
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  BuildOptions buildOptions =
      useCheckpoint ? input->buildOptions(options.maxContext) : BuildOptions{};
  buildOptions.maxContext = options.maxContext;
  buildOptions.maxPrefillTokens = options.maxPrefillTokens;
  buildOptions.kvCacheF16 = options.kvCacheType == "f16";
  // The target is resolved before the model is built: its kernels choose the packed
  // layout, and its vector width and registers shape the contraction microkernels.
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> machine =
      createTargetMachine(options.target);
  if (!machine)
    return machine.takeError();
  ContractionKernelShape kernelShape = contractionKernelShape(**machine);
  bool interleaved = kernelShape.interleavedPacking;
  // bf16 matrices in transposed groups of four vectors of outputs, for every bf16
  // projection and the tied head: decode reads a group's four vectors per input as one
  // stream (the row layout read 8 rows at once, groups of one vector four streams),
  // prefill runs 6 x 4 zmm or 6 x 2 ymm tiles. With AVX2, groups of one vector beat the
  // row layout in decode (+35% tg@0) and prefill (+20% pp512); groups of four beat
  // those in decode (performance.md). A matrix whose rows are not a multiple of the
  // group takes groups of one vector (bf16x16, bf16x8).
  if (interleaved)
    buildOptions.interleavedFloat =
        kernelShape.lanes >= 16 ? gemma::WeightFormat::bf16x64 : gemma::WeightFormat::bf16x32;
  buildOptions.packedFormat = packedFormatOf(options.weightsFormat, interleaved);
  buildOptions.bf16AsF16 = options.weightsFormat == "f16";
  auto started = std::chrono::steady_clock::now();
  mlir::OwningOpRef<mlir::ModuleOp> module = buildModel(context, input->def, buildOptions);
  double buildSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (mlir::failed(mlir::verify(*module)))
    return error("internal error: the built module does not verify");

  if (options.emit == EmitKind::Summary || options.emit == EmitKind::Structure) {
    return writeOutput(
        options.output, llvm::sys::fs::OF_Text, [&](llvm::raw_fd_ostream &os) -> llvm::Error {
          if (options.emit == EmitKind::Structure) {
            auto layers =
                gemma::extractStructure(module->lookupSymbol<mlir::func::FuncOp>("prefill"));
            if (mlir::failed(layers))
              return error("cannot read the layer structure back from the module");
            gemma::printStructureJson(*layers, os);
            return llvm::Error::success();
          }
          if (mlir::failed(printModelSummary(*module, os)))
            return error("cannot summarise the module");
          if (input->weights)
            os << formatBindingReport(*input->weights);
          os << llvm::format("built in %.3f s\n", buildSeconds);
          return llvm::Error::success();
        });
  }

  // Merge projections and plan memory first: the weight layout and KV arena are read
  // back from the module.
  const size_t numSteps = cpuLoweringSteps().size();
  const size_t planStep = *findCpuLoweringStep("g4-gemma-plan-memory");
  size_t last = numSteps - 1;
  if (!options.stopAfter.empty()) {
    if (options.emit != EmitKind::MLIR)
      return error("--stop-after applies to --emit=mlir");
    mlir::FailureOr<size_t> step = findCpuLoweringStep(options.stopAfter);
    if (mlir::failed(step))
      return error("--stop-after=" + options.stopAfter + ": unknown step");
    last = *step;
  }
  if (options.emit == EmitKind::MLIR && options.stopAfter.empty() && !options.printMemoryPlan)
    return printModule(*module, options.output);
  std::string library;
  if (options.emit == EmitKind::StaticLib) {
    llvm::Expected<std::string> name = libraryName(options.output);
    if (!name)
      return name.takeError();
    library = *name;
  }

  if (last < planStep) {
    if (llvm::Error e = runSteps(*module, 0, last, "the gemma-level steps"))
      return e;
    return printModule(*module, options.output);
  }
  if (llvm::Error e = runSteps(*module, 0, planStep, "g4-gemma-plan-memory"))
    return e;
  mlir::FailureOr<MemoryPlan> plan = readMemoryPlan(*module);
  if (mlir::failed(plan))
    return error("internal error: no memory plan");
  if (options.printMemoryPlan)
    printMemoryPlan(*plan, llvm::outs());
  ModelFacts facts = modelFacts(input->def, options.maxContext);
  uint64_t fingerprint = computeFingerprint(facts, *plan);
  TensorFiller fill = useCheckpoint               ? checkpointTensors(*input->weights)
                      : options.randomWeightsSeed ? randomTensors(*options.randomWeightsSeed)
                                                  : TensorFiller();
  if (fill) {
    // Packed matrices are quantised from the checkpoint's float tensor (or bf16 random
    // values) as the blob is written; bf16x8 ... bf16x64 and f16x8 ... f16x64 ones are
    // regrouped, and f16 ones from a bf16 source converted (--weights-format=f16).
    const BoundWeights *bound = useCheckpoint ? &*input->weights : nullptr;
    fill = packingTensors(fill, [bound](const WeightPlan &tensor) -> std::string {
      const BoundParam *param = bound ? bound->lookup(tensor.name) : nullptr;
      if (!param || param->record->dtype == DType::BF16)
        return "bf16";
      return param->record->dtype == DType::F32 ? "f32" : "f16";
    });
  }

  if (options.emit == EmitKind::Weights)
    return writeOutput(options.output, llvm::sys::fs::OF_None,
                       [&](llvm::raw_fd_ostream &os) -> llvm::Error {
                         return writeWeightBlob(os, *plan, fingerprint, fill);
                       });
  if (options.emit == EmitKind::MLIR && options.stopAfter.empty())
    return llvm::Error::success(); // only the memory plan was asked for

  kernelShape.quantizeActivations = options.packedActivations == "q8";
  llvm::StringMap<std::string> stepOptions;
  stepOptions["g4-vectorize-contractions"] = kernelShape.passOptions();
  // Parts of one decode matrix are computed side by side only where partners are.
  if (kernelShape.decodePartners)
    stepOptions["g4-outline-parallel-tasks"] =
        "weight-parts=" + std::to_string(kernelShape.decodeWeightParts) +
        " packed-weight-parts=" + std::to_string(kernelShape.decodePackedWeightParts);
  if (!kernelShape.quantizeActivations)
    stepOptions["g4-prequantize-activations"] = "max-stack-bytes=0 scratch=false";
  if (!kernelShape.fusedMultiplyAdd)
    stepOptions["g4-math-approximate-tanh"] = "fused-multiply-add=false";
  if (llvm::Error e =
          runSteps(*module, planStep + 1, last, "the CPU lowering pipeline", stepOptions))
    return e;
  if (options.emit == EmitKind::MLIR)
    return printModule(*module, options.output);
  auto scratchBytes = (*module)->getAttrOfType<mlir::IntegerAttr>("g4.scratch_bytes");
  if (!scratchBytes)
    return error("internal error: the lowering did not plan the scratch arena");
  plan->scratchBytes = scratchBytes.getInt();

  llvm::LLVMContext llvmContext;
  llvm::Expected<std::unique_ptr<llvm::Module>> llvmModule =
      translateToLLVMIR(*module, llvmContext, **machine);
  if (!llvmModule)
    return llvmModule.takeError();
  addModelInfo(**llvmModule, facts, *plan, fingerprint);
  const int64_t requiredBytes =
      int64_t(G4_FIRMWARE_CONTEXT_BYTES) + plan->kvBytes + plan->scratchBytes;
  if (options.emit == EmitKind::StaticLib) {
    addFirmwareEntryPoints(**llvmModule, library, requiredBytes);
    internalizeAllBut(**llvmModule, firmwareApiSymbols(library));
  } else {
    internalizeAllBut(**llvmModule, {G4_PREFILL_SYMBOL, G4_DECODE_SYMBOL, G4_MODEL_INFO_SYMBOL});
  }
  optimizeModule(**llvmModule, **machine, options.optLevel);

  if (options.emit == EmitKind::LLVMIR)
    return writeOutput(options.output, llvm::sys::fs::OF_Text,
                       [&](llvm::raw_fd_ostream &os) -> llvm::Error {
                         (*llvmModule)->print(os, nullptr);
                         return llvm::Error::success();
                       });

  std::string objectPath = options.output;
  llvm::SmallString<128> tempObject;
  if (options.emit == EmitKind::Executable || options.emit == EmitKind::StaticLib) {
    if (options.output == "-")
      return error("--emit=exe and --emit=staticlib need an output file: pass -o");
    if (std::error_code tec = llvm::sys::fs::createTemporaryFile("g4c-model", "o", tempObject))
      return error("cannot create a temporary object file: " + tec.message());
    objectPath = tempObject.str().str();
  }
  if (llvm::Error e = writeOutput(objectPath, llvm::sys::fs::OF_None,
                                  [&](llvm::raw_fd_ostream &os) -> llvm::Error {
                                    return emitObject(**llvmModule, **machine, os);
                                  }))
    return e;
  if (options.emit == EmitKind::Object)
    return llvm::Error::success();

  LinkOptions link{options.target.triple, options.g4cPath};
  if (options.emit == EmitKind::StaticLib) {
    llvm::SmallString<256> header = llvm::sys::path::parent_path(options.output);
    llvm::sys::path::append(header, library + ".h");
    llvm::Error written = writeStaticLibrary(objectPath, options.output, library + ".o", link);
    llvm::sys::fs::remove(tempObject);
    if (written)
      return written;
    return writeLibraryHeader(header, library, facts, *plan, fingerprint, weightBlobBytes(*plan),
                              requiredBytes);
  }

  llvm::Error linked =
      writeExecutable(objectPath, options.output, *plan, fingerprint, fill, link, textSection);
  llvm::sys::fs::remove(tempObject);
  return linked;
}

} // namespace g4
