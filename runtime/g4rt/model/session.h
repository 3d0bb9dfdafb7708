/* session.h - A running instance of a compiled model: weights + KV arena +
 * position.
 *
 * Ownership: g4rt_session_create returns an owned session; release it with
 * g4rt_session_destroy. The model info, the model functions, the weight blob
 * and options.parallel are borrowed and must outlive the session (they are
 * usually the linked object, an mmap and a thread pool). The KV arena and the
 * session itself come from the allocator passed to create.
 *
 * Thread safety: a session is not thread-safe; use one thread at a time.
 * Sessions share nothing with each other except what the caller gives them (a
 * parallel interface may serve several sessions if its implementation allows
 * it, as the POSIX pool does), so distinct sessions may run on distinct
 * threads as far as the runtime is concerned (whether the compiled code allows
 * it is the model's business; see docs/runtime.md).
 */
#ifndef G4RT_MODEL_SESSION_H_
#define G4RT_MODEL_SESSION_H_

#include <stddef.h>
#include <stdint.h>

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/base/allocator.h"
#include "runtime/g4rt/base/status.h"
#include "runtime/g4rt/model/model_info.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct g4rt_session_t g4rt_session_t;

typedef struct g4rt_session_options_t {
  /* Positions the session may use: 0 means the model's max_context; otherwise
   * in [1, info->max_context]. The KV arena keeps its compiled size either way.
   */
  int64_t max_context;
  /* How the compiled code runs its tasks (model_abi.h): passed unchanged to
   * every model call. NULL (the default) runs everything on the calling
   * thread. Borrowed, not owned: it (and the pool behind it) must outlive the
   * session. A non-NULL value with a NULL parallel_for is treated as NULL.
   * See platform/posix/thread_pool.h for a pthread implementation. */
  const g4_parallel_t *parallel;
} g4rt_session_options_t;

/* Fills |out_options| with the defaults. */
void g4rt_session_options_initialize(g4rt_session_options_t *out_options);

/* Validates |info| (its abi_version must be G4_ABI_VERSION: FAILED_PRECONDITION
 * naming both otherwise) and the blob header against it (weights.h), allocates
 * the session and a zeroed KV arena of info->kv_bytes
 * (G4_TENSOR_ALIGNMENT-aligned) from |allocator|. |options| may be NULL for the
 * defaults. */
G4RT_MUST_USE g4rt_status_t g4rt_session_create(
    const g4_model_info_t *info, g4_model_fn_t prefill, g4_model_fn_t decode,
    const void *weights_blob, size_t blob_bytes, g4rt_allocator_t allocator,
    const g4rt_session_options_t *options, g4rt_session_t **out_session);

/* Frees the session and its KV arena through the creating allocator. NULL is a
 * no-op. */
void g4rt_session_destroy(g4rt_session_t *session);

/* Runs |n| >= 1 |tokens| at positions position .. position+n-1 through the
 * prefill function, writes |out_logits| (n * vocab floats, row-major) and
 * advances the position by n. Checks every token is in [0, vocab) and position
 * + n <= max_context; on failure nothing runs and the position is unchanged. */
G4RT_MUST_USE g4rt_status_t g4rt_session_prefill(g4rt_session_t *session,
                                                 const int32_t *tokens,
                                                 int64_t n, float *out_logits);

/* As g4rt_session_prefill, but |out_logits| gets only the last token's logits
 * (vocab floats): the model computes the head for that row alone, which is what
 * a caller that generates needs. */
G4RT_MUST_USE g4rt_status_t g4rt_session_prefill_last(g4rt_session_t *session,
                                                      const int32_t *tokens,
                                                      int64_t n,
                                                      float *out_logits);

/* One token through the decode function: |out_logits| gets vocab floats. Same
 * checks and position rules as prefill with n == 1. */
G4RT_MUST_USE g4rt_status_t g4rt_session_decode(g4rt_session_t *session,
                                                int32_t token,
                                                float *out_logits);

/* Starts a new sequence at position 0 (old KV entries are simply overwritten).
 */
void g4rt_session_reset(g4rt_session_t *session);

/* The next position to be filled (= tokens consumed since create/reset). */
int64_t g4rt_session_position(const g4rt_session_t *session);

/* The position limit in effect (options.max_context or the model's). */
int64_t g4rt_session_max_context(const g4rt_session_t *session);

/* The borrowed parallel interface the model calls get (NULL: serial). */
const g4_parallel_t *g4rt_session_parallel(const g4rt_session_t *session);

/* The borrowed model info the session was created with. */
const g4_model_info_t *g4rt_session_model_info(const g4rt_session_t *session);

/* The compiled memory plan (borrowed from the model info); see model_info.h for
 * the formatter. */
g4rt_memory_plan_t g4rt_session_memory_plan(const g4rt_session_t *session);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_MODEL_SESSION_H_ */
