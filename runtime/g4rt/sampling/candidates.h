/* candidates.h - Selecting and ordering the most likely tokens (top-k) without
 * allocation: the caller provides the output array. */
#ifndef G4RT_SAMPLING_CANDIDATES_H_
#define G4RT_SAMPLING_CANDIDATES_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct g4rt_candidate_t {
  float logit;
  int32_t token;
} g4rt_candidate_t;

/* Writes the best min(k, n) tokens of |logits| / |temperature| into |out|
 * (capacity min(k, n), or n when k <= 0, which means "all"), best first.
 * "Better" is a higher logit, then a lower token id, so exact ties keep the
 * lowest ids. NaN counts as -infinity. Returns the count written. O(n log k).
 */
int64_t g4rt_candidates_top_k(const float *logits, int64_t n, float temperature,
                              int64_t k, g4rt_candidate_t *out);

/* The index of the largest logit, the lowest index among ties; NaN never wins
 * (0 if every logit is NaN). |n| >= 1. */
int32_t g4rt_argmax(const float *logits, int64_t n);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_SAMPLING_CANDIDATES_H_ */
