//===- SamplerTest.cpp - Greedy, temperature, top-k, top-p, PCG32 ----------===//
#include "runtime/g4rt/sampling/candidates.h"
#include "runtime/g4rt/sampling/pcg32.h"
#include "runtime/g4rt/sampling/sampler.h"

#include "tests/unit/runtime/RuntimeTestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <vector>

namespace g4rt::test {
namespace {

using ::testing::HasSubstr;

/// Samples `draws` times and counts each token.
class Sampling {
public:
  explicit Sampling(const g4rt_sampler_options_t &options) {
    g4rt_status_t status = g4rt_sampler_initialize(&options, &sampler);
    EXPECT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  }
  int32_t once(const std::vector<float> &logits) {
    scratch.resize(g4rt_sampler_scratch_bytes(int64_t(logits.size())));
    int32_t token = -1;
    g4rt_status_t status = g4rt_sampler_sample(&sampler, logits.data(), int64_t(logits.size()),
                                               scratch.data(), scratch.size(), &token);
    EXPECT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
    return token;
  }
  std::map<int32_t, int> counts(const std::vector<float> &logits, int draws) {
    std::map<int32_t, int> result;
    for (int i = 0; i < draws; ++i)
      ++result[once(logits)];
    return result;
  }
  g4rt_sampler_t sampler;
  std::vector<uint8_t> scratch;
};

g4rt_sampler_options_t options(double temperature, int32_t topK, double topP,
                               uint64_t seed = 0) {
  g4rt_sampler_options_t result;
  g4rt_sampler_options_initialize(&result);
  result.temperature = temperature;
  result.top_k = topK;
  result.top_p = topP;
  result.seed = seed;
  return result;
}

std::vector<float> logOf(const std::vector<float> &probs) {
  std::vector<float> logits;
  for (float p : probs)
    logits.push_back(std::log(p));
  return logits;
}

std::set<int32_t> keysOf(const std::map<int32_t, int> &counts) {
  std::set<int32_t> keys;
  for (const auto &[key, count] : counts)
    keys.insert(key);
  return keys;
}

std::vector<float> randomLogits(std::mt19937 &rng, int n) {
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::vector<float> logits(n);
  for (float &value : logits)
    value = normal(rng);
  return logits;
}

// The reference pcg32-demo output for pcg32_srandom_r(&rng, 42, 54).
TEST(G4rtPcg32Test, MatchesTheReferenceSequence) {
  g4rt_pcg32_t rng;
  g4rt_pcg32_seed(&rng, 42u, 54u);
  const uint32_t expected[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                               0x83d2f293, 0xbfa4784b, 0xcbed606e};
  for (uint32_t value : expected)
    EXPECT_EQ(g4rt_pcg32_next(&rng), value);
}

TEST(G4rtPcg32Test, FloatsAreInTheUnitInterval) {
  g4rt_pcg32_t rng;
  g4rt_pcg32_seed(&rng, 7u, 1u);
  for (int i = 0; i < 10000; ++i) {
    float value = g4rt_pcg32_next_float(&rng);
    ASSERT_GE(value, 0.0f);
    ASSERT_LT(value, 1.0f);
  }
}

TEST(G4rtSamplerTest, DefaultsAreGemmaGenerationConfig) {
  g4rt_sampler_options_t defaults;
  g4rt_sampler_options_initialize(&defaults);
  EXPECT_FALSE(defaults.greedy);
  EXPECT_EQ(defaults.temperature, 1.0);
  EXPECT_EQ(defaults.top_k, 64);
  EXPECT_EQ(defaults.top_p, 0.95);
  EXPECT_EQ(defaults.seed, 0u);
}

// Greedy is argmax with the lowest index on ties; NaN never wins.
TEST(G4rtSamplerTest, GreedyArgmaxAndTies) {
  EXPECT_EQ(g4rt_argmax(std::vector<float>{1, 5, 5, 2}.data(), 4), 1);
  EXPECT_EQ(g4rt_argmax(std::vector<float>{7, 7, 7}.data(), 3), 0);
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(g4rt_argmax(std::vector<float>{nan, -1, 3, nan}.data(), 4), 2);
  EXPECT_EQ(g4rt_argmax(std::vector<float>{nan, nan}.data(), 2), 0);

  g4rt_sampler_options_t greedy = options(1.0, 64, 0.95);
  greedy.greedy = true;
  g4rt_sampler_t sampler;
  ASSERT_EQ(g4rt_sampler_initialize(&greedy, &sampler).code, G4RT_STATUS_OK);
  std::vector<float> logits{0, 3, 1, 3};
  int32_t token = -1;
  // Greedy needs no scratch.
  ASSERT_EQ(g4rt_sampler_sample(&sampler, logits.data(), 4, nullptr, 0, &token).code,
            G4RT_STATUS_OK);
  EXPECT_EQ(token, 1);
  EXPECT_EQ(Sampling(options(0.0, 64, 0.95)).once(logits), 1); // temperature 0 = greedy
}

// top_k = 1 keeps only the argmax (ties to the lowest id), so it equals greedy.
TEST(G4rtSamplerTest, TopKOneEqualsGreedy) {
  std::mt19937 rng(1);
  Sampling topOne(options(1.5, 1, 0.95, 9));
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<float> logits = randomLogits(rng, 100);
    if (trial % 2)
      logits[60] = logits[17] = 100.0f; // an exact tie at the top
    EXPECT_EQ(topOne.once(logits), g4rt_argmax(logits.data(), 100));
  }
}

// Same seed, same tokens; a different seed, a different sequence.
TEST(G4rtSamplerTest, FixedSeedIsReproducible) {
  std::mt19937 rng(2);
  std::vector<std::vector<float>> steps;
  for (int i = 0; i < 64; ++i)
    steps.push_back(randomLogits(rng, 300));
  auto run = [&](uint64_t seed) {
    Sampling sampling(options(1.0, 0, 1.0, seed));
    std::vector<int32_t> tokens;
    for (const auto &logits : steps)
      tokens.push_back(sampling.once(logits));
    return tokens;
  };
  EXPECT_EQ(run(123), run(123));
  EXPECT_NE(run(123), run(124));
}

TEST(G4rtSamplerTest, TopKKeepsTheKBestLowestIdsOnTies) {
  std::vector<float> uniform(10, 0.0f);
  EXPECT_EQ(keysOf(Sampling(options(1.0, 3, 1.0)).counts(uniform, 2000)),
            (std::set<int32_t>{0, 1, 2}));
  std::vector<float> logits{0, 5, 1, 4, 3};
  EXPECT_EQ(keysOf(Sampling(options(1.0, 2, 1.0)).counts(logits, 2000)),
            (std::set<int32_t>{1, 3}));
}

// HF's rule: drop the least likely tokens whose ascending cumulative probability is
// <= 1 - top_p. With probabilities .5 .3 .15 .05 the sums are .05 .2 .5 1.
TEST(G4rtSamplerTest, TopPCut) {
  std::vector<float> logits = logOf({0.5f, 0.3f, 0.15f, 0.05f});
  EXPECT_EQ(keysOf(Sampling(options(1.0, 0, 0.45)).counts(logits, 3000)),
            (std::set<int32_t>{0}));
  EXPECT_EQ(keysOf(Sampling(options(1.0, 0, 0.6)).counts(logits, 3000)),
            (std::set<int32_t>{0, 1}));
  EXPECT_EQ(keysOf(Sampling(options(1.0, 0, 0.9)).counts(logits, 3000)),
            (std::set<int32_t>{0, 1, 2}));
  EXPECT_EQ(keysOf(Sampling(options(1.0, 0, 1.0)).counts(logits, 3000)),
            (std::set<int32_t>{0, 1, 2, 3}));
}

// Temperature comes before top-p: T = 2 flattens .5 .3 .15 .05 to about
// .38 .29 .21 .12, so top_p = .75 keeps token 2, which T = 1 cuts.
TEST(G4rtSamplerTest, TemperatureBeforeTopP) {
  std::vector<float> logits = logOf({0.5f, 0.3f, 0.15f, 0.05f});
  EXPECT_EQ(keysOf(Sampling(options(1.0, 0, 0.75)).counts(logits, 3000)),
            (std::set<int32_t>{0, 1}));
  EXPECT_EQ(keysOf(Sampling(options(2.0, 0, 0.75)).counts(logits, 3000)),
            (std::set<int32_t>{0, 1, 2}));
}

// Top-k comes before top-p: after top_k = 2 the probabilities are .625 .375, and
// top_p = .55 drops the second (top-p first would have kept it).
TEST(G4rtSamplerTest, TopKBeforeTopP) {
  std::vector<float> logits = logOf({0.5f, 0.3f, 0.15f, 0.05f});
  EXPECT_EQ(keysOf(Sampling(options(1.0, 2, 0.55)).counts(logits, 3000)),
            (std::set<int32_t>{0}));
}

// Frequencies follow the softmax.
TEST(G4rtSamplerTest, FrequenciesFollowTheDistribution) {
  std::vector<float> logits = logOf({0.5f, 0.3f, 0.2f});
  std::map<int32_t, int> counts = Sampling(options(1.0, 0, 1.0, 5)).counts(logits, 20000);
  EXPECT_NEAR(counts[0] / 20000.0, 0.5, 0.02);
  EXPECT_NEAR(counts[1] / 20000.0, 0.3, 0.02);
  EXPECT_NEAR(counts[2] / 20000.0, 0.2, 0.02);
}

TEST(G4rtSamplerTest, LowTemperatureIsNearlyGreedy) {
  std::vector<float> logits{1.0f, 0.0f, 0.5f};
  EXPECT_EQ(keysOf(Sampling(options(0.01, 0, 1.0)).counts(logits, 1000)),
            (std::set<int32_t>{0}));
}

TEST(G4rtSamplerTest, NanAndInfiniteLogits) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  float inf = std::numeric_limits<float>::infinity();
  std::vector<float> logits{nan, 0.0f, -inf, 0.0f};
  EXPECT_EQ(keysOf(Sampling(options(1.0, 0, 1.0)).counts(logits, 1000)),
            (std::set<int32_t>{1, 3}));

  g4rt_sampler_options_t defaults = options(1.0, 64, 0.95);
  g4rt_sampler_t sampler;
  ASSERT_EQ(g4rt_sampler_initialize(&defaults, &sampler).code, G4RT_STATUS_OK);
  std::vector<float> hopeless{-inf, nan};
  std::vector<uint8_t> scratch(g4rt_sampler_scratch_bytes(2));
  int32_t token = 7;
  g4rt_status_t status =
      g4rt_sampler_sample(&sampler, hopeless.data(), 2, scratch.data(), scratch.size(), &token);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(status.message, HasSubstr("no finite logit"));
  EXPECT_EQ(token, -1);
}

TEST(G4rtSamplerTest, InvalidOptions) {
  g4rt_sampler_t sampler;
  g4rt_sampler_options_t bad = options(-1.0, 64, 0.95);
  g4rt_status_t status = g4rt_sampler_initialize(&bad, &sampler);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(status.message, HasSubstr("temperature -1 must be finite and >= 0"));
  bad = options(std::nan(""), 64, 0.95);
  EXPECT_EQ(g4rt_sampler_initialize(&bad, &sampler).code, G4RT_STATUS_INVALID_ARGUMENT);
  bad = options(1.0, -3, 0.95);
  EXPECT_THAT(g4rt_sampler_initialize(&bad, &sampler).message, HasSubstr("top_k -3"));
  bad = options(1.0, 64, 0.0);
  EXPECT_THAT(g4rt_sampler_initialize(&bad, &sampler).message,
              HasSubstr("top_p 0 must be in (0, 1]"));
  bad = options(1.0, 64, 1.5);
  EXPECT_THAT(g4rt_sampler_initialize(&bad, &sampler).message, HasSubstr("top_p 1.5"));
}

TEST(G4rtSamplerTest, ScratchTooSmall) {
  g4rt_sampler_options_t defaults = options(1.0, 64, 0.95);
  g4rt_sampler_t sampler;
  ASSERT_EQ(g4rt_sampler_initialize(&defaults, &sampler).code, G4RT_STATUS_OK);
  std::vector<float> logits(100, 0.0f);
  std::vector<uint8_t> scratch(g4rt_sampler_scratch_bytes(100) - 1);
  int32_t token;
  g4rt_status_t status =
      g4rt_sampler_sample(&sampler, logits.data(), 100, scratch.data(), scratch.size(), &token);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(status.message, HasSubstr("needs 804"));
}

// The scratch need not be aligned.
TEST(G4rtSamplerTest, UnalignedScratch) {
  g4rt_sampler_options_t defaults = options(1.0, 64, 0.95, 3);
  g4rt_sampler_t sampler;
  ASSERT_EQ(g4rt_sampler_initialize(&defaults, &sampler).code, G4RT_STATUS_OK);
  std::vector<float> logits{0.0f, 10.0f, 0.0f};
  std::vector<uint8_t> scratch(g4rt_sampler_scratch_bytes(3) + 1);
  int32_t token;
  ASSERT_EQ(g4rt_sampler_sample(&sampler, logits.data(), 3, scratch.data() + 1,
                                scratch.size() - 1, &token)
                .code,
            G4RT_STATUS_OK);
  EXPECT_EQ(token, 1);
}

// top-k selection orders by logit, then by id.
TEST(G4rtCandidatesTest, TopKIsSortedBestFirst) {
  std::vector<float> logits{3, 9, 1, 9, 5, 7};
  std::vector<g4rt_candidate_t> out(6);
  ASSERT_EQ(g4rt_candidates_top_k(logits.data(), 6, 1.0f, 4, out.data()), 4);
  std::vector<int32_t> tokens;
  for (int i = 0; i < 4; ++i)
    tokens.push_back(out[i].token);
  EXPECT_EQ(tokens, (std::vector<int32_t>{1, 3, 5, 4}));
  ASSERT_EQ(g4rt_candidates_top_k(logits.data(), 6, 2.0f, 0, out.data()), 6);
  EXPECT_EQ(out[0].logit, 4.5f);
  EXPECT_EQ(out[5].token, 2);
}

} // namespace
} // namespace g4rt::test
