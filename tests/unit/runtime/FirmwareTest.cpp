// The firmware API (runtime/g4rt/firmware/firmware.h) over the fake model: the arena
// size it promises is the one it uses, every failure is a status with a message, and
// a context lives entirely in the caller's memory.

#include "runtime/g4rt/firmware/firmware.h"
#include "tests/unit/runtime/FakeModel.h"
#include "tests/unit/runtime/RuntimeTestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cstring>
#include <vector>

namespace {

using ::testing::HasSubstr;

constexpr int64_t kVocab = G4RT_FAKE_VOCAB;

/// `bytes` at a 64-byte aligned address inside poisoned guard zones.
struct Arena {
  explicit Arena(size_t bytes) : storage(bytes + 2 * kGuard + 64, 0xA5) {
    uintptr_t address = reinterpret_cast<uintptr_t>(storage.data()) + kGuard;
    start = kGuard + (64 - address % 64) % 64;
  }
  uint8_t *data() { return storage.data() + start; }
  /// Whether the bytes around [data, data + bytes) still hold the poison.
  bool untouchedOutside(size_t bytes) const {
    for (size_t i = 0; i < storage.size(); ++i)
      if ((i < start || i >= start + bytes) && storage[i] != 0xA5)
        return false;
    return true;
  }
  static constexpr size_t kGuard = 128;
  std::vector<uint8_t> storage;
  size_t start;
};

/// The fake's weight blob at a 64-byte aligned address, as firmware places it.
struct AlignedBlob {
  AlignedBlob() : bytes(g4rt::test::fakeBlob()), storage(bytes.size() + 64) {
    uintptr_t address = reinterpret_cast<uintptr_t>(storage.data());
    start = (64 - address % 64) % 64;
    std::memcpy(storage.data() + start, bytes.data(), bytes.size());
  }
  uint8_t *data() { return storage.data() + start; }
  size_t size() const { return bytes.size(); }
  uint8_t &operator[](size_t i) { return data()[i]; }
  std::vector<uint8_t> bytes, storage;
  size_t start;
};

TEST(G4fwTest, RequiredBytesIsContextPlusKvPlusScratch) {
  EXPECT_EQ(g4fw_required_bytes(&g4_model_info),
            G4_FIRMWARE_CONTEXT_BYTES + G4RT_FAKE_KV_BYTES + G4RT_FAKE_SCRATCH_BYTES);
}

// With exactly the required bytes, init, prefill and decode work and touch nothing
// outside the arena; the logits are the fake's.
TEST(G4fwTest, RunsInExactlyTheRequiredBytes) {
  const size_t required = g4fw_required_bytes(&g4_model_info);
  Arena arena(required);
  ASSERT_EQ(reinterpret_cast<uintptr_t>(arena.data()) % 64, 0u);
  AlignedBlob blob;
  g4fw_context_t *context = nullptr;
  char error[128] = "untouched";
  ASSERT_EQ(g4fw_init(&g4_model_info, _mlir_ciface_g4_prefill, _mlir_ciface_g4_decode, arena.data(),
                      required, blob.data(), blob.size(), nullptr, error, sizeof(error), &context),
            0)
      << error;
  std::vector<int32_t> prompt{3, 1, 4, 1, 5};
  std::vector<float> logits(prompt.size() * kVocab);
  ASSERT_EQ(g4fw_prefill(context, prompt.data(), int64_t(prompt.size()), logits.data()), 0);
  EXPECT_EQ(logits, g4rt::test::fakePromptLogits(prompt));
  EXPECT_EQ(g4fw_argmax(logits.data() + 4 * kVocab, kVocab),
            int32_t(std::max_element(logits.begin() + 4 * kVocab, logits.end()) -
                    (logits.begin() + 4 * kVocab)));
  std::vector<float> next(kVocab);
  ASSERT_EQ(g4fw_decode(context, 9, next.data()), 0);
  EXPECT_EQ(g4fw_position(context), 6);
  EXPECT_STREQ(g4fw_error(context), "");
  g4fw_reset(context);
  EXPECT_EQ(g4fw_position(context), 0);
  EXPECT_TRUE(arena.untouchedOutside(required));
}

TEST(G4fwTest, FailuresAreStatusesWithMessages) {
  const size_t required = g4fw_required_bytes(&g4_model_info);
  Arena arena(required);
  AlignedBlob blob;
  g4fw_context_t *context = reinterpret_cast<g4fw_context_t *>(1);
  char error[256];

  EXPECT_EQ(g4fw_init(&g4_model_info, _mlir_ciface_g4_prefill, _mlir_ciface_g4_decode, arena.data(),
                      required - 1, blob.data(), blob.size(), nullptr, error, sizeof(error),
                      &context),
            G4RT_STATUS_RESOURCE_EXHAUSTED);
  EXPECT_EQ(context, nullptr);
  EXPECT_THAT(error, HasSubstr("the model needs " + std::to_string(required)));

  EXPECT_EQ(g4fw_init(&g4_model_info, _mlir_ciface_g4_prefill, _mlir_ciface_g4_decode,
                      arena.data() + 4, required, blob.data(), blob.size(), nullptr, error,
                      sizeof(error), &context),
            G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(error, HasSubstr("must be 64-byte aligned"));

  blob[0] = 'X'; // the magic
  EXPECT_EQ(g4fw_init(&g4_model_info, _mlir_ciface_g4_prefill, _mlir_ciface_g4_decode, arena.data(),
                      required, blob.data(), blob.size(), nullptr, error, sizeof(error), &context),
            G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(error, HasSubstr("magic"));

  // A message longer than the caller's buffer is cut and terminated.
  char tiny[8];
  EXPECT_NE(g4fw_init(&g4_model_info, _mlir_ciface_g4_prefill, _mlir_ciface_g4_decode, arena.data(),
                      required, blob.data(), blob.size(), nullptr, tiny, sizeof(tiny), &context),
            0);
  EXPECT_EQ(std::strlen(tiny), 7u);
  EXPECT_TRUE(arena.untouchedOutside(required));
}

TEST(G4fwTest, BadCallsKeepTheirMessage) {
  const size_t required = g4fw_required_bytes(&g4_model_info);
  Arena arena(required);
  AlignedBlob blob;
  g4fw_context_t *context = nullptr;
  ASSERT_EQ(g4fw_init(&g4_model_info, _mlir_ciface_g4_prefill, _mlir_ciface_g4_decode, arena.data(),
                      required, blob.data(), blob.size(), nullptr, nullptr, 0, &context),
            0);
  std::vector<float> logits(kVocab);
  EXPECT_EQ(g4fw_decode(context, int32_t(kVocab), logits.data()), G4RT_STATUS_OUT_OF_RANGE);
  EXPECT_THAT(g4fw_error(context), HasSubstr("outside the vocabulary"));
  EXPECT_EQ(g4fw_decode(context, 2, logits.data()), 0);
  EXPECT_STREQ(g4fw_error(context), "");
}

} // namespace
