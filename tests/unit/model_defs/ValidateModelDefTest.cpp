//===- ValidateModelDefTest.cpp - One test per violated constraint --------===//
//
// Each case breaks one constraint of docs/model-defs.md in a released ModelDef and
// checks the whole message: origin, constraint id, field with its layer, found value
// and requirement. Test names start with the constraint id.
//
//===----------------------------------------------------------------------===//

#include "ModelDefTestSupport.h"

#include "model_defs/ModelDef.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <optional>
#include <ostream>

namespace g4::test {
namespace {

using modeldef::ModelDef;
using modeldef::TextDecoderDef;
using ::testing::HasSubstr;

constexpr const char *kOrigin = "origin.textproto";

std::optional<ModelDef> loadReleased(const char *variant) {
  llvm::Expected<ModelDef> def = loadModelDefTextproto(releasedTextprotoPath(variant));
  if (!def) {
    ADD_FAILURE() << llvm::toString(def.takeError());
    return std::nullopt;
  }
  return std::move(*def);
}

struct Violation {
  const char *name;
  const char *variant; // the released ModelDef that is broken
  std::function<void(TextDecoderDef &)> edit;
  /// The message that must follow "origin.textproto: ".
  std::string expected;
};

void PrintTo(const Violation &v, std::ostream *os) { *os << v.name; }

const Violation kViolations[] = {
    {"M2_ZeroHiddenSize", "e2b", [](TextDecoderDef &t) { t.set_hidden_size(0); },
     "M2: text.hidden_size = 0: must be > 0"},
    {"M2_ZeroSlidingWindow", "e2b", [](TextDecoderDef &t) { t.set_sliding_window(0); },
     "M2: text.sliding_window = 0: must be > 0"},
    {"M3_LayerMissing", "e2b", [](TextDecoderDef &t) { t.mutable_layers()->RemoveLast(); },
     "M3: text.layers = 34 entries: must list text.num_layers = 35 layers"},
    {"M4_ZeroRmsEps", "e2b", [](TextDecoderDef &t) { t.set_rms_norm_eps(0); },
     "M4: text.rms_norm_eps = 0: must be a finite number > 0"},
    {"M4_NanRmsEps", "e2b", [](TextDecoderDef &t) { t.set_rms_norm_eps(std::nanf("")); },
     "M4: text.rms_norm_eps = nan: must be a finite number > 0"},
    {"M5_NegativeSoftcap", "e2b", [](TextDecoderDef &t) { t.set_final_logit_softcap(-1); },
     "M5: text.final_logit_softcap = -1: must be a finite number >= 0 (0 = no softcap)"},
    {"M6_NoActivation", "e2b",
     [](TextDecoderDef &t) { t.set_activation(modeldef::ACTIVATION_UNSPECIFIED); },
     "M6: text.activation = ACTIVATION_UNSPECIFIED: must be GELU_TANH"},
    {"M7_EosOutsideVocab", "e2b", [](TextDecoderDef &t) { t.set_eos_token_id(262144); },
     "M7: text.eos_token_id = 262144: must be < text.vocab_size = 262144"},
    {"M8_UnspecifiedAttention", "e2b",
     [](TextDecoderDef &t) {
       t.mutable_layers(3)->set_attention(modeldef::ATTENTION_TYPE_UNSPECIFIED);
     },
     "M8: text.layers[3].attention = ATTENTION_TYPE_UNSPECIFIED: must be SLIDING or GLOBAL"},
    {"M9_OddHeadDim", "e2b", [](TextDecoderDef &t) { t.mutable_layers(0)->set_head_dim(255); },
     "M9: text.layers[0].head_dim = 255: must be positive and even"},
    {"M9_ZeroHeadDim", "e2b", [](TextDecoderDef &t) { t.mutable_layers(0)->set_head_dim(0); },
     "M9: text.layers[0].head_dim = 0: must be positive and even"},
    {"M10_KvHeadsNotDividing", "e2b",
     [](TextDecoderDef &t) { t.mutable_layers(0)->set_num_kv_heads(3); },
     "M10: text.layers[0].num_kv_heads = 3: must be > 0 and divide text.num_heads = 8"},
    {"M10_ZeroKvHeads", "31b", [](TextDecoderDef &t) { t.mutable_layers(5)->set_num_kv_heads(0); },
     "M10: text.layers[5].num_kv_heads = 0: must be > 0 and divide text.num_heads = 32"},
    {"M11_ZeroIntermediate", "e4b",
     [](TextDecoderDef &t) { t.mutable_layers(7)->set_intermediate_size(0); },
     "M11: text.layers[7].intermediate_size = 0: must be > 0"},
    {"M12_KEqVOnSlidingLayer", "26b-a4b",
     [](TextDecoderDef &t) { t.mutable_layers(0)->set_k_eq_v(true); },
     "M12: text.layers[0].k_eq_v = true: only GLOBAL layers may take V from the K projection; "
     "this layer is SLIDING"},
    {"M13_LaterDonor", "e2b", [](TextDecoderDef &t) { t.mutable_layers(15)->set_kv_donor(16); },
     "M13: text.layers[15].kv_donor = 16: a KV donor must be an earlier layer (expected -1 or "
     "0..14)"},
    {"M13_SelfDonor", "e2b", [](TextDecoderDef &t) { t.mutable_layers(15)->set_kv_donor(15); },
     "M13: text.layers[15].kv_donor = 15: a KV donor must be an earlier layer"},
    {"M13_NegativeDonor", "e4b", [](TextDecoderDef &t) { t.mutable_layers(30)->set_kv_donor(-2); },
     "M13: text.layers[30].kv_donor = -2: a KV donor must be an earlier layer"},
    {"M14_DonorWithoutCache", "e2b",
     [](TextDecoderDef &t) { t.mutable_layers(16)->set_kv_donor(15); },
     "M14: text.layers[16].kv_donor = 15: the donor must own its cache, but "
     "text.layers[15].kv_donor = 13"},
    {"M15_DonorOfOtherType", "e2b",
     [](TextDecoderDef &t) { t.mutable_layers(15)->set_kv_donor(14); },
     "M15: text.layers[15].kv_donor = 14: the donor's cache must have this layer's layout; "
     "differs in attention (SLIDING vs GLOBAL), head_dim (256 vs 512)"},
    {"M15_DonorKvHeadsDiffer", "e4b",
     [](TextDecoderDef &t) { t.mutable_layers(41)->set_num_kv_heads(4); },
     "M15: text.layers[41].kv_donor = 23: the donor's cache must have this layer's layout; "
     "differs in num_kv_heads (4 vs 2)"},
    {"M16_MoeLayerWithoutConfig", "26b-a4b", [](TextDecoderDef &t) { t.clear_moe(); },
     "M16: text.moe = absent: text.layers[0].moe = true needs the expert configuration"},
    {"M16_ConfigWithoutMoeLayer", "e2b",
     [](TextDecoderDef &t) { t.mutable_moe()->set_num_experts(4); },
     "M16: text.moe = present: no layer has moe = true; remove it"},
    {"M17_TopKAboveExperts", "26b-a4b", [](TextDecoderDef &t) { t.mutable_moe()->set_top_k(129); },
     "M17: text.moe.top_k = 129: must be in [1, text.moe.num_experts = 128]"},
    {"M17_ZeroTopK", "26b-a4b", [](TextDecoderDef &t) { t.mutable_moe()->set_top_k(0); },
     "M17: text.moe.top_k = 0: must be in [1, text.moe.num_experts = 128]"},
    {"M17_ZeroExperts", "26b-a4b", [](TextDecoderDef &t) { t.mutable_moe()->set_num_experts(0); },
     "M17: text.moe.num_experts = 0: must be > 0"},
    {"M17_ZeroExpertWidth", "26b-a4b",
     [](TextDecoderDef &t) { t.mutable_moe()->set_expert_intermediate_size(0); },
     "M17: text.moe.expert_intermediate_size = 0: must be > 0"},
    {"M18_UnspecifiedRopeType", "31b",
     [](TextDecoderDef &t) { t.mutable_global_rope()->set_type(modeldef::ROPE_TYPE_UNSPECIFIED); },
     "M18: text.global_rope.type = ROPE_TYPE_UNSPECIFIED: must be DEFAULT or PROPORTIONAL"},
    {"M18_ZeroTheta", "31b", [](TextDecoderDef &t) { t.mutable_sliding_rope()->set_theta(0); },
     "M18: text.sliding_rope.theta = 0: must be a finite number > 0"},
    {"M19_DefaultRopeWithPartialFactor", "e2b",
     [](TextDecoderDef &t) { t.mutable_sliding_rope()->set_partial_rotary_factor(0.5); },
     "M19: text.sliding_rope.partial_rotary_factor = 0.5: must be 1 (or unset) for DEFAULT"},
    {"M20_FactorAboveOne", "e2b",
     [](TextDecoderDef &t) { t.mutable_global_rope()->set_partial_rotary_factor(1.5); },
     "M20: text.global_rope.partial_rotary_factor = 1.5: must be in (0, 1] for PROPORTIONAL"},
    {"M20_FactorUnset", "e2b",
     [](TextDecoderDef &t) { t.mutable_global_rope()->clear_partial_rotary_factor(); },
     "M20: text.global_rope.partial_rotary_factor = 0: must be in (0, 1] for PROPORTIONAL"},
    {"M20_NoPairRotates", "e2b",
     [](TextDecoderDef &t) { t.mutable_global_rope()->set_partial_rotary_factor(0.001); },
     "M20: text.global_rope.partial_rotary_factor = 0.001: floor(factor * head_dim / 2) = 0 "
     "for text.layers[4].head_dim = 512; at least one pair must rotate"},
    {"M21_PleWithoutVocab", "e2b", [](TextDecoderDef &t) { t.set_per_layer_vocab_size(0); },
     "M21: text.per_layer_vocab_size = 0: must be > 0 when text.per_layer_input_size = 256"},
    {"M21_VocabWithoutPle", "31b", [](TextDecoderDef &t) { t.set_per_layer_vocab_size(5); },
     "M21: text.per_layer_vocab_size = 5: must be 0 when text.per_layer_input_size = 0"},
};

class ViolationTest : public ::testing::TestWithParam<Violation> {};

TEST_P(ViolationTest, MessageNamesConstraintFieldAndValue) {
  const Violation &v = GetParam();
  std::optional<ModelDef> def = loadReleased(v.variant);
  ASSERT_TRUE(def);
  ASSERT_FALSE(validateModelDef(*def, kOrigin)) << "the unedited ModelDef must be valid";
  v.edit(*def->mutable_text());
  std::string msg = errorText(validateModelDef(*def, kOrigin));
  EXPECT_THAT(msg, HasSubstr(std::string(kOrigin) + ": " + v.expected));
}

INSTANTIATE_TEST_SUITE_P(Validate, ViolationTest, ::testing::ValuesIn(kViolations),
                         [](const auto &info) { return std::string(info.param.name); });

TEST(Validate, M1_EmptyName) {
  std::optional<ModelDef> def = loadReleased("e2b");
  ASSERT_TRUE(def);
  def->clear_name();
  EXPECT_THAT(errorText(validateModelDef(*def, kOrigin)),
              HasSubstr("origin.textproto: M1: name = \"\": a ModelDef needs a name"));
}

TEST(Validate, EmptyModelDefReportsEverySize) {
  std::string msg = errorText(validateModelDef(ModelDef(), kOrigin));
  for (const char *field : {"vocab_size", "hidden_size", "num_layers", "num_heads",
                            "sliding_window", "max_position_embeddings"})
    EXPECT_THAT(msg, HasSubstr(std::string("M2: text.") + field + " = 0")) << field;
}

TEST(Validate, DefaultRopeFactorMayBeUnset) {
  std::optional<ModelDef> def = loadReleased("e2b");
  ASSERT_TRUE(def);
  def->mutable_text()->mutable_sliding_rope()->clear_partial_rotary_factor();
  EXPECT_FALSE(validateModelDef(*def, kOrigin));
  EXPECT_EQ(rotatedPairs(*def, 0), 128);
}

TEST(Validate, LastLayerNeedNotBeGlobal) {
  // HF forces layer_types[-1] to full attention; nothing in g4c depends on it.
  std::optional<ModelDef> def = loadReleased("31b");
  ASSERT_TRUE(def);
  modeldef::LayerDef *last = def->mutable_text()->mutable_layers(59);
  *last = def->text().layers(58);
  EXPECT_FALSE(validateModelDef(*def, kOrigin));
}

TEST(Validate, RotatedPairsOutOfRangeLayerIsZero) {
  std::optional<ModelDef> def = loadReleased("e2b");
  ASSERT_TRUE(def);
  EXPECT_EQ(rotatedPairs(*def, -1), 0);
  EXPECT_EQ(rotatedPairs(*def, 35), 0);
}

} // namespace
} // namespace g4::test
