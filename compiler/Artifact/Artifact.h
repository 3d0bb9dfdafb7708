//===- Artifact.h - What g4c writes next to the generated code ---*- C++ -*-===//
//
// The pieces of a compiled model besides its code, all defined by the ABI header
// runtime/g4rt/abi/model_abi.h: the `g4_model_info` constant, the weight blob (header +
// tensors at their planned offsets) and the self-contained executable (linked program +
// page-aligned blob + optional text section + trailer).
//
//===----------------------------------------------------------------------===//
#ifndef G4_COMPILER_ARTIFACT_ARTIFACT_H
#define G4_COMPILER_ARTIFACT_ARTIFACT_H

#include "dialects/Gemma/IR/GemmaTypes.h"
#include "passes/Memory/MemoryPlan.h"

#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>

namespace g4 {

struct BoundWeights;

/// Model facts the runtime needs besides the memory plan.
struct ModelFacts {
  std::string name;
  uint32_t numLayers = 0;
  int64_t vocabSize = 0, hiddenSize = 0, maxContext = 0, slidingWindow = 0;
  int32_t bosTokenId = 2, eosTokenId = 1, padTokenId = 0;
};

/// FNV-1a over everything the compiled code assumes about the weight data: tensor names,
/// shapes, element types and offsets, the KV plan and the model facts.
uint64_t computeFingerprint(const ModelFacts &facts, const MemoryPlan &plan);

/// The block order of packed tensor `tensor`: gemma::interleavedPanelLayout of each of
/// its matrices (an expert stack [E, N, K] is E matrices of N rows) for q8_0x8 / q4_0x8,
/// plain (one band of one group) for any other format. The packer writes it and the
/// fingerprint covers it.
gemma::PanelLayout packedPanelLayout(const WeightPlan &tensor);

/// Adds the `g4_model_info` constant (g4_model_info_t) and its KV plan to `module`.
void addModelInfo(llvm::Module &module, const ModelFacts &facts, const MemoryPlan &plan,
                  uint64_t fingerprint);

/// Writes exactly `tensor.bytes` bytes of one planned tensor to the stream (in pieces:
/// the PLE table of E2B alone is 4.7 GB).
using TensorFiller = std::function<llvm::Error(const WeightPlan &tensor, llvm::raw_ostream &os)>;

/// Copies each tensor from the bound checkpoint (its dtype is the declared element type).
TensorFiller checkpointTensors(const BoundWeights &weights);
/// Deterministic weights for `seed`: norm and scale weights near 1, matrices uniform with
/// variance 1/fan_in, so activations stay in range for demos and benchmarks.
TensorFiller randomTensors(uint64_t seed);

/// Packed tensors (WeightPlan::packedFormat) are asked of `inner` as their float matrix
/// (element type `sourceType(tensor)`: "f32", "bf16" or "f16") and quantised row by row on
/// the way out: q8_0 blocks get the scale max|w|/127 and round(w/scale), q4_0 blocks the
/// scale -m/8 for the w of largest magnitude m and min(15, w/scale + 8.5) (ggml's rules),
/// scales stored as f16. bf16x8 ... bf16x64 and f16x8 ... f16x64 tensors are asked of
/// `inner` as plain rows and written with each group of 8 ... 64 rows transposed. An f16
/// tensor whose source type is bf16 or f32 (--weights-format=f16) is asked of `inner` in
/// that type and converted (round to nearest even); a value f16 cannot hold (NaN, inf,
/// beyond 65504) is an error naming the tensor and the element. Other tensors pass through.
TensorFiller packingTensors(TensorFiller inner,
                            std::function<std::string(const WeightPlan &)> sourceType);

/// Writes the weight blob (g4_weights_header_t then the data) to `os`.
llvm::Error writeWeightBlob(llvm::raw_ostream &os, const MemoryPlan &plan, uint64_t fingerprint,
                            const TensorFiller &fill);

struct LinkOptions {
  std::string triple;     // empty: host
  std::string g4cPath;    // argv[0] of g4c, to find the runtime next to it
};

/// The architecture name of `triple` when it is not the host's ("aarch64"), else "".
/// Executables for it link the runtime built in <g4c dir>/../targets/<arch>/lib.
std::string crossArchitecture(llvm::StringRef triple);

/// The runtime archives in link order, listed by the build in <g4c dir>/../lib/`linkList`
/// for the host, <g4c dir>/../targets/<arch>/lib/`linkList` for a cross target.
llvm::Expected<std::vector<std::string>> runtimeArchives(const LinkOptions &options,
                                                         llvm::StringRef linkList);

/// Links `objectPath` with the runtime archives listed in <g4c dir>/../lib/`linkList`
/// (g4rt-link.txt: the executable's main; g4rt-bench-link.txt: the benchmark's) into
/// `outputPath`.
llvm::Error linkWithRuntime(llvm::StringRef objectPath, llvm::StringRef outputPath,
                            const LinkOptions &options, llvm::StringRef linkList);

/// Links `objectPath` with the runtime into `outputPath`, then appends the weight blob,
/// the text section `textSection` (g4_text_header_t + packed tokenizer; empty: none,
/// the executable then takes token ids only) and the trailer, so the file runs when
/// copied anywhere on its own.
llvm::Error writeExecutable(llvm::StringRef objectPath, llvm::StringRef outputPath,
                            const MemoryPlan &plan, uint64_t fingerprint, const TensorFiller &fill,
                            const LinkOptions &options, llvm::StringRef textSection = {});

/// Bytes of the weight blob writeWeightBlob writes for `plan` (header, padding, data).
int64_t weightBlobBytes(const MemoryPlan &plan);

//===- The firmware library (g4c --emit=staticlib) -----------------------===//

/// The symbol an ABI symbol gets in library `name`: NAME_g4_model_info,
/// NAME_g4_prefill, NAME_g4_decode.
std::string firmwareSymbol(llvm::StringRef name, llvm::StringRef abiSymbol);

/// Renames the ABI symbols of `module` for library `name` and adds its C API: the
/// NAME_* functions of the generated header, each forwarding to the firmware runtime
/// (runtime/g4rt/firmware/firmware.h) with this model's info and functions;
/// NAME_required_bytes returns `requiredBytes`.
void addFirmwareEntryPoints(llvm::Module &module, llvm::StringRef name, int64_t requiredBytes);

/// The NAME_* functions addFirmwareEntryPoints defines (the library's only exports).
std::vector<std::string> firmwareApiSymbols(llvm::StringRef name);

/// Writes NAME.h: the model's constants, status codes and the C API, self-contained.
llvm::Error writeLibraryHeader(llvm::StringRef path, llvm::StringRef name,
                               const ModelFacts &facts, const MemoryPlan &plan,
                               uint64_t fingerprint, int64_t blobBytes, int64_t requiredBytes);

/// Writes the archive `outputPath`: the model object (as member `memberName`), then the
/// members of the firmware runtime archives (g4rt-firmware-link.txt) for the target.
llvm::Error writeStaticLibrary(llvm::StringRef objectPath, llvm::StringRef outputPath,
                               llvm::StringRef memberName, const LinkOptions &options);

} // namespace g4

#endif // G4_COMPILER_ARTIFACT_ARTIFACT_H
