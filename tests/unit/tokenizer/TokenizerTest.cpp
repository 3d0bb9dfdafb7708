//===- TokenizerTest.cpp - The runtime's encoder and decoder on tiny vocabularies ===//
//
// Merges by rank (leftmost on ties), U+2581 for spaces without a dummy prefix, byte
// fallback and the unknown token, added tokens matched first (leftmost-longest), word
// splitting only where no merge can cross, the word cache, output and arena limits,
// and decoding. A plain reference BPE (TokenizerTestSupport) checks random texts.
//
//===----------------------------------------------------------------------===//

#include "tests/unit/tokenizer/TokenizerTestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <random>

namespace g4::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kM = "\xE2\x96\x81"; // U+2581

class TokenizerTest : public ::testing::Test {
protected:
  TinyTokenizer tiny = defaultTiny();
  LoadedTokenizer t{tiny};
};

TEST_F(TokenizerTest, MergesApplyInRankOrder) {
  // (b, c) has rank 1, (a, b) rank 0: "abc" merges a+b first, then ab+c.
  EXPECT_EQ(t.encode("abc"), t.ids({"abc"}));
  // Reversing the two ranks gives a + bc, which has no further merge.
  TinyTokenizer reversed = tiny;
  std::swap(reversed.merges[0], reversed.merges[1]);
  reversed.merges.erase(reversed.merges.begin() + 7); // (ab, c)
  LoadedTokenizer r(reversed);
  EXPECT_EQ(r.encode("abc"), r.ids({"a", "bc"}));
}

TEST_F(TokenizerTest, TiesGoToTheLeftmostPair) {
  // (a, a) applies to positions 0 and 1 alike: the leftmost wins, then (aa, a).
  EXPECT_EQ(t.encode("aa"), t.ids({"aa"}));
  EXPECT_EQ(t.encode("aaa"), t.ids({"aaa"}));
  // "aaaa": (a, a) at 0, then (a, a) at 2 (rank 2) before (aa, a) (rank 9).
  EXPECT_EQ(t.encode("aaaa"), t.ids({"aa", "aa"}));
  EXPECT_EQ(t.encode("aaaaa"), t.ids({"aa", "aaa"}));
}

TEST_F(TokenizerTest, SpacesBecomeMetaspaceWithoutDummyPrefix) {
  EXPECT_EQ(t.encode("a"), t.ids({"a"}));
  EXPECT_EQ(t.encode(" a"), t.ids({kM + "a"}));
  // (a, b) ranks before (▁a, b): both "ab" form first.
  EXPECT_EQ(t.encode("ab ab"), t.ids({"ab", kM, "ab"}));
  EXPECT_EQ(t.encode("  "), t.ids({kM + kM}));
  EXPECT_EQ(t.encode("     "), t.ids({kM + kM, kM + kM + kM}));
  // A literal U+2581 is the same character.
  EXPECT_EQ(t.encode(kM + "a"), t.encode(" a"));
  EXPECT_EQ(t.encode(""), std::vector<int32_t>{});
}

TEST_F(TokenizerTest, ByteFallbackForCharactersWithoutPiece) {
  // z, é and the emoji have no piece: their UTF-8 bytes' pieces.
  EXPECT_EQ(t.encode("z"), t.ids({"<0x7A>"}));
  EXPECT_EQ(t.encode("a\xC3\xA9"), t.ids({"a", "<0xC3>", "<0xA9>"}));
  EXPECT_EQ(t.encode("\xF0\x9F\x98\x80"), t.ids({"<0xF0>", "<0x9F>", "<0x98>", "<0x80>"}));
  EXPECT_EQ(t.decode(t.encode("za\xC3\xA9\xF0\x9F\x98\x80")), "za\xC3\xA9\xF0\x9F\x98\x80");
  // A character without a piece never merges: "ab" on both sides stays intact.
  EXPECT_EQ(t.encode("abzab"), t.ids({"ab", "<0x7A>", "ab"}));
}

TEST_F(TokenizerTest, IllFormedUtf8ReadsAsReplacementCharacters) {
  std::vector<int32_t> fffd = t.ids({"\xEF\xBF\xBD"});
  EXPECT_EQ(t.encode("\xFF"), fffd);
  // One U+FFFD per maximal ill-formed subpart: E2 82 is one (a truncated sequence),
  // C0 and AF are one each (never valid).
  std::vector<int32_t> expected =
      t.ids({"a", "\xEF\xBF\xBD", "b", "\xEF\xBF\xBD", "\xEF\xBF\xBD", "c"});
  EXPECT_EQ(t.encode("a\xE2\x82"
                     "b\xC0\xAF"
                     "c"),
            expected);
  // A byte that can start a character is never swallowed: E2 96 E2 96 81 is U+FFFD then
  // U+2581.
  EXPECT_EQ(t.encode("\xE2\x96\xE2\x96\x81"), t.ids({"\xEF\xBF\xBD", kM}));
}

TEST_F(TokenizerTest, UnknownTokenWithoutBytePieces) {
  TinyTokenizer noBytes = tiny;
  noBytes.byteFallback = false;
  LoadedTokenizer plain(noBytes);
  int32_t unk = g4rt_tokenizer_unk_id(&plain.tokenizer);
  EXPECT_EQ(unk, 3);
  EXPECT_THAT(plain.encode("zz"), ElementsAre(unk, unk));
  noBytes.fuseUnk = true;
  LoadedTokenizer fused(noBytes);
  EXPECT_THAT(fused.encode("zz"), ElementsAre(unk));
  EXPECT_EQ(fused.encode("zzazz"), (std::vector<int32_t>{unk, fused.id("a"), unk}));
  // Fusing crosses word boundaries inside a section, not added tokens.
  EXPECT_EQ(fused.encode("z z"), (std::vector<int32_t>{unk, fused.id(kM), unk}));
  EXPECT_EQ(fused.encode("z<t>z"), (std::vector<int32_t>{unk, fused.id("<t>"), unk}));
}

TEST_F(TokenizerTest, AddedTokensMatchFirstLeftmostLongest) {
  int32_t open = t.id("<t>");
  EXPECT_THAT(t.encode("<t>"), ElementsAre(open));
  EXPECT_THAT(t.encode("<t>>"), ElementsAre(t.id("<t>>")));
  // Inside a word, with text on both sides, repeated.
  EXPECT_EQ(t.encode("ab<t>ab"), (std::vector<int32_t>{t.id("ab"), open, t.id("ab")}));
  EXPECT_EQ(t.encode("<t><t>"), (std::vector<int32_t>{open, open}));
  EXPECT_EQ(t.encode("[x] x"), (std::vector<int32_t>{t.id("[x]"), t.id(kM), t.id("x")}));
  // Specials named in the text are matched too (the text is trusted).
  EXPECT_THAT(t.encode("<bos>"), ElementsAre(2));
  // Near misses are plain text.
  EXPECT_EQ(t.encode("<t"), t.ids({"<", "<0x74>"}));
  // Without matching, added tokens' text goes through BPE.
  EXPECT_EQ(t.encode("<t>", false, false), t.ids({"<", "<0x74>", ">"}));
}

TEST_F(TokenizerTest, BosIsAddedOnRequest) {
  EXPECT_EQ(g4rt_tokenizer_bos_id(&t.tokenizer), 2);
  EXPECT_THAT(t.encode("a", /*addBos=*/true), ElementsAre(2, t.id("a")));
  EXPECT_THAT(t.encode("", /*addBos=*/true), ElementsAre(2));
}

TEST_F(TokenizerTest, MergesAcrossMetaspaceKeepTheirWord) {
  // "x\u2581y" is a merge result, so the packer forbids a word split after 'x'
  // (and after 'b', for "b\u2581").
  llvm::Expected<TokenizerSpec> spec = parseTokenizerJson(tiny.json(), "tiny.json");
  ASSERT_TRUE(bool(spec)) << llvm::toString(spec.takeError());
  EXPECT_THAT(splitGuards(*spec), ElementsAre(uint32_t('b'), uint32_t('x')));
  EXPECT_EQ(t.encode("x y"), t.ids({"x" + kM + "y"}));
  EXPECT_EQ(t.encode("cb c"), t.ids({"c", "b" + kM, "c"}));
  EXPECT_EQ(t.encode("c y"), t.ids({"c", kM + "y"}));
}

TEST_F(TokenizerTest, TooManyGuardsTurnWordSplittingOff) {
  TinyTokenizer many = tiny;
  for (char c = 'd'; c <= 'o'; ++c) {
    std::string piece(1, c);
    many.pieces.push_back(piece);
    many.pieces.push_back(piece + kM);
    many.merges.push_back({piece, kM});
  }
  LoadedTokenizer loaded(many);
  EXPECT_EQ(loaded.tokenizer.flags & G4RT_TOKENIZER_FLAG_SPLIT_WORDS, 0u);
  EXPECT_EQ(loaded.encode("d e ab"), loaded.ids({"d" + kM, "e" + kM, "ab"}));
  for (const std::string text : {"x y", "aaa ab  c", "k l m n o p"})
    EXPECT_EQ(loaded.encode(text), referenceEncode(many, loaded, text)) << text;
}

TEST_F(TokenizerTest, MatchesThePlainReferenceOnRandomText) {
  // Long words without spaces take the heap path (more than 24 symbols), short ones
  // the linear scan; both must give the reference's ids.
  std::mt19937 rng(1234);
  const std::vector<std::string> alphabet = {"a", "b",   "c",        "x",           "y",    " ",
                                             " ", "z",   "\xC3\xA9", "<t>",         "<t>>", ">",
                                             "<", "[x]", kM,         "\xEF\xBF\xBD"};
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    int length = int(rng() % 90);
    for (int i = 0; i < length; ++i)
      text += alphabet[rng() % alphabet.size()];
    ASSERT_EQ(t.encode(text), referenceEncode(tiny, t, text)) << "text: '" << text << "'";
  }
}

TEST_F(TokenizerTest, WordCacheNeverChangesTheIds) {
  std::mt19937 rng(99);
  const std::vector<std::string> words = {"ab",  "abc", "aaaa", "x y",      "cab", "z",
                                          "<t>", "bc",  "y",    "\xC3\xA9", "  "};
  std::string text;
  while (text.size() < 64 * 1024)
    text += words[rng() % words.size()] + (rng() % 3 ? " " : "");
  std::vector<int32_t> cached = t.encode(text, false, true, /*cacheWords=*/true);
  EXPECT_EQ(cached, t.encode(text, false, true, /*cacheWords=*/false));
  EXPECT_EQ(cached, referenceEncode(tiny, t, text));
}

TEST_F(TokenizerTest, OutputCapacityIsReported) {
  std::vector<uint64_t> memory(g4rt_tokenizer_encode_scratch_bytes(8) / 8 + 1);
  g4rt_arena_t arena;
  g4rt_arena_initialize(memory.data(), memory.size() * 8, &arena);
  int32_t ids[2] = {-1, -1};
  size_t count = 0;
  g4rt_status_t status =
      g4rt_tokenizer_encode(&t.tokenizer, " a a c", 6, nullptr, &arena, ids, 2, &count);
  EXPECT_EQ(status.code, G4RT_STATUS_OUT_OF_RANGE);
  EXPECT_THAT(describe(status), HasSubstr("encodes to 4 ids, the output holds 2"));
  EXPECT_EQ(count, 4u);
  EXPECT_EQ(ids[0], t.id(kM + "a"));
  EXPECT_EQ(ids[1], t.id(kM + "a"));
  // Capacity 0 sizes the output.
  status = g4rt_tokenizer_encode(&t.tokenizer, " a a c", 6, nullptr, &arena, nullptr, 0, &count);
  EXPECT_EQ(status.code, G4RT_STATUS_OUT_OF_RANGE);
  EXPECT_EQ(count, 4u);
}

TEST_F(TokenizerTest, ArenaTooSmallIsReported) {
  std::string word(200, 'c'); // one word of 200 characters
  std::vector<uint64_t> memory(64);
  g4rt_arena_t arena;
  g4rt_arena_initialize(memory.data(), memory.size() * 8, &arena);
  std::vector<int32_t> ids(g4rt_tokenizer_max_ids(word.size()));
  size_t count = 0;
  g4rt_status_t status = g4rt_tokenizer_encode(&t.tokenizer, word.data(), word.size(), nullptr,
                                               &arena, ids.data(), ids.size(), &count);
  EXPECT_EQ(status.code, G4RT_STATUS_RESOURCE_EXHAUSTED);
  EXPECT_THAT(describe(status), HasSubstr("the word at byte 0 (200 characters) needs"));
  EXPECT_THAT(describe(status), HasSubstr("the arena has 512 free"));
  EXPECT_EQ(arena.used, 0u);
  // The documented size suffices, and the need is what peak_used shows.
  memory.assign(g4rt_tokenizer_encode_scratch_bytes(word.size()) / 8 + 1, 0);
  g4rt_arena_initialize(memory.data(), memory.size() * 8, &arena);
  status = g4rt_tokenizer_encode(&t.tokenizer, word.data(), word.size(), nullptr, &arena,
                                 ids.data(), ids.size(), &count);
  EXPECT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  EXPECT_EQ(arena.used, 0u);
  EXPECT_GT(arena.peak_used, 512u);
  EXPECT_LE(arena.peak_used, g4rt_tokenizer_encode_scratch_bytes(word.size()));
}

TEST_F(TokenizerTest, DecodeJoinsPiecesWithSpacesAndRawBytes) {
  EXPECT_EQ(t.decode(t.ids({"ab", kM + "ab", kM + kM, "<0x7A>", "<0xC3>", "<0xA9>"})),
            "ab ab  z\xC3\xA9");
  std::vector<int32_t> withSpecial = {2, t.id("<t>"), t.id("a"), t.id("<t>>"), 1};
  EXPECT_EQ(t.decode(withSpecial), "<bos><t>a<t>><eos>");
  EXPECT_EQ(t.decode(withSpecial, G4RT_TOKENIZER_DECODE_SKIP_SPECIAL), "a<t>>");
  // Byte by byte, ids decode to the same bytes as together (streaming).
  std::vector<int32_t> ids = t.encode("x y \xF0\x9F\x98\x80 abc");
  std::string streamed;
  for (int32_t id : ids)
    streamed += t.decode({id});
  EXPECT_EQ(streamed, t.decode(ids));
  EXPECT_EQ(streamed, "x y \xF0\x9F\x98\x80 abc");
}

TEST_F(TokenizerTest, DecodeErrors) {
  char buffer[4];
  size_t length = 0;
  int32_t bad[] = {t.id("a"), 100000};
  g4rt_status_t status = g4rt_tokenizer_decode(&t.tokenizer, bad, 2, 0, buffer, 4, &length);
  EXPECT_EQ(status.code, G4RT_STATUS_OUT_OF_RANGE);
  EXPECT_THAT(describe(status), HasSubstr("token id 100000 (ids[1]) is outside the vocabulary"));
  int32_t negative[] = {-1};
  status = g4rt_tokenizer_decode(&t.tokenizer, negative, 1, 0, buffer, 4, &length);
  EXPECT_THAT(describe(status), HasSubstr("token id -1 (ids[0])"));
  int32_t long_text[] = {t.id("abc"), t.id("abc")};
  status = g4rt_tokenizer_decode(&t.tokenizer, long_text, 2, 0, buffer, 4, &length);
  EXPECT_EQ(status.code, G4RT_STATUS_OUT_OF_RANGE);
  EXPECT_EQ(length, 6u);
  EXPECT_EQ(std::string(buffer, 4), "abca");
}

TEST_F(TokenizerTest, Accessors) {
  EXPECT_EQ(g4rt_tokenizer_token_count(&t.tokenizer), 4 + 256 + 3 + tiny.pieces.size());
  EXPECT_EQ(g4rt_tokenizer_token_kind(&t.tokenizer, 2), G4RT_TOKEN_KIND_SPECIAL);
  EXPECT_EQ(g4rt_tokenizer_token_kind(&t.tokenizer, t.id("<t>>")), G4RT_TOKEN_KIND_ADDED);
  EXPECT_EQ(g4rt_tokenizer_token_kind(&t.tokenizer, t.id("<0x41>")), G4RT_TOKEN_KIND_BYTE);
  EXPECT_EQ(g4rt_tokenizer_token_kind(&t.tokenizer, t.id("ab")), G4RT_TOKEN_KIND_NORMAL);
  EXPECT_EQ(g4rt_tokenizer_token_kind(&t.tokenizer, -5), G4RT_TOKEN_KIND_NONE);
  size_t length = 0;
  const char *piece = g4rt_tokenizer_piece(&t.tokenizer, t.id(kM + "ab"), &length);
  EXPECT_EQ(std::string(piece, length), kM + "ab");
  EXPECT_EQ(g4rt_tokenizer_piece(&t.tokenizer, 1 << 20, &length), nullptr);
  EXPECT_EQ(g4rt_tokenizer_find(&t.tokenizer, "nope", 4), -1);
}

} // namespace
} // namespace g4::test
