//===- AllocatorTest.cpp - Arena and system allocators ---------------------===//
#include "runtime/g4rt/base/allocator.h"
#include "runtime/g4rt/base/arena.h"
#include "runtime/g4rt/base/system_allocator.h"

#include "gtest/gtest.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace {

bool alignedTo(const void *ptr, size_t align) {
  return reinterpret_cast<uintptr_t>(ptr) % align == 0;
}

// Allocations honour the alignment even when the arena's memory is misaligned.
TEST(G4rtArenaTest, AlignsFromAnUnalignedBase) {
  alignas(64) uint8_t memory[256];
  g4rt_arena_t arena;
  g4rt_arena_initialize(memory + 3, sizeof(memory) - 3, &arena);
  g4rt_allocator_t allocator = g4rt_arena_allocator(&arena);
  void *a = nullptr, *b = nullptr;
  ASSERT_EQ(g4rt_allocator_alloc(allocator, 5, 1, "a", &a).code, G4RT_STATUS_OK);
  ASSERT_EQ(g4rt_allocator_alloc(allocator, 16, 64, "b", &b).code, G4RT_STATUS_OK);
  EXPECT_EQ(a, memory + 3);
  EXPECT_TRUE(alignedTo(b, 64));
  EXPECT_EQ(static_cast<uint8_t *>(b), memory + 64);
  EXPECT_EQ(arena.used, 64u + 16u - 3u);
}

// Running out is a RESOURCE_EXHAUSTED status naming the request, not a crash; the
// arena stays usable for smaller requests and after reset.
TEST(G4rtArenaTest, ExhaustionIsAStatus) {
  alignas(64) uint8_t memory[128];
  g4rt_arena_t arena;
  g4rt_arena_initialize(memory, sizeof(memory), &arena);
  g4rt_allocator_t allocator = g4rt_arena_allocator(&arena);
  void *ptr = nullptr;
  ASSERT_EQ(g4rt_allocator_alloc(allocator, 100, 8, "first", &ptr).code, G4RT_STATUS_OK);
  g4rt_status_t status = g4rt_allocator_alloc(allocator, 64, 64, "KV arena", &ptr);
  EXPECT_EQ(status.code, G4RT_STATUS_RESOURCE_EXHAUSTED);
  EXPECT_EQ(ptr, nullptr);
  EXPECT_EQ(std::string(status.message), "KV arena: cannot allocate 64 bytes (alignment 64)");
  ASSERT_EQ(g4rt_allocator_alloc(allocator, 28, 1, "rest", &ptr).code, G4RT_STATUS_OK);
  EXPECT_EQ(arena.used, 128u);
  EXPECT_EQ(g4rt_allocator_alloc(allocator, 1, 1, "one more", &ptr).code,
            G4RT_STATUS_RESOURCE_EXHAUSTED);
  g4rt_arena_reset(&arena);
  EXPECT_EQ(g4rt_allocator_alloc(allocator, 128, 64, "again", &ptr).code, G4RT_STATUS_OK);
  EXPECT_EQ(arena.peak_used, 128u);
}

TEST(G4rtArenaTest, HugeRequestsDoNotWrap) {
  uint8_t memory[64];
  g4rt_arena_t arena;
  g4rt_arena_initialize(memory, sizeof(memory), &arena);
  void *ptr = nullptr;
  EXPECT_EQ(g4rt_allocator_alloc(g4rt_arena_allocator(&arena), SIZE_MAX, 1, "huge", &ptr).code,
            G4RT_STATUS_RESOURCE_EXHAUSTED);
  EXPECT_EQ(g4rt_allocator_alloc(g4rt_arena_allocator(&arena), SIZE_MAX - 8, 64, "huge", &ptr)
                .code,
            G4RT_STATUS_RESOURCE_EXHAUSTED);
}

TEST(G4rtArenaTest, EmptyArenaFailsCleanly) {
  g4rt_arena_t arena;
  g4rt_arena_initialize(nullptr, 100, &arena);
  void *ptr = nullptr;
  EXPECT_EQ(g4rt_allocator_alloc(g4rt_arena_allocator(&arena), 1, 1, "x", &ptr).code,
            G4RT_STATUS_RESOURCE_EXHAUSTED);
}

TEST(G4rtAllocatorTest, RejectsBadAlignmentAndAllowsZeroSize) {
  g4rt_allocator_t allocator = g4rt_system_allocator();
  void *ptr = reinterpret_cast<void *>(1);
  g4rt_status_t status = g4rt_allocator_alloc(allocator, 8, 3, "odd", &ptr);
  EXPECT_EQ(status.code, G4RT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(std::string(status.message), "odd: alignment 3 is not a power of two");
  EXPECT_EQ(g4rt_allocator_alloc(allocator, 0, 8, "empty", &ptr).code, G4RT_STATUS_OK);
  EXPECT_EQ(ptr, nullptr);
  g4rt_allocator_free(allocator, nullptr); // a no-op
}

TEST(G4rtSystemAllocatorTest, HonoursLargeAlignments) {
  g4rt_allocator_t allocator = g4rt_system_allocator();
  for (size_t align : {size_t(1), size_t(16), size_t(64), size_t(4096)}) {
    void *ptr = nullptr;
    ASSERT_EQ(g4rt_allocator_alloc(allocator, 1000, align, "buffer", &ptr).code,
              G4RT_STATUS_OK);
    EXPECT_TRUE(alignedTo(ptr, align)) << align;
    std::memset(ptr, 0xab, 1000);
    g4rt_allocator_free(allocator, ptr);
  }
}

TEST(G4rtSystemAllocatorTest, ImpossibleSizeIsAStatus) {
  void *ptr = nullptr;
  EXPECT_EQ(g4rt_allocator_alloc(g4rt_system_allocator(), SIZE_MAX - 16, 64, "huge", &ptr).code,
            G4RT_STATUS_RESOURCE_EXHAUSTED);
}

} // namespace
