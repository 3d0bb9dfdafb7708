//===- RunTimesTest.cpp - The best and median of a test's run times -------===//
//
// g4rt_bench reports each test's best run and its median run (run_times.h).
//
//===----------------------------------------------------------------------===//

#include "runtime/g4rt/tools/run_times.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <algorithm>
#include <string>
#include <vector>

namespace {

struct Case {
  std::string what;
  std::vector<double> seconds;
  double best, median;
};

// The median is the middle run for an odd count and the mean of the middle two for an
// even one (the default 10 decode runs), whatever order the runs came in.
TEST(G4rtRunTimes, BestAndMedian) {
  const std::vector<Case> cases{
      {"one run", {0.25}, 0.25, 0.25},
      {"odd count, unsorted", {0.9, 0.2, 0.5, 0.4, 0.7}, 0.2, 0.5},
      {"ten runs", {1.0, 0.3, 0.8, 0.1, 0.6, 0.2, 0.9, 0.4, 0.7, 0.5}, 0.1, 0.55},
      {"two runs", {0.4, 0.2}, 0.2, 0.3},
      // One outlier moves the best but not the median: why the table prints both.
      {"an outlier", {0.50, 0.52, 0.51, 0.05, 0.53}, 0.05, 0.51},
      {"equal runs", {0.3, 0.3, 0.3, 0.3}, 0.3, 0.3},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.what);
    std::vector<double> seconds = c.seconds;
    g4rt_run_times_t times =
        g4rt_run_times_summarize(seconds.data(), static_cast<int64_t>(seconds.size()));
    EXPECT_EQ(times.best, c.best);
    EXPECT_DOUBLE_EQ(times.median, c.median);
    // Summarising sorts the runs in place.
    std::vector<double> sorted = c.seconds;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(seconds, sorted);
    std::vector<double> values = c.seconds;
    EXPECT_DOUBLE_EQ(g4rt_run_times_median(values.data(), static_cast<int64_t>(values.size())),
                     c.median);
  }
}

} // namespace
