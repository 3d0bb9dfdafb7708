//===- ExeMainTest.cpp - The compiled-model executable's command line ------===//
//
// Runs the fake model linked with g4rt_main (built by CMake exactly as g4c links a
// real model), with its weights appended by appendBlob(), and checks stdout, stderr
// and the exit status for good and bad command lines.
//
//===----------------------------------------------------------------------===//
#include "tests/unit/runtime/FakeModel.h"
#include "tests/unit/runtime/RuntimeTestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace g4rt::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string joined(const std::vector<int32_t> &ids) {
  std::ostringstream out;
  for (size_t i = 0; i < ids.size(); ++i)
    out << (i ? " " : "") << ids[i];
  return out.str() + "\n";
}

class G4rtExeMainTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir = new std::string(makeTempDir());
    exe = new std::string(*dir + "/fake-model");
    blobFile = new std::string(*dir + "/fake.g4w");
    appendBlob(G4RT_FAKE_EXE, fakeBlob(), *exe);
    writeFile(*blobFile, fakeBlob());
  }
  static void TearDownTestSuite() {
    removeTempDir(*dir);
    delete dir;
    delete exe;
    delete blobFile;
  }

  /// Runs the self-contained executable and checks it did not crash.
  static RunResult run(const std::vector<std::string> &args,
                       const std::vector<std::string> &env = {}, const std::string &program = "") {
    RunResult result = runProgram(program.empty() ? *exe : program, args, env);
    EXPECT_EQ(result.signal, 0) << "crashed; stderr: " << result.err;
    return result;
  }

  static std::string *dir, *exe, *blobFile;
};

std::string *G4rtExeMainTest::dir, *G4rtExeMainTest::exe, *G4rtExeMainTest::blobFile;

TEST_F(G4rtExeMainTest, Help) {
  RunResult result = run({"--help"});
  EXPECT_EQ(result.exitCode, 0);
  EXPECT_THAT(result.out, HasSubstr("compiled model fake-g4 (vocab 32, max context 48)"));
  for (const char *flag :
       {"--tokens", "--max-new-tokens", "--greedy", "--temperature", "--top-k", "--top-p", "--seed",
        "--dump-logits", "--prefill-chunk", "--threads", "--max-context", "--weights", "--mmap"})
    EXPECT_THAT(result.out, HasSubstr(flag));
  EXPECT_THAT(result.out, HasSubstr("run the model on N threads, 1 <= N <= 1024"));
  EXPECT_THAT(result.out, HasSubstr("one per available processor"));
  EXPECT_THAT(result.out, Not(HasSubstr("calling thread")));
  EXPECT_EQ(result.err, "");
  // Help needs no weights.
  EXPECT_EQ(run({"--help"}, {}, G4RT_FAKE_EXE).exitCode, 0);
}

TEST_F(G4rtExeMainTest, GreedyMatchesTheReference) {
  RunResult result = run({"--tokens", "2,17,5", "--max-new-tokens", "6", "--greedy"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out, joined(fakeGreedy({2, 17, 5}, 6)));
  EXPECT_EQ(result.err, "");
}

// Without --max-new-tokens, 32 ids are generated (for a prompt that never hits eos).
TEST_F(G4rtExeMainTest, DefaultMaxNewTokensIs32) {
  for (int32_t first = 0; first < G4RT_FAKE_VOCAB; ++first) {
    std::vector<int32_t> expected = fakeGreedy({first}, 32);
    if (expected.size() != 32)
      continue;
    RunResult result = run({"--tokens", std::to_string(first), "--greedy"});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(result.out, joined(expected));
    return;
  }
  FAIL() << "no one-token prompt avoids eos for 32 tokens";
}

// Generation stops once the eos id is produced, and prints it.
TEST_F(G4rtExeMainTest, StopsAtEos) {
  for (int32_t first = 0; first < G4RT_FAKE_VOCAB; ++first) {
    std::vector<int32_t> expected = fakeGreedy({first, 9}, 20);
    if (expected.size() == 20 || expected.size() < 2)
      continue;
    ASSERT_EQ(expected.back(), G4RT_FAKE_EOS);
    RunResult result =
        run({"--tokens", std::to_string(first) + ",9", "--max-new-tokens", "20", "--greedy"});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(result.out, joined(expected));
    return;
  }
  FAIL() << "no prompt reaches eos";
}

// Every chunking gives the same ids and the same logits dump; chunk 1 runs the prompt
// through decode only.
TEST_F(G4rtExeMainTest, PrefillChunksAndDecodeAgree) {
  std::vector<int32_t> prompt{2, 17, 5, 31, 0};
  std::vector<float> reference = fakePromptLogits(prompt);
  std::string referenceBytes(reinterpret_cast<const char *>(reference.data()),
                             reference.size() * sizeof(float));
  std::string expectedOut = joined(fakeGreedy(prompt, 8));
  for (const char *chunk : {"", "1", "2", "3", "100"}) {
    std::string dump = *dir + "/logits-" + chunk + ".f32";
    std::vector<std::string> args{
        "--tokens", "2,17,5,31,0", "--max-new-tokens", "8", "--greedy", "--dump-logits", dump};
    if (*chunk) {
      args.push_back("--prefill-chunk");
      args.push_back(chunk);
    }
    RunResult result = run(args, {"G4RT_FAKE_TRACE=1"});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(result.out, expectedOut) << "chunk " << chunk;
    EXPECT_EQ(readFile(dump), referenceBytes) << "chunk " << chunk;
    if (std::string(chunk) == "1") {
      EXPECT_THAT(result.err, Not(HasSubstr("fake prefill")));
      EXPECT_THAT(result.err, HasSubstr("fake decode start=4 n=1"));
    }
    if (std::string(chunk) == "2") {
      EXPECT_THAT(result.err, HasSubstr("fake prefill start=0 n=2\n"
                                        "fake prefill start=2 n=2\n"
                                        "fake prefill start=4 n=1\n"
                                        "fake decode start=5 n=1\n"));
    }
  }
}

TEST_F(G4rtExeMainTest, SamplingIsSeeded) {
  std::vector<std::string> args{"--tokens", "2,17", "--max-new-tokens", "12", "--temperature", "5",
                                "--top-k",  "0",    "--top-p",          "1"};
  auto withSeed = [&](const char *seed) {
    std::vector<std::string> all = args;
    all.push_back("--seed");
    all.push_back(seed);
    RunResult result = run(all);
    EXPECT_EQ(result.exitCode, 0) << result.err;
    return result.out;
  };
  EXPECT_EQ(withSeed("1"), withSeed("1"));
  EXPECT_NE(withSeed("1"), withSeed("2"));
  // Defaults (temperature 1, top-k 64, top-p 0.95, seed 0) run too.
  EXPECT_EQ(run({"--tokens", "2,17", "--max-new-tokens", "3"}).exitCode, 0);
}

TEST_F(G4rtExeMainTest, ZeroNewTokensPrintsAnEmptyLine) {
  RunResult result = run({"--tokens", "2", "--max-new-tokens", "0"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out, "\n");
}

TEST_F(G4rtExeMainTest, ThreadsAndEqualsSyntaxAreAccepted) {
  std::string expected = joined(fakeGreedy({2, 17}, 4));
  RunResult result = run({"--tokens=2,17", "--max-new-tokens=4", "--greedy", "--threads", "4"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out, expected);
  EXPECT_EQ(result.err, "");
}

// The output (ids and the logits dump) is bit-identical for every thread count,
// greedy or sampled, whole prompt or chunked; the pool reaches the model calls.
TEST_F(G4rtExeMainTest, ThreadCountsGiveIdenticalOutput) {
  std::vector<int32_t> prompt{2, 17, 5, 31, 0, 9};
  std::vector<float> reference = fakePromptLogits(prompt);
  std::string referenceBytes(reinterpret_cast<const char *>(reference.data()),
                             reference.size() * sizeof(float));
  struct Mode {
    std::vector<std::string> args;
    std::string expected; // empty: compare across thread counts only
  };
  const Mode modes[] = {
      {{"--greedy"}, joined(fakeGreedy(prompt, 10))},
      {{"--greedy", "--prefill-chunk", "2"}, joined(fakeGreedy(prompt, 10))},
      {{"--temperature", "3", "--top-k", "0", "--top-p", "1", "--seed", "7"}, ""},
  };
  for (const Mode &mode : modes) {
    std::string first;
    for (const char *threads : {"", "1", "2", "4"}) {
      SCOPED_TRACE(::testing::PrintToString(mode.args) + " threads '" + threads + "'");
      std::string dump = *dir + "/threads-" + threads + ".f32";
      std::vector<std::string> args{"--tokens", "2,17,5,31,0,9", "--max-new-tokens",
                                    "10",       "--dump-logits", dump};
      args.insert(args.end(), mode.args.begin(), mode.args.end());
      if (*threads) {
        args.push_back("--threads");
        args.push_back(threads);
      }
      RunResult result = run(args, {"G4RT_FAKE_TRACE_PARALLEL=1"});
      EXPECT_EQ(result.exitCode, 0) << result.err;
      EXPECT_THAT(result.err, HasSubstr("fake parallel=pool\n"));
      EXPECT_THAT(result.err, Not(HasSubstr("fake parallel=none")));
      EXPECT_EQ(readFile(dump), referenceBytes);
      if (!mode.expected.empty())
        EXPECT_EQ(result.out, mode.expected);
      if (first.empty())
        first = result.out;
      EXPECT_EQ(result.out, first);
    }
  }
}

TEST_F(G4rtExeMainTest, MaxContext) {
  RunResult fits =
      run({"--tokens", "2,17,5", "--max-new-tokens", "2", "--max-context", "5", "--greedy"});
  EXPECT_EQ(fits.exitCode, 0) << fits.err;
  EXPECT_EQ(fits.out, joined(fakeGreedy({2, 17, 5}, 2)));
  expectError(run({"--tokens", "2,17,5", "--max-new-tokens", "3", "--max-context", "5"}), 2,
              {"the prompt (3 tokens) + --max-new-tokens (3) = 6 exceeds the context of 5"});
  expectError(run({"--tokens", "2", "--max-context", "49"}), 2,
              {"--max-context 49 exceeds the compiled max context 48"});
}

struct BadCommandLine {
  std::vector<std::string> args;
  std::vector<std::string> messages;
};

// Command-line mistakes: exit code 2, "error: ..." on stderr naming the problem.
TEST_F(G4rtExeMainTest, BadCommandLines) {
  const BadCommandLine cases[] = {
      {{"--tokens", "2,40"}, {"token id 40", "the vocab has 32 ids"}},
      {{"--tokens", ""}, {"empty prompt"}},
      {{"--greedy"}, {"--tokens is required"}},
      {{"--tokens", "2,,3"}, {"--tokens: malformed list '2,,3'"}},
      {{"--tokens", "2,x"}, {"malformed token id 'x'"}},
      {{"--tokens", "-1"}, {"token id -1"}},
      {{"--tokens", "99999999999"}, {"token id 99999999999"}},
      {{"--tokens", "2", "--max-new-tokens", "48"},
       {"the prompt (1 tokens) + --max-new-tokens (48) = 49 exceeds the context of 48"}},
      {{"--tokens", "2", "--bogus", "1"}, {"unknown flag '--bogus'"}},
      {{"--tokens", "2", "extra"}, {"unexpected argument 'extra'"}},
      {{"--tokens", "2", "--max-new-tokens", "3x"}, {"--max-new-tokens: malformed value '3x'"}},
      {{"--tokens", "2", "--max-new-tokens", " 3"}, {"malformed value ' 3'"}},
      {{"--tokens", "2", "--top-p", "1.5"}, {"--top-p: 1.5 must be in (0, 1]"}},
      {{"--tokens", "2", "--top-p", "nan"}, {"--top-p: malformed value 'nan'"}},
      {{"--tokens", "2", "--temperature", "-1"}, {"--temperature: -1 must be >= 0"}},
      {{"--tokens", "2", "--temperature", "warm"}, {"--temperature: malformed value 'warm'"}},
      {{"--tokens", "2", "--top-k", "-1"}, {"--top-k: -1 is out of range"}},
      {{"--tokens", "2", "--seed", "-5"}, {"--seed: malformed value '-5'"}},
      {{"--tokens", "2", "--threads", "0"}, {"--threads: 0 is out of range [1, 1024]"}},
      {{"--tokens", "2", "--threads", "-3"}, {"--threads: -3 is out of range"}},
      {{"--tokens", "2", "--threads", "1025"}, {"--threads: 1025 is out of range"}},
      {{"--tokens", "2", "--threads", "abc"}, {"--threads: malformed value 'abc'"}},
      {{"--tokens", "2", "--threads=2x"}, {"--threads: malformed value '2x'"}},
      {{"--tokens", "2", "--threads"}, {"--threads needs a value"}},
      {{"--tokens", "2", "--prefill-chunk", "0"}, {"--prefill-chunk: 0 is out of range"}},
      {{"--tokens", "2", "--max-context", "0"}, {"--max-context: 0 is out of range"}},
      {{"--tokens"}, {"--tokens needs a value"}},
      {{"--tokens", "2", "--greedy=yes"}, {"--greedy takes no value"}},
  };
  for (const BadCommandLine &bad : cases) {
    SCOPED_TRACE(::testing::PrintToString(bad.args));
    expectError(run(bad.args), 2, bad.messages);
  }
}

// Weights that cannot be used: exit code 1 with the reason.
TEST_F(G4rtExeMainTest, NoTrailer) {
  expectError(run({"--tokens", "2"}, {}, G4RT_FAKE_EXE), 1,
              {"cannot load the weights", "\"G4TRAIL2\" not found"});
}

TEST_F(G4rtExeMainTest, BadTrailerMagic) {
  std::string bad = *dir + "/bad-magic";
  g4_exe_trailer_t trailer;
  std::memset(&trailer, 0, sizeof(trailer));
  std::memcpy(trailer.magic, "G4TRAILX", 8);
  appendBlob(G4RT_FAKE_EXE, fakeBlob(), bad, &trailer);
  expectError(run({"--tokens", "2"}, {}, bad), 1, {"\"G4TRAIL2\" not found"});
}

TEST_F(G4rtExeMainTest, HeaderMismatch) {
  std::string bad = *dir + "/wrong-fingerprint";
  g4_weights_header_t header = fakeHeader();
  header.fingerprint = 42;
  appendBlob(G4RT_FAKE_EXE, makeBlob(header, G4RT_FAKE_WEIGHTS_BYTES), bad);
  expectError(run({"--tokens", "2"}, {}, bad), 1,
              {"weights from this executable do not fit the model",
               "fingerprint expected 0x6734666b65000001, found 0x2a"});
}

// The weights read into huge pages (the default) and mapped (--mmap) give the same
// tokens, from the appended blob and from a separate file.
TEST_F(G4rtExeMainTest, MappedWeightsGiveTheSameTokens) {
  for (std::vector<std::string> source :
       {std::vector<std::string>{}, std::vector<std::string>{"--weights", *blobFile}}) {
    std::vector<std::string> args{"--tokens", "2,17", "--max-new-tokens", "5", "--greedy"};
    args.insert(args.end(), source.begin(), source.end());
    RunResult copied = run(args);
    args.push_back("--mmap");
    RunResult mapped = run(args);
    EXPECT_EQ(copied.exitCode, 0) << copied.err;
    EXPECT_EQ(mapped.exitCode, 0) << mapped.err;
    EXPECT_EQ(copied.out, joined(fakeGreedy({2, 17}, 5)));
    EXPECT_EQ(mapped.out, copied.out);
  }
  expectError(run({"--tokens", "2", "--mmap=1"}), 2, {"--mmap takes no value"});
}

// --weights FILE replaces the appended blob (the executable needs none then).
TEST_F(G4rtExeMainTest, SeparateWeightsFile) {
  RunResult result =
      run({"--tokens", "2,17", "--max-new-tokens", "5", "--greedy", "--weights", *blobFile}, {},
          G4RT_FAKE_EXE);
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out, joined(fakeGreedy({2, 17}, 5)));

  std::string missing = *dir + "/missing.g4w";
  expectError(run({"--tokens", "2", "--weights", missing}, {}, G4RT_FAKE_EXE), 1,
              {"cannot load the weights", missing});

  std::string stale = *dir + "/stale.g4w";
  g4_weights_header_t header = fakeHeader();
  header.version = 9;
  writeFile(stale, makeBlob(header, G4RT_FAKE_WEIGHTS_BYTES));
  expectError(run({"--tokens", "2", "--weights", stale}, {}, G4RT_FAKE_EXE), 1,
              {stale, "version expected 1, found 9"});
}

TEST_F(G4rtExeMainTest, UnwritableDump) {
  expectError(run({"--tokens", "2", "--dump-logits", *dir + "/no/such/dir/x.f32"}), 1,
              {"cannot open --dump-logits file"});
}

} // namespace
} // namespace g4rt::test
