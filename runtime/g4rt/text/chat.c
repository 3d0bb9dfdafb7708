/* chat.c - Gemma 4's chat template (see chat.h). */
#include "runtime/g4rt/text/chat.h"

#include <string.h>

#define LITERAL(s) s, sizeof(s) - 1

/* Appends to a caller's buffer, counting what does not fit. */
typedef struct writer_t {
  char *out;
  size_t capacity;
  size_t length; /* the full length so far */
} writer_t;

static void put(writer_t *w, const char *bytes, size_t n) {
  if (w->length < w->capacity) {
    size_t room = w->capacity - w->length;
    memcpy(w->out + w->length, bytes, n < room ? n : room);
  }
  w->length += n;
}

/* One UTF-8 character of |text| from |at| (before |end|): its code point, or
 * 0xFFFFFFFF for an ill-formed byte, which counts as one byte. */
static uint32_t decode_char(const uint8_t *text, size_t at, size_t end,
                            size_t *out_bytes) {
  uint8_t b = text[at];
  size_t need;
  uint32_t cp, min;
  if (b < 0x80) {
    *out_bytes = 1;
    return b;
  } else if (b >= 0xC2 && b < 0xE0) {
    need = 1, cp = b & 0x1F, min = 0x80;
  } else if (b >= 0xE0 && b < 0xF0) {
    need = 2, cp = b & 0x0F, min = 0x800;
  } else if (b >= 0xF0 && b < 0xF5) {
    need = 3, cp = b & 0x07, min = 0x10000;
  } else {
    *out_bytes = 1;
    return 0xFFFFFFFFu;
  }
  if (end - at <= need) {
    *out_bytes = 1;
    return 0xFFFFFFFFu;
  }
  for (size_t i = 1; i <= need; ++i) {
    uint8_t c = text[at + i];
    if ((c & 0xC0) != 0x80) {
      *out_bytes = 1;
      return 0xFFFFFFFFu;
    }
    cp = cp << 6 | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
    *out_bytes = 1;
    return 0xFFFFFFFFu;
  }
  *out_bytes = need + 1;
  return cp;
}

/* Python's str.isspace(), which Jinja's trim (str.strip) uses. */
static bool is_space(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) ||
         cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* The first |pattern| in text[from, end), or |end|. */
static size_t find(const char *text, size_t from, size_t end,
                   const char *pattern, size_t pattern_bytes) {
  for (size_t i = from; i + pattern_bytes <= end; ++i) {
    if (memcmp(text + i, pattern, pattern_bytes) == 0) return i;
  }
  return end;
}

/* The parts of a message's text the template keeps, as ranges of |text|:
 * everything for users and the system; for the model, the template's
 * strip_thinking (split at "<channel|>", keep each part up to its first
 * "<|channel>"). */
typedef struct ranges_t {
  const char *text;
  size_t bytes;
  bool strip_thinking;
  size_t cursor; /* the next part's start; bytes + 1 when done */
} ranges_t;

static ranges_t ranges_begin(const char *text, size_t bytes,
                             bool strip_thinking) {
  ranges_t r = {text, bytes, strip_thinking, 0};
  return r;
}

static bool ranges_next(ranges_t *r, size_t *out_start, size_t *out_end) {
  if (r->cursor > r->bytes) return false;
  if (!r->strip_thinking) {
    *out_start = 0;
    *out_end = r->bytes;
    r->cursor = r->bytes + 1;
    return true;
  }
  size_t part_end =
      find(r->text, r->cursor, r->bytes, LITERAL(G4RT_CHAT_CHANNEL_END));
  *out_start = r->cursor;
  *out_end =
      find(r->text, r->cursor, part_end, LITERAL(G4RT_CHAT_CHANNEL_START));
  r->cursor = part_end == r->bytes
                  ? r->bytes + 1
                  : part_end + sizeof(G4RT_CHAT_CHANNEL_END) - 1;
  return true;
}

/* Writes the kept text of a message, trimmed: a first pass finds where the
 * first and after the last non-space character are (in kept-text offsets), a
 * second writes the bytes between. */
static void put_content(writer_t *w, const char *text, size_t bytes,
                        bool strip_thinking) {
  const uint8_t *u = (const uint8_t *)text;
  size_t first = (size_t)-1, last_end = 0, offset = 0;
  size_t start, end;
  ranges_t r = ranges_begin(text, bytes, strip_thinking);
  while (ranges_next(&r, &start, &end)) {
    for (size_t at = start; at < end;) {
      size_t n;
      uint32_t cp = decode_char(u, at, end, &n);
      if (!is_space(cp)) {
        if (first == (size_t)-1) first = offset;
        last_end = offset + n;
      }
      offset += n;
      at += n;
    }
  }
  if (first == (size_t)-1) return; /* nothing but spaces */
  offset = 0;
  r = ranges_begin(text, bytes, strip_thinking);
  while (ranges_next(&r, &start, &end)) {
    size_t from = start, to = end; /* the part of this range in the window */
    size_t range_first = offset, range_end = offset + (end - start);
    if (range_first < first)
      from += first < range_end ? first - range_first : end - start;
    if (range_end > last_end)
      to -= last_end > range_first ? range_end - last_end : end - start;
    if (from < to) put(w, text + from, to - from);
    offset = range_end;
  }
}

void g4rt_chat_options_initialize(g4rt_chat_options_t *out_options) {
  memset(out_options, 0, sizeof(*out_options));
  out_options->add_bos = true;
  out_options->add_generation_prompt = true;
}

static void put_turn_start(writer_t *w, const char *role, size_t role_bytes) {
  put(w, LITERAL(G4RT_CHAT_TURN_START));
  put(w, role, role_bytes);
  put(w, LITERAL("\n"));
}

g4rt_status_t g4rt_chat_render(const g4rt_chat_options_t *options,
                               const g4rt_chat_message_t *messages,
                               size_t count, char *out_text, size_t capacity,
                               size_t *out_length) {
  *out_length = 0;
  g4rt_chat_options_t defaults;
  if (options == NULL) {
    g4rt_chat_options_initialize(&defaults);
    options = &defaults;
  }
  if (count > 0 && messages == NULL) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "chat: %zu messages but a NULL array", count);
  }
  for (size_t i = 0; i < count; ++i) {
    const g4rt_chat_message_t *m = &messages[i];
    if (m->role != G4RT_CHAT_ROLE_SYSTEM && m->role != G4RT_CHAT_ROLE_USER &&
        m->role != G4RT_CHAT_ROLE_MODEL) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                              "chat: messages[%zu] has the unknown role %d", i,
                              (int)m->role);
    }
    if (m->role == G4RT_CHAT_ROLE_SYSTEM && (i > 0 || options->continuation)) {
      return G4RT_MAKE_STATUS(
          G4RT_STATUS_INVALID_ARGUMENT,
          "chat: messages[%zu] is a system message; only the first message of "
          "a conversation may be one",
          i);
    }
    if (m->text == NULL && m->text_bytes > 0) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                              "chat: messages[%zu] has %zu bytes of NULL text",
                              i, m->text_bytes);
    }
  }

  writer_t w = {out_text, out_text ? capacity : 0, 0};
  size_t first = 0;
  if (options->continuation) {
    put(&w, LITERAL(G4RT_CHAT_TURN_END "\n"));
  } else {
    if (options->add_bos) put(&w, LITERAL(G4RT_CHAT_BOS));
    bool system = count > 0 && messages[0].role == G4RT_CHAT_ROLE_SYSTEM;
    if (system || options->thinking) {
      put_turn_start(&w, LITERAL("system"));
      if (options->thinking) put(&w, LITERAL(G4RT_CHAT_THINK "\n"));
      if (system) {
        put_content(&w, messages[0].text, messages[0].text_bytes, false);
        first = 1;
      }
      put(&w, LITERAL(G4RT_CHAT_TURN_END "\n"));
    }
  }
  for (size_t i = first; i < count; ++i) {
    const g4rt_chat_message_t *m = &messages[i];
    bool model = m->role == G4RT_CHAT_ROLE_MODEL;
    /* Consecutive model messages continue one turn. */
    bool continues_previous =
        model && i > first && messages[i - 1].role == G4RT_CHAT_ROLE_MODEL;
    bool continues_into_next =
        model && i + 1 < count && messages[i + 1].role == G4RT_CHAT_ROLE_MODEL;
    if (!continues_previous) {
      if (model) {
        put_turn_start(&w, LITERAL("model"));
      } else {
        put_turn_start(&w, LITERAL("user"));
      }
    }
    put_content(&w, m->text, m->text_bytes, model);
    if (!continues_into_next) put(&w, LITERAL(G4RT_CHAT_TURN_END "\n"));
  }
  if (options->add_generation_prompt) {
    put_turn_start(&w, LITERAL("model"));
    if (options->empty_thought && !options->thinking) {
      put(&w,
          LITERAL(G4RT_CHAT_CHANNEL_START "thought\n" G4RT_CHAT_CHANNEL_END));
    }
  }

  *out_length = w.length;
  if (w.length > w.capacity) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_OUT_OF_RANGE,
                            "chat: the text needs %zu bytes, the buffer holds "
                            "%zu",
                            w.length, w.capacity);
  }
  return g4rt_ok_status();
}

/* The id of the added token |text|, or -1. */
static int32_t find_added(const g4rt_tokenizer_t *tokenizer, const char *text,
                          size_t bytes) {
  int32_t id = g4rt_tokenizer_find(tokenizer, text, bytes);
  if (id < 0) return -1;
  g4rt_token_kind_t kind = g4rt_tokenizer_token_kind(tokenizer, id);
  return kind == G4RT_TOKEN_KIND_ADDED || kind == G4RT_TOKEN_KIND_SPECIAL ? id
                                                                          : -1;
}

g4rt_status_t g4rt_chat_find_tokens(const g4rt_tokenizer_t *tokenizer,
                                    g4rt_chat_tokens_t *out_tokens) {
  out_tokens->bos = find_added(tokenizer, LITERAL(G4RT_CHAT_BOS));
  out_tokens->turn_start = find_added(tokenizer, LITERAL(G4RT_CHAT_TURN_START));
  out_tokens->turn_end = find_added(tokenizer, LITERAL(G4RT_CHAT_TURN_END));
  out_tokens->think = find_added(tokenizer, LITERAL(G4RT_CHAT_THINK));
  out_tokens->channel_start =
      find_added(tokenizer, LITERAL(G4RT_CHAT_CHANNEL_START));
  out_tokens->channel_end =
      find_added(tokenizer, LITERAL(G4RT_CHAT_CHANNEL_END));
  const char *missing = out_tokens->bos < 0          ? G4RT_CHAT_BOS
                        : out_tokens->turn_start < 0 ? G4RT_CHAT_TURN_START
                        : out_tokens->turn_end < 0   ? G4RT_CHAT_TURN_END
                                                     : NULL;
  if (missing != NULL) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_NOT_FOUND,
                            "chat: the tokenizer has no added token \"%s\" (it "
                            "is not a Gemma 4 chat tokenizer)",
                            missing);
  }
  return g4rt_ok_status();
}
