/* arena.h - A bump allocator over memory the caller owns; never calls malloc.
 *
 * Allocation moves a cursor forward; free is a no-op and g4rt_arena_reset()
 * releases everything at once. The arena does not own its memory. Not
 * thread-safe.
 */
#ifndef G4RT_BASE_ARENA_H_
#define G4RT_BASE_ARENA_H_

#include <stddef.h>
#include <stdint.h>

#include "runtime/g4rt/base/allocator.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct g4rt_arena_t {
  uint8_t *base;
  size_t capacity;
  size_t used;      /* bytes from |base| up to the end of the last allocation */
  size_t peak_used; /* the largest |used| since initialization */
} g4rt_arena_t;

/* Points |out_arena| at |memory| (|capacity| bytes, borrowed; may be NULL if
 * 0). */
void g4rt_arena_initialize(void *memory, size_t capacity,
                           g4rt_arena_t *out_arena);

/* An allocator view of |arena| (borrowed: the arena must outlive its users). */
g4rt_allocator_t g4rt_arena_allocator(g4rt_arena_t *arena);

/* Forgets every allocation (the memory is reused by the next allocations). */
void g4rt_arena_reset(g4rt_arena_t *arena);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_BASE_ARENA_H_ */
