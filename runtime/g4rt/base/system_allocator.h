/* system_allocator.h - Opt-in allocator over the C library's malloc/free.
 *
 * Built into g4rt_posix (the hosted library), not into the core g4rt, so
 * firmware builds cannot pick it up by accident. Thread-safe (as malloc is).
 */
#ifndef G4RT_BASE_SYSTEM_ALLOCATOR_H_
#define G4RT_BASE_SYSTEM_ALLOCATOR_H_

#include "runtime/g4rt/base/allocator.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An allocator whose alloc honours any power-of-two alignment. */
g4rt_allocator_t g4rt_system_allocator(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_BASE_SYSTEM_ALLOCATOR_H_ */
