//===- TextSectionTest.cpp - The executable's text section ------------------===//
//
// What g4c appends (buildTextSection) loads in the runtime (g4rt_text_section_load),
// and every field that can be wrong is an error naming it, never a bad read later.
//
//===----------------------------------------------------------------------===//
#include "compiler/Tokenizer/TextAssets.h"
#include "runtime/g4rt/text/text_section.h"

#include "tests/unit/tokenizer/TokenizerTestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace g4::test {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kVocab = 512;

TextAssets tinyAssets() {
  llvm::Expected<PackedTokenizer> packed =
      packTokenizerJson(G4_SOURCE_DIR "/tests/text/tiny-gemma4-tokenizer.json");
  EXPECT_TRUE(bool(packed)) << llvm::toString(packed.takeError());
  GenerationDefaults generation;
  generation.temperature = 0.7f;
  generation.topK = 40;
  generation.topP = 0.9f;
  generation.fromFile = true;
  generation.eosTokenIds = {1, 106, 50};
  llvm::Expected<TextAssets> assets = makeTextAssets(
      std::move(*packed), generation, /*emptyThought=*/true, kVocab, 1, "dir/tokenizer.json");
  EXPECT_TRUE(bool(assets)) << llvm::toString(assets.takeError());
  return std::move(*assets);
}

/// A section in 8-aligned storage, editable through header().
struct Section {
  explicit Section(const std::string &bytes) : size(bytes.size()) {
    storage.resize((bytes.size() + 7) / 8);
    std::memcpy(storage.data(), bytes.data(), bytes.size());
  }
  g4_text_header_t &header() { return *reinterpret_cast<g4_text_header_t *>(storage.data()); }
  g4rt_status_t load(g4rt_text_section_t *out, int64_t vocab = kVocab) {
    return g4rt_text_section_load(storage.data(), size, vocab, out);
  }
  std::vector<uint64_t> storage;
  size_t size;
};

const std::string &tinySection() {
  static const std::string *section = new std::string(buildTextSection(tinyAssets()));
  return *section;
}

TEST(G4TextSectionTest, RoundTrip) {
  Section section(tinySection());
  g4rt_text_section_t text;
  g4rt_status_t status = section.load(&text);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  const g4_text_header_t *h = text.header;
  EXPECT_EQ(std::string(h->magic, 8), G4_TEXT_MAGIC);
  EXPECT_EQ(h->version, G4_TEXT_VERSION);
  EXPECT_EQ(h->header_bytes, sizeof(g4_text_header_t));
  EXPECT_EQ(h->tokenizer_offset, 96u);
  EXPECT_FLOAT_EQ(h->temperature, 0.7f);
  EXPECT_EQ(h->top_k, 40);
  EXPECT_FLOAT_EQ(h->top_p, 0.9f);
  EXPECT_EQ(h->flags, G4_TEXT_FLAG_GENERATION_CONFIG | G4_TEXT_FLAG_EMPTY_THOUGHT);
  // The model's eos, generation_config's list, then <eos> and <turn|>, without repeats.
  ASSERT_EQ(h->num_stop_ids, 3u);
  EXPECT_EQ(std::vector<int32_t>(h->stop_ids, h->stop_ids + 3), std::vector<int32_t>({1, 106, 50}));
  EXPECT_TRUE(g4rt_text_section_is_stop(&text, 106));
  EXPECT_TRUE(g4rt_text_section_is_stop(&text, 50));
  EXPECT_FALSE(g4rt_text_section_is_stop(&text, 105));
  EXPECT_EQ(g4rt_tokenizer_token_count(&text.tokenizer), 512u);
  EXPECT_EQ(g4rt_tokenizer_bos_id(&text.tokenizer), 2);
  EXPECT_EQ(g4rt_tokenizer_find(&text.tokenizer, "<turn|>", 7), 106);
}

struct Corruption {
  const char *name;
  std::function<void(g4_text_header_t &)> edit;
  g4rt_status_code_t code;
  const char *message;
};

TEST(G4TextSectionTest, EveryHeaderFieldIsChecked) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Corruption cases[] = {
      {"magic", [](g4_text_header_t &h) { h.magic[0] = 'X'; }, G4RT_STATUS_DATA_LOSS,
       "magic \"G4TEXTSC\" not found"},
      {"version", [](g4_text_header_t &h) { h.version = 2; }, G4RT_STATUS_FAILED_PRECONDITION,
       "version expected 1, found 2 (recompile"},
      {"header_bytes", [](g4_text_header_t &h) { h.header_bytes = 88; }, G4RT_STATUS_DATA_LOSS,
       "header_bytes expected 96, found 88"},
      {"unaligned offset", [](g4_text_header_t &h) { h.tokenizer_offset = 100; },
       G4RT_STATUS_DATA_LOSS, "tokenizer_offset expected a multiple of 8"},
      {"offset in the header", [](g4_text_header_t &h) { h.tokenizer_offset = 64; },
       G4RT_STATUS_DATA_LOSS, "tokenizer_offset"},
      {"offset past the end", [](g4_text_header_t &h) { h.tokenizer_offset = 1ull << 40; },
       G4RT_STATUS_DATA_LOSS, "tokenizer_offset"},
      {"no tokenizer", [](g4_text_header_t &h) { h.tokenizer_bytes = 0; }, G4RT_STATUS_DATA_LOSS,
       "tokenizer_bytes expected non-zero"},
      {"tokenizer past the end", [](g4_text_header_t &h) { h.tokenizer_bytes += 8; },
       G4RT_STATUS_DATA_LOSS, "tokenizer_bytes"},
      {"huge tokenizer", [](g4_text_header_t &h) { h.tokenizer_bytes = ~0ull; },
       G4RT_STATUS_DATA_LOSS, "tokenizer_bytes"},
      {"negative temperature", [](g4_text_header_t &h) { h.temperature = -1; },
       G4RT_STATUS_DATA_LOSS, "temperature expected a finite value >= 0, found -1"},
      {"NaN temperature", [nan](g4_text_header_t &h) { h.temperature = nan; },
       G4RT_STATUS_DATA_LOSS, "temperature"},
      {"infinite temperature",
       [](g4_text_header_t &h) { h.temperature = std::numeric_limits<float>::infinity(); },
       G4RT_STATUS_DATA_LOSS, "temperature"},
      {"top_p 0", [](g4_text_header_t &h) { h.top_p = 0; }, G4RT_STATUS_DATA_LOSS,
       "top_p expected a value in (0, 1], found 0"},
      {"top_p 1.5", [](g4_text_header_t &h) { h.top_p = 1.5f; }, G4RT_STATUS_DATA_LOSS, "top_p"},
      {"NaN top_p", [nan](g4_text_header_t &h) { h.top_p = nan; }, G4RT_STATUS_DATA_LOSS, "top_p"},
      {"top_k", [](g4_text_header_t &h) { h.top_k = -3; }, G4RT_STATUS_DATA_LOSS,
       "top_k expected >= 0, found -3"},
      {"flags", [](g4_text_header_t &h) { h.flags |= 0x100; }, G4RT_STATUS_DATA_LOSS,
       "flags 0x106 has unknown bits"},
      {"no stop ids", [](g4_text_header_t &h) { h.num_stop_ids = 0; }, G4RT_STATUS_DATA_LOSS,
       "num_stop_ids expected 1 .. 8, found 0"},
      {"too many stop ids", [](g4_text_header_t &h) { h.num_stop_ids = 9; }, G4RT_STATUS_DATA_LOSS,
       "num_stop_ids"},
      {"stop id past the vocabulary", [](g4_text_header_t &h) { h.stop_ids[2] = 512; },
       G4RT_STATUS_DATA_LOSS, "stop_ids[2] = 512 is outside the vocabulary [0, 512)"},
      {"negative stop id", [](g4_text_header_t &h) { h.stop_ids[0] = -1; }, G4RT_STATUS_DATA_LOSS,
       "stop_ids[0] = -1"},
  };
  for (const Corruption &corruption : cases) {
    SCOPED_TRACE(corruption.name);
    Section section(tinySection());
    corruption.edit(section.header());
    g4rt_text_section_t text;
    g4rt_status_t status = section.load(&text);
    EXPECT_EQ(status.code, corruption.code) << describe(status);
    EXPECT_THAT(status.message, HasSubstr(corruption.message));
    EXPECT_THAT(status.message, HasSubstr("text section: "));
    EXPECT_EQ(text.header, nullptr);
  }
}

// The tokenizer inside is validated too (its checksum covers every byte).
TEST(G4TextSectionTest, CorruptTokenizer) {
  Section section(tinySection());
  auto *bytes = reinterpret_cast<uint8_t *>(section.storage.data());
  bytes[section.header().tokenizer_offset + 4096] ^= 0x40;
  g4rt_text_section_t text;
  g4rt_status_t status = section.load(&text);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message, HasSubstr("checksum"));
}

// A tokenizer with more ids than the model: no id it encodes may reach the model.
TEST(G4TextSectionTest, TokenizerLargerThanTheModel) {
  Section section(tinySection());
  section.header().stop_ids[1] = 1; // keep the stop ids inside the smaller vocabulary
  section.header().stop_ids[2] = 1;
  g4rt_text_section_t text;
  g4rt_status_t status = section.load(&text, 300);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message,
              HasSubstr("the tokenizer has 512 ids, more than the model's vocabulary of 300"));
}

TEST(G4TextSectionTest, ShortMisalignedAndNull) {
  Section section(tinySection());
  g4rt_text_section_t text;
  g4rt_status_t status = g4rt_text_section_load(section.storage.data(), 95, kVocab, &text);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message, HasSubstr("95 bytes, fewer than the 96-byte header"));
  // Cut inside the tokenizer: its bytes no longer fit the section.
  status = g4rt_text_section_load(section.storage.data(), section.size - 8, kVocab, &text);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message, HasSubstr("tokenizer_bytes"));
  status = g4rt_text_section_load(reinterpret_cast<const uint8_t *>(section.storage.data()) + 4,
                                  section.size - 8, kVocab, &text);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(g4rt_text_section_load(nullptr, 0, kVocab, &text).code, G4RT_STATUS_INVALID_ARGUMENT);
}

} // namespace
} // namespace g4::test
