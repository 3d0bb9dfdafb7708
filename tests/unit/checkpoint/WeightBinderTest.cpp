//===- WeightBinderTest.cpp - Binding checkpoints to ModelDefs ------------===//
//
// Every fixture binds; leftover tensors are explained; wrong dtypes, shapes and
// missing tensors fail with the file, tensor, expected and found values.
//
//===----------------------------------------------------------------------===//

#include "compiler/Checkpoint/WeightBinder.h"
#include "tests/unit/checkpoint/TestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace g4::test {
namespace {

using ::testing::HasSubstr;

struct FixtureExpectation {
  const char *fixture;
  size_t unusedKVSharedTensors;
  friend void PrintTo(const FixtureExpectation &e, std::ostream *os) { *os << e.fixture; }
};

class BindFixture : public ::testing::TestWithParam<FixtureExpectation> {};

TEST_P(BindFixture, BindsEveryParameter) {
  auto def = fixtureModelDef(GetParam().fixture);
  G4_ASSERT_OK(def);
  auto checkpoint = Checkpoint::open(fixtureDir(GetParam().fixture));
  G4_ASSERT_OK(checkpoint);
  auto weights = bindTextDecoderWeights(*def, **checkpoint);
  G4_ASSERT_OK(weights);

  const std::vector<ParamSpec> specs = listTextDecoderParams(*def);
  ASSERT_EQ(weights->params.size(), specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    const BoundParam &p = weights->params[i];
    SCOPED_TRACE(specs[i].name);
    EXPECT_EQ(p.spec.name, specs[i].name);
    EXPECT_EQ(p.record->name, textName(specs[i].name));
    EXPECT_EQ(p.record->numElements(), numElements(specs[i]));
    EXPECT_EQ(p.shardPath, fixtureFile(GetParam().fixture));
    std::vector<float> values(p.record->numElements());
    EXPECT_FALSE(bool(readAsFloat32(*p.record, values)));
  }
  // Everything else in the fixtures is a KV-shared layer's unused k/v.
  EXPECT_EQ(weights->unused.size(), GetParam().unusedKVSharedTensors);
  for (const UnusedTensor &u : weights->unused)
    EXPECT_EQ(u.reason, UnusedReason::KVSharedLayer) << u.record->name;
  EXPECT_EQ(weights->params.size() + weights->unused.size(), (*checkpoint)->tensors().size());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BindFixture,
                         ::testing::Values(FixtureExpectation{"tiny-e2b", 5 * 3},
                                           FixtureExpectation{"tiny-e4b", 6 * 3},
                                           FixtureExpectation{"tiny-moe", 0},
                                           FixtureExpectation{"tiny-31b", 0}),
                         [](const auto &info) {
                           std::string name = info.param.fixture;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(WeightBinder, E2BReportsKVSharedLayersUnused) {
  auto def = fixtureModelDef("tiny-e2b");
  G4_ASSERT_OK(def);
  auto checkpoint = Checkpoint::open(fixtureDir("tiny-e2b"));
  G4_ASSERT_OK(checkpoint);
  auto weights = bindTextDecoderWeights(*def, **checkpoint);
  G4_ASSERT_OK(weights);

  std::map<std::string, const UnusedTensor *> unused;
  for (const UnusedTensor &u : weights->unused)
    unused[u.record->name] = &u;
  ASSERT_EQ(unused.size(), 15u);
  for (int layer = 5; layer <= 9; ++layer) {
    const int donor = layer == 9 ? 4 : 3; // global layer 9 reads global layer 4
    for (const char *tensor : {"k_proj.weight", "v_proj.weight", "k_norm.weight"}) {
      const std::string name = textName("layers." + std::to_string(layer) + ".self_attn." + tensor);
      ASSERT_TRUE(unused.count(name)) << name;
      EXPECT_EQ(unused[name]->reason, UnusedReason::KVSharedLayer);
      EXPECT_EQ(unused[name]->detail, "layer " + std::to_string(layer) + " reads layer " +
                                          std::to_string(donor) + "'s KV cache");
    }
  }

  std::string report = formatBindingReport(*weights);
  EXPECT_THAT(report, HasSubstr("bound " + std::to_string(weights->params.size()) +
                                " parameters from 1 shard"));
  EXPECT_THAT(report, HasSubstr("BF16: " + std::to_string(weights->params.size()) + " tensors"));
  EXPECT_THAT(report, HasSubstr("unused 15 tensors"));
  EXPECT_THAT(report, HasSubstr("k/v projections and k_norm of KV-shared layers (15):"));
  EXPECT_THAT(report, HasSubstr(textName("layers.7.self_attn.v_proj.weight") +
                                ": layer 7 reads layer 3's KV cache"));
}

//===----------------------------------------------------------------------===//
// Edited copies of a fixture
//===----------------------------------------------------------------------===//

// Each test edits tiny-moe's file (or its ModelDef) and binds the result.
class BindEdited : public ::testing::Test {
protected:
  void SetUp() override {
    auto read = SafetensorsImage::read(fixtureFile("tiny-moe"));
    G4_ASSERT_OK(read);
    image = std::move(*read);
    auto loaded = fixtureModelDef("tiny-moe");
    G4_ASSERT_OK(loaded);
    def = std::move(*loaded);
  }

  // Writes the image as <dir>/model.safetensors and binds it.
  llvm::Expected<BoundWeights> bind() {
    if (llvm::Error err = image.write(path()))
      return std::move(err);
    auto opened = Checkpoint::open(dir.path());
    if (!opened)
      return opened.takeError();
    checkpoint = std::move(*opened);
    return bindTextDecoderWeights(def, *checkpoint);
  }

  std::string path() const { return dir.file("model.safetensors"); }

  // Unused tensor name -> reason.
  std::map<std::string, UnusedReason> unusedReasons(const BoundWeights &weights) {
    std::map<std::string, UnusedReason> reasons;
    for (const UnusedTensor &u : weights.unused)
      reasons[u.record->name] = u.reason;
    return reasons;
  }

  static constexpr const char *kQProj = "model.language_model.layers.0.self_attn.q_proj.weight";
  TempDir dir;
  SafetensorsImage image;
  modeldef::ModelDef def;
  std::unique_ptr<Checkpoint> checkpoint;
};

TEST_F(BindEdited, WrongDType) {
  image.entry(kQProj)["dtype"] = "I16"; // same size as BF16, so the file stays valid
  std::string msg = errorOf(bind());
  EXPECT_THAT(msg, HasSubstr(path() + ": tensor '" + kQProj +
                             "': expected dtype F32, BF16 or F16, found I16"));
}

TEST_F(BindEdited, WrongShape) {
  image.entry(kQProj)["shape"] = llvm::json::Array{72, 128}; // transposed
  std::string msg = errorOf(bind());
  EXPECT_THAT(msg, HasSubstr(path() + ": tensor '" + kQProj +
                             "': expected shape [128, 72], found [72, 128]"));
}

TEST_F(BindEdited, MissingTensor) {
  image.header.erase(textName("norm.weight"));
  std::string msg = errorOf(bind());
  EXPECT_THAT(msg,
              HasSubstr(dir.path() + ": missing tensor 'model.language_model.norm.weight' (final "
                                     "norm), looked for it as 'model.language_model.norm.weight' "
                                     "and 'model.norm.weight'"));
}

TEST_F(BindEdited, ReportsEveryProblemAtOnce) {
  image.header.erase(textName("layers.3.router.scale"));
  image.entry(kQProj)["shape"] = llvm::json::Array{72, 128};
  std::string msg = errorOf(bind());
  EXPECT_THAT(msg, HasSubstr("missing tensor '" + textName("layers.3.router.scale") +
                             "' (layer 3 router input scale)"));
  EXPECT_THAT(msg, HasSubstr("expected shape [128, 72], found [72, 128]"));
}

TEST_F(BindEdited, TextOnlyCheckpointNames) {
  image.renamePrefix("model.language_model.", "model.");
  auto weights = bind();
  G4_ASSERT_OK(weights);
  EXPECT_EQ(weights->lookup("norm.weight")->record->name, "model.norm.weight");
  EXPECT_TRUE(weights->unused.empty());
}

TEST_F(BindEdited, ExplainsEveryUnusedTensor) {
  image.addTensor("model.vision_tower.encoder.layers.0.mlp.up_proj.linear.weight", "BF16", {4, 4},
                  32);
  image.addTensor("model.audio_tower.output_proj.bias", "F32", {4}, 16);
  image.addTensor("model.embed_vision.embedding_projection.weight", "BF16", {72, 4}, 576);
  image.addTensor("model.embed_audio.embedding_projection.weight", "BF16", {72, 4}, 576);
  image.addTensor("lm_head.weight", "BF16", {384, 72}, 384 * 72 * 2);
  image.addTensor(textName("layers.0.self_attn.v_norm.weight"), "BF16", {16}, 32);
  image.addTensor(textName("layers.5.self_attn.v_proj.weight"), "BF16", {64, 72}, 64 * 72 * 2);
  image.addTensor("model.language_model.rope_freqs", "I64", {4}, 32); // unused: dtype is fine
  auto weights = bind();
  G4_ASSERT_OK(weights);
  EXPECT_EQ(
      unusedReasons(*weights),
      (std::map<std::string, UnusedReason>{
          {"lm_head.weight", UnusedReason::TiedHead},
          {"model.audio_tower.output_proj.bias", UnusedReason::AudioTower},
          {"model.embed_audio.embedding_projection.weight", UnusedReason::MultimodalProjector},
          {"model.embed_vision.embedding_projection.weight", UnusedReason::MultimodalProjector},
          {textName("layers.0.self_attn.v_norm.weight"), UnusedReason::NotTextDecoder},
          {textName("layers.5.self_attn.v_proj.weight"), UnusedReason::KEqVLayer},
          {"model.language_model.rope_freqs", UnusedReason::NotTextDecoder},
          {"model.vision_tower.encoder.layers.0.mlp.up_proj.linear.weight",
           UnusedReason::VisionTower},
      }));

  std::string report = formatBindingReport(*weights);
  EXPECT_THAT(report, HasSubstr("unused 8 tensors"));
  EXPECT_THAT(report, HasSubstr("vision tower (1):"));
  EXPECT_THAT(report, HasSubstr("audio tower (1):"));
  EXPECT_THAT(report, HasSubstr("multimodal projectors (2):"));
  EXPECT_THAT(report, HasSubstr("tied lm_head (duplicate of embed_tokens) (1):\n"
                                "    lm_head.weight\n"));
  EXPECT_THAT(report, HasSubstr("not part of the Gemma 4 text decoder (2):"));
  EXPECT_THAT(report, HasSubstr(textName("layers.5.self_attn.v_proj.weight") +
                                ": layer 5 uses its keys as values (attention_k_eq_v)"));
}

TEST_F(BindEdited, UntiedHeadBindsTheTopLevelLmHead) {
  def.mutable_text()->set_tie_word_embeddings(false);
  image.addTensor("lm_head.weight", "BF16", {384, 72}, 384 * 72 * 2);
  auto weights = bind();
  G4_ASSERT_OK(weights);
  const BoundParam *head = weights->lookup("lm_head.weight");
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->record->name, "lm_head.weight");
  EXPECT_TRUE(weights->unused.empty());
}

TEST_F(BindEdited, UntiedModelWithoutHeadIsMissingIt) {
  def.mutable_text()->set_tie_word_embeddings(false);
  std::string msg = errorOf(bind());
  EXPECT_THAT(msg, HasSubstr("missing tensor 'lm_head.weight' (output head), looked for it "
                             "as 'lm_head.weight', 'model.language_model.lm_head.weight' "
                             "and 'model.lm_head.weight'"));
}

} // namespace
} // namespace g4::test
