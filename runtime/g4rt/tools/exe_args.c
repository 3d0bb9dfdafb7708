/* exe_args.c - Command-line parsing for exe_main.c (see exe_args.h). */
#include "runtime/g4rt/tools/exe_args.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/g4rt/platform/posix/thread_pool.h"
#include "runtime/g4rt/tools/cli_parse.h"

static g4rt_status_t malformed(const char *flag, const char *text,
                               const char *expected) {
  return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                          "%s: malformed value '%s' (expected %s)", flag, text,
                          expected);
}

static g4rt_status_t parse_int(const char *flag, const char *text,
                               long long min, long long max, int64_t *out) {
  long long value;
  if (!g4rt_cli_parse_whole_int(text, &value))
    return malformed(flag, text, "an integer");
  if (value < min || value > max) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "%s: %lld is out of range [%lld, %lld]", flag,
                            value, min, max);
  }
  *out = value;
  return g4rt_ok_status();
}

static g4rt_status_t parse_u64(const char *flag, const char *text,
                               uint64_t *out) {
  /* strtoull would accept and wrap "-1". */
  if (!isdigit((unsigned char)*text)) {
    return malformed(flag, text, "an unsigned integer");
  }
  char *end = NULL;
  errno = 0;
  unsigned long long value = strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0') {
    return malformed(flag, text, "an unsigned 64-bit integer");
  }
  *out = value;
  return g4rt_ok_status();
}

static g4rt_status_t parse_real(const char *flag, const char *text,
                                double *out) {
  if (*text == '\0' || isspace((unsigned char)*text)) {
    return malformed(flag, text, "a number");
  }
  char *end = NULL;
  errno = 0;
  double value = strtod(text, &end);
  if (errno != 0 || *end != '\0' || !isfinite(value)) {
    return malformed(flag, text, "a finite number");
  }
  *out = value;
  return g4rt_ok_status();
}

g4rt_status_t g4rt_exe_parse_tokens(const char *text, int32_t *out_tokens,
                                    int64_t capacity, int64_t *out_count) {
  *out_count = 0;
  int64_t count = 0;
  const char *cursor = g4rt_cli_list_begin(text);
  if (cursor == NULL)
    return g4rt_ok_status(); /* empty prompt: the caller reports it */
  char item[32];
  int next;
  while ((next = g4rt_cli_list_next(&cursor, item, sizeof(item))) > 0) {
    long long value;
    if (!g4rt_cli_parse_whole_int(item, &value)) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                              "--tokens: malformed token id '%s'", item);
    }
    if (value < 0 || value > INT32_MAX) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                              "--tokens: token id %lld is out of range (ids "
                              "are >= 0)",
                              value);
    }
    if (count < capacity) out_tokens[count] = (int32_t)value;
    ++count;
  }
  if (next < 0) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "--tokens: malformed list '%s' (expected "
                            "comma-separated integers such as 2,17,5)",
                            text);
  }
  *out_count = count;
  return g4rt_ok_status();
}

/* Splits "--flag=value" / "--flag value": |*value| is the value text or NULL.
 */
typedef struct flag_t {
  const char *name; /* "--top-k" */
  size_t name_length;
  const char *value; /* inline "=value" text, or NULL */
} flag_t;

static flag_t split_flag(const char *arg) {
  flag_t flag;
  const char *equals = strchr(arg, '=');
  flag.name = arg;
  flag.name_length = equals ? (size_t)(equals - arg) : strlen(arg);
  flag.value = equals ? equals + 1 : NULL;
  return flag;
}

static bool is_flag(const flag_t *flag, const char *name) {
  return strlen(name) == flag->name_length &&
         strncmp(flag->name, name, flag->name_length) == 0;
}

static void initialize_args(g4rt_exe_args_t *args) {
  memset(args, 0, sizeof(*args));
  args->max_new_tokens = 32;
  args->threads = 0; /* the pool's default, resolved by main */
  g4rt_sampler_options_initialize(&args->sampler);
}

/* Handles one flag that takes a value. */
static g4rt_status_t apply_value_flag(const char *name, const char *value,
                                      g4rt_exe_args_t *args) {
  int64_t integer = 0;
  if (strcmp(name, "--tokens") == 0) {
    args->tokens = value;
  } else if (strcmp(name, "--prompt") == 0) {
    args->prompt = value;
  } else if (strcmp(name, "--system") == 0) {
    args->system = value;
  } else if (strcmp(name, "--max-new-tokens") == 0) {
    G4RT_RETURN_IF_ERROR(
        parse_int(name, value, 0, INT32_MAX, &args->max_new_tokens));
    args->max_new_tokens_set = true;
  } else if (strcmp(name, "--temperature") == 0) {
    args->temperature_set = true;
    G4RT_RETURN_IF_ERROR(parse_real(name, value, &args->sampler.temperature));
    if (args->sampler.temperature < 0) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                              "--temperature: %s must be >= 0", value);
    }
  } else if (strcmp(name, "--top-k") == 0) {
    G4RT_RETURN_IF_ERROR(parse_int(name, value, 0, INT32_MAX, &integer));
    args->sampler.top_k = (int32_t)integer;
    args->top_k_set = true;
  } else if (strcmp(name, "--top-p") == 0) {
    args->top_p_set = true;
    G4RT_RETURN_IF_ERROR(parse_real(name, value, &args->sampler.top_p));
    if (!(args->sampler.top_p > 0.0 && args->sampler.top_p <= 1.0)) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                              "--top-p: %s must be in (0, 1]", value);
    }
  } else if (strcmp(name, "--seed") == 0) {
    G4RT_RETURN_IF_ERROR(parse_u64(name, value, &args->sampler.seed));
  } else if (strcmp(name, "--dump-logits") == 0) {
    args->dump_logits_path = value;
  } else if (strcmp(name, "--prefill-chunk") == 0) {
    G4RT_RETURN_IF_ERROR(
        parse_int(name, value, 1, INT64_MAX, &args->prefill_chunk));
  } else if (strcmp(name, "--threads") == 0) {
    G4RT_RETURN_IF_ERROR(parse_int(name, value, 1,
                                   G4RT_THREAD_POOL_MAX_THREADS,
                                   &args->threads));
  } else if (strcmp(name, "--max-context") == 0) {
    G4RT_RETURN_IF_ERROR(
        parse_int(name, value, 1, INT64_MAX, &args->max_context));
  } else if (strcmp(name, "--weights") == 0) {
    args->weights_path = value;
  } else {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "unknown flag '%s' (see --help)", name);
  }
  return g4rt_ok_status();
}

static const char *const kValueFlags[] = {
    "--tokens",      "--prompt",        "--system",  "--max-new-tokens",
    "--temperature", "--top-k",         "--top-p",   "--seed",
    "--dump-logits", "--prefill-chunk", "--threads", "--max-context",
    "--weights"};

/* Flags without a value. */
static const char *const kSwitches[] = {"--help", "--greedy", "--chat",
                                        "--think", "--verbose", "--mmap"};

g4rt_status_t g4rt_exe_args_parse(int argc, char **argv,
                                  g4rt_exe_args_t *out_args) {
  initialize_args(out_args);
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (strncmp(arg, "--", 2) != 0) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                              "unexpected argument '%s' (see --help)", arg);
    }
    flag_t flag = split_flag(arg);
    const char *switch_name = NULL;
    for (size_t f = 0; f < sizeof(kSwitches) / sizeof(kSwitches[0]); ++f) {
      if (is_flag(&flag, kSwitches[f])) switch_name = kSwitches[f];
    }
    if (switch_name != NULL) {
      if (flag.value != NULL) {
        return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                                "%s takes no value", switch_name);
      }
      if (strcmp(switch_name, "--help") == 0) {
        out_args->help = true; /* help wins over whatever follows */
        return g4rt_ok_status();
      }
      if (strcmp(switch_name, "--greedy") == 0) out_args->sampler.greedy = true;
      if (strcmp(switch_name, "--chat") == 0) out_args->chat = true;
      if (strcmp(switch_name, "--think") == 0) out_args->think = true;
      if (strcmp(switch_name, "--verbose") == 0) out_args->verbose = true;
      if (strcmp(switch_name, "--mmap") == 0) out_args->mmap_weights = true;
      continue;
    }
    const char *name = NULL;
    for (size_t f = 0; f < sizeof(kValueFlags) / sizeof(kValueFlags[0]); ++f) {
      if (is_flag(&flag, kValueFlags[f])) name = kValueFlags[f];
    }
    if (name == NULL) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                              "unknown flag '%s' (see --help)", arg);
    }
    const char *value = flag.value;
    if (value == NULL) {
      if (i + 1 >= argc) {
        return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                                "%s needs a value", name);
      }
      value = argv[++i];
    }
    G4RT_RETURN_IF_ERROR(apply_value_flag(name, value, out_args));
  }
  return g4rt_ok_status();
}
