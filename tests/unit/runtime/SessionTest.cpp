//===- SessionTest.cpp - g4rt sessions over the fake model -----------------===//
#include "runtime/g4rt/base/arena.h"
#include "runtime/g4rt/base/system_allocator.h"
#include "runtime/g4rt/model/session.h"
#include "runtime/g4rt/platform/posix/thread_pool.h"

#include "tests/unit/runtime/FakeModel.h"
#include "tests/unit/runtime/RuntimeTestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace g4rt::test {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kVocab = G4RT_FAKE_VOCAB;

class G4rtSessionTest : public ::testing::Test {
protected:
  void SetUp() override { session = create(nullptr); }
  void TearDown() override {
    g4rt_session_destroy(session);
    for (g4rt_session_t *extra : extras)
      g4rt_session_destroy(extra);
  }

  /// A session over the fake model with the system allocator; fails the test if
  /// creation fails.
  g4rt_session_t *create(const g4rt_session_options_t *options) {
    g4rt_session_t *created = nullptr;
    g4rt_status_t status = g4rt_session_create(
        &g4_model_info, _mlir_ciface_g4_prefill, _mlir_ciface_g4_decode, blob.data(),
        blob.size(), g4rt_system_allocator(), options, &created);
    EXPECT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
    if (created && session)
      extras.push_back(created);
    return created;
  }

  std::vector<float> prefill(g4rt_session_t *s, const std::vector<int32_t> &tokens) {
    std::vector<float> logits(tokens.size() * kVocab, -1.0f);
    g4rt_status_t status = g4rt_session_prefill(s, tokens.data(), int64_t(tokens.size()),
                                                logits.data());
    EXPECT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
    return logits;
  }

  AlignedBytes blob{fakeBlob()};
  g4rt_session_t *session = nullptr;
  std::vector<g4rt_session_t *> extras;
};

TEST_F(G4rtSessionTest, StartsAtPositionZero) {
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(g4rt_session_position(session), 0);
  EXPECT_EQ(g4rt_session_max_context(session), G4RT_FAKE_MAX_CONTEXT);
  EXPECT_EQ(g4rt_session_model_info(session), &g4_model_info);
  g4rt_memory_plan_t plan = g4rt_session_memory_plan(session);
  EXPECT_EQ(plan.kv_buffers, g4_model_info.kv_plan);
  EXPECT_EQ(plan.kv_bytes, G4RT_FAKE_KV_BYTES);
  EXPECT_EQ(plan.weights_bytes, G4RT_FAKE_WEIGHTS_BYTES);
}

// The descriptors reach the model intact (the fake writes NaN otherwise) and the
// logits are the reference's.
TEST_F(G4rtSessionTest, PrefillMatchesTheReference) {
  std::vector<int32_t> prompt{2, 17, 5, 31, 0};
  EXPECT_EQ(prefill(session, prompt), fakePromptLogits(prompt));
  EXPECT_EQ(g4rt_session_position(session), 5);
}

// Decode one token at a time and chunked prefill give exactly what one prefill
// gives: the KV arena persists between calls.
TEST_F(G4rtSessionTest, DecodeAndChunksEqualOnePrefill) {
  std::vector<int32_t> prompt{2, 17, 5, 31, 0, 9, 9};
  std::vector<float> whole = prefill(session, prompt);

  g4rt_session_t *decoder = create(nullptr);
  std::vector<float> stepwise;
  for (int32_t token : prompt) {
    std::vector<float> row(kVocab);
    g4rt_status_t status = g4rt_session_decode(decoder, token, row.data());
    ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
    stepwise.insert(stepwise.end(), row.begin(), row.end());
  }
  EXPECT_EQ(stepwise, whole);

  g4rt_session_t *chunked = create(nullptr);
  std::vector<float> pieces = prefill(chunked, {2, 17, 5});
  std::vector<float> rest = prefill(chunked, {31, 0, 9, 9});
  pieces.insert(pieces.end(), rest.begin(), rest.end());
  EXPECT_EQ(pieces, whole);
  EXPECT_EQ(g4rt_session_position(chunked), 7);
}

TEST_F(G4rtSessionTest, ResetStartsOver) {
  std::vector<int32_t> prompt{4, 8, 15};
  std::vector<float> first = prefill(session, prompt);
  prefill(session, {16, 23});
  g4rt_session_reset(session);
  EXPECT_EQ(g4rt_session_position(session), 0);
  EXPECT_EQ(prefill(session, prompt), first);
}

TEST_F(G4rtSessionTest, TokenOutsideTheVocabulary) {
  std::vector<int32_t> tokens{2, 32, 5};
  std::vector<float> logits(3 * kVocab);
  g4rt_status_t status = g4rt_session_prefill(session, tokens.data(), 3, logits.data());
  EXPECT_EQ(status.code, G4RT_STATUS_OUT_OF_RANGE);
  EXPECT_STREQ(status.message,
               "prefill: token id 32 (tokens[1]) is outside the vocabulary [0, 32)");
  EXPECT_EQ(g4rt_session_position(session), 0);

  status = g4rt_session_decode(session, -1, logits.data());
  EXPECT_STREQ(status.message,
               "decode: token id -1 (tokens[0]) is outside the vocabulary [0, 32)");
}

TEST_F(G4rtSessionTest, EmptyPrefill) {
  int32_t token = 1;
  float logits[kVocab];
  g4rt_status_t status = g4rt_session_prefill(session, &token, 0, logits);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(status.message, "prefill: 0 tokens; at least 1 is required");
  EXPECT_EQ(g4rt_session_prefill(session, nullptr, 1, logits).code,
            G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(g4rt_session_decode(session, 1, nullptr).code, G4RT_STATUS_INVALID_ARGUMENT);
}

// options.max_context limits positions; crossing it fails without running.
TEST_F(G4rtSessionTest, ContextLimit) {
  g4rt_session_options_t options;
  g4rt_session_options_initialize(&options);
  options.max_context = 4;
  g4rt_session_t *small = create(&options);
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(g4rt_session_max_context(small), 4);
  prefill(small, {1, 2, 3});
  std::vector<int32_t> two{4, 5};
  std::vector<float> logits(2 * kVocab);
  g4rt_status_t status = g4rt_session_prefill(small, two.data(), 2, logits.data());
  EXPECT_EQ(status.code, G4RT_STATUS_OUT_OF_RANGE);
  EXPECT_STREQ(status.message, "prefill: position 3 + 2 tokens exceeds max_context 4");
  EXPECT_EQ(g4rt_session_position(small), 3);
  ASSERT_EQ(g4rt_session_decode(small, 4, logits.data()).code, G4RT_STATUS_OK);
  status = g4rt_session_decode(small, 5, logits.data());
  EXPECT_STREQ(status.message, "decode: position 4 + 1 tokens exceeds max_context 4");
}

TEST_F(G4rtSessionTest, MaxContextAboveTheCompiledOne) {
  g4rt_session_options_t options;
  g4rt_session_options_initialize(&options);
  options.max_context = G4RT_FAKE_MAX_CONTEXT + 1;
  g4rt_session_t *created = nullptr;
  g4rt_status_t status = g4rt_session_create(
      &g4_model_info, _mlir_ciface_g4_prefill, _mlir_ciface_g4_decode, blob.data(),
      blob.size(), g4rt_system_allocator(), &options, &created);
  EXPECT_EQ(status.code, G4RT_STATUS_OUT_OF_RANGE);
  EXPECT_THAT(status.message, HasSubstr("max_context 49 is outside [1, 48]"));
  EXPECT_EQ(created, nullptr);
}

TEST_F(G4rtSessionTest, MismatchedBlobFailsCreate) {
  g4_weights_header_t header = fakeHeader();
  header.fingerprint = 42;
  AlignedBytes wrong(makeBlob(header, G4RT_FAKE_WEIGHTS_BYTES));
  g4rt_session_t *created = nullptr;
  g4rt_status_t status = g4rt_session_create(
      &g4_model_info, _mlir_ciface_g4_prefill, _mlir_ciface_g4_decode, wrong.data(),
      wrong.size(), g4rt_system_allocator(), nullptr, &created);
  EXPECT_EQ(status.code, G4RT_STATUS_DATA_LOSS);
  EXPECT_THAT(status.message, HasSubstr("fingerprint"));
  EXPECT_EQ(created, nullptr);
}

TEST_F(G4rtSessionTest, MissingModelFunctions) {
  g4rt_session_t *created = nullptr;
  g4rt_status_t status =
      g4rt_session_create(&g4_model_info, _mlir_ciface_g4_prefill, nullptr, blob.data(),
                          blob.size(), g4rt_system_allocator(), nullptr, &created);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
}

// A session lives entirely in an arena: no malloc. Too small an arena is a
// RESOURCE_EXHAUSTED status naming the KV arena and its size.
TEST_F(G4rtSessionTest, ArenaBackedSessionAndExhaustion) {
  alignas(64) static uint8_t memory[4096];
  std::memset(memory, 0xff, sizeof(memory));
  g4rt_arena_t arena;
  g4rt_arena_initialize(memory, sizeof(memory), &arena);
  g4rt_session_t *inArena = nullptr;
  g4rt_status_t status = g4rt_session_create(
      &g4_model_info, _mlir_ciface_g4_prefill, _mlir_ciface_g4_decode, blob.data(),
      blob.size(), g4rt_arena_allocator(&arena), nullptr, &inArena);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  const size_t everything = arena.used;
  // The KV arena precedes the scratch arena (the last allocation) and starts zeroed.
  const uint8_t *kv = memory + arena.used - G4RT_FAKE_SCRATCH_BYTES - G4RT_FAKE_KV_BYTES;
  for (int i = 0; i < G4RT_FAKE_KV_BYTES; ++i)
    ASSERT_EQ(kv[i], 0) << i;
  std::vector<int32_t> prompt{3, 1, 4};
  std::vector<float> logits(3 * kVocab);
  ASSERT_EQ(g4rt_session_prefill(inArena, prompt.data(), 3, logits.data()).code,
            G4RT_STATUS_OK);
  EXPECT_EQ(logits, fakePromptLogits(prompt));
  g4rt_session_destroy(inArena);

  alignas(64) static uint8_t tiny[256];
  g4rt_arena_initialize(tiny, sizeof(tiny), &arena);
  g4rt_session_t *none = nullptr;
  status = g4rt_session_create(&g4_model_info, _mlir_ciface_g4_prefill,
                               _mlir_ciface_g4_decode, blob.data(), blob.size(),
                               g4rt_arena_allocator(&arena), nullptr, &none);
  EXPECT_EQ(status.code, G4RT_STATUS_RESOURCE_EXHAUSTED);
  EXPECT_STREQ(status.message, "KV arena: cannot allocate 448 bytes (alignment 64)");
  EXPECT_EQ(none, nullptr);

  // Room for the session and the KV arena but not for all of the scratch arena.
  g4rt_arena_initialize(memory, everything - 1, &arena);
  status = g4rt_session_create(&g4_model_info, _mlir_ciface_g4_prefill,
                               _mlir_ciface_g4_decode, blob.data(), blob.size(),
                               g4rt_arena_allocator(&arena), nullptr, &none);
  EXPECT_EQ(status.code, G4RT_STATUS_RESOURCE_EXHAUSTED);
  EXPECT_STREQ(status.message, "scratch arena: cannot allocate 256 bytes (alignment 64)");
  EXPECT_EQ(none, nullptr);
}

// A prompt longer than max_prefill_tokens runs as several prefill calls of at most
// that many tokens, with the same logits as one call would give.
TEST_F(G4rtSessionTest, LongPrefillRunsInChunks) {
  std::vector<int32_t> prompt;
  for (int i = 0; i < 40; ++i)
    prompt.push_back((i * 5 + 3) % kVocab);
  std::vector<float> logits(prompt.size() * kVocab);
  ASSERT_EQ(g4rt_session_prefill(session, prompt.data(), int64_t(prompt.size()), logits.data())
                .code,
            G4RT_STATUS_OK);
  EXPECT_EQ(logits, fakePromptLogits(prompt));
  EXPECT_EQ(g4rt_session_position(session), 40);
}

// prefill_last asks each call for the logits of its last token only (a one-row
// logits buffer): the row equals the last row of a full prefill, also when the prompt
// runs in chunks, and the KV arena is filled the same (the next decode agrees).
TEST_F(G4rtSessionTest, PrefillLastIsTheLastRow) {
  for (int length : {1, 5, 16, 17, 40}) {
    std::vector<int32_t> prompt;
    for (int i = 0; i < length; ++i)
      prompt.push_back((i * 7 + 2) % kVocab);
    std::vector<float> whole = fakePromptLogits(prompt);
    std::vector<float> lastRow(whole.end() - kVocab, whole.end());

    g4rt_session_t *s = create(nullptr);
    std::vector<float> last(kVocab, -1.0f);
    g4rt_status_t status =
        g4rt_session_prefill_last(s, prompt.data(), int64_t(prompt.size()), last.data());
    ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
    EXPECT_EQ(last, lastRow) << length << " tokens";
    EXPECT_EQ(g4rt_session_position(s), length);

    std::vector<float> next(kVocab), reference(kVocab);
    ASSERT_EQ(g4rt_session_decode(s, 3, next.data()).code, G4RT_STATUS_OK);
    std::vector<int32_t> extended = prompt;
    extended.push_back(3);
    std::vector<float> all = fakePromptLogits(extended);
    EXPECT_EQ(next, std::vector<float>(all.end() - kVocab, all.end())) << length << " tokens";
  }
}

// Its checks name the call.
TEST_F(G4rtSessionTest, PrefillLastChecksItsInput) {
  std::vector<int32_t> tokens{2, 32};
  std::vector<float> logits(kVocab);
  g4rt_status_t status = g4rt_session_prefill_last(session, tokens.data(), 2, logits.data());
  EXPECT_EQ(status.code, G4RT_STATUS_OUT_OF_RANGE);
  EXPECT_STREQ(status.message,
               "prefill_last: token id 32 (tokens[1]) is outside the vocabulary [0, 32)");
  EXPECT_EQ(g4rt_session_position(session), 0);
}

// The model info's ABI version is checked at create, naming expected and found.
TEST_F(G4rtSessionTest, AbiVersionMismatchFailsCreate) {
  g4_model_info_t old = g4_model_info;
  old.abi_version = G4_ABI_VERSION - 1;
  g4rt_session_t *created = nullptr;
  g4rt_status_t status =
      g4rt_session_create(&old, _mlir_ciface_g4_prefill, _mlir_ciface_g4_decode, blob.data(),
                          blob.size(), g4rt_system_allocator(), nullptr, &created);
  EXPECT_EQ(status.code, G4RT_STATUS_FAILED_PRECONDITION);
  EXPECT_THAT(status.message, HasSubstr("abi_version expected " +
                                        std::to_string(G4_ABI_VERSION) + ", found " +
                                        std::to_string(G4_ABI_VERSION - 1)));
  EXPECT_EQ(created, nullptr);
}

/// A g4_parallel_t that runs tasks inline and records each call's count.
struct RecordingParallel {
  static void parallelFor(void *pool, int64_t count, g4_task_fn_t task, void *ctx) {
    static_cast<RecordingParallel *>(pool)->counts.push_back(count);
    for (int64_t i = 0; i < count; ++i)
      task(ctx, i);
  }
  g4_parallel_t parallel() { return {this, parallelFor}; }
  std::vector<int64_t> counts;
};

// The session hands options.parallel to every model call (the fake splits a call of
// n tokens into n store tasks and n * G4RT_FAKE_SLICES logit tasks).
TEST_F(G4rtSessionTest, ModelCallsGetTheParallelInterface) {
  RecordingParallel recorder;
  g4_parallel_t parallel = recorder.parallel();
  g4rt_session_options_t options;
  g4rt_session_options_initialize(&options);
  EXPECT_EQ(options.parallel, nullptr);
  options.parallel = &parallel;
  g4rt_session_t *withParallel = create(&options);
  ASSERT_NE(withParallel, nullptr);
  EXPECT_EQ(g4rt_session_parallel(withParallel), &parallel);
  std::vector<int32_t> prompt{2, 17, 5};
  EXPECT_EQ(prefill(withParallel, prompt), fakePromptLogits(prompt));
  std::vector<float> row(kVocab);
  ASSERT_EQ(g4rt_session_decode(withParallel, 9, row.data()).code, G4RT_STATUS_OK);
  EXPECT_EQ(recorder.counts,
            (std::vector<int64_t>{3, 3 * G4RT_FAKE_SLICES, 1, G4RT_FAKE_SLICES}));
}

// NULL (the default) and a struct without parallel_for both mean serial.
TEST_F(G4rtSessionTest, NullParallelRunsSerially) {
  EXPECT_EQ(g4rt_session_parallel(session), nullptr);
  g4_parallel_t empty = {reinterpret_cast<void *>(1), nullptr};
  g4rt_session_options_t options;
  g4rt_session_options_initialize(&options);
  options.parallel = &empty;
  g4rt_session_t *serial = create(&options);
  ASSERT_NE(serial, nullptr);
  EXPECT_EQ(g4rt_session_parallel(serial), nullptr);
  std::vector<int32_t> prompt{4, 8, 15, 16};
  EXPECT_EQ(prefill(serial, prompt), fakePromptLogits(prompt));
}

// Sessions on thread pools of 1, 2 and 4 threads give bit-identical logits (prefill,
// chunks and decode) to the serial session and the reference.
TEST_F(G4rtSessionTest, ThreadPoolsGiveIdenticalLogits) {
  std::vector<int32_t> prompt{2, 17, 5, 31, 0, 9, 9, 30, 12, 1, 7};
  std::vector<float> serialWhole = prefill(session, prompt);
  ASSERT_EQ(serialWhole, fakePromptLogits(prompt));
  for (int threads : {1, 2, 4}) {
    SCOPED_TRACE(threads);
    g4rt_thread_pool_t *pool = nullptr;
    g4rt_status_t status = g4rt_thread_pool_create(threads, g4rt_system_allocator(), &pool);
    ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
    g4_parallel_t parallel = g4rt_thread_pool_parallel(pool);
    g4rt_session_options_t options;
    g4rt_session_options_initialize(&options);
    options.parallel = &parallel;
    g4rt_session_t *whole = create(&options);
    g4rt_session_t *chunked = create(&options);
    ASSERT_NE(whole, nullptr);
    ASSERT_NE(chunked, nullptr);
    EXPECT_EQ(prefill(whole, prompt), serialWhole);
    std::vector<float> pieces = prefill(chunked, {2, 17, 5, 31});
    for (size_t i = 4; i < prompt.size(); ++i) {
      std::vector<float> row(kVocab);
      ASSERT_EQ(g4rt_session_decode(chunked, prompt[i], row.data()).code, G4RT_STATUS_OK);
      pieces.insert(pieces.end(), row.begin(), row.end());
    }
    EXPECT_EQ(pieces, serialWhole);
    // The sessions borrow the pool: destroy them first.
    g4rt_session_destroy(whole);
    g4rt_session_destroy(chunked);
    extras.erase(std::remove_if(extras.begin(), extras.end(),
                                [&](g4rt_session_t *s) { return s == whole || s == chunked; }),
                 extras.end());
    g4rt_thread_pool_destroy(pool);
  }
}

// Two sessions share one pool, their calls interleaved: each keeps its own KV and
// gets the reference logits.
TEST_F(G4rtSessionTest, TwoSessionsShareOnePool) {
  g4rt_thread_pool_t *pool = nullptr;
  g4rt_status_t status = g4rt_thread_pool_create(3, g4rt_system_allocator(), &pool);
  ASSERT_TRUE(g4rt_status_is_ok(&status)) << describe(status);
  g4_parallel_t parallel = g4rt_thread_pool_parallel(pool);
  g4rt_session_options_t options;
  g4rt_session_options_initialize(&options);
  options.parallel = &parallel;
  g4rt_session_t *a = create(&options);
  g4rt_session_t *b = create(&options);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::vector<int32_t> promptA{3, 1, 4, 1, 5, 9, 2, 6};
  std::vector<int32_t> promptB{27, 18, 28, 18, 28};
  std::vector<float> gotA, gotB;
  for (size_t i = 0; i < std::max(promptA.size(), promptB.size()); ++i) {
    if (i < promptA.size()) {
      std::vector<float> row = prefill(a, {promptA[i]});
      gotA.insert(gotA.end(), row.begin(), row.end());
    }
    if (i < promptB.size()) {
      std::vector<float> row(kVocab);
      ASSERT_EQ(g4rt_session_decode(b, promptB[i], row.data()).code, G4RT_STATUS_OK);
      gotB.insert(gotB.end(), row.begin(), row.end());
    }
  }
  EXPECT_EQ(gotA, fakePromptLogits(promptA));
  EXPECT_EQ(gotB, fakePromptLogits(promptB));
  g4rt_session_reset(a);
  EXPECT_EQ(prefill(a, promptB), fakePromptLogits(promptB));
  g4rt_session_destroy(a);
  g4rt_session_destroy(b);
  extras.erase(std::remove_if(extras.begin(), extras.end(),
                              [&](g4rt_session_t *s) { return s == a || s == b; }),
               extras.end());
  g4rt_thread_pool_destroy(pool);
}

TEST(G4rtSessionDestroyTest, NullIsANoOp) { g4rt_session_destroy(nullptr); }

} // namespace
} // namespace g4rt::test
