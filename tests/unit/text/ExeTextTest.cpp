//===- ExeTextTest.cpp - The executable's --prompt and --chat modes --------===//
//
// The fake model (tests/unit/runtime/FakeModel.h: deterministic logits that depend on
// every token in the KV cache) linked with g4rt_main exactly as g4c links a model, with
// its weights and a text section appended: a 32-id tokenizer with Gemma 4's markers,
// built and packed here (TokenizerTestSupport). The expected output is computed from
// the fake model's formula (fakeGreedy) and the same tokenizer.
//
//===----------------------------------------------------------------------===//
#include "compiler/Tokenizer/TextAssets.h"
#include "runtime/g4rt/text/chat.h"

#include "tests/unit/runtime/FakeModel.h"
#include "tests/unit/runtime/RuntimeTestSupport.h"
#include "tests/unit/tokenizer/TokenizerTestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace g4::test {
namespace {

using g4rt::test::RunResult;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const std::string kMeta = "\xE2\x96\x81";

/// 32 ids, the fake model's vocabulary: <pad> <eos> <bos> <unk>, then <|turn> 4,
/// <turn|> 5, "\n" 6, <|think|> 7, <|channel> 8, <channel|> 9, then letters and a few
/// merges ("user", "model", "hi"). No byte fallback: other characters are <unk>.
TinyTokenizer fakeTokenizer(bool chatMarkers = true) {
  TinyTokenizer t;
  t.byteFallback = false;
  if (chatMarkers)
    t.added = {{"<|turn>", true},   {"<turn|>", true},    {"\n", false},
               {"<|think|>", true}, {"<|channel>", true}, {"<channel|>", true}};
  t.pieces = {"u", "s",   "e", "r",  "m",  "o",    "d",  "l",   "y",  "t",     "h",
              "i", kMeta, "a", "us", "er", "user", "mo", "mod", "el", "model", "hi"};
  t.merges = {{"u", "s"},  {"e", "r"}, {"us", "er"},  {"m", "o"},
              {"mo", "d"}, {"e", "l"}, {"mod", "el"}, {"h", "i"}};
  if (!chatMarkers) {
    t.pieces = {"u", "s", "e", "r",   "m", "o",  "d",  "l",    "y",
                "t", "h", "i", kMeta, "a", "us", "er", "user", "hi"};
    t.merges = {{"u", "s"}, {"e", "r"}, {"us", "er"}, {"h", "i"}};
  }
  return t;
}

constexpr int32_t kTurnEnd = 5;

/// The text section for `tiny` with `generation` (stop ids: the fake's eos 1, <turn|>).
std::vector<uint8_t> textSection(const TinyTokenizer &tiny,
                                 const GenerationDefaults &generation = {}) {
  llvm::Expected<TokenizerSpec> spec = parseTokenizerJson(tiny.json(), "fake/tokenizer.json");
  EXPECT_TRUE(bool(spec)) << llvm::toString(spec.takeError());
  llvm::Expected<PackedTokenizer> packed = packTokenizer(*spec);
  EXPECT_TRUE(bool(packed)) << llvm::toString(packed.takeError());
  llvm::Expected<TextAssets> assets = makeTextAssets(
      std::move(*packed), generation, false, G4RT_FAKE_VOCAB, G4RT_FAKE_EOS, "fake/tokenizer.json");
  EXPECT_TRUE(bool(assets)) << llvm::toString(assets.takeError());
  std::string section = buildTextSection(*assets);
  return std::vector<uint8_t>(section.begin(), section.end());
}

std::string joined(const std::vector<int32_t> &ids, const char *separator = " ") {
  std::ostringstream out;
  for (size_t i = 0; i < ids.size(); ++i)
    out << (i ? separator : "") << ids[i];
  return out.str();
}

class G4ExeTextTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir = new std::string(g4rt::test::makeTempDir());
    exe = new std::string(*dir + "/text-model");
    tokenizer = new LoadedTokenizer(fakeTokenizer());
    g4rt::test::appendBlob(G4RT_FAKE_TEXT_EXE, g4rt::test::fakeBlob(), *exe, nullptr,
                           textSection(fakeTokenizer()));
  }
  static void TearDownTestSuite() {
    g4rt::test::removeTempDir(*dir);
    delete dir;
    delete exe;
    delete tokenizer;
  }

  static RunResult run(const std::vector<std::string> &args,
                       const std::optional<std::string> &input = std::nullopt,
                       const std::vector<std::string> &env = {}, const std::string &program = "") {
    RunResult result = g4rt::test::runProgram(program.empty() ? *exe : program, args, env, input);
    EXPECT_EQ(result.signal, 0) << "crashed; stderr: " << result.err;
    return result;
  }

  /// The greedy answer to `context`: fakeGreedy up to (not including) the first stop id.
  struct Answer {
    std::vector<int32_t> shown; // printed as text
    bool stopped = false;       // ended on a stop id (not printed, not fed)
  };
  static Answer greedyAnswer(const std::vector<int32_t> &context, int64_t maxNew) {
    Answer answer;
    for (int32_t id : g4rt::test::fakeGreedy(context, maxNew)) {
      if (id == G4RT_FAKE_EOS || id == kTurnEnd) {
        answer.stopped = true;
        break;
      }
      answer.shown.push_back(id);
    }
    return answer;
  }

  static std::vector<int32_t> encode(const std::string &text, bool bos = false) {
    return tokenizer->encode(text, bos);
  }
  static std::string text(const std::vector<int32_t> &ids) { return tokenizer->decode(ids); }

  static std::string *dir, *exe;
  static LoadedTokenizer *tokenizer;
};

std::string *G4ExeTextTest::dir, *G4ExeTextTest::exe;
LoadedTokenizer *G4ExeTextTest::tokenizer;

// --prompt encodes (BOS first) and generates exactly what --tokens does with those ids;
// the text is the decoded ids up to a stop id, then a newline.
TEST_F(G4ExeTextTest, PromptMatchesTokens) {
  std::vector<int32_t> ids = encode("hi user", /*bos=*/true);
  ASSERT_EQ(ids.front(), 2);
  RunResult tokens = run({"--tokens", joined(ids, ","), "--greedy", "--max-new-tokens", "12"});
  ASSERT_EQ(tokens.exitCode, 0) << tokens.err;
  EXPECT_EQ(tokens.out, joined(g4rt::test::fakeGreedy(ids, 12)) + "\n");

  RunResult prompt =
      run({"--prompt", "hi user", "--greedy", "--max-new-tokens", "12", "--verbose"});
  ASSERT_EQ(prompt.exitCode, 0) << prompt.err;
  Answer answer = greedyAnswer(ids, 12);
  EXPECT_EQ(prompt.out, text(answer.shown) + "\n");
  EXPECT_THAT(prompt.err, HasSubstr("prompt ids: " + joined(ids) + "\n"));
  EXPECT_THAT(prompt.err, HasSubstr("tokenizer: 32 ids"));
  EXPECT_THAT(prompt.err, HasSubstr("loaded in "));
  // Without --verbose stderr stays empty.
  RunResult quiet = run({"--prompt", "hi user", "--greedy", "--max-new-tokens", "12"});
  EXPECT_EQ(quiet.out, prompt.out);
  EXPECT_EQ(quiet.err, "");
}

// Each token's text is written (and flushed) before the next model call.
TEST_F(G4ExeTextTest, Streams) {
  std::vector<int32_t> ids = encode("hi user", true);
  Answer answer = greedyAnswer(ids, 6);
  ASSERT_GE(answer.shown.size(), 3u) << "pick a prompt whose answer has a few tokens";
  RunResult merged = g4rt::test::runProgram(
      "/bin/sh", {"-c", "G4RT_FAKE_TRACE=1 '" + *exe +
                            "' --prompt 'hi user' --greedy --max-new-tokens 6 2>&1"});
  ASSERT_EQ(merged.exitCode, 0) << merged.out;
  // The first token's text comes before the decode call that feeds it.
  std::string first = text({answer.shown[0]});
  size_t printed =
      merged.out.find("fake prefill start=0 n=" + std::to_string(ids.size()) + "\n" + first);
  EXPECT_NE(printed, std::string::npos) << merged.out;
  EXPECT_THAT(merged.out, HasSubstr(first + "fake decode start=" + std::to_string(ids.size())));
}

// Two turns on stdin: the second feeds only its own tokens (after the first answer's),
// at the position where the first left off, so the KV cache carries the conversation.
TEST_F(G4ExeTextTest, ChatKeepsTheKvCache) {
  const int64_t budget = 3;
  std::vector<int32_t> turn1 = encode("<bos><|turn>user\nhi<turn|>\n<|turn>model\n");
  Answer answer1 = greedyAnswer(turn1, budget);
  // What the first answer left in the cache, and what the second turn feeds.
  std::vector<int32_t> history = turn1;
  std::vector<int32_t> turn2;
  if (answer1.stopped) {
    history.insert(history.end(), answer1.shown.begin(), answer1.shown.end());
  } else {
    ASSERT_EQ(answer1.shown.size(), size_t(budget));
    history.insert(history.end(), answer1.shown.begin(), answer1.shown.end() - 1);
    turn2.push_back(answer1.shown.back()); // sampled last, not yet fed
  }
  std::vector<int32_t> rest = encode("<turn|>\n<|turn>user\nuser<turn|>\n<|turn>model\n");
  turn2.insert(turn2.end(), rest.begin(), rest.end());
  std::vector<int32_t> full = history;
  full.insert(full.end(), turn2.begin(), turn2.end());
  Answer answer2 = greedyAnswer(full, budget);

  RunResult result =
      run({"--chat", "--greedy", "--max-new-tokens", std::to_string(budget), "--verbose"},
          "hi\n\n  \nuser\n", {"G4RT_FAKE_TRACE=1"});
  ASSERT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out, text(answer1.shown) + "\n" + text(answer2.shown) + "\n");
  EXPECT_THAT(result.err, HasSubstr("turn 1: " + std::to_string(turn1.size()) +
                                    " tokens at position 0: " + joined(turn1) + "\n"));
  EXPECT_THAT(result.err,
              HasSubstr("turn 2: " + std::to_string(turn2.size()) + " tokens at position " +
                        std::to_string(history.size()) + ": " + joined(turn2) + "\n"));
  EXPECT_THAT(result.err, HasSubstr("fake prefill start=" + std::to_string(history.size()) +
                                    " n=" + std::to_string(turn2.size()) + "\n"));
  // Blank lines are skipped: two turns, one prefill from position 0.
  EXPECT_THAT(result.err, Not(HasSubstr("turn 3")));
  size_t first = result.err.find("fake prefill start=0");
  EXPECT_NE(first, std::string::npos);
  EXPECT_EQ(result.err.find("fake prefill start=0", first + 1), std::string::npos);

  // The same conversation as one --tokens prompt gives the same second answer.
  RunResult tokens =
      run({"--tokens", joined(full, ","), "--greedy", "--max-new-tokens", std::to_string(budget)});
  ASSERT_EQ(tokens.exitCode, 0) << tokens.err;
  EXPECT_THAT(tokens.out, StartsWith(joined(answer2.shown)));
}

// --system and --think put the system turn first, in the template's format.
TEST_F(G4ExeTextTest, SystemAndThinking) {
  RunResult result =
      run({"--chat", "--system", "  be short ", "--greedy", "--max-new-tokens", "2", "--verbose"},
          "hi\n");
  ASSERT_EQ(result.exitCode, 0) << result.err;
  std::vector<int32_t> ids =
      encode("<bos><|turn>system\nbe short<turn|>\n<|turn>user\nhi<turn|>\n<|turn>model\n");
  EXPECT_EQ(std::vector<int32_t>(ids.begin(), ids.begin() + 3),
            std::vector<int32_t>({2, 4, tokenizer->id("s")}));
  EXPECT_THAT(result.err, HasSubstr("turn 1: " + std::to_string(ids.size()) +
                                    " tokens at position 0: " + joined(ids) + "\n"));

  result = run({"--chat", "--think", "--greedy", "--max-new-tokens", "2", "--verbose"}, "hi\n");
  ASSERT_EQ(result.exitCode, 0) << result.err;
  ids = encode("<bos><|turn>system\n<|think|>\n<turn|>\n<|turn>user\nhi<turn|>\n<|turn>model\n");
  EXPECT_THAT(result.err, HasSubstr(": " + joined(ids) + "\n"));
  EXPECT_NE(std::find(ids.begin(), ids.end(), 7), ids.end()); // <|think|>
}

// Generation ends at <turn|> (or <eos>): the stop id is neither printed nor fed, and the
// next turn starts by feeding it.
TEST_F(G4ExeTextTest, StopsAtEndOfTurn) {
  const std::vector<std::string> candidates = {"hi",   "user", "model", "a",   "my",
                                               "us",   "sea",  "tea",   "ham", "lid",
                                               "road", "say",  "dim",   "mode"};
  for (const std::string &line : candidates) {
    std::vector<int32_t> turn1 = encode("<bos><|turn>user\n" + line + "<turn|>\n<|turn>model\n");
    std::vector<int32_t> all = g4rt::test::fakeGreedy(turn1, 20);
    auto stop = std::find_if(all.begin(), all.end(),
                             [](int32_t id) { return id == kTurnEnd || id == G4RT_FAKE_EOS; });
    if (stop == all.end() || *stop != kTurnEnd)
      continue;
    SCOPED_TRACE("user line '" + line + "'");
    std::vector<int32_t> shown(all.begin(), stop);
    RunResult result = run({"--chat", "--greedy", "--max-new-tokens", "20", "--verbose"},
                           line + "\nhi\n", {"G4RT_FAKE_TRACE=1"});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    EXPECT_THAT(result.out, StartsWith(text(shown) + "\n"));
    std::vector<int32_t> generated = shown;
    generated.push_back(kTurnEnd);
    EXPECT_THAT(result.err, HasSubstr("generated ids: " + joined(generated) + "\n"));
    // Turn 2 begins with <turn|> itself, at the position after the shown tokens.
    int64_t position = int64_t(turn1.size() + shown.size());
    std::vector<int32_t> turn2 = encode("<turn|>\n<|turn>user\nhi<turn|>\n<|turn>model\n");
    EXPECT_THAT(result.err,
                HasSubstr("turn 2: " + std::to_string(turn2.size()) + " tokens at position " +
                          std::to_string(position) + ": " + joined(turn2) + "\n"));
    EXPECT_EQ(turn2.front(), kTurnEnd);
    return;
  }
  FAIL() << "no candidate line makes the fake model end its turn";
}

// The same seed gives the same text; other seeds give other texts.
TEST_F(G4ExeTextTest, SeedsAreReproducible) {
  auto sample = [&](const std::string &seed) {
    RunResult result = run({"--prompt", "hi", "--temperature", "4", "--top-k", "0", "--top-p", "1",
                            "--max-new-tokens", "10", "--seed", seed, "--verbose"});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    size_t at = result.err.find("generated ids:");
    return result.out + result.err.substr(at, result.err.find('\n', at) - at);
  };
  std::string first = sample("11");
  EXPECT_EQ(sample("11"), first);
  bool differs = false;
  for (const char *seed : {"12", "13", "14", "15"})
    differs = differs || sample(seed) != first;
  EXPECT_TRUE(differs);
}

// The text modes start from the section's generation defaults; flags override them.
TEST_F(G4ExeTextTest, GenerationDefaults) {
  GenerationDefaults greedy;
  greedy.greedy = true;
  greedy.fromFile = true;
  std::string greedyExe = *dir + "/greedy-model";
  g4rt::test::appendBlob(G4RT_FAKE_TEXT_EXE, g4rt::test::fakeBlob(), greedyExe, nullptr,
                         textSection(fakeTokenizer(), greedy));
  RunResult byDefault = run({"--prompt", "hi user", "--max-new-tokens", "8"}, {}, {}, greedyExe);
  ASSERT_EQ(byDefault.exitCode, 0) << byDefault.err;
  EXPECT_EQ(byDefault.out, text(greedyAnswer(encode("hi user", true), 8).shown) + "\n");
  RunResult help = run({"--help"}, {}, {}, greedyExe);
  EXPECT_THAT(help.out, HasSubstr("defaults from generation_config.json: greedy"));
  // A sampling flag turns sampling back on.
  bool differs = false;
  for (const char *seed : {"1", "2", "3", "4"}) {
    RunResult sampled = run({"--prompt", "hi user", "--max-new-tokens", "8", "--temperature", "4",
                             "--top-k", "0", "--seed", seed},
                            {}, {}, greedyExe);
    differs = differs || sampled.out != byDefault.out;
  }
  EXPECT_TRUE(differs);
  // --tokens keeps its own defaults (temperature 1, top-k 64, top-p 0.95): same as the
  // executable without generation defaults.
  RunResult tokens = run({"--tokens", "2,31", "--seed", "3"}, {}, {}, greedyExe);
  EXPECT_EQ(tokens.out, run({"--tokens", "2,31", "--seed", "3"}).out);
}

TEST_F(G4ExeTextTest, HelpDescribesTheText) {
  RunResult help = run({"--help"});
  EXPECT_EQ(help.exitCode, 0);
  for (const char *flag :
       {"--tokens", "--prompt", "--chat", "--system", "--think", "--max-new-tokens", "--greedy",
        "--temperature", "--top-k", "--top-p", "--seed", "--dump-logits", "--prefill-chunk",
        "--threads", "--max-context", "--weights", "--verbose"})
    EXPECT_THAT(help.out, HasSubstr(flag));
  EXPECT_THAT(help.out, HasSubstr("compiled model fake-g4 (vocab 32, max context 48)"));
  EXPECT_THAT(help.out, HasSubstr("text: tokenizer of 32 ids; defaults built in: temperature 1, "
                                  "top-k 64, top-p 0.95; stops at id 1, 5\n"));
  std::string plain = *dir + "/plain-model";
  g4rt::test::appendBlob(G4RT_FAKE_TEXT_EXE, g4rt::test::fakeBlob(), plain);
  EXPECT_THAT(run({"--help"}, {}, {}, plain).out,
              HasSubstr("text: no tokenizer (compiled without tokenizer.json): --tokens only"));
}

// A binary without a tokenizer takes --tokens only; --prompt and --chat say why not.
TEST_F(G4ExeTextTest, NoTokenizer) {
  std::string plain = *dir + "/no-text-model";
  g4rt::test::appendBlob(G4RT_FAKE_TEXT_EXE, g4rt::test::fakeBlob(), plain);
  for (const std::vector<std::string> &args :
       {std::vector<std::string>{"--prompt", "hi"}, std::vector<std::string>{"--chat"}}) {
    g4rt::test::expectError(run(args, "hi\n", {}, plain), 2,
                            {args[0] + " needs a tokenizer, and this executable has none",
                             "no tokenizer.json", "--tokens only"});
  }
  RunResult tokens = run({"--tokens", "2,17", "--greedy", "--max-new-tokens", "3"}, {}, {}, plain);
  EXPECT_EQ(tokens.exitCode, 0) << tokens.err;
  EXPECT_EQ(tokens.out, joined(g4rt::test::fakeGreedy({2, 17}, 3)) + "\n");
  // With --weights, a program without any trailer has no tokenizer either.
  std::string blob = *dir + "/fake.g4w";
  g4rt::test::writeFile(blob, g4rt::test::fakeBlob());
  g4rt::test::expectError(run({"--prompt", "hi", "--weights", blob}, {}, {}, G4RT_FAKE_TEXT_EXE), 2,
                          {"--prompt needs a tokenizer"});
}

// A corrupt text section stops --prompt with the reason; --tokens never reads it.
TEST_F(G4ExeTextTest, CorruptTextSection) {
  std::vector<uint8_t> section = textSection(fakeTokenizer());
  section[0] = 'X';
  std::string bad = *dir + "/bad-text-model";
  g4rt::test::appendBlob(G4RT_FAKE_TEXT_EXE, g4rt::test::fakeBlob(), bad, nullptr, section);
  g4rt::test::expectError(
      run({"--prompt", "hi"}, {}, {}, bad), 1,
      {"cannot use this executable's tokenizer", "text section: magic \"G4TEXTSC\" not found"});
  EXPECT_EQ(run({"--tokens", "2", "--max-new-tokens", "1", "--greedy"}, {}, {}, bad).exitCode, 0);
  EXPECT_THAT(run({"--help"}, {}, {}, bad).out, HasSubstr("text: unusable (text section: magic"));
}

// A tokenizer without Gemma 4's turn markers still takes --prompt, not --chat.
TEST_F(G4ExeTextTest, ChatNeedsTheMarkers) {
  std::string exe2 = *dir + "/no-markers-model";
  g4rt::test::appendBlob(G4RT_FAKE_TEXT_EXE, g4rt::test::fakeBlob(), exe2, nullptr,
                         textSection(fakeTokenizer(/*chatMarkers=*/false)));
  g4rt::test::expectError(
      run({"--chat"}, "hi\n", {}, exe2), 2,
      {"--chat cannot use this executable's tokenizer", "no added token \"<|turn>\""});
  // 22 ids in the tokenizer, 32 in the model: ids without a piece print nothing.
  RunResult prompt = run({"--prompt", "hi", "--max-new-tokens", "20", "--greedy"}, {}, {}, exe2);
  EXPECT_EQ(prompt.exitCode, 0) << prompt.err;
  LoadedTokenizer small(fakeTokenizer(false));
  std::vector<int32_t> ids = small.encode("hi", true);
  std::vector<int32_t> generated = g4rt::test::fakeGreedy(ids, 20); // stops after eos only
  std::vector<int32_t> printable;
  for (int32_t id : generated)
    if (id < 22 && id != G4RT_FAKE_EOS)
      printable.push_back(id);
  ASSERT_TRUE(std::any_of(generated.begin(), generated.end(), [](int32_t id) { return id >= 22; }))
      << "the test wants an id the tokenizer lacks";
  EXPECT_EQ(prompt.out, small.decode(printable) + "\n");
}

TEST_F(G4ExeTextTest, BadCommandLines) {
  struct Bad {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"--prompt", "hi", "--tokens", "2"}, "--tokens, --prompt and --chat exclude each other"},
      {{"--chat", "--prompt", "hi"}, "exclude each other"},
      {{"--prompt", "hi", "--system", "x"}, "--system needs --chat"},
      {{"--tokens", "2", "--think"}, "--think needs --chat"},
      {{"--chat", "--dump-logits", "x"}, "--dump-logits does not apply to --chat"},
      {{"--prompt", ""}, "empty prompt: --prompt has no text"},
      {{"--chat=1"}, "--chat takes no value"},
      {{"--verbose"}, "--tokens is required"},
      {{"--prompt"}, "--prompt needs a value"},
      {{"--prompt", "hi", "--max-new-tokens", "48"},
       "the prompt (2 tokens) + --max-new-tokens (48) = 50 exceeds the context of 48"},
  };
  for (const Bad &bad : cases) {
    SCOPED_TRACE(::testing::PrintToString(bad.args));
    g4rt::test::expectError(run(bad.args, ""), 2, {bad.message});
  }
}

// A conversation that outgrows the context ends with an error after the answers so far.
TEST_F(G4ExeTextTest, ChatOutgrowsTheContext) {
  RunResult result =
      run({"--chat", "--greedy", "--max-new-tokens", "4", "--max-context", "20"}, "hi\nuser\n");
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_THAT(result.err, HasSubstr("error: turn 2: the conversation ("));
  EXPECT_THAT(result.err, HasSubstr("exceeds the context of 20 positions"));
  EXPECT_NE(result.out, "");
}

// --prompt's logits dump holds the encoded prompt's rows.
TEST_F(G4ExeTextTest, PromptLogitsDump) {
  std::vector<int32_t> ids = encode("hi user", true);
  std::string dump = *dir + "/prompt-logits.f32";
  RunResult result = run({"--prompt", "hi user", "--max-new-tokens", "0", "--dump-logits", dump,
                          "--prefill-chunk", "2"});
  ASSERT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out, "\n");
  std::vector<float> expected = g4rt::test::fakePromptLogits(ids);
  EXPECT_EQ(g4rt::test::readFile(dump), std::string(reinterpret_cast<const char *>(expected.data()),
                                                    expected.size() * sizeof(float)));
}

} // namespace
} // namespace g4::test
