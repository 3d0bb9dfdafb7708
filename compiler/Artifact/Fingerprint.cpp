//===- Fingerprint.cpp - Identity of a compiled model's weight layout -----===//

#include "compiler/Artifact/Artifact.h"

namespace g4 {

namespace {
struct Fnv1a {
  uint64_t hash = 0xcbf29ce484222325ull;
  void bytes(const void *data, size_t size) {
    const auto *p = static_cast<const uint8_t *>(data);
    for (size_t i = 0; i < size; ++i)
      hash = (hash ^ p[i]) * 0x100000001b3ull;
  }
  void integer(int64_t v) { bytes(&v, sizeof(v)); }
  void string(llvm::StringRef s) {
    integer(int64_t(s.size()));
    bytes(s.data(), s.size());
  }
};
} // namespace

uint64_t computeFingerprint(const ModelFacts &facts, const MemoryPlan &plan) {
  Fnv1a h;
  h.string(facts.name);
  for (int64_t v : {int64_t(facts.numLayers), facts.vocabSize, facts.hiddenSize, facts.maxContext,
                    facts.slidingWindow, plan.weightsBytes, plan.kvBytes})
    h.integer(v);
  for (const WeightPlan &w : plan.weights) {
    h.string(w.name);
    h.string(w.elementType);
    h.string(w.packedFormat);
    // A banded interleaved matrix orders its groups' blocks by panels: a blob packed in
    // the plain order must not load.
    if (gemma::PanelLayout layout = packedPanelLayout(w); layout.banded()) {
      h.integer(layout.bandGroups);
      h.integer(layout.panelBlocks);
    }
    h.integer(w.offset);
    for (int64_t d : w.shape)
      h.integer(d);
    for (const auto &[part, rows] : w.parts) {
      h.string(part);
      h.integer(rows);
    }
  }
  for (const KVBufferPlan &kv : plan.kv)
    for (int64_t v :
         {kv.layer, int64_t(kv.sliding), kv.capacity, kv.kvHeads, kv.headDim, kv.offset, kv.bytes})
      h.integer(v);
  return h.hash;
}

} // namespace g4
