/* thread_pool.h - A pthread pool behind the ABI's g4_parallel_t (g4rt_posix).
 *
 * The compiled model splits its large loops into tasks and hands them to the
 * g4_parallel_t the session was given (model_abi.h). This pool implements it
 * on POSIX threads: a pool of N threads runs the tasks of one parallel_for on
 * N - 1 worker threads and on the calling thread, which takes tasks too.
 * Each thread first runs the consecutive indices of its own share of the count
 * (its home range, in order), then takes the unclaimed indices left at the end
 * of the other shares one at a time (dynamic balancing); parallel_for returns
 * once every task has finished, and the tasks' writes are then visible to the
 * caller.
 *
 * Cost: no allocation per call, and no system call to start awake workers
 * (one atomic store publishes the job). Between calls a worker spins for about
 * 100 microseconds watching for the next call (pausing; after 20 microseconds
 * also yielding its CPU every 64 rounds), then sleeps on a condition
 * variable; a call wakes sleeping workers with one broadcast. count <= 1 and a
 * pool of one thread run the tasks inline on the caller.
 *
 * Ownership and threads: g4rt_thread_pool_create returns an owned pool (and
 * its worker threads); g4rt_thread_pool_destroy stops and joins them and frees
 * the pool through the allocator given to create. The g4_parallel_t returned
 * by g4rt_thread_pool_parallel borrows the pool: keep the pool alive while
 * anything (a session) holds it. parallel_for may be called from any thread.
 * Calls do not share the workers: a call made while another is in progress
 * (from a second thread, or from inside one of its tasks) runs all of its
 * tasks on its own calling thread, so one pool may serve several sessions,
 * even concurrently, and nesting cannot deadlock. Worker threads block every
 * signal. Destroy must not race with a call on the same pool.
 */
#ifndef G4RT_PLATFORM_POSIX_THREAD_POOL_H_
#define G4RT_PLATFORM_POSIX_THREAD_POOL_H_

#include <stdint.h>

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/base/allocator.h"
#include "runtime/g4rt/base/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most threads one pool accepts (the calling thread included). */
#define G4RT_THREAD_POOL_MAX_THREADS 1024

typedef struct g4rt_thread_pool_t g4rt_thread_pool_t;

/* Creates a pool of |threads| in [1, G4RT_THREAD_POOL_MAX_THREADS] (the
 * calling thread counts as one: threads - 1 workers are started). The pool
 * comes from |allocator|. INVALID_ARGUMENT for a bad count,
 * RESOURCE_EXHAUSTED when the allocator fails, UNAVAILABLE when the OS refuses
 * a thread, mutex or condition variable (nothing is left running then). */
G4RT_MUST_USE g4rt_status_t g4rt_thread_pool_create(
    int threads, g4rt_allocator_t allocator, g4rt_thread_pool_t **out_pool);

/* Stops and joins the workers, then frees the pool. NULL is a no-op. No call
 * may be in progress on the pool. */
void g4rt_thread_pool_destroy(g4rt_thread_pool_t *pool);

/* The thread count the pool was created with (1 for NULL). */
int g4rt_thread_pool_threads(const g4rt_thread_pool_t *pool);

/* Runs task(ctx, i) exactly once for every i in [0, count) on the pool's
 * threads and the calling thread, in any order, and returns when all have
 * finished. count <= 0 (or a NULL task) does nothing; a NULL pool runs the
 * tasks inline in index order. Tasks must not wait on each other. */
void g4rt_thread_pool_parallel_for(g4rt_thread_pool_t *pool, int64_t count,
                                   g4_task_fn_t task, void *ctx);

/* Dispatch profile: per call site (task function) counts and times of the
 * parallel_for calls made while a profile is set, for finding where a compiled
 * model's time goes between and around its parallel loops (g4c bench
 * --profile). The caller owns the storage; the pool only writes to it. */
typedef struct g4rt_pool_site_stats_t {
  g4_task_fn_t task; /* the site: the task function parallel_for was given */
  uint64_t calls;
  uint64_t tasks;  /* the calls' counts, summed */
  int64_t call_ns; /* from entering parallel_for to its return */
  int64_t wait_ns; /* of call_ns: the caller's wait for the workers, after it
                      found no task left to take (0 for calls run inline) */
  int64_t gap_ns;  /* from the previous recorded call's return to this call's
                      entry: the serial code in between (not counted for the
                      first call after the profile was set) */
} g4rt_pool_site_stats_t;

typedef struct g4rt_pool_profile_t {
  g4rt_pool_site_stats_t *sites; /* capacity entries, caller-owned */
  int capacity;
  int count; /* sites recorded, in the order of their first call */
  uint64_t overflow_calls; /* calls of sites that found the array full */
  int64_t last_return_ns;  /* CLOCK_MONOTONIC; 0 until the first call */
  int last_site;           /* the previous call's entry, for a quick lookup */
} g4rt_pool_profile_t;

/* Sets *profile to record nothing yet over |sites| (|capacity| entries). */
void g4rt_pool_profile_init(g4rt_pool_profile_t *profile,
                            g4rt_pool_site_stats_t *sites, int capacity);

/* Starts recording the pool's parallel_for calls into |profile|, or stops with
 * NULL. Recorded: every call that finds the workers free (those run inline as
 * well: count 1, a pool of one thread). A call nested in a task, or concurrent
 * with another, runs inline unrecorded; its time is in the outer call's.
 * Timing costs two or three clock readings a call, only while a profile is
 * set. Like destroy, must not race with a call on the pool. A NULL pool is a
 * no-op. */
void g4rt_thread_pool_set_profile(g4rt_thread_pool_t *pool,
                                  g4rt_pool_profile_t *profile);

/* The pool as the ABI's parallel interface: {pool, a parallel_for that calls
 * g4rt_thread_pool_parallel_for}. The value borrows |pool|. */
g4_parallel_t g4rt_thread_pool_parallel(g4rt_thread_pool_t *pool);

/* A sensible default thread count: the processors this process may run on
 * (its CPU affinity mask on Linux, else sysconf(_SC_NPROCESSORS_ONLN)),
 * clamped to [1, G4RT_THREAD_POOL_MAX_THREADS]. */
int g4rt_thread_pool_default_threads(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_PLATFORM_POSIX_THREAD_POOL_H_ */
