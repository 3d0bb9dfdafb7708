//===- ThreadPoolTest.cpp - The POSIX thread pool behind g4_parallel_t -----===//
//
// Every index runs exactly once for any thread count, each thread runs its home range
// in order before stealing, the caller and every worker take tasks, the call returns
// only after all tasks, sleeping workers wake up, nested and concurrent calls fall back
// to the calling thread, and create's errors. Ends with a small overhead measurement
// that is printed, never asserted.
//
//===----------------------------------------------------------------------===//
#include "runtime/g4rt/base/arena.h"
#include "runtime/g4rt/base/system_allocator.h"
#include "runtime/g4rt/platform/posix/thread_pool.h"

#include "tests/unit/runtime/RuntimeTestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace g4rt::test {
namespace {

using ::testing::HasSubstr;

struct PoolDeleter {
  void operator()(g4rt_thread_pool_t *pool) const { g4rt_thread_pool_destroy(pool); }
};
using Pool = std::unique_ptr<g4rt_thread_pool_t, PoolDeleter>;

Pool makePool(int threads) {
  g4rt_thread_pool_t *pool = nullptr;
  g4rt_status_t status = g4rt_thread_pool_create(threads, g4rt_system_allocator(), &pool);
  EXPECT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  return Pool(pool);
}

/// Counts how often each index ran.
struct Hits {
  explicit Hits(int64_t count) : counts(size_t(std::max<int64_t>(count, 0))) {}
  static void task(void *ctx, int64_t index) {
    auto *self = static_cast<Hits *>(ctx);
    self->counts[size_t(index)].fetch_add(1, std::memory_order_relaxed);
  }
  /// The first index that did not run exactly once, or -1.
  int64_t firstBad() const {
    for (size_t i = 0; i < counts.size(); ++i)
      if (counts[i].load() != 1)
        return int64_t(i);
    return -1;
  }
  std::vector<std::atomic<int>> counts;
};

TEST(G4rtThreadPoolTest, EveryIndexRunsExactlyOnce) {
  for (int threads : {1, 2, 4}) {
    Pool pool = makePool(threads);
    ASSERT_NE(pool, nullptr);
    EXPECT_EQ(g4rt_thread_pool_threads(pool.get()), threads);
    for (int64_t count : {1, 2, 7, 1000}) {
      for (int round = 0; round < 50; ++round) {
        Hits hits(count);
        g4rt_thread_pool_parallel_for(pool.get(), count, Hits::task, &hits);
        ASSERT_EQ(hits.firstBad(), -1)
            << "threads " << threads << " count " << count << " round " << round;
      }
    }
  }
}

/// Each thread's task indices, in the order that thread ran them.
struct RunOrder {
  static void task(void *ctx, int64_t index) {
    auto *self = static_cast<RunOrder *>(ctx);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    std::lock_guard<std::mutex> lock(self->mutex);
    self->byThread[std::this_thread::get_id()].push_back(index);
  }
  std::mutex mutex;
  std::map<std::thread::id, std::vector<int64_t>> byThread;
};

/// Checks one thread's order: first its home range [lo, hi) from lo up, consecutively
/// (nobody else claims a range's front), then indices of the other range stolen from
/// its back, so strictly decreasing. Returns what broke the rule, or "".
std::string checkHomeThenStolen(const std::vector<int64_t> &order, int64_t lo, int64_t hi) {
  size_t i = 0;
  for (; i < order.size() && order[i] >= lo && order[i] < hi; ++i)
    if (order[i] != lo + int64_t(i))
      return "home task " + std::to_string(i) + " is " + std::to_string(order[i]) + ", expected " +
             std::to_string(lo + int64_t(i));
  for (size_t j = i; j < order.size(); ++j) {
    if (order[j] >= lo && order[j] < hi)
      return "home index " + std::to_string(order[j]) + " ran after stolen ones";
    if (j > i && order[j] >= order[j - 1])
      return "stolen " + std::to_string(order[j]) + " after " + std::to_string(order[j - 1]) +
             ": steals take the last unclaimed index first";
  }
  return "";
}

// Two threads, 16 tasks: the caller runs its home range [0, 8) from index 0 in order
// and the worker [8, 16) from 8 (a thread's tasks are then consecutive slices of the
// model's weights, one stream); whichever finishes first takes the other's remaining
// tasks from the back. A shared counter would deal the indices alternately instead.
TEST(G4rtThreadPoolTest, ThreadsRunTheirHomeRangesInOrder) {
  Pool pool = makePool(2);
  for (int round = 0; round < 5; ++round) {
    RunOrder order;
    g4rt_thread_pool_parallel_for(pool.get(), 16, RunOrder::task, &order);
    std::set<int64_t> seen;
    for (const auto &[thread, indices] : order.byThread) {
      bool caller = thread == std::this_thread::get_id();
      std::string indicesText;
      for (int64_t index : indices) {
        indicesText += " " + std::to_string(index);
        EXPECT_TRUE(seen.insert(index).second) << "index " << index << " ran twice";
      }
      EXPECT_EQ(checkHomeThenStolen(indices, caller ? 0 : 8, caller ? 8 : 16), "")
          << (caller ? "caller" : "worker") << " ran" << indicesText << " (round " << round << ")";
      if (caller) {
        ASSERT_FALSE(indices.empty());
        EXPECT_EQ(indices.front(), 0) << "the caller starts its own range at once";
      }
    }
    EXPECT_EQ(seen.size(), 16u) << "round " << round;
  }
}

TEST(G4rtThreadPoolTest, NonPositiveCountIsANoOp) {
  Pool pool = makePool(2);
  int calls = 0;
  auto task = [](void *ctx, int64_t) { ++*static_cast<int *>(ctx); };
  g4rt_thread_pool_parallel_for(pool.get(), 0, task, &calls);
  g4rt_thread_pool_parallel_for(pool.get(), -5, task, &calls);
  g4rt_thread_pool_parallel_for(pool.get(), 3, nullptr, &calls); // NULL task: nothing
  EXPECT_EQ(calls, 0);
}

/// Each task waits (bounded) until `threads` distinct threads are inside a task.
/// Since a thread inside a task cannot take another, this only completes when the
/// caller and every worker each took one.
struct Rendezvous {
  static void task(void *ctx, int64_t) {
    auto *self = static_cast<Rendezvous *>(ctx);
    {
      std::lock_guard<std::mutex> lock(self->mutex);
      self->ids.insert(std::this_thread::get_id());
    }
    self->arrived.fetch_add(1);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (self->arrived.load() < self->expected && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
  }
  int expected = 0;
  std::atomic<int> arrived{0};
  std::mutex mutex;
  std::set<std::thread::id> ids;
};

TEST(G4rtThreadPoolTest, CallerAndEveryWorkerTakeTasks) {
  for (int threads : {1, 2, 4}) {
    Pool pool = makePool(threads);
    Rendezvous meet;
    meet.expected = threads;
    g4rt_thread_pool_parallel_for(pool.get(), threads, Rendezvous::task, &meet);
    EXPECT_EQ(meet.arrived.load(), threads);
    EXPECT_EQ(int(meet.ids.size()), threads) << "threads " << threads;
    EXPECT_EQ(meet.ids.count(std::this_thread::get_id()), 1u);
  }
}

// Slow tasks push the caller past its spin and into the blocking wait; the plain
// (non-atomic) writes of every task are visible when the call returns.
TEST(G4rtThreadPoolTest, ReturnsOnlyAfterEveryTaskFinished) {
  Pool pool = makePool(4);
  std::vector<int64_t> out(24, -1);
  auto task = [](void *ctx, int64_t index) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    (*static_cast<std::vector<int64_t> *>(ctx))[size_t(index)] = index * index;
  };
  for (int round = 0; round < 3; ++round) {
    std::fill(out.begin(), out.end(), -1);
    g4rt_thread_pool_parallel_for(pool.get(), int64_t(out.size()), task, &out);
    for (size_t i = 0; i < out.size(); ++i)
      ASSERT_EQ(out[i], int64_t(i * i)) << i;
  }
}

// Idle workers go to sleep on the condition variable; the next call wakes them.
TEST(G4rtThreadPoolTest, SleepingWorkersWakeUp) {
  Pool pool = makePool(3);
  for (int round = 0; round < 5; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    Rendezvous meet;
    meet.expected = 3;
    g4rt_thread_pool_parallel_for(pool.get(), 3, Rendezvous::task, &meet);
    EXPECT_EQ(meet.ids.size(), 3u) << "round " << round;
    Hits hits(100);
    g4rt_thread_pool_parallel_for(pool.get(), 100, Hits::task, &hits);
    ASSERT_EQ(hits.firstBad(), -1);
  }
}

// A call from inside a task (the pool is busy) runs on that task's thread.
TEST(G4rtThreadPoolTest, NestedCallsRunInline) {
  Pool pool = makePool(4);
  struct Outer {
    g4rt_thread_pool_t *pool;
    std::vector<std::unique_ptr<Hits>> inner;
  } outer{pool.get(), {}};
  for (int i = 0; i < 16; ++i)
    outer.inner.push_back(std::make_unique<Hits>(9));
  auto task = [](void *ctx, int64_t index) {
    auto *self = static_cast<Outer *>(ctx);
    g4rt_thread_pool_parallel_for(self->pool, 9, Hits::task, self->inner[size_t(index)].get());
  };
  g4rt_thread_pool_parallel_for(pool.get(), 16, task, &outer);
  for (const auto &hits : outer.inner)
    EXPECT_EQ(hits->firstBad(), -1);
}

// Two threads calling one pool at once: one gets the workers, the other runs inline;
// both are complete.
TEST(G4rtThreadPoolTest, ConcurrentCallers) {
  Pool pool = makePool(3);
  std::atomic<int> failures{0};
  auto caller = [&] {
    for (int round = 0; round < 300; ++round) {
      Hits hits(64);
      g4rt_thread_pool_parallel_for(pool.get(), 64, Hits::task, &hits);
      if (hits.firstBad() != -1)
        failures.fetch_add(1);
    }
  };
  std::thread a(caller), b(caller);
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(G4rtThreadPoolTest, ParallelInterface) {
  Pool pool = makePool(2);
  g4_parallel_t parallel = g4rt_thread_pool_parallel(pool.get());
  EXPECT_EQ(parallel.pool, pool.get());
  ASSERT_NE(parallel.parallel_for, nullptr);
  Hits hits(33);
  parallel.parallel_for(parallel.pool, 33, Hits::task, &hits);
  EXPECT_EQ(hits.firstBad(), -1);
}

// Without a pool, tasks run on the caller in index order.
// A profile records each site (task function) in the order of its first call, with its
// calls, tasks and times; the gaps are the time between calls. Every task still runs once.
TEST(G4rtThreadPoolTest, ProfileRecordsEverySite) {
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(threads);
    Pool pool = makePool(threads);
    g4rt_pool_site_stats_t sites[4];
    g4rt_pool_profile_t profile;
    g4rt_pool_profile_init(&profile, sites, 4);
    g4rt_thread_pool_set_profile(pool.get(), &profile);
    auto other = [](void *ctx, int64_t index) { Hits::task(ctx, index); };
    auto sleepy = [](void *ctx, int64_t index) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      Hits::task(ctx, index);
    };
    for (int step = 0; step < 3; ++step) {
      Hits a(10), b(1), c(4);
      g4rt_thread_pool_parallel_for(pool.get(), 10, Hits::task, &a);
      g4rt_thread_pool_parallel_for(pool.get(), 1, other, &b);   // inline, still recorded
      std::this_thread::sleep_for(std::chrono::milliseconds(3)); // a gap before sleepy
      g4rt_thread_pool_parallel_for(pool.get(), 4, sleepy, &c);
      EXPECT_EQ(a.firstBad(), -1);
      EXPECT_EQ(b.firstBad(), -1);
      EXPECT_EQ(c.firstBad(), -1);
    }
    g4rt_thread_pool_set_profile(pool.get(), nullptr);
    Hits after(5); // not recorded: the profile is off
    g4rt_thread_pool_parallel_for(pool.get(), 5, Hits::task, &after);

    ASSERT_EQ(profile.count, 3);
    EXPECT_EQ(profile.overflow_calls, 0u);
    EXPECT_EQ(sites[0].task, &Hits::task);
    EXPECT_EQ(sites[1].task, static_cast<g4_task_fn_t>(other));
    EXPECT_EQ(sites[2].task, static_cast<g4_task_fn_t>(sleepy));
    const uint64_t tasks[3] = {30, 3, 12};
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(sites[i].calls, 3u) << i;
      EXPECT_EQ(sites[i].tasks, tasks[i]) << i;
      EXPECT_GE(sites[i].call_ns, 0) << i;
      EXPECT_LE(sites[i].wait_ns, sites[i].call_ns) << i;
    }
    EXPECT_EQ(sites[1].wait_ns, 0); // one task runs inline: nobody to wait for
    // sleepy's 4 tasks of 2 ms take ceil(4 / threads) rounds a call; 3 gaps of 3 ms.
    const int64_t rounds = (4 + threads - 1) / threads;
    EXPECT_GE(sites[2].call_ns, 3 * rounds * 2'000'000);
    EXPECT_GE(sites[2].gap_ns, 3 * 3'000'000);
    EXPECT_LT(sites[1].gap_ns, sites[2].gap_ns);
  }
}

// Sites beyond the array's capacity are counted, not recorded; calls nested in a task
// run inline unrecorded (their time is in the outer call's).
TEST(G4rtThreadPoolTest, ProfileOverflowAndNestedCalls) {
  Pool pool = makePool(2);
  g4rt_pool_site_stats_t sites[1];
  g4rt_pool_profile_t profile;
  g4rt_pool_profile_init(&profile, sites, 1);
  g4rt_thread_pool_set_profile(pool.get(), &profile);
  struct Outer {
    g4rt_thread_pool_t *pool;
    Hits inner{8 * 3};
  } outer{pool.get()};
  struct Nest {
    Outer *outer;
  };
  auto outerTask = [](void *ctx, int64_t index) {
    auto *nest = static_cast<Nest *>(ctx);
    // Each outer task runs 3 inner tasks at indices 3*index .. 3*index+2.
    struct Shift {
      Outer *outer;
      int64_t base;
    } shift{nest->outer, 3 * index};
    g4rt_thread_pool_parallel_for(
        nest->outer->pool, 3,
        [](void *c, int64_t i) {
          auto *s = static_cast<Shift *>(c);
          s->outer->inner.counts[size_t(s->base + i)].fetch_add(1);
        },
        &shift);
  };
  Nest nest{&outer};
  g4rt_thread_pool_parallel_for(pool.get(), 8, outerTask, &nest);
  Hits second(4);
  g4rt_thread_pool_parallel_for(pool.get(), 4, Hits::task, &second);
  g4rt_thread_pool_set_profile(pool.get(), nullptr);

  EXPECT_EQ(outer.inner.firstBad(), -1);
  EXPECT_EQ(second.firstBad(), -1);
  ASSERT_EQ(profile.count, 1);
  EXPECT_EQ(sites[0].task, static_cast<g4_task_fn_t>(outerTask));
  EXPECT_EQ(sites[0].calls, 1u);
  EXPECT_EQ(sites[0].tasks, 8u);
  EXPECT_EQ(profile.overflow_calls, 1u); // Hits::task found the array full
}

TEST(G4rtThreadPoolTest, ProfileInitClampsAndSetProfileAcceptsNull) {
  g4rt_pool_profile_t profile;
  g4rt_pool_profile_init(&profile, nullptr, 8);
  EXPECT_EQ(profile.capacity, 0);
  EXPECT_EQ(profile.count, 0);
  g4rt_thread_pool_set_profile(nullptr, &profile); // a no-op
  Pool pool = makePool(1);
  g4rt_thread_pool_set_profile(pool.get(), &profile);
  Hits hits(3);
  g4rt_thread_pool_parallel_for(pool.get(), 3, Hits::task, &hits);
  EXPECT_EQ(hits.firstBad(), -1);
  EXPECT_EQ(profile.count, 0);
  EXPECT_EQ(profile.overflow_calls, 1u);
  g4rt_thread_pool_set_profile(pool.get(), nullptr);
}

TEST(G4rtThreadPoolTest, NullPoolRunsInline) {
  std::vector<int64_t> order;
  auto task = [](void *ctx, int64_t index) {
    static_cast<std::vector<int64_t> *>(ctx)->push_back(index);
  };
  g4rt_thread_pool_parallel_for(nullptr, 4, task, &order);
  EXPECT_EQ(order, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(g4rt_thread_pool_threads(nullptr), 1);
  g4rt_thread_pool_destroy(nullptr);
}

TEST(G4rtThreadPoolTest, BadThreadCounts) {
  for (int threads : {0, -1, G4RT_THREAD_POOL_MAX_THREADS + 1}) {
    g4rt_thread_pool_t *pool = reinterpret_cast<g4rt_thread_pool_t *>(1);
    g4rt_status_t status = g4rt_thread_pool_create(threads, g4rt_system_allocator(), &pool);
    EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
    EXPECT_THAT(status.message, HasSubstr("threads is outside [1, 1024]"));
    EXPECT_EQ(pool, nullptr);
  }
}

// The pool comes from the caller's allocator: an arena works, a full one is
// RESOURCE_EXHAUSTED.
TEST(G4rtThreadPoolTest, ComesFromTheAllocator) {
  alignas(64) static uint8_t memory[4096];
  g4rt_arena_t arena;
  g4rt_arena_initialize(memory, sizeof(memory), &arena);
  g4rt_thread_pool_t *pool = nullptr;
  g4rt_status_t status = g4rt_thread_pool_create(2, g4rt_arena_allocator(&arena), &pool);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  EXPECT_GT(arena.used, 0u);
  Hits hits(10);
  g4rt_thread_pool_parallel_for(pool, 10, Hits::task, &hits);
  EXPECT_EQ(hits.firstBad(), -1);
  g4rt_thread_pool_destroy(pool);

  alignas(64) static uint8_t tiny[32];
  g4rt_arena_initialize(tiny, sizeof(tiny), &arena);
  status = g4rt_thread_pool_create(2, g4rt_arena_allocator(&arena), &pool);
  EXPECT_EQ(status.code, G4RT_STATUS_RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.message, HasSubstr("thread pool"));
  EXPECT_EQ(pool, nullptr);
}

TEST(G4rtThreadPoolTest, DefaultThreads) {
  int threads = g4rt_thread_pool_default_threads();
  EXPECT_GE(threads, 1);
  EXPECT_LE(threads, G4RT_THREAD_POOL_MAX_THREADS);
}

/// Benchmark tasks: `rounds` multiply-adds (0: empty), counting the tasks that ran
/// off the calling thread.
struct Probe {
  static void task(void *ctx, int64_t index) {
    auto *self = static_cast<Probe *>(ctx);
    uint64_t x = uint64_t(index) + 1;
    for (int i = 0; i < self->rounds; ++i)
      x = x * 6364136223846793005ull + 1442695040888963407ull;
    self->sink[size_t(index)].value = x;
    if (std::this_thread::get_id() != self->caller)
      self->onWorkers.fetch_add(1, std::memory_order_relaxed);
  }
  struct alignas(64) Slot {
    uint64_t value;
  };
  int rounds = 0;
  std::thread::id caller = std::this_thread::get_id();
  std::atomic<int64_t> onWorkers{0};
  Slot sink[16];
};

/// Mean nanoseconds of `calls` back-to-back parallel_for(16) calls, after a warm-up
/// that leaves the workers awake; `share` gets the percentage of tasks run by workers.
double timeCalls(g4rt_thread_pool_t *pool, Probe &probe, int calls, double &share) {
  for (int i = 0; i < calls / 10; ++i)
    g4rt_thread_pool_parallel_for(pool, 16, Probe::task, &probe);
  probe.onWorkers = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i)
    g4rt_thread_pool_parallel_for(pool, 16, Probe::task, &probe);
  double ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  share = 100.0 * double(probe.onWorkers.load()) / (16.0 * calls);
  return ns / calls;
}

// Not an assertion: prints the cost of one parallel_for of 16 (nearly) empty tasks,
// back to back (workers awake) and after an idle pause (workers asleep), and how many
// of the tasks the workers took. Timings depend on the machine and its load.
TEST(G4rtThreadPoolTest, OverheadBenchmark) {
  for (int threads : {1, 2, 4}) {
    Pool pool = makePool(threads);
    Probe probe;
    double share = 0;
    double hot = timeCalls(pool.get(), probe, 20000, share);
    double cold = 0;
    const int wakes = 20;
    for (int i = 0; i < wakes; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      auto t0 = std::chrono::steady_clock::now();
      g4rt_thread_pool_parallel_for(pool.get(), 16, Probe::task, &probe);
      cold += std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0)
                  .count();
    }
    std::printf("[ benchmark ] parallel_for(count=16, empty tasks), %d thread(s), %u cpus: "
                "%.0f ns/call back to back (%.0f%% of tasks on workers), %.0f ns/call "
                "after 2 ms idle\n",
                threads, std::thread::hardware_concurrency(), hot, share, cold / wakes);
    ::testing::Test::RecordProperty("ns_per_call_threads_" + std::to_string(threads),
                                    std::to_string(int64_t(hot)));
  }
}

// Not an assertion: 16 tasks of a few microseconds of arithmetic each, so the workers
// have time to take a share (with empty tasks the caller mostly finishes everything
// before a worker arrives).
TEST(G4rtThreadPoolTest, SmallTasksBenchmark) {
  for (int threads : {1, 2, 4}) {
    Pool pool = makePool(threads);
    Probe probe;
    probe.rounds = 2000;
    double share = 0;
    double ns = timeCalls(pool.get(), probe, 2000, share);
    std::printf("[ benchmark ] parallel_for(count=16, 2000 multiply-adds per task), "
                "%d thread(s): %.2f us/call (%.0f%% of tasks on workers)\n",
                threads, ns / 1000, share);
  }
}

} // namespace
} // namespace g4rt::test
