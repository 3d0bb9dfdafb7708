/* exe_args.h - The command line of a compiled model executable (see
 * docs/runtime.md). Hosted code (uses the C library's number parsing); part of
 * g4rt_main. */
#ifndef G4RT_TOOLS_EXE_ARGS_H_
#define G4RT_TOOLS_EXE_ARGS_H_

#include <stdbool.h>
#include <stdint.h>

#include "runtime/g4rt/base/status.h"
#include "runtime/g4rt/sampling/sampler.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct g4rt_exe_args_t {
  bool help;
  const char *tokens; /* the --tokens text, NULL if absent (borrowed argv) */
  const char *prompt; /* --prompt: raw text, NULL if absent */
  bool chat;          /* --chat: user turns from stdin */
  const char *system; /* --system: the chat's system turn, NULL if absent */
  bool think;         /* --think: the chat template's thinking marker */
  bool verbose; /* --verbose: token ids, positions and timings on stderr */
  int64_t max_new_tokens; /* default 32 (--tokens) or 512 (text) when not set */
  bool max_new_tokens_set;
  g4rt_sampler_options_t sampler;
  /* Which sampling flags were given (text modes start from the executable's
   * generation defaults and apply only these). */
  bool temperature_set, top_k_set, top_p_set;
  const char *dump_logits_path; /* NULL: no dump */
  int64_t prefill_chunk;        /* 0: the whole prompt in one prefill call */
  int64_t threads; /* 0 (default): g4rt_thread_pool_default_threads() */
  int64_t max_context;          /* 0: the compiled max_context */
  const char *weights_path;     /* NULL: the blob appended to the executable */
  bool mmap_weights; /* --mmap: map the weights instead of reading them into huge
                        pages (platform/posix/mapped_blob.h) */
} g4rt_exe_args_t;

/* Parses argv[1..argc-1] ("--flag value" or "--flag=value"); the last of a
 * repeated flag wins. INVALID_ARGUMENT names the flag and the offending text.
 */
G4RT_MUST_USE g4rt_status_t g4rt_exe_args_parse(int argc, char **argv,
                                                g4rt_exe_args_t *out_args);

/* Parses the comma-separated ids of |text| into |out_tokens| (capacity
 * |capacity|); *out_count is the number of ids |text| holds even when it
 * exceeds |capacity|. */
G4RT_MUST_USE g4rt_status_t g4rt_exe_parse_tokens(const char *text,
                                                  int32_t *out_tokens,
                                                  int64_t capacity,
                                                  int64_t *out_count);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_TOOLS_EXE_ARGS_H_ */
