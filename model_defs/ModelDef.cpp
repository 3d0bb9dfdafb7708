//===- ModelDef.cpp - Textproto loading and front-end dispatch ------------===//

#include "model_defs/ModelDef.h"
#include "model_defs/ModelDefSupport.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <charconv>
#include <cmath>

namespace g4 {

using modeldef::ModelDef;

namespace detail {

llvm::Error joinMessages(const std::vector<std::string> &messages) {
  if (messages.empty())
    return llvm::Error::success();
  return makeError(llvm::join(messages, "\n"));
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return makeError(path + ": cannot read file: " + buffer.getError().message());
  return std::move(*buffer);
}

std::string formatNumber(double d) {
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, result.ptr);
}

int64_t rotatedPairsFor(double factor, uint32_t headDim) {
  // Halving is exact, so this is Python's float floor-division `factor*d // 2`.
  double pairs = std::floor(factor * headDim / 2.0);
  // Factors outside (0, 1] (invalid ModelDefs, M20) must not reach the conversion.
  if (!(pairs >= 0 && pairs <= headDim))
    return 0;
  return static_cast<int64_t>(pairs);
}

} // namespace detail

namespace {

/// Collects protobuf's zero-based positions as "path:line:col: message" lines.
class TextprotoErrors : public google::protobuf::io::ErrorCollector {
public:
  explicit TextprotoErrors(llvm::StringRef path) : path(path) {}

  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string &message) override {
    messages.push_back(
        (path + ":" + llvm::Twine(line + 1) + ":" + llvm::Twine(column + 1) + ": " + message)
            .str());
  }

  std::vector<std::string> messages;

private:
  std::string path;
};

} // namespace

llvm::Expected<ModelDef> loadModelDefTextproto(llvm::StringRef path) {
  auto buffer = detail::readFile(path);
  if (!buffer)
    return buffer.takeError();
  TextprotoErrors errors(path);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  ModelDef def;
  if (!parser.ParseFromString(std::string((*buffer)->getBuffer()), &def)) {
    if (errors.messages.empty())
      errors.messages.push_back((path + ": not a valid ModelDef textproto").str());
    return detail::joinMessages(errors.messages);
  }
  return def;
}

/// Chooses the front end from the file name.
static llvm::Expected<ModelDef> parseByExtension(llvm::StringRef file) {
  llvm::StringRef ext = llvm::sys::path::extension(file);
  if (ext == ".json")
    return importHFConfig(file);
  if (ext == ".textproto" || ext == ".pbtxt")
    return loadModelDefTextproto(file);
  return detail::makeError(file + ": unrecognised model definition: expected a checkpoint "
                                  "directory, a .json file, or a .textproto/.pbtxt file");
}

llvm::Expected<ModelDef> loadModelDef(llvm::StringRef path) {
  llvm::SmallString<256> file(path);
  if (llvm::sys::fs::is_directory(path))
    llvm::sys::path::append(file, "config.json");
  else if (!llvm::sys::fs::exists(path))
    return detail::makeError(path + ": no such file or directory");

  llvm::Expected<ModelDef> def = parseByExtension(file);
  if (!def)
    return def.takeError();
  if (llvm::Error err = validateModelDef(*def, file))
    return std::move(err);
  return def;
}

int rotatedPairs(const ModelDef &def, int layer) {
  const auto &text = def.text();
  if (layer < 0 || layer >= text.layers_size())
    return 0;
  const auto &l = text.layers(layer);
  const auto &rope = l.attention() == modeldef::GLOBAL ? text.global_rope() : text.sliding_rope();
  return static_cast<int>(detail::rotatedPairsFor(detail::rotaryFactor(rope), l.head_dim()));
}

} // namespace g4
