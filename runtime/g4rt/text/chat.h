/* chat.h - Gemma 4's chat template (shared/docs/gemma4-architecture.md §7):
 * a conversation rendered as the text the model was trained on, which the
 * tokenizer then encodes (its turn markers are added tokens, so they become
 * their ids).
 *
 *   <bos><|turn>system\n[<|think|>\n]{system}<turn|>\n
 *   <|turn>user\n{text}<turn|>\n
 *   <|turn>model\n{answer}<turn|>\n
 *   ...
 *   <|turn>model\n                          (the generation prompt)
 *
 * The rules are those of the official Jinja template: the system turn appears
 * only when there is a system message or thinking is on; the thinking marker
 * opens it; message texts are trimmed of white space at both ends (Python's
 * str.strip); a model message loses its thinking (every "<|channel>...
 * <channel|>" part) before trimming; consecutive model messages share one
 * turn; the 26B/31B templates open the generation prompt with an empty thought
 * when thinking is off (empty_thought). Tools and images are not rendered.
 *
 * Memory: the text goes to a caller's buffer; nothing is allocated. Part of
 * g4rt_text, under the core's rules (no OS calls, no stdio, no malloc).
 */
#ifndef G4RT_TEXT_CHAT_H_
#define G4RT_TEXT_CHAT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/g4rt/base/status.h"
#include "runtime/g4rt/text/tokenizer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The template's markers (added tokens of a Gemma 4 tokenizer). */
#define G4RT_CHAT_BOS "<bos>"
#define G4RT_CHAT_TURN_START "<|turn>"
#define G4RT_CHAT_TURN_END "<turn|>"
#define G4RT_CHAT_THINK "<|think|>"
#define G4RT_CHAT_CHANNEL_START "<|channel>"
#define G4RT_CHAT_CHANNEL_END "<channel|>"

typedef enum g4rt_chat_role_e {
  G4RT_CHAT_ROLE_SYSTEM = 0, /* only as the first message */
  G4RT_CHAT_ROLE_USER = 1,
  G4RT_CHAT_ROLE_MODEL = 2, /* "assistant" in other APIs */
} g4rt_chat_role_t;

typedef struct g4rt_chat_message_t {
  g4rt_chat_role_t role;
  const char *text; /* UTF-8, |text_bytes| bytes, need not be NUL-terminated */
  size_t text_bytes;
} g4rt_chat_message_t;

typedef struct g4rt_chat_options_t {
  /* "<bos>" first (default true; the template emits it, so the encoder must
   * not add a second one). */
  bool add_bos;
  /* Thinking on: "<|think|>\n" opens the system turn, which is then emitted
   * even without a system message (default false). */
  bool thinking;
  /* With thinking off, "<|channel>thought\n<channel|>" after the generation
   * prompt (the 26B/31B templates; default false). */
  bool empty_thought;
  /* End with the generation prompt "<|turn>model\n" (default true). */
  bool add_generation_prompt;
  /* The text continues a conversation whose last model turn is still open
   * (its tokens are in the KV cache): it starts with "<turn|>\n" closing that
   * turn, and has no BOS and no system turn (a system message is then an
   * error). Default false. */
  bool continuation;
} g4rt_chat_options_t;

/* Fills |out_options| with the defaults. */
void g4rt_chat_options_initialize(g4rt_chat_options_t *out_options);

/* Renders |count| |messages| with |options| (NULL: the defaults) into
 * |out_text| (|capacity| bytes, not NUL-terminated; NULL when 0).
 * *out_length is the full length, also when it does not fit: then only the
 * first |capacity| bytes are written and the status is OUT_OF_RANGE (call with
 * capacity 0 to size the buffer). INVALID_ARGUMENT for a system message that
 * is not the first (or any with |continuation|), an unknown role, or NULL text
 * with a non-zero length. */
G4RT_MUST_USE g4rt_status_t g4rt_chat_render(
    const g4rt_chat_options_t *options, const g4rt_chat_message_t *messages,
    size_t count, char *out_text, size_t capacity, size_t *out_length);

/* The template's tokens in a tokenizer: -1 where it has none. */
typedef struct g4rt_chat_tokens_t {
  int32_t bos;
  int32_t turn_start;
  int32_t turn_end;
  int32_t think;
  int32_t channel_start;
  int32_t channel_end;
} g4rt_chat_tokens_t;

/* Looks the markers up in |tokenizer| (as added tokens: a marker that is only
 * a vocabulary piece would not be matched in rendered text). NOT_FOUND naming
 * the first missing one of "<bos>", "<|turn>" and "<turn|>", which chat needs;
 * the others may be missing (-1). *out_tokens is filled either way. */
G4RT_MUST_USE g4rt_status_t g4rt_chat_find_tokens(
    const g4rt_tokenizer_t *tokenizer, g4rt_chat_tokens_t *out_tokens);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_TEXT_CHAT_H_ */
