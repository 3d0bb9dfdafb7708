/* model_info.h - Checks on a compiled model's g4_model_info_t and its memory
 * plan.
 *
 * The memory plan is the compiled KV layout (info->kv_plan): which layer owns
 * which slice of the KV arena. The runtime only allocates the arena
 * (info->kv_bytes); the compiled code addresses the slices itself. The plan is
 * exposed for reporting.
 */
#ifndef G4RT_MODEL_MODEL_INFO_H_
#define G4RT_MODEL_MODEL_INFO_H_

#include <stddef.h>
#include <stdint.h>

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/base/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Checks |info| is usable: ABI version, positive vocab and context,
 * non-negative sizes, every KV buffer aligned and inside the arena. */
G4RT_MUST_USE g4rt_status_t
g4rt_model_info_validate(const g4_model_info_t *info);

typedef struct g4rt_memory_plan_t {
  const g4_kv_buffer_t *kv_buffers; /* borrowed from the model info */
  int64_t num_kv_buffers;
  int64_t kv_bytes;      /* the KV arena the runtime allocates */
  int64_t scratch_bytes; /* the scratch arena the runtime allocates */
  int64_t max_prefill_tokens; /* longer prefills run in chunks of this size */
  int64_t weights_bytes; /* the weight data the blob provides */
} g4rt_memory_plan_t;

/* The memory plan of |info| (borrows |info|'s KV plan). */
g4rt_memory_plan_t g4rt_model_memory_plan(const g4_model_info_t *info);

/* One line per KV buffer ("KV buffer 0: layer 0 global, capacity 64 x 1 kv
 * heads x 1 head dim, offset 0: 512 bytes") then the totals. Returns the
 * untruncated length (format.h conventions: call with capacity 0 to size the
 * buffer). */
size_t g4rt_memory_plan_format(const g4rt_memory_plan_t *plan, char *buffer,
                               size_t capacity);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_MODEL_MODEL_INFO_H_ */
