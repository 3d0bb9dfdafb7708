/* firmware.h - A compiled model in caller-provided memory: the firmware API.
 *
 * What a `g4c --emit=staticlib` library exports as NAME_* (the generated NAME.h
 * documents it for users): everything lives in one arena the caller provides
 * (G4_FIRMWARE_CONTEXT_BYTES for this context and the session, then the KV
 * arena, then the scratch arena: g4fw_required_bytes); the weights are read in
 * place from a pointer (flash, a linked-in array, a mapped file). No malloc, no
 * OS call, no stdio, no globals: every function works on the context it is
 * given. Threads only through the optional g4_parallel_t.
 */
#ifndef G4RT_FIRMWARE_FIRMWARE_H_
#define G4RT_FIRMWARE_FIRMWARE_H_

#include <stddef.h>
#include <stdint.h>

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/base/attributes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct g4fw_context_t g4fw_context_t;

/* Bytes of the arena a model needs: G4_FIRMWARE_CONTEXT_BYTES + kv_bytes +
 * scratch_bytes of its info. */
size_t g4fw_required_bytes(const g4_model_info_t *info);

/* Places the context at |arena| (G4_TENSOR_ALIGNMENT-aligned, |arena_bytes| >=
 * g4fw_required_bytes), checks |info| and the weight blob (|weights| is the
 * blob: header then data, its data 64-byte aligned; magic, version,
 * fingerprint and sizes are checked) and zeroes the KV arena. |parallel| may be
 * NULL (every task runs on the calling thread) and is borrowed. Returns a
 * g4rt_status_code_t; on failure |*out| is NULL and, when |error| is not NULL,
 * the message is written there (at most |error_bytes| bytes, terminated). */
G4RT_MUST_USE int g4fw_init(const g4_model_info_t *info, g4_model_fn_t prefill,
                            g4_model_fn_t decode, void *arena,
                            size_t arena_bytes, const void *weights,
                            size_t weights_bytes, const g4_parallel_t *parallel,
                            char *error, size_t error_bytes,
                            g4fw_context_t **out);

/* Runs |n| >= 1 tokens at the current position and writes |logits| (n rows of
 * vocab_size floats); prompts longer than max_prefill_tokens run in chunks.
 * Returns a g4rt_status_code_t (g4fw_error tells why). */
G4RT_MUST_USE int g4fw_prefill(g4fw_context_t *context, const int32_t *tokens,
                               int64_t n, float *logits);

/* As g4fw_prefill, but |logits| gets only the last token's vocab_size floats:
 * the head runs for that row alone. What a caller that generates needs. */
G4RT_MUST_USE int g4fw_prefill_last(g4fw_context_t *context,
                                    const int32_t *tokens, int64_t n,
                                    float *logits);

/* One token: |logits| gets vocab_size floats. */
G4RT_MUST_USE int g4fw_decode(g4fw_context_t *context, int32_t token,
                              float *logits);

/* The next position (tokens consumed since init or reset). */
int64_t g4fw_position(const g4fw_context_t *context);

/* Starts a new sequence at position 0. */
void g4fw_reset(g4fw_context_t *context);

/* The message of the last failed call ("" after a success). */
const char *g4fw_error(const g4fw_context_t *context);

/* The index of the largest logit (NaN never wins; ties: the lowest index). */
int32_t g4fw_argmax(const float *logits, int64_t n);

/*===- Text (a model compiled from a checkpoint with a tokenizer.json) -===*/

/* Loads the text section at |section| (g4c --emit=text: g4_text_header_t, the
 * packed tokenizer and the generation defaults; 8-byte aligned, |bytes| long,
 * borrowed: it must outlive the context) into |context|: every field and table
 * is validated in place (docs/tokenizer.md). Returns a status code. */
G4RT_MUST_USE int g4fw_text_init(g4fw_context_t *context, const void *section,
                                 size_t bytes);

/* Scratch bytes g4fw_encode needs for |text_bytes| bytes of text. */
size_t g4fw_encode_scratch_bytes(size_t text_bytes);

/* Encodes |text| (UTF-8, |text_bytes| bytes, no BOS added) into |ids|
 * (|capacity| entries); *out_count gets the number of ids (also when they do
 * not fit: then OUT_OF_RANGE). |scratch| is the caller's working memory
 * (|scratch_bytes|, see g4fw_encode_scratch_bytes). */
G4RT_MUST_USE int g4fw_encode(g4fw_context_t *context, const char *text,
                              size_t text_bytes, void *scratch,
                              size_t scratch_bytes, int32_t *ids,
                              size_t capacity, size_t *out_count);

/* Decodes |count| ids into |text| (|capacity| bytes, not NUL-terminated);
 * *out_length is the full length. Decoding ids one at a time gives the same
 * bytes as together, so generated tokens can be streamed. */
G4RT_MUST_USE int g4fw_decode_text(g4fw_context_t *context, const int32_t *ids,
                                   size_t count, char *text, size_t capacity,
                                   size_t *out_length);

/* 1 when |token| ends generation (the text section's stop ids: <eos>, the
 * end-of-turn marker), else 0; without a text section, whether it is the
 * model's eos id. */
int g4fw_is_stop(const g4fw_context_t *context, int32_t token);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_FIRMWARE_FIRMWARE_H_ */
