/* bench_probes.h - Strong probes of the machine's limits (g4rt_bench).
 *
 * The benchmark main (bench_main.c) compares a compiled model against what the
 * machine can do, measured in the same run (the machines are shared and noisy:
 * see docs/runtime.md §6). Two limits, each for a given thread count:
 *
 *   - read bandwidth: T threads each sum their own contiguous slice of one
 *     large, already-touched buffer (AVX2: 16 32-byte loads per round into 8
 *     independent accumulators; where the CPU has AVX-512F, again with 8
 *     64-byte loads per round, and the better of the two counts); the time is
 *     from the first thread's start to the last thread's end; best of several
 *     runs; GB/s = 1e9 bytes/s;
 *   - FMA peak: T threads each run 12 independent ymm FMA chains for a fixed
 *     number of rounds (calibrated to a target duration); 16 flop per ymm FMA
 *     (8 lanes x multiply + add); best of several runs; GFLOP/s.
 *
 * The probes run on their own pthreads (created per probe, released before it
 * returns) synchronised by a barrier, so every thread gets exactly one slice.
 * Their results are checked (the bandwidth sum against the buffer's known
 * contents, the FMA chains for finiteness), so the compiler cannot drop the
 * work. bench_probes.c is compiled with -mavx2 -mfma -O3 on x86-64 (a
 * portable, auto-vectorised C fallback elsewhere): when
 * g4rt_bench_probes_use_avx2() says so, the caller must check that the CPU has
 * AVX2 and FMA (__builtin_cpu_supports, from code built without those flags)
 * before calling anything else here.
 */
#ifndef G4RT_TOOLS_BENCH_PROBES_H_
#define G4RT_TOOLS_BENCH_PROBES_H_

#include <stddef.h>
#include <stdint.h>

#include "runtime/g4rt/base/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes one bandwidth round reads per thread (the slice granule). */
#define G4RT_BENCH_READ_BLOCK 512u

/* The smallest buffer the bandwidth probe accepts. */
#define G4RT_BENCH_MIN_PROBE_BYTES 65536u

/* Whether the kernels were built for AVX2 + FMA (else portable C). Safe to
 * call on any CPU. */
int g4rt_bench_probes_use_avx2(void);

/* What the read probe runs on this CPU, for the table: "the best of 1, 2 or 4
 * streams a thread, 32-byte loads", "the best of 32- and 64-byte loads, 1, 2
 * or 4 streams a thread" (where the CPU has AVX-512F), or "portable C". */
const char *g4rt_bench_probes_read_kind(void);

/* What the FMA probe runs on this CPU, for the table: "AVX2", "the better of
 * AVX2 and AVX-512" (where the CPU has AVX-512F), or "portable C". */
const char *g4rt_bench_probes_fma_kind(void);

/* Monotonic seconds. */
double g4rt_bench_now(void);

/* The probe buffer: |bytes| of anonymous memory (huge pages advised on Linux),
 * every page touched and filled with a known pattern. */
typedef struct g4rt_bench_buffer_t {
  void *data;
  size_t bytes;
} g4rt_bench_buffer_t;

/* Maps and fills the buffer. INVALID_ARGUMENT below
 * G4RT_BENCH_MIN_PROBE_BYTES, RESOURCE_EXHAUSTED when the memory is refused. */
G4RT_MUST_USE g4rt_status_t g4rt_bench_buffer_create(size_t bytes,
                                                     g4rt_bench_buffer_t *out);

/* Releases the buffer (idempotent; a zeroed buffer is a no-op). */
void g4rt_bench_buffer_destroy(g4rt_bench_buffer_t *buffer);

/* A read bandwidth and the kind of read that reached it. */
typedef struct g4rt_bench_read_t {
  double gb_per_s; /* bytes read / best seconds / 1e9 */
  int load_bytes;  /* 32 or 64; 0 for portable C (the compiler's loads) */
  int streams;     /* parts of a thread's slice read side by side: 1, 2, 4 */
} g4rt_bench_read_t;

/* Read bandwidth of |threads| threads over |buffer| (each sums
 * bytes / threads, rounded down to G4RT_BENCH_READ_BLOCK), best of |runs|;
 * with AVX2 also of |runs| more for each other kind of read: the slice as 2
 * and as 4 streams side by side, and 64-byte loads where the CPU has
 * AVX-512F. The highest bandwidth is the limit; *out says which kind read it
 * (the first kind tried of equal ones). INVALID_ARGUMENT for bad counts or a
 * buffer too small for a block per thread, UNAVAILABLE when a thread cannot
 * be started, INTERNAL when a sum is wrong. */
G4RT_MUST_USE g4rt_status_t
g4rt_bench_read_bandwidth(const g4rt_bench_buffer_t *buffer, int threads,
                          int runs, g4rt_bench_read_t *out);

/* FMA peak of |threads| threads: every thread runs the same number of rounds
 * of 12 independent ymm FMAs (and again with zmm FMAs where the CPU has
 * AVX-512F: the higher peak is the limit), chosen so that one thread takes
 * about |seconds|;
 * best of |runs|. *out_gflop_per_s = flops / best seconds / 1e9. */
G4RT_MUST_USE g4rt_status_t g4rt_bench_fma_peak(int threads, double seconds,
                                                int runs,
                                                double *out_gflop_per_s);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_TOOLS_BENCH_PROBES_H_ */
