//===- TokenizerTestSupport.cpp - Tiny hand-made tokenizers for tests -----===//

#include "tests/unit/tokenizer/TokenizerTestSupport.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cstdio>
#include <map>

namespace g4::test {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

const char kMetaspace[] = "\xE2\x96\x81";

std::string TinyTokenizer::json() const {
  Object vocab;
  Array addedTokens;
  uint32_t next = 0;
  auto addToken = [&](const std::string &content, bool added, bool special) {
    uint32_t id = next++;
    vocab[content] = id;
    if (added)
      addedTokens.push_back(Object{{"id", id},
                                   {"content", content},
                                   {"single_word", false},
                                   {"lstrip", false},
                                   {"rstrip", false},
                                   {"normalized", false},
                                   {"special", special}});
  };
  for (const char *special : {"<pad>", "<eos>", "<bos>", "<unk>"})
    addToken(special, true, true);
  if (byteFallback) {
    for (int byte = 0; byte < 256; ++byte) {
      char name[7];
      std::snprintf(name, sizeof(name), "<0x%02X>", byte);
      addToken(name, false, false);
    }
  }
  for (const Added &token : added)
    addToken(token.content, true, token.special);
  for (const std::string &piece : pieces)
    addToken(piece, false, false);
  Array mergeList;
  for (const auto &[left, right] : merges)
    mergeList.push_back(Array{left, right});
  Array decoders{
      Object{{"type", "Replace"}, {"pattern", Object{{"String", kMetaspace}}}, {"content", " "}}};
  if (byteFallback)
    decoders.push_back(Object{{"type", "ByteFallback"}});
  decoders.push_back(Object{{"type", "Fuse"}});
  Object root{
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", std::move(addedTokens)},
      {"normalizer",
       Object{{"type", "Replace"}, {"pattern", Object{{"String", " "}}}, {"content", kMetaspace}}},
      {"pre_tokenizer", Object{{"type", "Split"},
                               {"pattern", Object{{"String", " "}}},
                               {"behavior", "MergedWithPrevious"},
                               {"invert", false}}},
      {"post_processor",
       Object{{"type", "TemplateProcessing"},
              {"single", Array{Object{{"SpecialToken", Object{{"id", "<bos>"}, {"type_id", 0}}}},
                               Object{{"Sequence", Object{{"id", "A"}, {"type_id", 0}}}}}}}},
      {"decoder", Object{{"type", "Sequence"}, {"decoders", std::move(decoders)}}},
      {"model", Object{{"type", "BPE"},
                       {"dropout", nullptr},
                       {"unk_token", "<unk>"},
                       {"continuing_subword_prefix", nullptr},
                       {"end_of_word_suffix", nullptr},
                       {"fuse_unk", fuseUnk},
                       {"byte_fallback", byteFallback},
                       {"ignore_merges", false},
                       {"vocab", std::move(vocab)},
                       {"merges", std::move(mergeList)}}},
  };
  std::string text;
  llvm::raw_string_ostream stream(text);
  stream << Value(std::move(root));
  return text;
}

TinyTokenizer defaultTiny() {
  TinyTokenizer tiny;
  const std::string m = kMetaspace;
  tiny.pieces = {m,       "a",           "b",       "c",     "x",           "y",      ">",
                 "<",     "ab",          "bc",      "abc",   m + "a",       m + "ab", "aa",
                 "aaa",   m + m,         m + m + m, m + "y", "x" + m + "y", "ca",     "cab",
                 "b" + m, "\xEF\xBF\xBD"};
  tiny.merges = {{"a", "b"}, {"b", "c"},     {"a", "a"},  {m, "a"},       {m, m},
                 {m, "y"},   {"x", m + "y"}, {"ab", "c"}, {m + "a", "b"}, {"aa", "a"},
                 {"c", "a"}, {"ca", "b"},    {m + m, m},  {"b", m}};
  tiny.added = {{"<t>", true}, {"<t>>", false}, {"[x]", false}};
  return tiny;
}

std::string describe(const g4rt_status_t &status) {
  char buffer[G4RT_STATUS_MESSAGE_CAPACITY + 32];
  g4rt_status_format(&status, buffer, sizeof(buffer));
  return buffer;
}

namespace {

PackedTokenizer packOrDie(const TinyTokenizer &tiny) {
  llvm::Expected<TokenizerSpec> spec = parseTokenizerJson(tiny.json(), "tiny.json");
  if (!spec) {
    ADD_FAILURE() << llvm::toString(spec.takeError());
    return {};
  }
  llvm::Expected<PackedTokenizer> blob = packTokenizer(*spec);
  if (!blob) {
    ADD_FAILURE() << llvm::toString(blob.takeError());
    return {};
  }
  return std::move(*blob);
}

std::vector<std::string> utf8Characters(const std::string &text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size();) {
    size_t length = llvm::getNumBytesForUTF8(uint8_t(text[i]));
    out.push_back(text.substr(i, length));
    i += length;
  }
  return out;
}

} // namespace

LoadedTokenizer::LoadedTokenizer(const TinyTokenizer &tiny) : LoadedTokenizer(packOrDie(tiny)) {}

LoadedTokenizer::LoadedTokenizer(PackedTokenizer packed) : blob(std::move(packed)) {
  g4rt_status_t status = g4rt_tokenizer_load(blob.data(), blob.size, &tokenizer);
  EXPECT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
}

int32_t LoadedTokenizer::id(const std::string &piece) const {
  int32_t found = g4rt_tokenizer_find(&tokenizer, piece.data(), piece.size());
  EXPECT_GE(found, 0) << "no piece '" << piece << "'";
  return found;
}

std::vector<int32_t> LoadedTokenizer::ids(const std::vector<std::string> &pieces) const {
  std::vector<int32_t> out;
  for (const std::string &piece : pieces)
    out.push_back(id(piece));
  return out;
}

std::vector<int32_t> LoadedTokenizer::encode(const std::string &text, bool addBos, bool matchAdded,
                                             bool cacheWords) const {
  g4rt_tokenizer_encode_options_t options;
  g4rt_tokenizer_encode_options_initialize(&options);
  options.add_bos = addBos;
  options.match_added_tokens = matchAdded;
  options.cache_words = cacheWords;
  std::vector<uint64_t> memory((g4rt_tokenizer_encode_scratch_bytes(text.size()) + 7) / 8);
  g4rt_arena_t arena;
  g4rt_arena_initialize(memory.data(), memory.size() * 8, &arena);
  std::vector<int32_t> ids(g4rt_tokenizer_max_ids(text.size()));
  size_t count = 0;
  g4rt_status_t status = g4rt_tokenizer_encode(&tokenizer, text.data(), text.size(), &options,
                                               &arena, ids.data(), ids.size(), &count);
  EXPECT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  EXPECT_EQ(arena.used, 0u) << "encode must give its scratch back";
  ids.resize(count);
  return ids;
}

std::string LoadedTokenizer::decode(const std::vector<int32_t> &ids, uint32_t flags) const {
  size_t length = 0;
  g4rt_status_ignore(
      g4rt_tokenizer_decode(&tokenizer, ids.data(), ids.size(), flags, nullptr, 0, &length));
  std::string text(length, '\0');
  g4rt_status_t status = g4rt_tokenizer_decode(&tokenizer, ids.data(), ids.size(), flags,
                                               text.data(), text.size(), &length);
  EXPECT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  return text;
}

std::vector<int32_t> referenceEncode(const TinyTokenizer &tiny, const LoadedTokenizer &loaded,
                                     const std::string &text) {
  std::vector<std::string> added = {"<pad>", "<eos>", "<bos>", "<unk>"};
  for (const auto &token : tiny.added)
    added.push_back(token.content);
  std::map<std::pair<std::string, std::string>, size_t> ranks;
  for (size_t i = 0; i < tiny.merges.size(); ++i)
    ranks[tiny.merges[i]] = i;

  std::vector<int32_t> out;
  auto encodeSection = [&](const std::string &section) {
    std::vector<std::string> symbols;
    for (const std::string &c : utf8Characters(section))
      symbols.push_back(c == " " ? std::string(kMetaspace) : c);
    for (;;) {
      size_t best = SIZE_MAX, bestRank = SIZE_MAX;
      for (size_t i = 0; i + 1 < symbols.size(); ++i) {
        auto found = ranks.find({symbols[i], symbols[i + 1]});
        if (found != ranks.end() && found->second < bestRank) {
          bestRank = found->second;
          best = i;
        }
      }
      if (best == SIZE_MAX)
        break;
      symbols[best] += symbols[best + 1];
      symbols.erase(symbols.begin() + best + 1);
    }
    for (const std::string &symbol : symbols) {
      int32_t id = g4rt_tokenizer_find(&loaded.tokenizer, symbol.data(), symbol.size());
      if (id >= 0) {
        out.push_back(id);
        continue;
      }
      for (unsigned char byte : symbol) {
        char name[7];
        std::snprintf(name, sizeof(name), "<0x%02X>", byte);
        out.push_back(loaded.id(name));
      }
    }
  };
  size_t start = 0;
  for (size_t i = 0; i < text.size();) {
    std::string best;
    for (const std::string &token : added)
      if (text.compare(i, token.size(), token) == 0 && token.size() > best.size())
        best = token;
    if (best.empty()) {
      ++i;
      continue;
    }
    encodeSection(text.substr(start, i - start));
    out.push_back(loaded.id(best));
    i += best.size();
    start = i;
  }
  encodeSection(text.substr(start));
  return out;
}

} // namespace g4::test
