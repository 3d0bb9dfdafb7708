/* FakeModel.h - A test-only stand-in for a compiled model object.
 *
 * FakeModel.c defines the three ABI symbols (g4_model_info and the two model
 * functions) the way a g4c-compiled object does, with deterministic logits:
 *   target(pos) = (token * 7 + pos + weights[0] + sum of the tokens at positions
 *                  0 .. pos-1, read back from the KV arena) % vocab
 *   logits[v]   = -(v - target)^2
 * so the output depends on the weights, on the KV state kept across calls and on
 * the position, and is identical however the prompt is chunked. A descriptor the
 * runtime built wrongly turns every logit of the call into NaN.
 *
 * Like compiled code, each call splits its work into tasks through the `parallel`
 * argument (run inline when it is NULL): one task per position stores the token in
 * the KV arena, then G4RT_FAKE_SLICES tasks per position each write a slice of that
 * row's logits. Tasks write disjoint outputs, so the result does not depend on the
 * thread count. Every task counts its runs; if any task of a call ran other than
 * exactly once, every logit of the call becomes NaN.
 *
 * With the environment variable G4RT_FAKE_TRACE set, every call is logged to stderr
 * ("fake prefill start=0 n=3"); with G4RT_FAKE_TRACE_PARALLEL set, each call also logs
 * "fake parallel=pool" or "fake parallel=none". Only the runtime's own tests use it;
 * real models come from the compiler.
 */
#ifndef G4RT_TESTS_UNIT_RUNTIME_FAKEMODEL_H_
#define G4RT_TESTS_UNIT_RUNTIME_FAKEMODEL_H_

#include "runtime/g4rt/abi/model_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define G4RT_FAKE_VOCAB 32
#define G4RT_FAKE_MAX_CONTEXT 48
#define G4RT_FAKE_WEIGHTS_BYTES 64
#define G4RT_FAKE_KV_BYTES 448 /* global buffer 384 + sliding buffer 64 */
#define G4RT_FAKE_SCRATCH_BYTES 256 /* clobbered by every call */
#define G4RT_FAKE_MAX_PREFILL 16    /* longer prefills arrive in chunks */
#define G4RT_FAKE_FINGERPRINT 0x6734666b65000001ull
#define G4RT_FAKE_EOS 1
#define G4RT_FAKE_NAME "fake-g4"
#define G4RT_FAKE_SLICES 4 /* logit tasks per position */

extern const g4_model_info_t g4_model_info;
void _mlir_ciface_g4_prefill(g4_memref_1d_t *tokens, int64_t start,
                             g4_memref_1d_t *weights, g4_memref_1d_t *kv,
                             g4_memref_1d_t *scratch, g4_memref_2d_t *logits,
                             const g4_parallel_t *parallel);
void _mlir_ciface_g4_decode(g4_memref_1d_t *tokens, int64_t start,
                            g4_memref_1d_t *weights, g4_memref_1d_t *kv,
                            g4_memref_1d_t *scratch, g4_memref_2d_t *logits,
                            const g4_parallel_t *parallel);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* G4RT_TESTS_UNIT_RUNTIME_FAKEMODEL_H_ */
