/* bench_symbols.h - Names of this program's functions (g4rt_bench).
 *
 * The benchmark's dispatch profile (--profile) knows each parallel loop by the
 * address of its task function: the trampoline g4c emits for the dispatch
 * site, named <kernel>_parallel<N>_trampoline with internal linkage, so it is
 * in the executable's ELF symbol table (.symtab) though not exported. This
 * reads that table from /proc/self/exe (Linux) to turn addresses into names.
 * Elsewhere, or in a stripped program, no name is known and the caller prints
 * the address.
 */
#ifndef G4RT_TOOLS_BENCH_SYMBOLS_H_
#define G4RT_TOOLS_BENCH_SYMBOLS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct g4rt_bench_symbols_t {
  void *image; /* the executable, mapped read-only; NULL if none */
  size_t image_bytes;
  const void *symbols; /* Elf64_Sym[count] inside image */
  size_t count;
  const char *strings; /* the symbol names' string table inside image */
  size_t strings_bytes;
  uintptr_t bias; /* run-time address minus the symbol table's value */
} g4rt_bench_symbols_t;

/* Maps this program and finds its function symbols. false (and a zeroed
 * *out) when there are none to read: not Linux, not a 64-bit ELF, no .symtab
 * (stripped), or the file cannot be read. */
bool g4rt_bench_symbols_open(g4rt_bench_symbols_t *out);

/* The name of the function whose code holds |address| (its first byte, or
 * inside it when the symbol has a size); NULL when unknown. The string lives
 * until close. */
const char *g4rt_bench_symbols_name(const g4rt_bench_symbols_t *symbols,
                                    const void *address);

/* Unmaps the program (idempotent; a zeroed table is a no-op). */
void g4rt_bench_symbols_close(g4rt_bench_symbols_t *symbols);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_TOOLS_BENCH_SYMBOLS_H_ */
