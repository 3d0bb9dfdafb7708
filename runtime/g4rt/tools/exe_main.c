/* exe_main.c - main() of every compiled model executable.
 *
 * Linked after the model object, which defines the three ABI symbols below.
 * Reads the weights appended to the executable (or --weights FILE), runs the
 * prompt, samples
 * --max-new-tokens tokens and prints their ids on one line. Errors go to stderr
 * as "error: ..." with exit code 2 for command-line mistakes and 1 for
 * everything else. The model runs on a thread pool of --threads threads
 * (default: one per available processor) injected through the session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/base/system_allocator.h"
#include "runtime/g4rt/model/session.h"
#include "runtime/g4rt/platform/posix/mapped_blob.h"
#include "runtime/g4rt/platform/posix/thread_pool.h"
#include "runtime/g4rt/sampling/sampler.h"
#include "runtime/g4rt/tools/exe_args.h"
#include "runtime/g4rt/tools/cli_parse.h"
#include "runtime/g4rt/tools/model_symbols.h"


enum { kExitOk = 0, kExitError = 1, kExitUsage = 2 };

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
  float *logits; /* chunk rows * vocab */
  void *scratch; /* sampler scratch */
  FILE *dump;
} program_t;


static int fail_status(int exit_code, const g4rt_status_t *status) {
  return g4rt_cli_fail(exit_code, "%s", status->message);
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static void print_help(const char *program, const g4_model_info_t *info) {
  const char *name = info->model_name ? info->model_name : "(unnamed)";
  printf(
      "usage: %s --tokens ID,ID,... [options]\n"
      "Runs the compiled model %s (vocab %lld, max context %lld) on a prompt "
      "of\n"
      "token ids and prints the generated ids on one line.\n"
      "\n"
      "  --tokens ID,...      the prompt as comma-separated token ids "
      "(required)\n"
      "  --max-new-tokens N   tokens to generate (default 32); stops early "
      "after\n"
      "                       the end-of-sequence id %d\n"
      "  --greedy             argmax sampling (same as --temperature 0)\n"
      "  --temperature F      softmax temperature >= 0 (default 1.0)\n"
      "  --top-k K            keep the K most likely tokens, 0 = all (default "
      "64)\n"
      "  --top-p P            nucleus probability in (0, 1], 1 = off (default "
      "0.95)\n"
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
      "  --help               this text\n"
      "\n"
      "memory: %lld weight bytes, %lld KV bytes in %lld buffers, %lld scratch "
      "bytes\n",
      base_name(program), name, (long long)info->vocab_size,
      (long long)info->max_context, (int)info->eos_token_id,
      G4RT_THREAD_POOL_MAX_THREADS, g4rt_thread_pool_default_threads(),
      (long long)info->max_context, (long long)info->weights_bytes,
      (long long)info->kv_bytes, (long long)info->num_kv_buffers,
      (long long)info->scratch_bytes);
}

/* Parses --tokens and checks the prompt against the vocabulary and the context.
 */
static int check_prompt(program_t *p) {
  const g4rt_exe_args_t *args = &p->args;
  if (args->tokens == NULL) {
    return g4rt_cli_fail(kExitUsage, "--tokens is required (the prompt as token ids)");
  }
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
      return g4rt_cli_fail(kExitUsage,
                  "token id %d (position %lld of --tokens) is out of range: "
                  "the vocab has %lld ids (0..%lld)",
                  (int)p->prompt[i], (long long)i,
                  (long long)p->info->vocab_size,
                  (long long)p->info->vocab_size - 1);
    }
  }
  p->context = p->info->max_context;
  if (args->max_context > p->info->max_context) {
    return g4rt_cli_fail(kExitUsage,
                "--max-context %lld exceeds the compiled max context %lld",
                (long long)args->max_context, (long long)p->info->max_context);
  }
  if (args->max_context > 0) p->context = args->max_context;
  if (count > p->context - args->max_new_tokens) {
    return g4rt_cli_fail(kExitUsage,
                "the prompt (%lld tokens) + --max-new-tokens (%lld) = %lld "
                "exceeds the context of %lld positions",
                (long long)count, (long long)args->max_new_tokens,
                (long long)(count + args->max_new_tokens),
                (long long)p->context);
  }
  return kExitOk;
}

/* Maps the weights, starts the thread pool and creates the session. */
static int open_session(program_t *p) {
  g4rt_status_t status =
      p->args.weights_path ? g4rt_posix_map_file(p->args.weights_path, &p->blob)
                           : g4rt_posix_map_self_blob(&p->blob);
  if (!g4rt_status_is_ok(&status)) {
    return g4rt_cli_fail(kExitError, "cannot load the weights: %s", status.message);
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
    return g4rt_cli_fail(kExitError, "weights from %s do not fit the model: %s", source,
                status.message);
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

/* Runs the prompt (in chunks) and leaves the last row's logits in p->logits.
 * Returns the offset of that row. */
static int run_prompt(program_t *p, size_t *out_last_row) {
  int64_t vocab = p->info->vocab_size;
  int64_t chunk = p->args.prefill_chunk;
  if (chunk == 0 || chunk > p->prompt_length) chunk = p->prompt_length;
  if ((uint64_t)chunk > SIZE_MAX / sizeof(float) / (uint64_t)vocab) {
    return g4rt_cli_fail(kExitError, "a %lld-token chunk of logits does not fit memory",
                (long long)chunk);
  }
  p->logits = (float *)malloc((size_t)chunk * (size_t)vocab * sizeof(float));
  if (p->logits == NULL)
    return g4rt_cli_fail(kExitError, "out of memory for the logits");

  int64_t rows = 0;
  for (int64_t start = 0; start < p->prompt_length; start += rows) {
    rows = p->prompt_length - start < chunk ? p->prompt_length - start : chunk;
    /* Chunks of one token go through decode: that is how tests prove the two
     * functions agree. */
    g4rt_status_t status =
        p->args.prefill_chunk == 1
            ? g4rt_session_decode(p->session, p->prompt[start], p->logits)
            : g4rt_session_prefill(p->session, p->prompt + start, rows,
                                   p->logits);
    if (!g4rt_status_is_ok(&status)) return fail_status(kExitError, &status);
    if (p->dump) {
      int rc = write_logits(p, p->logits, (size_t)rows * (size_t)vocab);
      if (rc != kExitOk) return rc;
    }
  }
  *out_last_row = (size_t)(rows - 1) * (size_t)vocab;
  return kExitOk;
}

/* Samples up to --max-new-tokens ids, printing each, stopping after eos. */
static int generate(program_t *p, size_t last_row) {
  int64_t vocab = p->info->vocab_size;
  g4rt_sampler_t sampler;
  g4rt_status_t status = g4rt_sampler_initialize(&p->args.sampler, &sampler);
  if (!g4rt_status_is_ok(&status)) return fail_status(kExitUsage, &status);
  size_t scratch_bytes = g4rt_sampler_scratch_bytes(vocab);
  p->scratch = malloc(scratch_bytes);
  if (p->scratch == NULL) return g4rt_cli_fail(kExitError, "out of memory for sampling");

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

static int run(program_t *p, int argc, char **argv) {
  g4rt_status_t status = g4rt_exe_args_parse(argc, argv, &p->args);
  if (!g4rt_status_is_ok(&status)) return fail_status(kExitUsage, &status);
  /* A model object from an incompatible compiler must not be trusted further.
   */
  status = g4rt_model_info_validate(p->info);
  if (!g4rt_status_is_ok(&status)) return fail_status(kExitError, &status);
  if (p->args.help) {
    print_help(argc > 0 ? argv[0] : "g4-model", p->info);
    return kExitOk;
  }
  int rc = check_prompt(p);
  if (rc != kExitOk) return rc;
  if (p->args.dump_logits_path) {
    p->dump = fopen(p->args.dump_logits_path, "wb");
    if (p->dump == NULL) {
      return g4rt_cli_fail(kExitError, "cannot open --dump-logits file '%s' for writing",
                  p->args.dump_logits_path);
    }
  }
  rc = open_session(p);
  if (rc != kExitOk) return rc;
  size_t last_row = 0;
  rc = run_prompt(p, &last_row);
  if (rc != kExitOk) return rc;
  if (p->dump) {
    FILE *dump = p->dump;
    p->dump = NULL;
    if (fclose(dump) != 0) {
      return g4rt_cli_fail(kExitError, "cannot write --dump-logits file '%s'",
                  p->args.dump_logits_path);
    }
  }
  return generate(p, last_row);
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
  free(program.prompt);
  return rc;
}
