//===- TokenizerJson.cpp - Hugging Face tokenizer.json reader -------------===//
//
// The accepted shapes are Gemma's (docs/tokenizer.md §2): a BPE model, the normalizer
// Replace(' ' -> U+2581) or none, a Split-on-' ' pre-tokenizer that the normalizer
// leaves nothing to split (or none), the decoder Replace(U+2581 -> ' ') + ByteFallback +
// Fuse, and added tokens without strip or single-word rules.
//
//===----------------------------------------------------------------------===//

#include "compiler/Tokenizer/TokenizerJson.h"

#include "runtime/g4rt/text/tokenizer_format.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>
#include <optional>

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace g4 {
namespace {

const char kMetaspace[] = "\xE2\x96\x81"; // U+2581

/// A short description of a JSON value for "found ..." in messages.
std::string describe(const Value *value) {
  if (!value)
    return "nothing";
  switch (value->kind()) {
  case Value::Null:
    return "null";
  case Value::Boolean:
    return *value->getAsBoolean() ? "true" : "false";
  case Value::Number:
    if (auto integer = value->getAsInteger())
      return "the number " + std::to_string(*integer);
    return "a non-integer number";
  case Value::String: {
    llvm::StringRef text = *value->getAsString();
    std::string shown = text.take_front(40).str();
    return "the string \"" + shown + (text.size() > 40 ? "...\"" : "\"");
  }
  case Value::Array:
    return "an array of " + std::to_string(value->getAsArray()->size()) + " items";
  case Value::Object: {
    const Object *object = value->getAsObject();
    if (auto type = object->getString("type"))
      return "an object of type \"" + type->str() + "\"";
    return "an object";
  }
  }
  return "a value";
}

/// Builds the errors; every message starts with the file and names the field.
class Reader {
public:
  explicit Reader(llvm::StringRef path) : path(path) {}

  llvm::Error fail(const llvm::Twine &field, const llvm::Twine &expected,
                   const Value *found) const {
    return fail(field, "expected " + expected + ", found " + describe(found));
  }
  llvm::Error fail(const llvm::Twine &field, const llvm::Twine &message) const {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'" + path + "': " + field + ": " + message);
  }

  llvm::Expected<const Object *> object(const Object &parent, llvm::StringRef key,
                                        const llvm::Twine &field) const {
    const Value *value = parent.get(key);
    if (!value || !value->getAsObject())
      return fail(field, "an object", value);
    return value->getAsObject();
  }

  llvm::Expected<llvm::StringRef> string(const Object &parent, llvm::StringRef key,
                                         const llvm::Twine &field) const {
    const Value *value = parent.get(key);
    if (!value || !value->getAsString())
      return fail(field, "a string", value);
    return *value->getAsString();
  }

  /// A boolean that may be missing or null (then `fallback`).
  llvm::Expected<bool> optionalBool(const Object &parent, llvm::StringRef key,
                                    const llvm::Twine &field, bool fallback) const {
    const Value *value = parent.get(key);
    if (!value || value->kind() == Value::Null)
      return fallback;
    if (!value->getAsBoolean())
      return fail(field, "true or false", value);
    return *value->getAsBoolean();
  }

  /// A token id: an integer in [0, 2^30).
  llvm::Expected<uint32_t> id(const Value *value, const llvm::Twine &field) const {
    std::optional<int64_t> integer = value ? value->getAsInteger() : std::nullopt;
    if (!integer || *integer < 0 || *integer >= int64_t(G4RT_TOKENIZER_MAX_TOKENS))
      return fail(field, "a token id in [0, 2^30)", value);
    return uint32_t(*integer);
  }

  std::string path;
};

/// Whether `value` is a pattern {"String": text}.
bool isStringPattern(const Value *value, llvm::StringRef text) {
  const Object *pattern = value ? value->getAsObject() : nullptr;
  if (!pattern || pattern->size() != 1)
    return false;
  std::optional<llvm::StringRef> string = pattern->getString("String");
  return string && *string == text;
}

/// Whether `value` is {"type": "Replace", "pattern": {"String": from}, "content": to}.
bool isReplace(const Value &value, llvm::StringRef from, llvm::StringRef to) {
  const Object *object = value.getAsObject();
  if (!object || object->getString("type") != std::optional<llvm::StringRef>("Replace"))
    return false;
  return isStringPattern(object->get("pattern"), from) &&
         object->getString("content") == std::optional<llvm::StringRef>(to);
}

llvm::Error readNormalizer(const Reader &reader, const Object &root, TokenizerSpec &spec) {
  const Value *normalizer = root.get("normalizer");
  if (!normalizer || normalizer->kind() == Value::Null)
    return llvm::Error::success();
  const Value *single = normalizer;
  if (const Object *object = normalizer->getAsObject()) {
    if (object->getString("type") == std::optional<llvm::StringRef>("Sequence")) {
      const Array *items = object->getArray("normalizers");
      single = items && items->size() == 1 ? &(*items)[0] : nullptr;
    }
  }
  if (!single || !isReplace(*single, " ", kMetaspace))
    return reader.fail("normalizer",
                       "null or {\"type\": \"Replace\", \"pattern\": {\"String\": \" \"}, "
                       "\"content\": \"\u2581\"} (Gemma's; other normalizers are not "
                       "implemented)",
                       normalizer);
  spec.spaceToMetaspace = true;
  return llvm::Error::success();
}

llvm::Error readPreTokenizer(const Reader &reader, const Object &root, const TokenizerSpec &spec) {
  const Value *pre = root.get("pre_tokenizer");
  if (!pre || pre->kind() == Value::Null)
    return llvm::Error::success();
  // Gemma splits on ' ' after the normalizer turned every ' ' into U+2581: nothing
  // is left to split, whatever the behaviour.
  const Object *object = pre->getAsObject();
  if (spec.spaceToMetaspace && object &&
      object->getString("type") == std::optional<llvm::StringRef>("Split") &&
      isStringPattern(object->get("pattern"), " ") &&
      object->getBoolean("invert") != std::optional<bool>(true))
    return llvm::Error::success();
  return reader.fail("pre_tokenizer",
                     "null, or a Split on {\"String\": \" \"} after the ' ' -> \u2581 "
                     "normalizer (Gemma's; other pre-tokenizers are not implemented)",
                     pre);
}

llvm::Error readDecoder(const Reader &reader, const Object &root, const TokenizerSpec &spec) {
  const Value *decoder = root.get("decoder");
  const Object *object = decoder ? decoder->getAsObject() : nullptr;
  const Array *steps =
      object && object->getString("type") == std::optional<llvm::StringRef>("Sequence")
          ? object->getArray("decoders")
          : nullptr;
  bool replace = false, byteFallback = false, fuse = false, other = !steps;
  for (size_t i = 0; steps && i < steps->size(); ++i) {
    const Value &step = (*steps)[i];
    const Object *stepObject = step.getAsObject();
    std::optional<llvm::StringRef> type = stepObject ? stepObject->getString("type") : std::nullopt;
    if (isReplace(step, kMetaspace, " "))
      replace = true;
    else if (type && *type == "ByteFallback")
      byteFallback = true;
    else if (type && *type == "Fuse")
      fuse = true;
    else
      other = true;
  }
  if (other || !replace || !fuse || byteFallback != spec.byteFallback)
    return reader.fail("decoder",
                       llvm::Twine("a Sequence of Replace(\"\u2581\" -> \" \"), ") +
                           (spec.byteFallback ? "ByteFallback" : "(no ByteFallback)") +
                           " and Fuse (Gemma's; other decoders are not implemented)",
                       decoder);
  return llvm::Error::success();
}

/// The BOS id of a TemplateProcessing post-processor whose single template starts
/// with a special token, else none.
llvm::Error readPostProcessor(const Reader &reader, const Object &root,
                              const llvm::StringMap<uint32_t> &ids, TokenizerSpec &spec) {
  const Value *post = root.get("post_processor");
  const Object *object = post ? post->getAsObject() : nullptr;
  if (!object || object->getString("type") != std::optional<llvm::StringRef>("TemplateProcessing"))
    return llvm::Error::success();
  const Array *single = object->getArray("single");
  if (!single || single->empty())
    return llvm::Error::success();
  const Object *first = (*single)[0].getAsObject();
  const Object *special = first ? first->getObject("SpecialToken") : nullptr;
  if (!special)
    return llvm::Error::success();
  llvm::Expected<llvm::StringRef> name =
      reader.string(*special, "id", "post_processor.single[0].SpecialToken.id");
  if (!name)
    return name.takeError();
  auto found = ids.find(*name);
  if (found == ids.end())
    return reader.fail("post_processor.single[0].SpecialToken.id", "the text of a token (the BOS)",
                       (*single)[0].getAsObject()->getObject("SpecialToken")->get("id"));
  spec.bosId = found->second;
  return llvm::Error::success();
}

/// "<0xXX>" with upper-case hex digits: a byte-fallback piece.
bool isBytePiece(llvm::StringRef piece) {
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); };
  return piece.size() == 6 && piece.starts_with("<0x") && piece.ends_with(">") && hex(piece[3]) &&
         hex(piece[4]);
}

llvm::Error readModel(const Reader &reader, const Object &model, TokenizerSpec &spec,
                      llvm::StringMap<uint32_t> &ids) {
  llvm::Expected<llvm::StringRef> type = reader.string(model, "type", "model.type");
  if (!type)
    return type.takeError();
  if (*type != "BPE")
    return reader.fail("model.type", "\"BPE\" (Gemma's model; others are not implemented)",
                       model.get("type"));
  for (llvm::StringRef key : {"dropout", "continuing_subword_prefix", "end_of_word_suffix"}) {
    const Value *value = model.get(key);
    bool unset = !value || value->kind() == Value::Null ||
                 (value->getAsString() && value->getAsString()->empty());
    if (!unset)
      return reader.fail(llvm::Twine("model.") + key, "null (not implemented)", value);
  }
  llvm::Expected<bool> ignoreMerges =
      reader.optionalBool(model, "ignore_merges", "model.ignore_merges", false);
  if (!ignoreMerges)
    return ignoreMerges.takeError();
  if (*ignoreMerges)
    return reader.fail("model.ignore_merges", "false (not implemented)",
                       model.get("ignore_merges"));
  llvm::Expected<bool> byteFallback =
      reader.optionalBool(model, "byte_fallback", "model.byte_fallback", false);
  if (!byteFallback)
    return byteFallback.takeError();
  spec.byteFallback = *byteFallback;
  llvm::Expected<bool> fuseUnk = reader.optionalBool(model, "fuse_unk", "model.fuse_unk", false);
  if (!fuseUnk)
    return fuseUnk.takeError();
  spec.fuseUnk = *fuseUnk;

  llvm::Expected<const Object *> vocab = reader.object(model, "vocab", "model.vocab");
  if (!vocab)
    return vocab.takeError();
  for (const auto &[key, value] : **vocab) {
    std::string piece = llvm::StringRef(key).str();
    llvm::Expected<uint32_t> id = reader.id(&value, "model.vocab[\"" + piece + "\"]");
    if (!id)
      return id.takeError();
    if (piece.empty())
      return reader.fail("model.vocab[\"\"]", "non-empty pieces", &value);
    if (*id >= spec.pieces.size()) {
      spec.pieces.resize(*id + 1);
      spec.kinds.resize(*id + 1, G4RT_TOKEN_KIND_NONE);
    }
    if (spec.kinds[*id] != G4RT_TOKEN_KIND_NONE)
      return reader.fail("model.vocab[\"" + piece + "\"]",
                         "expected an id no other piece has, found " + std::to_string(*id) +
                             ", the id of \"" + spec.pieces[*id] + "\"");
    spec.pieces[*id] = piece;
    spec.kinds[*id] = isBytePiece(piece) ? G4RT_TOKEN_KIND_BYTE : G4RT_TOKEN_KIND_NORMAL;
    ids[piece] = *id;
  }
  const Value *unk = model.get("unk_token");
  if (unk && unk->kind() != Value::Null) {
    auto found = unk->getAsString() ? ids.find(*unk->getAsString()) : ids.end();
    if (found == ids.end())
      return reader.fail("model.unk_token", "null or a piece of model.vocab", unk);
    spec.unkId = found->second;
  }
  return llvm::Error::success();
}

llvm::Error readAddedTokens(const Reader &reader, const Object &root, TokenizerSpec &spec,
                            llvm::StringMap<uint32_t> &ids) {
  const Value *value = root.get("added_tokens");
  if (!value || value->kind() == Value::Null)
    return llvm::Error::success();
  const Array *tokens = value->getAsArray();
  if (!tokens)
    return reader.fail("added_tokens", "an array", value);
  llvm::StringMap<uint32_t> addedIds; // content -> id: the last one wins
  for (size_t i = 0; i < tokens->size(); ++i) {
    std::string field = "added_tokens[" + std::to_string(i) + "]";
    const Object *token = (*tokens)[i].getAsObject();
    if (!token)
      return reader.fail(field, "an object", &(*tokens)[i]);
    llvm::Expected<uint32_t> id = reader.id(token->get("id"), field + ".id");
    if (!id)
      return id.takeError();
    llvm::Expected<llvm::StringRef> content = reader.string(*token, "content", field + ".content");
    if (!content)
      return content.takeError();
    if (content->empty())
      return reader.fail(field + ".content", "a non-empty string", token->get("content"));
    for (llvm::StringRef flag : {"single_word", "lstrip", "rstrip"}) {
      std::string flagField = field + "." + flag.str();
      llvm::Expected<bool> set = reader.optionalBool(*token, flag, flagField, false);
      if (!set)
        return set.takeError();
      if (*set)
        return reader.fail(flagField, "false (not implemented)", token->get(flag));
    }
    llvm::Expected<bool> normalized =
        reader.optionalBool(*token, "normalized", field + ".normalized", false);
    if (!normalized)
      return normalized.takeError();
    // Matching a normalized token against the normalized text differs from matching
    // it against the raw text only where the normalizer acts: spaces.
    if (*normalized && spec.spaceToMetaspace &&
        (content->contains(' ') || content->contains(kMetaspace)))
      return reader.fail(field + ".normalized",
                         "false for a token with ' ' or \u2581 in it (not implemented)",
                         token->get("normalized"));
    if (isBytePiece(*content))
      return reader.fail(field + ".content", "not a byte piece <0xXX> (not implemented)",
                         token->get("content"));
    llvm::Expected<bool> special =
        reader.optionalBool(*token, "special", field + ".special", false);
    if (!special)
      return special.takeError();
    if (*id >= spec.pieces.size()) {
      spec.pieces.resize(*id + 1);
      spec.kinds.resize(*id + 1, G4RT_TOKEN_KIND_NONE);
    }
    if (spec.kinds[*id] != G4RT_TOKEN_KIND_NONE && spec.pieces[*id] != *content)
      return reader.fail(field + ".content",
                         "\"" + spec.pieces[*id] + "\", the vocabulary's piece of id " +
                             std::to_string(*id) + " (an added token may not rename it)",
                         token->get("content"));
    spec.pieces[*id] = content->str();
    spec.kinds[*id] = *special ? G4RT_TOKEN_KIND_SPECIAL : G4RT_TOKEN_KIND_ADDED;
    addedIds[*content] = *id;
  }
  for (const auto &entry : addedIds) {
    spec.added.push_back(entry.second);
    auto previous = ids.find(entry.first());
    if (previous != ids.end() && previous->second != entry.second)
      spec.shadowed.push_back(previous->second);
    ids[entry.first()] = entry.second;
  }
  // Equal added tokens: all but the winner are shadowed too.
  for (size_t i = 0; i < tokens->size(); ++i) {
    const Object *token = (*tokens)[i].getAsObject();
    uint32_t id = uint32_t(*token->getInteger("id"));
    if (addedIds.lookup(*token->getString("content")) != id)
      spec.shadowed.push_back(id);
  }
  return llvm::Error::success();
}

llvm::Error readMerges(const Reader &reader, const Object &model,
                       const llvm::StringMap<uint32_t> &ids, TokenizerSpec &spec) {
  const Value *value = model.get("merges");
  const Array *merges = value ? value->getAsArray() : nullptr;
  if (!merges)
    return reader.fail("model.merges", "an array", value);
  // (left, right) -> the last index that names it (later duplicates win, as in the
  // reference implementations); then ranks are renumbered in order.
  llvm::DenseMap<uint64_t, size_t> lastIndex;
  std::vector<std::array<uint32_t, 3>> all;
  all.reserve(merges->size());
  for (size_t i = 0; i < merges->size(); ++i) {
    std::string field = "model.merges[" + std::to_string(i) + "]";
    const Value &merge = (*merges)[i];
    llvm::StringRef parts[2];
    if (const Array *pair = merge.getAsArray()) {
      if (pair->size() != 2 || !(*pair)[0].getAsString() || !(*pair)[1].getAsString())
        return reader.fail(field, "a pair of strings", &merge);
      parts[0] = *(*pair)[0].getAsString();
      parts[1] = *(*pair)[1].getAsString();
    } else if (std::optional<llvm::StringRef> text = merge.getAsString()) {
      std::tie(parts[0], parts[1]) = text->split(' ');
      if (parts[0].empty() || parts[1].empty() || parts[1].contains(' '))
        return reader.fail(field, "\"LEFT RIGHT\" (two pieces and one space)", &merge);
    } else {
      return reader.fail(field, "a pair of strings or \"LEFT RIGHT\"", &merge);
    }
    uint32_t triple[3];
    for (int p = 0; p < 3; ++p) {
      std::string text = p < 2 ? parts[p].str() : (parts[0] + parts[1]).str();
      auto found = ids.find(text);
      if (found == ids.end())
        return reader.fail(field, "expected pieces of the vocabulary, found \"" + text + "\"" +
                                      (p == 2 ? " (the merged piece)" : "") + ", which is not one");
      triple[p] = found->second;
    }
    lastIndex[(uint64_t(triple[0]) << 32) | triple[1]] = i;
    all.push_back({triple[0], triple[1], triple[2]});
  }
  for (size_t i = 0; i < all.size(); ++i)
    if (lastIndex[(uint64_t(all[i][0]) << 32) | all[i][1]] == i)
      spec.merges.push_back(all[i]);
  return llvm::Error::success();
}

} // namespace

llvm::Expected<TokenizerSpec> parseTokenizerJson(llvm::StringRef text, llvm::StringRef path) {
  Reader reader(path);
  llvm::Expected<Value> root = llvm::json::parse(text);
  if (!root)
    return reader.fail("(the file)", "not valid JSON: " + llvm::toString(root.takeError()));
  const Object *object = root->getAsObject();
  if (!object)
    return reader.fail("(the file)", "a JSON object", &*root);
  TokenizerSpec spec;
  llvm::StringMap<uint32_t> ids; // piece -> id, as text lookups see it
  llvm::Expected<const Object *> model = reader.object(*object, "model", "model");
  if (!model)
    return model.takeError();
  if (llvm::Error e = readModel(reader, **model, spec, ids))
    return std::move(e);
  if (llvm::Error e = readNormalizer(reader, *object, spec))
    return std::move(e);
  if (llvm::Error e = readPreTokenizer(reader, *object, spec))
    return std::move(e);
  if (llvm::Error e = readDecoder(reader, *object, spec))
    return std::move(e);
  if (llvm::Error e = readAddedTokens(reader, *object, spec, ids))
    return std::move(e);
  if (llvm::Error e = readMerges(reader, **model, ids, spec))
    return std::move(e);
  if (llvm::Error e = readPostProcessor(reader, *object, ids, spec))
    return std::move(e);
  if (spec.pieces.empty())
    return reader.fail("model.vocab", "at least one piece", (*model)->get("vocab"));
  return spec;
}

llvm::Expected<TokenizerSpec> readTokenizerJson(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(buffer.getError(),
                                   "'" + path + "': cannot read: " + buffer.getError().message());
  return parseTokenizerJson((*buffer)->getBuffer(), path);
}

} // namespace g4
