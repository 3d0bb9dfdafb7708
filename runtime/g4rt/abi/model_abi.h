/*===- model_abi.h - The g4 compiler <-> runtime ABI, version 4 -----------===*
 *
 * Standalone and dependency-free (C99 <stdint.h> only): included by the C runtime and
 * by the compiler, which emits code and data that match it. Any change to a struct, a
 * symbol or a layout bumps G4_ABI_VERSION.
 *
 * A compiled model is an object that defines:
 *   - `g4_model_info`: a constant `g4_model_info_t` describing the model and its memory
 *     plan;
 *   - `_mlir_ciface_g4_prefill` / `_mlir_ciface_g4_decode`: the model functions, taking
 *     MLIR memref descriptors (below).
 * Its weights live in a separate blob (`g4_weights_header_t` + data) that the caller maps
 * anywhere; the compiled code addresses each tensor at a fixed offset in the data.
 *
 *
 * Version 2 added the `parallel` argument of the model functions; version 3 the
 * scratch arena (the `scratch` argument, `scratch_bytes`, `max_prefill_tokens`): compiled
 * code allocates nothing; version 4 prefill's logits for its last tokens only (as many
 * as the logits buffer has rows). The weight blob, the executable's text section and its trailer
 * are versioned on their own (G4_WEIGHTS_VERSION, G4_TEXT_VERSION, the trailer's magic).
 *===----------------------------------------------------------------------===*/
#ifndef G4RT_ABI_MODEL_ABI_H
#define G4RT_ABI_MODEL_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define G4_ABI_VERSION 4u

/* Alignment (bytes) of every tensor in the weight data, of the weight data itself, of
 * the KV arena and of the scratch arena. */
#define G4_TENSOR_ALIGNMENT 64u

/* Bytes at the start of a firmware library's arena (g4c --emit=staticlib) for its
 * context and the session; the KV and scratch arenas follow, so the arena a model
 * needs is G4_FIRMWARE_CONTEXT_BYTES + kv_bytes + scratch_bytes. */
#define G4_FIRMWARE_CONTEXT_BYTES 1024u

/*===----------------------------------------------------------------------===*
 * Memref descriptors (MLIR's C interface for ranked memrefs)
 *===----------------------------------------------------------------------===*/

typedef struct g4_memref_1d_t {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[1];
  int64_t strides[1];
} g4_memref_1d_t;

typedef struct g4_memref_2d_t {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[2];
  int64_t strides[2];
} g4_memref_2d_t;

/*===----------------------------------------------------------------------===*
 * Model info (a constant in the compiled object)
 *===----------------------------------------------------------------------===*/

typedef struct g4_model_info_t {
  uint32_t abi_version;       /* G4_ABI_VERSION the object was compiled for */
  uint32_t num_layers;
  uint64_t fingerprint;       /* must equal the weight blob's header fingerprint */
  int64_t vocab_size;
  int64_t hidden_size;
  int64_t max_context;        /* positions the KV plan holds (global-layer capacity) */
  int64_t sliding_window;     /* ring capacity of sliding layers */
  int64_t weights_bytes;      /* bytes of weight data the code addresses */
  int64_t kv_bytes;           /* bytes of the KV arena (exact: see the memory plan) */
  int64_t scratch_bytes;      /* bytes of the scratch arena every call needs (a bound
                                 computed at compile time for the calls allowed below) */
  int64_t max_prefill_tokens; /* most tokens one prefill call may take */
  int64_t num_kv_buffers;     /* entries of kv_plan */
  const struct g4_kv_buffer_t *kv_plan;
  int32_t bos_token_id;
  int32_t eos_token_id;
  int32_t pad_token_id;
  int32_t reserved;
  const char *model_name;
} g4_model_info_t;

/* One layer's KV cache inside the KV arena: K then V, each
 * [capacity][kv_heads][head_dim] of f32, or of f16 in a model compiled with
 * --kv-cache-type=f16 (bytes = 2 * capacity * kv_heads * head_dim * 4 or 2).
 * Layers that share KV own no buffer. */
typedef struct g4_kv_buffer_t {
  int32_t layer;
  int32_t is_sliding;         /* 1: ring of `capacity` == window positions */
  int64_t capacity;
  int64_t kv_heads;
  int64_t head_dim;
  int64_t offset;             /* bytes from the arena start */
  int64_t bytes;
} g4_kv_buffer_t;

/*===----------------------------------------------------------------------===*
 * Model functions
 *
 * Both run the whole decoder for `tokens` at positions start .. start+n-1 and write
 * logits[rows][vocab]: the logits of the last `rows` = logits->sizes[0] tokens
 * (1 <= rows <= n; decode: 1). A caller that generates needs only the last row, and
 * the head (about a sixth of Gemma 4 E2B's prefill FLOPs) then runs once. They read
 * `weights` (the blob's data section, aligned to G4_TENSOR_ALIGNMENT) and read/write
 * the KV arena (kv_bytes, aligned), which must hold positions 0 .. start-1 from
 * earlier calls. Every temporary lives in `scratch` (scratch_bytes, aligned; contents
 * need not survive between calls). Requires start + n <= max_context, every token <
 * vocab_size and 1 <= rows <= n (the runtime checks; the code does not). Prefill takes
 * 1 <= n <= max_prefill_tokens; decode takes n == 1. Not thread-safe per arena.
 *===----------------------------------------------------------------------===*/

/* Parallelism is injected by the caller: the compiled code splits its large loops into
 * `count` independent tasks and hands them to `parallel_for`, which must run
 * task(ctx, i) exactly once for every i in [0, count) (on any threads, in any order) and
 * return only when all have finished. The tasks of one call never wait on each other.
 * A NULL `g4_parallel_t *` (or a NULL parallel_for) runs every task on the calling thread,
 * so code compiled for threads also runs without any. */
typedef void (*g4_task_fn_t)(void *ctx, int64_t index);

typedef struct g4_parallel_t {
  void *pool;                 /* passed back to parallel_for untouched */
  void (*parallel_for)(void *pool, int64_t count, g4_task_fn_t task, void *ctx);
} g4_parallel_t;

#define G4_PREFILL_SYMBOL "_mlir_ciface_g4_prefill"
#define G4_DECODE_SYMBOL "_mlir_ciface_g4_decode"
#define G4_MODEL_INFO_SYMBOL "g4_model_info"

typedef void (*g4_model_fn_t)(g4_memref_1d_t *tokens /* i32 [n] */, int64_t start,
                              g4_memref_1d_t *weights /* u8 [weights_bytes] */,
                              g4_memref_1d_t *kv /* u8 [kv_bytes] */,
                              g4_memref_1d_t *scratch /* u8 [scratch_bytes] */,
                              g4_memref_2d_t *logits /* f32 [rows][vocab] */,
                              const g4_parallel_t *parallel /* may be NULL */);

/*===----------------------------------------------------------------------===*
 * Weight blob: header, then data at header.data_offset
 *===----------------------------------------------------------------------===*/

#define G4_WEIGHTS_MAGIC "G4WEIGHT" /* 8 bytes, no terminator in the file */
#define G4_WEIGHTS_VERSION 1u

typedef struct g4_weights_header_t {
  char magic[8];
  uint32_t version;           /* G4_WEIGHTS_VERSION */
  uint32_t header_bytes;      /* sizeof(g4_weights_header_t) */
  uint64_t fingerprint;       /* equals g4_model_info.fingerprint */
  uint64_t data_offset;       /* from the blob start; multiple of G4_TENSOR_ALIGNMENT */
  uint64_t data_bytes;        /* equals g4_model_info.weights_bytes */
  uint64_t num_tensors;
  uint64_t reserved[3];
} g4_weights_header_t;

/*===----------------------------------------------------------------------===*
 * Executable trailer: a self-contained executable is the linked program followed by
 * padding, the weight blob (page-aligned, so it can be memory-mapped), optionally the
 * text section (8-aligned, right after the blob) and this trailer as the file's last
 * bytes. The trailer is identified by its magic: "G4TRAIL2" is this 48-byte layout
 * (the 32-byte "G4TRAILR" trailer before it had no text section).
 *===----------------------------------------------------------------------===*/

#define G4_TRAILER_MAGIC "G4TRAIL2" /* 8 bytes */

typedef struct g4_exe_trailer_t {
  char magic[8];
  uint64_t blob_offset;       /* from the file start; multiple of 4096 */
  uint64_t blob_bytes;
  uint64_t text_offset;       /* the text section: the blob's end rounded up to 8; 0 with
                                 text_bytes 0 when the executable has none */
  uint64_t text_bytes;
  uint64_t reserved;
} g4_exe_trailer_t;

/*===----------------------------------------------------------------------===*
 * Text section: what an executable needs to take text (a tokenizer and the
 * checkpoint's generation defaults). g4_text_header_t, then the packed tokenizer
 * (runtime/g4rt/text/tokenizer_format.h) at tokenizer_offset.
 *===----------------------------------------------------------------------===*/

#define G4_TEXT_MAGIC "G4TEXTSC" /* 8 bytes, no terminator in the file */
#define G4_TEXT_VERSION 1u
#define G4_TEXT_MAX_STOP_IDS 8u

/* g4_text_header_t.flags */
#define G4_TEXT_FLAG_GREEDY 1u               /* generation_config.json: do_sample false */
#define G4_TEXT_FLAG_GENERATION_CONFIG 2u    /* the defaults come from generation_config.json */
#define G4_TEXT_FLAG_EMPTY_THOUGHT 4u        /* the chat template opens every model turn with
                                                an empty thought when thinking is off */

typedef struct g4_text_header_t {
  char magic[8];              /* G4_TEXT_MAGIC */
  uint32_t version;           /* G4_TEXT_VERSION */
  uint32_t header_bytes;      /* sizeof(g4_text_header_t) */
  uint64_t tokenizer_offset;  /* from the section start; multiple of 8, >= header_bytes */
  uint64_t tokenizer_bytes;   /* the packed tokenizer; ends at or before the section end */
  float temperature;          /* sampling defaults: >= 0 */
  float top_p;                /* (0, 1] */
  int32_t top_k;              /* >= 0 (0: off) */
  uint32_t flags;             /* G4_TEXT_FLAG_* */
  uint32_t num_stop_ids;      /* 1 .. G4_TEXT_MAX_STOP_IDS */
  int32_t stop_ids[G4_TEXT_MAX_STOP_IDS]; /* generation ends when one is sampled */
  uint32_t reserved[3];
} g4_text_header_t;

#ifdef __cplusplus
}
#endif

#endif /* G4RT_ABI_MODEL_ABI_H */
