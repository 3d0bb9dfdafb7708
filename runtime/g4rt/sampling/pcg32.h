/* pcg32.h - PCG32 (XSH-RR 64/32), O'Neill's minimal generator: explicit state,
 * no globals, identical sequences on every platform for a (seed, stream) pair.
 */
#ifndef G4RT_SAMPLING_PCG32_H_
#define G4RT_SAMPLING_PCG32_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct g4rt_pcg32_t {
  uint64_t state;
  uint64_t increment; /* always odd; selects the stream */
} g4rt_pcg32_t;

/* Seeds like the reference pcg32_srandom_r(rng, seed, stream). */
void g4rt_pcg32_seed(g4rt_pcg32_t *rng, uint64_t seed, uint64_t stream);

/* The next 32 random bits. */
uint32_t g4rt_pcg32_next(g4rt_pcg32_t *rng);

/* A float uniform in [0, 1) with 24 random bits. */
float g4rt_pcg32_next_float(g4rt_pcg32_t *rng);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_SAMPLING_PCG32_H_ */
