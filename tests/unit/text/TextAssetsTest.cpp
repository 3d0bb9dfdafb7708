//===- TextAssetsTest.cpp - Reading a checkpoint's text files at compile time -===//
//
// tokenizer.json, generation_config.json and the chat template of a checkpoint
// directory (loadTextAssets): what is read, the defaults, the stop ids, and a clear
// error naming the file for everything that is present but wrong.
//
//===----------------------------------------------------------------------===//
#include "compiler/Tokenizer/TextAssets.h"

#include "tests/unit/runtime/RuntimeTestSupport.h"
#include "tests/unit/tokenizer/TokenizerTestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <fstream>
#include <string>

namespace g4::test {
namespace {

using ::testing::HasSubstr;

const char kTinyTokenizer[] = G4_SOURCE_DIR "/tests/text/tiny-gemma4-tokenizer.json";

void write(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string copyTokenizer(const std::string &dir) {
  std::string text = g4rt::test::readFile(kTinyTokenizer);
  write(dir + "/tokenizer.json", text);
  return text;
}

GenerationDefaults parse(const std::string &text) {
  llvm::Expected<GenerationDefaults> parsed = parseGenerationConfig(text, "g.json");
  EXPECT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  return parsed ? *parsed : GenerationDefaults{};
}

std::string parseError(const std::string &text) {
  llvm::Expected<GenerationDefaults> parsed = parseGenerationConfig(text, "dir/g.json");
  EXPECT_FALSE(bool(parsed)) << text;
  return parsed ? "" : llvm::toString(parsed.takeError());
}

// Gemma 4's own generation_config.json.
TEST(G4TextAssetsTest, GenerationConfig) {
  GenerationDefaults g = parse(R"({"bos_token_id": 2, "do_sample": true,
      "eos_token_id": [1, 106, 50], "pad_token_id": 0, "temperature": 1.0, "top_k": 64,
      "top_p": 0.95, "transformers_version": "4.57.0"})");
  EXPECT_TRUE(g.fromFile);
  EXPECT_FALSE(g.greedy);
  EXPECT_FLOAT_EQ(g.temperature, 1.0f);
  EXPECT_EQ(g.topK, 64);
  EXPECT_FLOAT_EQ(g.topP, 0.95f);
  EXPECT_EQ(g.eosTokenIds, std::vector<int64_t>({1, 106, 50}));
}

// Missing fields take transformers' GenerationConfig defaults (do_sample false: greedy).
TEST(G4TextAssetsTest, GenerationConfigDefaults) {
  GenerationDefaults g = parse(R"({"eos_token_id": 1, "top_k": null})");
  EXPECT_TRUE(g.greedy);
  EXPECT_FLOAT_EQ(g.temperature, 1.0f);
  EXPECT_EQ(g.topK, 50);
  EXPECT_FLOAT_EQ(g.topP, 1.0f);
  EXPECT_EQ(g.eosTokenIds, std::vector<int64_t>({1}));
  // Without a file: Gemma's defaults, sampling.
  GenerationDefaults none;
  EXPECT_FALSE(none.fromFile);
  EXPECT_FALSE(none.greedy);
  EXPECT_FLOAT_EQ(none.temperature, 1.0f);
  EXPECT_EQ(none.topK, 64);
  EXPECT_FLOAT_EQ(none.topP, 0.95f);
}

TEST(G4TextAssetsTest, BadGenerationConfigs) {
  EXPECT_THAT(parseError("{"), HasSubstr("'dir/g.json': not valid JSON"));
  EXPECT_THAT(parseError("[1]"), HasSubstr("(the file): expected a JSON object"));
  EXPECT_THAT(parseError(R"({"temperature": "hot"})"),
              HasSubstr("temperature: expected a number, found \"hot\""));
  EXPECT_THAT(parseError(R"({"temperature": -0.5})"),
              HasSubstr("temperature: expected a number >= 0"));
  EXPECT_THAT(parseError(R"({"top_p": 0})"), HasSubstr("top_p: expected a number in (0, 1]"));
  EXPECT_THAT(parseError(R"({"top_k": 2.5})"), HasSubstr("top_k: expected an integer >= 0"));
  EXPECT_THAT(parseError(R"({"top_k": -1})"), HasSubstr("top_k"));
  EXPECT_THAT(parseError(R"({"do_sample": "yes"})"),
              HasSubstr("do_sample: expected true or false"));
  EXPECT_THAT(parseError(R"({"eos_token_id": [1, "x"]})"),
              HasSubstr("eos_token_id: expected a token id or a list of token ids"));
  EXPECT_THAT(parseError(R"({"eos_token_id": -4})"), HasSubstr("eos_token_id"));
}

TEST(G4TextAssetsTest, EmptyThoughtDetection) {
  EXPECT_TRUE(templateHasEmptyThought("{{- '<|turn>model\\n' -}}{%- if not enable_thinking -%}{{- "
                                      "'<|channel>thought\\n<channel|>' -}}"));
  EXPECT_FALSE(templateHasEmptyThought("{{- '<|turn>model\\n' -}}"));
  EXPECT_FALSE(templateHasEmptyThought(""));
}

class G4TextAssetsDirTest : public ::testing::Test {
protected:
  void SetUp() override { dir = g4rt::test::makeTempDir(); }
  void TearDown() override { g4rt::test::removeTempDir(dir); }

  llvm::Expected<std::optional<TextAssets>> load(int64_t vocab = 512) {
    return loadTextAssets(dir, vocab, 1);
  }
  std::string loadError(int64_t vocab = 512) {
    auto assets = load(vocab);
    EXPECT_FALSE(bool(assets));
    return assets ? "" : llvm::toString(assets.takeError());
  }

  std::string dir;
};

// No tokenizer.json: no text section, and nothing else is read (a broken
// generation_config.json does not matter then).
TEST_F(G4TextAssetsDirTest, NoTokenizer) {
  write(dir + "/generation_config.json", "{");
  auto assets = load();
  ASSERT_TRUE(bool(assets)) << llvm::toString(assets.takeError());
  EXPECT_FALSE(assets->has_value());
}

TEST_F(G4TextAssetsDirTest, TokenizerOnly) {
  copyTokenizer(dir);
  auto assets = load();
  ASSERT_TRUE(bool(assets)) << llvm::toString(assets.takeError());
  ASSERT_TRUE(assets->has_value());
  const TextAssets &a = **assets;
  EXPECT_EQ(a.tokenCount, 512u);
  EXPECT_FALSE(a.generation.fromFile);
  EXPECT_FALSE(a.emptyThought);
  EXPECT_EQ(a.stopIds, std::vector<int32_t>({1, 106})); // the model's eos, then <turn|>
}

TEST_F(G4TextAssetsDirTest, EverythingPresent) {
  copyTokenizer(dir);
  write(dir + "/generation_config.json",
        R"({"do_sample": true, "eos_token_id": [1, 106, 50], "temperature": 0.8,
            "top_k": 32, "top_p": 0.9})");
  write(
      dir + "/tokenizer_config.json",
      R"({"chat_template": "{{- '<|turn>model\\n' -}}{{- '<|channel>thought\\n<channel|>' -}}"})");
  auto assets = load();
  ASSERT_TRUE(bool(assets)) << llvm::toString(assets.takeError());
  const TextAssets &a = **assets;
  EXPECT_TRUE(a.generation.fromFile);
  EXPECT_FLOAT_EQ(a.generation.temperature, 0.8f);
  EXPECT_EQ(a.generation.topK, 32);
  EXPECT_TRUE(a.emptyThought);
  EXPECT_EQ(a.stopIds, std::vector<int32_t>({1, 106, 50}));
  // chat_template.jinja wins over tokenizer_config.json.
  write(dir + "/chat_template.jinja", "{{- '<|turn>model\\n' -}}");
  auto again = load();
  ASSERT_TRUE(bool(again)) << llvm::toString(again.takeError());
  EXPECT_FALSE((*again)->emptyThought);
}

// A list of named templates: "default" is the one.
TEST_F(G4TextAssetsDirTest, NamedTemplates) {
  copyTokenizer(dir);
  write(dir + "/tokenizer_config.json",
        R"({"chat_template": [{"name": "tool_use", "template": "x"},
            {"name": "default", "template": "'<|channel>thought\\n<channel|>'"}]})");
  auto assets = load();
  ASSERT_TRUE(bool(assets)) << llvm::toString(assets.takeError());
  EXPECT_TRUE((*assets)->emptyThought);
  write(dir + "/tokenizer_config.json", R"({"chat_template": 3})");
  EXPECT_THAT(loadError(), HasSubstr("tokenizer_config.json': chat_template: expected a string "
                                     "or a list of templates"));
  write(dir + "/tokenizer_config.json", "not json");
  EXPECT_THAT(loadError(), HasSubstr("tokenizer_config.json': not valid JSON"));
}

// Present but broken files are errors naming them.
TEST_F(G4TextAssetsDirTest, BrokenFiles) {
  write(dir + "/tokenizer.json", R"({"model": {"type": "WordPiece"}})");
  std::string message = loadError();
  EXPECT_THAT(message, HasSubstr(dir + "/tokenizer.json"));
  EXPECT_THAT(message, HasSubstr("WordPiece"));

  copyTokenizer(dir);
  write(dir + "/generation_config.json", R"({"top_p": 2})");
  message = loadError();
  EXPECT_THAT(message, HasSubstr(dir + "/generation_config.json': top_p"));

  write(dir + "/generation_config.json", R"({"eos_token_id": [1, 700]})");
  message = loadError();
  EXPECT_THAT(message, HasSubstr("generation_config.json': eos_token_id: stop id 700 is outside "
                                 "the vocabulary [0, 512)"));

  write(dir + "/generation_config.json", R"({"eos_token_id": [10, 11, 12, 13, 14, 15, 16, 17]})");
  message = loadError();
  EXPECT_THAT(message, HasSubstr("10 distinct stop ids"));
  EXPECT_THAT(message, HasSubstr("at most 8"));
}

// A tokenizer with more ids than the model's vocab_size is refused at compile time.
TEST_F(G4TextAssetsDirTest, TokenizerLargerThanTheModel) {
  copyTokenizer(dir);
  std::string message = loadError(384);
  EXPECT_THAT(message, HasSubstr(dir + "/tokenizer.json': the tokenizer has 512 ids, more than "
                                       "the model's vocab_size of 384"));
}

} // namespace
} // namespace g4::test
