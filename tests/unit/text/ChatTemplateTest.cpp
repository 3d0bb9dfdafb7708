//===- ChatTemplateTest.cpp - Gemma 4's chat template (g4rt_text) ----------===//
//
// The exact text of shared/docs/gemma4-architecture.md §7 (and the official Jinja
// template it summarises) for each rule, then the ids: rendered and encoded with
// tests/text/tiny-gemma4-tokenizer.json, whose markers have Gemma 4's ids.
//
//===----------------------------------------------------------------------===//
#include "runtime/g4rt/text/chat.h"

#include "tests/unit/tokenizer/TokenizerTestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <string>
#include <vector>

namespace g4::test {
namespace {

using ::testing::HasSubstr;

g4rt_chat_message_t system(const std::string &text) {
  return {G4RT_CHAT_ROLE_SYSTEM, text.data(), text.size()};
}
g4rt_chat_message_t user(const std::string &text) {
  return {G4RT_CHAT_ROLE_USER, text.data(), text.size()};
}
g4rt_chat_message_t model(const std::string &text) {
  return {G4RT_CHAT_ROLE_MODEL, text.data(), text.size()};
}

g4rt_chat_options_t defaults() {
  g4rt_chat_options_t options;
  g4rt_chat_options_initialize(&options);
  return options;
}

/// Renders, checking that sizing with capacity 0 gives the same length.
std::string render(const std::vector<g4rt_chat_message_t> &messages,
                   const g4rt_chat_options_t &options = defaults()) {
  size_t length = 0;
  g4rt_status_t status =
      g4rt_chat_render(&options, messages.data(), messages.size(), nullptr, 0, &length);
  EXPECT_TRUE(status.code == G4RT_STATUS_OK || status.code == G4RT_STATUS_OUT_OF_RANGE)
      << describe(status);
  std::string text(length, '\0');
  size_t written = 0;
  status = g4rt_chat_render(&options, messages.data(), messages.size(), text.data(), text.size(),
                            &written);
  EXPECT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  EXPECT_EQ(written, length);
  return text;
}

// Strings kept alive for the messages that point into them.
const std::string kHello = "Hello", kHi = "Hi", kSys = "You are terse.", kParis = "Paris.",
                  kNext = "And Spain?";

TEST(G4ChatTemplateTest, UserTurnAndGenerationPrompt) {
  EXPECT_EQ(render({user(kHello)}), "<bos><|turn>user\nHello<turn|>\n<|turn>model\n");
}

// The system turn appears only with a system message or thinking on.
TEST(G4ChatTemplateTest, SystemTurn) {
  EXPECT_EQ(render({system(kSys), user(kHi)}),
            "<bos><|turn>system\nYou are terse.<turn|>\n<|turn>user\nHi<turn|>\n<|turn>model\n");
}

TEST(G4ChatTemplateTest, ThinkingOpensTheSystemTurn) {
  g4rt_chat_options_t options = defaults();
  options.thinking = true;
  EXPECT_EQ(render({user(kHi)}, options),
            "<bos><|turn>system\n<|think|>\n<turn|>\n<|turn>user\nHi<turn|>\n<|turn>model\n");
  EXPECT_EQ(render({system(kSys), user(kHi)}, options),
            "<bos><|turn>system\n<|think|>\nYou are terse.<turn|>\n<|turn>user\nHi<turn|>\n"
            "<|turn>model\n");
}

// The assistant's turns are "model" turns; their thinking is dropped from history.
TEST(G4ChatTemplateTest, MultiTurnHistory) {
  std::string answer = "<|channel>thought\nThe capital...<channel|>Paris.";
  EXPECT_EQ(render({user(kHi), model(answer), user(kNext)}),
            "<bos><|turn>user\nHi<turn|>\n<|turn>model\nParis.<turn|>\n<|turn>user\nAnd "
            "Spain?<turn|>\n<|turn>model\n");
  // strip_thinking: split at <channel|>, keep each part up to its <|channel>, trim.
  std::string twice = " A<|channel>x<channel|> B <|channel>y<channel|>C\n";
  EXPECT_EQ(render({model(twice)},
                   [] {
                     g4rt_chat_options_t o = defaults();
                     o.add_generation_prompt = false;
                     return o;
                   }()),
            "<bos><|turn>model\nA B C<turn|>\n");
  // An unclosed thought loses everything from its marker.
  std::string open = "Yes<|channel>thinking on";
  EXPECT_EQ(render({model(open)}), "<bos><|turn>model\nYes<turn|>\n<|turn>model\n");
}

// Consecutive model messages continue one turn (the template's continuation rule).
TEST(G4ChatTemplateTest, ConsecutiveModelMessagesShareATurn) {
  EXPECT_EQ(render({user(kHi), model(kParis), model(kHello)}),
            "<bos><|turn>user\nHi<turn|>\n<|turn>model\nParis.Hello<turn|>\n<|turn>model\n");
}

// Texts are trimmed like Python's str.strip (Unicode white space included), inside only.
TEST(G4ChatTemplateTest, TextsAreTrimmed) {
  std::string padded = " \t\n Hi there \r\n";
  std::string unicode =
      "\xE3\x80\x80\xC2\xA0Hi\xE2\x80\x83\xE2\x80\xA8"; // U+3000 U+00A0 ... U+2003 U+2028
  std::string inner = "a \n b";
  std::string blank = " \n\t ";
  EXPECT_EQ(render({user(padded)}), "<bos><|turn>user\nHi there<turn|>\n<|turn>model\n");
  EXPECT_EQ(render({user(unicode)}), "<bos><|turn>user\nHi<turn|>\n<|turn>model\n");
  EXPECT_EQ(render({user(inner)}), "<bos><|turn>user\na \n b<turn|>\n<|turn>model\n");
  EXPECT_EQ(render({system(blank), user(kHi)}),
            "<bos><|turn>system\n<turn|>\n<|turn>user\nHi<turn|>\n<|turn>model\n");
  // U+200B (zero width space) is not white space for Python.
  std::string zeroWidth = "\xE2\x80\x8BHi";
  EXPECT_EQ(render({user(zeroWidth)}), "<bos><|turn>user\n\xE2\x80\x8BHi<turn|>\n<|turn>model\n");
}

// 26B/31B: an empty thought after the generation prompt when thinking is off.
TEST(G4ChatTemplateTest, EmptyThought) {
  g4rt_chat_options_t options = defaults();
  options.empty_thought = true;
  EXPECT_EQ(render({user(kHi)}, options),
            "<bos><|turn>user\nHi<turn|>\n<|turn>model\n<|channel>thought\n<channel|>");
  options.thinking = true;
  EXPECT_EQ(render({user(kHi)}, options),
            "<bos><|turn>system\n<|think|>\n<turn|>\n<|turn>user\nHi<turn|>\n<|turn>model\n");
}

// What the executable feeds after an answer whose tokens are in the KV cache.
TEST(G4ChatTemplateTest, Continuation) {
  g4rt_chat_options_t options = defaults();
  options.continuation = true;
  options.thinking = true; // only the first system turn carries it
  EXPECT_EQ(render({user(kNext)}, options),
            "<turn|>\n<|turn>user\nAnd Spain?<turn|>\n<|turn>model\n");
}

TEST(G4ChatTemplateTest, OptionsAndNoMessages) {
  g4rt_chat_options_t options = defaults();
  options.add_bos = false;
  options.add_generation_prompt = false;
  EXPECT_EQ(render({user(kHi)}, options), "<|turn>user\nHi<turn|>\n");
  EXPECT_EQ(render({}), "<bos><|turn>model\n");
  // NULL options are the defaults.
  std::vector<g4rt_chat_message_t> messages{user(kHi)};
  char buffer[128];
  size_t length = 0;
  g4rt_status_t status =
      g4rt_chat_render(nullptr, messages.data(), 1, buffer, sizeof(buffer), &length);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  EXPECT_EQ(std::string(buffer, length), "<bos><|turn>user\nHi<turn|>\n<|turn>model\n");
}

TEST(G4ChatTemplateTest, SmallBuffers) {
  std::vector<g4rt_chat_message_t> messages{user(kHello)};
  std::string full = "<bos><|turn>user\nHello<turn|>\n<|turn>model\n";
  for (size_t capacity : {size_t(1), size_t(9), full.size() - 1}) {
    std::string buffer(capacity, '#');
    size_t length = 0;
    g4rt_status_t status =
        g4rt_chat_render(nullptr, messages.data(), 1, buffer.data(), capacity, &length);
    EXPECT_EQ(status.code, G4RT_STATUS_OUT_OF_RANGE);
    EXPECT_THAT(status.message, HasSubstr("needs " + std::to_string(full.size()) + " bytes"));
    EXPECT_EQ(length, full.size());
    EXPECT_EQ(buffer, full.substr(0, capacity)); // what fits is written
  }
}

TEST(G4ChatTemplateTest, BadMessages) {
  size_t length = 0;
  char buffer[256];
  auto fails = [&](const std::vector<g4rt_chat_message_t> &messages, const char *text,
                   g4rt_chat_options_t options = defaults()) {
    g4rt_status_t status = g4rt_chat_render(&options, messages.data(), messages.size(), buffer,
                                            sizeof(buffer), &length);
    EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT) << text;
    EXPECT_THAT(status.message, HasSubstr(text));
  };
  fails({user(kHi), system(kSys)}, "messages[1] is a system message");
  g4rt_chat_options_t continuation = defaults();
  continuation.continuation = true;
  fails({system(kSys)}, "messages[0] is a system message", continuation);
  fails({{g4rt_chat_role_t(7), "x", 1}}, "messages[0] has the unknown role 7");
  fails({{G4RT_CHAT_ROLE_USER, nullptr, 3}}, "messages[0] has 3 bytes of NULL text");
  g4rt_chat_options_t options = defaults();
  EXPECT_EQ(g4rt_chat_render(&options, nullptr, 2, buffer, sizeof(buffer), &length).code,
            G4RT_STATUS_INVALID_ARGUMENT);
}

/// The committed tiny Gemma 4 tokenizer (tests/text/make_tiny_tokenizer.py).
const LoadedTokenizer &tinyGemma4() {
  static LoadedTokenizer *loaded = [] {
    llvm::Expected<PackedTokenizer> packed =
        packTokenizerJson(G4_SOURCE_DIR "/tests/text/tiny-gemma4-tokenizer.json");
    if (!packed) {
      ADD_FAILURE() << llvm::toString(packed.takeError());
      return new LoadedTokenizer(TinyTokenizer{});
    }
    return new LoadedTokenizer(std::move(*packed));
  }();
  return *loaded;
}

std::vector<int32_t> concat(std::initializer_list<std::vector<int32_t>> parts) {
  std::vector<int32_t> out;
  for (const auto &part : parts)
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

// The rendered text encodes to Gemma 4's marker ids: <bos> 2, <|turn> 105, <turn|> 106,
// "\n" 107, <|think|> 98, <|channel> 100, <channel|> 101; the words between encode alone.
TEST(G4ChatTemplateTest, Gemma4Ids) {
  const LoadedTokenizer &t = tinyGemma4();
  auto words = [&](const std::string &text) { return t.encode(text); };
  EXPECT_EQ(t.encode(render({system(kSys), user(kHi)})), concat({{2, 105},
                                                                 words("system"),
                                                                 {107},
                                                                 words("You are terse."),
                                                                 {106, 107, 105},
                                                                 words("user"),
                                                                 {107},
                                                                 words("Hi"),
                                                                 {106, 107, 105},
                                                                 words("model"),
                                                                 {107}}));
  g4rt_chat_options_t options = defaults();
  options.thinking = true;
  EXPECT_EQ(t.encode(render({user(kHi)}, options)), concat({{2, 105},
                                                            words("system"),
                                                            {107, 98, 107, 106, 107, 105},
                                                            words("user"),
                                                            {107},
                                                            words("Hi"),
                                                            {106, 107, 105},
                                                            words("model"),
                                                            {107}}));
  options.thinking = false;
  options.empty_thought = true;
  EXPECT_EQ(t.encode(render({user(kHi)}, options)), concat({{2, 105},
                                                            words("user"),
                                                            {107},
                                                            words("Hi"),
                                                            {106, 107, 105},
                                                            words("model"),
                                                            {107, 100},
                                                            words("thought"),
                                                            {107, 101}}));
  options.empty_thought = false;
  options.continuation = true;
  EXPECT_EQ(t.encode(render({user(kNext)}, options)), concat({{106, 107, 105},
                                                              words("user"),
                                                              {107},
                                                              words("And Spain?"),
                                                              {106, 107, 105},
                                                              words("model"),
                                                              {107}}));
}

TEST(G4ChatTemplateTest, FindsTheMarkers) {
  g4rt_chat_tokens_t tokens;
  g4rt_status_t status = g4rt_chat_find_tokens(&tinyGemma4().tokenizer, &tokens);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  EXPECT_EQ(tokens.bos, 2);
  EXPECT_EQ(tokens.turn_start, 105);
  EXPECT_EQ(tokens.turn_end, 106);
  EXPECT_EQ(tokens.think, 98);
  EXPECT_EQ(tokens.channel_start, 100);
  EXPECT_EQ(tokens.channel_end, 101);

  // A tokenizer without Gemma 4's markers cannot chat.
  LoadedTokenizer plain(defaultTiny());
  status = g4rt_chat_find_tokens(&plain.tokenizer, &tokens);
  EXPECT_EQ(status.code, G4RT_STATUS_NOT_FOUND);
  EXPECT_THAT(status.message, HasSubstr("no added token \"<|turn>\""));
  EXPECT_EQ(tokens.bos, 2);
  EXPECT_EQ(tokens.think, -1);

  // A marker that is only a vocabulary piece is not matched in text: it does not count.
  TinyTokenizer pieces;
  pieces.byteFallback = false;
  pieces.pieces = {"<|turn>", "<turn|>"};
  LoadedTokenizer piecesOnly(pieces);
  status = g4rt_chat_find_tokens(&piecesOnly.tokenizer, &tokens);
  EXPECT_EQ(status.code, G4RT_STATUS_NOT_FOUND);
  EXPECT_EQ(tokens.turn_start, -1);
}

} // namespace
} // namespace g4::test
