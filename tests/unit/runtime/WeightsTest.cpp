//===- WeightsTest.cpp - Blob header and model-info validation -------------===//
//
// Each header field set wrong must fail with a message that names the field and
// shows the expected and found values.
//
//===----------------------------------------------------------------------===//
#include "runtime/g4rt/model/model_info.h"
#include "runtime/g4rt/model/weights.h"

#include "tests/unit/runtime/FakeModel.h"
#include "tests/unit/runtime/RuntimeTestSupport.h"

#include "gtest/gtest.h"
#include "gmock/gmock.h"

#include <cstring>
#include <functional>
#include <string>

namespace g4rt::test {
namespace {

using ::testing::HasSubstr;

g4rt_status_t validate(const std::vector<uint8_t> &blob, const uint8_t **data = nullptr) {
  AlignedBytes aligned(blob);
  const uint8_t *ignored = nullptr;
  return g4rt_weights_validate(&g4_model_info, aligned.data(), aligned.size(),
                               data ? data : &ignored);
}

g4rt_status_t validateEdited(const std::function<void(g4_weights_header_t &)> &edit) {
  g4_weights_header_t header = fakeHeader();
  edit(header);
  return validate(makeBlob(header, G4RT_FAKE_WEIGHTS_BYTES));
}

TEST(G4rtWeightsTest, AcceptsAValidBlob) {
  AlignedBytes blob(fakeBlob());
  const uint8_t *data = nullptr;
  g4rt_status_t status = g4rt_weights_validate(&g4_model_info, blob.data(), blob.size(), &data);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  EXPECT_EQ(data, blob.data() + 128);
  EXPECT_EQ(data[0], kFakeWeight0);
}

TEST(G4rtWeightsTest, Magic) {
  g4rt_status_t status = validateEdited([](auto &h) { std::memcpy(h.magic, "G4WEIGH\x01", 8); });
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message, HasSubstr("magic expected \"G4WEIGHT\", found \"G4WEIGH?\""));
}

TEST(G4rtWeightsTest, Version) {
  g4rt_status_t status = validateEdited([](auto &h) { h.version = 7; });
  EXPECT_THAT(status.message, HasSubstr("version expected 1, found 7"));
}

TEST(G4rtWeightsTest, HeaderBytes) {
  g4rt_status_t status = validateEdited([](auto &h) { h.header_bytes = 64; });
  EXPECT_THAT(status.message, HasSubstr("header_bytes expected 72, found 64"));
}

TEST(G4rtWeightsTest, Fingerprint) {
  g4rt_status_t status = validateEdited([](auto &h) { h.fingerprint = 0xabcdef; });
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message,
              HasSubstr("fingerprint expected 0x6734666b65000001, found 0xabcdef"));
}

TEST(G4rtWeightsTest, DataOffsetAlignment) {
  g4rt_status_t status = validateEdited([](auto &h) { h.data_offset = 100; });
  EXPECT_THAT(status.message, HasSubstr("data_offset expected a multiple of 64, found 100"));
}

TEST(G4rtWeightsTest, DataOffsetInsideTheHeader) {
  g4rt_status_t status = validateEdited([](auto &h) { h.data_offset = 64; });
  EXPECT_THAT(status.message, HasSubstr("data_offset expected in [72, "));
  EXPECT_THAT(status.message, HasSubstr("found 64"));
}

TEST(G4rtWeightsTest, DataOffsetPastTheBlob) {
  std::vector<uint8_t> blob = fakeBlob();
  g4_weights_header_t header = fakeHeader();
  header.data_offset = 1 << 20;
  std::memcpy(blob.data(), &header, sizeof(header));
  g4rt_status_t status = validate(blob);
  EXPECT_THAT(status.message, HasSubstr("data_offset expected in [72, 192]"));
  EXPECT_THAT(status.message, HasSubstr("found 1048576"));
}

TEST(G4rtWeightsTest, DataBytesMustMatchTheModel) {
  g4rt_status_t status = validateEdited([](auto &h) { h.data_bytes = 32; });
  EXPECT_THAT(status.message, HasSubstr("data_bytes expected 64 (the model's weights_bytes), "
                                        "found 32"));
}

TEST(G4rtWeightsTest, TruncatedData) {
  std::vector<uint8_t> blob = fakeBlob();
  blob.resize(blob.size() - 1);
  g4rt_status_t status = validate(blob);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message, HasSubstr("data_offset 128 + data_bytes 64 expected <= the "
                                        "blob's 191 bytes, found 192"));
}

TEST(G4rtWeightsTest, ShorterThanTheHeader) {
  std::vector<uint8_t> blob = fakeBlob();
  blob.resize(10);
  EXPECT_THAT(validate(blob).message,
              HasSubstr("10 bytes is smaller than the 72-byte header"));
}

// The data must be aligned in memory, not only in the file.
TEST(G4rtWeightsTest, MisalignedDataAddress) {
  std::vector<uint8_t> bytes = fakeBlob();
  bytes.insert(bytes.begin(), 8, 0);
  AlignedBytes blob(bytes);
  const uint8_t *data = nullptr;
  g4rt_status_t status =
      g4rt_weights_validate(&g4_model_info, blob.data() + 8, bytes.size() - 8, &data);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(status.message, HasSubstr("expected 64-byte aligned"));
  EXPECT_EQ(data, nullptr);
}

TEST(G4rtWeightsTest, NullBlob) {
  const uint8_t *data = nullptr;
  EXPECT_EQ(g4rt_weights_validate(&g4_model_info, nullptr, 100, &data).code,
            G4RT_STATUS_INVALID_ARGUMENT);
}

TEST(G4rtModelInfoTest, FakeModelIsValid) {
  g4rt_status_t status = g4rt_model_info_validate(&g4_model_info);
  EXPECT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
}

TEST(G4rtModelInfoTest, AbiVersionMismatch) {
  g4_model_info_t info = g4_model_info;
  info.abi_version = 3; // an object that writes every prefill row (before ABI v4)
  g4rt_status_t status = g4rt_model_info_validate(&info);
  EXPECT_EQ(status.code, G4RT_STATUS_FAILED_PRECONDITION);
  EXPECT_THAT(status.message, HasSubstr("abi_version expected 4, found 3"));
  info.abi_version = G4_ABI_VERSION + 1;
  EXPECT_THAT(g4rt_model_info_validate(&info).message,
              HasSubstr("found " + std::to_string(G4_ABI_VERSION + 1)));
}

TEST(G4rtModelInfoTest, BadSizes) {
  g4_model_info_t info = g4_model_info;
  info.vocab_size = 0;
  EXPECT_THAT(g4rt_model_info_validate(&info).message, HasSubstr("vocab_size 0"));
  info = g4_model_info;
  info.max_context = -1;
  EXPECT_THAT(g4rt_model_info_validate(&info).message, HasSubstr("max_context -1"));
  info = g4_model_info;
  info.kv_plan = nullptr;
  EXPECT_THAT(g4rt_model_info_validate(&info).message, HasSubstr("num_kv_buffers 2"));
  info = g4_model_info;
  info.scratch_bytes = -64;
  EXPECT_THAT(g4rt_model_info_validate(&info).message, HasSubstr("scratch_bytes -64"));
  info = g4_model_info;
  info.max_prefill_tokens = 0;
  EXPECT_THAT(g4rt_model_info_validate(&info).message,
              HasSubstr("max_prefill_tokens 0 is not in [1, max_context = 48]"));
  info.max_prefill_tokens = 49;
  EXPECT_THAT(g4rt_model_info_validate(&info).message, HasSubstr("max_prefill_tokens 49"));
}

TEST(G4rtModelInfoTest, KvBufferOutsideTheArena) {
  g4_model_info_t info = g4_model_info;
  info.kv_bytes = 400;
  EXPECT_THAT(g4rt_model_info_validate(&info).message,
              HasSubstr("KV buffer 1 (layer 1) ends at byte 448, past the 400-byte KV arena"));
}

TEST(G4rtMemoryPlanTest, FormatsEveryBufferAndTheTotals) {
  g4rt_memory_plan_t plan = g4rt_model_memory_plan(&g4_model_info);
  EXPECT_EQ(plan.num_kv_buffers, 2);
  EXPECT_EQ(plan.kv_bytes, G4RT_FAKE_KV_BYTES);
  size_t needed = g4rt_memory_plan_format(&plan, nullptr, 0);
  std::string text(needed + 1, '\0');
  EXPECT_EQ(g4rt_memory_plan_format(&plan, text.data(), text.size()), needed);
  text.resize(needed);
  EXPECT_EQ(text,
            "KV buffer 0: layer 0 global, capacity 48 x 1 kv heads x 1 head dim, offset 0: "
            "384 bytes\n"
            "KV buffer 1: layer 1 sliding, capacity 8 x 1 kv heads x 1 head dim, offset 384: "
            "64 bytes\n"
            "KV total: 448 bytes in 2 buffers (arena 448 bytes)\n"
            "scratch: 256 bytes (prefill calls of at most 16 tokens)\n"
            "weights: 64 bytes\n");
  // A short buffer is truncated but still terminated.
  char small[16];
  g4rt_memory_plan_format(&plan, small, sizeof(small));
  EXPECT_STREQ(small, "KV buffer 0: la");
}

} // namespace
} // namespace g4rt::test
