//===- LoadModelDefTest.cpp - The released textprotos, configs and fixtures ===//
//
// The four released textprotos load and validate; the config.json built from the spec
// for each imports to exactly the same ModelDef; the tiny fixtures import to the
// per-layer structure recorded in their golden.json.
//
//===----------------------------------------------------------------------===//

#include "ModelDefTestSupport.h"

#include "model_defs/ModelDef.h"

#include "llvm/Support/FormatVariadic.h"

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

namespace g4::test {
namespace {

using modeldef::LayerDef;
using modeldef::ModelDef;
using ::testing::HasSubstr;

/// Loads `path` with loadModelDef; a failure is reported with its message.
std::optional<ModelDef> load(llvm::StringRef path) {
  llvm::Expected<ModelDef> def = loadModelDef(path);
  if (!def) {
    ADD_FAILURE() << llvm::toString(def.takeError());
    return std::nullopt;
  }
  return std::move(*def);
}

/// Compares two ModelDefs field by field and prints every difference.
void expectSameModelDef(const ModelDef &expected, const ModelDef &actual) {
  google::protobuf::util::MessageDifferencer differencer;
  std::string report;
  differencer.ReportDifferencesToString(&report);
  EXPECT_TRUE(differencer.Compare(expected, actual)) << report;
}

class ReleasedModelTest : public ::testing::TestWithParam<const char *> {};

TEST_P(ReleasedModelTest, TextprotoLoadsAndValidates) {
  std::optional<ModelDef> def = load(releasedTextprotoPath(GetParam()));
  ASSERT_TRUE(def);
  EXPECT_EQ(def->name(), std::string("gemma4-") + GetParam());
}

TEST_P(ReleasedModelTest, ConfigImportEqualsTextproto) {
  std::optional<ModelDef> expected = load(releasedTextprotoPath(GetParam()));
  std::optional<ModelDef> imported =
      load(testdataPath(std::string("configs/gemma4-") + GetParam()));
  ASSERT_TRUE(expected && imported);
  expectSameModelDef(*expected, *imported);
}

INSTANTIATE_TEST_SUITE_P(Gemma4, ReleasedModelTest, ::testing::ValuesIn(kVariants),
                         [](const auto &info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

/// Values of gemma4-architecture.md §1 and §2.9, written out independently of the
/// textprotos so that a slip in both would still be caught.
struct SpecFacts {
  const char *variant;
  uint32_t hidden, layers, heads, slidingKv, globalKv, window, maxPositions;
  uint32_t period; // layer pattern length; the last of each period is global
  int firstShared; // -1: no KV sharing
  int slidingDonor, globalDonor;
  uint32_t intermediate, sharedIntermediate;
  bool kEqV;
  uint32_t ple, experts, topK, expertWidth;
};

const SpecFacts kSpec[] = {
    {"e2b", 1536, 35, 8, 1, 1, 512, 131072, 5, 15, 13, 14, 6144, 12288, false, 256, 0, 0, 0},
    {"e4b", 2560, 42, 8, 2, 2, 512, 131072, 6, 24, 22, 23, 10240, 10240, false, 256, 0, 0, 0},
    {"26b-a4b", 2816, 30, 16, 8, 2, 1024, 262144, 6, -1, -1, -1, 2112, 2112, true, 0, 128, 8, 704},
    {"31b", 5376, 60, 32, 16, 4, 1024, 262144, 6, -1, -1, -1, 21504, 21504, true, 0, 0, 0, 0},
};

void expectLayerMatchesSpec(const SpecFacts &s, const ModelDef &def, int i) {
  const LayerDef &l = def.text().layers(i);
  SCOPED_TRACE(llvm::formatv("{0} layer {1}", s.variant, i).str());
  const bool global = uint32_t(i) % s.period == s.period - 1;
  const bool shared = s.firstShared >= 0 && i >= s.firstShared;
  EXPECT_EQ(l.attention(), global ? modeldef::GLOBAL : modeldef::SLIDING);
  EXPECT_EQ(l.head_dim(), global ? 512u : 256u);
  EXPECT_EQ(l.num_kv_heads(), global ? s.globalKv : s.slidingKv);
  EXPECT_EQ(l.k_eq_v(), global && s.kEqV);
  EXPECT_EQ(l.kv_donor(), !shared ? -1 : global ? s.globalDonor : s.slidingDonor);
  EXPECT_EQ(l.intermediate_size(), shared ? s.sharedIntermediate : s.intermediate);
  EXPECT_EQ(l.moe(), s.experts > 0);
  // §2.3: all 128 pairs rotate on sliding layers, 64 of 256 on global layers.
  EXPECT_EQ(rotatedPairs(def, i), global ? 64 : 128);
}

TEST(ReleasedModels, MatchSpecTable) {
  for (const SpecFacts &s : kSpec) {
    std::optional<ModelDef> def = load(releasedTextprotoPath(s.variant));
    ASSERT_TRUE(def) << s.variant;
    const auto &t = def->text();
    EXPECT_EQ(t.vocab_size(), 262144u) << s.variant;
    EXPECT_EQ(t.hidden_size(), s.hidden) << s.variant;
    EXPECT_EQ(t.num_heads(), s.heads) << s.variant;
    EXPECT_EQ(t.sliding_window(), s.window) << s.variant;
    EXPECT_EQ(t.max_position_embeddings(), s.maxPositions) << s.variant;
    EXPECT_EQ(t.per_layer_input_size(), s.ple) << s.variant;
    EXPECT_EQ(t.per_layer_vocab_size(), s.ple ? 262144u : 0u) << s.variant;
    EXPECT_EQ(t.moe().num_experts(), s.experts) << s.variant;
    EXPECT_EQ(t.moe().top_k(), s.topK) << s.variant;
    EXPECT_EQ(t.moe().expert_intermediate_size(), s.expertWidth) << s.variant;
    EXPECT_FLOAT_EQ(t.rms_norm_eps(), 1e-6f) << s.variant;
    EXPECT_EQ(t.final_logit_softcap(), 30.0f) << s.variant;
    EXPECT_TRUE(t.tie_word_embeddings()) << s.variant;
    EXPECT_EQ(t.pad_token_id(), 0u);
    EXPECT_EQ(t.eos_token_id(), 1u);
    EXPECT_EQ(t.bos_token_id(), 2u);
    ASSERT_EQ(uint32_t(t.layers_size()), s.layers) << s.variant;
    for (int i = 0; i < t.layers_size(); ++i)
      expectLayerMatchesSpec(s, *def, i);
  }
}

//===----------------------------------------------------------------------===//
// Fixtures: importer output against golden.json "structure"
//===----------------------------------------------------------------------===//

/// The ModelDef's layers in golden.json's "structure" encoding.
llvm::json::Object structureOf(const ModelDef &def) {
  llvm::json::Array types, headDim, kvHeads, kEqV, donor, intermediate, pairs;
  for (int i = 0; i < def.text().layers_size(); ++i) {
    const LayerDef &l = def.text().layers(i);
    types.push_back(l.attention() == modeldef::GLOBAL ? "F" : "S");
    headDim.push_back(int64_t(l.head_dim()));
    kvHeads.push_back(int64_t(l.num_kv_heads()));
    kEqV.push_back(l.k_eq_v());
    donor.push_back(l.kv_donor() < 0 ? llvm::json::Value(nullptr)
                                     : llvm::json::Value(int64_t(l.kv_donor())));
    intermediate.push_back(int64_t(l.intermediate_size()));
    pairs.push_back(int64_t(rotatedPairs(def, i)));
  }
  return llvm::json::Object{
      {"layer_types", std::move(types)},    {"head_dim", std::move(headDim)},
      {"num_kv_heads", std::move(kvHeads)}, {"k_eq_v", std::move(kEqV)},
      {"kv_donor", std::move(donor)},       {"intermediate_size", std::move(intermediate)},
      {"rotated_pairs", std::move(pairs)}};
}

std::string dump(const llvm::json::Value *v) {
  return v ? llvm::formatv("{0}", *v).str() : "<missing>";
}

class FixtureTest : public ::testing::TestWithParam<const char *> {};

TEST_P(FixtureTest, StructureMatchesGolden) {
  std::optional<ModelDef> def = load(testdataPath(GetParam()));
  llvm::json::Value golden = readJson(testdataPath(std::string(GetParam()) + "/golden.json"));
  ASSERT_TRUE(def);
  const llvm::json::Object *expected =
      golden.getAsObject() ? golden.getAsObject()->getObject("structure") : nullptr;
  ASSERT_NE(expected, nullptr) << "golden.json has no \"structure\" object";
  EXPECT_EQ(def->name(), GetParam());
  llvm::json::Object actual = structureOf(*def);
  EXPECT_EQ(expected->size(), actual.size()) << "golden.json structure has other keys";
  for (const auto &entry : actual)
    EXPECT_EQ(dump(expected->get(entry.first)), dump(&entry.second))
        << "structure." << entry.first.str();
}

INSTANTIATE_TEST_SUITE_P(Tiny, FixtureTest, ::testing::ValuesIn(kFixtures), [](const auto &info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
});

//===----------------------------------------------------------------------===//
// Importer behaviour on accepted variations of the config layout
//===----------------------------------------------------------------------===//

/// The tiny-e2b config, modified by `edit` and written to a temporary directory.
class EditedConfig {
public:
  explicit EditedConfig(const char *fixture = "tiny-e2b")
      : root(readJson(testdataPath(std::string(fixture) + "/config.json"))) {}
  llvm::json::Object &top() { return *root.getAsObject(); }
  llvm::json::Object &text() { return *top().getObject("text_config"); }
  std::string write(llvm::StringRef dirName) {
    return dir.write((dirName + "/config.json").str(), llvm::formatv("{0:2}", root).str());
  }

private:
  llvm::json::Value root;
  TempDir dir;
};

TEST(ImportHFConfig, FlatTextConfigEqualsNested) {
  EditedConfig nested;
  std::optional<ModelDef> expected = load(nested.write("model"));
  EditedConfig flat;
  llvm::json::Object text = std::move(flat.text());
  flat.top() = std::move(text);
  flat.top()["architectures"] = llvm::json::Array{"Gemma4ForCausalLM"};
  std::optional<ModelDef> imported = load(flat.write("model"));
  ASSERT_TRUE(expected && imported);
  expectSameModelDef(*expected, *imported);
}

TEST(ImportHFConfig, EosListKeepsFirstId) {
  EditedConfig config;
  config.text()["eos_token_id"] = llvm::json::Array{1, 106};
  std::optional<ModelDef> def = load(config.write("model"));
  ASSERT_TRUE(def);
  EXPECT_EQ(def->text().eos_token_id(), 1u);
}

TEST(ImportHFConfig, NullGlobalHeadDimFallsBackToHeadDim) {
  EditedConfig config;
  config.text()["global_head_dim"] = nullptr;
  std::optional<ModelDef> def = load(config.write("model"));
  ASSERT_TRUE(def);
  EXPECT_EQ(def->text().layers(4).head_dim(), 16u);
  EXPECT_EQ(rotatedPairs(*def, 4), 2); // floor(0.25 * 16 / 2)
}

TEST(ImportHFConfig, KEqVWithoutGlobalKvHeadsUsesKvHeads) {
  EditedConfig config("tiny-moe");
  config.text()["num_global_key_value_heads"] = nullptr;
  std::optional<ModelDef> def = load(config.write("model"));
  ASSERT_TRUE(def);
  EXPECT_TRUE(def->text().layers(5).k_eq_v());
  EXPECT_EQ(def->text().layers(5).num_kv_heads(), 4u);
}

TEST(ImportHFConfig, GlobalKvHeadsIgnoredWithoutKEqV) {
  // HF uses num_global_key_value_heads only on k_eq_v layers.
  EditedConfig config;
  config.text()["num_global_key_value_heads"] = 4;
  std::optional<ModelDef> def = load(config.write("model"));
  ASSERT_TRUE(def);
  EXPECT_EQ(def->text().layers(4).num_kv_heads(), 1u);
}

TEST(ImportHFConfig, NoPleMeansNoPleVocab) {
  EditedConfig config;
  config.text()["hidden_size_per_layer_input"] = nullptr;
  std::optional<ModelDef> def = load(config.write("model"));
  ASSERT_TRUE(def);
  EXPECT_EQ(def->text().per_layer_input_size(), 0u);
  EXPECT_EQ(def->text().per_layer_vocab_size(), 0u);
}

TEST(ImportHFConfig, NullSoftcapMeansNone) {
  EditedConfig config;
  config.text()["final_logit_softcapping"] = nullptr;
  std::optional<ModelDef> def = load(config.write("model"));
  ASSERT_TRUE(def);
  EXPECT_EQ(def->text().final_logit_softcap(), 0.0f);
}

TEST(ImportHFConfig, LastLayerSlidingIsKept) {
  // HF would force the last layer to full attention; g4c imports what the file says.
  EditedConfig config("tiny-31b");
  (*config.text().getArray("layer_types"))[11] = "sliding_attention";
  std::optional<ModelDef> def = load(config.write("model"));
  ASSERT_TRUE(def);
  EXPECT_EQ(def->text().layers(11).attention(), modeldef::SLIDING);
}

//===----------------------------------------------------------------------===//
// loadModelDef dispatch
//===----------------------------------------------------------------------===//

TEST(LoadModelDef, AcceptsDirectoryJsonAndTextproto) {
  std::optional<ModelDef> fromDir = load(testdataPath("tiny-moe"));
  std::optional<ModelDef> fromJson = load(testdataPath("tiny-moe/config.json"));
  ASSERT_TRUE(fromDir && fromJson);
  expectSameModelDef(*fromDir, *fromJson);

  TempDir dir;
  std::string pbtxt;
  google::protobuf::TextFormat::PrintToString(*fromDir, &pbtxt);
  std::optional<ModelDef> fromPbtxt = load(dir.write("copy.pbtxt", pbtxt));
  ASSERT_TRUE(fromPbtxt);
  expectSameModelDef(*fromDir, *fromPbtxt);
}

TEST(LoadModelDef, MissingPathNamesIt) {
  std::string missing = testdataPath("no-such-model");
  std::string msg = errorText(loadModelDef(missing).takeError());
  EXPECT_THAT(msg, HasSubstr(missing + ": no such file or directory"));
}

TEST(LoadModelDef, DirectoryWithoutConfigNamesConfigJson) {
  TempDir dir;
  std::string msg = errorText(loadModelDef(dir.path()).takeError());
  EXPECT_THAT(msg, HasSubstr(dir.path() + "/config.json: cannot read file"));
}

TEST(LoadModelDef, UnknownExtensionIsRejected) {
  TempDir dir;
  std::string file = dir.write("model.yaml", "name: x\n");
  std::string msg = errorText(loadModelDef(file).takeError());
  EXPECT_THAT(msg, HasSubstr(file + ": unrecognised model definition"));
  EXPECT_THAT(msg, HasSubstr(".textproto"));
}

} // namespace
} // namespace g4::test
