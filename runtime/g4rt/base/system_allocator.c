/* system_allocator.c - malloc-backed allocator (see system_allocator.h). */
#include "runtime/g4rt/base/system_allocator.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Over-allocates and stores malloc's pointer just below the aligned block:
 * plain C11, works for any alignment and size (aligned_alloc wants size % align
 * == 0). */
static void *system_alloc(void *self, size_t size, size_t align) {
  (void)self;
  if (align == 0 || (align & (align - 1)) != 0) return NULL;
  if (align < sizeof(void *)) align = sizeof(void *);
  if (size > SIZE_MAX - align - sizeof(void *)) return NULL;
  void *raw = malloc(size + align + sizeof(void *));
  if (raw == NULL) return NULL;
  uintptr_t first = (uintptr_t)raw + sizeof(void *);
  uintptr_t aligned = (first + (align - 1)) & ~(uintptr_t)(align - 1);
  memcpy((void *)(aligned - sizeof(void *)), &raw, sizeof(raw));
  return (void *)aligned;
}

static void system_free(void *self, void *ptr) {
  (void)self;
  if (ptr == NULL) return;
  void *raw;
  memcpy(&raw, (char *)ptr - sizeof(void *), sizeof(raw));
  free(raw);
}

g4rt_allocator_t g4rt_system_allocator(void) {
  g4rt_allocator_t allocator = {NULL, system_alloc, system_free};
  return allocator;
}
