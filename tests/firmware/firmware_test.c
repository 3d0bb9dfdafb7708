/* firmware_test.c - A firmware image using a g4c --emit=staticlib library.
 *
 * Built -ffreestanding -nostdlib: the library, freestanding.c and this file are the
 * whole program. The weights are an array linked into the image (weights.S). The
 * arena comes from mmap with an inaccessible page right after it ("end" mode) or
 * right before it ("start" mode), so any access outside
 * [arena, arena + REQUIRED_BYTES) on that side kills the program; the rest of the
 * mapping and the arena itself are poisoned first, and the mapping outside the
 * arena is checked afterwards, so a write anywhere outside is caught too.
 *
 * Prints (check_firmware.py compares with the fixture's golden.json):
 *   required <bytes>
 *   argmax <id per prompt position>
 *   greedy <generated ids>
 *   errors: one line per bad call, "<code> <message>"
 *   with G4_TEST_TEXT (a text section linked in, text.S):
 *     encode <ids of G4_TEST_SENTENCE>
 *     decode <those ids decoded back>
 *     stop <NAME_is_stop of the eos id>
 *   poison ok
 *
 * MODEL (the library's NAME), MODEL_UPPER and MODEL_HEADER come from the command
 * line; prompts.h (generated from golden.json) has the prompts. */
#include <stdint.h>

#include "freestanding.h"
#include MODEL_HEADER
#include "prompts.h"

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define API(name) CAT(MODEL, CAT(_, name))
#define CONSTANT(name) CAT(MODEL_UPPER, CAT(_, name))

typedef CAT(MODEL, _t) model_t;

extern const unsigned char g4_test_weights[];
extern const unsigned char g4_test_weights_end[];
#ifdef G4_TEST_TEXT
extern const unsigned char g4_test_text[];
extern const unsigned char g4_test_text_end[];
static unsigned char encode_scratch[1 << 16] __attribute__((aligned(64)));
#endif

#define PAGE 4096u
#define POISON 0xA5

static float logits[G4_TEST_MAX_PROMPT * CONSTANT(VOCAB_SIZE)];

static void fail(const char *what, long long value) {
  g4_test_puts("FAIL ");
  g4_test_puts(what);
  g4_test_puts(" ");
  g4_test_put_int(value);
  g4_test_puts("\n");
  g4_test_exit(1);
}

static int equal(const char *a, const char *b) {
  while (*a && *a == *b)
    ++a, ++b;
  return *a == *b;
}

static void report_error(int code, const char *message) {
  g4_test_puts("error ");
  g4_test_put_int(code);
  g4_test_puts(" ");
  g4_test_puts(message);
  g4_test_puts("\n");
}

int g4_test_main(int argc, char **argv) {
  int guard_at_end = argc > 1 && equal(argv[1], "end");
  const size_t required = CONSTANT(REQUIRED_BYTES);
  if (API(required_bytes)() != required)
    fail("required_bytes", (long long)API(required_bytes)());
  g4_test_puts("required ");
  g4_test_put_int((long long)required);
  g4_test_puts("\n");
  const size_t weights_bytes = (size_t)(g4_test_weights_end - g4_test_weights);
  if (weights_bytes != CONSTANT(WEIGHTS_BYTES))
    fail("weights size", (long long)weights_bytes);

  /* guard | ... arena ... | guard, the arena against one guard. */
  size_t pages = (required + PAGE - 1) / PAGE;
  unsigned char *mapping = g4_test_map((pages + 2) * PAGE);
  if (mapping == 0)
    fail("mmap", 0);
  unsigned char *low_guard = mapping, *high_guard = mapping + (pages + 1) * PAGE;
  unsigned char *arena = guard_at_end ? high_guard - required : low_guard + PAGE;
  memset(mapping + PAGE, POISON, pages * PAGE);
  if (!g4_test_protect_none(low_guard, PAGE) || !g4_test_protect_none(high_guard, PAGE))
    fail("mprotect", 0);

  char message[256];
  model_t *model = 0;
  /* Bad calls first: each must fail with a status and a message. */
  int code = API(init)(arena, required - 64, g4_test_weights, weights_bytes, 0, message,
                       sizeof(message), &model);
  if (code == CONSTANT(OK) || model != 0)
    fail("small arena accepted", code);
  report_error(code, message);
  code = API(init)(arena, required, g4_test_weights, weights_bytes - 1, 0, message, sizeof(message),
                   &model);
  if (code == CONSTANT(OK))
    fail("truncated weights accepted", code);
  report_error(code, message);
  code = API(init)(arena + 8, required, g4_test_weights, weights_bytes, 0, message, sizeof(message),
                   &model);
  if (code == CONSTANT(OK))
    fail("misaligned arena accepted", code);
  report_error(code, message);

  code = API(init)(arena, required, g4_test_weights, weights_bytes, 0, message, sizeof(message),
                   &model);
  if (code != CONSTANT(OK)) {
    report_error(code, message);
    fail("init", code);
  }

  /* argmax of every position of the fixture's prompt, in one prefill. */
  code = API(prefill)(model, kArgmaxPrompt, G4_TEST_ARGMAX_PROMPT, logits);
  if (code != CONSTANT(OK)) {
    report_error(code, API(error)(model));
    fail("prefill", code);
  }
  g4_test_puts("argmax");
  for (int i = 0; i < G4_TEST_ARGMAX_PROMPT; ++i) {
    g4_test_puts(" ");
    g4_test_put_int(API(argmax)(logits + (long)i * CONSTANT(VOCAB_SIZE), CONSTANT(VOCAB_SIZE)));
  }
  g4_test_puts("\n");

  /* Greedy continuation: prefill the prompt asking for the last row only (the head
   * runs for it alone), then decode one token at a time. */
  API(reset)(model);
  code = API(prefill_last)(model, kGreedyPrompt, G4_TEST_GREEDY_PROMPT, logits);
  if (code != CONSTANT(OK))
    fail("greedy prefill", code);
  int32_t next = API(argmax)(logits, CONSTANT(VOCAB_SIZE));
  g4_test_puts("greedy");
  for (int i = 0; i < G4_TEST_GREEDY_COUNT; ++i) {
    g4_test_puts(" ");
    g4_test_put_int(next);
    if (i + 1 == G4_TEST_GREEDY_COUNT)
      break;
    code = API(decode)(model, next, logits);
    if (code != CONSTANT(OK))
      fail("decode", code);
    next = API(argmax)(logits, CONSTANT(VOCAB_SIZE));
  }
  g4_test_puts("\n");
  if (API(position)(model) != G4_TEST_GREEDY_PROMPT + G4_TEST_GREEDY_COUNT - 1)
    fail("position", (long long)API(position)(model));

  /* A token outside the vocabulary is a status, not a crash. */
  code = API(decode)(model, CONSTANT(VOCAB_SIZE), logits);
  if (code != CONSTANT(OUT_OF_RANGE))
    fail("bad token", code);
  report_error(code, API(error)(model));

#ifdef G4_TEST_TEXT
  {
    static const char sentence[] = G4_TEST_SENTENCE;
    const size_t length = sizeof(sentence) - 1;
    int32_t ids[256];
    size_t count = 0;
    /* Without a text section the text functions refuse. */
    code = API(encode)(model, sentence, length, encode_scratch, sizeof(encode_scratch), ids,
                       256, &count);
    if (code != CONSTANT(FAILED_PRECONDITION)) fail("encode before text_init", code);
    report_error(code, API(error)(model));
    code = API(text_init)(model, g4_test_text, (size_t)(g4_test_text_end - g4_test_text));
    if (code != CONSTANT(OK)) {
      report_error(code, API(error)(model));
      fail("text_init", code);
    }
    if (API(encode_scratch_bytes)(length) > sizeof(encode_scratch)) fail("scratch", 0);
    code = API(encode)(model, sentence, length, encode_scratch, sizeof(encode_scratch), ids,
                       256, &count);
    if (code != CONSTANT(OK)) fail("encode", code);
    g4_test_puts("encode");
    for (size_t i = 0; i < count; ++i) {
      g4_test_puts(" ");
      g4_test_put_int(ids[i]);
    }
    g4_test_puts("\ndecode ");
    char text[512];
    size_t written = 0;
    /* One id at a time, as a stream of generated tokens would be printed. */
    for (size_t i = 0; i < count; ++i) {
      size_t piece = 0;
      code = API(decode_text)(model, &ids[i], 1, text + written, sizeof(text) - written, &piece);
      if (code != CONSTANT(OK)) fail("decode_text", code);
      written += piece;
    }
    g4_test_write(text, written);
    g4_test_puts("\nstop ");
    g4_test_put_int(API(is_stop)(model, CONSTANT(EOS_TOKEN_ID)));
    g4_test_puts("\n");
  }
#endif

  /* Nothing outside the arena was written. */
  for (unsigned char *p = mapping + PAGE; p < high_guard; ++p) {
    if (p == arena)
      p += required;
    if (p < high_guard && *p != POISON)
      fail("write outside the arena at offset", p - arena);
  }
  g4_test_puts("poison ok\n");
  return 0;
}
