//===- Bench.h - g4c bench: a model against the machine's limits -*- C++ -*-===//
//
// Compiles a model (a checkpoint, or a definition with deterministic random weights),
// links it with the runtime's benchmark main and runs it: prefill and decode tokens/s
// next to the read bandwidth and FMA peak measured in the same run
// (docs/benchmarks.md).
//
//===----------------------------------------------------------------------===//
#ifndef G4_COMPILER_DRIVER_BENCH_H
#define G4_COMPILER_DRIVER_BENCH_H

#include "dialects/Gemma/IR/GemmaTypes.h"
#include "model_defs/model_def.pb.h"
#include "targets/CPU/TargetSelection.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace g4 {

/// What one run measures (g4c bench --tests): prefill of each prompt length (test
/// "pp<N>") and decode at each context depth (test "tg@<D>"), in the given order.
struct BenchTests {
  std::vector<int64_t> prompts{128, 512};
  std::vector<int64_t> depths{0, 1024};
};

/// Parses `--tests=LIST`: comma-separated `ppN` (N >= 1 prompt tokens) and `tg@D` (D >= 0
/// positions of context), each at most once, for example "tg@0,pp512".
llvm::Expected<BenchTests> parseBenchTests(llvm::StringRef list);

struct BenchOptions {
  std::string input;
  BenchTests tests;
  std::string threadsList = "1,2";
  std::string weightsFormat = "bf16";
  std::string packedActivations = "q8";
  std::string kvCacheType = "f32";
  /// The code's CPU and features (--mcpu, --mattr): another CPU of this host's
  /// architecture that the host can run, e.g. AVX2 code on an AVX-512 host. The triple
  /// must be the host's: the benchmark runs here.
  TargetSpec target;
  bool json = false;
  bool profile = false; ///< --profile: the benchmark's dispatch profile of decode
  uint64_t seed = 1;
  std::string g4cPath;
  /// Extra arguments passed through to the benchmark program (tests use small runs).
  std::vector<std::string> extraArgs;
};

/// Bytes a decode step reads at context depth `depth`: every weight once (the tied head
/// in full), one row of the token and per-layer-embedding tables, the selected experts'
/// share of the expert weights, and the K/V positions each attention layer reads.
/// With `packedFormat` (as packedWeightFormat gives it for the target) the matrices the
/// builder packs in it count 34/32 (q8) or 18/32 (q4) bytes per weight, and the tied
/// table 34/32 where packedTableFormat packs it; everything else 2 (bf16). K and V take
/// `kvElementBytes` each (4: f32 caches, 2: f16).
int64_t decodeBytesPerToken(const modeldef::ModelDef &def, int64_t depth,
                            std::optional<gemma::WeightFormat> packedFormat = std::nullopt,
                            int64_t kvElementBytes = 4);
/// Floating-point operations per prompt token in the weight contractions (2 per weight
/// element touched; attention's score and value products are not counted), the head
/// aside: a prefill call runs the head for its last token only.
int64_t prefillFlopsPerToken(const modeldef::ModelDef &def);
/// The head's floating-point operations for one token: 2 x vocab x hidden.
int64_t headFlopsPerToken(const modeldef::ModelDef &def);

llvm::Error bench(const BenchOptions &options);

} // namespace g4

#endif // G4_COMPILER_DRIVER_BENCH_H
