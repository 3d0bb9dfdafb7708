/* allocator.c - Status-returning wrappers over g4rt_allocator_t. */
#include "runtime/g4rt/base/allocator.h"

g4rt_status_t g4rt_allocator_alloc(g4rt_allocator_t allocator, size_t size,
                                   size_t align, const char *what,
                                   void **out_ptr) {
  *out_ptr = NULL;
  if (align == 0 || (align & (align - 1)) != 0) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "%s: alignment %zu is not a power of two", what,
                            align);
  }
  if (size == 0) return g4rt_ok_status();
  if (allocator.alloc == NULL) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "%s: the allocator has no alloc function", what);
  }
  void *ptr = allocator.alloc(allocator.self, size, align);
  if (ptr == NULL) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_RESOURCE_EXHAUSTED,
                            "%s: cannot allocate %zu bytes (alignment %zu)",
                            what, size, align);
  }
  *out_ptr = ptr;
  return g4rt_ok_status();
}

void g4rt_allocator_free(g4rt_allocator_t allocator, void *ptr) {
  if (ptr != NULL && allocator.free != NULL)
    allocator.free(allocator.self, ptr);
}
