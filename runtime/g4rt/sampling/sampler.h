/* sampler.h - Token sampling from logits with explicit state and caller
 * scratch.
 *
 * Order (as Hugging Face's logits warpers): temperature, then top-k, then top-p
 * over the softmax of what top-k kept, then one multinomial draw from the
 * survivors. Defaults are Gemma 4's generation config: temperature 1.0, top-k
 * 64, top-p 0.95. One deviation from HF: top-k keeps exactly k tokens (ties at
 * the k-th logit go to the lowest ids) where HF keeps every tie, so top_k == 1
 * always equals greedy.
 *
 * Deterministic: the same seed, options and logits give the same tokens on
 * every run; each non-greedy sample consumes exactly one 32-bit draw. No
 * allocation: the caller passes g4rt_sampler_scratch_bytes(vocab) bytes of
 * scratch (any alignment). Thread safety: a sampler is plain data; use one per
 * thread.
 */
#ifndef G4RT_SAMPLING_SAMPLER_H_
#define G4RT_SAMPLING_SAMPLER_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/g4rt/base/status.h"
#include "runtime/g4rt/sampling/pcg32.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct g4rt_sampler_options_t {
  bool greedy; /* argmax (lowest id on ties); the other fields are ignored */
  double temperature; /* >= 0; 0 means greedy */
  int32_t top_k;      /* >= 0; 0 disables the cut */
  double top_p;       /* in (0, 1]; 1 disables the cut */
  uint64_t seed;
} g4rt_sampler_options_t;

typedef struct g4rt_sampler_t {
  g4rt_sampler_options_t options;
  g4rt_pcg32_t rng;
} g4rt_sampler_t;

/* Fills |out_options| with the defaults (sampling, 1.0 / 64 / 0.95, seed 0). */
void g4rt_sampler_options_initialize(g4rt_sampler_options_t *out_options);

/* Checks |options| and seeds |out_sampler| from options->seed. */
G4RT_MUST_USE g4rt_status_t g4rt_sampler_initialize(
    const g4rt_sampler_options_t *options, g4rt_sampler_t *out_sampler);

/* Scratch bytes g4rt_sampler_sample needs for |vocab_size| logits. */
size_t g4rt_sampler_scratch_bytes(int64_t vocab_size);

/* Picks a token from |logits| (|vocab_size| floats). |scratch| may be NULL for
 * greedy samplers. Fails if the scratch is too small or no logit is finite. */
G4RT_MUST_USE g4rt_status_t g4rt_sampler_sample(
    g4rt_sampler_t *sampler, const float *logits, int64_t vocab_size,
    void *scratch, size_t scratch_bytes, int32_t *out_token);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_SAMPLING_SAMPLER_H_ */
