/* session.c - Session lifecycle and the checked calls into the compiled model.
 */
#include "runtime/g4rt/model/session.h"

#include <string.h>

#include "runtime/g4rt/model/weights.h"

struct g4rt_session_t {
  const g4_model_info_t *info;
  g4_model_fn_t prefill;
  g4_model_fn_t decode;
  const uint8_t *weights; /* the blob's data section (borrowed) */
  uint8_t *kv;            /* the KV arena (owned), NULL when kv_bytes == 0 */
  uint8_t *scratch;       /* the scratch arena (owned), NULL when scratch_bytes == 0 */
  const g4_parallel_t *parallel; /* borrowed; NULL: serial */
  g4rt_allocator_t allocator;
  int64_t max_context;
  int64_t position;
};

void g4rt_session_options_initialize(g4rt_session_options_t *out_options) {
  memset(out_options, 0, sizeof(*out_options));
}

g4rt_status_t g4rt_session_create(const g4_model_info_t *info,
                                  g4_model_fn_t prefill, g4_model_fn_t decode,
                                  const void *weights_blob, size_t blob_bytes,
                                  g4rt_allocator_t allocator,
                                  const g4rt_session_options_t *options,
                                  g4rt_session_t **out_session) {
  *out_session = NULL;
  G4RT_RETURN_IF_ERROR(g4rt_model_info_validate(info));
  if (prefill == NULL || decode == NULL) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "session: the prefill and decode functions are "
                            "required");
  }
  g4rt_session_options_t defaults;
  g4rt_session_options_initialize(&defaults);
  if (options == NULL) options = &defaults;
  if (options->max_context < 0 || options->max_context > info->max_context) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_OUT_OF_RANGE,
        "session: max_context %lld is outside [1, %lld] (the compiled "
        "max_context; 0 selects it)",
        (long long)options->max_context, (long long)info->max_context);
  }
  if ((uint64_t)info->kv_bytes > SIZE_MAX ||
      (uint64_t)info->scratch_bytes > SIZE_MAX) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_RESOURCE_EXHAUSTED,
                            "session: the %lld-byte KV arena or the %lld-byte "
                            "scratch arena does not fit the address space",
                            (long long)info->kv_bytes,
                            (long long)info->scratch_bytes);
  }
  const uint8_t *weights = NULL;
  G4RT_RETURN_IF_ERROR(
      g4rt_weights_validate(info, weights_blob, blob_bytes, &weights));

  g4rt_session_t *session = NULL;
  G4RT_RETURN_IF_ERROR(g4rt_allocator_alloc(allocator, sizeof(*session),
                                            _Alignof(g4rt_session_t), "session",
                                            (void **)&session));
  void *kv = NULL;
  g4rt_status_t status = g4rt_allocator_alloc(
      allocator, (size_t)info->kv_bytes, G4_TENSOR_ALIGNMENT, "KV arena", &kv);
  if (!g4rt_status_is_ok(&status)) {
    g4rt_allocator_free(allocator, session);
    return status;
  }
  void *scratch = NULL;
  status = g4rt_allocator_alloc(allocator, (size_t)info->scratch_bytes,
                                G4_TENSOR_ALIGNMENT, "scratch arena", &scratch);
  if (!g4rt_status_is_ok(&status)) {
    g4rt_allocator_free(allocator, kv);
    g4rt_allocator_free(allocator, session);
    return status;
  }
  /* Zeroed so slots the model masks out still hold finite values (0 * garbage
   * NaN would poison masked attention). */
  if (kv != NULL) memset(kv, 0, (size_t)info->kv_bytes);

  session->info = info;
  session->prefill = prefill;
  session->decode = decode;
  session->weights = weights;
  session->kv = (uint8_t *)kv;
  session->scratch = (uint8_t *)scratch;
  session->parallel =
      options->parallel != NULL && options->parallel->parallel_for != NULL
          ? options->parallel
          : NULL;
  session->allocator = allocator;
  session->max_context =
      options->max_context > 0 ? options->max_context : info->max_context;
  session->position = 0;
  *out_session = session;
  return g4rt_ok_status();
}

void g4rt_session_destroy(g4rt_session_t *session) {
  if (session == NULL) return;
  g4rt_allocator_t allocator = session->allocator;
  g4rt_allocator_free(allocator, session->scratch);
  g4rt_allocator_free(allocator, session->kv);
  g4rt_allocator_free(allocator, session);
}

/* Checks a call of |n| tokens before anything runs. */
static g4rt_status_t check_call(const g4rt_session_t *session, const char *what,
                                const int32_t *tokens, int64_t n,
                                const float *out_logits) {
  if (tokens == NULL || out_logits == NULL) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "%s: tokens and out_logits must not be NULL", what);
  }
  if (n < 1) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "%s: %lld tokens; at least 1 is required", what,
                            (long long)n);
  }
  if (n > session->max_context - session->position) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_OUT_OF_RANGE,
        "%s: position %lld + %lld tokens exceeds max_context %lld", what,
        (long long)session->position, (long long)n,
        (long long)session->max_context);
  }
  int64_t vocab = session->info->vocab_size;
  for (int64_t i = 0; i < n; ++i) {
    if (tokens[i] < 0 || tokens[i] >= vocab) {
      return G4RT_MAKE_STATUS(
          G4RT_STATUS_OUT_OF_RANGE,
          "%s: token id %d (tokens[%lld]) is outside the vocabulary [0, %lld)",
          what, (int)tokens[i], (long long)i, (long long)vocab);
    }
  }
  return g4rt_ok_status();
}

static g4_memref_1d_t memref_1d(const void *data, int64_t size) {
  /* The compiled code only reads tokens and weights; MLIR descriptors are
   * non-const. */
  void *ptr = (void *)(uintptr_t)data;
  g4_memref_1d_t memref = {ptr, ptr, 0, {size}, {1}};
  return memref;
}

/* Builds the descriptors, calls |fn| for the logits of the last |rows| of the |n|
 * tokens (1 <= rows <= n) and advances the position. */
static void run_model(g4rt_session_t *session, g4_model_fn_t fn,
                      const int32_t *tokens, int64_t n, int64_t rows,
                      float *out_logits) {
  const g4_model_info_t *info = session->info;
  g4_memref_1d_t token_ref = memref_1d(tokens, n);
  g4_memref_1d_t weight_ref = memref_1d(session->weights, info->weights_bytes);
  g4_memref_1d_t kv_ref = memref_1d(session->kv, info->kv_bytes);
  g4_memref_1d_t scratch_ref = memref_1d(session->scratch, info->scratch_bytes);
  g4_memref_2d_t logit_ref = {
      out_logits, out_logits, 0, {rows, info->vocab_size}, {info->vocab_size, 1}};
  fn(&token_ref, session->position, &weight_ref, &kv_ref, &scratch_ref,
     &logit_ref, session->parallel);
  session->position += n;
}

/* Runs |n| tokens through prefill in calls of at most max_prefill_tokens (the
 * scratch arena holds the temporaries of that many; chunks give the same logits).
 * Every row goes to |out_logits| in order, or with |last_only| each call writes
 * its last token's row to the same place, so the prompt's last row remains. */
static void prefill_in_chunks(g4rt_session_t *session, const int32_t *tokens,
                              int64_t n, bool last_only, float *out_logits) {
  const int64_t chunk = session->info->max_prefill_tokens;
  for (int64_t done = 0; done < n; done += chunk) {
    int64_t count = n - done < chunk ? n - done : chunk;
    run_model(session, session->prefill, tokens + done, count,
              last_only ? 1 : count,
              last_only ? out_logits
                        : out_logits + done * session->info->vocab_size);
  }
}

g4rt_status_t g4rt_session_prefill(g4rt_session_t *session,
                                   const int32_t *tokens, int64_t n,
                                   float *out_logits) {
  G4RT_RETURN_IF_ERROR(check_call(session, "prefill", tokens, n, out_logits));
  prefill_in_chunks(session, tokens, n, false, out_logits);
  return g4rt_ok_status();
}

g4rt_status_t g4rt_session_prefill_last(g4rt_session_t *session,
                                        const int32_t *tokens, int64_t n,
                                        float *out_logits) {
  G4RT_RETURN_IF_ERROR(
      check_call(session, "prefill_last", tokens, n, out_logits));
  prefill_in_chunks(session, tokens, n, true, out_logits);
  return g4rt_ok_status();
}

g4rt_status_t g4rt_session_decode(g4rt_session_t *session, int32_t token,
                                  float *out_logits) {
  G4RT_RETURN_IF_ERROR(check_call(session, "decode", &token, 1, out_logits));
  run_model(session, session->decode, &token, 1, 1, out_logits);
  return g4rt_ok_status();
}

void g4rt_session_reset(g4rt_session_t *session) { session->position = 0; }

int64_t g4rt_session_position(const g4rt_session_t *session) {
  return session->position;
}

int64_t g4rt_session_max_context(const g4rt_session_t *session) {
  return session->max_context;
}

const g4_parallel_t *g4rt_session_parallel(const g4rt_session_t *session) {
  return session->parallel;
}

const g4_model_info_t *g4rt_session_model_info(const g4rt_session_t *session) {
  return session->info;
}

g4rt_memory_plan_t g4rt_session_memory_plan(const g4rt_session_t *session) {
  return g4rt_model_memory_plan(session->info);
}
