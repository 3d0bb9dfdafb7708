//===- TokenizerBlobTest.cpp - Loading rejects corrupt packed tokenizers ---===//
//
// g4rt_tokenizer_load must turn every corruption into a status naming the field with
// the expected and found values: bad magic, version, size, checksum, and (with the
// checksum recomputed, as a deliberate forgery would) every table's bounds and ids.
//
//===----------------------------------------------------------------------===//

#include "tests/unit/tokenizer/TokenizerTestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cstring>
#include <functional>

namespace g4::test {
namespace {

using ::testing::HasSubstr;

class TokenizerBlobTest : public ::testing::Test {
protected:
  TokenizerBlobTest() : good(defaultTiny()) {}

  /// A copy of the good blob.
  PackedTokenizer copy() const { return good.blob; }

  static g4rt_tokenizer_header_t header(const PackedTokenizer &blob) {
    g4rt_tokenizer_header_t h;
    std::memcpy(&h, blob.data(), sizeof(h));
    return h;
  }
  static uint8_t *bytes(PackedTokenizer &blob) {
    return reinterpret_cast<uint8_t *>(blob.storage.data());
  }
  /// Recomputes the checksum after an edit.
  static void reseal(PackedTokenizer &blob) {
    uint64_t checksum = g4rt_tokenizer_checksum(bytes(blob) + G4RT_TOKENIZER_CHECKSUM_START,
                                                blob.size - G4RT_TOKENIZER_CHECKSUM_START);
    std::memcpy(bytes(blob) + offsetof(g4rt_tokenizer_header_t, checksum), &checksum, 8);
  }
  /// Edits the header (then reseals).
  static void editHeader(PackedTokenizer &blob,
                         const std::function<void(g4rt_tokenizer_header_t &)> &edit) {
    g4rt_tokenizer_header_t h = header(blob);
    edit(h);
    std::memcpy(bytes(blob), &h, sizeof(h));
    reseal(blob);
  }
  template <typename T> static void put(PackedTokenizer &blob, uint64_t offset, T value) {
    std::memcpy(bytes(blob) + offset, &value, sizeof(T));
  }

  /// Loads `blob` expecting failure with `code` and a message containing each part.
  static void expectRejected(const PackedTokenizer &blob, g4rt_status_code_t code,
                             std::initializer_list<const char *> parts) {
    g4rt_tokenizer_t tokenizer;
    g4rt_status_t status = g4rt_tokenizer_load(blob.data(), blob.size, &tokenizer);
    EXPECT_EQ(status.code, code) << describe(status);
    for (const char *part : parts)
      EXPECT_THAT(describe(status), HasSubstr(part));
    EXPECT_EQ(tokenizer.blob, nullptr) << "a failed load leaves the tokenizer empty";
  }

  LoadedTokenizer good;
};

TEST_F(TokenizerBlobTest, GoodBlobLoads) {
  g4rt_tokenizer_t tokenizer;
  g4rt_status_t status = g4rt_tokenizer_load(good.blob.data(), good.blob.size, &tokenizer);
  EXPECT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  EXPECT_EQ(header(good.blob).total_bytes, good.blob.size);
}

TEST_F(TokenizerBlobTest, NullMisalignedAndShortBlobs) {
  g4rt_tokenizer_t tokenizer;
  g4rt_status_t status = g4rt_tokenizer_load(nullptr, 100, &tokenizer);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(describe(status), HasSubstr("NULL pointer"));
  status = g4rt_tokenizer_load(good.blob.data() + 4, good.blob.size - 4, &tokenizer);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(describe(status), HasSubstr("is not 8-byte aligned"));
  status = g4rt_tokenizer_load(good.blob.data(), 100, &tokenizer);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(describe(status), HasSubstr("100 bytes is smaller than the 208-byte header"));
}

TEST_F(TokenizerBlobTest, BadMagic) {
  PackedTokenizer blob = copy();
  std::memcpy(bytes(blob), "GGUF\x03\0\0\0", 8);
  expectRejected(blob, G4RT_STATUS_DATA_LOSS,
                 {"magic expected \"G4TOKNZR\", found \"GGUF????\"", "not a packed tokenizer"});
}

TEST_F(TokenizerBlobTest, OtherVersion) {
  PackedTokenizer blob = copy();
  editHeader(blob, [](g4rt_tokenizer_header_t &h) { h.version = 2; });
  expectRejected(blob, G4RT_STATUS_FAILED_PRECONDITION,
                 {"version expected 1, found 2", "pack the tokenizer again"});
}

TEST_F(TokenizerBlobTest, OtherByteOrder) {
  PackedTokenizer blob = copy();
  editHeader(blob, [](g4rt_tokenizer_header_t &h) { h.byte_order = 0x04030201; });
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"byte_order expected 0x1020304, found 0x4030201"});
}

TEST_F(TokenizerBlobTest, TruncatedBlob) {
  PackedTokenizer blob = copy();
  blob.size -= 8;
  expectRejected(blob, G4RT_STATUS_DATA_LOSS,
                 {("total_bytes expected " + std::to_string(blob.size) +
                   " (the blob's size), "
                   "found " +
                   std::to_string(blob.size + 8))
                      .c_str()});
}

TEST_F(TokenizerBlobTest, FlippedByteFailsTheChecksum) {
  PackedTokenizer blob = copy();
  bytes(blob)[header(blob).piece_bytes_offset + 3] ^= 0x20;
  expectRejected(blob, G4RT_STATUS_DATA_LOSS,
                 {"checksum expected 0x", "found 0x", "the blob is corrupt"});
  // Any byte after the checksum field counts (the header's flags, the last byte).
  for (uint64_t at :
       {uint64_t(offsetof(g4rt_tokenizer_header_t, flags)), uint64_t(blob.size - 1)}) {
    PackedTokenizer other = copy();
    bytes(other)[at] ^= 1;
    expectRejected(other, G4RT_STATUS_DATA_LOSS, {"checksum"});
  }
}

TEST_F(TokenizerBlobTest, HeaderCountsAndSections) {
  PackedTokenizer blob = copy();
  editHeader(blob, [](g4rt_tokenizer_header_t &h) { h.token_count = 0; });
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"token_count expected in [1, 1073741824), found 0"});

  blob = copy();
  editHeader(blob, [](g4rt_tokenizer_header_t &h) { h.merge_hash_slots = 12; });
  expectRejected(blob, G4RT_STATUS_DATA_LOSS,
                 {"merge_hash_slots expected a power of two above merge_count 14, found 12"});

  blob = copy();
  editHeader(blob, [](g4rt_tokenizer_header_t &h) { h.piece_hash_offset = h.total_bytes - 8; });
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"piece_hash (", "expected 8-aligned inside"});

  blob = copy();
  editHeader(blob, [](g4rt_tokenizer_header_t &h) { h.added_offset += 4; });
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"added (", "expected 8-aligned"});

  blob = copy();
  editHeader(blob, [](g4rt_tokenizer_header_t &h) { h.unk_id = 1u << 20; });
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"unk_id 1048576 is outside [0, "});
}

TEST_F(TokenizerBlobTest, TablesAreChecked) {
  g4rt_tokenizer_header_t h = header(good.blob);

  PackedTokenizer blob = copy();
  put<uint32_t>(blob, h.piece_offsets_offset + 4 * 10, 1u << 30);
  reseal(blob);
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"piece_offsets[10] expected in ["});

  blob = copy();
  put<uint8_t>(blob, h.token_kinds_offset + 270, 9);
  reseal(blob);
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"token 270 has kind 9"});

  blob = copy();
  put<uint8_t>(blob, h.token_kinds_offset + uint64_t(good.id("ab")), G4RT_TOKEN_KIND_BYTE);
  reseal(blob);
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"has kind byte but its piece is not <0xXX>"});

  blob = copy();
  for (uint32_t slot = 0; slot < h.piece_hash_slots; ++slot)
    if (reinterpret_cast<const uint32_t *>(blob.data() + h.piece_hash_offset)[slot] !=
        G4RT_TOKENIZER_NO_ID) {
      put<uint32_t>(blob, h.piece_hash_offset + 4 * slot, h.token_count + 7);
      break;
    }
  reseal(blob);
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"piece_hash[", "outside [0, "});

  // A piece table without an empty slot (lookups would never stop).
  blob = copy();
  for (uint32_t slot = 0; slot < h.piece_hash_slots; ++slot)
    put<uint32_t>(blob, h.piece_hash_offset + 4 * slot, 0);
  reseal(blob);
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"piece_hash expected at most"});

  // A merge whose result is past the vocabulary.
  blob = copy();
  const auto *slots =
      reinterpret_cast<const g4rt_tokenizer_merge_slot_t *>(blob.data() + h.merge_hash_offset);
  for (uint32_t slot = 0; slot < h.merge_hash_slots; ++slot)
    if (slots[slot].left != G4RT_TOKENIZER_NO_ID) {
      put<uint32_t>(blob,
                    h.merge_hash_offset + slot * sizeof(g4rt_tokenizer_merge_slot_t) +
                        offsetof(g4rt_tokenizer_merge_slot_t, result),
                    h.token_count);
      break;
    }
  reseal(blob);
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"merge_hash[", "ids expected below"});

  blob = copy();
  editHeader(blob, [](g4rt_tokenizer_header_t &h) { h.merge_count -= 1; });
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"rank", "below 13"});

  // Added tokens out of order.
  blob = copy();
  uint32_t first = reinterpret_cast<const uint32_t *>(blob.data() + h.added_offset)[0];
  uint32_t second = reinterpret_cast<const uint32_t *>(blob.data() + h.added_offset)[1];
  put<uint32_t>(blob, h.added_offset, second);
  put<uint32_t>(blob, h.added_offset + 4, first);
  reseal(blob);
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"added[1]", "expected after added[0]"});

  blob = copy();
  put<uint32_t>(blob, h.added_offset, uint32_t(good.id("ab")));
  reseal(blob);
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"added[0] = ", "is not an added token id"});

  blob = copy();
  put<uint32_t>(blob, h.byte_ids_offset + 4 * 0x41, uint32_t(good.id("<0x42>")));
  reseal(blob);
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"byte_ids[0x41] = ", "is not the piece"});

  blob = copy();
  put<uint32_t>(blob, h.bmp_ids_offset + 4 * 'a', h.token_count);
  reseal(blob);
  expectRejected(blob, G4RT_STATUS_DATA_LOSS, {"bmp_ids[0x61] holds id"});
}

TEST_F(TokenizerBlobTest, ChecksumCoversEveryByteAfterItsField) {
  // The checksum of the same bytes is stable and differs for different sizes.
  const uint8_t *data = good.blob.data();
  EXPECT_EQ(g4rt_tokenizer_checksum(data, 1000), g4rt_tokenizer_checksum(data, 1000));
  EXPECT_NE(g4rt_tokenizer_checksum(data, 1000), g4rt_tokenizer_checksum(data, 1001));
  std::vector<uint8_t> zeros(64, 0);
  EXPECT_NE(g4rt_tokenizer_checksum(zeros.data(), 63), g4rt_tokenizer_checksum(zeros.data(), 64));
}

} // namespace
} // namespace g4::test
