/* FakeModel.c - The fake compiled model (see FakeModel.h). */
#include "tests/unit/runtime/FakeModel.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* Layer 0 owns K+V for every position (the fake keeps token ids in the K half);
 * layer 1 is a sliding ring of 8 the fake never touches (it is there for the memory
 * plan report). */
static const g4_kv_buffer_t kFakeKvPlan[2] = {
    {0, 0, G4RT_FAKE_MAX_CONTEXT, 1, 1, 0, 2 * G4RT_FAKE_MAX_CONTEXT * 4},
    {1, 1, 8, 1, 1, 2 * G4RT_FAKE_MAX_CONTEXT * 4, 2 * 8 * 4},
};

const g4_model_info_t g4_model_info = {
    .abi_version = G4_ABI_VERSION,
    .num_layers = 2,
    .fingerprint = G4RT_FAKE_FINGERPRINT,
    .vocab_size = G4RT_FAKE_VOCAB,
    .hidden_size = 4,
    .max_context = G4RT_FAKE_MAX_CONTEXT,
    .sliding_window = 8,
    .weights_bytes = G4RT_FAKE_WEIGHTS_BYTES,
    .kv_bytes = G4RT_FAKE_KV_BYTES,
    .num_kv_buffers = 2,
    .kv_plan = kFakeKvPlan,
    .bos_token_id = 2,
    .eos_token_id = G4RT_FAKE_EOS,
    .pad_token_id = 0,
    .reserved = 0,
    .model_name = G4RT_FAKE_NAME,
};

/* Whether the runtime built the descriptors the ABI promises. */
static bool descriptors_ok(const g4_memref_1d_t *tokens, int64_t start,
                           const g4_memref_1d_t *weights,
                           const g4_memref_1d_t *kv,
                           const g4_memref_2d_t *logits, bool decode) {
  int64_t n = tokens->sizes[0];
  return tokens->aligned && tokens->strides[0] == 1 && n >= 1 &&
         (!decode || n == 1) && start >= 0 &&
         start + n <= G4RT_FAKE_MAX_CONTEXT && weights->aligned &&
         (uintptr_t)weights->aligned % G4_TENSOR_ALIGNMENT == 0 &&
         weights->sizes[0] == G4RT_FAKE_WEIGHTS_BYTES && kv->aligned &&
         (uintptr_t)kv->aligned % G4_TENSOR_ALIGNMENT == 0 &&
         kv->sizes[0] == G4RT_FAKE_KV_BYTES && logits->sizes[0] == n &&
         logits->sizes[1] == G4RT_FAKE_VOCAB &&
         logits->strides[0] == G4RT_FAKE_VOCAB && logits->strides[1] == 1;
}

static void fake_run(const char *which, g4_memref_1d_t *tokens, int64_t start,
                     g4_memref_1d_t *weights, g4_memref_1d_t *kv,
                     g4_memref_2d_t *logits, bool decode) {
  if (getenv("G4RT_FAKE_TRACE")) {
    fprintf(stderr, "fake %s start=%lld n=%lld\n", which, (long long)start,
            (long long)tokens->sizes[0]);
  }
  bool ok = descriptors_ok(tokens, start, weights, kv, logits, decode);
  const int32_t *ids = (const int32_t *)tokens->aligned + tokens->offset;
  const uint8_t *w = (const uint8_t *)weights->aligned + weights->offset;
  int32_t *cache = (int32_t *)kv->aligned + kv->offset;
  float *out = (float *)logits->aligned + logits->offset;
  /* On a bad descriptor, poison what can be written safely. */
  int64_t n = ok ? tokens->sizes[0]
                 : (logits->aligned && logits->sizes[1] == G4RT_FAKE_VOCAB &&
                            logits->sizes[0] <= G4RT_FAKE_MAX_CONTEXT
                        ? logits->sizes[0]
                        : 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t target = 0;
    if (ok) {
      int64_t pos = start + i;
      cache[pos] = ids[i];
      int64_t sum = 0;
      for (int64_t j = 0; j < pos; ++j) sum += cache[j];
      target = (ids[i] * 7 + pos + w[0] + sum) % G4RT_FAKE_VOCAB;
    }
    for (int64_t v = 0; v < G4RT_FAKE_VOCAB; ++v) {
      float d = (float)(v - target);
      out[i * G4RT_FAKE_VOCAB + v] = ok ? -d * d : NAN;
    }
  }
}

void _mlir_ciface_g4_prefill(g4_memref_1d_t *tokens, int64_t start,
                             g4_memref_1d_t *weights, g4_memref_1d_t *kv,
                             g4_memref_2d_t *logits) {
  fake_run("prefill", tokens, start, weights, kv, logits, false);
}

void _mlir_ciface_g4_decode(g4_memref_1d_t *tokens, int64_t start,
                            g4_memref_1d_t *weights, g4_memref_1d_t *kv,
                            g4_memref_2d_t *logits) {
  fake_run("decode", tokens, start, weights, kv, logits, true);
}
