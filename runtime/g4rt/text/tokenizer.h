/* tokenizer.h - Gemma's tokenizer over a packed blob (tokenizer_format.h):
 * byte-fallback BPE over SentencePiece pieces, encode and decode.
 *
 * Encoding (what Hugging Face's tokenizers and transformers.js do with
 * Gemma's tokenizer.json):
 *   1. The text is UTF-8; ill-formed sequences read as U+FFFD, one per
 *      maximal ill-formed subpart (the WHATWG / Unicode rule), as a tokenizer
 *      working on Unicode strings sees them.
 *   2. Added tokens (tokenizer.json's added_tokens, special or not) are
 *      matched first, leftmost-longest, on the raw text; the text between
 *      them is a section.
 *   3. In each section ' ' becomes U+2581 (no dummy prefix is added).
 *   4. Each character is its piece; characters are merged pairwise, always
 *      the adjacent pair with the lowest merge rank, the leftmost on ties.
 *   5. A character without a piece becomes the <0xXX> pieces of its UTF-8
 *      bytes (byte fallback), or the unknown token.
 * Decoding concatenates the tokens' pieces with U+2581 read as ' ' and a
 * <0xXX> piece read as that raw byte (so decoding never fails on byte
 * sequences: a valid encoding decodes back to the exact input bytes, unless
 * the input held U+2581 itself, which decodes as ' ').
 *
 * Memory: a g4rt_tokenizer_t is a view of the blob (borrowed, must outlive
 * it; 8-byte aligned). Loading validates the blob and allocates nothing.
 * Encoding takes its working memory from a caller's arena and gives it back
 * before returning. Thread safety: a loaded tokenizer is read-only; any number
 * of threads may encode and decode with it at once (each with its own arena).
 */
#ifndef G4RT_TEXT_TOKENIZER_H_
#define G4RT_TEXT_TOKENIZER_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/g4rt/base/arena.h"
#include "runtime/g4rt/base/status.h"
#include "runtime/g4rt/text/tokenizer_format.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A loaded tokenizer: pointers into the blob plus small tables computed at
 * load. Treat the fields as private; use the accessors. */
typedef struct g4rt_tokenizer_t {
  const uint8_t *blob;
  size_t blob_bytes;
  const g4rt_tokenizer_header_t *header;
  const uint32_t *piece_offsets;
  const uint8_t *piece_bytes;
  const uint8_t *token_kinds;
  const uint32_t *piece_hash;
  const g4rt_tokenizer_merge_slot_t *merge_hash;
  const uint32_t *added;
  const uint32_t *byte_ids;
  const uint32_t *bmp_ids;
  uint32_t token_count;
  uint32_t piece_hash_mask;
  uint32_t merge_hash_mask;
  uint32_t flags;
  uint8_t added_first_byte[32]; /* bitmap: bytes that start an added token */
  uint32_t added_max_bytes;     /* the longest added token */
} g4rt_tokenizer_t;

/* Validates |blob| (|blob_bytes| bytes, 8-byte aligned, borrowed) and points
 * |out_tokenizer| at it. Checks the magic, version, byte order, size,
 * checksum, and every table's bounds and ids, so a corrupt blob is an error
 * here and never an out-of-bounds read later: DATA_LOSS naming the field
 * with the expected and found values (FAILED_PRECONDITION for a version this
 * runtime does not read, INVALID_ARGUMENT for NULL or misaligned blobs). */
G4RT_MUST_USE g4rt_status_t g4rt_tokenizer_load(
    const void *blob, size_t blob_bytes, g4rt_tokenizer_t *out_tokenizer);

/* The checksum stored in the header (4-lane multiplicative 64-bit hash);
 * the packer uses it too. */
uint64_t g4rt_tokenizer_checksum(const void *data, size_t size);

/* Ids are [0, token_count). */
uint32_t g4rt_tokenizer_token_count(const g4rt_tokenizer_t *tokenizer);
/* The BOS id from tokenizer.json's post-processor, or -1. */
int32_t g4rt_tokenizer_bos_id(const g4rt_tokenizer_t *tokenizer);
/* The unknown token's id, or -1. */
int32_t g4rt_tokenizer_unk_id(const g4rt_tokenizer_t *tokenizer);
/* The id of the token whose piece is exactly |piece| (|length| bytes), or -1.
 * Added tokens win over vocabulary pieces with the same text. */
int32_t g4rt_tokenizer_find(const g4rt_tokenizer_t *tokenizer,
                            const char *piece, size_t length);
/* The kind of |id| (G4RT_TOKEN_KIND_NONE outside [0, token_count)). */
g4rt_token_kind_t g4rt_tokenizer_token_kind(const g4rt_tokenizer_t *tokenizer,
                                            int32_t id);
/* The piece of |id| as stored (borrowed, not NUL-terminated), or NULL with
 * *out_length 0 for an id without one. */
const char *g4rt_tokenizer_piece(const g4rt_tokenizer_t *tokenizer, int32_t id,
                                 size_t *out_length);

typedef struct g4rt_tokenizer_encode_options_t {
  bool add_bos;            /* prepend the BOS id (default false) */
  bool match_added_tokens; /* match added tokens before BPE (default true);
                              false treats their text as plain text */
  bool cache_words;        /* texts of 4 KiB or more: remember the ids of short
                              words seen earlier in the same call (default
                              true; ~320 KiB of scratch, skipped when the arena
                              has no room). Never changes the ids. */
} g4rt_tokenizer_encode_options_t;

/* Fills |out_options| with the defaults. */
void g4rt_tokenizer_encode_options_initialize(
    g4rt_tokenizer_encode_options_t *out_options);

/* Arena bytes g4rt_tokenizer_encode needs at most for |text_bytes| bytes of
 * text, word cache included (it needs less when the text has spaces: the
 * working set is one word, 44 bytes per character). */
size_t g4rt_tokenizer_encode_scratch_bytes(size_t text_bytes);

/* Ids g4rt_tokenizer_encode can produce at most for |text_bytes| bytes (plus
 * one for BOS). */
size_t g4rt_tokenizer_max_ids(size_t text_bytes);

/* Encodes |text| (|text_bytes| bytes, need not be NUL-terminated; NULL is
 * allowed when 0) into |out_ids| (|capacity| entries). |options| may be NULL
 * (the defaults). Working memory comes from |scratch| and is released before
 * returning (scratch->used is restored; peak_used shows the need).
 * *out_count is the number of ids the text encodes to, also when they do not
 * fit: then only the first |capacity| are written and the status is
 * OUT_OF_RANGE (call with capacity 0 to size the output). RESOURCE_EXHAUSTED
 * when the arena is too small, naming the bytes needed. */
G4RT_MUST_USE g4rt_status_t g4rt_tokenizer_encode(
    const g4rt_tokenizer_t *tokenizer, const char *text, size_t text_bytes,
    const g4rt_tokenizer_encode_options_t *options, g4rt_arena_t *scratch,
    int32_t *out_ids, size_t capacity, size_t *out_count);

/* Decode flags. */
enum {
  /* Leave out tokens of kind G4RT_TOKEN_KIND_SPECIAL (BOS, EOS, turn
   * markers). */
  G4RT_TOKENIZER_DECODE_SKIP_SPECIAL = 1u << 0,
};

/* Decodes |count| ids into |out_text| (|capacity| bytes, not NUL-terminated).
 * *out_length is the full length, also when it does not fit: then only the
 * first |capacity| bytes are written and the status is OUT_OF_RANGE. An id
 * outside the vocabulary or without a piece is OUT_OF_RANGE naming it and its
 * index (nothing is written past the ids before it). Decoding one id at a
 * time gives the same bytes as decoding them together, so a stream of
 * generated ids can be printed as it comes. */
G4RT_MUST_USE g4rt_status_t g4rt_tokenizer_decode(
    const g4rt_tokenizer_t *tokenizer, const int32_t *ids, size_t count,
    uint32_t flags, char *out_text, size_t capacity, size_t *out_length);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_TEXT_TOKENIZER_H_ */
