/* tokenizer_format.h - The packed tokenizer: the binary form g4c writes from a
 * Hugging Face tokenizer.json and the runtime uses in place (tokenizer.h).
 *
 * Dependency-free (C11 + stdint), shared by the compiler's packer
 * (compiler/Tokenizer) and the runtime; docs/tokenizer.md describes it.
 *
 * Layout: one little-endian blob, 8-byte aligned, every section at an
 * 8-aligned offset from the blob start named in the header:
 *
 *   header            g4rt_tokenizer_header_t (fixed size, below)
 *   piece_offsets     uint32[token_count + 1]: piece i is bytes
 *                     [piece_offsets[i], piece_offsets[i+1]) of piece_bytes
 *   piece_bytes       uint8[piece_bytes_size]: every token's piece as written
 *                     in tokenizer.json (UTF-8, with U+2581 for spaces)
 *   token_kinds       uint8[token_count]: g4rt_token_kind_t
 *   piece_hash        uint32[piece_hash_slots]: open addressing (linear
 *                     probing from g4rt_tokenizer_piece_hash(piece) & mask) of
 *                     token ids, G4RT_TOKENIZER_NO_ID = empty
 *   merge_hash        g4rt_tokenizer_merge_slot_t[merge_hash_slots]: open
 *                     addressing (linear probing from
 *                     g4rt_tokenizer_pair_hash(left, right) & mask) of the
 *                     merges, left == G4RT_TOKENIZER_NO_ID = empty
 *   added             uint32[added_count]: ids of the added tokens (matched
 *                     before BPE), sorted by their piece bytes (memcmp order,
 *                     shorter first on a common prefix)
 *   byte_ids          uint32[256]: the id of the piece "<0xXX>" for each byte,
 *                     G4RT_TOKENIZER_NO_ID where the vocabulary has none
 *   bmp_ids           uint32[65536]: for each code point below U+10000, the id
 * of the piece that is exactly that character (what a text lookup of it
 * returns), G4RT_TOKENIZER_NO_ID if none
 *
 * The checksum (g4rt_tokenizer_checksum) covers bytes [32, total_bytes): every
 * byte after the checksum field.
 */
#ifndef G4RT_TEXT_TOKENIZER_FORMAT_H_
#define G4RT_TEXT_TOKENIZER_FORMAT_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define G4RT_TOKENIZER_MAGIC "G4TOKNZR" /* 8 bytes, no NUL in the blob */
#define G4RT_TOKENIZER_FORMAT_VERSION 1u
#define G4RT_TOKENIZER_BYTE_ORDER 0x01020304u /* as written by the packer */
#define G4RT_TOKENIZER_NO_ID 0xFFFFFFFFu
#define G4RT_TOKENIZER_MAX_SPLIT_GUARDS 8
#define G4RT_TOKENIZER_CHECKSUM_START 32
/* Ids and counts stay below 2^30 (the encoder tags unknown characters with
 * the top bits of a 32-bit id). */
#define G4RT_TOKENIZER_MAX_TOKENS (1u << 30)

typedef enum g4rt_token_kind_e {
  G4RT_TOKEN_KIND_NONE = 0,    /* no token has this id (a gap) */
  G4RT_TOKEN_KIND_NORMAL = 1,  /* a vocabulary piece */
  G4RT_TOKEN_KIND_BYTE = 2,    /* "<0xXX>": decodes to that one byte */
  G4RT_TOKEN_KIND_ADDED = 3,   /* an added token, "special": false */
  G4RT_TOKEN_KIND_SPECIAL = 4, /* an added token, "special": true */
} g4rt_token_kind_t;

/* Header flags. */
enum {
  /* Normalizer: every ' ' becomes U+2581 before BPE (Gemma's Replace). */
  G4RT_TOKENIZER_FLAG_SPACE_TO_METASPACE = 1u << 0,
  /* A character without a piece becomes its UTF-8 bytes' <0xXX> pieces. */
  G4RT_TOKENIZER_FLAG_BYTE_FALLBACK = 1u << 1,
  /* Consecutive unknown-token outputs collapse into one. */
  G4RT_TOKENIZER_FLAG_FUSE_UNK = 1u << 2,
  /* The encoder may split a section into words before each U+2581 that
   * follows a character other than U+2581 and the split guards: the packer
   * proved that no merge crosses such a boundary (docs/tokenizer.md). */
  G4RT_TOKENIZER_FLAG_SPLIT_WORDS = 1u << 3,
};

typedef struct g4rt_tokenizer_header_t {
  char magic[8];              /* G4RT_TOKENIZER_MAGIC */
  uint32_t version;           /* G4RT_TOKENIZER_FORMAT_VERSION */
  uint32_t header_bytes;      /* sizeof(g4rt_tokenizer_header_t) */
  uint64_t total_bytes;       /* the whole blob */
  uint64_t checksum;          /* g4rt_tokenizer_checksum of [32, total_bytes) */
  uint32_t byte_order;        /* G4RT_TOKENIZER_BYTE_ORDER */
  uint32_t flags;             /* G4RT_TOKENIZER_FLAG_* */
  uint32_t token_count;       /* ids are [0, token_count) */
  uint32_t merge_count;       /* ranks are [0, merge_count) */
  uint32_t added_count;       /* entries of |added| */
  uint32_t unk_id;            /* the unknown token, or G4RT_TOKENIZER_NO_ID */
  uint32_t bos_id;            /* the post-processor's BOS, or NO_ID */
  uint32_t max_piece_bytes;   /* the longest piece */
  uint32_t piece_hash_slots;  /* a power of two > token_count */
  uint32_t merge_hash_slots;  /* a power of two > merge_count */
  uint32_t split_guard_count; /* <= G4RT_TOKENIZER_MAX_SPLIT_GUARDS */
  uint32_t split_guards[G4RT_TOKENIZER_MAX_SPLIT_GUARDS]; /* code points */
  uint32_t reserved0;
  uint64_t piece_bytes_size;
  uint64_t piece_offsets_offset;
  uint64_t piece_bytes_offset;
  uint64_t token_kinds_offset;
  uint64_t piece_hash_offset;
  uint64_t merge_hash_offset;
  uint64_t added_offset;
  uint64_t byte_ids_offset;
  uint64_t bmp_ids_offset;
  uint64_t reserved[3];
} g4rt_tokenizer_header_t;

/* One merge: (left, right) -> result, applied in |rank| order. */
typedef struct g4rt_tokenizer_merge_slot_t {
  uint32_t left; /* G4RT_TOKENIZER_NO_ID for an empty slot */
  uint32_t right;
  uint32_t rank;
  uint32_t result;
} g4rt_tokenizer_merge_slot_t;

/* FNV-1a (32-bit) of a piece's bytes: the piece_hash index before masking. */
static inline uint32_t g4rt_tokenizer_piece_hash(const uint8_t *bytes,
                                                 size_t length) {
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < length; ++i) {
    hash = (hash ^ bytes[i]) * 16777619u;
  }
  return hash;
}

/* The merge_hash index of a pair before masking (a 64-bit multiplicative
 * mix, high half). */
static inline uint32_t g4rt_tokenizer_pair_hash(uint32_t left, uint32_t right) {
  uint64_t key = ((uint64_t)left << 32) | right;
  key *= 0x9E3779B97F4A7C15ull;
  return (uint32_t)(key >> 32) ^ (uint32_t)key;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_TEXT_TOKENIZER_FORMAT_H_ */
