//===- TokenizerCommand.cpp - g4c tokenize / detokenize -------------------===//

#include "compiler/Tokenizer/TokenizerCommand.h"

#include "compiler/Tokenizer/TokenizerPacker.h"

#include "runtime/g4rt/text/tokenizer.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace g4 {
namespace {

const char kUsage[] =
    "usage: g4c tokenize   --tokenizer T [--add-bos] [--no-added-tokens] [--whole]\n"
    "                      [--no-word-cache]\n"
    "       g4c tokenize   --tokenizer T --bench FILE\n"
    "       g4c tokenize   --tokenizer T --write-packed OUT\n"
    "       g4c detokenize --tokenizer T [--skip-special]\n"
    "T is a tokenizer.json or a packed tokenizer. tokenize reads UTF-8 text on stdin\n"
    "and prints one line of space-separated ids per input line (--whole: one line\n"
    "for all of stdin, newlines included); detokenize reads a line of ids and prints\n"
    "the line of text.\n";

struct Options {
  bool decode = false;
  std::string tokenizer;
  std::string bench;
  std::string writePacked;
  bool addBos = false;
  bool addedTokens = true;
  bool whole = false;
  bool cacheWords = true;
  bool skipSpecial = false;
};

int usageError(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "g4c") << message << "\n" << kUsage;
  return 2;
}

int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "g4c") << message << "\n";
  return 1;
}

std::string statusText(const g4rt_status_t &status) {
  char buffer[G4RT_STATUS_MESSAGE_CAPACITY + 32];
  g4rt_status_format(&status, buffer, sizeof(buffer));
  return buffer;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// A tokenizer.json packed here, or a packed blob read as is.
llvm::Expected<PackedTokenizer> loadPacked(llvm::StringRef path, double &packSeconds) {
  auto start = std::chrono::steady_clock::now();
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(buffer.getError(),
                                   "'" + path + "': cannot read: " + buffer.getError().message());
  llvm::StringRef bytes = (*buffer)->getBuffer();
  if (bytes.starts_with(llvm::StringRef(G4RT_TOKENIZER_MAGIC, 8))) {
    PackedTokenizer blob;
    blob.size = bytes.size();
    blob.storage.assign((bytes.size() + 7) / 8, 0);
    std::memcpy(blob.storage.data(), bytes.data(), bytes.size());
    packSeconds = 0;
    return blob;
  }
  llvm::Expected<TokenizerSpec> spec = parseTokenizerJson(bytes, path);
  if (!spec)
    return spec.takeError();
  llvm::Expected<PackedTokenizer> blob = packTokenizer(*spec);
  packSeconds = secondsSince(start);
  return blob;
}

/// Encoding buffers that grow with the longest line.
class Encoder {
public:
  explicit Encoder(const g4rt_tokenizer_t &tokenizer, const Options &options)
      : tokenizer(tokenizer) {
    g4rt_tokenizer_encode_options_initialize(&encodeOptions);
    encodeOptions.add_bos = options.addBos;
    encodeOptions.match_added_tokens = options.addedTokens;
    encodeOptions.cache_words = options.cacheWords;
  }

  void setCacheWords(bool cache) { encodeOptions.cache_words = cache; }

  g4rt_status_t encode(llvm::StringRef text) {
    size_t scratchWords = (g4rt_tokenizer_encode_scratch_bytes(text.size()) + 7) / 8;
    if (arenaMemory.size() < scratchWords)
      arenaMemory.resize(scratchWords);
    if (ids.size() < g4rt_tokenizer_max_ids(text.size()))
      ids.resize(g4rt_tokenizer_max_ids(text.size()));
    g4rt_arena_t arena;
    g4rt_arena_initialize(arenaMemory.data(), arenaMemory.size() * 8, &arena);
    return g4rt_tokenizer_encode(&tokenizer, text.data(), text.size(), &encodeOptions, &arena,
                                 ids.data(), ids.size(), &count);
  }

  llvm::ArrayRef<int32_t> result() const { return llvm::ArrayRef(ids).take_front(count); }

private:
  const g4rt_tokenizer_t &tokenizer;
  g4rt_tokenizer_encode_options_t encodeOptions;
  std::vector<uint64_t> arenaMemory;
  std::vector<int32_t> ids;
  size_t count = 0;
};

/// The lines of `text`: split at '\n'; a final '\n' ends the last line.
std::vector<llvm::StringRef> lines(llvm::StringRef text) {
  std::vector<llvm::StringRef> out;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    out.push_back(line);
    text = rest;
  }
  return out;
}

int tokenize(const g4rt_tokenizer_t &tokenizer, const Options &options, llvm::StringRef input) {
  Encoder encoder(tokenizer, options);
  std::vector<llvm::StringRef> all =
      options.whole ? std::vector<llvm::StringRef>{input} : lines(input);
  llvm::raw_ostream &out = llvm::outs();
  for (size_t i = 0; i < all.size(); ++i) {
    g4rt_status_t status = encoder.encode(all[i]);
    if (!g4rt_status_is_ok(&status))
      return fail("line " + llvm::Twine(i + 1) + ": " + statusText(status));
    llvm::ArrayRef<int32_t> ids = encoder.result();
    for (size_t j = 0; j < ids.size(); ++j) {
      if (j)
        out << ' ';
      out << ids[j];
    }
    out << '\n';
  }
  out.flush();
  return 0;
}

int detokenize(const g4rt_tokenizer_t &tokenizer, const Options &options, llvm::StringRef input) {
  std::vector<llvm::StringRef> all = lines(input);
  std::vector<int32_t> ids;
  std::string text;
  uint32_t flags = options.skipSpecial ? G4RT_TOKENIZER_DECODE_SKIP_SPECIAL : 0;
  llvm::raw_ostream &out = llvm::outs();
  for (size_t i = 0; i < all.size(); ++i) {
    ids.clear();
    llvm::SmallVector<llvm::StringRef, 64> fields;
    all[i].split(fields, ' ', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef field : fields) {
      field = field.trim(" \t\r");
      if (field.empty())
        continue;
      int64_t id = 0;
      if (field.getAsInteger(10, id) || id < INT32_MIN || id > INT32_MAX)
        return fail("line " + llvm::Twine(i + 1) + ": expected a token id, found '" + field + "'");
      ids.push_back(int32_t(id));
    }
    size_t length = 0;
    text.resize(std::max<size_t>(text.size(), 16));
    g4rt_status_t status = g4rt_tokenizer_decode(&tokenizer, ids.data(), ids.size(), flags,
                                                 text.data(), text.size(), &length);
    if (status.code == G4RT_STATUS_OUT_OF_RANGE && length > text.size()) {
      text.resize(length);
      status = g4rt_tokenizer_decode(&tokenizer, ids.data(), ids.size(), flags, text.data(),
                                     text.size(), &length);
    }
    if (!g4rt_status_is_ok(&status))
      return fail("line " + llvm::Twine(i + 1) + ": " + statusText(status));
    out.write(text.data(), length);
    out << '\n';
  }
  out.flush();
  return 0;
}

/// --bench: the packed size, load time and encode/decode speed over FILE.
int bench(const g4rt_tokenizer_t &tokenizer, const PackedTokenizer &blob, double packSeconds,
          const Options &options) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(options.bench, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!file)
    return fail("'" + options.bench + "': cannot read: " + file.getError().message());
  llvm::StringRef text = (*file)->getBuffer();
  llvm::raw_ostream &out = llvm::outs();
  out << llvm::format("tokenizer: %u tokens, %u merges, %u added tokens; packed %.1f MB",
                      tokenizer.token_count, tokenizer.header->merge_count,
                      tokenizer.header->added_count, blob.size / 1e6);
  if (packSeconds > 0)
    out << llvm::format(" (reading and packing tokenizer.json: %.0f ms)", packSeconds * 1e3);
  out << "\n";

  double bestLoad = 1e9;
  for (int i = 0; i < 20; ++i) {
    g4rt_tokenizer_t again;
    auto start = std::chrono::steady_clock::now();
    g4rt_status_t status = g4rt_tokenizer_load(blob.data(), blob.size, &again);
    double seconds = secondsSince(start);
    if (!g4rt_status_is_ok(&status))
      return fail(statusText(status));
    bestLoad = std::min(bestLoad, seconds);
  }
  out << llvm::format("load: %.2f ms (validation and checksum of the packed blob, best of 20)\n",
                      bestLoad * 1e3);

  Encoder encoder(tokenizer, options);
  for (bool cache : {true, false}) {
    encoder.setCacheWords(cache);
    double bestEncode = 1e9, total = 0;
    int reps = 0;
    while (reps < 5 || (total < 1.0 && reps < 1000)) {
      auto start = std::chrono::steady_clock::now();
      g4rt_status_t status = encoder.encode(text);
      double seconds = secondsSince(start);
      if (!g4rt_status_is_ok(&status))
        return fail(statusText(status));
      bestEncode = std::min(bestEncode, seconds);
      total += seconds;
      ++reps;
    }
    out << llvm::format("encode (%s): %zu bytes -> %zu ids in %.2f ms (best of %d): %.1f MB/s\n",
                        cache ? "word cache" : "no word cache", text.size(),
                        encoder.result().size(), bestEncode * 1e3, reps,
                        text.size() / bestEncode / 1e6);
  }
  llvm::ArrayRef<int32_t> ids = encoder.result();

  size_t length = 0;
  // Sizing call (capacity 0): OUT_OF_RANGE with the length needed.
  g4rt_status_ignore(
      g4rt_tokenizer_decode(&tokenizer, ids.data(), ids.size(), 0, nullptr, 0, &length));
  std::string decoded(length, '\0');
  double bestDecode = 1e9;
  for (int i = 0; i < 20; ++i) {
    auto start = std::chrono::steady_clock::now();
    g4rt_status_t status = g4rt_tokenizer_decode(&tokenizer, ids.data(), ids.size(), 0,
                                                 decoded.data(), decoded.size(), &length);
    double seconds = secondsSince(start);
    if (!g4rt_status_is_ok(&status))
      return fail(statusText(status));
    bestDecode = std::min(bestDecode, seconds);
  }
  out << llvm::format("decode: %zu ids -> %zu bytes in %.2f ms (best of 20): %.1f MB/s\n",
                      ids.size(), length, bestDecode * 1e3, length / bestDecode / 1e6);
  return 0;
}

} // namespace

int runTokenizerCommand(int argc, char **argv) {
  Options options;
  options.decode = std::strcmp(argv[0], "detokenize") == 0;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    auto value = [&](llvm::StringRef flag, std::string &into) -> std::optional<int> {
      if (arg.consume_front(flag)) {
        if (arg.consume_front("=")) {
          into = arg.str();
          return 0;
        }
        if (arg.empty()) {
          if (i + 1 >= argc)
            return usageError(llvm::Twine(flag) + " needs a value");
          into = argv[++i];
          return 0;
        }
        arg = argv[i]; // a longer flag with the same prefix
      }
      return std::nullopt;
    };
    if (arg == "--help" || arg == "-h") {
      llvm::outs() << kUsage;
      return 0;
    }
    std::optional<int> consumed;
    if ((consumed = value("--tokenizer", options.tokenizer)) ||
        (!options.decode && (consumed = value("--bench", options.bench))) ||
        (!options.decode && (consumed = value("--write-packed", options.writePacked)))) {
      if (*consumed != 0)
        return *consumed;
    } else if (!options.decode && arg == "--add-bos") {
      options.addBos = true;
    } else if (!options.decode && arg == "--no-added-tokens") {
      options.addedTokens = false;
    } else if (!options.decode && arg == "--whole") {
      options.whole = true;
    } else if (!options.decode && arg == "--no-word-cache") {
      options.cacheWords = false;
    } else if (options.decode && arg == "--skip-special") {
      options.skipSpecial = true;
    } else {
      return usageError(llvm::Twine(argv[0]) + ": unknown argument '" + arg + "'");
    }
  }
  if (options.tokenizer.empty())
    return usageError(llvm::Twine(argv[0]) + ": --tokenizer is required");

  double packSeconds = 0;
  llvm::Expected<PackedTokenizer> blob = loadPacked(options.tokenizer, packSeconds);
  if (!blob)
    return fail(llvm::toString(blob.takeError()));
  g4rt_tokenizer_t tokenizer;
  g4rt_status_t status = g4rt_tokenizer_load(blob->data(), blob->size, &tokenizer);
  if (!g4rt_status_is_ok(&status))
    return fail("'" + options.tokenizer + "': " + statusText(status));

  if (!options.writePacked.empty()) {
    std::error_code error;
    llvm::raw_fd_ostream file(options.writePacked, error, llvm::sys::fs::OF_None);
    if (!error) {
      file << blob->bytes();
      file.close();
      error = file.error();
    }
    if (error)
      return fail("'" + options.writePacked + "': cannot write: " + error.message());
    return 0;
  }
  if (!options.bench.empty())
    return bench(tokenizer, *blob, packSeconds, options);

  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> input = llvm::MemoryBuffer::getSTDIN();
  if (!input)
    return fail("cannot read stdin: " + input.getError().message());
  return options.decode ? detokenize(tokenizer, options, (*input)->getBuffer())
                        : tokenize(tokenizer, options, (*input)->getBuffer());
}

} // namespace g4
