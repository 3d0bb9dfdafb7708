/* candidates.c - Top-k by a bounded min-heap, then heapsort (see candidates.h).
 */
#include "runtime/g4rt/sampling/candidates.h"

#include <math.h>

/* The total order: a is worse than b. */
static int worse(g4rt_candidate_t a, g4rt_candidate_t b) {
  return a.logit < b.logit || (a.logit == b.logit && a.token > b.token);
}

/* Restores the heap property (every node worse than its children) below |i|. */
static void sift_down(g4rt_candidate_t *heap, int64_t size, int64_t i) {
  for (;;) {
    int64_t child = 2 * i + 1;
    if (child >= size) return;
    if (child + 1 < size && worse(heap[child + 1], heap[child])) ++child;
    if (!worse(heap[child], heap[i])) return;
    g4rt_candidate_t tmp = heap[i];
    heap[i] = heap[child];
    heap[child] = tmp;
    i = child;
  }
}

static g4rt_candidate_t make_candidate(const float *logits, int64_t i,
                                       float temperature) {
  g4rt_candidate_t c;
  float logit = logits[i];
  c.logit = isnan(logit) ? -INFINITY : logit / temperature;
  c.token = (int32_t)i;
  return c;
}

int64_t g4rt_candidates_top_k(const float *logits, int64_t n, float temperature,
                              int64_t k, g4rt_candidate_t *out) {
  if (k <= 0 || k > n) k = n;
  for (int64_t i = 0; i < k; ++i)
    out[i] = make_candidate(logits, i, temperature);
  for (int64_t i = k / 2 - 1; i >= 0; --i) sift_down(out, k, i);
  /* The root is the worst kept candidate: replace it whenever a better one
   * shows up. */
  for (int64_t i = k; i < n; ++i) {
    g4rt_candidate_t c = make_candidate(logits, i, temperature);
    if (worse(out[0], c)) {
      out[0] = c;
      sift_down(out, k, 0);
    }
  }
  /* Heapsort: moving the worst to the back leaves the array best first. */
  for (int64_t end = k - 1; end > 0; --end) {
    g4rt_candidate_t tmp = out[0];
    out[0] = out[end];
    out[end] = tmp;
    sift_down(out, end, 0);
  }
  return k;
}

int32_t g4rt_argmax(const float *logits, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i) {
    /* Strictly greater keeps the lowest index on ties; a NaN best is replaced.
     */
    if (logits[i] > logits[best] ||
        (isnan(logits[best]) && !isnan(logits[i]))) {
      best = i;
    }
  }
  return (int32_t)best;
}
