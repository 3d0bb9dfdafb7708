//===- ModelBuilder.cpp - ModelDef -> gemma IR ----------------------------===//
//
// Emits the decoder of gemma4-architecture.md §2.10 and §3 op by op. Residual adds are
// `arith.addf` on tensors; everything with Gemma semantics is a `gemma` op.
//
//===----------------------------------------------------------------------===//

#include "compiler/Builder/ModelBuilder.h"
#include "dialects/Gemma/IR/GemmaOps.h"
#include "model_defs/ModelDef.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace g4::gemma;

namespace g4 {

float roundToBF16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  if (std::isnan(value))
    return value;
  bits += 0x7fff + ((bits >> 16) & 1);
  bits &= 0xffff0000u;
  float rounded;
  std::memcpy(&rounded, &bits, sizeof(rounded));
  return rounded;
}

namespace {

using modeldef::LayerDef;
using modeldef::ModelDef;

/// The format of a plain (unpacked, not interleaved) weight of `elementType`.
WeightFormat formatOf(Type elementType) {
  if (elementType.isF32())
    return WeightFormat::f32;
  if (elementType.isF16())
    return WeightFormat::f16;
  return WeightFormat::bf16;
}

/// The op-level group a projection matrix belongs to ("layers.3.mlp"), or "" for
/// parameters that are never packed. All matrices of one group share the op's format.
std::string packGroup(llvm::StringRef name) {
  static const char *const kGroups[][2] = {
      {"self_attn.q_proj.weight", "attention"}, {"self_attn.o_proj.weight", "attention"},
      {"self_attn.k_proj.weight", "kv"},        {"self_attn.v_proj.weight", "kv"},
      {"mlp.gate_proj.weight", "mlp"},          {"mlp.up_proj.weight", "mlp"},
      {"mlp.down_proj.weight", "mlp"},          {"experts.gate_up_proj", "experts"},
      {"experts.down_proj", "experts"},         {"per_layer_input_gate.weight", "ple"},
      {"per_layer_projection.weight", "ple"}};
  if (name == "per_layer_model_projection.weight")
    return "ple_inputs";
  if (!name.starts_with("layers."))
    return "";
  size_t layerEnd = name.find('.', strlen("layers."));
  llvm::StringRef suffix = name.substr(layerEnd + 1);
  for (const auto &group : kGroups)
    if (suffix == group[0])
      return (name.substr(0, layerEnd + 1) + group[1]).str();
  return "";
}

/// The group whose bf16 matrices take one interleaved float format: packGroup's, except
/// that a layer's attention and K/V matrices decide together (g4-gemma-merge-projections
/// merges Q, K and V only when they share a format).
std::string floatGroup(llvm::StringRef name) {
  std::string group = packGroup(name);
  llvm::StringRef ref(group);
  if (ref.ends_with(".attention") || ref.ends_with(".kv"))
    return (ref.substr(0, ref.rfind('.')) + ".self_attn").str();
  return group;
}

/// The interleaved float format for bf16 matrices whose output dims are all multiples
/// of `rows`: BuildOptions::interleavedFloat, else the format with a quarter of its
/// group (bf16x64: bf16x16), if either divides them.
std::optional<WeightFormat> interleavedFloatFor(const BuildOptions &options,
                                                ArrayRef<int64_t> rows) {
  if (!options.interleavedFloat)
    return std::nullopt;
  auto divides = [&](WeightFormat format) {
    return llvm::all_of(rows, [&](int64_t r) { return r % interleavedRows(format) == 0; });
  };
  if (divides(*options.interleavedFloat))
    return options.interleavedFloat;
  std::optional<WeightFormat> quarter = quarterGroupFormat(*options.interleavedFloat);
  if (quarter && divides(*quarter))
    return quarter;
  return std::nullopt;
}

/// The interleaved float format of the embedding table of `type` (bf16 or f16), if it
/// has one.
std::optional<WeightFormat> interleavedTable(const ModelDef &def, const BuildOptions &options,
                                             RankedTensorType type) {
  if (!type || !def.text().tie_word_embeddings() ||
      !(type.getElementType().isBF16() || type.getElementType().isF16()))
    return std::nullopt;
  std::optional<WeightFormat> format = interleavedFloatFor(options, {type.getDimSize(0)});
  if (!format)
    return std::nullopt;
  return interleavedFloatWithElement(*format, type.getElementType().isF16());
}

/// A cache-owning layer's incoming cache and the K/V block it computes in this call.
struct KVBlock {
  Value cache, keys, values;
};

/// Emits one model function; holds what every layer needs.
class FunctionEmitter {
public:
  FunctionEmitter(OpBuilder &b, const ModelDef &def,
                  const llvm::StringMap<RankedTensorType> &params, int64_t maxContext,
                  bool kvCacheF16, const llvm::StringMap<WeightFormat> &formats)
      : b(b), def(def), text(def.text()), params(params), maxContext(maxContext),
        kvCacheF16(kvCacheF16), formats(formats), loc(b.getUnknownLoc()) {}

  void emit(StringRef name, int64_t numTokens);

private:
  Value weight(const std::string &name) {
    RankedTensorType type = params.lookup(name);
    assert(type && "parameter list and builder disagree");
    return WeightOp::create(b, loc, type, FlatSymbolRefAttr::get(b.getContext(), name));
  }
  Value layerWeight(int layer, StringRef suffix) {
    return weight("layers." + std::to_string(layer) + "." + suffix.str());
  }
  FloatAttr f32(double v) { return b.getF32FloatAttr(float(v)); }
  FloatAttr eps() { return f32(text.rms_norm_eps()); }
  /// The format of weight `w`: its param's (packed or interleaved), else plain.
  WeightFormatAttr format(Value w) {
    auto weightOp = w.getDefiningOp<WeightOp>();
    auto it = weightOp ? formats.find(weightOp.getParam()) : formats.end();
    return WeightFormatAttr::get(b.getContext(),
                                 it != formats.end()
                                     ? it->second
                                     : formatOf(cast<ShapedType>(w.getType()).getElementType()));
  }
  Value norm(Value x, Value w) { return RMSNormOp::create(b, loc, x, w, eps()); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }

  RopeAttr rope(int layer);
  KVCacheType cacheType(int layer);
  RankedTensorType rowsType(int64_t width) {
    return RankedTensorType::get({numTokens, width}, b.getF32Type());
  }

  Value emitAttention(int i, Value h, SmallVectorImpl<KVBlock> &blocks);
  Value emitFeedForward(int i, Value h);

  OpBuilder &b;
  const ModelDef &def;
  const modeldef::TextDecoderDef &text;
  const llvm::StringMap<RankedTensorType> &params;
  int64_t maxContext;
  bool kvCacheF16;
  const llvm::StringMap<WeightFormat> &formats; // of the params that carry one
  Location loc;
  int64_t numTokens = 0;
  Value start;
};

RopeAttr FunctionEmitter::rope(int layer) {
  const LayerDef &l = text.layers(layer);
  bool global = l.attention() == modeldef::GLOBAL;
  const modeldef::RopeDef &r = global ? text.global_rope() : text.sliding_rope();
  RopeKind kind = r.type() == modeldef::PROPORTIONAL ? RopeKind::proportional : RopeKind::default_;
  return RopeAttr::get(b.getContext(), kind, llvm::APFloat(r.theta()), rotatedPairs(def, layer));
}

KVCacheType FunctionEmitter::cacheType(int layer) {
  const LayerDef &l = text.layers(layer);
  bool global = l.attention() == modeldef::GLOBAL;
  return KVCacheType::get(b.getContext(), layer,
                          global ? AttentionKind::global : AttentionKind::sliding,
                          global ? maxContext : int64_t(text.sliding_window()), l.num_kv_heads(),
                          l.head_dim(), kvCacheF16 ? Type(b.getF16Type()) : Type(b.getF32Type()));
}

/// h + post_attention_norm(attention(input_norm(h))). A layer that owns a cache first
/// computes its K/V block; the appends to the caches happen after the last reader (see
/// emit), so every attention reads the caches as they were before this call.
Value FunctionEmitter::emitAttention(int i, Value h, SmallVectorImpl<KVBlock> &blocks) {
  const LayerDef &l = text.layers(i);
  Value x = norm(h, layerWeight(i, "input_layernorm.weight"));
  RopeAttr ropeAttr = rope(i);
  int source = l.kv_donor() < 0 ? i : l.kv_donor();
  if (source == i) {
    Value wk = layerWeight(i, "self_attn.k_proj.weight");
    Value wv = l.k_eq_v() ? Value() : layerWeight(i, "self_attn.v_proj.weight");
    auto blockType =
        RankedTensorType::get({numTokens, l.num_kv_heads(), l.head_dim()}, b.getF32Type());
    auto project = KVProjectOp::create(b, loc, blockType, blockType, x, start, wk, wv,
                                       layerWeight(i, "self_attn.k_norm.weight"),
                                       b.getI64IntegerAttr(i), eps(), ropeAttr, format(wk));
    blocks[i].keys = project.getKeys();
    blocks[i].values = project.getValues();
  }
  bool global = l.attention() == modeldef::GLOBAL;
  Value wq = layerWeight(i, "self_attn.q_proj.weight");
  Value attn = AttentionOp::create(
      b, loc, h.getType(), x, start, blocks[source].cache, blocks[source].keys,
      blocks[source].values, wq, layerWeight(i, "self_attn.q_norm.weight"),
      /*queries=*/Value(), layerWeight(i, "self_attn.o_proj.weight"), b.getI64IntegerAttr(i),
      AttentionKindAttr::get(b.getContext(),
                             global ? AttentionKind::global : AttentionKind::sliding),
      b.getI64IntegerAttr(global ? 0 : text.sliding_window()),
      b.getI64IntegerAttr(text.num_heads()), eps(), ropeAttr, format(wq));
  return add(h, norm(attn, layerWeight(i, "post_attention_layernorm.weight")));
}

/// The dense MLP (§2.5), or dense + routed experts (§2.6), with its residual add.
Value FunctionEmitter::emitFeedForward(int i, Value h) {
  const LayerDef &l = text.layers(i);
  auto mlp = [&](Value x) {
    Value wg = layerWeight(i, "mlp.gate_proj.weight");
    return MLPOp::create(b, loc, h.getType(), x, wg, layerWeight(i, "mlp.up_proj.weight"),
                         layerWeight(i, "mlp.down_proj.weight"), format(wg))
        .getResult();
  };
  Value dense = mlp(norm(h, layerWeight(i, "pre_feedforward_layernorm.weight")));
  if (l.moe()) {
    dense = norm(dense, layerWeight(i, "post_feedforward_layernorm_1.weight"));
    Value expertInput = norm(h, layerWeight(i, "pre_feedforward_layernorm_2.weight"));
    Value gateUp = layerWeight(i, "experts.gate_up_proj");
    Value routed =
        MoEOp::create(b, loc, h.getType(), expertInput, h, layerWeight(i, "router.proj.weight"),
                      layerWeight(i, "router.scale"), layerWeight(i, "router.per_expert_scale"),
                      gateUp, layerWeight(i, "experts.down_proj"),
                      b.getI64IntegerAttr(text.moe().top_k()), eps(), format(gateUp));
    routed = norm(routed, layerWeight(i, "post_feedforward_layernorm_2.weight"));
    dense = add(dense, routed);
  }
  return add(h, norm(dense, layerWeight(i, "post_feedforward_layernorm.weight")));
}

void FunctionEmitter::emit(StringRef name, int64_t tokens) {
  numTokens = tokens;
  MLIRContext *ctx = b.getContext();
  const int numLayers = text.layers_size();
  const int64_t hidden = text.hidden_size();
  const int64_t vocab = text.vocab_size();

  // Prefill also takes how many of its last tokens need logits (a generating caller
  // needs one): the head, about a sixth of Gemma 4 E2B's FLOPs, runs on those rows only.
  const bool prefill = tokens != 1;
  SmallVector<Type> argTypes{RankedTensorType::get({tokens}, b.getI32Type()), b.getIndexType()};
  if (prefill)
    argTypes.push_back(b.getIndexType());
  SmallVector<Type> resultTypes{RankedTensorType::get({tokens, vocab}, b.getF32Type())};
  SmallVector<int> owners;
  for (int i = 0; i < numLayers; ++i) {
    if (text.layers(i).kv_donor() >= 0)
      continue;
    owners.push_back(i);
    argTypes.push_back(cacheType(i));
    resultTypes.push_back(cacheType(i));
  }

  OpBuilder::InsertionGuard guard(b);
  auto func = func::FuncOp::create(b, loc, name, FunctionType::get(ctx, argTypes, resultTypes));
  func->setAttr("gemma.entry", b.getStringAttr(prefill ? "prefill" : "decode"));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  Value tokenIds = body->getArgument(0);
  start = body->getArgument(1);
  const unsigned firstCache = prefill ? 3 : 2;
  SmallVector<KVBlock> blocks(numLayers);
  for (auto [index, layer] : llvm::enumerate(owners))
    blocks[layer].cache = body->getArgument(firstCache + index);

  Value table = weight("embed_tokens.weight");
  float embedScale = roundToBF16(std::sqrt(float(hidden)));
  WeightFormatAttr tableFormat = format(table);
  if (!isInterleavedFloat(tableFormat.getValue()) && !isPackedFormat(tableFormat.getValue()))
    tableFormat = nullptr; // plain rows: embed's format is absent
  Value h =
      EmbedOp::create(b, loc, rowsType(hidden), tokenIds, table, f32(embedScale), tableFormat);

  Value perLayerInputs;
  if (int64_t ple = text.per_layer_input_size()) {
    auto type = RankedTensorType::get({tokens, numLayers, ple}, b.getF32Type());
    Value projection = weight("per_layer_model_projection.weight");
    perLayerInputs = PLEInputsOp::create(
        b, loc, type, tokenIds, h, weight("embed_tokens_per_layer.weight"), projection,
        weight("per_layer_projection_norm.weight"), f32(roundToBF16(std::sqrt(float(ple)))),
        f32(1.0 / std::sqrt(double(hidden))), f32(1.0 / std::sqrt(2.0)), eps(), format(projection));
  }

  for (int i = 0; i < numLayers; ++i) {
    h = emitAttention(i, h, blocks);
    h = emitFeedForward(i, h);
    if (perLayerInputs) {
      Value gate = layerWeight(i, "per_layer_input_gate.weight");
      Value g = PLEBranchOp::create(b, loc, h.getType(), h, perLayerInputs, gate,
                                    layerWeight(i, "per_layer_projection.weight"),
                                    b.getI64IntegerAttr(i), format(gate));
      h = add(h, norm(g, layerWeight(i, "post_per_layer_input_norm.weight")));
    }
    h = LayerScalarOp::create(b, loc, h, layerWeight(i, "layer_scalar"));
  }

  if (prefill) {
    // The rows T - logit_rows .. T-1 (norm and head are per row), copied into a buffer
    // of their own: a kernel takes contiguous operands, and a copy from a strided view
    // would need the runtime's generic memrefCopy.
    Value logitRows = body->getArgument(2);
    Value total = tensor::DimOp::create(b, loc, h, 0);
    Value first = arith::SubIOp::create(b, loc, total, logitRows);
    Value last = tensor::ExtractSliceOp::create(
        b, loc, rowsType(hidden), h, SmallVector<OpFoldResult>{first, b.getIndexAttr(0)},
        SmallVector<OpFoldResult>{logitRows, b.getIndexAttr(hidden)},
        SmallVector<OpFoldResult>(2, b.getIndexAttr(1)));
    Value rows = tensor::EmptyOp::create(
        b, loc, SmallVector<OpFoldResult>{logitRows, b.getIndexAttr(hidden)}, b.getF32Type());
    h = linalg::CopyOp::create(b, loc, last, rows).getResult(0);
  }
  h = norm(h, weight("norm.weight"));
  Value head = weight(text.tie_word_embeddings() ? "embed_tokens.weight" : "lm_head.weight");
  Value logits = LinearOp::create(b, loc, resultTypes[0], h, head, format(head));
  if (text.final_logit_softcap() > 0)
    logits = SoftcapOp::create(b, loc, logits, f32(text.final_logit_softcap()));

  SmallVector<Value> results{logits};
  for (int layer : owners) {
    const KVBlock &kv = blocks[layer];
    results.push_back(KVAppendOp::create(b, loc, kv.cache, start, kv.keys, kv.values));
  }
  func::ReturnOp::create(b, loc, results);
}

} // namespace

std::optional<WeightFormat> packedTableFormat(const ModelDef &def, WeightFormat format) {
  const auto &t = def.text();
  bool interleaved = interleavedRows(format) > 1;
  if (!t.tie_word_embeddings() || t.hidden_size() % 32 != 0 ||
      (interleaved && t.vocab_size() % interleavedRows(format) != 0))
    return std::nullopt;
  return interleaved ? WeightFormat::q8_0x8 : WeightFormat::q8_0;
}

std::vector<std::string> packedParams(const ModelDef &def, WeightFormat format) {
  std::vector<ParamSpec> specs = listTextDecoderParams(def);
  // A group is packed only if every matrix in it has an input dim divisible by 32 (and,
  // for the interleaved formats, an output dim divisible by 8).
  llvm::StringMap<bool> divisible;
  for (const ParamSpec &spec : specs)
    if (std::string group = packGroup(spec.name); !group.empty()) {
      bool ok = spec.shape.back() % 32 == 0 &&
                spec.shape[spec.shape.size() - 2] % interleavedRows(format) == 0;
      auto [it, inserted] = divisible.try_emplace(group, ok);
      if (!inserted)
        it->second = it->second && ok;
    }
  std::vector<std::string> names;
  for (const ParamSpec &spec : specs)
    if (std::string group = packGroup(spec.name); !group.empty() && divisible.lookup(group))
      names.push_back(spec.name);
  return names;
}

OwningOpRef<ModuleOp> buildModel(MLIRContext &context, const ModelDef &def,
                                 const BuildOptions &options) {
  context.loadDialect<GemmaDialect, func::FuncDialect, arith::ArithDialect, tensor::TensorDialect,
                      linalg::LinalgDialect>();
  OpBuilder b(&context);
  Location loc = b.getUnknownLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc, StringRef(def.name()));
  module->getOperation()->setAttr("gemma.max_context", b.getI64IntegerAttr(options.maxContext));
  module->getOperation()->setAttr(
      "gemma.max_prefill_tokens",
      b.getI64IntegerAttr(std::min(options.maxPrefillTokens, options.maxContext)));
  b.setInsertionPointToStart(module->getBody());

  std::vector<std::string> packedNames;
  std::optional<WeightFormat> tableFormat;
  if (options.packedFormat) {
    packedNames = packedParams(def, *options.packedFormat);
    tableFormat = packedTableFormat(def, *options.packedFormat);
  }
  const int64_t blockBytes = options.packedFormat ? packedBlockBytes(*options.packedFormat) : 0;
  std::vector<ParamSpec> specs = listTextDecoderParams(def);
  auto elementOf = [&](const ParamSpec &spec) -> Type {
    Type element =
        options.paramElementType ? options.paramElementType(&context, spec) : b.getBF16Type();
    return options.bf16AsF16 && element.isBF16() ? b.getF16Type() : element;
  };
  // The interleaved float format also takes the bf16 (or f16) projections left unpacked:
  // an op's group when every matrix in it has the same 2-byte float type and an output
  // dim divisible by the group, or by a quarter of it (the experts' 3-D stacks stay plain).
  llvm::StringMap<SmallVector<int64_t>> groupRows;
  llvm::StringMap<Type> groupElement;
  llvm::StringSet<> notInterleavable;
  if (options.interleavedFloat)
    for (const ParamSpec &spec : specs)
      if (std::string group = floatGroup(spec.name);
          !group.empty() && !llvm::is_contained(packedNames, spec.name)) {
        Type element = elementOf(spec);
        auto [it, first] = groupElement.try_emplace(group, element);
        if (spec.shape.size() != 2 || !(element.isBF16() || element.isF16()) ||
            it->second != element)
          notInterleavable.insert(group);
        else
          groupRows[group].push_back(spec.shape[0]);
      }
  llvm::StringMap<WeightFormat> interleavable;
  for (const auto &entry : groupRows)
    if (!notInterleavable.contains(entry.getKey()))
      if (std::optional<WeightFormat> format = interleavedFloatFor(options, entry.getValue()))
        interleavable[entry.getKey()] =
            interleavedFloatWithElement(*format, groupElement.lookup(entry.getKey()).isF16());
  llvm::StringMap<RankedTensorType> params;
  llvm::StringMap<WeightFormat> formats;
  for (const ParamSpec &spec : specs) {
    auto type = RankedTensorType::get(spec.shape, elementOf(spec));
    std::optional<WeightFormat> format;
    if (llvm::is_contained(packedNames, spec.name)) {
      // Blocks of 32 inputs along the last dim (docs/dialects/gemma.md).
      SmallVector<int64_t> storage(spec.shape.begin(), spec.shape.end());
      storage.back() = storage.back() / 32 * blockBytes;
      type = RankedTensorType::get(storage, b.getI8Type());
      format = options.packedFormat;
    } else if (spec.name == "embed_tokens.weight" && tableFormat) {
      type = RankedTensorType::get(
          {spec.shape[0], spec.shape[1] / 32 * packedBlockBytes(*tableFormat)}, b.getI8Type());
      format = tableFormat;
    } else if (auto it = interleavable.find(floatGroup(spec.name)); it != interleavable.end()) {
      format = it->second;
    } else if (spec.name == "embed_tokens.weight") {
      format = interleavedTable(def, options, type);
    }
    params[spec.name] = type;
    auto param = ParamOp::create(b, loc, spec.name, type);
    if (format) {
      param->setAttr("format", WeightFormatAttr::get(&context, *format));
      formats[spec.name] = *format;
    }
  }

  FunctionEmitter emitter(b, def, params, options.maxContext, options.kvCacheF16, formats);
  emitter.emit("prefill", ShapedType::kDynamic);
  emitter.emit("decode", 1);
  return module;
}

} // namespace g4
