//===- BenchProbesTest.cpp - The benchmark's machine-limit probes ---------===//
//
// The read probe sums every word of its slices and checks the sums against the
// buffer's known contents, so a kernel that skipped or misread data is an error, not
// a fast number: run it on slices of several sizes and thread counts (with AVX2, a
// slice is also read as 2 and 4 streams side by side, and on a CPU with AVX-512F
// with 64-byte loads too: every kind runs and is checked). Bad arguments are errors
// that say what was wrong. Nothing here asserts a speed.
//
//===----------------------------------------------------------------------===//
#include "runtime/g4rt/tools/bench_probes.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cmath>
#include <string>

namespace {

using ::testing::HasSubstr;

class BenchProbesTest : public ::testing::Test {
protected:
  void SetUp() override {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (g4rt_bench_probes_use_avx2() &&
        !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")))
      GTEST_SKIP() << "the probes were built for AVX2 + FMA, which this CPU lacks";
#endif
  }
};

TEST_F(BenchProbesTest, ReadProbeChecksEveryThreadsSum) {
  // 64 KiB (the minimum) up to 1 MiB + 3 blocks, so slices are not powers of two and
  // do not split into 2 or 4 equal streams of whole blocks.
  for (size_t bytes : {size_t{65536}, size_t{(1 << 20) + 3 * G4RT_BENCH_READ_BLOCK}}) {
    g4rt_bench_buffer_t buffer{};
    g4rt_status_t status = g4rt_bench_buffer_create(bytes, &buffer);
    ASSERT_TRUE(g4rt_status_is_ok(&status)) << std::string(status.message);
    for (int threads : {1, 2, 3}) {
      g4rt_bench_read_t read{-1, -1, -1};
      status = g4rt_bench_read_bandwidth(&buffer, threads, 2, &read);
      EXPECT_TRUE(g4rt_status_is_ok(&status))
          << bytes << " bytes, " << threads << " threads: " << std::string(status.message);
      EXPECT_TRUE(std::isfinite(read.gb_per_s) && read.gb_per_s > 0)
          << bytes << " bytes, " << threads << " threads: " << read.gb_per_s << " GB/s";
      // The kind of read that reached it: one this CPU runs.
      EXPECT_TRUE(read.streams == 1 || read.streams == 2 || read.streams == 4)
          << read.streams << " streams";
      if (!g4rt_bench_probes_use_avx2()) {
        EXPECT_EQ(read.load_bytes, 0);
        EXPECT_EQ(read.streams, 1);
      } else {
#if defined(__x86_64__)
        EXPECT_TRUE(read.load_bytes == 32 ||
                    (read.load_bytes == 64 && __builtin_cpu_supports("avx512f")))
            << read.load_bytes << "-byte loads";
#endif
      }
    }
    g4rt_bench_buffer_destroy(&buffer);
  }
}

TEST_F(BenchProbesTest, ReadKindNamesTheLoadsThisCpuRuns) {
  std::string kind = g4rt_bench_probes_read_kind();
#if defined(__x86_64__)
  if (!g4rt_bench_probes_use_avx2())
    EXPECT_EQ(kind, "portable C");
  else if (__builtin_cpu_supports("avx512f"))
    EXPECT_EQ(kind, "the best of 32- and 64-byte loads, 1, 2 or 4 streams a thread");
  else
    EXPECT_EQ(kind, "the best of 1, 2 or 4 streams a thread, 32-byte loads");
#else
  EXPECT_EQ(kind, "portable C");
#endif
}

TEST_F(BenchProbesTest, BadArgumentsAreErrors) {
  g4rt_bench_buffer_t buffer{};
  g4rt_status_t status = g4rt_bench_buffer_create(1024, &buffer);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(std::string(status.message), HasSubstr("below the minimum 65536"));

  status = g4rt_bench_buffer_create(65536, &buffer);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << std::string(status.message);
  g4rt_bench_read_t read{};
  status = g4rt_bench_read_bandwidth(&buffer, 0, 2, &read);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(std::string(status.message), HasSubstr("0 threads"));
  status = g4rt_bench_read_bandwidth(&buffer, 1, 0, &read);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(std::string(status.message), HasSubstr("0 runs"));
  // 65536 bytes hold 128 blocks: 129 threads leave one without a block.
  status = g4rt_bench_read_bandwidth(&buffer, 129, 1, &read);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(std::string(status.message), HasSubstr("no 512-byte block"));
  g4rt_bench_buffer_destroy(&buffer);
}

} // namespace
