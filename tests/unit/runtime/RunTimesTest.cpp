//===- RunTimesTest.cpp - The best and median of a test's run times -------===//
//
// g4rt_bench reports each test's best run and its median run (run_times.h).
//
//===----------------------------------------------------------------------===//

#include "runtime/g4rt/tools/run_times.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <vector>

namespace {

g4rt_run_times_t summarize(std::vector<double> &seconds) {
  return g4rt_run_times_summarize(seconds.data(), static_cast<int64_t>(seconds.size()));
}

TEST(G4rtRunTimes, OneRunIsBothBestAndMedian) {
  std::vector<double> seconds{0.25};
  g4rt_run_times_t times = summarize(seconds);
  EXPECT_EQ(times.best, 0.25);
  EXPECT_EQ(times.median, 0.25);
}

// An odd count's median is its middle run, whatever order the runs came in.
TEST(G4rtRunTimes, OddCountTakesTheMiddleRun) {
  std::vector<double> seconds{0.9, 0.2, 0.5, 0.4, 0.7};
  g4rt_run_times_t times = summarize(seconds);
  EXPECT_EQ(times.best, 0.2);
  EXPECT_EQ(times.median, 0.5);
  EXPECT_THAT(seconds, ::testing::ElementsAre(0.2, 0.4, 0.5, 0.7, 0.9));
}

// An even count's median is the mean of its middle two runs: the default 10 decode runs.
TEST(G4rtRunTimes, EvenCountAveragesTheMiddleTwo) {
  std::vector<double> seconds{1.0, 0.3, 0.8, 0.1, 0.6, 0.2, 0.9, 0.4, 0.7, 0.5};
  g4rt_run_times_t times = summarize(seconds);
  EXPECT_EQ(times.best, 0.1);
  EXPECT_DOUBLE_EQ(times.median, 0.55);
  std::vector<double> two{0.4, 0.2};
  times = summarize(two);
  EXPECT_EQ(times.best, 0.2);
  EXPECT_DOUBLE_EQ(times.median, 0.3);
}

// One outlier moves the best but not the median: why the table prints both.
TEST(G4rtRunTimes, AnOutlierMovesTheBestOnly) {
  std::vector<double> seconds{0.50, 0.52, 0.51, 0.05, 0.53};
  g4rt_run_times_t times = summarize(seconds);
  EXPECT_EQ(times.best, 0.05);
  EXPECT_EQ(times.median, 0.51);
}

TEST(G4rtRunTimes, EqualRuns) {
  std::vector<double> seconds{0.3, 0.3, 0.3, 0.3};
  g4rt_run_times_t times = summarize(seconds);
  EXPECT_EQ(times.best, 0.3);
  EXPECT_EQ(times.median, 0.3);
}

} // namespace
