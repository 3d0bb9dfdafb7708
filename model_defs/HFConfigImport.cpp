//===- HFConfigImport.cpp - Hugging Face config.json -> ModelDef ----------===//
//
// Reads a Gemma 4 config.json strictly: every key the decoder depends on is type- and
// range-checked, keys that do not describe the decoder's math are listed explicitly,
// and anything else is an error, so a config of a model g4c does not understand never
// turns into a silently wrong ModelDef. Per-layer fields are derived the way Hugging
// Face's Gemma4TextAttention / Gemma4TextMLP derive them (docs/model-defs.md).
//
//===----------------------------------------------------------------------===//

#include "model_defs/JsonReader.h"
#include "model_defs/ModelDef.h"
#include "model_defs/ModelDefSupport.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <optional>

namespace g4 {

using detail::describe;
using detail::Diagnostics;
using detail::formatNumber;
using detail::kFraction;
using detail::kNonNegative;
using detail::kPositive;
using detail::ObjectReader;
using detail::Presence;
using llvm::StringRef;
using llvm::Twine;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;
using modeldef::ModelDef;

namespace {

constexpr int64_t kMaxSize = detail::kMaxJsonInt;
constexpr StringRef kSliding = "sliding_attention";
constexpr StringRef kFull = "full_attention";

// clang-format off
// Keys that any Transformers config may carry and that do not affect the decoder.
const char *const kGenericKeys[] = {
    "_name_or_path", "architectures", "transformers_version", "dtype", "torch_dtype",
    "use_cache", "initializer_range", "output_attentions", "output_hidden_states",
    "return_dict", "is_encoder_decoder", "tokenizer_class", "id2label", "label2id",
    "problem_type", "chunk_size_feed_forward"};

// Gemma4TextConfig keys that only matter for training.
const char *const kIgnoredTextKeys[] = {
    "attention_dropout",
    // Legacy spellings of the layer pattern; layer_types is authoritative.
    "sliding_window_pattern", "_sliding_window_pattern"};

// Gemma4Config keys outside text_config: the other towers, their token ids, and
// duplicates of text_config's special ids.
const char *const kIgnoredTopLevelKeys[] = {
    "vision_config", "audio_config", "boi_token_id", "eoi_token_id", "image_token_id",
    "video_token_id", "boa_token_id", "eoa_token_id", "eoa_token_index", "audio_token_id",
    "vision_soft_tokens_per_image", "pad_token_id", "eos_token_id", "bos_token_id"};
// clang-format on

struct RopeConfig {
  modeldef::RopeType type = modeldef::ROPE_TYPE_UNSPECIFIED;
  double theta = 0;
  double factor = 1.0;
};

/// The decoder hyperparameters of a config, after type and range checks.
struct TextConfig {
  std::string prefix; // "text_config." or "" for a flat config
  int64_t vocab = 0, hidden = 0, intermediate = 0, numLayers = 0, numHeads = 0;
  int64_t kvHeads = 0, headDim = 0, maxPositions = 0, slidingWindow = 0;
  int64_t globalHeadDim = 0;
  std::optional<int64_t> globalKvHeads;
  int64_t pad = 0, eos = 1, bos = 2;
  double rmsEps = 1e-6, softcap = 0;
  bool tie = true, kEqV = false, moe = false, doubleWide = false;
  int64_t kvShared = 0, ple = 0, pleVocab = 0;
  int64_t experts = 0, topK = 0, expertIntermediate = 0;
  std::vector<bool> isGlobal; // per layer: "full_attention"
  RopeConfig slidingRope, globalRope;
};

// Table-driven keys: required positive sizes and optional booleans with HF defaults.
struct SizeKey {
  const char *key;
  int64_t TextConfig::*field;
};
const SizeKey kRequiredSizes[] = {
    {"vocab_size", &TextConfig::vocab},
    {"hidden_size", &TextConfig::hidden},
    {"intermediate_size", &TextConfig::intermediate},
    {"num_hidden_layers", &TextConfig::numLayers},
    {"num_attention_heads", &TextConfig::numHeads},
    {"num_key_value_heads", &TextConfig::kvHeads},
    {"head_dim", &TextConfig::headDim},
    {"max_position_embeddings", &TextConfig::maxPositions},
    {"sliding_window", &TextConfig::slidingWindow},
};
struct BoolKey {
  const char *key;
  bool TextConfig::*field;
};
const BoolKey kOptionalBools[] = {
    {"tie_word_embeddings", &TextConfig::tie},
    {"attention_k_eq_v", &TextConfig::kEqV},
    {"enable_moe_block", &TextConfig::moe},
    {"use_double_wide_mlp", &TextConfig::doubleWide},
};
const SizeKey kOptionalTokenIds[] = {
    {"pad_token_id", &TextConfig::pad},
    {"bos_token_id", &TextConfig::bos},
};

/// eos_token_id may be one id or a list of ids; the ModelDef keeps the first.
void readEos(ObjectReader &r, TextConfig &c) {
  const Value *v = r.get("eos_token_id", Presence::Optional);
  if (!v)
    return;
  const Array *list = v->getAsArray();
  if (!list) {
    c.eos = r.checkInteger(*v, r.path("eos_token_id"), 0, kMaxSize).value_or(c.eos);
    return;
  }
  if (list->empty())
    r.diagnostics().error(r.path("eos_token_id"), "expected an id or a non-empty list of ids, "
                                                  "found an array of 0 elements");
  for (size_t i = 0; i < list->size(); ++i) {
    auto id =
        r.checkInteger((*list)[i], r.path("eos_token_id") + "[" + Twine(i) + "]", 0, kMaxSize);
    if (i == 0 && id)
      c.eos = *id;
  }
}

/// layer_types: one "sliding_attention"/"full_attention" per layer.
void readLayerTypes(ObjectReader &r, TextConfig &c) {
  const Array *types = r.arrayValue("layer_types", Presence::Required);
  if (!types)
    return;
  for (size_t i = 0; i < types->size(); ++i) {
    std::optional<StringRef> s = (*types)[i].getAsString();
    if (!s || (*s != kSliding && *s != kFull))
      r.diagnostics().error(r.path("layer_types") + "[" + Twine(i) + "]",
                            "expected \"sliding_attention\" or \"full_attention\", found " +
                                describe((*types)[i]));
    c.isGlobal.push_back(s && *s == kFull);
  }
  if (c.numLayers > 0 && int64_t(types->size()) != c.numLayers)
    r.diagnostics().error(r.path("layer_types"),
                          llvm::formatv("expected {0} entries (num_hidden_layers), found {1}",
                                        c.numLayers, types->size()));
}

/// One entry of rope_parameters ("sliding_attention" or "full_attention").
RopeConfig readRope(ObjectReader &ropes, StringRef layerType) {
  RopeConfig rope;
  const Object *o = ropes.objectValue(layerType, Presence::Required);
  if (!o)
    return rope;
  ObjectReader r(*o, ropes.path(layerType) + ".", ropes.diagnostics());
  std::optional<StringRef> type =
      r.choice("rope_type", Presence::Required, {"default", "proportional"});
  rope.theta = r.number("rope_theta", Presence::Required, kPositive).value_or(0);
  bool proportional = type && *type == "proportional";
  std::optional<double> factor = r.number("partial_rotary_factor", Presence::Optional, kFraction);
  r.requireWhen(proportional, "partial_rotary_factor", "rope_type is \"proportional\"");
  if (type && !proportional && factor && *factor != 1.0)
    r.diagnostics().error(r.path("partial_rotary_factor"),
                          "expected 1 for rope_type \"default\" (only \"proportional\" "
                          "rotates part of the head), found " +
                              formatNumber(*factor));
  if (type)
    rope.type = proportional ? modeldef::PROPORTIONAL : modeldef::DEFAULT;
  rope.factor = factor.value_or(1.0);
  r.rejectUnknownKeys();
  return rope;
}

void readRopes(ObjectReader &r, TextConfig &c) {
  const Object *o = r.objectValue("rope_parameters", Presence::Required);
  if (!o)
    return;
  ObjectReader ropes(*o, r.path("rope_parameters") + ".", r.diagnostics());
  c.slidingRope = readRope(ropes, kSliding);
  c.globalRope = readRope(ropes, kFull);
  ropes.rejectUnknownKeys();
}

/// Values g4c supports only in their released form.
void readFixedChoices(ObjectReader &r) {
  r.choice("hidden_activation", Presence::Optional, {"gelu_pytorch_tanh"});
  // Bidirectional attention over vision tokens does not change text-only decoding;
  // "all" (fully bidirectional) would.
  r.choice("use_bidirectional_attention", Presence::OptionalNullable, {"vision"});
  std::optional<bool> bias = r.boolean("attention_bias", Presence::Optional);
  if (bias && *bias)
    r.diagnostics().error(r.path("attention_bias"),
                          "expected false (Gemma 4 projections have no bias), found true");
}

void readMoe(ObjectReader &r, TextConfig &c) {
  c.experts = r.integer("num_experts", Presence::OptionalNullable, 1).value_or(0);
  c.topK = r.integer("top_k_experts", Presence::OptionalNullable, 1).value_or(0);
  c.expertIntermediate =
      r.integer("moe_intermediate_size", Presence::OptionalNullable, 1).value_or(0);
  for (StringRef key : {"num_experts", "top_k_experts", "moe_intermediate_size"})
    r.requireWhen(c.moe, key, "enable_moe_block is true");
}

void readPle(ObjectReader &r, TextConfig &c) {
  c.ple = r.integer("hidden_size_per_layer_input", Presence::RequiredNullable, 0).value_or(0);
  std::optional<int64_t> vocab =
      r.integer("vocab_size_per_layer_input", Presence::OptionalNullable, 1);
  r.requireWhen(c.ple > 0, "vocab_size_per_layer_input",
                "hidden_size_per_layer_input is " + Twine(c.ple));
  // Without PLE the table does not exist; keep the ModelDef canonical (M21).
  c.pleVocab = c.ple > 0 ? vocab.value_or(0) : 0;
}

/// Reads every decoder key of `r`'s object; the caller rejects what is left.
TextConfig readTextConfig(ObjectReader &r, StringRef prefix) {
  TextConfig c;
  c.prefix = prefix.str();
  r.ignore(kGenericKeys);
  r.ignore(kIgnoredTextKeys);
  for (const SizeKey &k : kRequiredSizes)
    c.*k.field = r.integer(k.key, Presence::Required, 1).value_or(0);
  for (const BoolKey &k : kOptionalBools)
    c.*k.field = r.boolean(k.key, Presence::Optional).value_or(c.*k.field);
  for (const SizeKey &k : kOptionalTokenIds)
    c.*k.field = r.integer(k.key, Presence::Optional, 0).value_or(c.*k.field);
  readEos(r, c);
  // HF falls back to head_dim when global_head_dim is null; an absent key would
  // silently become HF's default 512, so it is required.
  c.globalHeadDim = r.integer("global_head_dim", Presence::RequiredNullable, 1).value_or(c.headDim);
  c.globalKvHeads = r.integer("num_global_key_value_heads", Presence::OptionalNullable, 1);
  c.rmsEps = r.number("rms_norm_eps", Presence::Optional, kPositive).value_or(c.rmsEps);
  c.softcap =
      r.number("final_logit_softcapping", Presence::RequiredNullable, kNonNegative).value_or(0);
  c.kvShared = r.integer("num_kv_shared_layers", Presence::Optional, 0,
                         c.numLayers > 0 ? c.numLayers - 1 : kMaxSize)
                   .value_or(0);
  readLayerTypes(r, c);
  readRopes(r, c);
  readFixedChoices(r);
  readMoe(r, c);
  readPle(r, c);
  return c;
}

void setRope(modeldef::RopeDef *def, const RopeConfig &rope) {
  def->set_type(rope.type);
  def->set_theta(rope.theta);
  def->set_partial_rotary_factor(rope.factor);
}

/// The last layer before `firstShared` with the same attention type as `layer`, as
/// HF's `kv_shared_layer_index`; -1 when there is none.
int donorFor(const TextConfig &c, int64_t firstShared, int64_t layer) {
  for (int64_t j = firstShared - 1; j >= 0; --j)
    if (c.isGlobal[j] == c.isGlobal[layer])
      return static_cast<int>(j);
  return -1;
}

void addLayer(const TextConfig &c, int64_t i, modeldef::TextDecoderDef *text, Diagnostics &diag) {
  const bool global = c.isGlobal[i];
  const int64_t firstShared = c.numLayers - c.kvShared;
  const bool shared = firstShared > 0 && i >= firstShared;
  modeldef::LayerDef *l = text->add_layers();
  l->set_attention(global ? modeldef::GLOBAL : modeldef::SLIDING);
  l->set_head_dim(global ? c.globalHeadDim : c.headDim);
  l->set_k_eq_v(global && c.kEqV);
  l->set_num_kv_heads(l->k_eq_v() && c.globalKvHeads ? *c.globalKvHeads : c.kvHeads);
  l->set_kv_donor(shared ? donorFor(c, firstShared, i) : -1);
  l->set_intermediate_size(c.intermediate * (c.doubleWide && shared ? 2 : 1));
  l->set_moe(c.moe);
  if (shared && l->kv_donor() < 0)
    diag.error(c.prefix + "num_kv_shared_layers",
               llvm::formatv("layer {0} ({1}) is KV-shared (num_kv_shared_layers = {2}) but "
                             "no layer before {3} has that attention type to donate its cache",
                             i, global ? kFull : kSliding, c.kvShared, firstShared));
}

ModelDef buildModelDef(const TextConfig &c, Diagnostics &diag) {
  ModelDef def;
  modeldef::TextDecoderDef *t = def.mutable_text();
  t->set_vocab_size(c.vocab);
  t->set_hidden_size(c.hidden);
  t->set_num_layers(c.numLayers);
  t->set_num_heads(c.numHeads);
  t->set_rms_norm_eps(static_cast<float>(c.rmsEps));
  t->set_sliding_window(c.slidingWindow);
  t->set_final_logit_softcap(static_cast<float>(c.softcap));
  t->set_activation(modeldef::GELU_TANH);
  t->set_max_position_embeddings(c.maxPositions);
  t->set_tie_word_embeddings(c.tie);
  t->set_pad_token_id(c.pad);
  t->set_eos_token_id(c.eos);
  t->set_bos_token_id(c.bos);
  setRope(t->mutable_sliding_rope(), c.slidingRope);
  setRope(t->mutable_global_rope(), c.globalRope);
  t->set_per_layer_input_size(c.ple);
  t->set_per_layer_vocab_size(c.pleVocab);
  if (c.moe) {
    t->mutable_moe()->set_num_experts(c.experts);
    t->mutable_moe()->set_top_k(c.topK);
    t->mutable_moe()->set_expert_intermediate_size(c.expertIntermediate);
  }
  for (int64_t i = 0; i < c.numLayers; ++i)
    addLayer(c, i, t, diag);
  return def;
}

/// llvm::json reports "[line:col, byte=N]: message", its column already pointing at
/// the offending character counted from 1; rewrite it as "path:line:col: message".
llvm::Error jsonSyntaxError(StringRef path, llvm::Error err) {
  std::string text = llvm::toString(std::move(err));
  StringRef rest(text);
  unsigned line = 0, column = 0;
  if (rest.consume_front("[") && !rest.consumeInteger(10, line) && rest.consume_front(":") &&
      !rest.consumeInteger(10, column)) {
    StringRef message = rest.split("]: ").second;
    return detail::makeError(path + ":" + Twine(line) + ":" + Twine(column) +
                             ": invalid JSON: " + message);
  }
  return detail::makeError(path + ": invalid JSON: " + text);
}

/// The checkpoint directory's name ("gemma4-e2b" for .../gemma4-e2b/config.json).
std::string modelName(StringRef path) {
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  StringRef dir = llvm::sys::path::filename(llvm::sys::path::parent_path(absolute));
  return dir.empty() ? llvm::sys::path::stem(path).str() : dir.str();
}

/// Reads the Gemma4ForConditionalGeneration layout: the decoder under text_config.
std::optional<TextConfig> readNested(ObjectReader &top) {
  top.ignore(kGenericKeys);
  top.ignore(kIgnoredTopLevelKeys);
  const Object *textObject = top.objectValue("text_config", Presence::Required);
  std::optional<bool> topTie = top.boolean("tie_word_embeddings", Presence::Optional);
  top.rejectUnknownKeys();
  if (!textObject)
    return std::nullopt;
  ObjectReader text(*textObject, "text_config.", top.diagnostics());
  text.choice("model_type", Presence::Optional, {"gemma4_text"});
  TextConfig c = readTextConfig(text, "text_config.");
  text.rejectUnknownKeys();
  // Transformers versions differ in which of the two flags they honour; they must agree.
  if (topTie && *topTie != c.tie)
    top.diagnostics().error("tie_word_embeddings",
                            llvm::formatv("expected {0} (as text_config.tie_word_embeddings), "
                                          "found {1}",
                                          c.tie, *topTie));
  return c;
}

} // namespace

llvm::Expected<ModelDef> importHFConfig(StringRef configJsonPath) {
  auto buffer = detail::readFile(configJsonPath);
  if (!buffer)
    return buffer.takeError();
  llvm::Expected<Value> root = llvm::json::parse((*buffer)->getBuffer());
  if (!root)
    return jsonSyntaxError(configJsonPath, root.takeError());
  const Object *rootObject = root->getAsObject();
  if (!rootObject)
    return detail::makeError(configJsonPath + ": expected a JSON object at the top level, found " +
                             describe(*root));

  Diagnostics diag(configJsonPath);
  ObjectReader top(*rootObject, "", diag);
  std::optional<StringRef> modelType =
      top.choice("model_type", Presence::Required, {"gemma4", "gemma4_text"});
  std::optional<TextConfig> config;
  if (modelType && *modelType == "gemma4") {
    config = readNested(top);
  } else if (modelType) {
    config = readTextConfig(top, "");
    top.rejectUnknownKeys();
  }
  if (diag.failed() || !config)
    return diag.take();

  ModelDef def = buildModelDef(*config, diag);
  if (diag.failed())
    return diag.take();
  def.set_name(modelName(configJsonPath));
  return def;
}

} // namespace g4
