/* exe_main.c - main() of every compiled model executable.
 *
 * Linked after the model object, which defines the three ABI symbols below.
 * Reads the weights appended to the executable (or --weights FILE) and runs one
 * of three modes (docs/user-guide.md §4):
 *   --tokens IDS   the prompt as ids; samples --max-new-tokens tokens and
 * prints their ids on one line;
 *   --prompt TEXT  raw text, encoded with the executable's tokenizer (its text
 *                  section, model_abi.h); prints the generated text as it
 * comes;
 *   --chat         a conversation read from stdin, one user turn per line, in
 *                  Gemma 4's chat template (text/chat.h), the KV cache kept
 *                  across turns.
 * Errors go to stderr as "error: ..." with exit code 2 for command-line
 * mistakes and 1 for everything else. The model runs on a thread pool of
 * --threads threads (default: one per available processor) injected through
 * the session.
 */
#define _POSIX_C_SOURCE 200809L /* getline, isatty, clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/base/arena.h"
#include "runtime/g4rt/base/system_allocator.h"
#include "runtime/g4rt/model/session.h"
#include "runtime/g4rt/platform/posix/mapped_blob.h"
#include "runtime/g4rt/platform/posix/thread_pool.h"
#include "runtime/g4rt/sampling/sampler.h"
#include "runtime/g4rt/text/chat.h"
#include "runtime/g4rt/text/text_section.h"
#include "runtime/g4rt/text/tokenizer.h"
#include "runtime/g4rt/tools/cli_parse.h"
#include "runtime/g4rt/tools/exe_args.h"
#include "runtime/g4rt/tools/model_symbols.h"

enum { kExitOk = 0, kExitError = 1, kExitUsage = 2 };

/* --max-new-tokens when not given: --tokens, and each answer of the text
 * modes (which also stop at a stop id or the end of the context). */
enum { kDefaultNewTokens = 32, kDefaultNewTextTokens = 512 };

/* Everything main() acquires, released in one place. */
typedef struct program_t {
  const g4_model_info_t *info;
  g4rt_exe_args_t args;
  int32_t *prompt;
  int64_t prompt_length;
  int64_t context;
  g4rt_mapped_blob_t blob;
  g4rt_thread_pool_t *pool;
  g4_parallel_t parallel; /* borrows pool; the session borrows this */
  g4rt_session_t *session;
  float *logits; /* logits_rows * vocab */
  int64_t logits_rows;
  void *scratch; /* sampler scratch */
  FILE *dump;

  /* Text modes. */
  g4rt_mapped_blob_t text_blob; /* the text section, mapped */
  g4rt_text_section_t text;
  g4rt_sampler_t sampler;
  void *encode_memory; /* the encoder's arena */
  size_t encode_bytes;
  char *rendered; /* a chat turn's text */
  size_t rendered_capacity;
  char *piece; /* one token's text */
  size_t piece_capacity;
  char *line; /* getline's buffer */
  size_t line_capacity;
} program_t;

static int fail_status(int exit_code, const g4rt_status_t *status) {
  return g4rt_cli_fail(exit_code, "%s", status->message);
}

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Maps and validates the executable's text section. *out_found is false (and
 * the status OK) when the executable has none, or, with --weights FILE, no
 * usable trailer. */
static g4rt_status_t load_text(program_t *p, bool *out_found) {
  *out_found = false;
  g4rt_status_t status = g4rt_posix_map_self_text(&p->text_blob);
  /* With --weights FILE the program need not carry a trailer at all. */
  if (!g4rt_status_is_ok(&status) && p->args.weights_path != NULL)
    return g4rt_ok_status();
  G4RT_RETURN_IF_ERROR(status);
  if (p->text_blob.blob_bytes == 0) return g4rt_ok_status();
  G4RT_RETURN_IF_ERROR(g4rt_text_section_load(p->text_blob.blob,
                                              p->text_blob.blob_bytes,
                                              p->info->vocab_size, &p->text));
  *out_found = true;
  return g4rt_ok_status();
}

/* The --help line about the text section. */
static void print_text_help(program_t *p) {
  bool found = false;
  g4rt_status_t status = load_text(p, &found);
  if (!g4rt_status_is_ok(&status)) {
    printf("text: unusable (%s)\n", status.message);
    return;
  }
  if (!found) {
    printf(
        "text: no tokenizer (compiled without tokenizer.json): --tokens "
        "only\n");
    return;
  }
  const g4_text_header_t *h = p->text.header;
  printf("text: tokenizer of %u ids; defaults %s: ",
         g4rt_tokenizer_token_count(&p->text.tokenizer),
         h->flags & G4_TEXT_FLAG_GENERATION_CONFIG
             ? "from generation_config.json"
             : "built in");
  if (h->flags & G4_TEXT_FLAG_GREEDY) {
    printf("greedy");
  } else {
    printf("temperature %g, top-k %d, top-p %g", (double)h->temperature,
           (int)h->top_k, (double)h->top_p);
  }
  printf("; stops at id");
  for (uint32_t i = 0; i < h->num_stop_ids; ++i) {
    printf("%s %d", i ? "," : "", (int)h->stop_ids[i]);
  }
  printf("\n");
}

static void print_help(program_t *p, const char *program) {
  const g4_model_info_t *info = p->info;
  const char *name = info->model_name ? info->model_name : "(unnamed)";
  const char *exe = base_name(program);
  printf(
      "usage: %s --tokens ID,ID,... [options]\n"
      "       %s --prompt TEXT [options]\n"
      "       %s --chat [--system TEXT] [--think] [options]\n"
      "Runs the compiled model %s (vocab %lld, max context %lld). With "
      "--tokens it\n"
      "prints the generated ids on one line; with --prompt and --chat (which "
      "need the\n"
      "tokenizer of the checkpoint, embedded at compile time) it prints the "
      "generated\n"
      "text as it comes.\n"
      "\n"
      "  --tokens ID,...      the prompt as comma-separated token ids\n"
      "  --prompt TEXT        the prompt as raw text (BOS added, no chat "
      "template)\n"
      "  --chat               a conversation: each line of stdin is a user "
      "turn, put\n"
      "                       in Gemma 4's chat template; the KV cache is "
      "kept across\n"
      "                       turns\n"
      "  --system TEXT        with --chat: the system turn\n"
      "  --think              with --chat: thinking on (<|think|> in the "
      "system turn)\n"
      "  --max-new-tokens N   tokens to generate (default 32 with --tokens, "
      "which stops\n"
      "                       early after the end-of-sequence id %d; default "
      "%d per\n"
      "                       answer with text, which stops at a stop id or "
      "the end of\n"
      "                       the context)\n"
      "  --greedy             argmax sampling (same as --temperature 0)\n"
      "  --temperature F      softmax temperature >= 0 (default 1.0)\n"
      "  --top-k K            keep the K most likely tokens, 0 = all (default "
      "64)\n"
      "  --top-p P            nucleus probability in (0, 1], 1 = off (default "
      "0.95)\n"
      "                       (text modes default to the checkpoint's "
      "generation_config.json)\n"
      "  --seed S             sampling seed (default 0)\n"
      "  --dump-logits FILE   write the prompt's logits as little-endian "
      "float32,\n"
      "                       row-major [prompt length, vocab]\n"
      "  --prefill-chunk N    feed the prompt N tokens per call (default: all "
      "at\n"
      "                       once); 1 runs it through the decode function\n"
      "  --threads N          run the model on N threads, 1 <= N <= %d "
      "(default:\n"
      "                       one per available processor, %d here); the "
      "output\n"
      "                       does not depend on N\n"
      "  --max-context N      use at most N positions (<= %lld)\n"
      "  --weights FILE       load the weight blob from FILE instead of the "
      "one\n"
      "                       appended to this executable\n"
      "  --mmap               map the weights instead of reading them into huge\n"
      "                       pages: starts at once and shares the file's pages,\n"
      "                       but decode runs slower (TLB misses)\n"
      "  --verbose            token ids, positions and timings on stderr\n"
      "  --help               this text\n"
      "\n",
      exe, exe, exe, name, (long long)info->vocab_size,
      (long long)info->max_context, (int)info->eos_token_id,
      kDefaultNewTextTokens, G4RT_THREAD_POOL_MAX_THREADS,
      g4rt_thread_pool_default_threads(), (long long)info->max_context);
  print_text_help(p);
  printf(
      "memory: %lld weight bytes, %lld KV bytes in %lld buffers, %lld scratch "
      "bytes\n",
      (long long)info->weights_bytes, (long long)info->kv_bytes,
      (long long)info->num_kv_buffers, (long long)info->scratch_bytes);
}

/* --max-context against the compiled one: sets p->context. */
static int resolve_context(program_t *p) {
  p->context = p->info->max_context;
  if (p->args.max_context > p->info->max_context) {
    return g4rt_cli_fail(
        kExitUsage, "--max-context %lld exceeds the compiled max context %lld",
        (long long)p->args.max_context, (long long)p->info->max_context);
  }
  if (p->args.max_context > 0) p->context = p->args.max_context;
  return kExitOk;
}

/* The prompt (p->prompt) + --max-new-tokens must fit the context. */
static int check_prompt_fits(program_t *p) {
  int64_t count = p->prompt_length;
  if (count > p->context - p->args.max_new_tokens) {
    return g4rt_cli_fail(kExitUsage,
                         "the prompt (%lld tokens) + --max-new-tokens (%lld) = "
                         "%lld exceeds the context of %lld positions",
                         (long long)count, (long long)p->args.max_new_tokens,
                         (long long)(count + p->args.max_new_tokens),
                         (long long)p->context);
  }
  return kExitOk;
}

/* Parses --tokens and checks the prompt against the vocabulary and the context.
 */
static int check_prompt(program_t *p) {
  const g4rt_exe_args_t *args = &p->args;
  int64_t count = 0;
  g4rt_status_t status = g4rt_exe_parse_tokens(args->tokens, NULL, 0, &count);
  if (!g4rt_status_is_ok(&status)) return fail_status(kExitUsage, &status);
  if (count == 0) {
    return g4rt_cli_fail(kExitUsage, "empty prompt: --tokens has no token ids");
  }
  p->prompt = (int32_t *)malloc((size_t)count * sizeof(int32_t));
  if (p->prompt == NULL)
    return g4rt_cli_fail(kExitError, "out of memory for the prompt");
  status = g4rt_exe_parse_tokens(args->tokens, p->prompt, count, &count);
  if (!g4rt_status_is_ok(&status)) return fail_status(kExitUsage, &status);
  p->prompt_length = count;

  for (int64_t i = 0; i < count; ++i) {
    if (p->prompt[i] >= p->info->vocab_size) {
      return g4rt_cli_fail(
          kExitUsage,
          "token id %d (position %lld of --tokens) is out of range: "
          "the vocab has %lld ids (0..%lld)",
          (int)p->prompt[i], (long long)i, (long long)p->info->vocab_size,
          (long long)p->info->vocab_size - 1);
    }
  }
  int rc = resolve_context(p);
  if (rc != kExitOk) return rc;
  return check_prompt_fits(p);
}

/* Loads the weights, starts the thread pool and creates the session. */
static int open_session(program_t *p) {
  g4rt_blob_placement_t placement =
      p->args.mmap_weights ? G4RT_BLOB_MAPPED : G4RT_BLOB_HUGE_PAGES;
  g4rt_status_t status =
      p->args.weights_path
          ? g4rt_posix_map_file(p->args.weights_path, placement, &p->blob)
          : g4rt_posix_map_self_blob(placement, &p->blob);
  if (!g4rt_status_is_ok(&status)) {
    return g4rt_cli_fail(kExitError, "cannot load the weights: %s",
                         status.message);
  }
  int threads = p->args.threads > 0 ? (int)p->args.threads
                                    : g4rt_thread_pool_default_threads();
  status = g4rt_thread_pool_create(threads, g4rt_system_allocator(), &p->pool);
  if (!g4rt_status_is_ok(&status)) {
    return g4rt_cli_fail(kExitError, "cannot start %d threads: %s", threads,
                         status.message);
  }
  p->parallel = g4rt_thread_pool_parallel(p->pool);
  g4rt_session_options_t options;
  g4rt_session_options_initialize(&options);
  options.max_context = p->context;
  options.parallel = &p->parallel;
  status = g4rt_session_create(
      p->info, _mlir_ciface_g4_prefill, _mlir_ciface_g4_decode, p->blob.blob,
      p->blob.blob_bytes, g4rt_system_allocator(), &options, &p->session);
  if (!g4rt_status_is_ok(&status)) {
    const char *source =
        p->args.weights_path ? p->args.weights_path : "this executable";
    return g4rt_cli_fail(kExitError, "weights from %s do not fit the model: %s",
                         source, status.message);
  }
  return kExitOk;
}

/* Writes |count| floats little-endian whatever the host byte order. */
static int write_logits(program_t *p, const float *values, size_t count) {
  const uint16_t probe = 1;
  bool little = *(const uint8_t *)&probe == 1;
  size_t written = 0;
  if (little) {
    written = fwrite(values, sizeof(float), count, p->dump);
  } else {
    for (; written < count; ++written) {
      uint8_t bytes[4], swapped[4];
      memcpy(bytes, &values[written], 4);
      for (int b = 0; b < 4; ++b) swapped[b] = bytes[3 - b];
      if (fwrite(swapped, 1, 4, p->dump) != 4) break;
    }
  }
  if (written != count) {
    return g4rt_cli_fail(kExitError, "cannot write --dump-logits file '%s'",
                         p->args.dump_logits_path);
  }
  return kExitOk;
}

/* Runs |n| >= 1 ids at the session's position (in --prefill-chunk chunks) and
 * leaves the last row's logits in p->logits at *out_last_row. Only --dump-logits
 * needs every row; otherwise the model computes the last one alone. */
static int prefill(program_t *p, const int32_t *ids, int64_t n,
                   size_t *out_last_row) {
  int64_t vocab = p->info->vocab_size;
  int64_t chunk = p->args.prefill_chunk;
  if (chunk == 0 || chunk > n) chunk = n;
  int64_t need = p->dump ? chunk : 1;
  if (need > p->logits_rows) {
    if ((uint64_t)need > SIZE_MAX / sizeof(float) / (uint64_t)vocab) {
      return g4rt_cli_fail(kExitError,
                           "a %lld-token chunk of logits does not fit memory",
                           (long long)need);
    }
    free(p->logits);
    p->logits = (float *)malloc((size_t)need * (size_t)vocab * sizeof(float));
    p->logits_rows = p->logits ? need : 0;
    if (p->logits == NULL)
      return g4rt_cli_fail(kExitError, "out of memory for the logits");
  }

  int64_t rows = 0;
  for (int64_t start = 0; start < n; start += rows) {
    rows = n - start < chunk ? n - start : chunk;
    /* Chunks of one token go through decode: that is how tests prove the two
     * functions agree. */
    g4rt_status_t status =
        p->args.prefill_chunk == 1
            ? g4rt_session_decode(p->session, ids[start], p->logits)
        : p->dump
            ? g4rt_session_prefill(p->session, ids + start, rows, p->logits)
            : g4rt_session_prefill_last(p->session, ids + start, rows,
                                        p->logits);
    if (!g4rt_status_is_ok(&status)) return fail_status(kExitError, &status);
    if (p->dump) {
      int rc = write_logits(p, p->logits, (size_t)rows * (size_t)vocab);
      if (rc != kExitOk) return rc;
    }
  }
  *out_last_row = p->dump ? (size_t)(rows - 1) * (size_t)vocab : 0;
  return kExitOk;
}

/* Runs the prompt and closes the --dump-logits file. */
static int run_prompt(program_t *p, size_t *out_last_row) {
  int rc = prefill(p, p->prompt, p->prompt_length, out_last_row);
  if (rc != kExitOk) return rc;
  if (p->dump) {
    FILE *dump = p->dump;
    p->dump = NULL;
    if (fclose(dump) != 0) {
      return g4rt_cli_fail(kExitError, "cannot write --dump-logits file '%s'",
                           p->args.dump_logits_path);
    }
  }
  return kExitOk;
}

static int allocate_sampler_scratch(program_t *p) {
  p->scratch = malloc(g4rt_sampler_scratch_bytes(p->info->vocab_size));
  if (p->scratch == NULL)
    return g4rt_cli_fail(kExitError, "out of memory for sampling");
  return kExitOk;
}

/* Samples up to --max-new-tokens ids, printing each, stopping after eos. */
static int generate(program_t *p, size_t last_row) {
  int64_t vocab = p->info->vocab_size;
  g4rt_sampler_t sampler;
  g4rt_status_t status = g4rt_sampler_initialize(&p->args.sampler, &sampler);
  if (!g4rt_status_is_ok(&status)) return fail_status(kExitUsage, &status);
  size_t scratch_bytes = g4rt_sampler_scratch_bytes(vocab);
  int rc = allocate_sampler_scratch(p);
  if (rc != kExitOk) return rc;

  const float *row = p->logits + last_row;
  for (int64_t i = 0; i < p->args.max_new_tokens; ++i) {
    int32_t token;
    status = g4rt_sampler_sample(&sampler, row, vocab, p->scratch,
                                 scratch_bytes, &token);
    if (!g4rt_status_is_ok(&status)) break;
    printf(i == 0 ? "%d" : " %d", (int)token);
    if (token == p->info->eos_token_id || i + 1 == p->args.max_new_tokens)
      break;
    status = g4rt_session_decode(p->session, token, p->logits);
    if (!g4rt_status_is_ok(&status)) break;
    row = p->logits;
  }
  printf("\n");
  fflush(stdout);
  if (!g4rt_status_is_ok(&status)) return fail_status(kExitError, &status);
  return kExitOk;
}

/* Opens the --dump-logits file, if one was asked for. */
static int open_dump(program_t *p) {
  if (p->args.dump_logits_path == NULL) return kExitOk;
  p->dump = fopen(p->args.dump_logits_path, "wb");
  if (p->dump == NULL) {
    return g4rt_cli_fail(kExitError,
                         "cannot open --dump-logits file '%s' for writing",
                         p->args.dump_logits_path);
  }
  return kExitOk;
}

static int run_tokens(program_t *p) {
  if (!p->args.max_new_tokens_set) p->args.max_new_tokens = kDefaultNewTokens;
  int rc = check_prompt(p);
  if (rc != kExitOk) return rc;
  rc = open_dump(p);
  if (rc != kExitOk) return rc;
  rc = open_session(p);
  if (rc != kExitOk) return rc;
  size_t last_row = 0;
  rc = run_prompt(p, &last_row);
  if (rc != kExitOk) return rc;
  return generate(p, last_row);
}

/*===- Text
 * ----------------------------------------------------------------===*/

static void print_ids(const char *what, const int32_t *ids, int64_t n) {
  fprintf(stderr, "%s:", what);
  for (int64_t i = 0; i < n; ++i) fprintf(stderr, " %d", (int)ids[i]);
  fprintf(stderr, "\n");
}

/* Encodes |text| into p->prompt (BOS first when |add_bos| and the tokenizer
 * has one). */
static int encode(program_t *p, const char *text, size_t bytes, bool add_bos) {
  size_t need = g4rt_tokenizer_encode_scratch_bytes(bytes);
  if (need > p->encode_bytes) {
    free(p->encode_memory);
    p->encode_memory = malloc(need);
    p->encode_bytes = p->encode_memory ? need : 0;
    if (p->encode_memory == NULL)
      return g4rt_cli_fail(kExitError, "out of memory for encoding");
  }
  size_t capacity = g4rt_tokenizer_max_ids(bytes);
  free(p->prompt);
  p->prompt = (int32_t *)malloc(capacity * sizeof(int32_t));
  if (p->prompt == NULL)
    return g4rt_cli_fail(kExitError, "out of memory for the prompt");
  g4rt_tokenizer_encode_options_t options;
  g4rt_tokenizer_encode_options_initialize(&options);
  options.add_bos = add_bos;
  g4rt_arena_t arena;
  g4rt_arena_initialize(p->encode_memory, p->encode_bytes, &arena);
  size_t count = 0;
  g4rt_status_t status =
      g4rt_tokenizer_encode(&p->text.tokenizer, text, bytes, &options, &arena,
                            p->prompt, capacity, &count);
  if (!g4rt_status_is_ok(&status)) return fail_status(kExitError, &status);
  p->prompt_length = (int64_t)count;
  return kExitOk;
}

/* Writes the text of |token| to stdout at once. An id the tokenizer has no
 * piece for (the model's vocabulary may be larger) prints nothing. */
static int print_token(program_t *p, int32_t token) {
  if (g4rt_tokenizer_token_kind(&p->text.tokenizer, token) ==
      G4RT_TOKEN_KIND_NONE) {
    return kExitOk;
  }
  size_t length = 0;
  g4rt_status_t status = g4rt_tokenizer_decode(
      &p->text.tokenizer, &token, 1, 0, p->piece, p->piece_capacity, &length);
  if (status.code == G4RT_STATUS_OUT_OF_RANGE && length > p->piece_capacity) {
    free(p->piece);
    p->piece = (char *)malloc(length);
    p->piece_capacity = p->piece ? length : 0;
    if (p->piece == NULL)
      return g4rt_cli_fail(kExitError, "out of memory for decoding");
    status = g4rt_tokenizer_decode(&p->text.tokenizer, &token, 1, 0, p->piece,
                                   p->piece_capacity, &length);
  }
  if (!g4rt_status_is_ok(&status)) return fail_status(kExitError, &status);
  fwrite(p->piece, 1, length, stdout);
  fflush(stdout);
  return kExitOk;
}

/* What one answer left behind. */
typedef struct answer_t {
  int64_t generated; /* tokens sampled, the stop id included */
  int32_t pending;   /* the last sampled token when it is not in the KV cache
                        and not a stop id (the budget ran out), else -1 */
} answer_t;

/* Samples at most |budget| tokens from the logits row at |last_row|, printing
 * the text of each one that is not a stop id and feeding each but the last
 * back. */
static int generate_text(program_t *p, size_t last_row, int64_t budget,
                         answer_t *out_answer) {
  int64_t vocab = p->info->vocab_size;
  size_t scratch_bytes = g4rt_sampler_scratch_bytes(vocab);
  out_answer->generated = 0;
  out_answer->pending = -1;
  int32_t *ids = p->args.verbose && budget > 0
                     ? (int32_t *)malloc((size_t)budget * sizeof(int32_t))
                     : NULL;
  double started = now_seconds();
  const float *row = p->logits + last_row;
  int rc = kExitOk;
  for (int64_t i = 0; i < budget; ++i) {
    int32_t token;
    g4rt_status_t status = g4rt_sampler_sample(
        &p->sampler, row, vocab, p->scratch, scratch_bytes, &token);
    if (!g4rt_status_is_ok(&status)) {
      rc = fail_status(kExitError, &status);
      break;
    }
    if (ids) ids[i] = token;
    out_answer->generated = i + 1;
    if (g4rt_text_section_is_stop(&p->text, token)) break;
    rc = print_token(p, token);
    if (rc != kExitOk) break;
    if (i + 1 == budget) {
      out_answer->pending = token;
      break;
    }
    status = g4rt_session_decode(p->session, token, p->logits);
    if (!g4rt_status_is_ok(&status)) {
      rc = fail_status(kExitError, &status);
      break;
    }
    row = p->logits;
  }
  printf("\n");
  fflush(stdout);
  if (p->args.verbose && rc == kExitOk) {
    double seconds = now_seconds() - started;
    if (ids) print_ids("generated ids", ids, out_answer->generated);
    fprintf(stderr, "generated %lld tokens in %.3f s (%.1f tokens/s)%s\n",
            (long long)out_answer->generated, seconds,
            seconds > 0 ? (double)out_answer->generated / seconds : 0.0,
            out_answer->pending >= 0 ? "; the budget ran out" : "");
  }
  free(ids);
  return rc;
}

/* Loads the text section for --prompt / --chat and sets the sampler: the
 * section's defaults, then the sampling flags given. */
static int prepare_text(program_t *p) {
  double started = now_seconds();
  bool found = false;
  g4rt_status_t status = load_text(p, &found);
  if (!g4rt_status_is_ok(&status)) {
    return g4rt_cli_fail(kExitError,
                         "cannot use this executable's tokenizer: %s",
                         status.message);
  }
  const char *mode = p->args.chat ? "--chat" : "--prompt";
  if (!found) {
    return g4rt_cli_fail(kExitUsage,
                         "%s needs a tokenizer, and this executable has none "
                         "(its checkpoint had no tokenizer.json): it takes "
                         "--tokens only",
                         mode);
  }
  if (p->args.verbose) {
    fprintf(stderr,
            "tokenizer: %u ids, %zu-byte text section, loaded in %.3f ms\n",
            g4rt_tokenizer_token_count(&p->text.tokenizer),
            p->text_blob.blob_bytes, (now_seconds() - started) * 1e3);
  }
  const g4_text_header_t *h = p->text.header;
  g4rt_sampler_options_t options;
  g4rt_sampler_options_initialize(&options);
  options.temperature = h->temperature;
  options.top_k = h->top_k;
  options.top_p = h->top_p;
  options.greedy = (h->flags & G4_TEXT_FLAG_GREEDY) != 0;
  const g4rt_exe_args_t *args = &p->args;
  if (args->temperature_set || args->top_k_set || args->top_p_set)
    options.greedy = false; /* sampling asked for */
  if (args->temperature_set) options.temperature = args->sampler.temperature;
  if (args->top_k_set) options.top_k = args->sampler.top_k;
  if (args->top_p_set) options.top_p = args->sampler.top_p;
  if (args->sampler.greedy) options.greedy = true;
  options.seed = args->sampler.seed;
  status = g4rt_sampler_initialize(&options, &p->sampler);
  if (!g4rt_status_is_ok(&status)) return fail_status(kExitUsage, &status);
  return allocate_sampler_scratch(p);
}

static int run_prompt_text(program_t *p) {
  int rc = prepare_text(p);
  if (rc != kExitOk) return rc;
  const char *text = p->args.prompt;
  if (*text == '\0') {
    return g4rt_cli_fail(kExitUsage, "empty prompt: --prompt has no text");
  }
  rc = encode(p, text, strlen(text),
              g4rt_tokenizer_bos_id(&p->text.tokenizer) >= 0);
  if (rc != kExitOk) return rc;
  if (p->prompt_length == 0) {
    return g4rt_cli_fail(kExitUsage, "empty prompt: --prompt has no text");
  }
  rc = resolve_context(p);
  if (rc != kExitOk) return rc;
  if (!p->args.max_new_tokens_set) {
    /* Up to the end of the context. */
    int64_t room = p->context - p->prompt_length;
    p->args.max_new_tokens = room < kDefaultNewTextTokens
                                 ? (room > 0 ? room : 0)
                                 : kDefaultNewTextTokens;
  }
  rc = check_prompt_fits(p);
  if (rc != kExitOk) return rc;
  if (p->args.verbose) print_ids("prompt ids", p->prompt, p->prompt_length);
  rc = open_dump(p);
  if (rc != kExitOk) return rc;
  rc = open_session(p);
  if (rc != kExitOk) return rc;
  size_t last_row = 0;
  double started = now_seconds();
  rc = run_prompt(p, &last_row);
  if (rc != kExitOk) return rc;
  if (p->args.verbose) {
    fprintf(stderr, "prompt: %lld tokens in %.3f s\n",
            (long long)p->prompt_length, now_seconds() - started);
  }
  answer_t answer;
  return generate_text(p, last_row, p->args.max_new_tokens, &answer);
}

/* Renders one chat turn's text into p->rendered; *out_length its bytes. */
static int render_turn(program_t *p, const g4rt_chat_options_t *options,
                       const g4rt_chat_message_t *messages, size_t count,
                       size_t *out_length) {
  g4rt_status_t status = g4rt_chat_render(options, messages, count, p->rendered,
                                          p->rendered_capacity, out_length);
  if (status.code == G4RT_STATUS_OUT_OF_RANGE &&
      *out_length > p->rendered_capacity) {
    free(p->rendered);
    p->rendered = (char *)malloc(*out_length);
    p->rendered_capacity = p->rendered ? *out_length : 0;
    if (p->rendered == NULL)
      return g4rt_cli_fail(kExitError, "out of memory for the chat text");
    status = g4rt_chat_render(options, messages, count, p->rendered,
                              p->rendered_capacity, out_length);
  }
  if (!g4rt_status_is_ok(&status)) return fail_status(kExitError, &status);
  return kExitOk;
}

/* Strips the line end (and a carriage return before it). */
static size_t line_length(const char *line, ssize_t got) {
  size_t n = (size_t)got;
  if (n > 0 && line[n - 1] == '\n') --n;
  if (n > 0 && line[n - 1] == '\r') --n;
  return n;
}

static bool is_blank(const char *text, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') return false;
  }
  return true;
}

static int run_chat(program_t *p) {
  int rc = prepare_text(p);
  if (rc != kExitOk) return rc;
  g4rt_chat_tokens_t markers;
  g4rt_status_t status = g4rt_chat_find_tokens(&p->text.tokenizer, &markers);
  if (!g4rt_status_is_ok(&status)) {
    return g4rt_cli_fail(kExitUsage,
                         "--chat cannot use this executable's "
                         "tokenizer: %s",
                         status.message);
  }
  rc = resolve_context(p);
  if (rc != kExitOk) return rc;
  rc = open_session(p);
  if (rc != kExitOk) return rc;
  const int64_t budget_limit = p->args.max_new_tokens_set
                                   ? p->args.max_new_tokens
                                   : kDefaultNewTextTokens;
  bool interactive = isatty(STDIN_FILENO) == 1;
  g4rt_chat_options_t options;
  g4rt_chat_options_initialize(&options);
  options.thinking = p->args.think;
  options.empty_thought =
      (p->text.header->flags & G4_TEXT_FLAG_EMPTY_THOUGHT) != 0;
  int32_t pending = -1; /* the last answer's token not yet in the KV cache */
  for (int turn = 1;; ++turn) {
    if (interactive) {
      fputs("> ", stderr);
      fflush(stderr);
    }
    ssize_t got = getline(&p->line, &p->line_capacity, stdin);
    if (got < 0) break; /* end of input */
    size_t n = line_length(p->line, got);
    if (is_blank(p->line, n)) {
      --turn;
      continue;
    }
    g4rt_chat_message_t messages[2];
    size_t count = 0;
    bool first = g4rt_session_position(p->session) == 0;
    if (first && p->args.system) {
      messages[count++] = (g4rt_chat_message_t){
          G4RT_CHAT_ROLE_SYSTEM, p->args.system, strlen(p->args.system)};
    }
    messages[count++] = (g4rt_chat_message_t){G4RT_CHAT_ROLE_USER, p->line, n};
    options.continuation = !first;
    size_t length = 0;
    rc = render_turn(p, &options, messages, count, &length);
    if (rc != kExitOk) return rc;
    rc = encode(p, p->rendered, length, false);
    if (rc != kExitOk) return rc;
    int32_t *ids = p->prompt;
    int64_t n_ids = p->prompt_length;
    if (pending >= 0) { /* the previous answer's last token goes first */
      int32_t *with = (int32_t *)malloc((size_t)(n_ids + 1) * sizeof(int32_t));
      if (with == NULL) return g4rt_cli_fail(kExitError, "out of memory");
      with[0] = pending;
      memcpy(with + 1, ids, (size_t)n_ids * sizeof(int32_t));
      free(p->prompt);
      p->prompt = ids = with;
      p->prompt_length = ++n_ids;
    }
    int64_t position = g4rt_session_position(p->session);
    if (position + n_ids > p->context) {
      return g4rt_cli_fail(kExitError,
                           "turn %d: the conversation (%lld positions) + this "
                           "turn (%lld tokens) exceeds the context of %lld "
                           "positions",
                           turn, (long long)position, (long long)n_ids,
                           (long long)p->context);
    }
    if (p->args.verbose) {
      char what[96];
      snprintf(what, sizeof(what), "turn %d: %lld tokens at position %lld",
               turn, (long long)n_ids, (long long)position);
      print_ids(what, ids, n_ids);
    }
    size_t last_row = 0;
    rc = prefill(p, ids, n_ids, &last_row);
    if (rc != kExitOk) return rc;
    /* Generating k tokens feeds k - 1 of them. */
    int64_t room = p->context - g4rt_session_position(p->session) + 1;
    int64_t budget = budget_limit < room ? budget_limit : room;
    answer_t answer;
    rc = generate_text(p, last_row, budget, &answer);
    if (rc != kExitOk) return rc;
    pending = answer.pending;
  }
  return kExitOk;
}

static int run(program_t *p, int argc, char **argv) {
  g4rt_status_t status = g4rt_exe_args_parse(argc, argv, &p->args);
  if (!g4rt_status_is_ok(&status)) return fail_status(kExitUsage, &status);
  /* A model object from an incompatible compiler must not be trusted further.
   */
  status = g4rt_model_info_validate(p->info);
  if (!g4rt_status_is_ok(&status)) return fail_status(kExitError, &status);
  const g4rt_exe_args_t *args = &p->args;
  if (args->help) {
    print_help(p, argc > 0 ? argv[0] : "g4-model");
    return kExitOk;
  }
  int modes = (args->tokens != NULL) + (args->prompt != NULL) + args->chat;
  if (modes > 1) {
    return g4rt_cli_fail(kExitUsage,
                         "--tokens, --prompt and --chat exclude each other");
  }
  if (args->system && !args->chat)
    return g4rt_cli_fail(kExitUsage, "--system needs --chat");
  if (args->think && !args->chat)
    return g4rt_cli_fail(kExitUsage, "--think needs --chat");
  if (args->chat && args->dump_logits_path) {
    return g4rt_cli_fail(kExitUsage, "--dump-logits does not apply to --chat");
  }
  if (args->prompt) return run_prompt_text(p);
  if (args->chat) return run_chat(p);
  if (args->tokens) return run_tokens(p);
  return g4rt_cli_fail(kExitUsage,
                       "--tokens is required (the prompt as token ids; or "
                       "--prompt TEXT or --chat when the executable has a "
                       "tokenizer)");
}

int main(int argc, char **argv) {
  program_t program;
  memset(&program, 0, sizeof(program));
  program.info = &g4_model_info;
  int rc = run(&program, argc, argv);
  if (program.dump) fclose(program.dump);
  free(program.scratch);
  free(program.logits);
  g4rt_session_destroy(program.session);
  g4rt_thread_pool_destroy(program.pool); /* after the session borrowing it */
  g4rt_posix_unmap(&program.blob);
  g4rt_posix_unmap(&program.text_blob);
  free(program.prompt);
  free(program.encode_memory);
  free(program.rendered);
  free(program.piece);
  free(program.line);
  return rc;
}
