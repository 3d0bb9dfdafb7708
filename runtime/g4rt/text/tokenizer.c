/* tokenizer.c - Loading (validation) of a packed tokenizer, accessors and
 * decoding (see tokenizer.h; encoding is in tokenizer_encode.c). */
#include "runtime/g4rt/text/tokenizer.h"

#include <string.h>

_Static_assert(sizeof(g4rt_tokenizer_header_t) == 208,
               "g4rt_tokenizer_header_t layout");
_Static_assert(offsetof(g4rt_tokenizer_header_t, byte_order) ==
                   G4RT_TOKENIZER_CHECKSUM_START,
               "the checksum covers everything after the checksum field");
_Static_assert(sizeof(g4rt_tokenizer_merge_slot_t) == 16,
               "g4rt_tokenizer_merge_slot_t layout");

/* ---------------------------------------------------------------- checksum */

/* memcmp without the C library (the core allows memcpy/memset/memmove
 * only). */
static int compare_bytes(const void *a, const void *b, size_t length) {
  const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
  for (size_t i = 0; i < length; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

static inline uint64_t rotl64(uint64_t x, int r) {
  return (x << r) | (x >> (64 - r));
}

static inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDull;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ull;
  x ^= x >> 33;
  return x;
}

uint64_t g4rt_tokenizer_checksum(const void *data, size_t size) {
  const uint64_t m = 0x9E3779B97F4A7C15ull;
  const uint8_t *p = (const uint8_t *)data;
  uint64_t a = 0x243F6A8885A308D3ull, b = 0x13198A2E03707344ull;
  uint64_t c = 0xA4093822299F31D0ull, d = 0x082EFA98EC4E6C89ull;
  size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    a = rotl64((a ^ load64(p + i)) * m, 31);
    b = rotl64((b ^ load64(p + i + 8)) * m, 31);
    c = rotl64((c ^ load64(p + i + 16)) * m, 31);
    d = rotl64((d ^ load64(p + i + 24)) * m, 31);
  }
  uint64_t h = mix64(a) ^ rotl64(mix64(b), 17) ^ rotl64(mix64(c), 34) ^
               rotl64(mix64(d), 51) ^ (uint64_t)size;
  for (; i < size; ++i) h = rotl64((h ^ p[i]) * m, 29);
  return mix64(h);
}

/* ------------------------------------------------------------------ load */

static void printable_magic(const char magic[8], char out[9]) {
  for (int i = 0; i < 8; ++i) {
    out[i] = (magic[i] >= 0x20 && magic[i] < 0x7f) ? magic[i] : '?';
  }
  out[8] = '\0';
}

static bool is_power_of_two(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

static int hex_value(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* The byte a "<0xXX>" piece stands for, or -1 if the piece is not one. */
static int byte_piece_value(const uint8_t *piece, size_t length) {
  if (length != 6 || compare_bytes(piece, "<0x", 3) != 0 || piece[5] != '>')
    return -1;
  int high = hex_value(piece[3]), low = hex_value(piece[4]);
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

/* Checks that section |name| of |bytes| bytes at |offset| lies inside the
 * blob after the header and is 8-aligned. */
static g4rt_status_t check_section(const g4rt_tokenizer_header_t *header,
                                   const char *name, uint64_t offset,
                                   uint64_t bytes) {
  if (offset % 8 != 0 || offset < header->header_bytes ||
      offset > header->total_bytes || bytes > header->total_bytes - offset) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "tokenizer header: %s (%llu bytes at offset %llu) expected 8-aligned "
        "inside [%u, %llu)",
        name, (unsigned long long)bytes, (unsigned long long)offset,
        header->header_bytes, (unsigned long long)header->total_bytes);
  }
  return g4rt_ok_status();
}

static g4rt_status_t check_header(const g4rt_tokenizer_header_t *h,
                                  size_t blob_bytes) {
  if (compare_bytes(h->magic, G4RT_TOKENIZER_MAGIC, 8) != 0) {
    char found[9];
    printable_magic(h->magic, found);
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer header: magic expected \"%s\", found "
                            "\"%s\" (not a packed tokenizer)",
                            G4RT_TOKENIZER_MAGIC, found);
  }
  if (h->version != G4RT_TOKENIZER_FORMAT_VERSION) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_FAILED_PRECONDITION,
                            "tokenizer header: version expected %u, found %u "
                            "(pack the tokenizer again with this g4c)",
                            G4RT_TOKENIZER_FORMAT_VERSION, h->version);
  }
  if (h->header_bytes != sizeof(g4rt_tokenizer_header_t)) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer header: header_bytes expected %zu, "
                            "found %u",
                            sizeof(g4rt_tokenizer_header_t), h->header_bytes);
  }
  if (h->byte_order != G4RT_TOKENIZER_BYTE_ORDER) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer header: byte_order expected 0x%x, "
                            "found 0x%x (packed for the other byte order)",
                            G4RT_TOKENIZER_BYTE_ORDER, h->byte_order);
  }
  if (h->total_bytes != blob_bytes) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer header: total_bytes expected %zu (the "
                            "blob's size), found %llu",
                            blob_bytes, (unsigned long long)h->total_bytes);
  }
  uint64_t checksum = g4rt_tokenizer_checksum(
      (const uint8_t *)h + G4RT_TOKENIZER_CHECKSUM_START,
      blob_bytes - G4RT_TOKENIZER_CHECKSUM_START);
  if (checksum != h->checksum) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer header: checksum expected 0x%llx, "
                            "found 0x%llx (the blob is corrupt)",
                            (unsigned long long)h->checksum,
                            (unsigned long long)checksum);
  }
  if (h->token_count == 0 || h->token_count >= G4RT_TOKENIZER_MAX_TOKENS) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer header: token_count expected in [1, "
                            "%u), found %u",
                            G4RT_TOKENIZER_MAX_TOKENS, h->token_count);
  }
  if (h->merge_count >= G4RT_TOKENIZER_MAX_TOKENS) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer header: merge_count expected below %u, "
                            "found %u",
                            G4RT_TOKENIZER_MAX_TOKENS, h->merge_count);
  }
  if (h->added_count > h->token_count) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer header: added_count expected at most "
                            "token_count %u, found %u",
                            h->token_count, h->added_count);
  }
  if (!is_power_of_two(h->piece_hash_slots) ||
      h->piece_hash_slots <= h->token_count) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer header: piece_hash_slots expected a "
                            "power of two above token_count %u, found %u",
                            h->token_count, h->piece_hash_slots);
  }
  if (!is_power_of_two(h->merge_hash_slots) ||
      h->merge_hash_slots <= h->merge_count) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer header: merge_hash_slots expected a "
                            "power of two above merge_count %u, found %u",
                            h->merge_count, h->merge_hash_slots);
  }
  if (h->split_guard_count > G4RT_TOKENIZER_MAX_SPLIT_GUARDS) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer header: split_guard_count expected at "
                            "most %d, found %u",
                            G4RT_TOKENIZER_MAX_SPLIT_GUARDS,
                            h->split_guard_count);
  }
  if (h->unk_id != G4RT_TOKENIZER_NO_ID && h->unk_id >= h->token_count) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer header: unk_id %u is outside [0, %u)",
                            h->unk_id, h->token_count);
  }
  if (h->bos_id != G4RT_TOKENIZER_NO_ID && h->bos_id >= h->token_count) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer header: bos_id %u is outside [0, %u)",
                            h->bos_id, h->token_count);
  }
  uint64_t n = h->token_count;
  G4RT_RETURN_IF_ERROR(
      check_section(h, "piece_offsets", h->piece_offsets_offset, (n + 1) * 4));
  G4RT_RETURN_IF_ERROR(check_section(h, "piece_bytes", h->piece_bytes_offset,
                                     h->piece_bytes_size));
  G4RT_RETURN_IF_ERROR(
      check_section(h, "token_kinds", h->token_kinds_offset, n));
  G4RT_RETURN_IF_ERROR(check_section(h, "piece_hash", h->piece_hash_offset,
                                     (uint64_t)h->piece_hash_slots * 4));
  G4RT_RETURN_IF_ERROR(check_section(
      h, "merge_hash", h->merge_hash_offset,
      (uint64_t)h->merge_hash_slots * sizeof(g4rt_tokenizer_merge_slot_t)));
  G4RT_RETURN_IF_ERROR(
      check_section(h, "added", h->added_offset, (uint64_t)h->added_count * 4));
  G4RT_RETURN_IF_ERROR(
      check_section(h, "byte_ids", h->byte_ids_offset, 256 * 4));
  G4RT_RETURN_IF_ERROR(
      check_section(h, "bmp_ids", h->bmp_ids_offset, 65536 * 4));
  return g4rt_ok_status();
}

static int compare_pieces(const g4rt_tokenizer_t *t, uint32_t a, uint32_t b) {
  size_t la = t->piece_offsets[a + 1] - t->piece_offsets[a];
  size_t lb = t->piece_offsets[b + 1] - t->piece_offsets[b];
  int c =
      compare_bytes(t->piece_bytes + t->piece_offsets[a],
                    t->piece_bytes + t->piece_offsets[b], la < lb ? la : lb);
  if (c != 0) return c;
  return la < lb ? -1 : (la > lb ? 1 : 0);
}

static g4rt_status_t check_tables(const g4rt_tokenizer_t *t) {
  const g4rt_tokenizer_header_t *h = t->header;
  uint32_t n = h->token_count;
  if (t->piece_offsets[0] != 0) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer: piece_offsets[0] expected 0, found %u",
                            t->piece_offsets[0]);
  }
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t begin = t->piece_offsets[i], end = t->piece_offsets[i + 1];
    if (end < begin || end - begin > h->max_piece_bytes) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                              "tokenizer: piece_offsets[%u] expected in [%u, "
                              "%u], found %u",
                              i + 1, begin, begin + h->max_piece_bytes, end);
    }
    uint8_t kind = t->token_kinds[i];
    if (kind > G4RT_TOKEN_KIND_SPECIAL ||
        (kind == G4RT_TOKEN_KIND_NONE) != (end == begin)) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                              "tokenizer: token %u has kind %u and a %u-byte "
                              "piece (expected kind 1..4 with a piece, or 0 "
                              "without)",
                              i, kind, end - begin);
    }
    if (kind == G4RT_TOKEN_KIND_BYTE &&
        byte_piece_value(t->piece_bytes + begin, end - begin) < 0) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                              "tokenizer: token %u has kind byte but its piece "
                              "is not <0xXX>",
                              i);
    }
  }
  if (t->piece_offsets[n] != h->piece_bytes_size) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer: piece_offsets[%u] expected "
                            "piece_bytes_size %llu, found %u",
                            n, (unsigned long long)h->piece_bytes_size,
                            t->piece_offsets[n]);
  }
  uint32_t pieces = 0;
  for (uint32_t i = 0; i < h->piece_hash_slots; ++i) {
    uint32_t id = t->piece_hash[i];
    if (id != G4RT_TOKENIZER_NO_ID) ++pieces;
    if (id != G4RT_TOKENIZER_NO_ID && id >= n) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                              "tokenizer: piece_hash[%u] holds id %u, outside "
                              "[0, %u)",
                              i, id, n);
    }
  }
  /* Lookups stop at an empty slot: there must be one. */
  if (pieces > n) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer: piece_hash expected at most %u ids, "
                            "found %u",
                            n, pieces);
  }
  uint32_t merges = 0;
  for (uint32_t i = 0; i < h->merge_hash_slots; ++i) {
    const g4rt_tokenizer_merge_slot_t *slot = &t->merge_hash[i];
    if (slot->left == G4RT_TOKENIZER_NO_ID) continue;
    ++merges;
    if (slot->left >= n || slot->right >= n || slot->result >= n ||
        slot->rank >= h->merge_count) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                              "tokenizer: merge_hash[%u] = (%u, %u) -> %u "
                              "rank %u: ids expected below %u, rank below %u",
                              i, slot->left, slot->right, slot->result,
                              slot->rank, n, h->merge_count);
    }
  }
  if (merges != h->merge_count) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer: merge_hash expected %u merges, found "
                            "%u",
                            h->merge_count, merges);
  }
  for (uint32_t i = 0; i < h->added_count; ++i) {
    uint32_t id = t->added[i];
    if (id >= n || (t->token_kinds[id] != G4RT_TOKEN_KIND_ADDED &&
                    t->token_kinds[id] != G4RT_TOKEN_KIND_SPECIAL)) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                              "tokenizer: added[%u] = %u is not an added "
                              "token id",
                              i, id);
    }
    if (i > 0 && compare_pieces(t, t->added[i - 1], id) >= 0) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                              "tokenizer: added[%u] (id %u) expected after "
                              "added[%u] (id %u) in piece order",
                              i, id, i - 1, t->added[i - 1]);
    }
  }
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t id = t->byte_ids[b];
    if (id == G4RT_TOKENIZER_NO_ID) continue;
    if (id >= n || t->token_kinds[id] != G4RT_TOKEN_KIND_BYTE ||
        byte_piece_value(t->piece_bytes + t->piece_offsets[id],
                         t->piece_offsets[id + 1] - t->piece_offsets[id]) !=
            (int)b) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                              "tokenizer: byte_ids[0x%x] = %u is not the "
                              "piece <0x..> of that byte",
                              b, id);
    }
  }
  for (uint32_t cp = 0; cp < 65536; ++cp) {
    uint32_t id = t->bmp_ids[cp];
    if (id != G4RT_TOKENIZER_NO_ID && id >= n) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                              "tokenizer: bmp_ids[0x%x] holds id %u, outside "
                              "[0, %u)",
                              cp, id, n);
    }
  }
  return g4rt_ok_status();
}

int32_t g4rt_tokenizer_find(const g4rt_tokenizer_t *tokenizer,
                            const char *piece, size_t length) {
  const uint8_t *bytes = (const uint8_t *)piece;
  uint32_t i =
      g4rt_tokenizer_piece_hash(bytes, length) & tokenizer->piece_hash_mask;
  for (;;) {
    uint32_t id = tokenizer->piece_hash[i];
    if (id == G4RT_TOKENIZER_NO_ID) return -1;
    uint32_t begin = tokenizer->piece_offsets[id];
    if (tokenizer->piece_offsets[id + 1] - begin == length &&
        compare_bytes(tokenizer->piece_bytes + begin, bytes, length) == 0) {
      return (int32_t)id;
    }
    i = (i + 1) & tokenizer->piece_hash_mask;
  }
}

g4rt_status_t g4rt_tokenizer_load(const void *blob, size_t blob_bytes,
                                  g4rt_tokenizer_t *out_tokenizer) {
  memset(out_tokenizer, 0, sizeof(*out_tokenizer));
  if (blob == NULL) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "tokenizer blob: NULL pointer");
  }
  if ((uintptr_t)blob % 8 != 0) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "tokenizer blob: address 0x%llx is not 8-byte "
                            "aligned",
                            (unsigned long long)(uintptr_t)blob);
  }
  if (blob_bytes < sizeof(g4rt_tokenizer_header_t)) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "tokenizer blob: %zu bytes is smaller than the "
                            "%zu-byte header",
                            blob_bytes, sizeof(g4rt_tokenizer_header_t));
  }
  const uint8_t *base = (const uint8_t *)blob;
  const g4rt_tokenizer_header_t *h = (const g4rt_tokenizer_header_t *)blob;
  G4RT_RETURN_IF_ERROR(check_header(h, blob_bytes));

  g4rt_tokenizer_t t;
  memset(&t, 0, sizeof(t));
  t.blob = base;
  t.blob_bytes = blob_bytes;
  t.header = h;
  t.piece_offsets = (const uint32_t *)(base + h->piece_offsets_offset);
  t.piece_bytes = base + h->piece_bytes_offset;
  t.token_kinds = base + h->token_kinds_offset;
  t.piece_hash = (const uint32_t *)(base + h->piece_hash_offset);
  t.merge_hash =
      (const g4rt_tokenizer_merge_slot_t *)(base + h->merge_hash_offset);
  t.added = (const uint32_t *)(base + h->added_offset);
  t.byte_ids = (const uint32_t *)(base + h->byte_ids_offset);
  t.bmp_ids = (const uint32_t *)(base + h->bmp_ids_offset);
  t.token_count = h->token_count;
  t.piece_hash_mask = h->piece_hash_slots - 1;
  t.merge_hash_mask = h->merge_hash_slots - 1;
  t.flags = h->flags;
  G4RT_RETURN_IF_ERROR(check_tables(&t));

  /* The added-token matcher's first-byte filter. */
  for (uint32_t i = 0; i < h->added_count; ++i) {
    uint32_t id = t.added[i];
    uint32_t length = t.piece_offsets[id + 1] - t.piece_offsets[id];
    uint8_t first = t.piece_bytes[t.piece_offsets[id]];
    t.added_first_byte[first >> 3] |= (uint8_t)(1u << (first & 7));
    if (length > t.added_max_bytes) t.added_max_bytes = length;
  }
  *out_tokenizer = t;
  return g4rt_ok_status();
}

/* ------------------------------------------------------------- accessors */

uint32_t g4rt_tokenizer_token_count(const g4rt_tokenizer_t *tokenizer) {
  return tokenizer->token_count;
}

int32_t g4rt_tokenizer_bos_id(const g4rt_tokenizer_t *tokenizer) {
  uint32_t id = tokenizer->header->bos_id;
  return id == G4RT_TOKENIZER_NO_ID ? -1 : (int32_t)id;
}

int32_t g4rt_tokenizer_unk_id(const g4rt_tokenizer_t *tokenizer) {
  uint32_t id = tokenizer->header->unk_id;
  return id == G4RT_TOKENIZER_NO_ID ? -1 : (int32_t)id;
}

g4rt_token_kind_t g4rt_tokenizer_token_kind(const g4rt_tokenizer_t *tokenizer,
                                            int32_t id) {
  if (id < 0 || (uint32_t)id >= tokenizer->token_count) {
    return G4RT_TOKEN_KIND_NONE;
  }
  return (g4rt_token_kind_t)tokenizer->token_kinds[id];
}

const char *g4rt_tokenizer_piece(const g4rt_tokenizer_t *tokenizer, int32_t id,
                                 size_t *out_length) {
  *out_length = 0;
  if (g4rt_tokenizer_token_kind(tokenizer, id) == G4RT_TOKEN_KIND_NONE) {
    return NULL;
  }
  uint32_t begin = tokenizer->piece_offsets[id];
  *out_length = tokenizer->piece_offsets[id + 1] - begin;
  return (const char *)tokenizer->piece_bytes + begin;
}

/* ---------------------------------------------------------------- decode */

g4rt_status_t g4rt_tokenizer_decode(const g4rt_tokenizer_t *tokenizer,
                                    const int32_t *ids, size_t count,
                                    uint32_t flags, char *out_text,
                                    size_t capacity, size_t *out_length) {
  size_t length = 0;
  *out_length = 0;
  for (size_t i = 0; i < count; ++i) {
    int32_t id = ids[i];
    g4rt_token_kind_t kind = g4rt_tokenizer_token_kind(tokenizer, id);
    if (kind == G4RT_TOKEN_KIND_NONE) {
      *out_length = length;
      if (id >= 0 && (uint32_t)id < tokenizer->token_count) {
        return G4RT_MAKE_STATUS(G4RT_STATUS_OUT_OF_RANGE,
                                "decode: token id %d (ids[%zu]) has no piece",
                                id, i);
      }
      return G4RT_MAKE_STATUS(G4RT_STATUS_OUT_OF_RANGE,
                              "decode: token id %d (ids[%zu]) is outside the "
                              "vocabulary [0, %u)",
                              id, i, tokenizer->token_count);
    }
    if (kind == G4RT_TOKEN_KIND_SPECIAL &&
        (flags & G4RT_TOKENIZER_DECODE_SKIP_SPECIAL)) {
      continue;
    }
    const uint8_t *piece =
        tokenizer->piece_bytes + tokenizer->piece_offsets[id];
    size_t piece_length =
        tokenizer->piece_offsets[id + 1] - tokenizer->piece_offsets[id];
    if (kind == G4RT_TOKEN_KIND_BYTE) {
      if (length < capacity) {
        out_text[length] = (char)byte_piece_value(piece, piece_length);
      }
      ++length;
      continue;
    }
    for (size_t j = 0; j < piece_length;) {
      uint8_t c;
      if (piece[j] == 0xE2 && j + 2 < piece_length && piece[j + 1] == 0x96 &&
          piece[j + 2] == 0x81) {
        c = ' '; /* U+2581 */
        j += 3;
      } else {
        c = piece[j++];
      }
      if (length < capacity) out_text[length] = (char)c;
      ++length;
    }
  }
  *out_length = length;
  if (length > capacity) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_OUT_OF_RANGE,
                            "decode: the text needs %zu bytes, the buffer "
                            "holds %zu",
                            length, capacity);
  }
  return g4rt_ok_status();
}
