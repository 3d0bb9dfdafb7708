/* FakeModel.c - The fake compiled model (see FakeModel.h). */
#include "tests/unit/runtime/FakeModel.h"

#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(G4RT_FAKE_VOCAB % G4RT_FAKE_SLICES == 0, "slices must tile the vocab");

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
    .scratch_bytes = G4RT_FAKE_SCRATCH_BYTES,
    .max_prefill_tokens = G4RT_FAKE_MAX_PREFILL,
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
                           const g4_memref_1d_t *scratch,
                           const g4_memref_2d_t *logits, bool decode) {
  int64_t n = tokens->sizes[0];
  return tokens->aligned && tokens->strides[0] == 1 && n >= 1 &&
         (!decode || n == 1) && n <= G4RT_FAKE_MAX_PREFILL && start >= 0 &&
         scratch->aligned &&
         (uintptr_t)scratch->aligned % G4_TENSOR_ALIGNMENT == 0 &&
         scratch->sizes[0] == G4RT_FAKE_SCRATCH_BYTES &&
         start + n <= G4RT_FAKE_MAX_CONTEXT && weights->aligned &&
         (uintptr_t)weights->aligned % G4_TENSOR_ALIGNMENT == 0 &&
         weights->sizes[0] == G4RT_FAKE_WEIGHTS_BYTES && kv->aligned &&
         (uintptr_t)kv->aligned % G4_TENSOR_ALIGNMENT == 0 &&
         kv->sizes[0] == G4RT_FAKE_KV_BYTES && logits->sizes[0] >= 1 &&
         logits->sizes[0] <= n && (!decode || logits->sizes[0] == 1) &&
         logits->sizes[1] == G4RT_FAKE_VOCAB &&
         logits->strides[0] == G4RT_FAKE_VOCAB && logits->strides[1] == 1;
}

/* One call's work, shared by its tasks. */
typedef struct fake_job_t {
  const int32_t *ids;
  int64_t start;
  const uint8_t *w;
  int32_t *cache;
  float *out;       /* the logits of tokens first_row .. n-1 */
  int64_t first_row;
  /* Runs per task: [0, n) store tasks, then n * G4RT_FAKE_SLICES logit tasks. */
  atomic_int runs[G4RT_FAKE_MAX_CONTEXT * (1 + G4RT_FAKE_SLICES)];
} fake_job_t;

/* Task i: the token of position start + i goes into the KV arena. */
static void store_task(void *ctx, int64_t i) {
  fake_job_t *job = (fake_job_t *)ctx;
  job->cache[job->start + i] = job->ids[i];
  atomic_fetch_add(&job->runs[i], 1);
}

/* Task t: slice t % SLICES of row t / SLICES. Reads the tokens of every earlier
 * position, all stored by the previous parallel_for. */
static void logits_task(void *ctx, int64_t t) {
  fake_job_t *job = (fake_job_t *)ctx;
  int64_t i = t / G4RT_FAKE_SLICES, slice = t % G4RT_FAKE_SLICES;
  int64_t pos = job->start + i;
  int64_t sum = 0;
  for (int64_t j = 0; j < pos; ++j) sum += job->cache[j];
  int64_t target = (job->ids[i] * 7 + pos + job->w[0] + sum) % G4RT_FAKE_VOCAB;
  const int64_t width = G4RT_FAKE_VOCAB / G4RT_FAKE_SLICES;
  for (int64_t v = slice * width; v < (slice + 1) * width && i >= job->first_row;
       ++v) {
    float d = (float)(v - target);
    job->out[(i - job->first_row) * G4RT_FAKE_VOCAB + v] = -d * d;
  }
  atomic_fetch_add(&job->runs[G4RT_FAKE_MAX_CONTEXT + t], 1);
}

/* What compiled code does: hand the tasks to parallel_for, or run them inline. */
static void for_each_task(const g4_parallel_t *parallel, int64_t count,
                          g4_task_fn_t task, void *ctx) {
  if (parallel != NULL && parallel->parallel_for != NULL) {
    parallel->parallel_for(parallel->pool, count, task, ctx);
  } else {
    for (int64_t i = 0; i < count; ++i) task(ctx, i);
  }
}

static void fake_run(const char *which, g4_memref_1d_t *tokens, int64_t start,
                     g4_memref_1d_t *weights, g4_memref_1d_t *kv,
                     g4_memref_1d_t *scratch, g4_memref_2d_t *logits,
                     const g4_parallel_t *parallel, bool decode) {
  if (getenv("G4RT_FAKE_TRACE")) {
    fprintf(stderr, "fake %s start=%lld n=%lld\n", which, (long long)start,
            (long long)tokens->sizes[0]);
  }
  if (getenv("G4RT_FAKE_TRACE_PARALLEL")) {
    fprintf(stderr, "fake parallel=%s\n",
            parallel != NULL && parallel->parallel_for != NULL ? "pool" : "none");
  }
  bool ok = descriptors_ok(tokens, start, weights, kv, scratch, logits, decode);
  float *out = (float *)logits->aligned + logits->offset;
  if (!ok) {
    /* On a bad descriptor, poison what can be written safely. */
    int64_t n = logits->aligned && logits->sizes[1] == G4RT_FAKE_VOCAB &&
                        logits->sizes[0] <= G4RT_FAKE_MAX_CONTEXT
                    ? logits->sizes[0]
                    : 0;
    for (int64_t i = 0; i < n * G4RT_FAKE_VOCAB; ++i) out[i] = NAN;
    return;
  }
  int64_t n = tokens->sizes[0];
  /* Scratch holds only temporaries: clobber it, as compiled code may. */
  memset(scratch->aligned, 0xA5, G4RT_FAKE_SCRATCH_BYTES);
  fake_job_t job;
  job.ids = (const int32_t *)tokens->aligned + tokens->offset;
  job.start = start;
  job.w = (const uint8_t *)weights->aligned + weights->offset;
  job.cache = (int32_t *)kv->aligned + kv->offset;
  job.out = out;
  job.first_row = n - logits->sizes[0];
  for (size_t i = 0; i < sizeof(job.runs) / sizeof(job.runs[0]); ++i)
    atomic_init(&job.runs[i], 0);
  for_each_task(parallel, n, store_task, &job);
  for_each_task(parallel, n * G4RT_FAKE_SLICES, logits_task, &job);
  for (int64_t t = 0; t < n * (1 + G4RT_FAKE_SLICES); ++t) {
    int64_t slot = t < n ? t : G4RT_FAKE_MAX_CONTEXT + (t - n);
    if (atomic_load(&job.runs[slot]) != 1) {
      for (int64_t i = 0; i < logits->sizes[0] * G4RT_FAKE_VOCAB; ++i) out[i] = NAN;
      return;
    }
  }
}

void _mlir_ciface_g4_prefill(g4_memref_1d_t *tokens, int64_t start,
                             g4_memref_1d_t *weights, g4_memref_1d_t *kv,
                             g4_memref_1d_t *scratch, g4_memref_2d_t *logits,
                             const g4_parallel_t *parallel) {
  fake_run("prefill", tokens, start, weights, kv, scratch, logits, parallel,
           false);
}

void _mlir_ciface_g4_decode(g4_memref_1d_t *tokens, int64_t start,
                            g4_memref_1d_t *weights, g4_memref_1d_t *kv,
                            g4_memref_1d_t *scratch, g4_memref_2d_t *logits,
                            const g4_parallel_t *parallel) {
  fake_run("decode", tokens, start, weights, kv, scratch, logits, parallel,
           true);
}
