/* text_section.c - The executable's text section (see text_section.h). */
#include "runtime/g4rt/text/text_section.h"

#include <string.h>

_Static_assert(sizeof(g4_text_header_t) == 96, "g4_text_header_t layout");

#define KNOWN_FLAGS                                       \
  (G4_TEXT_FLAG_GREEDY | G4_TEXT_FLAG_GENERATION_CONFIG | \
   G4_TEXT_FLAG_EMPTY_THOUGHT)

static g4rt_status_t corrupt(const char *field, const char *expected,
                             unsigned long long found) {
  return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                          "text section: %s expected %s, found %llu", field,
                          expected, found);
}

g4rt_status_t g4rt_text_section_load(const void *section, size_t bytes,
                                     int64_t vocab_size,
                                     g4rt_text_section_t *out_section) {
  memset(out_section, 0, sizeof(*out_section));
  if (section == NULL || (uintptr_t)section % 8 != 0) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "text section: expected an 8-byte aligned "
                            "section, found %s",
                            section == NULL ? "NULL" : "a misaligned one");
  }
  if (bytes < sizeof(g4_text_header_t)) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "text section: %zu bytes, fewer than the %zu-byte "
                            "header",
                            bytes, sizeof(g4_text_header_t));
  }
  const g4_text_header_t *h = (const g4_text_header_t *)section;
  if (memcmp(h->magic, G4_TEXT_MAGIC, 8) != 0) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "text section: magic \"%s\" not found",
                            G4_TEXT_MAGIC);
  }
  if (h->version != G4_TEXT_VERSION) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_FAILED_PRECONDITION,
                            "text section: version expected %u, found %u "
                            "(recompile the model with this g4c)",
                            G4_TEXT_VERSION, h->version);
  }
  if (h->header_bytes != sizeof(g4_text_header_t)) {
    return corrupt("header_bytes", "96", h->header_bytes);
  }
  if (h->tokenizer_offset % 8 != 0 || h->tokenizer_offset < h->header_bytes ||
      h->tokenizer_offset > bytes) {
    return corrupt("tokenizer_offset",
                   "a multiple of 8 between the header and the section end",
                   h->tokenizer_offset);
  }
  if (h->tokenizer_bytes == 0 ||
      h->tokenizer_bytes > bytes - h->tokenizer_offset) {
    return corrupt("tokenizer_bytes",
                   "non-zero and within the section (after tokenizer_offset)",
                   h->tokenizer_bytes);
  }
  /* NaN fails every comparison below. */
  if (!(h->temperature >= 0.0f && h->temperature <= 1e30f)) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "text section: temperature expected a finite "
                            "value >= 0, found %f",
                            (double)h->temperature);
  }
  if (!(h->top_p > 0.0f && h->top_p <= 1.0f)) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "text section: top_p expected a value in (0, 1], "
                            "found %f",
                            (double)h->top_p);
  }
  if (h->top_k < 0) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "text section: top_k expected >= 0, found %d",
                            (int)h->top_k);
  }
  if ((h->flags & ~(uint32_t)KNOWN_FLAGS) != 0) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "text section: flags 0x%x has unknown bits",
                            h->flags);
  }
  if (h->num_stop_ids < 1 || h->num_stop_ids > G4_TEXT_MAX_STOP_IDS) {
    return corrupt("num_stop_ids", "1 .. 8", h->num_stop_ids);
  }
  for (uint32_t i = 0; i < h->num_stop_ids; ++i) {
    if (h->stop_ids[i] < 0 || h->stop_ids[i] >= vocab_size) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                              "text section: stop_ids[%u] = %d is outside the "
                              "vocabulary [0, %lld)",
                              i, (int)h->stop_ids[i], (long long)vocab_size);
    }
  }
  g4rt_tokenizer_t tokenizer;
  G4RT_RETURN_IF_ERROR(
      g4rt_tokenizer_load((const uint8_t *)section + h->tokenizer_offset,
                          (size_t)h->tokenizer_bytes, &tokenizer));
  if ((int64_t)g4rt_tokenizer_token_count(&tokenizer) > vocab_size) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "text section: the tokenizer has %u ids, more "
                            "than the model's vocabulary of %lld",
                            g4rt_tokenizer_token_count(&tokenizer),
                            (long long)vocab_size);
  }
  out_section->header = h;
  out_section->tokenizer = tokenizer;
  return g4rt_ok_status();
}

bool g4rt_text_section_is_stop(const g4rt_text_section_t *section,
                               int32_t token) {
  for (uint32_t i = 0; i < section->header->num_stop_ids; ++i) {
    if (section->header->stop_ids[i] == token) return true;
  }
  return false;
}
