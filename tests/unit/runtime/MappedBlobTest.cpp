//===- MappedBlobTest.cpp - Executable trailers and mapped weight files ----===//
#include "runtime/g4rt/model/trailer.h"
#include "runtime/g4rt/model/weights.h"
#include "runtime/g4rt/platform/posix/mapped_blob.h"

#include "tests/unit/runtime/FakeModel.h"
#include "tests/unit/runtime/RuntimeTestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cstring>
#include <string>
#include <vector>

namespace g4rt::test {
namespace {

using ::testing::HasSubstr;

g4_exe_trailer_t trailer(uint64_t offset, uint64_t bytes) {
  g4_exe_trailer_t result;
  std::memset(&result, 0, sizeof(result));
  std::memcpy(result.magic, G4_TRAILER_MAGIC, 8);
  result.blob_offset = offset;
  result.blob_bytes = bytes;
  return result;
}

class G4rtMappedBlobTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = makeTempDir();
    program = dir + "/program";
    writeFile(program, std::vector<uint8_t>(5000, 0x7f)); // stands in for an ELF
  }
  void TearDown() override {
    g4rt_posix_unmap(&mapped);
    removeTempDir(dir);
  }

  std::string dir, program;
  g4rt_mapped_blob_t mapped{};
};

// program + padding + blob + trailer maps back to exactly the blob, page-aligned,
// and the blob validates against the model.
TEST_F(G4rtMappedBlobTest, MapsTheAppendedBlob) {
  std::vector<uint8_t> blob = fakeBlob();
  std::string exe = dir + "/exe";
  appendBlob(program, blob, exe);
  g4rt_status_t status = g4rt_posix_map_exe_blob(exe.c_str(), G4RT_BLOB_MAPPED, &mapped);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  ASSERT_EQ(mapped.blob_bytes, blob.size());
  EXPECT_EQ(std::memcmp(mapped.blob, blob.data(), blob.size()), 0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(mapped.blob) % 4096, 0u);
  const uint8_t *data = nullptr;
  status = g4rt_weights_validate(&g4_model_info, mapped.blob, mapped.blob_bytes, &data);
  EXPECT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
}

TEST_F(G4rtMappedBlobTest, NoTrailer) {
  g4rt_status_t status = g4rt_posix_map_exe_blob(program.c_str(), G4RT_BLOB_MAPPED, &mapped);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message, HasSubstr(program));
  EXPECT_THAT(status.message, HasSubstr("magic \"G4TRAIL2\" not found"));
  EXPECT_EQ(mapped.mapping, nullptr);
}

TEST_F(G4rtMappedBlobTest, FileShorterThanATrailer) {
  std::string tiny = dir + "/tiny";
  writeFile(tiny, {1, 2, 3});
  g4rt_status_t status = g4rt_posix_map_exe_blob(tiny.c_str(), G4RT_BLOB_MAPPED, &mapped);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message, HasSubstr("the file has 3 bytes, fewer than the 48-byte trailer"));
}

TEST_F(G4rtMappedBlobTest, UnalignedBlobOffset) {
  std::string exe = dir + "/exe";
  g4_exe_trailer_t bad = trailer(4000, 192);
  appendBlob(program, fakeBlob(), exe, &bad);
  EXPECT_THAT(g4rt_posix_map_exe_blob(exe.c_str(), G4RT_BLOB_MAPPED, &mapped).message,
              HasSubstr("blob_offset expected a multiple of 4096, found 4000"));
}

TEST_F(G4rtMappedBlobTest, BlobPastTheTrailer) {
  std::string exe = dir + "/exe";
  g4_exe_trailer_t bad = trailer(8192, 193); // one byte into the trailer
  appendBlob(program, fakeBlob(), exe, &bad);
  g4rt_status_t status = g4rt_posix_map_exe_blob(exe.c_str(), G4RT_BLOB_MAPPED, &mapped);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message, HasSubstr("blob [8192, +193 bytes) expected non-empty and ending "
                                        "where the trailer starts (byte 8384)"));
}

// A trailer whose blob_offset was left at 0 (the blob really follows the program) is
// caught by the exact-end rule, not misread as a blob starting with the ELF header.
TEST_F(G4rtMappedBlobTest, BlobOffsetLeftAtZero) {
  std::string exe = dir + "/exe";
  g4_exe_trailer_t bad = trailer(0, 192);
  appendBlob(program, fakeBlob(), exe, &bad);
  EXPECT_THAT(g4rt_posix_map_exe_blob(exe.c_str(), G4RT_BLOB_MAPPED, &mapped).message,
              HasSubstr("blob [0, +192 bytes) expected non-empty and ending where the trailer "
                        "starts (byte 8384)"));
}

// Bytes between the blob and the trailer are not allowed either.
TEST_F(G4rtMappedBlobTest, GapBeforeTheTrailer) {
  std::string exe = dir + "/exe";
  g4_exe_trailer_t bad = trailer(8192, 191);
  appendBlob(program, fakeBlob(), exe, &bad);
  EXPECT_EQ(g4rt_posix_map_exe_blob(exe.c_str(), G4RT_BLOB_MAPPED, &mapped).code,
            G4RT_STATUS_DATA_LOSS);
}

TEST_F(G4rtMappedBlobTest, MissingFile) {
  std::string missing = dir + "/missing";
  g4rt_status_t status = g4rt_posix_map_exe_blob(missing.c_str(), G4RT_BLOB_MAPPED, &mapped);
  EXPECT_EQ(status.code, G4RT_STATUS_NOT_FOUND);
  EXPECT_THAT(status.message, HasSubstr("open failed"));
  EXPECT_EQ(g4rt_posix_map_file(missing.c_str(), G4RT_BLOB_MAPPED, &mapped).code,
            G4RT_STATUS_NOT_FOUND);
}

TEST_F(G4rtMappedBlobTest, MapsAWholeWeightsFile) {
  std::vector<uint8_t> blob = fakeBlob();
  std::string path = dir + "/weights.g4w";
  writeFile(path, blob);
  g4rt_status_t status = g4rt_posix_map_file(path.c_str(), G4RT_BLOB_MAPPED, &mapped);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  ASSERT_EQ(mapped.blob_bytes, blob.size());
  EXPECT_EQ(std::memcmp(mapped.blob, blob.data(), blob.size()), 0);
  g4rt_posix_unmap(&mapped);
  EXPECT_EQ(mapped.mapping, nullptr);
  g4rt_posix_unmap(&mapped); // a second unmap is a no-op
}

// G4RT_BLOB_HUGE_PAGES reads the bytes into read-only memory that starts on a 2 MiB
// boundary (where transparent huge pages can back it), for a weights file and for the
// blob appended to an executable.
TEST_F(G4rtMappedBlobTest, HugePagesHoldTheSameBytes) {
  std::vector<uint8_t> blob = fakeBlob();
  std::string path = dir + "/weights.g4w";
  writeFile(path, blob);
  g4rt_status_t status = g4rt_posix_map_file(path.c_str(), G4RT_BLOB_HUGE_PAGES, &mapped);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  ASSERT_EQ(mapped.blob_bytes, blob.size());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(mapped.blob) % (2u << 20), 0u);
  EXPECT_EQ(std::memcmp(mapped.blob, blob.data(), blob.size()), 0);
  g4rt_posix_unmap(&mapped);
  EXPECT_EQ(mapped.mapping, nullptr);

  std::string exe = dir + "/exe";
  appendBlob(program, blob, exe);
  status = g4rt_posix_map_exe_blob(exe.c_str(), G4RT_BLOB_HUGE_PAGES, &mapped);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  ASSERT_EQ(mapped.blob_bytes, blob.size());
  EXPECT_EQ(std::memcmp(mapped.blob, blob.data(), blob.size()), 0);
}

TEST_F(G4rtMappedBlobTest, EmptyFileAndDirectory) {
  std::string empty = dir + "/empty";
  writeFile(empty, {});
  EXPECT_THAT(g4rt_posix_map_file(empty.c_str(), G4RT_BLOB_MAPPED, &mapped).message,
              HasSubstr("is empty"));
  EXPECT_THAT(g4rt_posix_map_file(dir.c_str(), G4RT_BLOB_MAPPED, &mapped).message,
              HasSubstr("is not a regular file"));
}

// The pure check guards against offsets that would overflow.
TEST(G4rtTrailerTest, RejectsOverflowingRanges) {
  g4_exe_trailer_t huge = trailer(UINT64_MAX - 4095, 8192);
  EXPECT_EQ(g4rt_exe_trailer_validate(&huge, 1 << 20).code, G4RT_STATUS_DATA_LOSS);
  g4_exe_trailer_t wide = trailer(4096, UINT64_MAX);
  EXPECT_EQ(g4rt_exe_trailer_validate(&wide, 1 << 20).code, G4RT_STATUS_DATA_LOSS);
  g4_exe_trailer_t empty = trailer(4096, 0);
  EXPECT_EQ(g4rt_exe_trailer_validate(&empty, 1 << 20).code, G4RT_STATUS_DATA_LOSS);
  g4_exe_trailer_t exact = trailer(4096, 100);
  const uint64_t t = sizeof(g4_exe_trailer_t);
  EXPECT_EQ(t, 48u);
  EXPECT_EQ(g4rt_exe_trailer_validate(&exact, 4096 + 100 + t).code, G4RT_STATUS_OK);
  EXPECT_EQ(g4rt_exe_trailer_validate(&exact, 4096 + 100 + t - 1).code, G4RT_STATUS_DATA_LOSS);
  EXPECT_EQ(g4rt_exe_trailer_validate(&exact, 4096 + 100 + t + 1).code, G4RT_STATUS_DATA_LOSS);
}

// The text section's rules: 8-aligned, right after the blob (at most 7 bytes of
// padding), ending where the trailer starts; none means text_offset and text_bytes 0.
TEST(G4rtTrailerTest, TextSectionRanges) {
  const uint64_t t = sizeof(g4_exe_trailer_t);
  g4_exe_trailer_t good = trailer(4096, 100); // blob ends at 4196, text at 4200
  good.text_offset = 4200;
  good.text_bytes = 64;
  EXPECT_EQ(g4rt_exe_trailer_validate(&good, 4200 + 64 + t).code, G4RT_STATUS_OK);
  EXPECT_EQ(g4rt_exe_trailer_validate(&good, 4200 + 65 + t).code, G4RT_STATUS_DATA_LOSS);

  g4_exe_trailer_t misaligned = good;
  misaligned.text_offset = 4196;
  misaligned.text_bytes = 68;
  g4rt_status_t status = g4rt_exe_trailer_validate(&misaligned, 4196 + 68 + t);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message, HasSubstr("text section [4196, +68 bytes) expected at a multiple "
                                        "of 8 and ending where the trailer starts"));

  g4_exe_trailer_t gap = good; // 12 bytes between the blob and the text
  gap.text_offset = 4208;
  gap.text_bytes = 56;
  status = g4rt_exe_trailer_validate(&gap, 4208 + 56 + t);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message, HasSubstr("ending where the text section starts (byte 4208"));

  g4_exe_trailer_t overlap = good; // the blob runs into the text
  overlap.blob_bytes = 105;
  EXPECT_EQ(g4rt_exe_trailer_validate(&overlap, 4200 + 64 + t).code, G4RT_STATUS_DATA_LOSS);

  g4_exe_trailer_t stray = trailer(4096, 100); // an offset without a size
  stray.text_offset = 4200;
  status = g4rt_exe_trailer_validate(&stray, 4096 + 100 + t);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message, HasSubstr("text_offset expected 0 without a text section"));

  g4_exe_trailer_t huge = good;
  huge.text_offset = UINT64_MAX - 7;
  huge.text_bytes = 16;
  EXPECT_EQ(g4rt_exe_trailer_validate(&huge, 1 << 20).code, G4RT_STATUS_DATA_LOSS);
}

// program + padding + blob + padding + text section + trailer: both map back.
TEST_F(G4rtMappedBlobTest, MapsTheTextSection) {
  std::vector<uint8_t> blob = fakeBlob();
  blob.push_back(0xAB); // an odd size, so the text section needs padding
  std::vector<uint8_t> text(200);
  for (size_t i = 0; i < text.size(); ++i)
    text[i] = uint8_t(i * 3 + 1);
  std::string exe = dir + "/exe";
  appendBlob(program, blob, exe, nullptr, text);
  g4rt_status_t status = g4rt_posix_map_exe_blob(exe.c_str(), G4RT_BLOB_MAPPED, &mapped);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  ASSERT_EQ(mapped.blob_bytes, blob.size());
  EXPECT_EQ(std::memcmp(mapped.blob, blob.data(), blob.size()), 0);
  g4rt_mapped_blob_t mappedText{};
  status = g4rt_posix_map_exe_text(exe.c_str(), &mappedText);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  ASSERT_EQ(mappedText.blob_bytes, text.size());
  EXPECT_EQ(std::memcmp(mappedText.blob, text.data(), text.size()), 0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(mappedText.blob) % 8, 0u);
  g4rt_posix_unmap(&mappedText);
}

// No text section: an OK status and nothing mapped; a bad trailer is still an error.
TEST_F(G4rtMappedBlobTest, NoTextSection) {
  std::string exe = dir + "/exe";
  appendBlob(program, fakeBlob(), exe);
  g4rt_mapped_blob_t mappedText{};
  g4rt_status_t status = g4rt_posix_map_exe_text(exe.c_str(), &mappedText);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  EXPECT_EQ(mappedText.blob, nullptr);
  EXPECT_EQ(mappedText.blob_bytes, 0u);
  EXPECT_EQ(g4rt_posix_map_exe_text(program.c_str(), &mappedText).code, G4RT_STATUS_DATA_LOSS);
}

// An executable of an older g4c (32-byte "G4TRAILR" trailer) is named as such.
TEST_F(G4rtMappedBlobTest, LegacyTrailer) {
  std::vector<uint8_t> bytes(8192, 0x7f);
  std::vector<uint8_t> blob = fakeBlob();
  bytes.insert(bytes.end(), blob.begin(), blob.end());
  struct {
    char magic[8];
    uint64_t offset, size, reserved;
  } legacy = {{'G', '4', 'T', 'R', 'A', 'I', 'L', 'R'}, 8192, blob.size(), 0};
  const auto *raw = reinterpret_cast<const uint8_t *>(&legacy);
  bytes.insert(bytes.end(), raw, raw + sizeof(legacy));
  std::string exe = dir + "/old";
  writeFile(exe, bytes);
  g4rt_status_t status = g4rt_posix_map_exe_blob(exe.c_str(), G4RT_BLOB_MAPPED, &mapped);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message, HasSubstr("found \"G4TRAILR\", the trailer of an older g4c"));
  EXPECT_THAT(status.message, HasSubstr("recompile"));
}

} // namespace
} // namespace g4rt::test
