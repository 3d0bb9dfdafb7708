//===- TextAssets.cpp - What an executable needs to take text -------------===//

#include "compiler/Tokenizer/TextAssets.h"

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/text/chat.h"
#include "runtime/g4rt/text/tokenizer.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>

namespace g4 {
namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Error fieldError(llvm::StringRef path, llvm::StringRef field, llvm::StringRef expected,
                       const llvm::json::Value &found) {
  std::string shown;
  llvm::raw_string_ostream os(shown);
  os << found;
  if (shown.size() > 40)
    shown = shown.substr(0, 40) + "...";
  return error("'" + path + "': " + field + ": expected " + expected + ", found " + shown);
}

llvm::Expected<std::string> readFile(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return error("'" + path + "': cannot read: " + buffer.getError().message());
  return (*buffer)->getBuffer().str();
}

/// A number field of generation_config.json (null or absent: `fallback`).
llvm::Expected<double> number(const llvm::json::Object &object, llvm::StringRef key,
                              double fallback, llvm::StringRef path) {
  const llvm::json::Value *value = object.get(key);
  if (!value || value->kind() == llvm::json::Value::Null)
    return fallback;
  std::optional<double> number = value->getAsNumber();
  if (!number || !std::isfinite(*number))
    return fieldError(path, key, "a number", *value);
  return *number;
}

/// The chat template of `dir`: chat_template.jinja, else tokenizer_config.json's
/// chat_template (a string, or a list of {name, template} whose "default" or first
/// entry is taken); "" when there is none.
llvm::Expected<std::string> readChatTemplate(llvm::StringRef dir) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, "chat_template.jinja");
  if (llvm::sys::fs::exists(path))
    return readFile(path);
  path = dir;
  llvm::sys::path::append(path, "tokenizer_config.json");
  if (!llvm::sys::fs::exists(path))
    return std::string();
  llvm::Expected<std::string> text = readFile(path);
  if (!text)
    return text.takeError();
  llvm::Expected<llvm::json::Value> root = llvm::json::parse(*text);
  if (!root)
    return error("'" + path + "': not valid JSON: " + llvm::toString(root.takeError()));
  const llvm::json::Object *object = root->getAsObject();
  if (!object)
    return fieldError(path, "(the file)", "a JSON object", *root);
  const llvm::json::Value *chat = object->get("chat_template");
  if (!chat || chat->kind() == llvm::json::Value::Null)
    return std::string();
  if (std::optional<llvm::StringRef> single = chat->getAsString())
    return single->str();
  const llvm::json::Array *list = chat->getAsArray();
  if (!list)
    return fieldError(path, "chat_template", "a string or a list of templates", *chat);
  std::string chosen;
  for (const llvm::json::Value &entry : *list) {
    const llvm::json::Object *named = entry.getAsObject();
    std::optional<llvm::StringRef> source = named ? named->getString("template") : std::nullopt;
    if (!source)
      return fieldError(path, "chat_template[]", "objects with a \"template\" string", entry);
    if (chosen.empty() || named->getString("name") == llvm::StringRef("default"))
      chosen = source->str();
  }
  return chosen;
}

} // namespace

llvm::Expected<GenerationDefaults> parseGenerationConfig(llvm::StringRef text,
                                                         llvm::StringRef path) {
  llvm::Expected<llvm::json::Value> root = llvm::json::parse(text);
  if (!root)
    return error("'" + path + "': not valid JSON: " + llvm::toString(root.takeError()));
  const llvm::json::Object *object = root->getAsObject();
  if (!object)
    return fieldError(path, "(the file)", "a JSON object", *root);
  // Hugging Face's GenerationConfig defaults for what the file does not set.
  GenerationDefaults defaults;
  defaults.fromFile = true;
  llvm::Expected<double> temperature = number(*object, "temperature", 1.0, path);
  if (!temperature)
    return temperature.takeError();
  if (*temperature < 0 || *temperature > 1e30)
    return fieldError(path, "temperature", "a number >= 0", *object->get("temperature"));
  defaults.temperature = float(*temperature);
  llvm::Expected<double> topP = number(*object, "top_p", 1.0, path);
  if (!topP)
    return topP.takeError();
  if (!(*topP > 0 && *topP <= 1))
    return fieldError(path, "top_p", "a number in (0, 1]", *object->get("top_p"));
  defaults.topP = float(*topP);
  defaults.topK = 50;
  if (const llvm::json::Value *topK = object->get("top_k");
      topK && topK->kind() != llvm::json::Value::Null) {
    std::optional<int64_t> k = topK->getAsInteger();
    if (!k || *k < 0 || *k > INT32_MAX)
      return fieldError(path, "top_k", "an integer >= 0", *topK);
    defaults.topK = int32_t(*k);
  }
  defaults.greedy = true;
  if (const llvm::json::Value *sample = object->get("do_sample");
      sample && sample->kind() != llvm::json::Value::Null) {
    std::optional<bool> value = sample->getAsBoolean();
    if (!value)
      return fieldError(path, "do_sample", "true or false", *sample);
    defaults.greedy = !*value;
  }
  if (const llvm::json::Value *eos = object->get("eos_token_id");
      eos && eos->kind() != llvm::json::Value::Null) {
    auto add = [&](const llvm::json::Value &id) -> llvm::Error {
      std::optional<int64_t> value = id.getAsInteger();
      if (!value || *value < 0)
        return fieldError(path, "eos_token_id", "a token id or a list of token ids", *eos);
      defaults.eosTokenIds.push_back(*value);
      return llvm::Error::success();
    };
    if (const llvm::json::Array *list = eos->getAsArray()) {
      for (const llvm::json::Value &id : *list)
        if (llvm::Error e = add(id))
          return std::move(e);
    } else if (llvm::Error e = add(*eos)) {
      return std::move(e);
    }
  }
  return defaults;
}

bool templateHasEmptyThought(llvm::StringRef chatTemplate) {
  // In the Jinja source the string literal spells the newline as "\n".
  return chatTemplate.contains(G4RT_CHAT_CHANNEL_START "thought\\n" G4RT_CHAT_CHANNEL_END) ||
         chatTemplate.contains(G4RT_CHAT_CHANNEL_START "thought\n" G4RT_CHAT_CHANNEL_END);
}

llvm::Expected<TextAssets> makeTextAssets(PackedTokenizer tokenizer, GenerationDefaults generation,
                                          bool emptyThought, int64_t vocabSize, int32_t eosTokenId,
                                          llvm::StringRef path) {
  TextAssets assets;
  assets.tokenizer = std::move(tokenizer);
  assets.generation = std::move(generation);
  assets.emptyThought = emptyThought;
  g4rt_tokenizer_t loaded;
  g4rt_status_t status =
      g4rt_tokenizer_load(assets.tokenizer.data(), assets.tokenizer.size, &loaded);
  if (!g4rt_status_is_ok(&status))
    return error("'" + path + "': the packed tokenizer does not load: " + status.message);
  assets.tokenCount = g4rt_tokenizer_token_count(&loaded);
  if (int64_t(assets.tokenCount) > vocabSize)
    return error("'" + path + "': the tokenizer has " + llvm::Twine(assets.tokenCount) +
                 " ids, more than the model's vocab_size of " + llvm::Twine(vocabSize) +
                 " (a tokenizer for another model?)");

  auto addStop = [&](int64_t id, const llvm::Twine &source) -> llvm::Error {
    if (id < 0 || id >= vocabSize)
      return error(source + ": stop id " + llvm::Twine(id) + " is outside the vocabulary [0, " +
                   llvm::Twine(vocabSize) + ")");
    if (!llvm::is_contained(assets.stopIds, int32_t(id)))
      assets.stopIds.push_back(int32_t(id));
    return llvm::Error::success();
  };
  if (llvm::Error e = addStop(eosTokenId, "the model's eos_token_id"))
    return std::move(e);
  llvm::SmallString<256> generationPath = llvm::sys::path::parent_path(path);
  llvm::sys::path::append(generationPath, "generation_config.json");
  for (int64_t id : assets.generation.eosTokenIds)
    if (llvm::Error e = addStop(id, "'" + generationPath.str().str() + "': eos_token_id"))
      return std::move(e);
  for (const char *marker : {"<eos>", G4RT_CHAT_TURN_END}) {
    int32_t id = g4rt_tokenizer_find(&loaded, marker, std::strlen(marker));
    if (id >= 0)
      if (llvm::Error e = addStop(id, "'" + path + "': " + marker))
        return std::move(e);
  }
  if (assets.stopIds.size() > G4_TEXT_MAX_STOP_IDS)
    return error("'" + generationPath + "': " + llvm::Twine(assets.stopIds.size()) +
                 " distinct stop ids (eos_token_id, the model's, <eos>, <turn|>); an "
                 "executable holds at most " +
                 llvm::Twine(G4_TEXT_MAX_STOP_IDS));
  return std::move(assets);
}

llvm::Expected<std::optional<TextAssets>> loadTextAssets(llvm::StringRef dir, int64_t vocabSize,
                                                         int32_t eosTokenId) {
  llvm::SmallString<256> tokenizerPath(dir);
  llvm::sys::path::append(tokenizerPath, "tokenizer.json");
  if (!llvm::sys::fs::exists(tokenizerPath))
    return std::nullopt;
  llvm::Expected<PackedTokenizer> packed = packTokenizerJson(tokenizerPath);
  if (!packed)
    return packed.takeError();

  GenerationDefaults generation;
  llvm::SmallString<256> generationPath(dir);
  llvm::sys::path::append(generationPath, "generation_config.json");
  if (llvm::sys::fs::exists(generationPath)) {
    llvm::Expected<std::string> text = readFile(generationPath);
    if (!text)
      return text.takeError();
    llvm::Expected<GenerationDefaults> parsed = parseGenerationConfig(*text, generationPath);
    if (!parsed)
      return parsed.takeError();
    generation = std::move(*parsed);
  }
  llvm::Expected<std::string> chatTemplate = readChatTemplate(dir);
  if (!chatTemplate)
    return chatTemplate.takeError();
  llvm::Expected<TextAssets> assets =
      makeTextAssets(std::move(*packed), std::move(generation),
                     templateHasEmptyThought(*chatTemplate), vocabSize, eosTokenId, tokenizerPath);
  if (!assets)
    return assets.takeError();
  return std::optional<TextAssets>(std::move(*assets));
}

std::string buildTextSection(const TextAssets &assets) {
  g4_text_header_t header;
  std::memset(&header, 0, sizeof(header));
  std::memcpy(header.magic, G4_TEXT_MAGIC, sizeof(header.magic));
  header.version = G4_TEXT_VERSION;
  header.header_bytes = sizeof(header);
  header.tokenizer_offset = (sizeof(header) + 7) / 8 * 8;
  header.tokenizer_bytes = assets.tokenizer.size;
  const GenerationDefaults &g = assets.generation;
  header.temperature = g.temperature;
  header.top_p = g.topP;
  header.top_k = g.topK;
  header.flags = (g.greedy ? G4_TEXT_FLAG_GREEDY : 0u) |
                 (g.fromFile ? G4_TEXT_FLAG_GENERATION_CONFIG : 0u) |
                 (assets.emptyThought ? G4_TEXT_FLAG_EMPTY_THOUGHT : 0u);
  header.num_stop_ids = uint32_t(assets.stopIds.size());
  for (size_t i = 0; i < assets.stopIds.size() && i < G4_TEXT_MAX_STOP_IDS; ++i)
    header.stop_ids[i] = assets.stopIds[i];
  std::string section(reinterpret_cast<const char *>(&header), sizeof(header));
  section.resize(header.tokenizer_offset, '\0');
  section += assets.tokenizer.bytes().str();
  return section;
}

} // namespace g4
