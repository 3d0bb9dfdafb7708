//===- TokenizerPacker.cpp - The packed tokenizer blob --------------------===//

#include "compiler/Tokenizer/TokenizerPacker.h"

#include "runtime/g4rt/text/tokenizer.h"
#include "runtime/g4rt/text/tokenizer_format.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>

namespace g4 {
namespace {

constexpr uint32_t kMetaspace = 0x2581;
constexpr uint32_t kNoId = G4RT_TOKENIZER_NO_ID;

uint64_t alignTo8(uint64_t value) { return (value + 7) & ~uint64_t(7); }

/// The code points of `text`, U+FFFD for ill-formed bytes.
std::vector<uint32_t> codePoints(llvm::StringRef text) {
  std::vector<uint32_t> out;
  const auto *cursor = reinterpret_cast<const llvm::UTF8 *>(text.begin());
  const auto *end = reinterpret_cast<const llvm::UTF8 *>(text.end());
  while (cursor < end) {
    llvm::UTF32 cp = 0;
    if (llvm::convertUTF8Sequence(&cursor, end, &cp, llvm::strictConversion) !=
        llvm::conversionOK) {
      ++cursor;
      cp = 0xFFFD;
    }
    out.push_back(cp);
  }
  return out;
}

/// Writes plain-old-data into the blob at byte offsets.
class BlobWriter {
public:
  explicit BlobWriter(PackedTokenizer &blob) : blob(blob) {}
  uint8_t *at(uint64_t offset) { return reinterpret_cast<uint8_t *>(blob.storage.data()) + offset; }
  template <typename T> void put(uint64_t offset, const T &value) {
    std::memcpy(at(offset), &value, sizeof(T));
  }

private:
  PackedTokenizer &blob;
};

} // namespace

std::vector<uint32_t> splitGuards(const TokenizerSpec &spec) {
  std::set<uint32_t> guards;
  std::vector<bool> seen(spec.pieces.size());
  for (const auto &merge : spec.merges) {
    uint32_t result = merge[2];
    if (seen[result])
      continue;
    seen[result] = true;
    if (spec.pieces[result].find("\xE2\x96\x81") == std::string::npos)
      continue;
    std::vector<uint32_t> cps = codePoints(spec.pieces[result]);
    for (size_t i = 1; i < cps.size(); ++i)
      if (cps[i] == kMetaspace && cps[i - 1] != kMetaspace)
        guards.insert(cps[i - 1]);
  }
  return {guards.begin(), guards.end()};
}

llvm::Expected<PackedTokenizer> packTokenizer(const TokenizerSpec &spec) {
  const uint64_t tokenCount = spec.pieces.size();
  if (tokenCount == 0 || tokenCount >= G4RT_TOKENIZER_MAX_TOKENS ||
      spec.merges.size() >= G4RT_TOKENIZER_MAX_TOKENS)
    return llvm::createStringError("tokenizer: %llu tokens and %zu merges exceed the packed "
                                   "format's limit of 2^30",
                                   (unsigned long long)tokenCount, spec.merges.size());

  g4rt_tokenizer_header_t header;
  std::memset(&header, 0, sizeof(header));
  std::memcpy(header.magic, G4RT_TOKENIZER_MAGIC, 8);
  header.version = G4RT_TOKENIZER_FORMAT_VERSION;
  header.header_bytes = sizeof(header);
  header.byte_order = G4RT_TOKENIZER_BYTE_ORDER;
  header.token_count = uint32_t(tokenCount);
  header.merge_count = uint32_t(spec.merges.size());
  header.unk_id = spec.unkId;
  header.bos_id = spec.bosId;
  header.flags = (spec.spaceToMetaspace ? G4RT_TOKENIZER_FLAG_SPACE_TO_METASPACE : 0) |
                 (spec.byteFallback ? G4RT_TOKENIZER_FLAG_BYTE_FALLBACK : 0) |
                 (spec.fuseUnk ? G4RT_TOKENIZER_FLAG_FUSE_UNK : 0);
  std::vector<uint32_t> guards = splitGuards(spec);
  if (guards.size() <= G4RT_TOKENIZER_MAX_SPLIT_GUARDS) {
    header.flags |= G4RT_TOKENIZER_FLAG_SPLIT_WORDS;
    header.split_guard_count = uint32_t(guards.size());
    std::copy(guards.begin(), guards.end(), header.split_guards);
  }

  // Added tokens in piece order (memcmp order: std::string compares bytes unsigned).
  std::vector<uint32_t> added = spec.added;
  std::sort(added.begin(), added.end(),
            [&](uint32_t a, uint32_t b) { return spec.pieces[a] < spec.pieces[b]; });
  header.added_count = uint32_t(added.size());

  uint64_t pieceBytes = 0;
  for (const std::string &piece : spec.pieces) {
    pieceBytes += piece.size();
    header.max_piece_bytes = std::max<uint32_t>(header.max_piece_bytes, piece.size());
  }
  if (pieceBytes >= (uint64_t(1) << 32))
    return llvm::createStringError("tokenizer: %llu bytes of pieces exceed 4 GiB",
                                   (unsigned long long)pieceBytes);
  header.piece_bytes_size = pieceBytes;
  header.piece_hash_slots = uint32_t(llvm::PowerOf2Ceil(2 * tokenCount));
  header.merge_hash_slots =
      uint32_t(llvm::PowerOf2Ceil(std::max<uint64_t>(2, 2 * spec.merges.size())));

  uint64_t offset = sizeof(header);
  auto section = [&](uint64_t bytes) {
    uint64_t at = offset;
    offset = alignTo8(offset + bytes);
    return at;
  };
  header.piece_offsets_offset = section((tokenCount + 1) * 4);
  header.piece_bytes_offset = section(pieceBytes);
  header.token_kinds_offset = section(tokenCount);
  header.piece_hash_offset = section(uint64_t(header.piece_hash_slots) * 4);
  header.merge_hash_offset =
      section(uint64_t(header.merge_hash_slots) * sizeof(g4rt_tokenizer_merge_slot_t));
  header.added_offset = section(uint64_t(added.size()) * 4);
  header.byte_ids_offset = section(256 * 4);
  header.bmp_ids_offset = section(65536 * 4);
  header.total_bytes = offset;

  PackedTokenizer blob;
  blob.size = offset;
  blob.storage.assign(offset / 8, 0);
  BlobWriter out(blob);

  // Pieces and kinds.
  uint32_t pieceOffset = 0;
  for (uint64_t id = 0; id < tokenCount; ++id) {
    out.put(header.piece_offsets_offset + 4 * id, pieceOffset);
    std::memcpy(out.at(header.piece_bytes_offset + pieceOffset), spec.pieces[id].data(),
                spec.pieces[id].size());
    pieceOffset += uint32_t(spec.pieces[id].size());
    *out.at(header.token_kinds_offset + id) = spec.kinds[id];
  }
  out.put(header.piece_offsets_offset + 4 * tokenCount, pieceOffset);

  // Piece hash: every id text lookups may return.
  llvm::DenseSet<uint32_t> shadowed(spec.shadowed.begin(), spec.shadowed.end());
  uint32_t pieceMask = header.piece_hash_slots - 1;
  std::vector<uint32_t> pieceHash(header.piece_hash_slots, kNoId);
  for (uint32_t id = 0; id < tokenCount; ++id) {
    if (spec.kinds[id] == G4RT_TOKEN_KIND_NONE || shadowed.contains(id))
      continue;
    const std::string &piece = spec.pieces[id];
    uint32_t slot =
        g4rt_tokenizer_piece_hash(reinterpret_cast<const uint8_t *>(piece.data()), piece.size()) &
        pieceMask;
    while (pieceHash[slot] != kNoId)
      slot = (slot + 1) & pieceMask;
    pieceHash[slot] = id;
  }
  std::memcpy(out.at(header.piece_hash_offset), pieceHash.data(), pieceHash.size() * 4);

  // Merge hash.
  uint32_t mergeMask = header.merge_hash_slots - 1;
  std::vector<g4rt_tokenizer_merge_slot_t> mergeHash(header.merge_hash_slots,
                                                     {kNoId, kNoId, kNoId, kNoId});
  for (uint32_t rank = 0; rank < spec.merges.size(); ++rank) {
    const auto &[left, right, result] = spec.merges[rank];
    uint32_t slot = g4rt_tokenizer_pair_hash(left, right) & mergeMask;
    while (mergeHash[slot].left != kNoId)
      slot = (slot + 1) & mergeMask;
    mergeHash[slot] = {left, right, rank, result};
  }
  std::memcpy(out.at(header.merge_hash_offset), mergeHash.data(),
              mergeHash.size() * sizeof(g4rt_tokenizer_merge_slot_t));

  std::memcpy(out.at(header.added_offset), added.data(), added.size() * 4);

  // Byte pieces, as text lookups find them.
  llvm::StringMap<uint32_t> lookup;
  for (uint32_t id = 0; id < tokenCount; ++id)
    if (spec.kinds[id] == G4RT_TOKEN_KIND_BYTE && !shadowed.contains(id))
      lookup[spec.pieces[id]] = id;
  for (unsigned byte = 0; byte < 256; ++byte) {
    char name[7];
    std::snprintf(name, sizeof(name), "<0x%02X>", byte);
    auto found = lookup.find(name);
    out.put(header.byte_ids_offset + 4 * byte, found == lookup.end() ? kNoId : found->second);
  }

  // Single characters of the Basic Multilingual Plane, as text lookups find them.
  std::vector<uint32_t> bmpIds(65536, kNoId);
  for (uint32_t id = 0; id < tokenCount; ++id) {
    if (spec.kinds[id] == G4RT_TOKEN_KIND_NONE || shadowed.contains(id))
      continue;
    std::vector<uint32_t> cps = codePoints(spec.pieces[id]);
    if (cps.size() == 1 && cps[0] < 65536 && cps[0] != 0xFFFD)
      bmpIds[cps[0]] = id;
    else if (spec.pieces[id] == "\xEF\xBF\xBD")
      bmpIds[0xFFFD] = id;
  }
  std::memcpy(out.at(header.bmp_ids_offset), bmpIds.data(), bmpIds.size() * 4);

  out.put(0, header);
  header.checksum = g4rt_tokenizer_checksum(out.at(G4RT_TOKENIZER_CHECKSUM_START),
                                            blob.size - G4RT_TOKENIZER_CHECKSUM_START);
  out.put(0, header);
  return blob;
}

llvm::Expected<PackedTokenizer> packTokenizerJson(llvm::StringRef path) {
  llvm::Expected<TokenizerSpec> spec = readTokenizerJson(path);
  if (!spec)
    return spec.takeError();
  return packTokenizer(*spec);
}

} // namespace g4
