//===- ValidateModelDef.cpp - The ModelDef constraints M1..M21 ------------===//
//
// The invariants the builder, the passes and the runtime rely on, numbered as in
// docs/model-defs.md. Each message reads
//   "<origin>: M<n>: <field> = <value>: <what is required>"
// so a failure names the rule, the exact field (with its layer) and the found value.
//
//===----------------------------------------------------------------------===//

#include "model_defs/ModelDef.h"
#include "model_defs/ModelDefSupport.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace g4 {

using llvm::StringRef;
using llvm::Twine;
using modeldef::LayerDef;
using modeldef::ModelDef;
using modeldef::RopeDef;
using modeldef::TextDecoderDef;

namespace {

/// Collects every violation, one line each.
class Checker {
public:
  explicit Checker(StringRef origin) : origin(origin.str()) {}

  void fail(StringRef id, const Twine &field, const Twine &value, const Twine &requirement) {
    messages.push_back(
        (origin + ": " + id + ": " + field + " = " + value + ": " + requirement).str());
  }
  llvm::Error take() { return detail::joinMessages(messages); }

private:
  std::string origin;
  std::vector<std::string> messages;
};

std::string layerField(int i, StringRef field) {
  return llvm::formatv("text.layers[{0}].{1}", i, field).str();
}

const char *boolText(bool b) { return b ? "true" : "false"; }

// M2: model-level sizes the builder divides by or allocates with.
struct SizeField {
  const char *name;
  uint32_t (TextDecoderDef::*get)() const;
};
const SizeField kPositiveSizes[] = {
    {"vocab_size", &TextDecoderDef::vocab_size},
    {"hidden_size", &TextDecoderDef::hidden_size},
    {"num_layers", &TextDecoderDef::num_layers},
    {"num_heads", &TextDecoderDef::num_heads},
    {"sliding_window", &TextDecoderDef::sliding_window},
    {"max_position_embeddings", &TextDecoderDef::max_position_embeddings},
};

// M7: special tokens index the embedding table.
const SizeField kTokenIds[] = {
    {"pad_token_id", &TextDecoderDef::pad_token_id},
    {"eos_token_id", &TextDecoderDef::eos_token_id},
    {"bos_token_id", &TextDecoderDef::bos_token_id},
};

void checkModel(const TextDecoderDef &t, Checker &c) {
  for (const SizeField &f : kPositiveSizes)
    if ((t.*f.get)() == 0)
      c.fail("M2", Twine("text.") + f.name, "0", "must be > 0");
  if (uint32_t(t.layers_size()) != t.num_layers())
    c.fail("M3", "text.layers", Twine(t.layers_size()) + " entries",
           "must list text.num_layers = " + Twine(t.num_layers()) + " layers");
  if (!(t.rms_norm_eps() > 0) || !std::isfinite(t.rms_norm_eps()))
    c.fail("M4", "text.rms_norm_eps", detail::formatNumber(t.rms_norm_eps()),
           "must be a finite number > 0");
  if (!(t.final_logit_softcap() >= 0) || !std::isfinite(t.final_logit_softcap()))
    c.fail("M5", "text.final_logit_softcap", detail::formatNumber(t.final_logit_softcap()),
           "must be a finite number >= 0 (0 = no softcap)");
  if (t.activation() != modeldef::GELU_TANH)
    c.fail("M6", "text.activation", modeldef::Activation_Name(t.activation()), "must be GELU_TANH");
  for (const SizeField &f : kTokenIds)
    if (t.vocab_size() > 0 && (t.*f.get)() >= t.vocab_size())
      c.fail("M7", Twine("text.") + f.name, Twine((t.*f.get)()),
             "must be < text.vocab_size = " + Twine(t.vocab_size()));
}

/// M8..M12: one layer on its own.
void checkLayerShape(const TextDecoderDef &t, int i, Checker &c) {
  const LayerDef &l = t.layers(i);
  const bool typed = l.attention() == modeldef::SLIDING || l.attention() == modeldef::GLOBAL;
  if (!typed)
    c.fail("M8", layerField(i, "attention"), modeldef::AttentionType_Name(l.attention()),
           "must be SLIDING or GLOBAL");
  if (l.head_dim() == 0 || l.head_dim() % 2 != 0)
    c.fail("M9", layerField(i, "head_dim"), Twine(l.head_dim()),
           "must be positive and even (RoPE rotates pairs of dimensions)");
  if (l.num_kv_heads() == 0 || t.num_heads() % l.num_kv_heads() != 0)
    c.fail("M10", layerField(i, "num_kv_heads"), Twine(l.num_kv_heads()),
           "must be > 0 and divide text.num_heads = " + Twine(t.num_heads()) +
               " (each KV head serves a whole group of query heads)");
  if (l.intermediate_size() == 0)
    c.fail("M11", layerField(i, "intermediate_size"), "0", "must be > 0");
  if (l.k_eq_v() && l.attention() != modeldef::GLOBAL)
    c.fail("M12", layerField(i, "k_eq_v"), "true",
           "only GLOBAL layers may take V from the K projection; this layer is " +
               modeldef::AttentionType_Name(l.attention()));
}

/// The fields a KV-sharing layer must have in common with its donor, as
/// "name (mine vs donor's)" for each that differs.
std::string donorMismatches(const LayerDef &l, const LayerDef &d) {
  std::vector<std::string> diffs;
  auto differ = [&](StringRef name, const std::string &mine, const std::string &theirs) {
    if (mine != theirs)
      diffs.push_back((name + " (" + mine + " vs " + theirs + ")").str());
  };
  differ("attention", modeldef::AttentionType_Name(l.attention()),
         modeldef::AttentionType_Name(d.attention()));
  differ("head_dim", std::to_string(l.head_dim()), std::to_string(d.head_dim()));
  differ("num_kv_heads", std::to_string(l.num_kv_heads()), std::to_string(d.num_kv_heads()));
  differ("k_eq_v", boolText(l.k_eq_v()), boolText(d.k_eq_v()));
  return llvm::join(diffs, ", ");
}

/// M13..M15: a KV-sharing layer reads a cache that exists and has its layout.
void checkDonor(const TextDecoderDef &t, int i, Checker &c) {
  const int donor = t.layers(i).kv_donor();
  const std::string field = layerField(i, "kv_donor");
  if (donor == -1)
    return;
  if (donor < 0 || donor >= i) {
    c.fail("M13", field, Twine(donor),
           "a KV donor must be an earlier layer (expected -1 or 0.." + Twine(i - 1) + ")");
    return;
  }
  const LayerDef &d = t.layers(donor);
  if (d.kv_donor() != -1)
    c.fail("M14", field, Twine(donor),
           "the donor must own its cache, but " + layerField(donor, "kv_donor") + " = " +
               Twine(d.kv_donor()));
  std::string diffs = donorMismatches(t.layers(i), d);
  if (!diffs.empty())
    c.fail("M15", field, Twine(donor),
           "the donor's cache must have this layer's layout; differs in " + diffs);
}

/// M16, M17: the expert configuration exists exactly when some layer uses it.
void checkMoe(const TextDecoderDef &t, Checker &c) {
  int firstMoe = -1;
  for (int i = 0; i < t.layers_size() && firstMoe < 0; ++i)
    if (t.layers(i).moe())
      firstMoe = i;
  if (firstMoe >= 0 && !t.has_moe())
    c.fail("M16", "text.moe", "absent",
           layerField(firstMoe, "moe") + " = true needs the expert configuration");
  if (firstMoe < 0 && t.has_moe())
    c.fail("M16", "text.moe", "present", "no layer has moe = true; remove it");
  if (!t.has_moe())
    return;
  const modeldef::MoeDef &m = t.moe();
  if (m.num_experts() == 0)
    c.fail("M17", "text.moe.num_experts", "0", "must be > 0");
  if (m.top_k() == 0 || m.top_k() > m.num_experts())
    c.fail("M17", "text.moe.top_k", Twine(m.top_k()),
           "must be in [1, text.moe.num_experts = " + Twine(m.num_experts()) + "]");
  if (m.expert_intermediate_size() == 0)
    c.fail("M17", "text.moe.expert_intermediate_size", "0", "must be > 0");
}

/// M18..M20 for the rope of one attention type.
void checkRope(const TextDecoderDef &t, StringRef name, const RopeDef &rope,
               modeldef::AttentionType users, Checker &c) {
  const std::string field = ("text." + name).str();
  const std::string factor = detail::formatNumber(rope.partial_rotary_factor());
  if (rope.type() != modeldef::DEFAULT && rope.type() != modeldef::PROPORTIONAL)
    c.fail("M18", field + ".type", modeldef::RopeType_Name(rope.type()),
           "must be DEFAULT or PROPORTIONAL");
  if (!(rope.theta() > 0) || !std::isfinite(rope.theta()))
    c.fail("M18", field + ".theta", detail::formatNumber(rope.theta()),
           "must be a finite number > 0");
  if (rope.type() == modeldef::DEFAULT && rope.partial_rotary_factor() != 0 &&
      rope.partial_rotary_factor() != 1)
    c.fail("M19", field + ".partial_rotary_factor", factor,
           "must be 1 (or unset) for DEFAULT; only PROPORTIONAL rotates part of the head");
  if (rope.type() != modeldef::PROPORTIONAL)
    return;
  if (!(rope.partial_rotary_factor() > 0 && rope.partial_rotary_factor() <= 1)) {
    c.fail("M20", field + ".partial_rotary_factor", factor, "must be in (0, 1] for PROPORTIONAL");
    return;
  }
  for (int i = 0; i < t.layers_size(); ++i) {
    const LayerDef &l = t.layers(i);
    if (l.attention() != users ||
        detail::rotatedPairsFor(rope.partial_rotary_factor(), l.head_dim()) >= 1)
      continue;
    c.fail("M20", field + ".partial_rotary_factor", factor,
           "floor(factor * head_dim / 2) = 0 for " + layerField(i, "head_dim") + " = " +
               Twine(l.head_dim()) + "; at least one pair must rotate");
    return;
  }
}

/// M21: the per-layer embedding table exists exactly when PLE is on.
void checkPle(const TextDecoderDef &t, Checker &c) {
  const bool ple = t.per_layer_input_size() > 0;
  if (ple == (t.per_layer_vocab_size() > 0))
    return;
  const std::string requirement =
      ple ? "must be > 0 when text.per_layer_input_size = " +
                std::to_string(t.per_layer_input_size())
          : "must be 0 when text.per_layer_input_size = 0 (no per-layer embeddings)";
  c.fail("M21", "text.per_layer_vocab_size", Twine(t.per_layer_vocab_size()), requirement);
}

} // namespace

llvm::Error validateModelDef(const ModelDef &def, StringRef origin) {
  Checker c(origin);
  if (def.name().empty())
    c.fail("M1", "name", "\"\"", "a ModelDef needs a name (artifacts are named after it)");
  const TextDecoderDef &t = def.text();
  checkModel(t, c);
  for (int i = 0; i < t.layers_size(); ++i) {
    checkLayerShape(t, i, c);
    checkDonor(t, i, c);
  }
  checkMoe(t, c);
  checkRope(t, "sliding_rope", t.sliding_rope(), modeldef::SLIDING, c);
  checkRope(t, "global_rope", t.global_rope(), modeldef::GLOBAL, c);
  checkPle(t, c);
  return c.take();
}

} // namespace g4
