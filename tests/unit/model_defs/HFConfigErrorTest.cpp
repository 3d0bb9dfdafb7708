//===- HFConfigErrorTest.cpp - Bad Hugging Face config.json files ---------===//
//
// Each case corrupts one thing in a fixture's config.json, writes it to a temporary
// directory and loads it. The whole expected message is checked: the file, the key
// path, what was expected and what was found.
//
//===----------------------------------------------------------------------===//

#include "ModelDefTestSupport.h"

#include "model_defs/ModelDef.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <ostream>

namespace g4::test {
namespace {

using llvm::json::Array;
using llvm::json::Object;
using ::testing::HasSubstr;

using Edit = std::function<void(Object &root)>;

struct BadConfig {
  const char *name;
  const char *fixture;
  Edit edit;
  /// The message that must follow "<config.json path>: ".
  std::string expected;
};

void PrintTo(const BadConfig &c, std::ostream *os) { *os << c.name; }

Object &text(Object &root) { return *root.getObject("text_config"); }
Object &ropes(Object &root) { return *text(root).getObject("rope_parameters"); }
Object &rope(Object &root, llvm::StringRef type) { return *ropes(root).getObject(type); }
Array &layerTypes(Object &root) { return *text(root).getArray("layer_types"); }

/// Sets text_config.<key> to `value`.
Edit setText(std::string key, llvm::json::Value value) {
  return [key, value](Object &root) { text(root)[key] = value; };
}
Edit eraseText(std::string key) {
  return [key](Object &root) { text(root).erase(key); };
}

const char *const kIntRange = "expected an integer in [1, 2147483647], found ";
const char *const kAnyId = "expected an integer in [0, 2147483647], found ";

const BadConfig kBadConfigs[] = {
    // Unknown keys.
    {"UnknownTextKey", "tiny-e2b", setText("attn_logit_softcapping", 50.0),
     "text_config.attn_logit_softcapping: unknown key"},
    {"UnknownTopLevelKey", "tiny-e2b", [](Object &root) { root["quantization_config"] = Object{}; },
     "quantization_config: unknown key"},
    {"UnknownRopeKey", "tiny-e2b",
     [](Object &root) { rope(root, "full_attention")["factor"] = 8.0; },
     "text_config.rope_parameters.full_attention.factor: unknown key"},
    {"UnknownRopeLayerType", "tiny-e2b",
     [](Object &root) { ropes(root)["chunked_attention"] = Object{}; },
     "text_config.rope_parameters.chunked_attention: unknown key"},
    {"TopLevelKeyInFlatConfig", "tiny-e2b",
     [](Object &root) {
       Object flat = std::move(text(root));
       flat["vision_config"] = nullptr;
       root = std::move(flat);
     },
     "vision_config: unknown key"},

    // Missing keys.
    {"MissingHiddenSize", "tiny-e2b", eraseText("hidden_size"),
     "text_config.hidden_size: required key is missing"},
    {"MissingTextConfig", "tiny-e2b", [](Object &root) { root.erase("text_config"); },
     "text_config: required key is missing"},
    {"MissingModelType", "tiny-e2b", [](Object &root) { root.erase("model_type"); },
     "model_type: required key is missing"},
    {"MissingLayerTypes", "tiny-e2b", eraseText("layer_types"),
     "text_config.layer_types: required key is missing"},
    {"MissingGlobalHeadDim", "tiny-e2b", eraseText("global_head_dim"),
     "text_config.global_head_dim: required key is missing"},
    {"MissingSlidingRope", "tiny-e2b", [](Object &root) { ropes(root).erase("sliding_attention"); },
     "text_config.rope_parameters.sliding_attention: required key is missing"},
    {"MissingRopeTheta", "tiny-e2b",
     [](Object &root) { rope(root, "sliding_attention").erase("rope_theta"); },
     "text_config.rope_parameters.sliding_attention.rope_theta: required key is missing"},
    {"ProportionalRopeWithoutFactor", "tiny-e2b",
     [](Object &root) { rope(root, "full_attention").erase("partial_rotary_factor"); },
     "text_config.rope_parameters.full_attention.partial_rotary_factor: required key is "
     "missing (rope_type is \"proportional\")"},
    {"MoeWithoutExperts", "tiny-moe", setText("num_experts", nullptr),
     "text_config.num_experts: expected a value, found null (enable_moe_block is true)"},
    {"PleWithoutPleVocab", "tiny-e2b", eraseText("vocab_size_per_layer_input"),
     "text_config.vocab_size_per_layer_input: required key is missing "
     "(hidden_size_per_layer_input is 16)"},

    // Wrong types.
    {"StringForInteger", "tiny-e2b", setText("hidden_size", "96"),
     "text_config.hidden_size: " + std::string(kIntRange) + "\"96\" (a string)"},
    {"FractionForInteger", "tiny-e2b", setText("num_attention_heads", 4.5),
     "text_config.num_attention_heads: " + std::string(kIntRange) + "4.5 (a number)"},
    {"StringForBool", "tiny-e2b", setText("attention_k_eq_v", "false"),
     "text_config.attention_k_eq_v: expected true or false, found \"false\" (a string)"},
    {"NumberForString", "tiny-e2b",
     [](Object &root) { rope(root, "sliding_attention")["rope_type"] = 1; },
     "text_config.rope_parameters.sliding_attention.rope_type: expected one of \"default\", "
     "\"proportional\"; found 1 (a number)"},
    {"NullForRequired", "tiny-e2b", setText("vocab_size", nullptr),
     "text_config.vocab_size: expected a value, found null"},
    {"ObjectForArray", "tiny-e2b", setText("layer_types", Object{}),
     "text_config.layer_types: expected an array, found an object"},
    {"ArrayForObject", "tiny-e2b", setText("rope_parameters", Array{}),
     "text_config.rope_parameters: expected an object, found an array of 0 elements"},
    {"StringForTextConfig", "tiny-e2b", [](Object &root) { root["text_config"] = "x"; },
     "text_config: expected an object, found \"x\" (a string)"},
    {"StringInEosList", "tiny-e2b", setText("eos_token_id", Array{1, "x"}),
     "text_config.eos_token_id[1]: " + std::string(kAnyId) + "\"x\" (a string)"},

    // Out-of-range values.
    {"ZeroLayers", "tiny-e2b", setText("num_hidden_layers", 0),
     "text_config.num_hidden_layers: " + std::string(kIntRange) + "0 (a number)"},
    {"VocabAboveInt32", "tiny-e2b", setText("vocab_size", int64_t(1) << 32),
     "text_config.vocab_size: " + std::string(kIntRange) + "4294967296 (a number)"},
    {"NegativeRmsEps", "tiny-e2b", setText("rms_norm_eps", -1e-6),
     "text_config.rms_norm_eps: expected a number > 0, found -1e-06 (a number)"},
    {"NegativeSoftcap", "tiny-e2b", setText("final_logit_softcapping", -30.0),
     "text_config.final_logit_softcapping: expected a number >= 0, found -30 (a number)"},
    {"ZeroRopeTheta", "tiny-e2b",
     [](Object &root) { rope(root, "full_attention")["rope_theta"] = 0.0; },
     "text_config.rope_parameters.full_attention.rope_theta: expected a number > 0, found 0 "
     "(a number)"},
    {"RotaryFactorAboveOne", "tiny-e2b",
     [](Object &root) { rope(root, "full_attention")["partial_rotary_factor"] = 1.5; },
     "text_config.rope_parameters.full_attention.partial_rotary_factor: expected a number in "
     "(0, 1], found 1.5 (a number)"},
    {"DefaultRopeWithPartialFactor", "tiny-e2b",
     [](Object &root) { rope(root, "sliding_attention")["partial_rotary_factor"] = 0.5; },
     "text_config.rope_parameters.sliding_attention.partial_rotary_factor: expected 1 for "
     "rope_type \"default\" (only \"proportional\" rotates part of the head), found 0.5"},
    {"AllLayersShared", "tiny-e2b", setText("num_kv_shared_layers", 10),
     "text_config.num_kv_shared_layers: expected an integer in [0, 9], found 10 (a number)"},
    {"NegativeTokenId", "tiny-e2b", setText("pad_token_id", -1),
     "text_config.pad_token_id: " + std::string(kAnyId) + "-1 (a number)"},
    {"EmptyEosList", "tiny-e2b", setText("eos_token_id", Array{}),
     "text_config.eos_token_id: expected an id or a non-empty list of ids, found an array of "
     "0 elements"},

    // layer_types.
    {"LayerTypesTooShort", "tiny-e2b", [](Object &root) { layerTypes(root).pop_back(); },
     "text_config.layer_types: expected 10 entries (num_hidden_layers), found 9"},
    {"LayerTypesTooLong", "tiny-e2b",
     [](Object &root) { layerTypes(root).push_back("full_attention"); },
     "text_config.layer_types: expected 10 entries (num_hidden_layers), found 11"},
    {"BadLayerType", "tiny-e2b", [](Object &root) { layerTypes(root)[2] = "local_attention"; },
     "text_config.layer_types[2]: expected \"sliding_attention\" or \"full_attention\", found "
     "\"local_attention\" (a string)"},

    // Values g4c does not support.
    {"BadRopeType", "tiny-e2b",
     [](Object &root) { rope(root, "full_attention")["rope_type"] = "yarn"; },
     "text_config.rope_parameters.full_attention.rope_type: expected one of \"default\", "
     "\"proportional\"; found \"yarn\" (a string)"},
    {"BadModelType", "tiny-e2b", [](Object &root) { root["model_type"] = "gemma3"; },
     "model_type: expected one of \"gemma4\", \"gemma4_text\"; found \"gemma3\" (a string)"},
    {"BadTextModelType", "tiny-e2b", setText("model_type", "gemma3_text"),
     "text_config.model_type: expected one of \"gemma4_text\"; found \"gemma3_text\" (a "
     "string)"},
    {"BadActivation", "tiny-e2b", setText("hidden_activation", "gelu"),
     "text_config.hidden_activation: expected one of \"gelu_pytorch_tanh\"; found \"gelu\" (a "
     "string)"},
    {"AttentionBias", "tiny-e2b", setText("attention_bias", true),
     "text_config.attention_bias: expected false (Gemma 4 projections have no bias), found true"},
    {"FullyBidirectional", "tiny-e2b", setText("use_bidirectional_attention", "all"),
     "text_config.use_bidirectional_attention: expected one of \"vision\", null; found \"all\" "
     "(a string)"},
    {"TieMismatch", "tiny-e2b", [](Object &root) { root["tie_word_embeddings"] = false; },
     "tie_word_embeddings: expected true (as text_config.tie_word_embeddings), found false"},

    // Derivation.
    {"SharedLayerWithoutDonorType", "tiny-e2b",
     [](Object &root) {
       Array &types = layerTypes(root);
       for (size_t i = 0; i < 9; ++i)
         types[i] = "sliding_attention";
       types[9] = "full_attention";
     },
     "text_config.num_kv_shared_layers: layer 9 (full_attention) is KV-shared "
     "(num_kv_shared_layers = 5) but no layer before 5 has that attention type to donate its "
     "cache"},

    // Well-formed configs whose ModelDef fails validation name the file too.
    {"KvHeadsNotDividingHeads", "tiny-e2b", setText("num_key_value_heads", 3),
     "M10: text.layers[0].num_kv_heads = 3: must be > 0 and divide text.num_heads = 4"},
    {"OddHeadDim", "tiny-e2b", setText("head_dim", 15),
     "M9: text.layers[0].head_dim = 15: must be positive and even"},
    {"TopKAboveExperts", "tiny-moe", setText("top_k_experts", 17),
     "M17: text.moe.top_k = 17: must be in [1, text.moe.num_experts = 16]"},
    {"TokenIdOutsideVocab", "tiny-e2b", setText("bos_token_id", 512),
     "M7: text.bos_token_id = 512: must be < text.vocab_size = 512"},
};

class BadConfigTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadConfigTest, ErrorNamesFileKeyExpectedAndFound) {
  const BadConfig &c = GetParam();
  llvm::json::Value root = readJson(testdataPath(std::string(c.fixture) + "/config.json"));
  ASSERT_NE(root.getAsObject(), nullptr);
  c.edit(*root.getAsObject());
  TempDir dir;
  std::string file =
      dir.write(std::string(c.fixture) + "/config.json", llvm::formatv("{0:2}", root).str());
  std::string msg = errorText(loadModelDef(llvm::sys::path::parent_path(file)).takeError());
  EXPECT_THAT(msg, HasSubstr(file + ": " + c.expected));
}

INSTANTIATE_TEST_SUITE_P(Import, BadConfigTest, ::testing::ValuesIn(kBadConfigs),
                         [](const auto &info) { return std::string(info.param.name); });

TEST(BadConfigText, MalformedJsonHasLineAndColumn) {
  TempDir dir;
  std::string file = dir.write("m/config.json", "{\n"
                                                "  \"model_type\": \"gemma4\",\n"
                                                "  \"text_config\": {,\n"
                                                "}\n");
  std::string msg = errorText(importHFConfig(file).takeError());
  EXPECT_THAT(msg, HasSubstr(file + ":3:19: invalid JSON: Expected object key"));
}

TEST(BadConfigText, TruncatedJsonHasLineAndColumn) {
  TempDir dir;
  std::string file = dir.write("m/config.json", "{\n  \"model_type\": \"gem");
  std::string msg = errorText(importHFConfig(file).takeError());
  EXPECT_THAT(msg, HasSubstr(file + ":2:"));
  EXPECT_THAT(msg, HasSubstr("invalid JSON"));
}

TEST(BadConfigText, TopLevelArrayIsRejected) {
  TempDir dir;
  std::string file = dir.write("m/config.json", "[1, 2]\n");
  std::string msg = errorText(importHFConfig(file).takeError());
  EXPECT_THAT(msg, HasSubstr(file + ": expected a JSON object at the top level, found an "
                                    "array of 2 elements"));
}

TEST(BadConfigText, EveryProblemIsReported) {
  llvm::json::Value root = readJson(testdataPath("tiny-e2b/config.json"));
  text(*root.getAsObject())["hidden_size"] = "big";
  text(*root.getAsObject())["sliding_window"] = -8;
  text(*root.getAsObject())["mystery"] = true;
  TempDir dir;
  std::string file = dir.write("m/config.json", llvm::formatv("{0}", root).str());
  std::string msg = errorText(importHFConfig(file).takeError());
  EXPECT_THAT(msg, HasSubstr(file + ": text_config.hidden_size: "));
  EXPECT_THAT(msg, HasSubstr(file + ": text_config.sliding_window: "));
  EXPECT_THAT(msg, HasSubstr(file + ": text_config.mystery: unknown key"));
}

} // namespace
} // namespace g4::test
