/* pcg32.c - PCG32 generator (see pcg32.h; constants from the reference
 * pcg-c-basic). */
#include "runtime/g4rt/sampling/pcg32.h"

void g4rt_pcg32_seed(g4rt_pcg32_t *rng, uint64_t seed, uint64_t stream) {
  rng->state = 0u;
  rng->increment = (stream << 1u) | 1u;
  (void)g4rt_pcg32_next(rng);
  rng->state += seed;
  (void)g4rt_pcg32_next(rng);
}

uint32_t g4rt_pcg32_next(g4rt_pcg32_t *rng) {
  uint64_t old = rng->state;
  rng->state = old * 6364136223846793005ull + rng->increment;
  uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
  uint32_t rotation = (uint32_t)(old >> 59u);
  return (xorshifted >> rotation) | (xorshifted << ((0u - rotation) & 31u));
}

float g4rt_pcg32_next_float(g4rt_pcg32_t *rng) {
  return (float)(g4rt_pcg32_next(rng) >> 8) * (1.0f / 16777216.0f);
}
