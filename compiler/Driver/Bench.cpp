//===- Bench.cpp - g4c bench: a model against the machine's limits --------===//

#include "compiler/Driver/Bench.h"
#include "compiler/Artifact/Artifact.h"
#include "compiler/Builder/ModelBuilder.h"
#include "compiler/Driver/Compile.h"
#include "compiler/Driver/ModelInput.h"
#include "model_defs/ParameterList.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"

namespace g4 {

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

bool isExpertWeight(llvm::StringRef name) { return name.contains(".experts."); }

/// Removes the files it was given when it goes out of scope.
struct TempFiles {
  std::vector<std::string> paths;
  ~TempFiles() {
    for (const std::string &path : paths)
      llvm::sys::fs::remove(path);
  }
  llvm::Expected<std::string> create(llvm::StringRef prefix, llvm::StringRef suffix) {
    llvm::SmallString<128> path;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(prefix, suffix, path))
      return error("cannot create a temporary file: " + ec.message());
    paths.push_back(path.str().str());
    return paths.back();
  }
};

std::string joinIntegers(const std::vector<int64_t> &values) {
  std::string joined;
  for (int64_t value : values)
    joined += (joined.empty() ? "" : ",") + std::to_string(value);
  return joined;
}

} // namespace

llvm::Expected<BenchTests> parseBenchTests(llvm::StringRef list) {
  auto bad = [&](llvm::StringRef item, const llvm::Twine &why) {
    return error("--tests=" + list + ": '" + item + "' " + why +
                 " (tests: ppN, prefill of N prompt tokens, and tg@D, decode at context "
                 "depth D; for example --tests=tg@0,pp512)");
  };
  BenchTests tests;
  tests.prompts.clear();
  tests.depths.clear();
  llvm::SmallVector<llvm::StringRef> items;
  list.split(items, ',');
  for (llvm::StringRef item : items) {
    llvm::StringRef count = item;
    bool prefill = count.consume_front("pp");
    if (!prefill && !count.consume_front("tg@"))
      return bad(item, "is not a test");
    int64_t value = 0;
    if (count.getAsInteger(10, value))
      return bad(item,
                 prefill ? "needs a whole number after 'pp'" : "needs a whole number after 'tg@'");
    if (value < (prefill ? 1 : 0))
      return bad(item, prefill ? "needs a positive prompt length" : "needs a depth of 0 or more");
    std::vector<int64_t> &values = prefill ? tests.prompts : tests.depths;
    if (llvm::is_contained(values, value))
      return bad(item, "is given twice");
    values.push_back(value);
  }
  return tests;
}

int64_t decodeBytesPerToken(const modeldef::ModelDef &def, int64_t depth,
                            std::optional<gemma::WeightFormat> packedFormat,
                            int64_t kvElementBytes) {
  const auto &t = def.text();
  // What the builder packs under this format: the interleaved forms leave a group whose
  // output dims are not multiples of 8 unpacked, and the table when its vocab is not.
  std::vector<std::string> packed;
  int64_t blockBytes = 0;
  bool packedTable = false;
  if (packedFormat) {
    packed = packedParams(def, *packedFormat);
    blockBytes = gemma::packedBlockBytes(*packedFormat);
    // The tied table (the head) is q8 under q8 and q4 (packedTableFormat).
    packedTable = packedTableFormat(def, *packedFormat).has_value();
  }
  int64_t bytes = 0;
  for (const ParamSpec &spec : listTextDecoderParams(def)) {
    int64_t elements = numElements(spec);
    if (spec.name == "embed_tokens_per_layer.weight")
      elements = spec.shape[1]; // one row per token
    else if (spec.name == "embed_tokens.weight")
      elements += t.tie_word_embeddings() ? spec.shape[1] : 0; // head in full + one row
    else if (isExpertWeight(spec.name))
      elements = elements / t.moe().num_experts() * t.moe().top_k();
    if (spec.name == "embed_tokens.weight" && packedTable)
      bytes += elements / 32 * 34;
    else
      bytes += llvm::is_contained(packed, spec.name) ? elements / 32 * blockBytes : elements * 2;
  }
  // K and V of every position each layer attends to, shared layers included.
  for (const auto &layer : t.layers()) {
    int64_t positions = depth + 1;
    if (layer.attention() == modeldef::SLIDING)
      positions = std::min<int64_t>(positions, t.sliding_window());
    bytes += 2 * positions * int64_t(layer.num_kv_heads()) * layer.head_dim() * kvElementBytes;
  }
  return bytes;
}

int64_t headFlopsPerToken(const modeldef::ModelDef &def) {
  return 2 * def.text().vocab_size() * def.text().hidden_size();
}

int64_t prefillFlopsPerToken(const modeldef::ModelDef &def) {
  const auto &t = def.text();
  int64_t elements = 0;
  for (const ParamSpec &spec : listTextDecoderParams(def)) {
    // Vectors are not contractions; the tables are gathered; the head (tied or not) is
    // headFlopsPerToken.
    if (spec.shape.size() < 2 || spec.name == "embed_tokens_per_layer.weight" ||
        spec.name == "embed_tokens.weight" || spec.name == "lm_head.weight")
      continue;
    int64_t n = numElements(spec);
    if (isExpertWeight(spec.name))
      n = n / t.moe().num_experts() * t.moe().top_k();
    elements += n;
  }
  return 2 * elements;
}

llvm::Error bench(const BenchOptions &options) {
  std::string otherArchitecture = crossArchitecture(options.target.triple);
  if (!otherArchitecture.empty())
    return error("--target=" + options.target.triple + ": g4c bench runs the model on this " +
                 "machine, which cannot run " + otherArchitecture +
                 " code (--mcpu and --mattr choose code this machine runs)");
  llvm::Expected<ModelInput> input = loadModelInput(options.input);
  if (!input)
    return input.takeError();

  TempFiles temps;
  llvm::Expected<std::string> object = temps.create("g4-bench-model", "o");
  llvm::Expected<std::string> blob = temps.create("g4-bench-weights", "bin");
  llvm::Expected<std::string> program = temps.create("g4-bench", "exe");
  if (!object || !blob || !program)
    return error("cannot create temporary files for the benchmark");

  CompileOptions compileOptions;
  compileOptions.input = options.input;
  compileOptions.g4cPath = options.g4cPath;
  if (!input->weights)
    compileOptions.randomWeightsSeed = options.seed;
  compileOptions.emit = EmitKind::Object;
  compileOptions.output = *object;
  // pp512 runs as one prefill call, as a user's long prompt would at this setting.
  compileOptions.maxPrefillTokens = 512;
  compileOptions.weightsFormat = options.weightsFormat;
  compileOptions.packedActivations = options.packedActivations;
  compileOptions.kvCacheType = options.kvCacheType;
  compileOptions.target = options.target;
  if (llvm::Error e = compile(compileOptions))
    return e;
  compileOptions.emit = EmitKind::Weights;
  compileOptions.output = *blob;
  if (llvm::Error e = compile(compileOptions))
    return e;
  if (llvm::Error e =
          linkWithRuntime(*object, *program, LinkOptions{options.target.triple, options.g4cPath},
                          "g4rt-bench-link.txt"))
    return e;

  const modeldef::ModelDef &def = input->def;
  // The format the compile above packed in on this host.
  llvm::Expected<std::optional<gemma::WeightFormat>> packedFormat =
      packedWeightFormat(options.weightsFormat, compileOptions.target);
  if (!packedFormat)
    return packedFormat.takeError();
  int64_t kvElementBytes = options.kvCacheType == "f16" ? 2 : 4;
  std::vector<int64_t> bytesPerToken;
  for (int64_t depth : options.tests.depths)
    bytesPerToken.push_back(decodeBytesPerToken(def, depth, *packedFormat, kvElementBytes));
  // The CPU the code is for, as the user spelled it ("host" by default).
  std::string code = options.target.cpu.empty() ? "host" : options.target.cpu;
  if (!options.target.features.empty())
    code += " " + options.target.features;
  // The format names the KV caches' type when it is not the default f32.
  std::string format = options.weightsFormat;
  if (options.kvCacheType != "f32")
    format += "+kv-" + options.kvCacheType;
  std::vector<std::string> args{*program,
                                "--weights",
                                *blob,
                                "--model",
                                def.name(),
                                "--format",
                                format,
                                "--code",
                                code,
                                "--threads-list",
                                options.threadsList,
                                "--prompts",
                                joinIntegers(options.tests.prompts),
                                "--depths",
                                joinIntegers(options.tests.depths),
                                "--bytes-per-token",
                                joinIntegers(bytesPerToken),
                                "--flops-per-token",
                                std::to_string(prefillFlopsPerToken(def)),
                                "--head-flops",
                                std::to_string(headFlopsPerToken(def))};
  if (options.json)
    args.push_back("--json");
  if (options.profile)
    args.push_back("--profile");
  args.insert(args.end(), options.extraArgs.begin(), options.extraArgs.end());
  std::vector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*program, argRefs, std::nullopt, {}, 0, 0, &message);
  if (rc != 0)
    return error(
        "the benchmark failed (" + (message.empty() ? "exit " + std::to_string(rc) : message) +
        "): " + llvm::join(args, " ") +
        // A crash (an illegal instruction) of code for a CPU the user chose.
        (message.empty() || code == "host" ? ""
                                           : " (does this machine run code for " + code + "?)"));
  return llvm::Error::success();
}

} // namespace g4
