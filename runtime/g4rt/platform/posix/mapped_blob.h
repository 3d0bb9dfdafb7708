/* mapped_blob.h - Memory-mapping weight blobs on POSIX systems (g4rt_posix).
 *
 * The OS-dependent half of weight loading: the core runtime only ever sees a
 * pointer and a size. Mappings are read-only and private; the blob stays valid
 * until g4rt_posix_unmap. A mapped blob is owned by its g4rt_mapped_blob_t
 * (plain data: do not unmap a copy twice).
 */
#ifndef G4RT_PLATFORM_POSIX_MAPPED_BLOB_H_
#define G4RT_PLATFORM_POSIX_MAPPED_BLOB_H_

#include <stddef.h>

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/base/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct g4rt_mapped_blob_t {
  void *mapping; /* what g4rt_posix_unmap releases (page-aligned) */
  size_t mapping_bytes;
  const void *blob; /* the weight blob (or text section) inside the mapping */
  size_t blob_bytes;
} g4rt_mapped_blob_t;

/* Maps the weight blob appended to the executable at |path|: reads the
 * g4_exe_trailer_t in its last bytes, validates it (model/trailer.h) and maps
 * the blob it describes. An executable written by an older g4c (the 32-byte
 * "G4TRAILR" trailer) is DATA_LOSS saying so. */
G4RT_MUST_USE g4rt_status_t
g4rt_posix_map_exe_blob(const char *path, g4rt_mapped_blob_t *out_blob);

/* g4rt_posix_map_exe_blob on the running program (/proc/self/exe; Linux). */
G4RT_MUST_USE g4rt_status_t
g4rt_posix_map_self_blob(g4rt_mapped_blob_t *out_blob);

/* Maps the text section of the executable at |path| (the tokenizer and the
 * generation defaults: model_abi.h), validating the trailer as
 * g4rt_posix_map_exe_blob does. An executable without a text section gives an
 * OK status and a cleared |out_text| (blob NULL, blob_bytes 0). The section's
 * contents are not checked here (text/text_section.h does that). */
G4RT_MUST_USE g4rt_status_t
g4rt_posix_map_exe_text(const char *path, g4rt_mapped_blob_t *out_text);

/* g4rt_posix_map_exe_text on the running program (/proc/self/exe; Linux). */
G4RT_MUST_USE g4rt_status_t
g4rt_posix_map_self_text(g4rt_mapped_blob_t *out_text);

/* Maps the whole of |path| as a blob (a separate weights file). */
G4RT_MUST_USE g4rt_status_t g4rt_posix_map_file(const char *path,
                                                g4rt_mapped_blob_t *out_blob);

/* Unmaps |blob| and clears it; a cleared or zeroed blob is a no-op. */
void g4rt_posix_unmap(g4rt_mapped_blob_t *blob);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_PLATFORM_POSIX_MAPPED_BLOB_H_ */
