/* thread_pool.c - The pthread pool behind g4_parallel_t (see thread_pool.h).
 *
 * Protocol. One call at a time owns the workers (the |busy| flag; a call that
 * finds it taken runs inline). The owner writes the job (task, ctx, count, the
 * participants' home ranges) and opens it by making |epoch| odd; it claims
 * tasks like any worker; when every range is empty every task has been
 * claimed, so it closes the job (|epoch| even) and waits until no worker is
 * inside it (|active| == 0): then every task has finished.
 *
 * Claims. Participant p (the owner is 0, workers 1 .. threads - 1) first takes
 * the tasks of its home range [p count / P, (p + 1) count / P) from the front,
 * in order, then steals from the back of the others' ranges. A thread's tasks
 * are thus consecutive indices, and the compiled model's tasks are consecutive
 * slices of its weights: each thread reads one continuous stream where a shared
 * counter dealt neighbouring slices to alternate threads (two threads reading
 * 10.6 MB matrices in 16 slices on this project's host, in minutes when it gave
 * 63 GB/s to a plain read loop: 57.6 GB/s dealt alternately, 62.4 in home
 * ranges, medians of 26 runs). Stealing from the back keeps a late worker's
 * front intact and still balances the load.
 *
 * A worker that sees an open epoch it has not served announces itself
 * (|active| + 1) and only then re-reads |epoch|: if the job is still open it
 * may read the job and claim tasks, else it backs off without touching the
 * job. Both sides use sequentially consistent store-then-load pairs (owner:
 * close epoch, read active; worker: raise active, read epoch), so either the
 * owner sees the worker and waits for it, or the worker sees the job closed.
 * Hence the job fields are never read while the owner rewrites them, and a
 * late worker can never claim an index of the next job.
 *
 * Sleeping uses the same pairing: a worker raises |sleepers| under the mutex
 * and re-checks |epoch| before waiting; the owner publishes |epoch| and then
 * reads |sleepers| to decide whether to broadcast. The owner's wait for
 * |active| == 0 pairs |caller_waiting| with the last worker's decrement.
 *
 * The store side of each pair is a read-modify-write (an exchange), not a
 * plain store. Both are sequentially consistent in C11, but qemu-aarch64 7.2
 * on an x86 host translates `stlr` then `ldar` without the store-load barrier
 * between them, and the plain stores lost wakeups there: the owner and a
 * worker both blocked, about one decode run in six. An exchange is a locked
 * instruction on the host, a full barrier.
 */
#define _GNU_SOURCE /* sched_getaffinity and CPU_COUNT (Linux); POSIX otherwise */
#include "runtime/g4rt/platform/posix/thread_pool.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>

/* How long an idle worker, or the owner waiting for the last task, spins
 * before it blocks: long enough to bridge the serial code between two calls
 * of one forward pass, short enough not to burn a core between tokens. The
 * first G4RT_POOL_PURE_SPIN_NS only pause (a worker then reacts within tens of
 * nanoseconds); after that the spinner also yields its CPU every 64 rounds, so
 * an oversubscribed CPU still runs the thread that has work. */
#define G4RT_POOL_SPIN_NS 100000
#define G4RT_POOL_PURE_SPIN_NS 20000

#define G4RT_CACHE_LINE 64

/* The most tasks one job holds: a home range is two 32-bit bounds. A larger
 * count runs as consecutive jobs. Tests build the pool with a small value. */
#ifndef G4RT_POOL_JOB_TASKS
#define G4RT_POOL_JOB_TASKS UINT32_MAX
#endif

/* The unclaimed tasks [front, back) of one participant's home range, packed
 * front << 32 | back so that a claim from either end is one compare-and-swap
 * that sees both bounds. */
typedef struct home_range_t {
  alignas(G4RT_CACHE_LINE) atomic_uint_fast64_t bounds;
} home_range_t;

struct g4rt_thread_pool_t {
  g4rt_allocator_t allocator;
  int threads;
  int workers; /* started worker threads (threads - 1 once created) */
  pthread_mutex_t mutex;
  pthread_cond_t wake; /* workers: a job opened, or stop */
  pthread_cond_t idle; /* owner: the last active worker left */
  bool mutex_ready, wake_ready, idle_ready;

  /* The job: written by the owner only while no worker is inside a job. */
  g4_task_fn_t task;
  void *ctx;
  int64_t first; /* the job runs task(ctx, first + i) for its indices i */
  home_range_t *ranges; /* one per participant, in the pool's allocation */
  uint64_t last_epoch; /* owner's copy of |epoch| */

  /* Each group on its own cache line: idle workers poll the first. */
  alignas(G4RT_CACHE_LINE) atomic_uint_fast64_t epoch; /* odd: job open */
  atomic_bool stop;
  atomic_int started; /* workers that took their participant number */
  alignas(G4RT_CACHE_LINE) atomic_int active; /* workers inside a job */
  atomic_int sleepers;                        /* workers blocked on wake */
  atomic_int caller_waiting;                  /* owner blocked on idle */
  alignas(G4RT_CACHE_LINE) atomic_bool busy;  /* a call owns the workers */
  g4rt_pool_profile_t *profile;               /* NULL: calls are not timed */

  pthread_t handles[]; /* threads - 1 */
};

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  __asm__ __volatile__("yield" ::: "memory");
#endif
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

typedef struct spinner_t {
  unsigned rounds;
  int64_t start; /* 0 until the first clock reading */
} spinner_t;

/* One round of a bounded spin; false once the budget is spent (block then). */
static bool spin(spinner_t *spinner) {
  cpu_relax();
  if ((++spinner->rounds & 63u) != 0) return true;
  int64_t now = now_ns();
  if (spinner->start == 0) {
    spinner->start = now;
    return true;
  }
  int64_t elapsed = now - spinner->start;
  if (elapsed >= G4RT_POOL_SPIN_NS) return false;
  if (elapsed >= G4RT_POOL_PURE_SPIN_NS) sched_yield();
  return true;
}

static uint64_t pack_range(uint64_t front, uint64_t back) {
  return front << 32 | back;
}

/* Claims the first (|from_front|) or last unclaimed task of |range| into
 * *index; false once the range is empty, which it then stays for this job. */
static bool claim(home_range_t *range, bool from_front, int64_t *index) {
  uint64_t bounds = atomic_load_explicit(&range->bounds, memory_order_relaxed);
  for (;;) {
    uint64_t front = bounds >> 32, back = bounds & UINT32_MAX;
    if (front >= back) return false;
    uint64_t claimed =
        from_front ? pack_range(front + 1, back) : pack_range(front, back - 1);
    if (atomic_compare_exchange_weak_explicit(&range->bounds, &bounds, claimed,
                                              memory_order_relaxed,
                                              memory_order_relaxed)) {
      *index = (int64_t)(from_front ? front : back - 1);
      return true;
    }
  }
}

/* Participant |self| runs its home range's tasks in order, then steals from
 * the back of the other ranges until every range is empty. */
static void run_claimed(g4rt_thread_pool_t *pool, int self) {
  g4_task_fn_t task = pool->task;
  void *ctx = pool->ctx;
  int64_t first = pool->first, index;
  while (claim(&pool->ranges[self], true, &index)) task(ctx, first + index);
  for (int k = 1; k < pool->threads; ++k) {
    home_range_t *victim = &pool->ranges[(self + k) % pool->threads];
    while (claim(victim, false, &index)) task(ctx, first + index);
  }
}

static bool job_to_serve(uint64_t epoch, uint64_t served) {
  return (epoch & 1u) != 0 && epoch != served;
}

/* Waits for an open job other than |served|; returns its epoch, or 0 on stop.
 */
static uint64_t wait_for_job(g4rt_thread_pool_t *pool, uint64_t served) {
  spinner_t spinner = {0, 0};
  do {
    uint64_t epoch = atomic_load(&pool->epoch);
    if (job_to_serve(epoch, served)) return epoch;
    if (atomic_load_explicit(&pool->stop, memory_order_relaxed)) return 0;
  } while (spin(&spinner));
  uint64_t epoch = 0;
  pthread_mutex_lock(&pool->mutex);
  atomic_fetch_add(&pool->sleepers, 1);
  for (;;) {
    epoch = atomic_load(&pool->epoch);
    if (job_to_serve(epoch, served)) break;
    if (atomic_load(&pool->stop)) {
      epoch = 0;
      break;
    }
    pthread_cond_wait(&pool->wake, &pool->mutex);
  }
  atomic_fetch_sub(&pool->sleepers, 1);
  pthread_mutex_unlock(&pool->mutex);
  return epoch;
}

static void *worker_main(void *arg) {
  g4rt_thread_pool_t *pool = (g4rt_thread_pool_t *)arg;
  int self = 1 + atomic_fetch_add(&pool->started, 1);
  uint64_t served = 0;
  for (;;) {
    uint64_t epoch = wait_for_job(pool, served);
    if (epoch == 0) break;
    served = epoch;
    atomic_fetch_add(&pool->active, 1);
    if (atomic_load(&pool->epoch) == epoch) {
      run_claimed(pool, self);
    }
    if (atomic_fetch_sub(&pool->active, 1) == 1 &&
        atomic_load(&pool->caller_waiting)) {
      pthread_mutex_lock(&pool->mutex);
      pthread_cond_signal(&pool->idle);
      pthread_mutex_unlock(&pool->mutex);
    }
  }
  return NULL;
}

/* The owner's wait for the workers still inside the (closed) job. */
static void wait_idle(g4rt_thread_pool_t *pool) {
  spinner_t spinner = {0, 0};
  do {
    if (atomic_load(&pool->active) == 0) return;
  } while (spin(&spinner));
  pthread_mutex_lock(&pool->mutex);
  atomic_exchange(&pool->caller_waiting, 1);
  while (atomic_load(&pool->active) != 0) {
    pthread_cond_wait(&pool->idle, &pool->mutex);
  }
  atomic_store(&pool->caller_waiting, 0);
  pthread_mutex_unlock(&pool->mutex);
}

static void run_inline(int64_t count, g4_task_fn_t task, void *ctx) {
  for (int64_t i = 0; i < count; ++i) task(ctx, i);
}

/* One job of at most G4RT_POOL_JOB_TASKS tasks: task(ctx, first + i) for i in
 * [0, count), on the workers the caller owns. */
static void run_job(g4rt_thread_pool_t *pool, int64_t first, int64_t count,
                    g4_task_fn_t task, void *ctx, int64_t *wait_ns) {
  pool->task = task;
  pool->ctx = ctx;
  pool->first = first;
  int participants = pool->threads;
  for (int p = 0; p < participants; ++p) {
    uint64_t front = (uint64_t)(count * p / participants);
    uint64_t back = (uint64_t)(count * (p + 1) / participants);
    atomic_store_explicit(&pool->ranges[p].bounds, pack_range(front, back),
                          memory_order_relaxed);
  }
  uint64_t epoch = pool->last_epoch + 1; /* odd: open */
  atomic_exchange(&pool->epoch, epoch);
  int sleepers = atomic_load(&pool->sleepers);
  if (sleepers > 0) {
    /* A worker counted in |sleepers| holds the mutex from its last look at
     * |epoch| until it waits, so once we have held the mutex it is waiting (or
     * has seen the job). Signalling after unlocking spares the woken workers a
     * round trip through the mutex we would still hold. */
    pthread_mutex_lock(&pool->mutex);
    pthread_mutex_unlock(&pool->mutex);
    if (count - 1 >= sleepers) {
      pthread_cond_broadcast(&pool->wake);
    } else {
      for (int64_t i = 0; i < count - 1; ++i) pthread_cond_signal(&pool->wake);
    }
  }
  run_claimed(pool, 0);
  int64_t ran_out = wait_ns != NULL ? now_ns() : 0;
  pool->last_epoch = epoch + 1; /* even: closed */
  atomic_exchange(&pool->epoch, pool->last_epoch);
  wait_idle(pool);
  if (wait_ns != NULL) *wait_ns += now_ns() - ran_out;
}

/* The jobs of one call on the workers the caller owns. */
static void run_jobs(g4rt_thread_pool_t *pool, int64_t count, g4_task_fn_t task,
                     void *ctx, int64_t *wait_ns) {
  for (int64_t first = 0; first < count; first += G4RT_POOL_JOB_TASKS) {
    int64_t left = count - first;
    run_job(pool, first,
            left < G4RT_POOL_JOB_TASKS ? left : G4RT_POOL_JOB_TASKS, task, ctx,
            wait_ns);
  }
}

void g4rt_pool_profile_init(g4rt_pool_profile_t *profile,
                            g4rt_pool_site_stats_t *sites, int capacity) {
  profile->sites = sites;
  profile->capacity = sites == NULL || capacity < 0 ? 0 : capacity;
  profile->count = 0;
  profile->overflow_calls = 0;
  profile->last_return_ns = 0;
  profile->last_site = -1;
}

void g4rt_thread_pool_set_profile(g4rt_thread_pool_t *pool,
                                  g4rt_pool_profile_t *profile) {
  if (pool != NULL) pool->profile = profile;
}

/* |task|'s entry in |profile|, added on its first call; NULL when full. A
 * model calls its sites in the same order every step, so the entry after the
 * previous call's is tried first. */
static g4rt_pool_site_stats_t *profile_site(g4rt_pool_profile_t *profile,
                                            g4_task_fn_t task) {
  int next = profile->last_site + 1;
  if (next < profile->count && profile->sites[next].task == task) {
    profile->last_site = next;
    return &profile->sites[next];
  }
  for (int i = 0; i < profile->count; ++i) {
    if (profile->sites[i].task == task) {
      profile->last_site = i;
      return &profile->sites[i];
    }
  }
  if (profile->count == profile->capacity) return NULL;
  g4rt_pool_site_stats_t *site = &profile->sites[profile->count];
  memset(site, 0, sizeof(*site));
  site->task = task;
  profile->last_site = profile->count++;
  return site;
}

/* A call that owns the workers (or runs inline on a pool without any), timed
 * into the pool's profile. */
static void run_profiled(g4rt_thread_pool_t *pool, int64_t count,
                         g4_task_fn_t task, void *ctx, bool inline_only) {
  g4rt_pool_profile_t *profile = pool->profile;
  int64_t entry = now_ns();
  int64_t wait = 0;
  if (inline_only) {
    run_inline(count, task, ctx);
  } else {
    run_jobs(pool, count, task, ctx, &wait);
  }
  int64_t exit = now_ns();
  g4rt_pool_site_stats_t *site = profile_site(profile, task);
  if (site == NULL) {
    profile->overflow_calls++;
  } else {
    site->calls++;
    site->tasks += (uint64_t)count;
    site->call_ns += exit - entry;
    site->wait_ns += wait;
    if (profile->last_return_ns != 0)
      site->gap_ns += entry - profile->last_return_ns;
  }
  profile->last_return_ns = exit;
}

void g4rt_thread_pool_parallel_for(g4rt_thread_pool_t *pool, int64_t count,
                                   g4_task_fn_t task, void *ctx) {
  if (count <= 0 || task == NULL) return;
  bool inline_only = pool == NULL || pool->workers == 0 || count == 1;
  if (inline_only && (pool == NULL || pool->profile == NULL)) {
    run_inline(count, task, ctx);
    return;
  }
  if (atomic_exchange_explicit(&pool->busy, true, memory_order_acquire)) {
    run_inline(count, task, ctx); /* nested or concurrent: not our workers */
    return;
  }
  if (pool->profile != NULL) {
    run_profiled(pool, count, task, ctx, inline_only);
  } else {
    run_jobs(pool, count, task, ctx, NULL);
  }
  atomic_store_explicit(&pool->busy, false, memory_order_release);
}

static void parallel_for_thunk(void *pool, int64_t count, g4_task_fn_t task,
                               void *ctx) {
  g4rt_thread_pool_parallel_for((g4rt_thread_pool_t *)pool, count, task, ctx);
}

g4_parallel_t g4rt_thread_pool_parallel(g4rt_thread_pool_t *pool) {
  g4_parallel_t parallel = {pool, parallel_for_thunk};
  return parallel;
}

int g4rt_thread_pool_threads(const g4rt_thread_pool_t *pool) {
  return pool == NULL ? 1 : pool->threads;
}

/* Stops and joins the started workers and releases the pool's OS objects;
 * frees the pool. Used by destroy and by a failed create. */
static void shut_down(g4rt_thread_pool_t *pool) {
  if (pool->mutex_ready) {
    atomic_store(&pool->stop, true);
    pthread_mutex_lock(&pool->mutex);
    if (pool->wake_ready) pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
  }
  for (int i = 0; i < pool->workers; ++i) pthread_join(pool->handles[i], NULL);
  if (pool->idle_ready) pthread_cond_destroy(&pool->idle);
  if (pool->wake_ready) pthread_cond_destroy(&pool->wake);
  if (pool->mutex_ready) pthread_mutex_destroy(&pool->mutex);
  g4rt_allocator_t allocator = pool->allocator;
  g4rt_allocator_free(allocator, pool);
}

static g4rt_status_t os_failure(g4rt_thread_pool_t *pool, const char *what,
                                int error) {
  g4rt_status_t status = G4RT_MAKE_STATUS(
      G4RT_STATUS_UNAVAILABLE, "thread pool of %d threads: %s failed: %s (errno %d)",
      pool->threads, what, strerror(error), error);
  shut_down(pool);
  return status;
}

g4rt_status_t g4rt_thread_pool_create(int threads, g4rt_allocator_t allocator,
                                      g4rt_thread_pool_t **out_pool) {
  *out_pool = NULL;
  if (threads < 1 || threads > G4RT_THREAD_POOL_MAX_THREADS) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "thread pool: %d threads is outside [1, %d]",
                            threads, G4RT_THREAD_POOL_MAX_THREADS);
  }
  /* The pool, its worker handles, then one home range per participant. */
  size_t handles_end =
      sizeof(g4rt_thread_pool_t) + (size_t)(threads - 1) * sizeof(pthread_t);
  size_t ranges_at =
      (handles_end + G4RT_CACHE_LINE - 1) / G4RT_CACHE_LINE * G4RT_CACHE_LINE;
  size_t bytes = ranges_at + (size_t)threads * sizeof(home_range_t);
  g4rt_thread_pool_t *pool = NULL;
  G4RT_RETURN_IF_ERROR(g4rt_allocator_alloc(allocator, bytes,
                                            _Alignof(g4rt_thread_pool_t),
                                            "thread pool", (void **)&pool));
  memset(pool, 0, sizeof(*pool));
  pool->allocator = allocator;
  pool->threads = threads;
  pool->ranges = (home_range_t *)((char *)pool + ranges_at);
  for (int p = 0; p < threads; ++p) atomic_init(&pool->ranges[p].bounds, 0);
  atomic_init(&pool->epoch, 0);
  atomic_init(&pool->started, 0);
  atomic_init(&pool->active, 0);
  atomic_init(&pool->sleepers, 0);
  atomic_init(&pool->caller_waiting, 0);
  atomic_init(&pool->stop, false);
  atomic_init(&pool->busy, false);

  int error = pthread_mutex_init(&pool->mutex, NULL);
  if (error != 0) return os_failure(pool, "pthread_mutex_init", error);
  pool->mutex_ready = true;
  error = pthread_cond_init(&pool->wake, NULL);
  if (error != 0) return os_failure(pool, "pthread_cond_init", error);
  pool->wake_ready = true;
  error = pthread_cond_init(&pool->idle, NULL);
  if (error != 0) return os_failure(pool, "pthread_cond_init", error);
  pool->idle_ready = true;

  /* Workers inherit a fully blocked signal mask: signals go to the program's
   * own threads. */
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  for (int i = 0; i < threads - 1; ++i) {
    error = pthread_create(&pool->handles[i], NULL, worker_main, pool);
    if (error != 0) break;
    pool->workers = i + 1;
  }
  pthread_sigmask(SIG_SETMASK, &previous, NULL);
  if (error != 0) return os_failure(pool, "pthread_create", error);
  *out_pool = pool;
  return g4rt_ok_status();
}

void g4rt_thread_pool_destroy(g4rt_thread_pool_t *pool) {
  if (pool == NULL) return;
  shut_down(pool);
}

int g4rt_thread_pool_default_threads(void) {
  long count = 0;
#if defined(__linux__) && defined(CPU_COUNT)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) count = CPU_COUNT(&set);
#endif
  if (count <= 0) count = sysconf(_SC_NPROCESSORS_ONLN);
  if (count < 1) count = 1;
  if (count > G4RT_THREAD_POOL_MAX_THREADS) count = G4RT_THREAD_POOL_MAX_THREADS;
  return (int)count;
}
