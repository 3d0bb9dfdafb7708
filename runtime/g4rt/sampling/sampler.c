/* sampler.c - Temperature, top-k, top-p and the multinomial draw (see
 * sampler.h). */
#include "runtime/g4rt/sampling/sampler.h"

#include <math.h>

#include "runtime/g4rt/base/fmath.h"
#include "runtime/g4rt/sampling/candidates.h"

/* Independent of the seed, so seeds 0, 1, 2 ... give unrelated streams. */
#define G4RT_SAMPLER_STREAM 0x6734u

void g4rt_sampler_options_initialize(g4rt_sampler_options_t *out_options) {
  out_options->greedy = false;
  out_options->temperature = 1.0;
  out_options->top_k = 64;
  out_options->top_p = 0.95;
  out_options->seed = 0;
}

g4rt_status_t g4rt_sampler_initialize(const g4rt_sampler_options_t *options,
                                      g4rt_sampler_t *out_sampler) {
  if (!(options->temperature >= 0.0) || isinf(options->temperature)) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "sampler: temperature %f must be finite and >= 0 "
                            "(0 means greedy)",
                            options->temperature);
  }
  if (options->top_k < 0) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "sampler: top_k %d must be >= 0 (0 disables it)",
                            (int)options->top_k);
  }
  if (!(options->top_p > 0.0 && options->top_p <= 1.0)) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_INVALID_ARGUMENT,
        "sampler: top_p %f must be in (0, 1] (1 disables it)", options->top_p);
  }
  out_sampler->options = *options;
  g4rt_pcg32_seed(&out_sampler->rng, options->seed, G4RT_SAMPLER_STREAM);
  return g4rt_ok_status();
}

size_t g4rt_sampler_scratch_bytes(int64_t vocab_size) {
  if (vocab_size < 0) vocab_size = 0;
  /* Slack for aligning an arbitrary scratch pointer. */
  return (size_t)vocab_size * sizeof(g4rt_candidate_t) +
         _Alignof(g4rt_candidate_t);
}

/* Turns the candidates' logits (best first, the first finite) into
 * probabilities. */
static void softmax_in_place(g4rt_candidate_t *candidates, int64_t count) {
  float max_logit = candidates[0].logit;
  double sum = 0.0;
  for (int64_t i = 0; i < count; ++i)
    sum += g4rt_expf(candidates[i].logit - max_logit);
  for (int64_t i = 0; i < count; ++i) {
    candidates[i].logit = (float)(g4rt_expf(candidates[i].logit - max_logit) / sum);
  }
}

/* How many leading candidates (probabilities, best first) the top-p cut keeps.
 * Mirrors HF: cumulative sums from the least likely up, dropping tokens whose
 * sum is
 * <= 1 - top_p, always keeping the most likely one. */
static int64_t top_p_keep(const g4rt_candidate_t *candidates, int64_t count,
                          double top_p) {
  if (top_p >= 1.0) return count;
  float threshold = (float)(1.0 - top_p);
  float cumulative = 0.0f;
  int64_t keep = count;
  for (int64_t i = count - 1; i >= 1; --i) {
    cumulative += candidates[i].logit;
    if (cumulative > threshold) break;
    keep = i;
  }
  return keep;
}

/* One multinomial draw over the first |keep| candidates (renormalized). */
static int32_t draw(const g4rt_candidate_t *candidates, int64_t keep,
                    g4rt_pcg32_t *rng) {
  double total = 0.0;
  for (int64_t i = 0; i < keep; ++i) total += candidates[i].logit;
  double target = (double)g4rt_pcg32_next_float(rng) * total;
  double running = 0.0;
  for (int64_t i = 0; i < keep; ++i) {
    running += candidates[i].logit;
    if (target < running) return candidates[i].token;
  }
  return candidates[keep - 1].token; /* rounding left target == total */
}

g4rt_status_t g4rt_sampler_sample(g4rt_sampler_t *sampler, const float *logits,
                                  int64_t vocab_size, void *scratch,
                                  size_t scratch_bytes, int32_t *out_token) {
  *out_token = -1;
  if (logits == NULL || vocab_size < 1 || vocab_size > INT32_MAX) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "sampler: need logits for a vocabulary of 1 to %d "
                            "tokens, got %lld",
                            INT32_MAX, (long long)vocab_size);
  }
  const g4rt_sampler_options_t *options = &sampler->options;
  if (options->greedy || options->temperature == 0.0) {
    *out_token = g4rt_argmax(logits, vocab_size);
    return g4rt_ok_status();
  }
  size_t needed = g4rt_sampler_scratch_bytes(vocab_size);
  if (scratch == NULL || scratch_bytes < needed) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "sampler: scratch has %zu bytes, needs %zu for a "
                            "vocabulary of %lld",
                            scratch == NULL ? (size_t)0 : scratch_bytes, needed,
                            (long long)vocab_size);
  }
  uintptr_t align = _Alignof(g4rt_candidate_t);
  g4rt_candidate_t *candidates =
      (g4rt_candidate_t *)(((uintptr_t)scratch + align - 1) & ~(align - 1));

  int64_t count =
      g4rt_candidates_top_k(logits, vocab_size, (float)options->temperature,
                            options->top_k, candidates);
  if (!isfinite(candidates[0].logit)) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "sampler: no finite logit to sample from (the "
                            "largest is %f)",
                            (double)candidates[0].logit);
  }
  softmax_in_place(candidates, count);
  int64_t keep = top_p_keep(candidates, count, options->top_p);
  *out_token = draw(candidates, keep, &sampler->rng);
  return g4rt_ok_status();
}
