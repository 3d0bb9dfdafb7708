//===- TokenizerJsonTest.cpp - tokenizer.json reading and packing ---------===//
//
// Every rejected tokenizer.json names the file, the field, what was expected and what
// was found; the accepted variations (old merge spelling, duplicate merges, added
// tokens past the vocabulary or repeating a piece) pack into what the reference
// implementations do.
//
//===----------------------------------------------------------------------===//

#include "tests/unit/tokenizer/TokenizerTestSupport.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <functional>

namespace g4::test {
namespace {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;
using ::testing::HasSubstr;

const std::string kM = "\xE2\x96\x81"; // U+2581

/// The default tiny tokenizer.json after `edit`.
std::string edited(const std::function<void(Object &)> &edit) {
  llvm::Expected<Value> root = llvm::json::parse(defaultTiny().json());
  EXPECT_TRUE(bool(root));
  edit(*root->getAsObject());
  std::string text;
  llvm::raw_string_ostream stream(text);
  stream << *root;
  return text;
}

Object &model(Object &root) { return *root.getObject("model"); }

/// Parsing `json` fails with a message holding every part.
void expectError(const std::string &json, std::initializer_list<std::string> parts) {
  llvm::Expected<TokenizerSpec> spec = parseTokenizerJson(json, "dir/tokenizer.json");
  ASSERT_FALSE(bool(spec)) << "expected an error";
  std::string message = llvm::toString(spec.takeError());
  EXPECT_THAT(message, HasSubstr("'dir/tokenizer.json': ")) << message;
  for (const std::string &part : parts)
    EXPECT_THAT(message, HasSubstr(part));
}

LoadedTokenizer loadJson(const std::string &json) {
  llvm::Expected<TokenizerSpec> spec = parseTokenizerJson(json, "tiny.json");
  EXPECT_TRUE(bool(spec)) << llvm::toString(spec.takeError());
  llvm::Expected<PackedTokenizer> blob = packTokenizer(*spec);
  EXPECT_TRUE(bool(blob)) << llvm::toString(blob.takeError());
  return LoadedTokenizer(std::move(*blob));
}

TEST(TokenizerJsonTest, NotJsonOrNotAnObject) {
  expectError("{\"model\": ", {"(the file): not valid JSON"});
  expectError("[]", {"(the file): expected a JSON object, found an array of 0 items"});
  expectError("{}", {"model: expected an object, found nothing"});
}

TEST(TokenizerJsonTest, ModelFields) {
  expectError(edited([](Object &root) { model(root)["type"] = "WordPiece"; }),
              {"model.type: expected \"BPE\"", "found the string \"WordPiece\""});
  expectError(edited([](Object &root) { model(root)["dropout"] = 0.1; }),
              {"model.dropout: expected null (not implemented), found a non-integer number"});
  expectError(edited([](Object &root) { model(root)["ignore_merges"] = true; }),
              {"model.ignore_merges: expected false (not implemented), found true"});
  expectError(edited([](Object &root) { model(root)["byte_fallback"] = "yes"; }),
              {"model.byte_fallback: expected true or false, found the string \"yes\""});
  expectError(edited([](Object &root) { (*model(root).getObject("vocab"))["a"] = "x"; }),
              {"model.vocab[\"a\"]: expected a token id in [0, 2^30), found the string \"x\""});
  expectError(edited([](Object &root) { (*model(root).getObject("vocab"))["a"] = -3; }),
              {"model.vocab[\"a\"]: expected a token id", "found the number -3"});
  expectError(edited([](Object &root) { (*model(root).getObject("vocab"))["zz"] = 4; }),
              {"expected an id no other piece has, found 4, the id of"});
  expectError(
      edited([](Object &root) { model(root)["unk_token"] = "<nope>"; }),
      {"model.unk_token: expected null or a piece of model.vocab", "found the string \"<nope>\""});
}

TEST(TokenizerJsonTest, Merges) {
  expectError(
      edited([](Object &root) { (*model(root).getArray("merges"))[3] = 5; }),
      {"model.merges[3]: expected a pair of strings or \"LEFT RIGHT\", found the number 5"});
  expectError(edited([](Object &root) {
                (*model(root).getArray("merges"))[2] = Array{"a", "b", "c"};
              }),
              {"model.merges[2]: expected a pair of strings, found an array of 3 items"});
  expectError(edited([](Object &root) {
                model(root).getArray("merges")->push_back(Array{"a", "q"});
              }),
              {"model.merges[14]: expected pieces of the vocabulary, found \"q\", which is not "
               "one"});
  expectError(edited([](Object &root) {
                model(root).getArray("merges")->push_back(Array{"c", "c"});
              }),
              {"model.merges[14]", "found \"cc\" (the merged piece), which is not one"});
  expectError(edited([](Object &root) { (*model(root).getArray("merges"))[0] = "ab"; }),
              {"model.merges[0]: expected \"LEFT RIGHT\" (two pieces and one space)"});
  // The old spelling "LEFT RIGHT" means the same.
  LoadedTokenizer old = loadJson(edited([](Object &root) {
    Array &merges = *model(root).getArray("merges");
    merges[0] = "a b";
    merges[1] = "b c";
  }));
  EXPECT_EQ(old.encode("abc"), old.ids({"abc"}));
  // A repeated merge takes the rank of its last appearance.
  LoadedTokenizer repeated = loadJson(edited([](Object &root) {
    Array &merges = *model(root).getArray("merges");
    merges.push_back(Array{"a", "b"});
  }));
  EXPECT_EQ(repeated.encode("abc"), repeated.ids({"a", "bc"}));
}

TEST(TokenizerJsonTest, Components) {
  expectError(
      edited([](Object &root) {
        root["normalizer"] = Object{{"type", "NFKC"}};
      }),
      {"normalizer: expected null or {\"type\": \"Replace\"", "found an object of type \"NFKC\""});
  expectError(
      edited([](Object &root) {
        root["pre_tokenizer"] = Object{{"type", "Metaspace"}, {"replacement", kM}};
      }),
      {"pre_tokenizer: expected null, or a Split", "found an object of type \"Metaspace\""});
  expectError(
      edited([](Object &root) { root.getObject("decoder")->getArray("decoders")->pop_back(); }),
      {"decoder: expected a Sequence of Replace", "ByteFallback and Fuse",
       "found an object of type \"Sequence\""});
  expectError(edited([](Object &root) { root["decoder"] = nullptr; }),
              {"decoder: expected a Sequence", "found null"});
  // Gemma's normalizer may come wrapped in a one-element Sequence; no pre-tokenizer is
  // fine too.
  LoadedTokenizer wrapped = loadJson(edited([](Object &root) {
    Value replace = std::move(root["normalizer"]);
    root["normalizer"] = Object{{"type", "Sequence"}, {"normalizers", Array{std::move(replace)}}};
    root["pre_tokenizer"] = nullptr;
  }));
  EXPECT_EQ(wrapped.encode(" a"), wrapped.ids({kM + "a"}));
}

TEST(TokenizerJsonTest, AddedTokens) {
  expectError(edited([](Object &root) {
                (*root.getArray("added_tokens"))[4].getAsObject()->operator[]("lstrip") = true;
              }),
              {"added_tokens[4].lstrip: expected false (not implemented), found true"});
  expectError(edited([](Object &root) {
                (*root.getArray("added_tokens"))[1].getAsObject()->operator[]("content") = "";
              }),
              {"added_tokens[1].content: expected a non-empty string, found the string \"\""});
  expectError(edited([](Object &root) {
                (*root.getArray("added_tokens"))[1].getAsObject()->operator[]("content") = "<x>";
              }),
              {"added_tokens[1].content: expected \"<eos>\", the vocabulary's piece of id 1"});
  expectError(edited([](Object &root) {
                Object &token = *(*root.getArray("added_tokens"))[4].getAsObject();
                token["content"] = "a b";
                token["normalized"] = true;
                (*model(root).getObject("vocab"))["a b"] = *token.getInteger("id");
                model(root).getObject("vocab")->erase("<t>");
              }),
              {"added_tokens[4].normalized: expected false for a token with ' '"});
  // Gemma 3's <image_soft_token> lives past the vocabulary (id 262144 of 262144 pieces).
  LoadedTokenizer past = loadJson(edited([](Object &root) {
    size_t vocab = model(root).getObject("vocab")->size();
    root.getArray("added_tokens")
        ->push_back(Object{{"id", int64_t(vocab)}, {"content", "<img>"}, {"special", true}});
  }));
  uint32_t count = g4rt_tokenizer_token_count(&past.tokenizer);
  EXPECT_EQ(past.encode("a<img>"), (std::vector<int32_t>{past.id("a"), int32_t(count - 1)}));
  EXPECT_EQ(past.decode({int32_t(count - 1)}), "<img>");
  // An added token repeating a vocabulary piece under another id wins text lookups;
  // the vocabulary id still decodes.
  LoadedTokenizer twice = loadJson(edited([](Object &root) {
    size_t vocab = model(root).getObject("vocab")->size();
    root.getArray("added_tokens")
        ->push_back(Object{{"id", int64_t(vocab)}, {"content", "ab"}, {"special", false}});
  }));
  int32_t addedAb = int32_t(g4rt_tokenizer_token_count(&twice.tokenizer) - 1);
  EXPECT_EQ(twice.id("ab"), addedAb);
  EXPECT_EQ(twice.encode("ab"), (std::vector<int32_t>{addedAb}));
  // Without matching, BPE's result "ab" is looked up as text too (as in the reference).
  EXPECT_EQ(twice.encode("ab", false, /*matchAdded=*/false), (std::vector<int32_t>{addedAb}));
}

TEST(TokenizerJsonTest, BosComesFromThePostProcessor) {
  LoadedTokenizer none = loadJson(edited([](Object &root) { root["post_processor"] = nullptr; }));
  EXPECT_EQ(g4rt_tokenizer_bos_id(&none.tokenizer), -1);
  g4rt_tokenizer_encode_options_t options;
  g4rt_tokenizer_encode_options_initialize(&options);
  options.add_bos = true;
  uint64_t memory[512];
  g4rt_arena_t arena;
  g4rt_arena_initialize(memory, sizeof(memory), &arena);
  int32_t ids[4];
  size_t count = 0;
  g4rt_status_t status =
      g4rt_tokenizer_encode(&none.tokenizer, "a", 1, &options, &arena, ids, 4, &count);
  EXPECT_EQ(status.code, G4RT_STATUS_FAILED_PRECONDITION);
  EXPECT_THAT(describe(status), HasSubstr("add_bos, but the tokenizer has no BOS token"));
}

TEST(TokenizerJsonTest, MissingFile) {
  llvm::Expected<TokenizerSpec> spec = readTokenizerJson("/nonexistent/tokenizer.json");
  ASSERT_FALSE(bool(spec));
  EXPECT_THAT(llvm::toString(spec.takeError()),
              HasSubstr("'/nonexistent/tokenizer.json': cannot read: No such file"));
}

} // namespace
} // namespace g4::test
