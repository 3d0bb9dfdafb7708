//===- TokenizerJson.h - Hugging Face tokenizer.json reader -------*- C++ -*-===//
//
// Reads the tokenizer.json of a Gemma checkpoint (a BPE model over SentencePiece
// pieces with byte fallback) into a TokenizerSpec: every piece by id, the merges as id
// triples in rank order, the added tokens. Only the component shapes the runtime
// implements are accepted (docs/tokenizer.md §2); anything else is an error that
// names the file, the field, what was expected and what was found.
//
//===----------------------------------------------------------------------===//
#ifndef G4_COMPILER_TOKENIZER_TOKENIZERJSON_H
#define G4_COMPILER_TOKENIZER_TOKENIZERJSON_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace g4 {

/// A tokenizer ready to pack: ids are [0, pieces.size()).
struct TokenizerSpec {
  static constexpr uint32_t kNoId = 0xFFFFFFFFu;

  /// The piece of every id ("" for an id no token has).
  std::vector<std::string> pieces;
  /// g4rt_token_kind_t of every id.
  std::vector<uint8_t> kinds;
  /// (left, right, result) ids, in rank order (rank = index).
  std::vector<std::array<uint32_t, 3>> merges;
  /// Ids of the added tokens, matched before BPE (any order; unique contents).
  std::vector<uint32_t> added;
  /// Ids that text -> id lookups never return: another id has the same piece and
  /// wins (an added token over a vocabulary piece, the last of equal added tokens).
  std::vector<uint32_t> shadowed;
  bool spaceToMetaspace = false; // normalizer: ' ' -> U+2581
  bool byteFallback = false;
  bool fuseUnk = false;
  uint32_t unkId = kNoId;
  uint32_t bosId = kNoId;
};

/// Parses `text`, the contents of the tokenizer.json named `path` (for messages).
llvm::Expected<TokenizerSpec> parseTokenizerJson(llvm::StringRef text, llvm::StringRef path);

/// Reads and parses the tokenizer.json at `path`.
llvm::Expected<TokenizerSpec> readTokenizerJson(llvm::StringRef path);

} // namespace g4

#endif // G4_COMPILER_TOKENIZER_TOKENIZERJSON_H
