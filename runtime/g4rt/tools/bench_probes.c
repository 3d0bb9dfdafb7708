/* bench_probes.c - Strong probes of the machine's limits (see bench_probes.h).
 *
 * Compiled with -mavx2 -mfma -O3 on x86-64 (runtime/CMakeLists.txt); without
 * __AVX2__/__FMA__ the kernels fall back to plain C loops the compiler
 * vectorises for the target. Never compiled with -ffast-math: the FMA chains
 * must stay chains.
 */
#define _GNU_SOURCE /* MAP_ANONYMOUS, madvise, pthread_barrier under -std=c11 \
                     */
#include "runtime/g4rt/tools/bench_probes.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define G4RT_BENCH_AVX2 1
#else
#define G4RT_BENCH_AVX2 0
#endif

#define FMA_CHAINS 12 /* >= 10: latency 4 x 2 pipes needs 8, with margin */

int g4rt_bench_probes_use_avx2(void) { return G4RT_BENCH_AVX2; }

double g4rt_bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/*===----------------------------------------------------------------------===*
 * The buffer
 *===----------------------------------------------------------------------===*/

g4rt_status_t g4rt_bench_buffer_create(size_t bytes, g4rt_bench_buffer_t *out) {
  out->data = NULL;
  out->bytes = 0;
  if (bytes < G4RT_BENCH_MIN_PROBE_BYTES) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "probe buffer: %zu bytes is below the minimum %zu",
                            bytes, (size_t)G4RT_BENCH_MIN_PROBE_BYTES);
  }
  bytes -= bytes % G4RT_BENCH_READ_BLOCK;
  void *data = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_RESOURCE_EXHAUSTED,
                            "probe buffer: mmap of %zu bytes failed: %s "
                            "(errno %d)",
                            bytes, strerror(errno), errno);
  }
#ifdef MADV_HUGEPAGE
  /* Fewer TLB misses, as a model's weights would see; advice only. */
  (void)madvise(data, bytes, MADV_HUGEPAGE);
#endif
  /* Touch every page: word i holds i, so each slice's sum is known. */
  uint32_t *words = (uint32_t *)data;
  size_t count = bytes / sizeof(uint32_t);
  for (size_t i = 0; i < count; ++i) words[i] = (uint32_t)i;
  out->data = data;
  out->bytes = bytes;
  return g4rt_ok_status();
}

void g4rt_bench_buffer_destroy(g4rt_bench_buffer_t *buffer) {
  if (buffer->data != NULL) munmap(buffer->data, buffer->bytes);
  buffer->data = NULL;
  buffer->bytes = 0;
}

/* Sum of the words first .. first + count - 1 (word i holds i), mod 2^32. */
static uint32_t expected_sum(uint64_t first, uint64_t count) {
  uint64_t triangle =
      count % 2 == 0 ? (count / 2) * (count - 1) : count * ((count - 1) / 2);
  return (uint32_t)(first * count + triangle);
}

/*===----------------------------------------------------------------------===*
 * Kernels
 *===----------------------------------------------------------------------===*/

/* The 32-bit wrapping sum of |streams| parts of |part| bytes each (a multiple
 * of G4RT_BENCH_READ_BLOCK) from the 32-byte aligned |p|, read side by side: a
 * block of each part in turn, 16 loads per block into 8 accumulators. */
static uint32_t sum_slice(const uint8_t *p, size_t part, int streams) {
#if G4RT_BENCH_AVX2
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, a4 = a0,
          a5 = a0, a6 = a0, a7 = a0;
  for (size_t at = 0; at < part; at += G4RT_BENCH_READ_BLOCK) {
    for (const uint8_t *stream = p; stream < p + part * (size_t)streams;
         stream += part) {
      const __m256i *v = (const __m256i *)(stream + at);
      a0 = _mm256_add_epi32(a0, _mm256_load_si256(v + 0));
      a1 = _mm256_add_epi32(a1, _mm256_load_si256(v + 1));
      a2 = _mm256_add_epi32(a2, _mm256_load_si256(v + 2));
      a3 = _mm256_add_epi32(a3, _mm256_load_si256(v + 3));
      a4 = _mm256_add_epi32(a4, _mm256_load_si256(v + 4));
      a5 = _mm256_add_epi32(a5, _mm256_load_si256(v + 5));
      a6 = _mm256_add_epi32(a6, _mm256_load_si256(v + 6));
      a7 = _mm256_add_epi32(a7, _mm256_load_si256(v + 7));
      a0 = _mm256_add_epi32(a0, _mm256_load_si256(v + 8));
      a1 = _mm256_add_epi32(a1, _mm256_load_si256(v + 9));
      a2 = _mm256_add_epi32(a2, _mm256_load_si256(v + 10));
      a3 = _mm256_add_epi32(a3, _mm256_load_si256(v + 11));
      a4 = _mm256_add_epi32(a4, _mm256_load_si256(v + 12));
      a5 = _mm256_add_epi32(a5, _mm256_load_si256(v + 13));
      a6 = _mm256_add_epi32(a6, _mm256_load_si256(v + 14));
      a7 = _mm256_add_epi32(a7, _mm256_load_si256(v + 15));
    }
  }
  __m256i s = _mm256_add_epi32(
      _mm256_add_epi32(_mm256_add_epi32(a0, a1), _mm256_add_epi32(a2, a3)),
      _mm256_add_epi32(_mm256_add_epi32(a4, a5), _mm256_add_epi32(a6, a7)));
  uint32_t lanes[8];
  _mm256_storeu_si256((__m256i *)lanes, s);
  uint32_t total = 0;
  for (int i = 0; i < 8; ++i) total += lanes[i];
  return total;
#else
  /* 64 independent lanes: the compiler turns them into vector adds. One
   * stream: the portable probe has no kernels to compare with. */
  uint32_t acc[64] = {0};
  const uint32_t *w = (const uint32_t *)p;
  size_t words = part * (size_t)streams / sizeof(uint32_t);
  for (size_t i = 0; i < words; i += 128) {
    for (int l = 0; l < 64; ++l) acc[l] += w[i + l];
    for (int l = 0; l < 64; ++l) acc[l] += w[i + 64 + l];
  }
  uint32_t total = 0;
  for (int l = 0; l < 64; ++l) total += acc[l];
  return total;
#endif
}

/* |rounds| rounds of FMA_CHAINS independent 8-lane FMAs acc = acc * m + c.
 * With m = c = 0.5 the values converge to 1 (no overflow, no denormals).
 * Returns the sum of the chains so the work is used. */
static float fma_chains(int64_t rounds, float m_value, float c_value) {
#if G4RT_BENCH_AVX2
  const __m256 m = _mm256_set1_ps(m_value), c = _mm256_set1_ps(c_value);
  __m256 x0 = _mm256_set1_ps(0.f), x1 = _mm256_set1_ps(1.f),
         x2 = _mm256_set1_ps(2.f), x3 = _mm256_set1_ps(3.f),
         x4 = _mm256_set1_ps(4.f), x5 = _mm256_set1_ps(5.f),
         x6 = _mm256_set1_ps(6.f), x7 = _mm256_set1_ps(7.f),
         x8 = _mm256_set1_ps(8.f), x9 = _mm256_set1_ps(9.f),
         x10 = _mm256_set1_ps(10.f), x11 = _mm256_set1_ps(11.f);
  for (int64_t r = 0; r < rounds; ++r) {
    x0 = _mm256_fmadd_ps(x0, m, c);
    x1 = _mm256_fmadd_ps(x1, m, c);
    x2 = _mm256_fmadd_ps(x2, m, c);
    x3 = _mm256_fmadd_ps(x3, m, c);
    x4 = _mm256_fmadd_ps(x4, m, c);
    x5 = _mm256_fmadd_ps(x5, m, c);
    x6 = _mm256_fmadd_ps(x6, m, c);
    x7 = _mm256_fmadd_ps(x7, m, c);
    x8 = _mm256_fmadd_ps(x8, m, c);
    x9 = _mm256_fmadd_ps(x9, m, c);
    x10 = _mm256_fmadd_ps(x10, m, c);
    x11 = _mm256_fmadd_ps(x11, m, c);
  }
  __m256 s =
      _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(_mm256_add_ps(x0, x1), x2),
                                  _mm256_add_ps(_mm256_add_ps(x3, x4), x5)),
                    _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(x6, x7), x8),
                                  _mm256_add_ps(_mm256_add_ps(x9, x10), x11)));
  float lanes[8];
  _mm256_storeu_ps(lanes, s);
  float total = 0.f;
  for (int i = 0; i < 8; ++i) total += lanes[i];
  return total;
#else
  float x[FMA_CHAINS][8];
  for (int k = 0; k < FMA_CHAINS; ++k)
    for (int l = 0; l < 8; ++l) x[k][l] = (float)k;
  for (int64_t r = 0; r < rounds; ++r)
    for (int k = 0; k < FMA_CHAINS; ++k)
      /* One expression: contracted into an FMA where the target has one. */
      for (int l = 0; l < 8; ++l) x[k][l] = x[k][l] * m_value + c_value;
  float total = 0.f;
  for (int k = 0; k < FMA_CHAINS; ++k)
    for (int l = 0; l < 8; ++l) total += x[k][l];
  return total;
#endif
}

#if G4RT_BENCH_AVX2
/* sum_slice with 64-byte loads: 8 per round into 8 zmm accumulators, at the
 * 64-byte aligned |p| (slices are multiples of the block, the buffer is page
 * aligned). On the AVX-512 machines measured so far one thread reads about
 * 15% more this way than with 32-byte loads (docs/performance.md), and g4c's
 * kernels for such a CPU may use zmm loads, so the limit must be measured
 * with them too. Runs only where the CPU has AVX-512F. */
__attribute__((target("avx512f"))) static uint32_t sum_slice_wide(
    const uint8_t *p, size_t part, int streams) {
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, a4 = a0,
          a5 = a0, a6 = a0, a7 = a0;
  for (size_t at = 0; at < part; at += G4RT_BENCH_READ_BLOCK) {
    for (const uint8_t *stream = p; stream < p + part * (size_t)streams;
         stream += part) {
      const __m512i *v = (const __m512i *)(stream + at);
      a0 = _mm512_add_epi32(a0, _mm512_load_si512(v + 0));
      a1 = _mm512_add_epi32(a1, _mm512_load_si512(v + 1));
      a2 = _mm512_add_epi32(a2, _mm512_load_si512(v + 2));
      a3 = _mm512_add_epi32(a3, _mm512_load_si512(v + 3));
      a4 = _mm512_add_epi32(a4, _mm512_load_si512(v + 4));
      a5 = _mm512_add_epi32(a5, _mm512_load_si512(v + 5));
      a6 = _mm512_add_epi32(a6, _mm512_load_si512(v + 6));
      a7 = _mm512_add_epi32(a7, _mm512_load_si512(v + 7));
    }
  }
  __m512i s = _mm512_add_epi32(
      _mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3)),
      _mm512_add_epi32(_mm512_add_epi32(a4, a5), _mm512_add_epi32(a6, a7)));
  return (uint32_t)_mm512_reduce_add_epi32(s);
}

/* The same chains on 16-lane zmm registers. A CPU with two 512-bit FMA pipes
 * (Intel server cores) doubles its peak with them, and the kernels g4c emits
 * for it use them, so the probe must too; a CPU that splits 512-bit operations
 * (Zen 4) measures the same peak either way. Runs only where the CPU has
 * AVX-512F (checked by the caller of fma_chains_wide's probe). */
__attribute__((target("avx512f"))) static float fma_chains_wide(int64_t rounds,
                                                                float m_value,
                                                                float c_value) {
  const __m512 m = _mm512_set1_ps(m_value), c = _mm512_set1_ps(c_value);
  __m512 x[FMA_CHAINS];
  for (int k = 0; k < FMA_CHAINS; ++k) x[k] = _mm512_set1_ps((float)k);
  for (int64_t r = 0; r < rounds; ++r) {
    /* Unrolled by the compiler: 12 independent chains in registers. */
    for (int k = 0; k < FMA_CHAINS; ++k) x[k] = _mm512_fmadd_ps(x[k], m, c);
  }
  __m512 s = x[0];
  for (int k = 1; k < FMA_CHAINS; ++k) s = _mm512_add_ps(s, x[k]);
  return _mm512_reduce_add_ps(s);
}

static bool cpu_has_avx512f(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}
#endif

/* The probe's read of |streams| parts: 64-byte loads when |wide| (AVX-512),
 * else 32-byte ones. */
static uint32_t probe_sum_slice(bool wide, const uint8_t *p, size_t part,
                                int streams) {
#if G4RT_BENCH_AVX2
  if (wide) return sum_slice_wide(p, part, streams);
#else
  (void)wide;
#endif
  return sum_slice(p, part, streams);
}

/* The probe's chains: 16 lanes when |wide| (AVX-512), else 8. */
static float probe_fma_chains(bool wide, int64_t rounds, float m, float c) {
#if G4RT_BENCH_AVX2
  if (wide) return fma_chains_wide(rounds, m, c);
#else
  (void)wide;
#endif
  return fma_chains(rounds, m, c);
}

const char *g4rt_bench_probes_read_kind(void) {
#if G4RT_BENCH_AVX2
  return cpu_has_avx512f()
             ? "the best of 32- and 64-byte loads, 1, 2 or 4 streams a thread"
             : "the best of 1, 2 or 4 streams a thread, 32-byte loads";
#else
  return "portable C";
#endif
}

const char *g4rt_bench_probes_fma_kind(void) {
#if G4RT_BENCH_AVX2
  return cpu_has_avx512f() ? "the better of AVX2 and AVX-512" : "AVX2";
#else
  return "portable C";
#endif
}

/*===----------------------------------------------------------------------===*
 * Running T threads in lock step
 *===----------------------------------------------------------------------===*/

typedef enum probe_kind_t { kProbeRead, kProbeFma } probe_kind_t;
typedef enum gate_t { kGateWait, kGateGo, kGateAbort } gate_t;

typedef struct probe_t {
  probe_kind_t kind;
  int threads;
  int runs;
  /* read */
  const uint8_t *data;
  size_t slice_bytes;
  int streams; /* parts of a slice read side by side */
  /* fma */
  int64_t rounds;
  float m, c;
  bool wide; /* AVX-512: 64-byte loads (read), 16-lane chains (fma) */
  /* start gate (creation may fail midway), then a barrier per run */
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  gate_t gate;
  pthread_barrier_t barrier;
  /* [run * threads + thread] */
  double *starts, *ends;
  uint32_t *sums; /* read: [thread], the last run's */
  float *values;  /* fma: [thread] */
} probe_t;

typedef struct probe_thread_t {
  probe_t *probe;
  int index;
} probe_thread_t;

static void *probe_main(void *arg) {
  probe_thread_t *self = (probe_thread_t *)arg;
  probe_t *probe = self->probe;
  int t = self->index;
  pthread_mutex_lock(&probe->mutex);
  while (probe->gate == kGateWait)
    pthread_cond_wait(&probe->cond, &probe->mutex);
  gate_t gate = probe->gate;
  pthread_mutex_unlock(&probe->mutex);
  if (gate == kGateAbort) return NULL;

  for (int r = 0; r < probe->runs; ++r) {
    pthread_barrier_wait(&probe->barrier);
    double start = g4rt_bench_now();
    if (probe->kind == kProbeRead) {
      probe->sums[t] = probe_sum_slice(
          probe->wide, probe->data + (size_t)t * probe->slice_bytes,
          probe->slice_bytes / (size_t)probe->streams, probe->streams);
    } else {
      probe->values[t] =
          probe_fma_chains(probe->wide, probe->rounds, probe->m, probe->c);
    }
    double end = g4rt_bench_now();
    probe->starts[r * probe->threads + t] = start;
    probe->ends[r * probe->threads + t] = end;
  }
  return NULL;
}

/* Runs |probe| on probe->threads new threads; *out_best = the shortest run,
 * from the earliest start to the latest end. */
static g4rt_status_t run_probe(probe_t *probe, double *out_best) {
  *out_best = 0;
  int threads = probe->threads;
  size_t cells = (size_t)probe->runs * (size_t)threads;
  probe->starts = (double *)calloc(cells, sizeof(double));
  probe->ends = (double *)calloc(cells, sizeof(double));
  probe->sums = (uint32_t *)calloc((size_t)threads, sizeof(uint32_t));
  probe->values = (float *)calloc((size_t)threads, sizeof(float));
  pthread_t *ids = (pthread_t *)calloc((size_t)threads, sizeof(pthread_t));
  probe_thread_t *args =
      (probe_thread_t *)calloc((size_t)threads, sizeof(probe_thread_t));
  g4rt_status_t status = g4rt_ok_status();
  bool sync_ready = false;
  int started = 0;
  if (!probe->starts || !probe->ends || !probe->sums || !probe->values ||
      !ids || !args) {
    status = G4RT_MAKE_STATUS(G4RT_STATUS_RESOURCE_EXHAUSTED,
                              "probe: out of memory for %d threads", threads);
    goto done;
  }
  if (pthread_mutex_init(&probe->mutex, NULL) != 0) {
    status = G4RT_MAKE_STATUS(G4RT_STATUS_UNAVAILABLE,
                              "probe: pthread_mutex_init failed");
    goto done;
  }
  if (pthread_cond_init(&probe->cond, NULL) != 0) {
    pthread_mutex_destroy(&probe->mutex);
    status = G4RT_MAKE_STATUS(G4RT_STATUS_UNAVAILABLE,
                              "probe: pthread_cond_init failed");
    goto done;
  }
  if (pthread_barrier_init(&probe->barrier, NULL, (unsigned)threads) != 0) {
    pthread_cond_destroy(&probe->cond);
    pthread_mutex_destroy(&probe->mutex);
    status = G4RT_MAKE_STATUS(G4RT_STATUS_UNAVAILABLE,
                              "probe: pthread_barrier_init failed");
    goto done;
  }
  sync_ready = true;
  probe->gate = kGateWait;
  for (; started < threads; ++started) {
    args[started].probe = probe;
    args[started].index = started;
    int rc = pthread_create(&ids[started], NULL, probe_main, &args[started]);
    if (rc != 0) {
      status = G4RT_MAKE_STATUS(G4RT_STATUS_UNAVAILABLE,
                                "probe: pthread_create failed for thread %d "
                                "of %d: %s (errno %d)",
                                started + 1, threads, strerror(rc), rc);
      break;
    }
  }
  pthread_mutex_lock(&probe->mutex);
  probe->gate = g4rt_status_is_ok(&status) ? kGateGo : kGateAbort;
  pthread_cond_broadcast(&probe->cond);
  pthread_mutex_unlock(&probe->mutex);
  for (int t = 0; t < started; ++t) pthread_join(ids[t], NULL);
  if (!g4rt_status_is_ok(&status)) goto done;

  double best = 0;
  for (int r = 0; r < probe->runs; ++r) {
    double first = probe->starts[r * threads], last = probe->ends[r * threads];
    for (int t = 1; t < threads; ++t) {
      if (probe->starts[r * threads + t] < first)
        first = probe->starts[r * threads + t];
      if (probe->ends[r * threads + t] > last)
        last = probe->ends[r * threads + t];
    }
    double elapsed = last - first;
    if (elapsed < 1e-9) elapsed = 1e-9;
    if (r == 0 || elapsed < best) best = elapsed;
  }
  *out_best = best;

done:
  if (sync_ready) {
    pthread_barrier_destroy(&probe->barrier);
    pthread_cond_destroy(&probe->cond);
    pthread_mutex_destroy(&probe->mutex);
  }
  free(args);
  free(ids);
  return status;
}

static void free_probe(probe_t *probe) {
  free(probe->starts);
  free(probe->ends);
  free(probe->sums);
  free(probe->values);
}

static g4rt_status_t check_counts(const char *name, int threads, int runs) {
  if (threads < 1 || threads > 1024) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "%s: %d threads is outside [1, 1024]", name,
                            threads);
  }
  if (runs < 1) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "%s: %d runs (expected >= 1)", name, runs);
  }
  return g4rt_ok_status();
}

/*===----------------------------------------------------------------------===*
 * The probes
 *===----------------------------------------------------------------------===*/

/* One read probe over |slice| bytes per thread (a multiple of |streams|
 * blocks), read as |streams| parts side by side: 32-byte loads, or 64-byte
 * ones when |wide|. */
static g4rt_status_t read_bandwidth_of(bool wide, int streams,
                                       const g4rt_bench_buffer_t *buffer,
                                       size_t slice, int threads, int runs,
                                       double *out_gb_per_s) {
  probe_t probe;
  memset(&probe, 0, sizeof(probe));
  probe.kind = kProbeRead;
  probe.wide = wide;
  probe.streams = streams;
  probe.threads = threads;
  probe.runs = runs;
  probe.data = (const uint8_t *)buffer->data;
  probe.slice_bytes = slice;
  double best = 0;
  g4rt_status_t status = run_probe(&probe, &best);
  if (g4rt_status_is_ok(&status)) {
    uint64_t words = slice / sizeof(uint32_t);
    for (int t = 0; t < threads; ++t) {
      uint32_t expected = expected_sum((uint64_t)t * words, words);
      if (probe.sums[t] != expected) {
        status = G4RT_MAKE_STATUS(
            G4RT_STATUS_INTERNAL,
            "read bandwidth (%s loads, %d streams): thread %d summed 0x%x, "
            "expected 0x%x",
            wide ? "64-byte" : "32-byte", streams, t, (unsigned)probe.sums[t],
            (unsigned)expected);
        break;
      }
    }
  }
  free_probe(&probe);
  G4RT_RETURN_IF_ERROR(status);
  *out_gb_per_s = (double)slice * (double)threads / best / 1e9;
  return g4rt_ok_status();
}

g4rt_status_t g4rt_bench_read_bandwidth(const g4rt_bench_buffer_t *buffer,
                                        int threads, int runs,
                                        g4rt_bench_read_t *out) {
  memset(out, 0, sizeof(*out));
  G4RT_RETURN_IF_ERROR(check_counts("read bandwidth", threads, runs));
  size_t slice = buffer->bytes / (size_t)threads;
  slice -= slice % G4RT_BENCH_READ_BLOCK;
  if (buffer->data == NULL || slice == 0) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "read bandwidth: a %zu-byte buffer has no %u-byte "
                            "block for each of %d threads",
                            buffer->bytes, G4RT_BENCH_READ_BLOCK, threads);
  }
  G4RT_RETURN_IF_ERROR(read_bandwidth_of(false, 1, buffer, slice, threads, runs,
                                         &out->gb_per_s));
  out->streams = 1;
  out->load_bytes = G4RT_BENCH_AVX2 ? 32 : 0;
#if G4RT_BENCH_AVX2
  /* As for the FMA peak, the limit is the strongest probe: 64-byte loads where
   * the CPU has them, and a thread's slice read as 2 or 4 streams side by
   * side, which keeps more of memory busy than one stream does (on this
   * project's Zen host 10-35% more, one thread or two: docs/performance.md). */
  const bool wide = cpu_has_avx512f();
  for (int streams = 1; streams <= 4; streams *= 2) {
    size_t part = slice / (size_t)streams;
    part -= part % G4RT_BENCH_READ_BLOCK;
    for (int w = 0; w <= (wide ? 1 : 0); ++w) {
      if (part == 0 || (streams == 1 && w == 0)) continue;
      double gb_per_s = 0;
      G4RT_RETURN_IF_ERROR(read_bandwidth_of(w == 1, streams, buffer,
                                             part * (size_t)streams, threads,
                                             runs, &gb_per_s));
      if (gb_per_s > out->gb_per_s) {
        out->gb_per_s = gb_per_s;
        out->load_bytes = w == 1 ? 64 : 32;
        out->streams = streams;
      }
    }
  }
#endif
  return g4rt_ok_status();
}

/* One FMA probe: 8-lane chains, or 16-lane ones when |wide|. */
static g4rt_status_t fma_peak_of(bool wide, int threads, double seconds,
                                 int runs, double *out_gflop_per_s) {
  /* Values the compiler cannot see (they come through a volatile). */
  volatile float half = 0.5f;
  float m = half, c = half;

  /* Calibrate on this thread: double the rounds until a pass takes >= 10 ms
   * (or the target, if shorter), then scale to |seconds|. */
  double floor = seconds < 0.01 ? seconds : 0.01;
  int64_t rounds = 4096;
  double elapsed = 0;
  volatile float sink = 0;
  for (;;) {
    double start = g4rt_bench_now();
    sink += probe_fma_chains(wide, rounds, m, c);
    elapsed = g4rt_bench_now() - start;
    if (elapsed >= floor || rounds >= ((int64_t)1 << 40)) break;
    rounds *= 2;
  }
  if (elapsed < 1e-9) elapsed = 1e-9;
  double scaled = (double)rounds * seconds / elapsed;
  rounds = scaled < 1 ? 1 : scaled > 1e15 ? (int64_t)1e15 : (int64_t)scaled;

  probe_t probe;
  memset(&probe, 0, sizeof(probe));
  probe.kind = kProbeFma;
  probe.wide = wide;
  probe.threads = threads;
  probe.runs = runs;
  probe.rounds = rounds;
  probe.m = m;
  probe.c = c;
  double best = 0;
  g4rt_status_t status = run_probe(&probe, &best);
  if (g4rt_status_is_ok(&status)) {
    for (int t = 0; t < threads; ++t) {
      /* Every chain converges to 1: 12 chains x 8 lanes. */
      if (!isfinite(probe.values[t]) || probe.values[t] <= 0) {
        status = G4RT_MAKE_STATUS(G4RT_STATUS_INTERNAL,
                                  "fma peak: thread %d's chains ended at %f", t,
                                  (double)probe.values[t]);
        break;
      }
      sink += probe.values[t];
    }
  }
  free_probe(&probe);
  G4RT_RETURN_IF_ERROR(status);
  /* 2 flops per lane and FMA. */
  double flops =
      (double)threads * (double)rounds * FMA_CHAINS * (wide ? 32.0 : 16.0);
  *out_gflop_per_s = flops / best / 1e9;
  return g4rt_ok_status();
}

g4rt_status_t g4rt_bench_fma_peak(int threads, double seconds, int runs,
                                  double *out_gflop_per_s) {
  *out_gflop_per_s = 0;
  G4RT_RETURN_IF_ERROR(check_counts("fma peak", threads, runs));
  if (!(seconds > 0) || seconds > 60) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "fma peak: %f seconds is outside (0, 60]", seconds);
  }
  G4RT_RETURN_IF_ERROR(
      fma_peak_of(false, threads, seconds, runs, out_gflop_per_s));
#if G4RT_BENCH_AVX2
  /* The limit is the stronger probe: a weaker one flatters every fraction. */
  if (cpu_has_avx512f()) {
    double wide = 0;
    G4RT_RETURN_IF_ERROR(fma_peak_of(true, threads, seconds, runs, &wide));
    if (wide > *out_gflop_per_s) *out_gflop_per_s = wide;
  }
#endif
  return g4rt_ok_status();
}
