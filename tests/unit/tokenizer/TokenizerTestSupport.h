//===- TokenizerTestSupport.h - Tiny hand-made tokenizers for tests --*- C++ -*-===//
//
// Builds a tokenizer.json from a few pieces, merges and added tokens, packs it with the
// compiler's packer and loads it with the runtime, so the tests drive the C encoder
// and decoder exactly as g4c and the executables do.
//
//===----------------------------------------------------------------------===//
#ifndef G4_TESTS_UNIT_TOKENIZER_TOKENIZERTESTSUPPORT_H
#define G4_TESTS_UNIT_TOKENIZER_TOKENIZERTESTSUPPORT_H

#include "compiler/Tokenizer/TokenizerJson.h"
#include "compiler/Tokenizer/TokenizerPacker.h"

#include "runtime/g4rt/text/tokenizer.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace g4::test {

/// A tokenizer.json in a few lines. Ids: the special pieces, then (with byte
/// fallback) the 256 byte pieces, then `pieces` in order.
struct TinyTokenizer {
  struct Added {
    std::string content;
    bool special = true;
  };
  std::vector<std::string> pieces;
  std::vector<std::pair<std::string, std::string>> merges;
  /// Added tokens beyond <pad> <eos> <bos> <unk> (which are always there, ids 0-3).
  std::vector<Added> added;
  bool byteFallback = true;
  bool fuseUnk = false;

  /// The tokenizer.json text.
  std::string json() const;
};

/// The default tiny vocabulary: a b c x y and merges among them, U+2581 runs, a
/// merge across a U+2581 ("x\u2581y"), and added tokens "<t>" (special), "<t>>" and
/// "[x]" (not special).
TinyTokenizer defaultTiny();

std::string describe(const g4rt_status_t &status);

/// A packed and loaded tokenizer.
class LoadedTokenizer {
public:
  explicit LoadedTokenizer(const TinyTokenizer &tiny);
  explicit LoadedTokenizer(PackedTokenizer packed);

  int32_t id(const std::string &piece) const;
  std::vector<int32_t> ids(const std::vector<std::string> &pieces) const;
  std::vector<int32_t> encode(const std::string &text, bool addBos = false, bool matchAdded = true,
                              bool cacheWords = true) const;
  std::string decode(const std::vector<int32_t> &ids, uint32_t flags = 0) const;

  PackedTokenizer blob;
  g4rt_tokenizer_t tokenizer;
};

/// Reference BPE written plainly from the rules (added tokens leftmost-longest,
/// ' ' -> U+2581, repeatedly the lowest-rank leftmost pair over the whole section,
/// byte fallback) for valid UTF-8 `text`.
std::vector<int32_t> referenceEncode(const TinyTokenizer &tiny, const LoadedTokenizer &loaded,
                                     const std::string &text);

} // namespace g4::test

#endif // G4_TESTS_UNIT_TOKENIZER_TOKENIZERTESTSUPPORT_H
