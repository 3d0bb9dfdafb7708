/* allocator.h - The allocator interface every create function takes.
 *
 * An allocator is a small value {self, alloc, free} passed by value; objects
 * keep a copy and free their memory through it. The core runtime never calls
 * malloc: callers choose an arena over their own memory (arena.h) or opt in to
 * the system allocator (system_allocator.h, hosted builds only).
 */
#ifndef G4RT_BASE_ALLOCATOR_H_
#define G4RT_BASE_ALLOCATOR_H_

#include <stddef.h>

#include "runtime/g4rt/base/attributes.h"
#include "runtime/g4rt/base/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct g4rt_allocator_t {
  void *self;
  /* Returns |size| bytes aligned to |align| (a power of two), or NULL when out
   * of memory. */
  void *(*alloc)(void *self, size_t size, size_t align);
  /* Releases a pointer |alloc| returned; NULL is a no-op. */
  void (*free)(void *self, void *ptr);
} g4rt_allocator_t;

/* Allocates through |allocator| and reports failure as a status naming |what|,
 * |size| and |align|. A zero |size| yields *out_ptr == NULL and OK. */
G4RT_MUST_USE g4rt_status_t g4rt_allocator_alloc(g4rt_allocator_t allocator,
                                                 size_t size, size_t align,
                                                 const char *what,
                                                 void **out_ptr);

/* Frees through |allocator|; NULL is a no-op. */
void g4rt_allocator_free(g4rt_allocator_t allocator, void *ptr);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_BASE_ALLOCATOR_H_ */
