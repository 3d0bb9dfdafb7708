/* text_section.h - The text section of a compiled executable (model_abi.h:
 * g4_text_header_t + the packed tokenizer): validation and access.
 *
 * g4c writes the section when the checkpoint has a tokenizer.json; it holds the
 * tokenizer and the generation defaults (generation_config.json's sampling
 * values and the stop ids, resolved at compile time). Part of g4rt_text, under
 * the core's rules: loading validates the bytes in place and allocates
 * nothing.
 */
#ifndef G4RT_TEXT_TEXT_SECTION_H_
#define G4RT_TEXT_TEXT_SECTION_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/base/status.h"
#include "runtime/g4rt/text/tokenizer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A loaded text section: views of the borrowed bytes. */
typedef struct g4rt_text_section_t {
  const g4_text_header_t *header;
  g4rt_tokenizer_t tokenizer;
} g4rt_text_section_t;

/* Validates |section| (|bytes| bytes, 8-byte aligned, borrowed: it must outlive
 * |out_section|) for a model of |vocab_size| ids and loads its tokenizer
 * (g4rt_tokenizer_load). Checks the magic, version (FAILED_PRECONDITION:
 * recompile), header size, the tokenizer's offset, alignment and bounds, the
 * sampling defaults (temperature >= 0, top_p in (0, 1], top_k >= 0), the flags,
 * 1 .. G4_TEXT_MAX_STOP_IDS stop ids inside the vocabulary, then the tokenizer
 * and that it has no more ids than the model. DATA_LOSS naming the field with
 * the expected and found values ("text section: ..."); INVALID_ARGUMENT for a
 * NULL or misaligned section. */
G4RT_MUST_USE g4rt_status_t
g4rt_text_section_load(const void *section, size_t bytes, int64_t vocab_size,
                       g4rt_text_section_t *out_section);

/* Whether |token| is one of the section's stop ids. */
bool g4rt_text_section_is_stop(const g4rt_text_section_t *section,
                               int32_t token);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_TEXT_TEXT_SECTION_H_ */
