/* trailer.h - Validation of a self-contained executable's g4_exe_trailer_t.
 *
 * OS-independent: the platform layer reads the trailer and the file size, this
 * checks them, and the platform layer then maps the blob it describes. */
#ifndef G4RT_MODEL_TRAILER_H_
#define G4RT_MODEL_TRAILER_H_

#include <stdint.h>

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/base/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Alignment of the blob inside the executable (model_abi.h: "multiple of
 * 4096"). */
#define G4RT_EXE_BLOB_ALIGNMENT 4096u
/* Alignment of the text section (the packed tokenizer is used in place). */
#define G4RT_EXE_TEXT_ALIGNMENT 8u
/* The magic of the 32-byte trailer older g4c versions wrote (no text section);
 * recognised only to say so. */
#define G4RT_EXE_LEGACY_TRAILER_MAGIC "G4TRAILR"
#define G4RT_EXE_LEGACY_TRAILER_BYTES 32u

/* Checks |trailer| (the last sizeof(g4_exe_trailer_t) bytes of a
 * |file_bytes|-byte file): magic, blob_offset aligned to
 * G4RT_EXE_BLOB_ALIGNMENT, a non-empty blob; without a text section
 * (text_bytes 0, text_offset 0) the blob ends exactly where the trailer
 * starts; with one, the text section starts at a multiple of
 * G4RT_EXE_TEXT_ALIGNMENT less than that past the blob's end and ends exactly
 * where the trailer starts. DATA_LOSS on failure. */
G4RT_MUST_USE g4rt_status_t
g4rt_exe_trailer_validate(const g4_exe_trailer_t *trailer, uint64_t file_bytes);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_MODEL_TRAILER_H_ */
