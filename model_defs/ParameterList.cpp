//===- ParameterList.cpp - The parameters a ModelDef needs ----------------===//

#include "model_defs/ParameterList.h"

#include <string>

namespace g4 {

using modeldef::LayerDef;
using modeldef::ModelDef;

int64_t numElements(const ParamSpec &spec) {
  int64_t n = 1;
  for (int64_t d : spec.shape)
    n *= d;
  return n;
}

std::vector<ParamSpec> listTextDecoderParams(const ModelDef &def) {
  const auto &t = def.text();
  const int64_t hidden = t.hidden_size();
  const int64_t vocab = t.vocab_size();
  const int64_t numLayers = t.layers_size();
  const int64_t ple = t.per_layer_input_size();
  std::vector<ParamSpec> params;
  auto add = [&](std::string name, std::vector<int64_t> shape, int layer = -1) {
    params.push_back({std::move(name), std::move(shape), layer});
  };

  add("embed_tokens.weight", {vocab, hidden});
  add("norm.weight", {hidden});
  if (!t.tie_word_embeddings())
    add("lm_head.weight", {vocab, hidden});
  if (ple > 0) {
    add("embed_tokens_per_layer.weight", {t.per_layer_vocab_size(), numLayers * ple});
    add("per_layer_model_projection.weight", {numLayers * ple, hidden});
    add("per_layer_projection_norm.weight", {ple});
  }

  for (int i = 0; i < numLayers; ++i) {
    const LayerDef &l = t.layers(i);
    const std::string p = "layers." + std::to_string(i) + ".";
    const int64_t d = l.head_dim();
    const int64_t qDim = int64_t(t.num_heads()) * d;
    const int64_t kvDim = int64_t(l.num_kv_heads()) * d;
    add(p + "input_layernorm.weight", {hidden}, i);
    add(p + "self_attn.q_proj.weight", {qDim, hidden}, i);
    add(p + "self_attn.q_norm.weight", {d}, i);
    if (l.kv_donor() < 0) {
      add(p + "self_attn.k_proj.weight", {kvDim, hidden}, i);
      if (!l.k_eq_v())
        add(p + "self_attn.v_proj.weight", {kvDim, hidden}, i);
      add(p + "self_attn.k_norm.weight", {d}, i);
    }
    add(p + "self_attn.o_proj.weight", {hidden, qDim}, i);
    add(p + "post_attention_layernorm.weight", {hidden}, i);

    const int64_t inter = l.intermediate_size();
    add(p + "pre_feedforward_layernorm.weight", {hidden}, i);
    add(p + "mlp.gate_proj.weight", {inter, hidden}, i);
    add(p + "mlp.up_proj.weight", {inter, hidden}, i);
    add(p + "mlp.down_proj.weight", {hidden, inter}, i);
    add(p + "post_feedforward_layernorm.weight", {hidden}, i);
    if (l.moe()) {
      const int64_t experts = t.moe().num_experts();
      const int64_t expertInter = t.moe().expert_intermediate_size();
      add(p + "post_feedforward_layernorm_1.weight", {hidden}, i);
      add(p + "pre_feedforward_layernorm_2.weight", {hidden}, i);
      add(p + "post_feedforward_layernorm_2.weight", {hidden}, i);
      add(p + "router.proj.weight", {experts, hidden}, i);
      add(p + "router.scale", {hidden}, i);
      add(p + "router.per_expert_scale", {experts}, i);
      add(p + "experts.gate_up_proj", {experts, 2 * expertInter, hidden}, i);
      add(p + "experts.down_proj", {experts, hidden, expertInter}, i);
    }
    if (ple > 0) {
      add(p + "per_layer_input_gate.weight", {ple, hidden}, i);
      add(p + "per_layer_projection.weight", {hidden, ple}, i);
      add(p + "post_per_layer_input_norm.weight", {hidden}, i);
    }
    add(p + "layer_scalar", {1}, i);
  }
  return params;
}

} // namespace g4
