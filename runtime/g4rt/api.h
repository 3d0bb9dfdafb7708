/* api.h - The core g4rt API in one include (see docs/runtime.md for conventions:
 * ownership, statuses, allocators, thread safety).
 *
 * Hosted extras are separate on purpose: platform/posix/mapped_blob.h (mmap of
 * weight blobs) and base/system_allocator.h (malloc) live in g4rt_posix.
 */
#ifndef G4RT_API_H_
#define G4RT_API_H_

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/base/allocator.h"
#include "runtime/g4rt/base/arena.h"
#include "runtime/g4rt/base/format.h"
#include "runtime/g4rt/base/status.h"
#include "runtime/g4rt/model/model_info.h"
#include "runtime/g4rt/model/session.h"
#include "runtime/g4rt/model/trailer.h"
#include "runtime/g4rt/model/weights.h"
#include "runtime/g4rt/sampling/sampler.h"

#endif /* G4RT_API_H_ */
