//===- GemmaOps.cpp - Verifiers of the gemma dialect ----------------------===//
//
// Each check emits "Cn: ..." with the constraint id of docs/dialects/gemma.md, so an
// error, the spec and the negative test (@<op>_c<n> in invalid.mlir) name the same rule.
// Checks that ODS already enforces (element types, ranks of declared tensors) are not
// repeated here.
//
//===----------------------------------------------------------------------===//

#include "dialects/Gemma/IR/GemmaOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"

#include <cmath>
#include <optional>

using namespace mlir;
using namespace g4::gemma;

namespace {

/// Formats a shape as "[2048, ?]".
std::string formatShape(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
  return s;
}

/// True when `actual` can hold `expected`: same rank, equal dims where both are static.
bool shapeMatches(ArrayRef<int64_t> actual, ArrayRef<int64_t> expected) {
  if (actual.size() != expected.size())
    return false;
  for (auto [a, e] : llvm::zip(actual, expected))
    if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(e) && a != e)
      return false;
  return true;
}

/// Emits "<id>: '<what>' must have shape E; found A" unless `type` matches `expected`.
LogicalResult checkShape(Operation *op, StringRef id, StringRef what, Type type,
                         ArrayRef<int64_t> expected) {
  auto shaped = cast<ShapedType>(type);
  if (shapeMatches(shaped.getShape(), expected))
    return success();
  return op->emitOpError() << id << ": '" << what << "' must have shape " << formatShape(expected)
                           << "; found " << formatShape(shaped.getShape());
}

LogicalResult checkFloatWeight(Operation *op, StringRef id, StringRef what, Type type) {
  Type element = cast<ShapedType>(type).getElementType();
  if (isa<FloatType>(element))
    return success();
  return op->emitOpError() << id << ": '" << what << "' must have a float element type; found "
                           << element;
}

LogicalResult checkPositive(Operation *op, StringRef id, StringRef what, double value) {
  if (std::isfinite(value) && value > 0)
    return success();
  return op->emitOpError() << id << ": " << what << " must be finite and positive; found " << value;
}

/// The storage shape of a matrix whose logical shape is `rows... x inner` in `format`.
SmallVector<int64_t> storageShape(ArrayRef<int64_t> logical, WeightFormat format) {
  SmallVector<int64_t> shape(logical);
  if (isPackedFormat(format) && !ShapedType::isDynamic(shape.back()))
    shape.back() = shape.back() / 32 * packedBlockBytes(format);
  return shape;
}

/// Checks a matrix weight of logical shape `logical` (last dim = input dim) stored in
/// `format`: element type (`typeId`) and storage shape (`shapeId`).
LogicalResult checkMatrixWeight(Operation *op, StringRef typeId, StringRef shapeId, StringRef what,
                                Type type, ArrayRef<int64_t> logical, WeightFormat format) {
  Type element = cast<ShapedType>(type).getElementType();
  bool ok = false;
  switch (format) {
  case WeightFormat::f32:
    ok = element.isF32();
    break;
  case WeightFormat::bf16:
  case WeightFormat::bf16x8:
  case WeightFormat::bf16x16:
  case WeightFormat::bf16x32:
  case WeightFormat::bf16x64:
    ok = element.isBF16();
    break;
  case WeightFormat::f16:
  case WeightFormat::f16x8:
  case WeightFormat::f16x16:
  case WeightFormat::f16x32:
  case WeightFormat::f16x64:
    ok = element.isF16();
    break;
  case WeightFormat::q8_0:
  case WeightFormat::q4_0:
  case WeightFormat::q8_0x8:
  case WeightFormat::q4_0x8:
    ok = element.isInteger(8);
    break;
  }
  if (!ok)
    return op->emitOpError() << typeId << ": '" << what << "' element type " << element
                             << " does not match weight format " << stringifyWeightFormat(format);
  if (isPackedFormat(format) && !ShapedType::isDynamic(logical.back()) && logical.back() % 32 != 0)
    return op->emitOpError() << shapeId << ": '" << what << "' input dim " << logical.back()
                             << " must be a multiple of 32 for format "
                             << stringifyWeightFormat(format);
  int64_t group = interleavedRows(format);
  int64_t rows = logical.size() >= 2 ? logical[logical.size() - 2] : 1;
  if (!ShapedType::isDynamic(rows) && rows % group != 0)
    return op->emitOpError() << shapeId << ": '" << what << "' output dim " << rows
                             << " must be a multiple of " << group << " for format "
                             << stringifyWeightFormat(format);
  return checkShape(op, shapeId, what, type, storageShape(logical, format));
}

/// Checks that `rope` fits a head of dim `headDim`.
LogicalResult checkRope(Operation *op, StringRef id, RopeAttr rope, int64_t headDim) {
  int64_t pairs = headDim / 2;
  if (rope.getRotatedPairs() > pairs)
    return op->emitOpError() << id << ": rope rotates " << rope.getRotatedPairs()
                             << " pairs but a head of dim " << headDim << " has " << pairs;
  if (rope.getKind() == RopeKind::default_ && rope.getRotatedPairs() != pairs)
    return op->emitOpError() << id << ": default rope must rotate all " << pairs
                             << " pairs of a head of dim " << headDim << "; found "
                             << rope.getRotatedPairs();
  return success();
}

int64_t dim(Value v, unsigned i) { return cast<ShapedType>(v.getType()).getDimSize(i); }
int64_t rank(Value v) { return cast<ShapedType>(v.getType()).getRank(); }

} // namespace

//===----------------------------------------------------------------------===//
// gemma.weight
//===----------------------------------------------------------------------===//

LogicalResult WeightOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto param = symbolTable.lookupNearestSymbolFrom<ParamOp>(*this, getParamAttr());
  if (!param)
    return emitOpError() << "C1: '" << getParam() << "' does not name a gemma.param";
  if (param.getType() != getResult().getType())
    return emitOpError() << "C2: result type " << getResult().getType()
                         << " differs from the declared type " << param.getType() << " of @"
                         << getParam();
  return success();
}

//===----------------------------------------------------------------------===//
// gemma.embed, gemma.softcap
//===----------------------------------------------------------------------===//

LogicalResult EmbedOp::verify() {
  std::optional<WeightFormat> format = getFormat();
  bool packed = format && isPackedFormat(*format);
  if (rank(getTable()) != 2 ||
      !(packed || isa<FloatType>(cast<ShapedType>(getTable().getType()).getElementType())))
    return emitOpError() << "C1: 'table' must be a rank-2 float tensor [vocab, hidden], or "
                            "i8 in a packed format; found "
                         << getTable().getType();
  // A packed table holds 32 values per block of packedBlockBytes bytes.
  int64_t hidden =
      packed ? dim(getTable(), 1) / packedBlockBytes(*format) * 32 : dim(getTable(), 1);
  if (failed(
          checkShape(*this, "C2", "result", getResult().getType(), {dim(getTokens(), 0), hidden})))
    return failure();
  if (format) {
    if (!isInterleavedFloat(*format) && *format != WeightFormat::q8_0 &&
        *format != WeightFormat::q8_0x8)
      return emitOpError() << "C4: 'format' must be bf16x8, bf16x16, bf16x32, bf16x64, f16x8, "
                              "f16x16, f16x32, f16x64, q8_0 or q8_0x8 when present; found "
                           << stringifyWeightFormat(*format);
    if (failed(checkMatrixWeight(*this, "C4", "C4", "table", getTable().getType(),
                                 {dim(getTable(), 0), hidden}, *format)))
      return failure();
  }
  return checkPositive(*this, "C3", "scale", getScale().convertToDouble());
}

LogicalResult SoftcapOp::verify() {
  return checkPositive(*this, "C1", "cap", getCap().convertToDouble());
}

//===----------------------------------------------------------------------===//
// gemma.rms_norm, gemma.linear, gemma.rope, gemma.layer_scalar
//===----------------------------------------------------------------------===//

void RMSNormOp::build(OpBuilder &builder, OperationState &state, Value input, Value weight,
                      float epsilon) {
  build(builder, state, input, weight, builder.getF32FloatAttr(epsilon));
}

LogicalResult ParamOp::verify() {
  if (bool(getParts()) != bool(getPartRows()))
    return emitOpError() << "C1: 'parts' and 'part_rows' go together";
  if (!getParts())
    return success();
  auto type = cast<RankedTensorType>(getType());
  int64_t rows = 0;
  ArrayRef<int64_t> partRows = getPartRowsAttr().asArrayRef();
  for (int64_t r : partRows) {
    if (r <= 0)
      return emitOpError() << "C1: every part needs a positive row count; found " << r;
    rows += r;
  }
  if (getParts()->size() != partRows.size() || getParts()->size() < 2 || type.getRank() < 1 ||
      rows != type.getDimSize(0))
    return emitOpError() << "C1: " << getParts()->size() << " parts of " << partRows.size()
                         << " row counts (at least two, one each) must add up to the "
                         << (type.getRank() ? type.getDimSize(0) : 0) << " rows of " << type;
  return success();
}

LogicalResult RMSNormOp::verify() {
  // C1 (result type == input type) is the AllTypesMatch trait.
  if (Value w = getWeight()) {
    if (failed(checkFloatWeight(*this, "C2", "weight", w.getType())) ||
        failed(checkShape(*this, "C2", "weight", w.getType(),
                          {dim(getInput(), rank(getInput()) - 1)})))
      return failure();
  }
  return checkPositive(*this, "C3", "epsilon", getEpsilon().convertToDouble());
}

LogicalResult LinearOp::verify() {
  if (rank(getWeight()) != 2)
    return emitOpError() << "C1: 'weight' must be rank 2 [out, in]; found rank "
                         << rank(getWeight());
  int64_t in = dim(getInput(), rank(getInput()) - 1);
  int64_t out = dim(getWeight(), 0);
  if (failed(checkMatrixWeight(*this, "C2", "C3", "weight", getWeight().getType(), {out, in},
                               getFormat())))
    return failure();
  SmallVector<int64_t> expected(cast<ShapedType>(getInput().getType()).getShape());
  expected.back() = out;
  return checkShape(*this, "C4", "result", getResult().getType(), expected);
}

LogicalResult RopeOp::verify() {
  if (rank(getInput()) != 3 || ShapedType::isDynamic(dim(getInput(), 2)) ||
      dim(getInput(), 2) % 2 != 0)
    return emitOpError() << "C1: input must be [tokens, heads, head_dim] with a static, even "
                            "head_dim; found "
                         << getInput().getType();
  return checkRope(*this, "C2", getRope(), dim(getInput(), 2));
}

LogicalResult LayerScalarOp::verify() {
  if (failed(checkFloatWeight(*this, "C1", "scalar", getScalar().getType())))
    return failure();
  return checkShape(*this, "C1", "scalar", getScalar().getType(), {1});
}

//===----------------------------------------------------------------------===//
// gemma.kv_project, gemma.attention
//===----------------------------------------------------------------------===//

LogicalResult KVProjectOp::verify() {
  if (rank(getInput()) != 2)
    return emitOpError() << "C1: input must be [tokens, hidden]; found " << getInput().getType();
  int64_t tokens = dim(getInput(), 0), hidden = dim(getInput(), 1);
  if (rank(getKeys()) != 3)
    return emitOpError() << "C5: keys and values must be [tokens, kv_heads, head_dim]; found "
                         << getKeys().getType();
  int64_t kvHeads = dim(getKeys(), 1), d = dim(getKeys(), 2);
  if (ShapedType::isDynamic(kvHeads) || ShapedType::isDynamic(d))
    return emitOpError() << "C5: kv_heads and head_dim of the keys must be static; found "
                         << getKeys().getType();
  if (failed(checkShape(*this, "C5", "keys", getKeys().getType(), {tokens, kvHeads, d})))
    return failure();
  if (failed(checkMatrixWeight(*this, "C2", "C2", "k_weight", getKWeight().getType(),
                               {kvHeads * d, hidden}, getFormat())))
    return failure();
  if (Value v = getVWeight(); v && v.getType() != getKWeight().getType())
    return emitOpError() << "C3: 'v_weight' type " << v.getType()
                         << " must equal the 'k_weight' type " << getKWeight().getType();
  if (failed(checkFloatWeight(*this, "C4", "k_norm", getKNorm().getType())) ||
      failed(checkShape(*this, "C4", "k_norm", getKNorm().getType(), {d})))
    return failure();
  if (d % 2 != 0)
    return emitOpError() << "C6: head_dim " << d << " must be even";
  if (failed(checkRope(*this, "C6", getRope(), d)))
    return failure();
  return checkPositive(*this, "C7", "epsilon", getEpsilon().convertToDouble());
}

LogicalResult QKVProjectOp::verify() {
  if (rank(getInput()) != 2)
    return emitOpError() << "C1: input must be [tokens, hidden]; found " << getInput().getType();
  int64_t tokens = dim(getInput(), 0), hidden = dim(getInput(), 1);
  if (rank(getQueries()) != 3 || rank(getKeys()) != 3)
    return emitOpError() << "C2: queries, keys and values must be [tokens, heads, head_dim]; "
                            "found "
                         << getQueries().getType() << " and " << getKeys().getType();
  int64_t heads = dim(getQueries(), 1), kvHeads = dim(getKeys(), 1), d = dim(getKeys(), 2);
  if (ShapedType::isDynamic(heads) || ShapedType::isDynamic(kvHeads) || ShapedType::isDynamic(d) ||
      heads % kvHeads != 0)
    return emitOpError() << "C2: heads and kv_heads must be static, heads a multiple of "
                            "kv_heads, and head_dim static; found "
                         << getQueries().getType() << " and " << getKeys().getType();
  if (failed(checkShape(*this, "C2", "queries", getQueries().getType(), {tokens, heads, d})) ||
      failed(checkShape(*this, "C2", "keys", getKeys().getType(), {tokens, kvHeads, d})))
    return failure();
  int64_t rows = (heads + (isKEqV() ? 1 : 2) * kvHeads) * d;
  if (failed(checkMatrixWeight(*this, "C3", "C3", "weight", getWeight().getType(), {rows, hidden},
                               getFormat())))
    return failure();
  for (auto [what, norm] : {std::pair<StringRef, Value>{"q_norm", getQNorm()},
                            std::pair<StringRef, Value>{"k_norm", getKNorm()}})
    if (failed(checkFloatWeight(*this, "C4", what, norm.getType())) ||
        failed(checkShape(*this, "C4", what, norm.getType(), {d})))
      return failure();
  if (d % 2 != 0)
    return emitOpError() << "C5: head_dim " << d << " must be even";
  if (failed(checkRope(*this, "C5", getRope(), d)))
    return failure();
  return checkPositive(*this, "C6", "epsilon", getEpsilon().convertToDouble());
}

namespace {
/// What the verifiers need of the op that computed a K/V block (a gemma.kv_project or a
/// gemma.qkv_project).
struct KVProducer {
  Operation *op = nullptr;
  Value keys, values, start;
  int64_t layer = 0;
  RopeAttr rope;
  bool kEqV = false;
};

template <typename ProjectOp> KVProducer kvProducer(ProjectOp project) {
  return KVProducer{project,
                    project.getKeys(),
                    project.getValues(),
                    project.getStart(),
                    int64_t(project.getLayer()),
                    project.getRope(),
                    project.isKEqV()};
}

std::optional<KVProducer> kvProducerOf(Value keys) {
  if (auto project = keys.getDefiningOp<KVProjectOp>())
    return kvProducer(project);
  if (auto project = keys.getDefiningOp<QKVProjectOp>())
    return kvProducer(project);
  return std::nullopt;
}

/// Checks that `keys`/`values` are a K/V block [T, kv_heads, head_dim] of `cache` computed
/// by the kv_project (or qkv_project) of the cache's layer (constraint `id`).
LogicalResult checkKVBlock(Operation *op, StringRef id, KVCacheType cache, Value keys, Value values,
                           int64_t tokens) {
  SmallVector<int64_t> shape{tokens, cache.getKvHeads(), cache.getHeadDim()};
  if (failed(checkShape(op, id, "keys", keys.getType(), shape)) ||
      failed(checkShape(op, id, "values", values.getType(), shape)))
    return failure();
  std::optional<KVProducer> producer = kvProducerOf(keys);
  if (!producer || keys != producer->keys || values != producer->values)
    return op->emitOpError() << id
                             << ": keys and values must be the results of one "
                                "gemma.kv_project or gemma.qkv_project";
  if (producer->layer != cache.getLayer())
    return op->emitOpError() << id << ": the K/V block comes from layer " << producer->layer
                             << " but the cache belongs to layer " << cache.getLayer();
  return success();
}
} // namespace

LogicalResult KVAppendOp::verify() {
  // C1 (result type == cache type) is the AllTypesMatch trait.
  return checkKVBlock(*this, "C2", getCache().getType(), getKeys(), getValues(), dim(getKeys(), 0));
}

Operation *AttentionOp::getKVProducer() {
  std::optional<KVProducer> producer = kvProducerOf(getKeys());
  return producer ? producer->op : nullptr;
}

LogicalResult AttentionOp::verify() {
  if (rank(getInput()) != 2 || getResult().getType() != getInput().getType())
    return emitOpError() << "C1: input and result must be the same [tokens, hidden] type; found "
                         << getInput().getType() << " and " << getResult().getType();
  KVCacheType cache = getCache().getType();
  if (cache.getKind() != getKind())
    return emitOpError() << "C2: a " << stringifyAttentionKind(getKind())
                         << " layer cannot read the " << stringifyAttentionKind(cache.getKind())
                         << " cache of layer " << cache.getLayer();
  int64_t heads = int64_t(getNumHeads());
  if (heads <= 0 || heads % cache.getKvHeads() != 0)
    return emitOpError() << "C3: num_heads " << heads
                         << " must be a positive multiple of the cache's kv_heads "
                         << cache.getKvHeads();
  int64_t hidden = dim(getInput(), 1);
  int64_t d = cache.getHeadDim();
  if (bool(getQWeight()) != bool(getQNorm()) || bool(getQWeight()) == bool(getQueries()))
    return emitOpError() << "C11: the queries come either from 'q' and 'q_norm' or from "
                            "'queries', not both or neither";
  if (getQWeight() &&
      (failed(checkMatrixWeight(*this, "C4", "C4", "q_weight", getQWeight().getType(),
                                {heads * d, hidden}, getFormat())) ||
       failed(checkFloatWeight(*this, "C4", "q_norm", getQNorm().getType())) ||
       failed(checkShape(*this, "C4", "q_norm", getQNorm().getType(), {d}))))
    return failure();
  if (failed(checkMatrixWeight(*this, "C4", "C4", "o_weight", getOWeight().getType(),
                               {hidden, heads * d}, getFormat())))
    return failure();
  if (getKind() == AttentionKind::sliding) {
    if (int64_t(getWindow()) <= 0 || cache.getCapacity() != int64_t(getWindow()))
      return emitOpError() << "C5: a sliding layer needs a positive window equal to its cache "
                              "capacity (a ring of exactly window entries); found window "
                           << getWindow() << ", capacity " << cache.getCapacity();
  } else if (int64_t(getWindow()) != 0) {
    return emitOpError() << "C5: a global layer has window 0; found " << getWindow();
  }
  if (cache.getLayer() > int64_t(getLayer()))
    return emitOpError() << "C6: layer " << getLayer() << " reads the KV cache of layer "
                         << cache.getLayer() << "; a KV donor must be an earlier layer";
  if (failed(checkKVBlock(*this, "C7", cache, getKeys(), getValues(), dim(getInput(), 0))))
    return failure();
  if (getCache().getDefiningOp<KVAppendOp>())
    return emitOpError() << "C10: the cache must be the value before this block is appended, not "
                            "the result of a gemma.kv_append";
  if (failed(checkRope(*this, "C8", getRope(), d)))
    return failure();
  if (failed(checkPositive(*this, "C8", "epsilon", getEpsilon().convertToDouble())))
    return failure();
  KVProducer producer = *kvProducerOf(getKeys());
  if (producer.start != getStart() || producer.rope != getRope())
    return emitOpError() << "C7: the K/V block must be computed at the same start position and "
                            "with the same RoPE as the queries";
  if (Value queries = getQueries()) {
    auto merged = queries.getDefiningOp<QKVProjectOp>();
    if (!merged || merged != producer.op || queries != merged.getQueries())
      return emitOpError() << "C11: 'queries' must come from the gemma.qkv_project that "
                              "computed the keys and values";
    if (failed(
            checkShape(*this, "C11", "queries", queries.getType(), {dim(getInput(), 0), heads, d})))
      return failure();
  }
  if (producer.kEqV && getKind() != AttentionKind::global)
    return emitOpError() << "C9: k_eq_v (a kv_project without 'v_weight') is only allowed on "
                            "global layers; layer "
                         << cache.getLayer() << " is sliding";
  return success();
}

//===----------------------------------------------------------------------===//
// gemma.mlp, gemma.moe
//===----------------------------------------------------------------------===//

LogicalResult MLPOp::verify() {
  if (rank(getInput()) != 2 || getResult().getType() != getInput().getType())
    return emitOpError() << "C1: input and result must be the same [tokens, hidden] type";
  for (Value w : {getGateWeight(), getUpWeight(), getDownWeight()})
    if (rank(w) != 2)
      return emitOpError() << "C2: MLP weights must be matrices; found " << w.getType();
  int64_t hidden = dim(getInput(), 1);
  int64_t inter = dim(getGateWeight(), 0);
  if (failed(checkMatrixWeight(*this, "C2", "C2", "gate_weight", getGateWeight().getType(),
                               {inter, hidden}, getFormat())) ||
      failed(checkMatrixWeight(*this, "C2", "C2", "up_weight", getUpWeight().getType(),
                               {inter, hidden}, getFormat())) ||
      failed(checkMatrixWeight(*this, "C2", "C2", "down_weight", getDownWeight().getType(),
                               {hidden, inter}, getFormat())))
    return failure();
  return success();
}

LogicalResult MoEOp::verify() {
  if (rank(getInput()) != 2 || getResult().getType() != getInput().getType() ||
      getRouterInput().getType() != getInput().getType())
    return emitOpError() << "C1: input, router_input and result must be the same "
                            "[tokens, hidden] type";
  int64_t hidden = dim(getInput(), 1);
  if (rank(getRouterWeight()) != 2)
    return emitOpError() << "C2: 'router_weight' must be [experts, hidden]";
  int64_t experts = dim(getRouterWeight(), 0);
  if (failed(checkShape(*this, "C2", "router_weight", getRouterWeight().getType(),
                        {experts, hidden})) ||
      failed(checkFloatWeight(*this, "C2", "router_weight", getRouterWeight().getType())) ||
      failed(checkFloatWeight(*this, "C2", "router_scale", getRouterScale().getType())) ||
      failed(checkShape(*this, "C2", "router_scale", getRouterScale().getType(), {hidden})) ||
      failed(checkFloatWeight(*this, "C2", "per_expert_scale", getPerExpertScale().getType())) ||
      failed(checkShape(*this, "C2", "per_expert_scale", getPerExpertScale().getType(), {experts})))
    return failure();
  if (rank(getGateUpWeight()) != 3 || rank(getDownWeight()) != 3)
    return emitOpError() << "C3: expert weights must be rank 3 [experts, out, in]";
  int64_t inter = dim(getDownWeight(), 2);
  if (isPackedFormat(getFormat()))
    inter = ShapedType::kDynamic; // the packed last dim hides the logical width
  if (failed(checkMatrixWeight(*this, "C3", "C3", "gate_up_weight", getGateUpWeight().getType(),
                               {experts, ShapedType::isDynamic(inter) ? inter : 2 * inter, hidden},
                               getFormat())) ||
      failed(checkMatrixWeight(*this, "C3", "C3", "down_weight", getDownWeight().getType(),
                               {experts, hidden, inter}, getFormat())))
    return failure();
  if (int64_t(getTopK()) <= 0 || int64_t(getTopK()) > experts)
    return emitOpError() << "C4: top_k must be in [1, experts = " << experts << "]; found "
                         << getTopK();
  return checkPositive(*this, "C5", "epsilon", getEpsilon().convertToDouble());
}

//===----------------------------------------------------------------------===//
// gemma.ple_inputs, gemma.ple_branch
//===----------------------------------------------------------------------===//

LogicalResult PLEInputsOp::verify() {
  if (rank(getResult()) != 3 || rank(getEmbedded()) != 2)
    return emitOpError() << "C1: result must be [tokens, layers, ple_dim] and embedded "
                            "[tokens, hidden]";
  int64_t tokens = dim(getTokens(), 0);
  int64_t layers = dim(getResult(), 1), ple = dim(getResult(), 2);
  int64_t hidden = dim(getEmbedded(), 1);
  if (failed(checkShape(*this, "C1", "result", getResult().getType(), {tokens, layers, ple})) ||
      failed(checkShape(*this, "C1", "embedded", getEmbedded().getType(), {tokens, hidden})))
    return failure();
  int64_t vocab = rank(getTable()) == 2 ? dim(getTable(), 0) : ShapedType::kDynamic;
  if (failed(checkFloatWeight(*this, "C2", "table", getTable().getType())) ||
      failed(checkShape(*this, "C2", "table", getTable().getType(), {vocab, layers * ple})) ||
      failed(checkMatrixWeight(*this, "C2", "C2", "projection", getProjection().getType(),
                               {layers * ple, hidden}, getFormat())) ||
      failed(checkFloatWeight(*this, "C2", "norm", getNorm().getType())) ||
      failed(checkShape(*this, "C2", "norm", getNorm().getType(), {ple})))
    return failure();
  if (failed(checkPositive(*this, "C3", "table_scale", getTableScale().convertToDouble())) ||
      failed(
          checkPositive(*this, "C3", "projection_scale", getProjectionScale().convertToDouble())) ||
      failed(checkPositive(*this, "C3", "combine_scale", getCombineScale().convertToDouble())))
    return failure();
  return checkPositive(*this, "C3", "epsilon", getEpsilon().convertToDouble());
}

LogicalResult PLEBranchOp::verify() {
  if (rank(getInput()) != 2 || getResult().getType() != getInput().getType() ||
      rank(getPerLayerInputs()) != 3)
    return emitOpError() << "C1: input and result must be the same [tokens, hidden] type and "
                            "per_layer_inputs [tokens, layers, ple_dim]";
  int64_t tokens = dim(getInput(), 0), hidden = dim(getInput(), 1);
  int64_t layers = dim(getPerLayerInputs(), 1), ple = dim(getPerLayerInputs(), 2);
  if (failed(checkShape(*this, "C1", "per_layer_inputs", getPerLayerInputs().getType(),
                        {tokens, layers, ple})) ||
      failed(checkMatrixWeight(*this, "C2", "C2", "gate_weight", getGateWeight().getType(),
                               {ple, hidden}, getFormat())) ||
      failed(checkMatrixWeight(*this, "C2", "C2", "projection_weight",
                               getProjectionWeight().getType(), {hidden, ple}, getFormat())))
    return failure();
  if (int64_t(getLayer()) < 0 || (!ShapedType::isDynamic(layers) && int64_t(getLayer()) >= layers))
    return emitOpError() << "C3: layer " << getLayer() << " is outside the " << layers
                         << " per-layer inputs";
  return success();
}

#define GET_OP_CLASSES
#include "dialects/Gemma/IR/GemmaOps.cpp.inc"
