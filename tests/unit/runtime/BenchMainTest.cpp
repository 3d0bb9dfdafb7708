//===- BenchMainTest.cpp - The compiled-model benchmark's command line -----===//
//
// Runs the fake model linked with g4rt_bench (built by CMake exactly as g4c bench
// links a real model) on a weights file, with a tiny probe buffer and short tests,
// and checks the JSON lines (keys present, numbers positive, limits matching the
// probes) and that bad command lines are errors. Nothing here asserts a speed:
// benchmarks are not timed tests.
//
//===----------------------------------------------------------------------===//
#include "tests/unit/runtime/FakeModel.h"
#include "tests/unit/runtime/RuntimeTestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace g4rt::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

/// A flat JSON object's values: strings stay strings, numbers are kept as text
/// too (number() converts).
struct JsonObject {
  std::map<std::string, std::string> strings;
  std::map<std::string, double> numbers;
  bool has(const std::string &key) const { return strings.count(key) || numbers.count(key); }
  std::set<std::string> keys() const {
    std::set<std::string> all;
    for (const auto &entry : strings)
      all.insert(entry.first);
    for (const auto &entry : numbers)
      all.insert(entry.first);
    return all;
  }
};

/// Parses one line holding a flat JSON object of string and number values (what
/// the benchmark prints); nullopt for anything else.
std::optional<JsonObject> parseFlatJson(const std::string &line) {
  JsonObject object;
  size_t i = 0;
  auto skip = [&] {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i])))
      ++i;
  };
  auto parseString = [&](std::string &out) {
    if (i >= line.size() || line[i] != '"')
      return false;
    for (++i; i < line.size() && line[i] != '"'; ++i) {
      if (line[i] == '\\') {
        if (++i >= line.size())
          return false;
        if (line[i] == 'u') {
          if (i + 4 >= line.size())
            return false;
          out += static_cast<char>(std::strtol(line.substr(i + 1, 4).c_str(), nullptr, 16));
          i += 4;
          continue;
        }
      }
      out += line[i];
    }
    if (i >= line.size())
      return false;
    ++i;
    return true;
  };
  skip();
  if (i >= line.size() || line[i++] != '{')
    return std::nullopt;
  for (;;) {
    skip();
    std::string key;
    if (!parseString(key))
      return std::nullopt;
    skip();
    if (i >= line.size() || line[i++] != ':')
      return std::nullopt;
    skip();
    if (object.has(key))
      return std::nullopt;
    if (i < line.size() && line[i] == '"') {
      std::string value;
      if (!parseString(value))
        return std::nullopt;
      object.strings[key] = value;
    } else {
      // JSON number grammar: -?digits(.digits)?([eE][+-]?digits)?
      size_t start = i;
      if (i < line.size() && line[i] == '-')
        ++i;
      size_t digits = i;
      while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])))
        ++i;
      if (i == digits)
        return std::nullopt;
      if (i < line.size() && line[i] == '.') {
        size_t fraction = ++i;
        while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])))
          ++i;
        if (i == fraction)
          return std::nullopt;
      }
      if (i < line.size() && (line[i] == 'e' || line[i] == 'E')) {
        ++i;
        if (i < line.size() && (line[i] == '+' || line[i] == '-'))
          ++i;
        size_t exponent = i;
        while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])))
          ++i;
        if (i == exponent)
          return std::nullopt;
      }
      object.numbers[key] = std::strtod(line.substr(start, i - start).c_str(), nullptr);
    }
    skip();
    if (i < line.size() && line[i] == ',') {
      ++i;
      continue;
    }
    if (i < line.size() && line[i] == '}') {
      ++i;
      break;
    }
    return std::nullopt;
  }
  skip();
  if (i != line.size())
    return std::nullopt;
  return object;
}

/// Whether the benchmark's probes read with AVX2 loads here (else portable C).
bool probesUseAvx2() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

/// A read probe's kind: 1, 2 or 4 streams a thread of 32- or 64-byte loads (64 only
/// where the CPU has AVX-512F), or portable C's one stream (load bytes 0).
void expectReadKind(double loadBytes, double streams, const std::string &line) {
  EXPECT_TRUE(streams == 1 || streams == 2 || streams == 4) << line;
  if (!probesUseAvx2()) {
    EXPECT_EQ(loadBytes, 0) << line;
    EXPECT_EQ(streams, 1) << line;
    return;
  }
#if defined(__x86_64__)
  EXPECT_TRUE(loadBytes == 32 || (loadBytes == 64 && __builtin_cpu_supports("avx512f"))) << line;
#endif
}

std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

class G4rtBenchMainTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir = new std::string(makeTempDir());
    blobFile = new std::string(*dir + "/fake.g4w");
    writeFile(*blobFile, fakeBlob());
  }
  static void TearDownTestSuite() {
    removeTempDir(*dir);
    delete dir;
    delete blobFile;
  }

  static RunResult run(const std::vector<std::string> &args) {
    RunResult result = runProgram(G4RT_FAKE_BENCH, args);
    EXPECT_EQ(result.signal, 0) << "crashed; stderr: " << result.err;
    return result;
  }

  /// The common fast arguments: a 1 MiB probe buffer and short tests.
  static std::vector<std::string> quick(std::vector<std::string> more) {
    std::vector<std::string> args{"--weights",       *blobFile, "--probe-bytes", "1048576",
                                  "--decode-tokens", "4",       "--reps",        "2"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  static std::string *dir, *blobFile;
};

std::string *G4rtBenchMainTest::dir, *G4rtBenchMainTest::blobFile;

// Every stdout line is a JSON object: one per probe and thread count, one per test
// and thread count, with the keys g4c bench reads; tests past the context are
// skipped (said on stderr, absent from the JSON).
TEST_F(G4rtBenchMainTest, JsonLines) {
  RunResult result =
      run(quick({"--threads-list", "1,2", "--prompts", "4,8,64", "--depths", "0,16,100",
                 "--bytes-per-token", "1000,2000,3000", "--flops-per-token", "5e6", "--model",
                 "fake \"q\"", "--format", "f32", "--code", "znver3", "--json"}));
  ASSERT_EQ(result.exitCode, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("skipping pp64: 64 positions exceed the max context 48"));
  EXPECT_THAT(result.err, HasSubstr("skipping tg@100"));
  // The human table goes to stderr with --json.
  EXPECT_THAT(result.err, HasSubstr("tokens/s"));

  std::map<std::pair<std::string, int>, double> probes, firstProbes;
  std::map<std::pair<std::string, int>, double> limits; // per test: the latest probe
  // The latest read probe's kind per thread count: {load bytes, streams a thread}.
  std::map<int, std::pair<double, double>> readKinds;
  std::map<std::pair<std::string, int>, JsonObject> tests;
  for (const std::string &line : lines(result.out)) {
    std::optional<JsonObject> object = parseFlatJson(line);
    ASSERT_TRUE(object) << "not a flat JSON object: " << line;
    if (object->strings.count("probe")) {
      std::string probe = object->strings["probe"];
      std::string key = probe == "read_bandwidth" ? "gb_per_s" : "gflop_per_s";
      EXPECT_TRUE(probe == "read_bandwidth" || probe == "fma_peak") << line;
      std::set<std::string> keys{"probe", "threads", key};
      if (probe == "read_bandwidth") {
        // The kind of read that reached the bandwidth.
        keys.insert({"load_bytes", "streams_per_thread"});
        expectReadKind(object->numbers["load_bytes"], object->numbers["streams_per_thread"], line);
        readKinds[static_cast<int>(object->numbers["threads"])] = {
            object->numbers["load_bytes"], object->numbers["streams_per_thread"]};
      }
      EXPECT_EQ(object->keys(), keys) << line;
      EXPECT_GT(object->numbers[key], 0) << line;
      // A later probe line (a re-probe next to a decode run that found more
      // bandwidth) raises the limit of the lines after it.
      std::pair<std::string, int> where{probe, static_cast<int>(object->numbers["threads"])};
      if (probes.count(where))
        EXPECT_GT(object->numbers[key], probes[where]) << "a re-probe that did not raise the limit";
      else
        firstProbes[where] = object->numbers[key];
      probes[where] = object->numbers[key];
      continue;
    }
    std::string test = object->strings["test"];
    bool tg = test.rfind("tg@", 0) == 0;
    std::set<std::string> expectedKeys{"model",
                                       "format",
                                       "code",
                                       "threads",
                                       "test",
                                       "tokens_per_s",
                                       "median_tokens_per_s",
                                       tg ? "bytes_per_token" : "flops_per_token",
                                       "machine_limit",
                                       "fraction_of_limit"};
    if (tg)
      expectedKeys.insert(
          {"median_fraction_of_run_probe", "limit_load_bytes", "limit_streams_per_thread"});
    EXPECT_EQ(object->keys(), expectedKeys) << line;
    EXPECT_EQ(object->strings["model"], "fake \"q\"");
    EXPECT_EQ(object->strings["format"], "f32");
    EXPECT_EQ(object->strings["code"], "znver3");
    int threads = static_cast<int>(object->numbers["threads"]);
    // A decode line names the read that set its limit: the latest read probe's.
    if (tg) {
      EXPECT_EQ(object->numbers["limit_load_bytes"], readKinds[threads].first) << line;
      EXPECT_EQ(object->numbers["limit_streams_per_thread"], readKinds[threads].second) << line;
    }
    for (const auto &entry : object->numbers)
      if (entry.first != "limit_load_bytes") // 0 for portable C
        EXPECT_GT(entry.second, 0) << entry.first << " in " << line;
    limits[{test, threads}] = probes[{tg ? "read_bandwidth" : "fma_peak", threads}];
    tests[{test, threads}] = *object;
  }
  EXPECT_EQ(probes.size(), 4u);
  EXPECT_EQ(tests.size(), 8u); // {pp4, pp8, tg@0, tg@16} x {1, 2}
  for (int threads : {1, 2}) {
    ASSERT_TRUE(probes.count({"read_bandwidth", threads})) << threads;
    ASSERT_TRUE(probes.count({"fma_peak", threads})) << threads;
    for (const char *test : {"pp4", "pp8", "tg@0", "tg@16"}) {
      auto found = tests.find({test, threads});
      ASSERT_NE(found, tests.end()) << test << " threads " << threads;
      JsonObject &object = found->second;
      bool tg = test[0] == 't';
      double limit = limits[{test, threads}];
      double first = firstProbes[{tg ? "read_bandwidth" : "fma_peak", threads}];
      EXPECT_GE(limit, first) << test;
      EXPECT_DOUBLE_EQ(object.numbers["machine_limit"], limit) << test;
      double work = tg ? object.numbers["bytes_per_token"] : object.numbers["flops_per_token"];
      EXPECT_EQ(work, std::string(test) == "tg@0"    ? 1000
                      : std::string(test) == "tg@16" ? 2000
                                                     : 5e6)
          << test;
      double fraction = object.numbers["tokens_per_s"] * work / (limit * 1e9);
      EXPECT_NEAR(object.numbers["fraction_of_limit"], fraction, fraction * 1e-6) << test;
      // The median run is never faster than the best.
      EXPECT_LE(object.numbers["median_tokens_per_s"], object.numbers["tokens_per_s"]) << test;
      // Each decode run against the probe taken right before it: that probe is at most
      // the limit, so the median of those fractions is at least the median run's
      // fraction of the limit.
      if (tg) {
        double medianOfLimit = object.numbers["median_tokens_per_s"] * work / (limit * 1e9);
        EXPECT_GE(object.numbers["median_fraction_of_run_probe"], medianOfLimit * (1 - 1e-9))
            << test;
      }
    }
  }
}

// Without --bytes-per-token / --flops-per-token the lines have no work or fraction;
// without --json the table goes to stdout.
TEST_F(G4rtBenchMainTest, NoWorkAndTable) {
  RunResult json = run(quick({"--threads-list", "1", "--prompts", "4", "--depths", "2", "--json"}));
  ASSERT_EQ(json.exitCode, 0) << json.err;
  int tests = 0;
  for (const std::string &line : lines(json.out)) {
    std::optional<JsonObject> object = parseFlatJson(line);
    ASSERT_TRUE(object) << line;
    if (object->has("probe"))
      continue;
    ++tests;
    std::set<std::string> keys{
        "model",        "format", "code", "threads", "test", "tokens_per_s", "median_tokens_per_s",
        "machine_limit"};
    if (object->strings["test"].rfind("tg@", 0) == 0)
      keys.insert({"limit_load_bytes", "limit_streams_per_thread"});
    EXPECT_EQ(object->keys(), keys) << line;
    EXPECT_EQ(object->strings["model"], G4RT_FAKE_NAME);
    EXPECT_EQ(object->strings["format"], "unknown");
    EXPECT_EQ(object->strings["code"], "host");
  }
  EXPECT_EQ(tests, 2);

  RunResult table = run(quick({"--threads-list", "1", "--prompts", "4,100", "--depths", "0"}));
  ASSERT_EQ(table.exitCode, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("read GB/s"));
  EXPECT_THAT(table.out, HasSubstr("FMA GFLOP/s"));
  // Each thread count's limit names the read that set it.
  EXPECT_THAT(table.out, HasSubstr("the read that set the limit"));
  EXPECT_THAT(table.out,
              ::testing::ContainsRegex(
                  probesUseAvx2() ? "(32|64)-byte loads, [124] streams? a thread" : "portable C"));
#if defined(__x86_64__)
  // The FMA limit is the stronger of the 8- and 16-lane probes where zmm exists.
  __builtin_cpu_init();
  EXPECT_THAT(table.out, HasSubstr(__builtin_cpu_supports("avx512f")
                                       ? "FMA: best of 3, the better of AVX2 and AVX-512)"
                                       : "FMA: best of 3, AVX2)"));
#endif
  EXPECT_THAT(table.out, HasSubstr("pp4"));
  EXPECT_THAT(table.out, HasSubstr("pp100"));
  EXPECT_THAT(table.out, HasSubstr("skipped"));
  EXPECT_THAT(table.out, HasSubstr("tg@0"));
  EXPECT_THAT(table.out, ::testing::Not(HasSubstr("{\"")));
}

// Decode runs 10 times by default, prefill 3 (the probe is taken 5 times and twice more
// before each decode run); --reps sets both. The table says how many counted.
TEST_F(G4rtBenchMainTest, RunsPerTest) {
  std::vector<std::string> common{"--weights",       *blobFile, "--probe-bytes",  "1048576",
                                  "--decode-tokens", "2",       "--threads-list", "1",
                                  "--prompts",       "4",       "--depths",       "0"};
  RunResult defaults = run(common);
  ASSERT_EQ(defaults.exitCode, 0) << defaults.err;
  EXPECT_THAT(defaults.out,
              HasSubstr("model, best of 3 runs (pp) and 10 (tg: 2 decode steps a run); the "
                        "median run beside it"));
  EXPECT_THAT(defaults.out, HasSubstr("tokens/s     median  of the limit"));
  std::vector<std::string> once = common;
  once.insert(once.end(), {"--reps", "1"});
  RunResult single = run(once);
  ASSERT_EQ(single.exitCode, 0) << single.err;
  EXPECT_THAT(single.out, HasSubstr("model, best of 1 runs (pp) and 1 (tg: 2 decode steps"));
}

// --profile times every parallel_for of one more decode run per thread count and depth,
// and names each site from the program's symbol table: the fake's two task functions,
// once a step each, with their task counts. A depth past the context gets no profile.
TEST_F(G4rtBenchMainTest, DispatchProfile) {
  RunResult result = run(quick({"--threads-list", "1,2", "--prompts", "4,20,64", "--depths",
                                "0,16,100", "--profile", "--json"}));
  ASSERT_EQ(result.exitCode, 0) << result.err;
  for (const char *header : {"dispatch profile, pp4, 1 thread, one prefill of 4 tokens: ",
                             "dispatch profile, pp20, 2 threads, one prefill of 20 tokens: ",
                             "dispatch profile, tg@0, 1 thread, 4 steps: ",
                             "dispatch profile, tg@0, 2 threads, 4 steps: ",
                             "dispatch profile, tg@16, 1 thread, 4 steps: ",
                             "dispatch profile, tg@16, 2 threads, 4 steps: "})
    EXPECT_THAT(result.err, HasSubstr(header));
  // Tests past the context (64 and 100 + 4 positions against 48) have none.
  EXPECT_THAT(result.err, ::testing::Not(HasSubstr("dispatch profile, tg@100")));
  EXPECT_THAT(result.err, ::testing::Not(HasSubstr("dispatch profile, pp64")));
  using Key = std::tuple<std::string, std::string, int>; // site or profile, test, threads
  std::map<Key, JsonObject> sites;
  std::map<Key, JsonObject> profiles;
  for (const std::string &line : lines(result.out)) {
    std::optional<JsonObject> object = parseFlatJson(line);
    ASSERT_TRUE(object) << line;
    int threads = static_cast<int>(object->numbers["threads"]);
    if (object->has("site")) {
      EXPECT_EQ(object->keys(), (std::set<std::string>{"site", "test", "threads", "calls_per_step",
                                                       "tasks_per_call", "us_per_call",
                                                       "wait_us_per_call", "gap_us_per_call"}))
          << line;
      sites[{object->strings["site"], object->strings["test"], threads}] = *object;
    } else if (object->has("profile")) {
      profiles[{"profile", object->strings["profile"], threads}] = *object;
    }
  }
  EXPECT_EQ(profiles.size(), 8u) << result.out;
  for (const char *test : {"tg@0", "tg@16", "pp4", "pp20"}) {
    bool prefill = test[0] == 'p';
    // A prefill of P tokens is one step: ceil(P / 16) calls of at most 16 tokens, each
    // storing its tokens and computing G4RT_FAKE_SLICES logit tasks a token.
    int calls = std::string(test) == "pp20" ? 2 : 1;
    int tokens = std::string(test) == "pp20" ? 20 : prefill ? 4 : 1;
    for (int threads : {1, 2}) {
      SCOPED_TRACE(std::string(test) + ", threads " + std::to_string(threads));
      auto profile = profiles.find({"profile", test, threads});
      ASSERT_NE(profile, profiles.end()) << result.out;
      JsonObject &numbers = profile->second;
      EXPECT_EQ(numbers.numbers["steps"], prefill ? 1 : 4);
      EXPECT_EQ(numbers.numbers["sites"], 2);
      EXPECT_GT(numbers.numbers["step_us"], 0);
      EXPECT_LE(numbers.numbers["in_loops_us"] + numbers.numbers["gaps_us"],
                numbers.numbers["step_us"] * 1.0001);
      EXPECT_LE(numbers.numbers["wait_us"], numbers.numbers["in_loops_us"]);
      for (auto [name, tasks] : {std::pair<const char *, int>{"store_task", tokens},
                                 {"logits_task", tokens * G4RT_FAKE_SLICES}}) {
        auto found = sites.find({name, test, threads});
        ASSERT_NE(found, sites.end()) << name << " not among the sites:\n" << result.out;
        EXPECT_EQ(found->second.numbers["calls_per_step"], calls) << name;
        EXPECT_EQ(found->second.numbers["tasks_per_call"], double(tasks) / calls) << name;
        EXPECT_GE(found->second.numbers["us_per_call"], 0) << name;
      }
    }
  }
}

// --profile profiles the tests the run measures, and only those: here prefill alone.
TEST_F(G4rtBenchMainTest, DispatchProfileOfPrefillAlone) {
  RunResult result =
      run(quick({"--threads-list", "1", "--prompts", "4", "--depths=", "--profile"}));
  ASSERT_EQ(result.exitCode, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("dispatch profile, pp4, 1 thread, one prefill of 4 tokens: "));
  EXPECT_THAT(result.out, ::testing::Not(HasSubstr("tg@")));
}

// A stripped program has no symbol table to name the sites: the profile still runs and
// shows each site by its address.
TEST_F(G4rtBenchMainTest, DispatchProfileOfAStrippedProgram) {
  std::string strip = G4RT_STRIP;
  if (strip.empty())
    GTEST_SKIP() << "CMake found no strip tool";
  std::string stripped = *dir + "/fake-bench-stripped";
  RunResult stripping = runProgram(strip, {"-o", stripped, G4RT_FAKE_BENCH});
  ASSERT_EQ(stripping.exitCode, 0) << strip << ": " << stripping.err;
  RunResult result = runProgram(stripped, quick({"--threads-list", "2", "--prompts", "4",
                                                 "--depths", "0", "--profile", "--json"}));
  ASSERT_EQ(result.exitCode, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("(no symbol table: sites by address)"));
  int sites = 0;
  for (const std::string &line : lines(result.out)) {
    std::optional<JsonObject> object = parseFlatJson(line);
    ASSERT_TRUE(object) << line;
    if (!object->has("site"))
      continue;
    ++sites;
    EXPECT_EQ(object->strings["site"].rfind("0x", 0), 0u) << line;
  }
  EXPECT_EQ(sites, 4); // the fake's two task functions in pp4's profile and in tg@0's
}

TEST_F(G4rtBenchMainTest, Help) {
  RunResult result = run({"--help"});
  EXPECT_EQ(result.exitCode, 0);
  EXPECT_THAT(result.out, HasSubstr("compiled model fake-g4 (vocab 32, max context 48)"));
  for (const char *flag : {"--weights", "--threads-list", "--prompts", "--depths",
                           "--decode-tokens", "--reps", "--bytes-per-token", "--flops-per-token",
                           "--model", "--format", "--code", "--json", "--probe-bytes", "--profile"})
    EXPECT_THAT(result.out, HasSubstr(flag));
}

TEST_F(G4rtBenchMainTest, BadArguments) {
  const std::string &w = *blobFile;
  expectError(run({}), 2, {"--weights is required"});
  expectError(run({"--weights", w, "--bogus", "1"}), 2, {"unknown flag '--bogus'"});
  expectError(run({"--weights", w, "stray"}), 2, {"unexpected argument 'stray'"});
  expectError(run({"--weights", w, "--profile=1"}), 2, {"--profile takes no value"});
  expectError(run({"--weights"}), 2, {"--weights needs a value"});
  expectError(run({"--weights", w, "--threads-list", "0"}), 2,
              {"--threads-list: 0 is out of range [1, 1024]"});
  expectError(run({"--weights", w, "--threads-list", "1,abc"}), 2,
              {"--threads-list: malformed value 'abc'"});
  expectError(run({"--weights", w, "--threads-list", "1,,2"}), 2,
              {"--threads-list: malformed list"});
  expectError(run({"--weights", w, "--threads-list", ""}), 2, {"--threads-list: empty list"});
  expectError(run({"--weights", w, "--prompts", "0"}), 2, {"--prompts: 0 is out of range"});
  expectError(run({"--weights", w, "--depths", "-1"}), 2, {"--depths: -1 is out of range"});
  expectError(run({"--weights", w, "--decode-tokens", "0"}), 2, {"--decode-tokens"});
  expectError(run({"--weights", w, "--reps", "0"}), 2, {"--reps: 0 is out of range"});
  expectError(run({"--weights", w, "--reps", "2x"}), 2, {"--reps: malformed value '2x'"});
  expectError(run({"--weights", w, "--bytes-per-token", "1000"}), 2,
              {"--bytes-per-token has 1 values but --depths has 2"});
  expectError(run({"--weights", w, "--bytes-per-token", "-5,3"}), 2,
              {"--bytes-per-token: -5 must be > 0"});
  expectError(run({"--weights", w, "--flops-per-token", "nan"}), 2, {"--flops-per-token"});
  expectError(run({"--weights", w, "--probe-bytes", "10"}), 2,
              {"--probe-bytes: 10 is out of range [65536"});
  expectError(run({"--weights", w, "--json=1"}), 2, {"--json takes no value"});
  expectError(run({"--weights", w, "--prompts", "", "--depths", ""}), 2, {"nothing to measure"});

  std::string missing = *dir + "/missing.g4w";
  expectError(run({"--weights", missing}), 1, {"cannot load the weights", missing});
  std::string stale = *dir + "/stale.g4w";
  g4_weights_header_t header = fakeHeader();
  header.fingerprint = 42;
  writeFile(stale, makeBlob(header, G4RT_FAKE_WEIGHTS_BYTES));
  expectError(run({"--weights", stale}), 1,
              {stale, "fingerprint expected 0x6734666b65000001, found 0x2a"});
}

} // namespace
} // namespace g4rt::test
