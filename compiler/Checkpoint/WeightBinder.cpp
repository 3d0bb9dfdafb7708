//===- WeightBinder.cpp - Check a checkpoint against a ModelDef -----------===//

#include "compiler/Checkpoint/WeightBinder.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using llvm::StringRef;

namespace g4 {

namespace {

using modeldef::ModelDef;

// Checkpoint name prefixes of tensors that belong to other parts of the model.
constexpr const char *kVisionPrefix = "model.vision_tower.";
constexpr const char *kAudioPrefix = "model.audio_tower.";
constexpr const char *kProjectorPrefixes[] = {"model.embed_vision.", "model.embed_audio."};
// HF keeps the output head outside the language model, with no prefix.
constexpr const char *kHeadName = "lm_head.weight";

// What each parameter is, for "missing tensor" messages.
constexpr std::pair<const char *, const char *> kDescriptions[] = {
    {"embed_tokens.weight", "token embedding"},
    {"norm.weight", "final norm"},
    {"lm_head.weight", "output head"},
    {"embed_tokens_per_layer.weight", "per-layer embedding table"},
    {"per_layer_model_projection.weight", "per-layer model projection"},
    {"per_layer_projection_norm.weight", "per-layer projection norm"},
    {"input_layernorm.weight", "attention input norm"},
    {"self_attn.q_proj.weight", "query projection"},
    {"self_attn.k_proj.weight", "key projection"},
    {"self_attn.v_proj.weight", "value projection"},
    {"self_attn.o_proj.weight", "attention output projection"},
    {"self_attn.q_norm.weight", "query norm"},
    {"self_attn.k_norm.weight", "key norm"},
    {"post_attention_layernorm.weight", "post-attention norm"},
    {"pre_feedforward_layernorm.weight", "pre-MLP norm"},
    {"mlp.gate_proj.weight", "MLP gate projection"},
    {"mlp.up_proj.weight", "MLP up projection"},
    {"mlp.down_proj.weight", "MLP down projection"},
    {"post_feedforward_layernorm.weight", "post-MLP norm"},
    {"post_feedforward_layernorm_1.weight", "post-MLP norm of the dense branch"},
    {"pre_feedforward_layernorm_2.weight", "pre-expert norm"},
    {"post_feedforward_layernorm_2.weight", "post-expert norm"},
    {"router.proj.weight", "router projection"},
    {"router.scale", "router input scale"},
    {"router.per_expert_scale", "router per-expert scale"},
    {"experts.gate_up_proj", "expert gate/up projections"},
    {"experts.down_proj", "expert down projections"},
    {"per_layer_input_gate.weight", "per-layer input gate"},
    {"per_layer_projection.weight", "per-layer projection"},
    {"post_per_layer_input_norm.weight", "per-layer input norm"},
    {"layer_scalar", "layer output scale"},
};

// "layers.3.self_attn.q_proj.weight" -> "layer 3 query projection".
std::string describeParam(const ParamSpec &spec) {
  StringRef local = spec.name;
  std::string layer;
  if (spec.layer >= 0) {
    local = local.split('.').second.split('.').second; // drop "layers.<i>."
    layer = "layer " + std::to_string(spec.layer) + " ";
  }
  for (const auto &[name, text] : kDescriptions)
    if (local == name)
      return layer + text;
  return layer + local.str();
}

// Checkpoint names under which a parameter may be stored, preferred first.
llvm::SmallVector<std::string, 3> candidateNames(StringRef param) {
  llvm::SmallVector<std::string, 3> names;
  if (param == kHeadName)
    names.push_back(param.str());
  names.push_back(kHFTextPrefix + param.str());
  names.push_back(kHFTextOnlyPrefix + param.str());
  return names;
}

std::string quotedList(llvm::ArrayRef<std::string> names) {
  std::string text;
  for (auto [i, name] : llvm::enumerate(names)) {
    if (i > 0)
      text += i + 1 == names.size() ? " and " : ", ";
    text += "'" + name + "'";
  }
  return text;
}

// Collects binding errors so that one run reports all of them (capped: a wrong
// ModelDef would otherwise print one line per tensor).
class Problems {
public:
  void add(std::string message) { messages_.push_back(std::move(message)); }
  bool empty() const { return messages_.empty(); }
  llvm::Error take() const {
    constexpr size_t kMaxShown = 20;
    std::string text;
    for (size_t i = 0; i < messages_.size() && i < kMaxShown; ++i)
      text += (i ? "\n" : "") + messages_[i];
    if (messages_.size() > kMaxShown)
      text += "\n(" + std::to_string(messages_.size() - kMaxShown) + " more problems not shown)";
    return llvm::createStringError(llvm::inconvertibleErrorCode(), text);
  }

private:
  std::vector<std::string> messages_;
};

void checkRecord(const ParamSpec &spec, const TensorRecord &record, Problems &problems) {
  std::string where = record.file.str() + ": tensor '" + record.name + "': ";
  if (!isFloatWeightDType(record.dtype))
    problems.add(where + "expected dtype F32, BF16 or F16, found " + dtypeName(record.dtype).str());
  if (!llvm::equal(spec.shape, record.shape))
    problems.add(where + "expected shape " + formatShape(spec.shape) + ", found " +
                 formatShape(record.shape));
}

// The name relative to the text prefix (either spelling), or "" if it has neither.
StringRef textRelativeName(StringRef name) {
  if (name.consume_front(kHFTextPrefix) || name.consume_front(kHFTextOnlyPrefix))
    return name;
  return "";
}

// Sets reason/detail when `relative` is a k/v tensor a layer of `def` does not read.
void classifyLayerTensor(const ModelDef &def, StringRef relative, UnusedTensor &out) {
  unsigned index;
  if (!relative.consume_front("layers.") || relative.consumeInteger(10, index) ||
      !relative.consume_front(".") || index >= unsigned(def.text().layers_size()))
    return;
  const modeldef::LayerDef &layer = def.text().layers(index);
  std::string self = "layer " + std::to_string(index);
  bool isKV = relative == "self_attn.k_proj.weight" || relative == "self_attn.v_proj.weight" ||
              relative == "self_attn.k_norm.weight";
  if (isKV && layer.kv_donor() >= 0) {
    out.reason = UnusedReason::KVSharedLayer;
    out.detail = self + " reads layer " + std::to_string(layer.kv_donor()) + "'s KV cache";
  } else if (relative == "self_attn.v_proj.weight" && layer.k_eq_v()) {
    out.reason = UnusedReason::KEqVLayer;
    out.detail = self + " uses its keys as values (attention_k_eq_v)";
  }
}

UnusedTensor classifyUnused(const ModelDef &def, const TensorRecord &record) {
  UnusedTensor out{&record, record.file, UnusedReason::NotTextDecoder, ""};
  StringRef name = record.name;
  StringRef relative = textRelativeName(name);
  if (name.starts_with(kVisionPrefix))
    out.reason = UnusedReason::VisionTower;
  else if (name.starts_with(kAudioPrefix))
    out.reason = UnusedReason::AudioTower;
  else if (llvm::any_of(kProjectorPrefixes, [&](const char *p) { return name.starts_with(p); }))
    out.reason = UnusedReason::MultimodalProjector;
  else if ((name == kHeadName || relative == kHeadName) && def.text().tie_word_embeddings())
    out.reason = UnusedReason::TiedHead;
  else
    classifyLayerTensor(def, relative, out);
  return out;
}

std::string formatBytes(uint64_t bytes) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << bytes << " bytes";
  if (bytes >= (1u << 20))
    os << llvm::format(" (%.1f MiB)", double(bytes) / (1u << 20));
  return text;
}

} // namespace

StringRef describeUnusedReason(UnusedReason reason) {
  switch (reason) {
  case UnusedReason::KVSharedLayer:
    return "k/v projections and k_norm of KV-shared layers";
  case UnusedReason::KEqVLayer:
    return "v_proj of layers whose values are their keys";
  case UnusedReason::VisionTower:
    return "vision tower";
  case UnusedReason::AudioTower:
    return "audio tower";
  case UnusedReason::MultimodalProjector:
    return "multimodal projectors";
  case UnusedReason::TiedHead:
    return "tied lm_head (duplicate of embed_tokens)";
  case UnusedReason::NotTextDecoder:
    return "not part of the Gemma 4 text decoder";
  }
  llvm_unreachable("unknown UnusedReason");
}

const BoundParam *BoundWeights::lookup(StringRef name) const {
  auto it = llvm::find_if(params, [&](const BoundParam &p) { return p.spec.name == name; });
  return it == params.end() ? nullptr : &*it;
}

llvm::Expected<BoundWeights> bindTextDecoderWeights(const ModelDef &def,
                                                    const Checkpoint &checkpoint) {
  BoundWeights weights;
  weights.checkpointPath = checkpoint.path().str();
  Problems problems;
  llvm::DenseSet<const TensorRecord *> used;
  for (ParamSpec &spec : listTextDecoderParams(def)) {
    llvm::SmallVector<std::string, 3> names = candidateNames(spec.name);
    const TensorRecord *record = nullptr;
    for (const std::string &name : names)
      if ((record = checkpoint.lookup(name)))
        break;
    if (!record) {
      problems.add(checkpoint.path().str() + ": missing tensor '" + names.front() + "' (" +
                   describeParam(spec) + "), looked for it as " + quotedList(names));
      continue;
    }
    checkRecord(spec, *record, problems);
    used.insert(record);
    weights.params.push_back({std::move(spec), record, record->file});
  }
  if (!problems.empty())
    return problems.take();

  for (const TensorRecord *record : checkpoint.tensors())
    if (!used.contains(record))
      weights.unused.push_back(classifyUnused(def, *record));
  return weights;
}

std::string formatBindingReport(const BoundWeights &weights) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::DenseSet<StringRef> shards;
  uint64_t elements = 0, bytes = 0;
  std::map<StringRef, std::pair<unsigned, uint64_t>> byDType; // count, bytes
  for (const BoundParam &p : weights.params) {
    shards.insert(p.shardPath);
    elements += p.record->numElements();
    bytes += p.record->byteSize();
    auto &[count, dtypeBytes] = byDType[dtypeName(p.record->dtype)];
    ++count;
    dtypeBytes += p.record->byteSize();
  }
  os << "checkpoint " << weights.checkpointPath << "\n";
  os << "bound " << weights.params.size() << " parameters from " << shards.size()
     << (shards.size() == 1 ? " shard" : " shards") << ": " << elements << " elements, "
     << formatBytes(bytes) << "\n";
  for (const auto &[dtype, stats] : byDType)
    os << "  " << dtype << ": " << stats.first << " tensors, " << formatBytes(stats.second) << "\n";

  std::map<UnusedReason, std::vector<const UnusedTensor *>> byReason;
  uint64_t unusedBytes = 0;
  for (const UnusedTensor &u : weights.unused) {
    byReason[u.reason].push_back(&u);
    unusedBytes += u.record->byteSize();
  }
  os << "unused " << weights.unused.size() << " tensors: " << formatBytes(unusedBytes) << "\n";
  for (const auto &[reason, tensors] : byReason) {
    os << "  " << describeUnusedReason(reason) << " (" << tensors.size() << "):\n";
    // A tower has hundreds of tensors; a few names say enough.
    constexpr size_t kMaxNames = 16;
    for (const UnusedTensor *u : llvm::ArrayRef(tensors).take_front(kMaxNames)) {
      os << "    " << u->record->name;
      if (!u->detail.empty())
        os << ": " << u->detail;
      os << "\n";
    }
    if (tensors.size() > kMaxNames)
      os << "    ... and " << tensors.size() - kMaxNames << " more\n";
  }
  return text;
}

} // namespace g4
