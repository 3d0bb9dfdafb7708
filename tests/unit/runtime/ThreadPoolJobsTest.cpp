//===- ThreadPoolJobsTest.cpp - A parallel_for larger than one job ----------===//
//
// The pool packs a home range's bounds into 32 bits each, so a call of more than
// G4RT_POOL_JOB_TASKS tasks runs as consecutive jobs. This binary builds the pool with
// G4RT_POOL_JOB_TASKS = 5 (CMakeLists.txt) so that such calls are small: every index
// still runs exactly once, and each job's tasks finish before the next job's start.
//
//===----------------------------------------------------------------------===//

#include "runtime/g4rt/base/system_allocator.h"
#include "runtime/g4rt/platform/posix/thread_pool.h"

#include "gtest/gtest.h"

#include <atomic>
#include <memory>
#include <vector>

static_assert(G4RT_POOL_JOB_TASKS == 5, "this test is built with jobs of 5 tasks");

namespace g4rt::test {
namespace {

struct PoolDeleter {
  void operator()(g4rt_thread_pool_t *pool) const { g4rt_thread_pool_destroy(pool); }
};

/// Per index: how often it ran, and how many tasks had finished when it started.
struct Trace {
  explicit Trace(int64_t count) : runs(size_t(count)), finishedBefore(size_t(count)) {}
  static void task(void *ctx, int64_t index) {
    auto *self = static_cast<Trace *>(ctx);
    self->finishedBefore[size_t(index)] = self->finished.load();
    self->runs[size_t(index)].fetch_add(1);
    self->finished.fetch_add(1);
  }
  std::vector<std::atomic<int>> runs;
  std::vector<int64_t> finishedBefore;
  std::atomic<int64_t> finished{0};
};

TEST(G4rtThreadPoolJobsTest, CountsAboveOneJobRunEveryIndexOnceJobByJob) {
  for (int threads : {2, 3}) {
    g4rt_thread_pool_t *raw = nullptr;
    g4rt_status_t status = g4rt_thread_pool_create(threads, g4rt_system_allocator(), &raw);
    ASSERT_TRUE(g4rt_status_is_ok(&status));
    std::unique_ptr<g4rt_thread_pool_t, PoolDeleter> pool(raw);
    for (int64_t count : {4, 5, 6, 10, 11, 23}) {
      for (int round = 0; round < 20; ++round) {
        Trace trace(count);
        g4rt_thread_pool_parallel_for(pool.get(), count, Trace::task, &trace);
        for (int64_t i = 0; i < count; ++i) {
          ASSERT_EQ(trace.runs[size_t(i)].load(), 1)
              << "index " << i << " of " << count << ", " << threads << " threads";
          // Index i belongs to job i / 5, which starts after the earlier jobs' tasks.
          EXPECT_GE(trace.finishedBefore[size_t(i)], i / 5 * 5)
              << "index " << i << " of " << count << " started before job " << i / 5 << " began, "
              << threads << " threads";
        }
      }
    }
  }
}

} // namespace
} // namespace g4rt::test
