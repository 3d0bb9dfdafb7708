//===- BenchTest.cpp - What g4c bench counts per token --------------------===//
//
// The expected numbers were computed from the fixture's own files, independently of
// the parameter list g4c uses: the byte sizes in tiny-moe/model.safetensors (every
// tensor is used: no KV sharing), minus 12/16 of the expert tensors (top-4 of 16), plus
// one embedding row (72 bf16 values) read by the lookup; K/V bytes from config.json
// (sliding layers: 4 KV heads x 16 dims over min(depth+1, 16) positions; global layers:
// 2 x 32 over depth+1); FLOPs as 2 x elements of every matrix with experts scaled the
// same way.
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/Bench.h"
#include "model_defs/ModelDef.h"

#include "gtest/gtest.h"

namespace {

g4::modeldef::ModelDef tinyMoE() {
  llvm::Expected<g4::modeldef::ModelDef> def = g4::loadModelDef(G4_TESTDATA_DIR "/tiny-moe");
  EXPECT_TRUE(bool(def)) << llvm::toString(def.takeError());
  return *def;
}

TEST(Bench, DecodeBytesPerTokenCountWhatDecodeReads) {
  g4::modeldef::ModelDef def = tinyMoE();
  EXPECT_EQ(g4::decodeBytesPerToken(def, 0), 1528376);
  EXPECT_EQ(g4::decodeBytesPerToken(def, 1024), 2653752);
}

// f16 caches (--kv-cache-type=f16) halve the K/V bytes (at 0 bytes per element only the
// weights remain), at every depth.
TEST(Bench, DecodeBytesPerTokenCountF16Caches) {
  g4::modeldef::ModelDef def = tinyMoE();
  int64_t weights = g4::decodeBytesPerToken(def, 0, {}, 0);
  int64_t kv0 = g4::decodeBytesPerToken(def, 0) - weights,
          kv1024 = g4::decodeBytesPerToken(def, 1024) - weights;
  EXPECT_GT(kv0, 0);
  EXPECT_EQ(g4::decodeBytesPerToken(def, 0, {}, 2), weights + kv0 / 2);
  EXPECT_EQ(g4::decodeBytesPerToken(def, 1024, {}, 2), weights + kv1024 / 2);
}

// Packed formats count their blocks: tiny-moe packs nothing (hidden 72 is not a multiple
// of 32), tiny-e2b packs its projections, q4_0 blocks (18 bytes) below q8_0 (34) below
// bf16 (64 bytes per 32 weights), and its tied table (the head, plus one row) in q8_0
// under both formats.
using g4::gemma::WeightFormat;

TEST(Bench, DecodeBytesPerTokenCountPackedBlocks) {
  g4::modeldef::ModelDef moe = tinyMoE();
  EXPECT_EQ(g4::decodeBytesPerToken(moe, 0, WeightFormat::q8_0), g4::decodeBytesPerToken(moe, 0));
  llvm::Expected<g4::modeldef::ModelDef> e2b = g4::loadModelDef(G4_TESTDATA_DIR "/tiny-e2b");
  ASSERT_TRUE(bool(e2b)) << llvm::toString(e2b.takeError());
  int64_t bf16 = g4::decodeBytesPerToken(*e2b, 0),
          q8 = g4::decodeBytesPerToken(*e2b, 0, WeightFormat::q8_0),
          q4 = g4::decodeBytesPerToken(*e2b, 0, WeightFormat::q4_0);
  // The interleaved forms hold the same bytes for the same matrices.
  EXPECT_EQ(g4::decodeBytesPerToken(*e2b, 0, WeightFormat::q8_0x8), q8);
  EXPECT_EQ(g4::decodeBytesPerToken(*e2b, 0, WeightFormat::q4_0x8), q4);
  EXPECT_LT(q4, q8);
  EXPECT_LT(q8, bf16);
  // Per block of 32 weights the bytes go 64 -> 34 (q8_0) or 64 -> 18 (q4_0). With P
  // projection blocks and T table blocks, bf16 - q8 = 30 (P + T) and q8 - q4 = 16 P; the
  // table read per token is 512 x 96 + 96 values, 1539 blocks.
  EXPECT_EQ((q8 - q4) % 16, 0);
  EXPECT_EQ((bf16 - q8) % 30, 0);
  EXPECT_EQ((bf16 - q8) / 30 - (q8 - q4) / 16, (512 * 96 + 96) / 32);
}

// A vocab that is not a multiple of 8 leaves the table (the head) unpacked in the
// interleaved forms (packedTableFormat), so it counts as bf16 there: 30 bytes more per
// block of its 510 x 96 + 96 values (1533 blocks) than in plain q8_0, which packs it.
TEST(Bench, DecodeBytesPerTokenCountTheTableAsTheBuilderPacksIt) {
  llvm::Expected<g4::modeldef::ModelDef> e2b = g4::loadModelDef(G4_TESTDATA_DIR "/tiny-e2b");
  ASSERT_TRUE(bool(e2b)) << llvm::toString(e2b.takeError());
  e2b->mutable_text()->set_vocab_size(510);
  int64_t plain = g4::decodeBytesPerToken(*e2b, 0, WeightFormat::q4_0),
          interleaved = g4::decodeBytesPerToken(*e2b, 0, WeightFormat::q4_0x8);
  EXPECT_EQ(interleaved - plain, 30 * (510 * 96 + 96) / 32);
}

// The head (the tied embedding, 384 x 72) is counted apart: a prefill call runs it
// once. Together they are 2 x every matrix's elements (1506816).
TEST(Bench, PrefillFlopsCountTheWeightContractions) {
  EXPECT_EQ(g4::headFlopsPerToken(tinyMoE()), 2 * 384 * 72);
  EXPECT_EQ(g4::prefillFlopsPerToken(tinyMoE()), 1506816 - 2 * 384 * 72);
}

TEST(Bench, TestsListTheirPromptsAndDepthsInOrder) {
  llvm::Expected<g4::BenchTests> tests = g4::parseBenchTests("tg@1024,pp512,tg@0");
  ASSERT_TRUE(bool(tests)) << llvm::toString(tests.takeError());
  EXPECT_EQ(tests->prompts, (std::vector<int64_t>{512}));
  EXPECT_EQ(tests->depths, (std::vector<int64_t>{1024, 0}));
  // Decode only: no prefill lengths.
  tests = g4::parseBenchTests("tg@0");
  ASSERT_TRUE(bool(tests)) << llvm::toString(tests.takeError());
  EXPECT_TRUE(tests->prompts.empty());
  EXPECT_EQ(tests->depths, (std::vector<int64_t>{0}));
  // The defaults are the four tests.
  g4::BenchTests defaults;
  EXPECT_EQ(defaults.prompts, (std::vector<int64_t>{128, 512}));
  EXPECT_EQ(defaults.depths, (std::vector<int64_t>{0, 1024}));
}

TEST(Bench, TestsRejectWhatIsNotATest) {
  const std::pair<const char *, const char *> cases[] = {
      {"", "'' is not a test"},
      {"tg0", "'tg0' is not a test"},
      {"pp0", "'pp0' needs a positive prompt length"},
      {"tg@-1", "'tg@-1' needs a depth of 0 or more"},
      {"tg@x", "'tg@x' needs a whole number after 'tg@'"},
      {"pp8,tg@0,pp8", "'pp8' is given twice"},
      {"pp128,", "'' is not a test"},
  };
  for (auto [list, expected] : cases) {
    llvm::Expected<g4::BenchTests> tests = g4::parseBenchTests(list);
    ASSERT_FALSE(bool(tests)) << list;
    std::string message = llvm::toString(tests.takeError());
    EXPECT_NE(message.find(std::string("--tests=") + list + ": " + expected), std::string::npos)
        << "list '" << list << "': " << message;
  }
}

} // namespace
