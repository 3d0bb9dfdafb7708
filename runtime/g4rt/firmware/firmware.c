/* firmware.c - The firmware API over a session in the caller's arena. */
#include "runtime/g4rt/firmware/firmware.h"

#include <string.h>

#include "runtime/g4rt/base/arena.h"
#include "runtime/g4rt/base/status.h"
#include "runtime/g4rt/model/model_info.h"
#include "runtime/g4rt/model/session.h"
#include "runtime/g4rt/sampling/candidates.h"
#include "runtime/g4rt/text/text_section.h"

struct g4fw_context_t {
  g4rt_arena_t arena; /* the rest of the caller's memory, after this struct */
  g4rt_session_t *session;
  g4rt_status_t last;
  int has_text;
  g4rt_text_section_t text; /* views of the caller's text section */
};

/* The context and the session (a few pointers and sizes) must fit the bytes
 * every arena reserves for them. */
_Static_assert(sizeof(g4fw_context_t) + 256 <= G4_FIRMWARE_CONTEXT_BYTES,
               "G4_FIRMWARE_CONTEXT_BYTES is too small for the context");

/* The context, padded so what follows stays aligned. */
#define CONTEXT_BYTES                                                         \
  ((sizeof(g4fw_context_t) + G4_TENSOR_ALIGNMENT - 1) / G4_TENSOR_ALIGNMENT * \
   G4_TENSOR_ALIGNMENT)

size_t g4fw_required_bytes(const g4_model_info_t *info) {
  return (size_t)G4_FIRMWARE_CONTEXT_BYTES + (size_t)info->kv_bytes +
         (size_t)info->scratch_bytes;
}

static void copy_message(const g4rt_status_t *status, char *error,
                         size_t error_bytes) {
  if (error == NULL || error_bytes == 0) return;
  /* No strlen: the library's only libc symbols are memcpy and memset. */
  size_t length = 0;
  while (status->message[length] != '\0' && length + 1 < error_bytes) ++length;
  memcpy(error, status->message, length);
  error[length] = '\0';
}

/* Returns |status|'s code after writing its message to |error|. */
static int fail_init(g4rt_status_t status, char *error, size_t error_bytes) {
  copy_message(&status, error, error_bytes);
  return (int)status.code;
}

int g4fw_init(const g4_model_info_t *info, g4_model_fn_t prefill,
              g4_model_fn_t decode, void *arena, size_t arena_bytes,
              const void *weights, size_t weights_bytes,
              const g4_parallel_t *parallel, char *error, size_t error_bytes,
              g4fw_context_t **out) {
  if (out == NULL) {
    return fail_init(G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                                      "init: out must not be NULL"),
                     error, error_bytes);
  }
  *out = NULL;
  g4rt_status_t status = g4rt_model_info_validate(info);
  if (!g4rt_status_is_ok(&status)) return fail_init(status, error, error_bytes);
  if (arena == NULL || (uintptr_t)arena % G4_TENSOR_ALIGNMENT != 0) {
    return fail_init(
        G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                         "init: the arena at 0x%llx must be %u-byte aligned",
                         (unsigned long long)(uintptr_t)arena,
                         G4_TENSOR_ALIGNMENT),
        error, error_bytes);
  }
  size_t required = g4fw_required_bytes(info);
  if (arena_bytes < required) {
    return fail_init(
        G4RT_MAKE_STATUS(G4RT_STATUS_RESOURCE_EXHAUSTED,
                         "init: the arena has %llu bytes; the model needs %llu "
                         "(context %u + KV %lld + scratch %lld)",
                         (unsigned long long)arena_bytes,
                         (unsigned long long)required,
                         G4_FIRMWARE_CONTEXT_BYTES, (long long)info->kv_bytes,
                         (long long)info->scratch_bytes),
        error, error_bytes);
  }
  g4fw_context_t *context = (g4fw_context_t *)arena;
  memset(context, 0, sizeof(*context));
  /* Only the required bytes: the library never touches the rest. */
  g4rt_arena_initialize((uint8_t *)arena + CONTEXT_BYTES,
                        required - CONTEXT_BYTES, &context->arena);
  g4rt_session_options_t options;
  g4rt_session_options_initialize(&options);
  options.parallel = parallel;
  status = g4rt_session_create(info, prefill, decode, weights, weights_bytes,
                               g4rt_arena_allocator(&context->arena), &options,
                               &context->session);
  if (!g4rt_status_is_ok(&status)) return fail_init(status, error, error_bytes);
  context->last = g4rt_ok_status();
  *out = context;
  return G4RT_STATUS_OK;
}

static int remember(g4fw_context_t *context, g4rt_status_t status) {
  context->last = status;
  return (int)status.code;
}

int g4fw_prefill(g4fw_context_t *context, const int32_t *tokens, int64_t n,
                 float *logits) {
  return remember(context,
                  g4rt_session_prefill(context->session, tokens, n, logits));
}

int g4fw_prefill_last(g4fw_context_t *context, const int32_t *tokens,
                      int64_t n, float *logits) {
  return remember(context, g4rt_session_prefill_last(context->session, tokens,
                                                     n, logits));
}

int g4fw_decode(g4fw_context_t *context, int32_t token, float *logits) {
  return remember(context,
                  g4rt_session_decode(context->session, token, logits));
}

int64_t g4fw_position(const g4fw_context_t *context) {
  return g4rt_session_position(context->session);
}

void g4fw_reset(g4fw_context_t *context) {
  g4rt_session_reset(context->session);
}

const char *g4fw_error(const g4fw_context_t *context) {
  return context->last.message;
}

int32_t g4fw_argmax(const float *logits, int64_t n) {
  return g4rt_argmax(logits, n);
}

int g4fw_text_init(g4fw_context_t *context, const void *section, size_t bytes) {
  context->has_text = 0;
  g4rt_status_t status = g4rt_text_section_load(
      section, bytes, g4rt_session_model_info(context->session)->vocab_size,
      &context->text);
  if (g4rt_status_is_ok(&status)) context->has_text = 1;
  return remember(context, status);
}

size_t g4fw_encode_scratch_bytes(size_t text_bytes) {
  return g4rt_tokenizer_encode_scratch_bytes(text_bytes);
}

static g4rt_status_t no_text(void) {
  return G4RT_MAKE_STATUS(G4RT_STATUS_FAILED_PRECONDITION,
                          "text: no text section loaded (the model takes token "
                          "ids only until g4fw_text_init succeeds)");
}

int g4fw_encode(g4fw_context_t *context, const char *text, size_t text_bytes,
                void *scratch, size_t scratch_bytes, int32_t *ids,
                size_t capacity, size_t *out_count) {
  if (!context->has_text) return remember(context, no_text());
  g4rt_arena_t arena;
  g4rt_arena_initialize(scratch, scratch_bytes, &arena);
  g4rt_tokenizer_encode_options_t options;
  g4rt_tokenizer_encode_options_initialize(&options);
  return remember(context,
                  g4rt_tokenizer_encode(&context->text.tokenizer, text,
                                        text_bytes, &options, &arena, ids,
                                        capacity, out_count));
}

int g4fw_decode_text(g4fw_context_t *context, const int32_t *ids, size_t count,
                     char *text, size_t capacity, size_t *out_length) {
  if (!context->has_text) return remember(context, no_text());
  return remember(context,
                  g4rt_tokenizer_decode(&context->text.tokenizer, ids, count, 0,
                                        text, capacity, out_length));
}

int g4fw_is_stop(const g4fw_context_t *context, int32_t token) {
  if (context->has_text)
    return g4rt_text_section_is_stop(&context->text, token) ? 1 : 0;
  return token == g4rt_session_model_info(context->session)->eos_token_id;
}
