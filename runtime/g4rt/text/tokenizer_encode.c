/* tokenizer_encode.c - Encoding: added-token matching, then byte-fallback BPE
 * per word (see tokenizer.h for the rules and docs/tokenizer.md for why the
 * words are independent). */
#include <string.h>

#include "runtime/g4rt/text/tokenizer.h"

/* A character without a piece: this tag plus its code point. Ids stay below
 * G4RT_TOKENIZER_MAX_TOKENS, so a tagged value never equals an id. */
#define UNKNOWN_TAG 0x80000000u
#define NO_RANK 0xFFFFFFFFu
#define METASPACE 0x2581u
/* Words up to this many symbols find the next merge by a linear scan; longer
 * ones use a heap. */
#define LINEAR_SCAN_LIMIT 24

/* ------------------------------------------------------------------ UTF-8 */

/* Decodes the character at |s| (|n| > 0 bytes left). Ill-formed input yields
 * U+FFFD for the maximal subpart (the bytes that could still start a valid
 * sequence, at least one), as the WHATWG decoder does. Returns the bytes
 * consumed. */
static inline size_t decode_utf8(const uint8_t *s, size_t n, uint32_t *cp) {
  uint8_t b0 = s[0];
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t need;
  uint32_t value;
  uint8_t lower = 0x80, upper = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    value = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    value = b0 & 0x0F;
    if (b0 == 0xE0) lower = 0xA0;
    if (b0 == 0xED) upper = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    value = b0 & 0x07;
    if (b0 == 0xF0) lower = 0x90;
    if (b0 == 0xF4) upper = 0x8F;
  } else {
    *cp = 0xFFFD;
    return 1;
  }
  size_t i = 1;
  for (; i <= need; ++i) {
    if (i >= n || s[i] < lower || s[i] > upper) {
      *cp = 0xFFFD;
      return i;
    }
    value = (value << 6) | (s[i] & 0x3F);
    lower = 0x80;
    upper = 0xBF;
  }
  *cp = value;
  return i;
}

static inline size_t encode_utf8(uint32_t cp, uint8_t out[4]) {
  if (cp < 0x80) {
    out[0] = (uint8_t)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (uint8_t)(0xC0 | (cp >> 6));
    out[1] = (uint8_t)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (uint8_t)(0xE0 | (cp >> 12));
    out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (uint8_t)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (uint8_t)(0xF0 | (cp >> 18));
  out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (uint8_t)(0x80 | (cp & 0x3F));
  return 4;
}

/* ---------------------------------------------------------------- lookups */

static inline uint32_t piece_length(const g4rt_tokenizer_t *t, uint32_t id) {
  return t->piece_offsets[id + 1] - t->piece_offsets[id];
}

/* The merge of (left, right), or NULL. */
static inline const g4rt_tokenizer_merge_slot_t *find_merge(
    const g4rt_tokenizer_t *t, uint32_t left, uint32_t right) {
  if ((left | right) & UNKNOWN_TAG) return NULL;
  uint32_t i = g4rt_tokenizer_pair_hash(left, right) & t->merge_hash_mask;
  for (;;) {
    const g4rt_tokenizer_merge_slot_t *slot = &t->merge_hash[i];
    if (slot->left == left && slot->right == right) return slot;
    if (slot->left == G4RT_TOKENIZER_NO_ID) return NULL;
    i = (i + 1) & t->merge_hash_mask;
  }
}

/* The initial symbol of a character: its piece's id, or UNKNOWN_TAG | cp. */
static inline uint32_t char_symbol(const g4rt_tokenizer_t *t, uint32_t cp) {
  uint32_t id;
  if (cp < 0x10000) {
    id = t->bmp_ids[cp];
  } else {
    uint8_t bytes[4];
    size_t length = encode_utf8(cp, bytes);
    int32_t found = g4rt_tokenizer_find(t, (const char *)bytes, length);
    id = found < 0 ? G4RT_TOKENIZER_NO_ID : (uint32_t)found;
  }
  return id == G4RT_TOKENIZER_NO_ID ? (UNKNOWN_TAG | cp) : id;
}

/* The longest added token that |s| (|n| bytes) starts with: its id and
 * length, or length 0. The added ids are sorted by piece, so the candidates
 * sharing the first k bytes of |s| form a range that narrows byte by byte. */
static size_t match_added(const g4rt_tokenizer_t *t, const uint8_t *s, size_t n,
                          uint32_t *out_id) {
  size_t lo = 0, hi = t->header->added_count, best = 0;
  const uint32_t *added = t->added;
  for (size_t k = 0;; ++k) {
    /* In [lo, hi) every piece starts with s[0, k); one of length k sorts
     * first. */
    if (lo < hi && piece_length(t, added[lo]) == k) {
      if (k > 0) {
        best = k;
        *out_id = added[lo];
      }
      ++lo;
    }
    if (lo >= hi || k >= n || k >= t->added_max_bytes) break;
    uint8_t c = s[k];
    /* First piece in [lo, hi) whose byte k is >= c, then > c. */
    size_t a = lo, b = hi;
    while (a < b) {
      size_t mid = a + (b - a) / 2;
      if (t->piece_bytes[t->piece_offsets[added[mid]] + k] < c) {
        a = mid + 1;
      } else {
        b = mid;
      }
    }
    lo = a;
    b = hi;
    while (a < b) {
      size_t mid = a + (b - a) / 2;
      if (t->piece_bytes[t->piece_offsets[added[mid]] + k] <= c) {
        a = mid + 1;
      } else {
        b = mid;
      }
    }
    hi = a;
  }
  return best;
}

/* ---------------------------------------------------------------- output */

typedef struct emitter_t {
  int32_t *ids;
  size_t capacity;
  size_t count;
  bool previous_unk; /* for FUSE_UNK: the last model output was unk */
} emitter_t;

static inline void emit(emitter_t *e, uint32_t id) {
  if (e->count < e->capacity) e->ids[e->count] = (int32_t)id;
  ++e->count;
}

/* Emits one BPE output symbol: a piece id, or an unknown character as byte
 * pieces (or the unknown token). Returns false if neither exists. */
static bool emit_symbol(const g4rt_tokenizer_t *t, emitter_t *e,
                        uint32_t symbol) {
  uint32_t unk = t->header->unk_id;
  if (!(symbol & UNKNOWN_TAG)) {
    if (symbol == unk && e->previous_unk &&
        (t->flags & G4RT_TOKENIZER_FLAG_FUSE_UNK)) {
      return true;
    }
    e->previous_unk = symbol == unk;
    emit(e, symbol);
    return true;
  }
  uint8_t bytes[4];
  size_t length = encode_utf8(symbol & ~UNKNOWN_TAG, bytes);
  bool all_bytes = (t->flags & G4RT_TOKENIZER_FLAG_BYTE_FALLBACK) != 0;
  for (size_t i = 0; all_bytes && i < length; ++i) {
    all_bytes = t->byte_ids[bytes[i]] != G4RT_TOKENIZER_NO_ID;
  }
  if (all_bytes) {
    for (size_t i = 0; i < length; ++i) emit(e, t->byte_ids[bytes[i]]);
    e->previous_unk = false;
    return true;
  }
  if (unk == G4RT_TOKENIZER_NO_ID) return false;
  if (!(e->previous_unk && (t->flags & G4RT_TOKENIZER_FLAG_FUSE_UNK))) {
    emit(e, unk);
  }
  e->previous_unk = true;
  return true;
}

/* ------------------------------------------------------------------- BPE */

typedef struct symbol_t {
  uint32_t id;     /* piece id, or UNKNOWN_TAG | code point */
  int32_t prev;    /* -1 at the start */
  int32_t next;    /* -1 at the end */
  uint32_t rank;   /* rank of the merge (this, next); NO_RANK if none or if
                      this symbol was merged into its left neighbour */
  uint32_t result; /* the merged id of that merge */
} symbol_t;

/* Heap entries: rank << 32 | symbol index, so the smallest is the lowest rank,
 * leftmost on ties. Stale entries (the pair changed) are skipped when popped;
 * a word of n symbols pushes at most n - 1 + 2 (n - 1) of them. */
#define HEAP_ENTRIES_PER_SYMBOL 3

typedef struct workspace_t {
  g4rt_arena_t *arena;
  size_t mark; /* arena->used on entry: restored on exit */
  symbol_t *symbols;
  uint64_t *heap;
  size_t capacity; /* symbols available (and 3x heap entries) */
} workspace_t;

#define BYTES_PER_SYMBOL \
  (sizeof(symbol_t) + HEAP_ENTRIES_PER_SYMBOL * sizeof(uint64_t))

static g4rt_status_t reserve(workspace_t *w, size_t count, size_t at_byte) {
  if (count <= w->capacity) return g4rt_ok_status();
  size_t want = count < 64 ? 64 : count;
  if (want < 2 * w->capacity) want = 2 * w->capacity;
  for (int attempt = 0; attempt < 2; ++attempt) {
    /* Everything after the mark is ours: start over from it. */
    w->arena->used = w->mark;
    g4rt_allocator_t allocator = g4rt_arena_allocator(w->arena);
    void *memory = allocator.alloc(allocator.self, want * BYTES_PER_SYMBOL, 8);
    if (memory != NULL) {
      w->heap = (uint64_t *)memory;
      w->symbols = (symbol_t *)(w->heap + HEAP_ENTRIES_PER_SYMBOL * want);
      w->capacity = want;
      return g4rt_ok_status();
    }
    want = count; /* the exact need may still fit */
  }
  w->symbols = NULL;
  w->heap = NULL;
  w->capacity = 0;
  size_t free_bytes =
      w->arena->capacity > w->mark ? w->arena->capacity - w->mark : 0;
  return G4RT_MAKE_STATUS(
      G4RT_STATUS_RESOURCE_EXHAUSTED,
      "tokenizer: encoding the word at byte %zu (%zu characters) needs %zu "
      "bytes of scratch, the arena has %zu free",
      at_byte, count, count * BYTES_PER_SYMBOL + 8, free_bytes);
}

static inline void prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(address);
#else
  (void)address;
#endif
}

/* Sets the rank of the pair starting at |i|. */
static inline void rank_pair(const g4rt_tokenizer_t *t, symbol_t *s,
                             int32_t i) {
  const g4rt_tokenizer_merge_slot_t *merge =
      s[i].next < 0 ? NULL : find_merge(t, s[i].id, s[s[i].next].id);
  s[i].rank = merge ? merge->rank : NO_RANK;
  s[i].result = merge ? merge->result : 0;
}

/* Merges symbol |i| with its next one (the pair's result is cached) and
 * re-ranks the pairs that changed: (i, next) and (prev, i). */
static inline void merge_at(const g4rt_tokenizer_t *t, symbol_t *s, int32_t i) {
  int32_t j = s[i].next;
  s[i].id = s[i].result;
  s[i].next = s[j].next;
  if (s[j].next >= 0) s[s[j].next].prev = i;
  s[j].rank = NO_RANK;
  /* Two independent lookups: start both memory reads first. */
  int32_t p = s[i].prev, k = s[i].next;
  if (k >= 0 && !((s[i].id | s[k].id) & UNKNOWN_TAG)) {
    prefetch(&t->merge_hash[g4rt_tokenizer_pair_hash(s[i].id, s[k].id) &
                            t->merge_hash_mask]);
  }
  if (p >= 0 && !((s[p].id | s[i].id) & UNKNOWN_TAG)) {
    prefetch(&t->merge_hash[g4rt_tokenizer_pair_hash(s[p].id, s[i].id) &
                            t->merge_hash_mask]);
  }
  rank_pair(t, s, i);
  if (p >= 0) rank_pair(t, s, p);
}

static inline void heap_push(uint64_t *heap, size_t *size, uint64_t entry) {
  size_t at = (*size)++;
  while (at > 0) {
    size_t parent = (at - 1) / 2;
    if (heap[parent] <= entry) break;
    heap[at] = heap[parent];
    at = parent;
  }
  heap[at] = entry;
}

static inline uint64_t heap_pop(uint64_t *heap, size_t *size) {
  uint64_t top = heap[0];
  uint64_t last = heap[--*size];
  size_t n = *size, at = 0;
  for (;;) {
    size_t child = 2 * at + 1;
    if (child >= n) break;
    if (child + 1 < n && heap[child + 1] < heap[child]) ++child;
    if (heap[child] >= last) break;
    heap[at] = heap[child];
    at = child;
  }
  if (n > 0) heap[at] = last;
  return top;
}

static inline void push_pair(const symbol_t *s, uint64_t *heap, size_t *size,
                             int32_t i) {
  if (i >= 0 && s[i].rank != NO_RANK) {
    heap_push(heap, size, ((uint64_t)s[i].rank << 32) | (uint32_t)i);
  }
}

/* Runs BPE over s[0, n) (linked in order). */
static void bpe(const g4rt_tokenizer_t *t, symbol_t *s, uint64_t *heap,
                int32_t n) {
  /* The first ranks: every lookup is independent, so start all their memory
   * reads before the first probe. */
  for (int32_t i = 0; i + 1 < n; ++i) {
    if (!((s[i].id | s[i + 1].id) & UNKNOWN_TAG)) {
      prefetch(&t->merge_hash[g4rt_tokenizer_pair_hash(s[i].id, s[i + 1].id) &
                              t->merge_hash_mask]);
    }
  }
  for (int32_t i = 0; i < n; ++i) rank_pair(t, s, i);
  if (n <= LINEAR_SCAN_LIMIT) {
    for (;;) {
      int32_t best = -1;
      uint32_t best_rank = NO_RANK;
      for (int32_t i = 0; i >= 0; i = s[i].next) {
        if (s[i].rank < best_rank) {
          best_rank = s[i].rank;
          best = i;
        }
      }
      if (best < 0) return;
      merge_at(t, s, best);
    }
  }
  size_t size = 0;
  for (int32_t i = 0; i < n; ++i) push_pair(s, heap, &size, i);
  while (size > 0) {
    uint64_t entry = heap_pop(heap, &size);
    int32_t i = (int32_t)(uint32_t)entry;
    if (s[i].rank != (uint32_t)(entry >> 32)) continue; /* stale */
    merge_at(t, s, i);
    push_pair(s, heap, &size, i);
    push_pair(s, heap, &size, s[i].prev);
  }
}

/* ------------------------------------------------------------ word cache */

/* Words repeat: an encode call over a long text remembers the ids of short
 * words it has seen (keyed by their bytes, checked against the first
 * occurrence in the text), in scratch memory of its own. Skipped when the
 * arena has no room for it. */
#define CACHE_SLOTS 4096
#define CACHE_POOL_IDS 65536
#define CACHE_MAX_WORD_BYTES 48
#define CACHE_MAX_WORD_IDS (3 * CACHE_MAX_WORD_BYTES)
#define CACHE_MIN_TEXT_BYTES 4096
#define CACHE_PROBES 4

typedef struct cache_slot_t {
  uint32_t hash;
  uint32_t text_offset; /* the word's first occurrence */
  uint32_t ids_at;      /* its ids: pool[ids_at, ids_at + count) */
  uint16_t length;      /* bytes; 0 marks an empty slot */
  uint16_t count;
} cache_slot_t;

#define CACHE_BYTES \
  (CACHE_SLOTS * sizeof(cache_slot_t) + CACHE_POOL_IDS * sizeof(uint32_t))

typedef struct word_cache_t {
  cache_slot_t *slots; /* NULL: no cache */
  uint32_t *pool;
  uint32_t pool_used;
  const uint8_t *text; /* the whole text of the call */
} word_cache_t;

static inline uint32_t word_hash(const uint8_t *bytes, size_t length) {
  return g4rt_tokenizer_piece_hash(bytes, length);
}

/* The slot holding the word |bytes| (|length| bytes), or the empty slot it
 * would go in (length 0), or NULL when neither is among the probes. */
static cache_slot_t *cache_find(const word_cache_t *cache, uint32_t hash,
                                const uint8_t *bytes, size_t length) {
  for (uint32_t probe = 0; probe < CACHE_PROBES; ++probe) {
    cache_slot_t *slot = &cache->slots[(hash + probe) & (CACHE_SLOTS - 1)];
    if (slot->length == 0) return slot;
    if (slot->hash != hash || slot->length != length) continue;
    const uint8_t *seen = cache->text + slot->text_offset;
    size_t i = 0;
    while (i < length && seen[i] == bytes[i]) ++i;
    if (i == length) return slot;
  }
  return NULL;
}

/* ---------------------------------------------------------------- encode */

typedef struct encoder_t {
  const g4rt_tokenizer_t *t;
  workspace_t workspace;
  word_cache_t cache;
  emitter_t out;
  bool space_to_metaspace;
  bool split_words;
} encoder_t;

static inline uint32_t normalized_char(const encoder_t *e, const uint8_t *s,
                                       size_t n, size_t *length) {
  uint32_t cp;
  *length = decode_utf8(s, n, &cp);
  if (cp == ' ' && e->space_to_metaspace) cp = METASPACE;
  return cp;
}

/* Whether a word may end between |previous| and |cp|. */
static inline bool word_boundary(const encoder_t *e, uint32_t previous,
                                 uint32_t cp) {
  if (cp != METASPACE || previous == METASPACE) return false;
  const g4rt_tokenizer_header_t *h = e->t->header;
  for (uint32_t g = 0; g < h->split_guard_count; ++g) {
    if (h->split_guards[g] == previous) return false;
  }
  return true;
}

/* Emits a model output id, fusing it into the previous one when both are the
 * unknown token and the tokenizer fuses them. */
static inline void emit_model_id(const g4rt_tokenizer_t *t, emitter_t *e,
                                 uint32_t id) {
  bool unk = id == t->header->unk_id;
  if (unk && e->previous_unk && (t->flags & G4RT_TOKENIZER_FLAG_FUSE_UNK)) {
    return;
  }
  e->previous_unk = unk;
  emit(e, id);
}

/* BPE over the word text[begin, end) of |count| characters; its ids go to
 * |out|. */
static g4rt_status_t encode_word(encoder_t *e, const uint8_t *text,
                                 size_t begin, size_t end, size_t count,
                                 size_t word_offset, emitter_t *out) {
  G4RT_RETURN_IF_ERROR(reserve(&e->workspace, count, word_offset));
  symbol_t *s = e->workspace.symbols;
  int32_t k = 0;
  size_t length;
  for (size_t at = begin; at < end; at += length, ++k) {
    uint32_t cp = normalized_char(e, text + at, end - at, &length);
    s[k].id = char_symbol(e->t, cp);
    s[k].prev = k - 1;
    s[k].next = k + 1;
  }
  s[k - 1].next = -1;
  if (k > 1) bpe(e->t, s, e->workspace.heap, k);
  for (int32_t i = 0; i >= 0; i = s[i].next) {
    if (!emit_symbol(e->t, out, s[i].id)) {
      return G4RT_MAKE_STATUS(
          G4RT_STATUS_INVALID_ARGUMENT,
          "tokenizer: the character U+%x in the word at byte %zu has no "
          "piece, no byte pieces and there is no unknown token",
          s[i].id & ~UNKNOWN_TAG, word_offset);
    }
  }
  return g4rt_ok_status();
}

/* Encodes one section (text between added tokens) that starts at byte
 * |section_offset| of the call's text. */
static g4rt_status_t encode_section(encoder_t *e, const uint8_t *text, size_t n,
                                    size_t section_offset) {
  e->out.previous_unk = false;
  size_t pos = 0;
  while (pos < n) {
    /* The word's extent and character count. */
    size_t length;
    uint32_t previous = normalized_char(e, text + pos, n - pos, &length);
    size_t end = pos + length, count = 1;
    while (end < n) {
      uint32_t cp = normalized_char(e, text + end, n - end, &length);
      if (e->split_words && word_boundary(e, previous, cp)) break;
      previous = cp;
      end += length;
      ++count;
    }
    size_t word_bytes = end - pos, word_offset = section_offset + pos;
    if (e->cache.slots == NULL || word_bytes > CACHE_MAX_WORD_BYTES) {
      G4RT_RETURN_IF_ERROR(
          encode_word(e, text, pos, end, count, word_offset, &e->out));
      pos = end;
      continue;
    }
    uint32_t hash = word_hash(text + pos, word_bytes);
    cache_slot_t *slot = cache_find(&e->cache, hash, text + pos, word_bytes);
    if (slot != NULL && slot->length != 0) {
      for (uint32_t i = 0; i < slot->count; ++i) {
        emit_model_id(e->t, &e->out, e->cache.pool[slot->ids_at + i]);
      }
      pos = end;
      continue;
    }
    /* A new word: encode it on its own (unknown tokens fuse inside it), keep
     * its ids if there is room, then emit them. */
    uint32_t ids[CACHE_MAX_WORD_IDS];
    emitter_t word = {(int32_t *)ids, CACHE_MAX_WORD_IDS, 0, false};
    G4RT_RETURN_IF_ERROR(
        encode_word(e, text, pos, end, count, word_offset, &word));
    if (slot != NULL && word.count <= CACHE_POOL_IDS - e->cache.pool_used) {
      slot->hash = hash;
      slot->text_offset = (uint32_t)word_offset;
      slot->ids_at = e->cache.pool_used;
      slot->length = (uint16_t)word_bytes;
      slot->count = (uint16_t)word.count;
      for (size_t i = 0; i < word.count; ++i) {
        e->cache.pool[e->cache.pool_used++] = ids[i];
      }
    }
    for (size_t i = 0; i < word.count; ++i)
      emit_model_id(e->t, &e->out, ids[i]);
    pos = end;
  }
  return g4rt_ok_status();
}

void g4rt_tokenizer_encode_options_initialize(
    g4rt_tokenizer_encode_options_t *out_options) {
  out_options->add_bos = false;
  out_options->match_added_tokens = true;
  out_options->cache_words = true;
}

size_t g4rt_tokenizer_encode_scratch_bytes(size_t text_bytes) {
  /* One word of at most |text_bytes| characters (64 symbols at least), and
   * the word cache for long texts. */
  size_t symbols = text_bytes < 64 ? 64 : text_bytes;
  size_t cache = text_bytes >= CACHE_MIN_TEXT_BYTES ? CACHE_BYTES + 8 : 0;
  return symbols * BYTES_PER_SYMBOL + 8 + cache;
}

size_t g4rt_tokenizer_max_ids(size_t text_bytes) {
  /* A byte is at most one character; an unknown character becomes at most
   * 4 byte pieces, and an ill-formed byte U+FFFD's 3. */
  return 3 * text_bytes + 1;
}

static g4rt_status_t encode_all(
    encoder_t *e, const uint8_t *text, size_t n,
    const g4rt_tokenizer_encode_options_t *options) {
  const g4rt_tokenizer_t *t = e->t;
  if (options->add_bos) {
    if (t->header->bos_id == G4RT_TOKENIZER_NO_ID) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_FAILED_PRECONDITION,
                              "tokenizer: add_bos, but the tokenizer has no "
                              "BOS token");
    }
    emit(&e->out, t->header->bos_id);
  }
  size_t section = 0;
  if (options->match_added_tokens && t->header->added_count > 0) {
    for (size_t pos = 0; pos < n;) {
      uint8_t c = text[pos];
      uint32_t id = 0;
      size_t length = 0;
      if (t->added_first_byte[c >> 3] & (1u << (c & 7))) {
        length = match_added(t, text + pos, n - pos, &id);
      }
      if (length == 0) {
        ++pos;
        continue;
      }
      G4RT_RETURN_IF_ERROR(
          encode_section(e, text + section, pos - section, section));
      emit(&e->out, id);
      pos += length;
      section = pos;
    }
  }
  return encode_section(e, text + section, n - section, section);
}

g4rt_status_t g4rt_tokenizer_encode(
    const g4rt_tokenizer_t *tokenizer, const char *text, size_t text_bytes,
    const g4rt_tokenizer_encode_options_t *options, g4rt_arena_t *scratch,
    int32_t *out_ids, size_t capacity, size_t *out_count) {
  *out_count = 0;
  if (text == NULL && text_bytes > 0) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "tokenizer: encode of %zu bytes at NULL",
                            text_bytes);
  }
  if (scratch == NULL || (out_ids == NULL && capacity > 0)) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "tokenizer: encode needs a scratch arena and an "
                            "output array");
  }
  g4rt_tokenizer_encode_options_t defaults;
  if (options == NULL) {
    g4rt_tokenizer_encode_options_initialize(&defaults);
    options = &defaults;
  }
  encoder_t e;
  memset(&e, 0, sizeof(e));
  e.t = tokenizer;
  size_t mark = scratch->used;
  if (options->cache_words && text_bytes >= CACHE_MIN_TEXT_BYTES &&
      text_bytes <= 0xFFFFFFFFu) {
    g4rt_allocator_t allocator = g4rt_arena_allocator(scratch);
    void *memory = allocator.alloc(allocator.self, CACHE_BYTES, 8);
    if (memory != NULL) {
      e.cache.slots = (cache_slot_t *)memory;
      e.cache.pool = (uint32_t *)(e.cache.slots + CACHE_SLOTS);
      e.cache.text = (const uint8_t *)text;
      memset(e.cache.slots, 0, CACHE_SLOTS * sizeof(cache_slot_t));
    }
  }
  e.workspace.arena = scratch;
  e.workspace.mark = scratch->used;
  e.out.ids = out_ids;
  e.out.capacity = capacity;
  e.space_to_metaspace =
      (tokenizer->flags & G4RT_TOKENIZER_FLAG_SPACE_TO_METASPACE) != 0;
  e.split_words = (tokenizer->flags & G4RT_TOKENIZER_FLAG_SPLIT_WORDS) != 0;
  g4rt_status_t status =
      encode_all(&e, (const uint8_t *)text, text_bytes, options);
  scratch->used = mark;
  *out_count = e.out.count;
  if (!g4rt_status_is_ok(&status)) return status;
  if (e.out.count > capacity) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_OUT_OF_RANGE,
                            "tokenizer: the text encodes to %zu ids, the "
                            "output holds %zu",
                            e.out.count, capacity);
  }
  return g4rt_ok_status();
}
