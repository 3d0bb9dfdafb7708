/* arena.c - Bump allocator over caller memory (see arena.h). */
#include "runtime/g4rt/base/arena.h"

void g4rt_arena_initialize(void *memory, size_t capacity,
                           g4rt_arena_t *out_arena) {
  out_arena->base = (uint8_t *)memory;
  out_arena->capacity = memory ? capacity : 0;
  out_arena->used = 0;
  out_arena->peak_used = 0;
}

static void *arena_alloc(void *self, size_t size, size_t align) {
  g4rt_arena_t *arena = (g4rt_arena_t *)self;
  if (align == 0 || (align & (align - 1)) != 0) return NULL;
  /* Align the address, not the offset: the base may be less aligned than
   * |align|. */
  uintptr_t cursor = (uintptr_t)arena->base + arena->used;
  uintptr_t aligned = (cursor + (align - 1)) & ~(uintptr_t)(align - 1);
  if (aligned < cursor) return NULL; /* wrapped */
  size_t start = (size_t)(aligned - (uintptr_t)arena->base);
  if (start > arena->capacity || size > arena->capacity - start) return NULL;
  arena->used = start + size;
  if (arena->used > arena->peak_used) arena->peak_used = arena->used;
  return arena->base + start;
}

static void arena_free(void *self, void *ptr) {
  /* Bump allocation: memory comes back only with g4rt_arena_reset. */
  (void)self;
  (void)ptr;
}

g4rt_allocator_t g4rt_arena_allocator(g4rt_arena_t *arena) {
  g4rt_allocator_t allocator = {arena, arena_alloc, arena_free};
  return allocator;
}

void g4rt_arena_reset(g4rt_arena_t *arena) { arena->used = 0; }
