/*===- model_symbols.h - What a compiled model object defines -------------===*
 *
 * The three ABI symbols (model_abi.h) as the mains that link with a model object
 * (exe_main.c, bench_main.c) see them.
 *
 *===----------------------------------------------------------------------===*/
#ifndef G4RT_TOOLS_MODEL_SYMBOLS_H
#define G4RT_TOOLS_MODEL_SYMBOLS_H

#include "runtime/g4rt/abi/model_abi.h"

extern const g4_model_info_t g4_model_info;
extern void _mlir_ciface_g4_prefill(g4_memref_1d_t *tokens, int64_t start,
                                    g4_memref_1d_t *weights, g4_memref_1d_t *kv,
                                    g4_memref_1d_t *scratch,
                                    g4_memref_2d_t *logits,
                                    const g4_parallel_t *parallel);
extern void _mlir_ciface_g4_decode(g4_memref_1d_t *tokens, int64_t start,
                                   g4_memref_1d_t *weights, g4_memref_1d_t *kv,
                                   g4_memref_1d_t *scratch,
                                   g4_memref_2d_t *logits,
                                   const g4_parallel_t *parallel);

#endif /* G4RT_TOOLS_MODEL_SYMBOLS_H */
