/* bench_main.c - main() of a compiled model's benchmark (g4rt_bench).
 *
 * Linked after the model object exactly like exe_main.c (model.o g4rt_bench
 * g4rt_posix g4rt -lm), it measures the model against the machine's limits in
 * one run (docs/runtime.md §6): for every thread count T of --threads-list,
 * first the read bandwidth and the FMA peak of T threads (bench_probes.h), then
 * prefill of each --prompts length (pp<P>) and decode at each --depths depth
 * (tg@<D>) on a session whose thread pool has T threads. It prints a table,
 * and with --json one JSON object per line per probe and per measurement on
 * stdout (the table then goes to stderr). Errors go to stderr as "error: ..."
 * with exit code 2 for command-line mistakes and 1 for everything else.
 * With --profile it also times every parallel loop of one more run of every
 * test per thread count (the pool's dispatch profile, thread_pool.h) and
 * prints where a decode step's or a prefill's time goes, site by site.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/base/system_allocator.h"
#include "runtime/g4rt/model/model_info.h"
#include "runtime/g4rt/model/session.h"
#include "runtime/g4rt/model/weights.h"
#include "runtime/g4rt/platform/posix/mapped_blob.h"
#include "runtime/g4rt/platform/posix/thread_pool.h"
#include "runtime/g4rt/tools/bench_probes.h"
#include "runtime/g4rt/tools/bench_symbols.h"
#include "runtime/g4rt/tools/cli_parse.h"
#include "runtime/g4rt/tools/model_symbols.h"
#include "runtime/g4rt/tools/run_times.h"

enum { kExitOk = 0, kExitError = 1, kExitUsage = 2 };

#define MAX_LIST 64      /* items per list flag */
#define BANDWIDTH_RUNS 5 /* best of */
#define BANDWIDTH_REPROBE_RUNS 2 /* before each timed decode run */
#define FMA_RUNS 3       /* best of */
#define FMA_SECONDS 0.2  /* per FMA run */
/* Runs of each test, the best counting. Decode runs as often as the read probe
 * (5, and 2 more before each run): on a shared host both are best-of samples of
 * the same moving bandwidth, and a model timed 3 times against a probe taken 11
 * times caught a quiet moment less often than the probe did. */
#define DEFAULT_PREFILL_REPS 3
#define DEFAULT_DECODE_REPS 10
#define DEFAULT_PROBE_BYTES ((int64_t)1 << 30)
#define PROFILE_SITES 1024 /* dispatch sites a profile records */

typedef struct bench_args_t {
  const char *weights_path;
  int64_t threads[MAX_LIST];
  int thread_count;
  int64_t prompts[MAX_LIST];
  int prompt_count;
  int64_t depths[MAX_LIST];
  int depth_count;
  int64_t decode_tokens;
  int64_t prefill_reps; /* --reps sets both */
  int64_t decode_reps;
  double bytes_per_token[MAX_LIST];
  int bytes_count; /* 0: not given */
  double flops_per_token;
  bool has_flops;
  double head_flops; /* one row of the head, computed once per prefill call */
  const char *model;
  const char *format;
  const char *code; /* the CPU the model code was compiled for ("host") */
  bool json;
  bool help;
  bool mmap_weights; /* --mmap: map the blob instead of huge pages */
  bool profile;      /* --profile: dispatch profiles of every test */
  int64_t probe_bytes;
} bench_args_t;

/* One model measurement (or a skipped test). */
typedef struct result_t {
  int threads;
  char test[32];
  bool skipped;
  double tokens_per_s;        /* the best run's */
  double median_tokens_per_s; /* the median run's: how steady the host was */
  bool has_work; /* bytes (tg) or flops (pp) per token known */
  double work;   /* bytes or flops per token */
  double limit;  /* GB/s or GFLOP/s */
  double fraction;
  /* tg with work: the median over runs of the run's GB/s over the read probe
   * taken right before it. The limit is the best of every probe; this one
   * compares each run with the host's state in its own moment. */
  double run_probe_fraction;
  /* tg: the kind of read that set the limit (the best probe's). */
  g4rt_bench_read_t limit_read;
} result_t;

/* One thread count's dispatch profile of one test: a prefill of |prompt|
 * tokens (one step), or |steps| decode steps at |depth|. */
typedef struct profile_run_t {
  bool ran;
  int threads;
  bool prefill;
  int64_t prompt;
  int64_t depth;
  int64_t steps;
  double seconds; /* the steps, end to end */
  g4rt_pool_profile_t profile;
} profile_run_t;

/* Everything main() acquires, released in one place. */
typedef struct bench_t {
  const g4_model_info_t *info;
  bench_args_t args;
  g4rt_mapped_blob_t blob;
  g4rt_bench_buffer_t buffer;
  g4rt_thread_pool_t *pool;
  g4_parallel_t parallel;
  g4rt_session_t *session;
  int32_t *tokens; /* token_at(0 .. token_count - 1) */
  int64_t token_count;
  float *logits; /* one row: vocab floats */
  double *seconds; /* one test's run times: the larger of the two rep counts */
  double *run_probes; /* one decode test's probes, one before each run */
  g4rt_bench_read_t *bandwidth; /* [thread list index]: the best probe */
  double *fma;       /* [thread list index] GFLOP/s */
  result_t *results;
  int result_count;
  /* With --profile: [thread list index][profile_count(args)]. */
  profile_run_t *profiles;
  g4rt_pool_site_stats_t *site_stats; /* their sites' storage */
  FILE *table; /* stdout, or stderr with --json */
} bench_t;


static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/*===----------------------------------------------------------------------===*
 * Command line
 *===----------------------------------------------------------------------===*/

static int parse_int(const char *flag, const char *text, long long min,
                     long long max, int64_t *out) {
  long long value;
  if (!g4rt_cli_parse_whole_int(text, &value)) {
    return g4rt_cli_fail(kExitUsage, "%s: malformed value '%s' (expected an integer)",
                flag, text);
  }
  if (value < min || value > max) {
    return g4rt_cli_fail(kExitUsage, "%s: %lld is out of range [%lld, %lld]", flag,
                value, min, max);
  }
  *out = value;
  return kExitOk;
}

static int parse_positive_real(const char *flag, const char *text,
                               double *out) {
  if (!g4rt_cli_parse_whole_real(text, out)) {
    return g4rt_cli_fail(kExitUsage, "%s: malformed value '%s' (expected a number)",
                flag, text);
  }
  if (!(*out > 0)) {
    return g4rt_cli_fail(kExitUsage, "%s: %s must be > 0", flag, text);
  }
  return kExitOk;
}

/* Splits a comma-separated list into items (blanks around items allowed). An
 * empty or all-blank text is an empty list. Calls |item| on each. */
typedef int (*item_fn_t)(const char *flag, const char *item, int index,
                         void *ctx);

static int parse_list(const char *flag, const char *text, int *out_count,
                      item_fn_t item_fn, void *ctx) {
  *out_count = 0;
  const char *cursor = g4rt_cli_list_begin(text);
  int count = 0;
  char item[64];
  int next;
  while ((next = g4rt_cli_list_next(&cursor, item, sizeof(item))) > 0) {
    if (count == MAX_LIST) {
      return g4rt_cli_fail(kExitUsage, "%s: more than %d items", flag, MAX_LIST);
    }
    int rc = item_fn(flag, item, count, ctx);
    if (rc != kExitOk) return rc;
    ++count;
  }
  if (next < 0) {
    return g4rt_cli_fail(kExitUsage,
                "%s: malformed list '%s' (expected comma-separated numbers "
                "such as 1,2)",
                flag, text);
  }
  *out_count = count;
  return kExitOk;
}

typedef struct int_list_t {
  int64_t *values;
  long long min, max;
} int_list_t;

static int int_item(const char *flag, const char *item, int index, void *ctx) {
  int_list_t *list = (int_list_t *)ctx;
  return parse_int(flag, item, list->min, list->max, &list->values[index]);
}

static int real_item(const char *flag, const char *item, int index, void *ctx) {
  return parse_positive_real(flag, item, &((double *)ctx)[index]);
}

static int parse_int_list(const char *flag, const char *text, long long min,
                          long long max, int64_t *values, int *out_count) {
  int_list_t list = {values, min, max};
  return parse_list(flag, text, out_count, int_item, &list);
}

static int apply_value_flag(const char *name, const char *value,
                            bench_args_t *args) {
  if (strcmp(name, "--weights") == 0) {
    args->weights_path = value;
  } else if (strcmp(name, "--threads-list") == 0) {
    int rc = parse_int_list(name, value, 1, G4RT_THREAD_POOL_MAX_THREADS,
                            args->threads, &args->thread_count);
    if (rc != kExitOk) return rc;
    if (args->thread_count == 0)
      return g4rt_cli_fail(kExitUsage, "--threads-list: empty list");
  } else if (strcmp(name, "--prompts") == 0) {
    return parse_int_list(name, value, 1, INT32_MAX, args->prompts,
                          &args->prompt_count);
  } else if (strcmp(name, "--depths") == 0) {
    return parse_int_list(name, value, 0, INT32_MAX, args->depths,
                          &args->depth_count);
  } else if (strcmp(name, "--decode-tokens") == 0) {
    return parse_int(name, value, 1, INT32_MAX, &args->decode_tokens);
  } else if (strcmp(name, "--reps") == 0) {
    int status = parse_int(name, value, 1, 1000000, &args->prefill_reps);
    args->decode_reps = args->prefill_reps;
    return status;
  } else if (strcmp(name, "--bytes-per-token") == 0) {
    int rc = parse_list(name, value, &args->bytes_count, real_item,
                        args->bytes_per_token);
    if (rc != kExitOk) return rc;
  } else if (strcmp(name, "--flops-per-token") == 0) {
    int rc = parse_positive_real(name, value, &args->flops_per_token);
    if (rc != kExitOk) return rc;
    args->has_flops = true;
  } else if (strcmp(name, "--head-flops") == 0) {
    return parse_positive_real(name, value, &args->head_flops);
  } else if (strcmp(name, "--model") == 0) {
    args->model = value;
  } else if (strcmp(name, "--format") == 0) {
    args->format = value;
  } else if (strcmp(name, "--code") == 0) {
    args->code = value;
  } else if (strcmp(name, "--probe-bytes") == 0) {
    return parse_int(name, value, G4RT_BENCH_MIN_PROBE_BYTES, INT64_MAX,
                     &args->probe_bytes);
  }
  return kExitOk;
}

static const char *const kValueFlags[] = {
    "--weights",         "--threads-list",    "--prompts",
    "--depths",          "--decode-tokens",   "--reps",
    "--bytes-per-token", "--flops-per-token", "--head-flops",
    "--model",           "--format",          "--code",
    "--probe-bytes"};

static int parse_args(int argc, char **argv, bench_args_t *args) {
  memset(args, 0, sizeof(*args));
  /* Defaults; --threads-list defaults to 1 and every available processor. */
  args->threads[0] = 1;
  args->thread_count = 1;
  int processors = g4rt_thread_pool_default_threads();
  if (processors > 1) args->threads[args->thread_count++] = processors;
  args->prompts[0] = 128;
  args->prompts[1] = 512;
  args->prompt_count = 2;
  args->depths[0] = 0;
  args->depths[1] = 1024;
  args->depth_count = 2;
  args->decode_tokens = 32;
  args->prefill_reps = DEFAULT_PREFILL_REPS;
  args->decode_reps = DEFAULT_DECODE_REPS;
  args->format = "unknown";
  args->code = "host";
  args->probe_bytes = DEFAULT_PROBE_BYTES;

  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (strncmp(arg, "--", 2) != 0) {
      return g4rt_cli_fail(kExitUsage, "unexpected argument '%s' (see --help)", arg);
    }
    const char *equals = strchr(arg, '=');
    size_t name_length = equals ? (size_t)(equals - arg) : strlen(arg);
    const char *inline_value = equals ? equals + 1 : NULL;
    if (name_length == 9 && strncmp(arg, "--profile", 9) == 0) {
      if (inline_value != NULL) {
        return g4rt_cli_fail(kExitUsage, "--profile takes no value");
      }
      args->profile = true;
      continue;
    }
    if ((name_length == 6 && strncmp(arg, "--help", 6) == 0) ||
        (name_length == 6 && strncmp(arg, "--json", 6) == 0) ||
        (name_length == 6 && strncmp(arg, "--mmap", 6) == 0)) {
      char which = arg[2];
      if (inline_value != NULL) {
        return g4rt_cli_fail(kExitUsage, "%.6s takes no value", arg);
      }
      if (which == 'h') {
        args->help = true; /* help wins over whatever follows */
        return kExitOk;
      }
      if (which == 'j') args->json = true;
      if (which == 'm') args->mmap_weights = true;
      continue;
    }
    const char *name = NULL;
    for (size_t f = 0; f < sizeof(kValueFlags) / sizeof(kValueFlags[0]); ++f) {
      if (strlen(kValueFlags[f]) == name_length &&
          strncmp(arg, kValueFlags[f], name_length) == 0) {
        name = kValueFlags[f];
      }
    }
    if (name == NULL) {
      return g4rt_cli_fail(kExitUsage, "unknown flag '%s' (see --help)", arg);
    }
    const char *value = inline_value;
    if (value == NULL) {
      if (i + 1 >= argc) return g4rt_cli_fail(kExitUsage, "%s needs a value", name);
      value = argv[++i];
    }
    int rc = apply_value_flag(name, value, args);
    if (rc != kExitOk) return rc;
  }
  if (args->weights_path == NULL) {
    return g4rt_cli_fail(kExitUsage,
                "--weights is required (the model's weight blob file)");
  }
  if (args->bytes_count != 0 && args->bytes_count != args->depth_count) {
    return g4rt_cli_fail(kExitUsage,
                "--bytes-per-token has %d values but --depths has %d (one per "
                "depth, in the same order)",
                args->bytes_count, args->depth_count);
  }
  if (args->prompt_count == 0 && args->depth_count == 0) {
    return g4rt_cli_fail(kExitUsage,
                "--prompts and --depths are both empty: nothing "
                "to measure");
  }
  return kExitOk;
}

static void print_help(const char *program, const g4_model_info_t *info) {
  const char *name = info->model_name ? info->model_name : "(unnamed)";
  printf(
      "usage: %s --weights FILE [options]\n"
      "Benchmarks the compiled model %s (vocab %lld, max context %lld) "
      "against\n"
      "this machine's read bandwidth and FMA peak, measured in the same run.\n"
      "\n"
      "  --weights FILE          the model's weight blob (required)\n"
      "  --threads-list T,...    thread counts (default: 1 and every "
      "processor, %d)\n"
      "  --prompts P,...         prefill lengths, test pp<P> (default "
      "128,512)\n"
      "  --depths D,...          decode depths, test tg@<D> (default "
      "0,1024)\n"
      "  --decode-tokens N       decode steps timed per tg test (default "
      "32)\n"
      "  --reps N                runs of each test, the best counts (default "
      "%d for\n"
      "                          pp, %d for tg)\n"
      "  --bytes-per-token B,... bytes one decode step reads, one per depth\n"
      "  --flops-per-token F     flops one prefill token costs, the head "
      "aside\n"
      "  --head-flops F          flops of the head for one token: a prefill "
      "call\n"
      "                          runs it for its last token only\n"
      "  --model NAME            model name for the output (default %s)\n"
      "  --format F              weight format for the output (default "
      "unknown)\n"
      "  --code CPU              the CPU the model code was compiled for, for "
      "the\n"
      "                          output (default host)\n"
      "  --json                  one JSON object per line on stdout (the "
      "table\n"
      "                          goes to stderr)\n"
      "  --probe-bytes N         bandwidth probe buffer (default 1 GiB, "
      "min %u)\n"
      "  --mmap                  map the weights instead of reading them into "
      "huge\n"
      "                          pages (as the executable's --mmap)\n"
      "  --profile               also time every parallel loop of one more run "
      "of\n"
      "                          every test per thread count, and print where "
      "a\n"
      "                          decode step's or a prefill's time goes, site "
      "by site\n"
      "  --help                  this text\n",
      base_name(program), name, (long long)info->vocab_size,
      (long long)info->max_context, g4rt_thread_pool_default_threads(),
      DEFAULT_PREFILL_REPS, DEFAULT_DECODE_REPS, name,
      G4RT_BENCH_MIN_PROBE_BYTES);
}

/*===----------------------------------------------------------------------===*
 * JSON
 *===----------------------------------------------------------------------===*/

static void json_string(FILE *out, const char *text) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)text; *p; ++p) {
    if (*p == '"' || *p == '\\') {
      fprintf(out, "\\%c", *p);
    } else if (*p < 0x20) {
      fprintf(out, "\\u%04x", *p);
    } else {
      fputc(*p, out);
    }
  }
  fputc('"', out);
}

/* A finite JSON number (non-finite values never reach here; 0 as a guard). */
static void json_number(FILE *out, double value) {
  fprintf(out, "%.10g", isfinite(value) ? value : 0.0);
}

static void json_probe(const char *probe, int threads, const char *key,
                       double value) {
  printf("{\"probe\":\"%s\",\"threads\":%d,\"%s\":", probe, threads, key);
  json_number(stdout, value);
  printf("}\n");
  fflush(stdout);
}

/* A read probe's line, with the kind of read that reached its bandwidth. */
static void json_read_probe(int threads, const g4rt_bench_read_t *read) {
  printf("{\"probe\":\"read_bandwidth\",\"threads\":%d,\"gb_per_s\":", threads);
  json_number(stdout, read->gb_per_s);
  printf(",\"load_bytes\":%d,\"streams_per_thread\":%d}\n", read->load_bytes,
         read->streams);
  fflush(stdout);
}

/* "64-byte loads, 2 streams a thread": the kind of read, for the table. */
static const char *read_kind_text(const g4rt_bench_read_t *read, char *buffer,
                                  size_t size) {
  if (read->load_bytes == 0) {
    snprintf(buffer, size, "portable C");
  } else {
    snprintf(buffer, size, "%d-byte loads, %d stream%s a thread",
             read->load_bytes, read->streams, read->streams == 1 ? "" : "s");
  }
  return buffer;
}

static void json_result(const bench_t *b, const result_t *r, bool tg) {
  printf("{\"model\":");
  json_string(stdout, b->args.model);
  printf(",\"format\":");
  json_string(stdout, b->args.format);
  printf(",\"code\":");
  json_string(stdout, b->args.code);
  printf(",\"threads\":%d,\"test\":\"%s\",\"tokens_per_s\":", r->threads,
         r->test);
  json_number(stdout, r->tokens_per_s);
  printf(",\"median_tokens_per_s\":");
  json_number(stdout, r->median_tokens_per_s);
  if (r->has_work) {
    printf(tg ? ",\"bytes_per_token\":" : ",\"flops_per_token\":");
    json_number(stdout, r->work);
  }
  printf(",\"machine_limit\":");
  json_number(stdout, r->limit);
  if (r->has_work) {
    printf(",\"fraction_of_limit\":");
    json_number(stdout, r->fraction);
  }
  if (tg && r->has_work) {
    printf(",\"median_fraction_of_run_probe\":");
    json_number(stdout, r->run_probe_fraction);
  }
  if (tg) {
    printf(",\"limit_load_bytes\":%d,\"limit_streams_per_thread\":%d",
           r->limit_read.load_bytes, r->limit_read.streams);
  }
  printf("}\n");
  fflush(stdout);
}

/*===----------------------------------------------------------------------===*
 * Model measurements
 *===----------------------------------------------------------------------===*/

/* Deterministic ids that avoid the special ids 0..3. */
static int32_t token_at(int64_t i, int64_t vocab) {
  if (vocab > 4) return (int32_t)(4 + (i * 7919) % (vocab - 4));
  return (int32_t)((i * 7919) % vocab);
}

static int fail_status(const char *what, const g4rt_status_t *status) {
  return g4rt_cli_fail(kExitError, "%s: %s", what, status->message);
}

static result_t *add_result(bench_t *b, int threads, const char *test) {
  result_t *r = &b->results[b->result_count++];
  memset(r, 0, sizeof(*r));
  r->threads = threads;
  snprintf(r->test, sizeof(r->test), "%s", test);
  return r;
}

/* Prefills |count| tokens from |first| as a generating caller does: the session
 * runs calls of at most max_prefill_tokens, each computing the logits of its
 * last token only. */
static g4rt_status_t prefill_chunked(bench_t *b, int64_t first, int64_t count) {
  return g4rt_session_prefill_last(b->session, b->tokens + first, count,
                                   b->logits);
}

static int measure_prefill(bench_t *b, int list_index, int64_t prompt) {
  int threads = (int)b->args.threads[list_index];
  char test[32];
  snprintf(test, sizeof(test), "pp%lld", (long long)prompt);
  result_t *r = add_result(b, threads, test);
  if (prompt > b->info->max_context) {
    r->skipped = true;
    return kExitOk;
  }
  int64_t reps = b->args.prefill_reps;
  for (int64_t rep = 0; rep < reps; ++rep) {
    g4rt_session_reset(b->session);
    double start = g4rt_bench_now();
    g4rt_status_t status = prefill_chunked(b, 0, prompt);
    double elapsed = g4rt_bench_now() - start;
    if (!g4rt_status_is_ok(&status)) return fail_status(test, &status);
    b->seconds[rep] = elapsed < 1e-9 ? 1e-9 : elapsed;
  }
  g4rt_run_times_t times = g4rt_run_times_summarize(b->seconds, reps);
  r->tokens_per_s = (double)prompt / times.best;
  r->median_tokens_per_s = (double)prompt / times.median;
  r->limit = b->fma[list_index];
  r->has_work = b->args.has_flops;
  /* The head runs once per prefill call. */
  int64_t chunk = b->info->max_prefill_tokens;
  int64_t calls = (prompt + chunk - 1) / chunk;
  r->work = b->args.flops_per_token +
            b->args.head_flops * (double)calls / (double)prompt;
  if (r->has_work) r->fraction = r->tokens_per_s * r->work / (r->limit * 1e9);
  if (b->args.json) json_result(b, r, false);
  return kExitOk;
}

static int measure_decode(bench_t *b, int list_index, int depth_index) {
  int threads = (int)b->args.threads[list_index];
  int64_t depth = b->args.depths[depth_index];
  int64_t steps = b->args.decode_tokens;
  int64_t filled =
      depth > 0 ? depth : 1; /* decode at depth 0 follows 1 token */
  char test[32];
  snprintf(test, sizeof(test), "tg@%lld", (long long)depth);
  result_t *r = add_result(b, threads, test);
  if (filled + steps > b->info->max_context) {
    r->skipped = true;
    return kExitOk;
  }
  int64_t reps = b->args.decode_reps;
  for (int64_t rep = 0; rep < reps; ++rep) {
    /* The bandwidth this VM gets moves with its neighbours' traffic: probe it
     * again next to every timed run, and let the best probe be the limit, so a
     * probe taken in a busy moment does not flatter the model. */
    g4rt_bench_read_t probe;
    g4rt_status_t status = g4rt_bench_read_bandwidth(
        &b->buffer, threads, BANDWIDTH_REPROBE_RUNS, &probe);
    if (!g4rt_status_is_ok(&status)) return fail_status("probe", &status);
    b->run_probes[rep] = probe.gb_per_s;
    if (probe.gb_per_s > b->bandwidth[list_index].gb_per_s) {
      b->bandwidth[list_index] = probe;
      if (b->args.json) json_read_probe(threads, &probe);
    }
    g4rt_session_reset(b->session);
    status = prefill_chunked(b, 0, filled);
    if (!g4rt_status_is_ok(&status)) return fail_status(test, &status);
    double start = g4rt_bench_now();
    for (int64_t k = 0; k < steps && g4rt_status_is_ok(&status); ++k) {
      status =
          g4rt_session_decode(b->session, b->tokens[filled + k], b->logits);
    }
    double elapsed = g4rt_bench_now() - start;
    if (!g4rt_status_is_ok(&status)) return fail_status(test, &status);
    b->seconds[rep] = elapsed < 1e-9 ? 1e-9 : elapsed;
  }
  r->limit = b->bandwidth[list_index].gb_per_s;
  r->limit_read = b->bandwidth[list_index];
  r->has_work = b->args.bytes_count > 0;
  if (r->has_work) {
    r->work = b->args.bytes_per_token[depth_index];
    /* Each run against its own probe, while b->seconds is in run order. */
    for (int64_t rep = 0; rep < reps; ++rep) {
      double gb_per_s = (double)steps * r->work / b->seconds[rep] / 1e9;
      b->run_probes[rep] = gb_per_s / b->run_probes[rep];
    }
    r->run_probe_fraction = g4rt_run_times_median(b->run_probes, reps);
  }
  g4rt_run_times_t times = g4rt_run_times_summarize(b->seconds, reps);
  r->tokens_per_s = (double)steps / times.best;
  r->median_tokens_per_s = (double)steps / times.median;
  if (r->has_work) r->fraction = r->tokens_per_s * r->work / (r->limit * 1e9);
  if (b->args.json) json_result(b, r, true);
  return kExitOk;
}

/* --profile profiles every test: each --prompts length, then each --depths
 * depth. */
static int profile_count(const bench_args_t *args) {
  return args->prompt_count + args->depth_count;
}

/* The profile of thread list entry |list_index| and test |slot|, set up. */
static profile_run_t *profile_slot(bench_t *b, int list_index, int slot) {
  size_t index =
      (size_t)list_index * (size_t)profile_count(&b->args) + (size_t)slot;
  profile_run_t *run = &b->profiles[index];
  run->threads = (int)b->args.threads[list_index];
  g4rt_pool_profile_init(&run->profile, b->site_stats + index * PROFILE_SITES,
                         PROFILE_SITES);
  return run;
}

/* One more prefill of a --prompts length with the pool's dispatch profile on:
 * the whole prefill is the profile's one step. Untimed otherwise: the clock
 * readings cost a little. Prompts past the context were reported as skipped
 * already. */
static int profile_prefill(bench_t *b, int list_index, int prompt_index) {
  int64_t prompt = b->args.prompts[prompt_index];
  if (prompt > b->info->max_context) return kExitOk;
  profile_run_t *run = profile_slot(b, list_index, prompt_index);
  run->prefill = true;
  run->prompt = prompt;
  run->steps = 1;
  g4rt_session_reset(b->session);
  g4rt_thread_pool_set_profile(b->pool, &run->profile);
  double start = g4rt_bench_now();
  g4rt_status_t status = prefill_chunked(b, 0, prompt);
  run->seconds = g4rt_bench_now() - start;
  g4rt_thread_pool_set_profile(b->pool, NULL);
  if (!g4rt_status_is_ok(&status)) return fail_status("profile", &status);
  run->ran = true;
  return kExitOk;
}

/* One more decode run at a --depths depth (--decode-tokens steps after the
 * depth's prefilled positions, as the timed test) with the pool's dispatch
 * profile on. Depths past the context were reported as skipped already. */
static int profile_decode(bench_t *b, int list_index, int depth_index) {
  int64_t depth = b->args.depths[depth_index];
  int64_t steps = b->args.decode_tokens;
  int64_t filled = depth > 0 ? depth : 1;
  if (filled + steps > b->info->max_context) return kExitOk;
  profile_run_t *run =
      profile_slot(b, list_index, b->args.prompt_count + depth_index);
  run->depth = depth;
  run->steps = steps;
  g4rt_session_reset(b->session);
  g4rt_status_t status = prefill_chunked(b, 0, filled);
  if (!g4rt_status_is_ok(&status)) return fail_status("profile", &status);
  g4rt_thread_pool_set_profile(b->pool, &run->profile);
  double start = g4rt_bench_now();
  for (int64_t k = 0; k < steps && g4rt_status_is_ok(&status); ++k) {
    status = g4rt_session_decode(b->session, b->tokens[filled + k], b->logits);
  }
  run->seconds = g4rt_bench_now() - start;
  g4rt_thread_pool_set_profile(b->pool, NULL);
  if (!g4rt_status_is_ok(&status)) return fail_status("profile", &status);
  run->ran = true;
  return kExitOk;
}

/* Probes the limits of T threads, then runs every test on a T-thread pool. */
static int measure_threads(bench_t *b, int list_index) {
  int threads = (int)b->args.threads[list_index];
  fprintf(stderr, "bench: %d thread%s: probing the machine\n", threads,
          threads == 1 ? "" : "s");
  g4rt_status_t status = g4rt_bench_read_bandwidth(
      &b->buffer, threads, BANDWIDTH_RUNS, &b->bandwidth[list_index]);
  if (!g4rt_status_is_ok(&status)) return fail_status("probe", &status);
  if (b->args.json) {
    json_read_probe(threads, &b->bandwidth[list_index]);
  }
  status =
      g4rt_bench_fma_peak(threads, FMA_SECONDS, FMA_RUNS, &b->fma[list_index]);
  if (!g4rt_status_is_ok(&status)) return fail_status("probe", &status);
  if (b->args.json) {
    json_probe("fma_peak", threads, "gflop_per_s", b->fma[list_index]);
  }

  fprintf(stderr, "bench: %d thread%s: running the model\n", threads,
          threads == 1 ? "" : "s");
  status = g4rt_thread_pool_create(threads, g4rt_system_allocator(), &b->pool);
  if (!g4rt_status_is_ok(&status)) {
    return g4rt_cli_fail(kExitError, "cannot start %d threads: %s", threads,
                status.message);
  }
  b->parallel = g4rt_thread_pool_parallel(b->pool);
  g4rt_session_options_t options;
  g4rt_session_options_initialize(&options);
  options.parallel = &b->parallel;
  status = g4rt_session_create(
      b->info, _mlir_ciface_g4_prefill, _mlir_ciface_g4_decode, b->blob.blob,
      b->blob.blob_bytes, g4rt_system_allocator(), &options, &b->session);
  if (!g4rt_status_is_ok(&status)) {
    return g4rt_cli_fail(kExitError, "weights from %s do not fit the model: %s",
                b->args.weights_path, status.message);
  }
  /* Warm-up, untimed: the first call wakes the pool and touches the KV. */
  status = g4rt_session_decode(b->session, b->tokens[0], b->logits);
  if (!g4rt_status_is_ok(&status)) return fail_status("warm-up", &status);

  int rc = kExitOk;
  for (int i = 0; i < b->args.prompt_count && rc == kExitOk; ++i)
    rc = measure_prefill(b, list_index, b->args.prompts[i]);
  for (int i = 0; i < b->args.depth_count && rc == kExitOk; ++i)
    rc = measure_decode(b, list_index, i);
  for (int i = 0; b->args.profile && i < b->args.prompt_count && rc == kExitOk;
       ++i)
    rc = profile_prefill(b, list_index, i);
  for (int i = 0; b->args.profile && i < b->args.depth_count && rc == kExitOk;
       ++i)
    rc = profile_decode(b, list_index, i);

  g4rt_session_destroy(b->session);
  b->session = NULL;
  g4rt_thread_pool_destroy(b->pool); /* after the session borrowing it */
  b->pool = NULL;
  return rc;
}

/*===----------------------------------------------------------------------===*
 * Setup and the table
 *===----------------------------------------------------------------------===*/

/* The CPU must run the probe kernels (AVX2 + FMA when they were built so). */
static int check_cpu(void) {
#if defined(__x86_64__) || defined(__i386__)
  if (g4rt_bench_probes_use_avx2()) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
      return g4rt_cli_fail(kExitError,
                  "this CPU lacks AVX2 or FMA, which the bandwidth and FMA "
                  "probes were built for");
    }
  }
#endif
  return kExitOk;
}

/* Reports tests that cannot run (once, not per thread count). */
static void report_skips(const bench_t *b) {
  int64_t context = b->info->max_context;
  for (int i = 0; i < b->args.prompt_count; ++i) {
    if (b->args.prompts[i] > context) {
      fprintf(stderr,
              "bench: skipping pp%lld: %lld positions exceed the max context "
              "%lld\n",
              (long long)b->args.prompts[i], (long long)b->args.prompts[i],
              (long long)context);
    }
  }
  for (int i = 0; i < b->args.depth_count; ++i) {
    int64_t depth = b->args.depths[i];
    int64_t filled = depth > 0 ? depth : 1;
    if (filled + b->args.decode_tokens > context) {
      fprintf(stderr,
              "bench: skipping tg@%lld: %lld + %lld decode positions exceed "
              "the max context %lld\n",
              (long long)depth, (long long)filled,
              (long long)b->args.decode_tokens, (long long)context);
    }
  }
}

/* Allocates the token ids every test needs and one row of logits. */
static int prepare(bench_t *b) {
  int64_t context = b->info->max_context;
  int64_t vocab = b->info->vocab_size;
  /* Token ids: the longest runnable prompt, and the longest depth fill plus its
   * decode steps. */
  int64_t rows = 1, longest = 1;
  for (int i = 0; i < b->args.prompt_count; ++i) {
    int64_t p = b->args.prompts[i];
    if (p <= context && p > rows) rows = p;
  }
  for (int i = 0; i < b->args.depth_count; ++i) {
    int64_t depth = b->args.depths[i];
    int64_t filled = depth > 0 ? depth : 1;
    if (filled + b->args.decode_tokens > context) continue;
    if (filled + b->args.decode_tokens > longest)
      longest = filled + b->args.decode_tokens;
    int64_t chunk = filled < 256 ? filled : 256;
    if (chunk > rows) rows = chunk;
  }
  if (rows > longest) longest = rows;
  /* Prefill and decode both return one row of logits. */
  b->logits = (float *)malloc((size_t)vocab * sizeof(float));
  b->token_count = longest;
  b->tokens = (int32_t *)malloc((size_t)longest * sizeof(int32_t));
  int n = b->args.thread_count;
  b->bandwidth =
      (g4rt_bench_read_t *)calloc((size_t)n, sizeof(g4rt_bench_read_t));
  b->fma = (double *)calloc((size_t)n, sizeof(double));
  size_t max_results =
      (size_t)n * (size_t)(b->args.prompt_count + b->args.depth_count);
  b->results = (result_t *)calloc(max_results, sizeof(result_t));
  int64_t reps = b->args.prefill_reps > b->args.decode_reps
                     ? b->args.prefill_reps
                     : b->args.decode_reps;
  b->seconds = (double *)malloc((size_t)reps * sizeof(double));
  b->run_probes = (double *)malloc((size_t)reps * sizeof(double));
  if (b->args.profile) {
    size_t runs = (size_t)n * (size_t)profile_count(&b->args);
    b->profiles = (profile_run_t *)calloc(runs, sizeof(profile_run_t));
    b->site_stats = (g4rt_pool_site_stats_t *)calloc(
        runs * PROFILE_SITES, sizeof(g4rt_pool_site_stats_t));
    if (!b->profiles || !b->site_stats) {
      return g4rt_cli_fail(kExitError,
                           "out of memory for the dispatch profile");
    }
  }
  if (!b->seconds || !b->run_probes) {
    return g4rt_cli_fail(kExitError, "out of memory for %lld run times",
                         (long long)reps);
  }
  if (!b->logits || !b->tokens || !b->bandwidth || !b->fma || !b->results) {
    return g4rt_cli_fail(kExitError,
                "out of memory for %lld rows of logits (vocab %lld)",
                (long long)rows, (long long)vocab);
  }
  for (int64_t i = 0; i < longest; ++i) b->tokens[i] = token_at(i, vocab);
  return kExitOk;
}

/* Reads one byte per page so the weights are resident before any timing. */
static void warm_weights(const bench_t *b) {
  const volatile uint8_t *bytes = (const volatile uint8_t *)b->blob.blob;
  uint8_t sum = 0;
  for (size_t i = 0; i < b->blob.blob_bytes; i += 4096) sum ^= bytes[i];
  (void)sum;
}

static void print_table(const bench_t *b) {
  FILE *out = b->table;
  fprintf(out,
          "\nmodel %s, format %s, code for %s, %lld weight bytes, max context "
          "%lld\n",
          b->args.model, b->args.format, b->args.code,
          (long long)b->info->weights_bytes, (long long)b->info->max_context);
  fprintf(out,
          "machine limits, this run (read: best of %d over %lld bytes, and of "
          "%d more before each timed decode run, %s; FMA: best of %d, %s)\n",
          BANDWIDTH_RUNS, (long long)b->buffer.bytes, BANDWIDTH_REPROBE_RUNS,
          g4rt_bench_probes_read_kind(), FMA_RUNS,
          g4rt_bench_probes_fma_kind());
  fprintf(out, "  %7s  %11s  %13s  %s\n", "threads", "read GB/s", "FMA GFLOP/s",
          "the read that set the limit");
  for (int i = 0; i < b->args.thread_count; ++i) {
    char kind[64];
    fprintf(out, "  %7d  %11.2f  %13.2f  %s\n", (int)b->args.threads[i],
            b->bandwidth[i].gb_per_s, b->fma[i],
            read_kind_text(&b->bandwidth[i], kind, sizeof(kind)));
  }
  fprintf(out,
          "model, best of %lld runs (pp) and %lld (tg: %lld decode steps a "
          "run); the median run beside it\n",
          (long long)b->args.prefill_reps, (long long)b->args.decode_reps,
          (long long)b->args.decode_tokens);
  fprintf(out, "  %7s  %-10s  %12s  %9s  %s\n", "threads", "test", "tokens/s",
          "median", "of the limit");
  for (int i = 0; i < b->result_count; ++i) {
    const result_t *r = &b->results[i];
    bool tg = r->test[0] == 't';
    fprintf(out, "  %7d  %-10s  ", r->threads, r->test);
    if (r->skipped) {
      fprintf(out, "%12s  %9s  (positions exceed max context %lld)\n",
              "skipped", "", (long long)b->info->max_context);
    } else if (r->has_work) {
      fprintf(out, "%12.2f  %9.2f  %5.1f%% of %.2f %s", r->tokens_per_s,
              r->median_tokens_per_s, 100.0 * r->fraction, r->limit,
              tg ? "GB/s" : "GFLOP/s");
      if (tg) {
        fprintf(out, "; runs: median %.1f%% of the probe before each",
                100.0 * r->run_probe_fraction);
      }
      fprintf(out, "\n");
    } else {
      fprintf(out, "%12.2f  %9.2f  (no %s)\n", r->tokens_per_s,
              r->median_tokens_per_s,
              tg ? "--bytes-per-token" : "--flops-per-token");
    }
  }
  fflush(out);
}

/* A site's name: its trampoline's symbol without "_trampoline", or its
 * address when the program has no symbol for it. */
static const char *site_name(const g4rt_bench_symbols_t *symbols,
                             g4_task_fn_t task, char *buffer, size_t size) {
  union {
    g4_task_fn_t fn;
    const void *address;
  } site = {.fn = task};
  const char *name = g4rt_bench_symbols_name(symbols, site.address);
  if (name == NULL) {
    snprintf(buffer, size, "%p", site.address);
    return buffer;
  }
  size_t length = strlen(name);
  const char *suffix = "_trampoline";
  size_t suffix_length = strlen(suffix);
  if (length > suffix_length &&
      strcmp(name + length - suffix_length, suffix) == 0)
    length -= suffix_length;
  snprintf(buffer, size, "%.*s", (int)length, name);
  return buffer;
}

/* Descending by time in calls, then in the order of the first call (the
 * entries' order in the profile's array). */
static int by_call_time(const void *a, const void *b) {
  const g4rt_pool_site_stats_t *x = *(const g4rt_pool_site_stats_t *const *)a;
  const g4rt_pool_site_stats_t *y = *(const g4rt_pool_site_stats_t *const *)b;
  if (x->call_ns != y->call_ns) return x->call_ns > y->call_ns ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/* Per thread count and test: a step's time (a decode step, or a whole
 * prefill) split into the parallel loops (and the caller's wait for their last
 * tasks), the serial gaps between loops, and the rest; then every site, the
 * costliest first. JSON: one "profile" object per thread count and test, and
 * one "site" object per site. */
static void print_profiles(const bench_t *b) {
  FILE *out = b->table;
  g4rt_bench_symbols_t symbols;
  bool named = g4rt_bench_symbols_open(&symbols);
  int runs = b->args.thread_count * profile_count(&b->args);
  for (int i = 0; i < runs; ++i) {
    const profile_run_t *run = &b->profiles[i];
    if (!run->ran) continue;
    char test[32], steps_text[64];
    if (run->prefill) {
      snprintf(test, sizeof(test), "pp%lld", (long long)run->prompt);
      snprintf(steps_text, sizeof(steps_text), "one prefill of %lld tokens",
               (long long)run->prompt);
    } else {
      snprintf(test, sizeof(test), "tg@%lld", (long long)run->depth);
      snprintf(steps_text, sizeof(steps_text), "%lld steps",
               (long long)run->steps);
    }
    const g4rt_pool_profile_t *p = &run->profile;
    double steps = (double)run->steps;
    double step_us = run->seconds * 1e6 / steps;
    int64_t call_ns = 0, wait_ns = 0, gap_ns = 0;
    for (int s = 0; s < p->count; ++s) {
      call_ns += p->sites[s].call_ns;
      wait_ns += p->sites[s].wait_ns;
      gap_ns += p->sites[s].gap_ns;
    }
    double calls_us = (double)call_ns / 1e3 / steps;
    double wait_us = (double)wait_ns / 1e3 / steps;
    double gaps_us = (double)gap_ns / 1e3 / steps;
    fprintf(out,
            "\ndispatch profile, %s, %d thread%s, %s: %.1f us%s = %.1f in "
            "parallel loops (%.1f of it waiting for the last tasks) + %.1f "
            "between loops + %.1f before the first and after the last%s\n",
            test, run->threads, run->threads == 1 ? "" : "s", steps_text,
            step_us, run->prefill ? "" : " a step", calls_us, wait_us, gaps_us,
            step_us - calls_us - gaps_us,
            named ? "" : " (no symbol table: sites by address)");
    if (p->overflow_calls > 0) {
      fprintf(out, "  (%llu calls of sites beyond the first %d not recorded)\n",
              (unsigned long long)p->overflow_calls, PROFILE_SITES);
    }
    fprintf(out, "  %-44s %10s %10s %9s %9s %9s %7s\n", "site", "calls/step",
            "tasks/call", "us/call", "wait us", "gap us", "% step");
    const g4rt_pool_site_stats_t *order[PROFILE_SITES];
    for (int s = 0; s < p->count; ++s) order[s] = &p->sites[s];
    qsort(order, (size_t)p->count, sizeof(order[0]), by_call_time);
    for (int k = 0; k < p->count; ++k) {
      const g4rt_pool_site_stats_t *site = order[k];
      char buffer[256];
      const char *name =
          site_name(&symbols, site->task, buffer, sizeof(buffer));
      double calls = (double)site->calls;
      double per_call_us = (double)site->call_ns / 1e3 / calls;
      double wait_per_call = (double)site->wait_ns / 1e3 / calls;
      double gap_per_call = (double)site->gap_ns / 1e3 / calls;
      double share = (double)site->call_ns / 1e3 / steps / step_us * 100;
      fprintf(out, "  %-44s %10.2f %10.1f %9.1f %9.1f %9.1f %7.2f\n", name,
              calls / steps, (double)site->tasks / calls, per_call_us,
              wait_per_call, gap_per_call, share);
      if (b->args.json) {
        printf("{\"site\":");
        json_string(stdout, name);
        printf(",\"test\":");
        json_string(stdout, test);
        printf(",\"threads\":%d,\"calls_per_step\":", run->threads);
        json_number(stdout, calls / steps);
        printf(",\"tasks_per_call\":");
        json_number(stdout, (double)site->tasks / calls);
        printf(",\"us_per_call\":");
        json_number(stdout, per_call_us);
        printf(",\"wait_us_per_call\":");
        json_number(stdout, wait_per_call);
        printf(",\"gap_us_per_call\":");
        json_number(stdout, gap_per_call);
        printf("}\n");
      }
    }
    if (b->args.json) {
      printf("{\"profile\":");
      json_string(stdout, test);
      printf(",\"threads\":%d,\"steps\":%lld,\"step_us\":", run->threads,
             (long long)run->steps);
      json_number(stdout, step_us);
      printf(",\"in_loops_us\":");
      json_number(stdout, calls_us);
      printf(",\"wait_us\":");
      json_number(stdout, wait_us);
      printf(",\"gaps_us\":");
      json_number(stdout, gaps_us);
      printf(",\"sites\":%d}\n", p->count);
    }
  }
  g4rt_bench_symbols_close(&symbols);
  fflush(out);
  fflush(stdout);
}

static int run(bench_t *b, int argc, char **argv) {
  int rc = parse_args(argc, argv, &b->args);
  if (rc != kExitOk) return rc;
  g4rt_status_t status = g4rt_model_info_validate(b->info);
  if (!g4rt_status_is_ok(&status))
    return g4rt_cli_fail(kExitError, "%s", status.message);
  if (b->args.help) {
    print_help(argc > 0 ? argv[0] : "g4-bench", b->info);
    return kExitOk;
  }
  if (b->args.model == NULL) {
    b->args.model = b->info->model_name ? b->info->model_name : "unnamed";
  }
  b->table = b->args.json ? stderr : stdout;
  rc = check_cpu();
  if (rc != kExitOk) return rc;

  status = g4rt_posix_map_file(
      b->args.weights_path,
      b->args.mmap_weights ? G4RT_BLOB_MAPPED : G4RT_BLOB_HUGE_PAGES, &b->blob);
  if (!g4rt_status_is_ok(&status)) {
    return g4rt_cli_fail(kExitError, "cannot load the weights: %s", status.message);
  }
  const uint8_t *data = NULL;
  status =
      g4rt_weights_validate(b->info, b->blob.blob, b->blob.blob_bytes, &data);
  if (!g4rt_status_is_ok(&status)) {
    return g4rt_cli_fail(kExitError, "weights from %s do not fit the model: %s",
                b->args.weights_path, status.message);
  }
  rc = prepare(b);
  if (rc != kExitOk) return rc;
  report_skips(b);
  warm_weights(b);
  status = g4rt_bench_buffer_create((size_t)b->args.probe_bytes, &b->buffer);
  if (!g4rt_status_is_ok(&status)) return fail_status("probe", &status);

  for (int i = 0; i < b->args.thread_count; ++i) {
    rc = measure_threads(b, i);
    if (rc != kExitOk) return rc;
  }
  print_table(b);
  if (b->args.profile) print_profiles(b);
  return kExitOk;
}

int main(int argc, char **argv) {
  bench_t bench;
  memset(&bench, 0, sizeof(bench));
  bench.info = &g4_model_info;
  int rc = run(&bench, argc, argv);
  g4rt_session_destroy(bench.session);
  g4rt_thread_pool_destroy(bench.pool); /* after the session borrowing it */
  g4rt_bench_buffer_destroy(&bench.buffer);
  g4rt_posix_unmap(&bench.blob);
  free(bench.site_stats);
  free(bench.profiles);
  free(bench.results);
  free(bench.fma);
  free(bench.bandwidth);
  free(bench.tokens);
  free(bench.logits);
  free(bench.seconds);
  free(bench.run_probes);
  return rc;
}
