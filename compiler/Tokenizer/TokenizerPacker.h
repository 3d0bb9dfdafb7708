//===- TokenizerPacker.h - The packed tokenizer blob --------------*- C++ -*-===//
//
// Lays a TokenizerSpec out as the blob the runtime uses in place
// (runtime/g4rt/text/tokenizer_format.h): piece table, piece and merge hash tables,
// sorted added tokens, byte pieces, checksum. docs/tokenizer.md describes the format.
//
//===----------------------------------------------------------------------===//
#ifndef G4_COMPILER_TOKENIZER_TOKENIZERPACKER_H
#define G4_COMPILER_TOKENIZER_TOKENIZERPACKER_H

#include "compiler/Tokenizer/TokenizerJson.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace g4 {

/// A packed tokenizer: `size` bytes in 8-byte aligned storage.
struct PackedTokenizer {
  std::vector<uint64_t> storage;
  size_t size = 0;

  const uint8_t *data() const { return reinterpret_cast<const uint8_t *>(storage.data()); }
  llvm::StringRef bytes() const {
    return llvm::StringRef(reinterpret_cast<const char *>(storage.data()), size);
  }
};

/// Packs `spec`. Fails only for specs beyond the format's limits.
llvm::Expected<PackedTokenizer> packTokenizer(const TokenizerSpec &spec);

/// Reads the tokenizer.json at `path` and packs it.
llvm::Expected<PackedTokenizer> packTokenizerJson(llvm::StringRef path);

/// The code points after which the encoder must not split a word before U+2581
/// (docs/tokenizer.md §3): every x that some merge result has right before a
/// U+2581, x itself not U+2581. Exposed for tests.
std::vector<uint32_t> splitGuards(const TokenizerSpec &spec);

} // namespace g4

#endif // G4_COMPILER_TOKENIZER_TOKENIZERPACKER_H
