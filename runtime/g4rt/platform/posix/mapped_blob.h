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

/* Where a weight blob's bytes live once loaded. */
typedef enum g4rt_blob_placement_t {
  /* The file mapped read-only: nothing copied, the page cache's pages shared with other
   * processes, 4 KiB pages. */
  G4RT_BLOB_MAPPED = 0,
  /* Read into private anonymous memory advised for transparent huge pages (2 MiB),
   * then made read-only; the file's cached pages are dropped behind the copy. Decode
   * streams every weight byte per token, and with 4 KiB pages a TLB miss per page
   * costs more than the copy: q8 decode of the E2B-shaped benchmark model went from
   * 29 to 44 tokens/s on one thread of a Zen 4 VM. Falls back to normal pages where
   * the kernel has no transparent huge pages. */
  G4RT_BLOB_HUGE_PAGES = 1,
} g4rt_blob_placement_t;

typedef struct g4rt_mapped_blob_t {
  void *mapping; /* what g4rt_posix_unmap releases (page-aligned) */
  size_t mapping_bytes;
  const void *blob; /* the weight blob (or text section) inside the mapping */
  size_t blob_bytes;
} g4rt_mapped_blob_t;

/* Loads the weight blob appended to the executable at |path|, placed as
 * |placement| says: reads the g4_exe_trailer_t in its last bytes, validates it
 * (model/trailer.h) and maps or reads the blob it describes. An executable written
 * by an older g4c (the 32-byte "G4TRAILR" trailer) is DATA_LOSS saying so. */
G4RT_MUST_USE g4rt_status_t
g4rt_posix_map_exe_blob(const char *path, g4rt_blob_placement_t placement,
                        g4rt_mapped_blob_t *out_blob);

/* g4rt_posix_map_exe_blob on the running program (/proc/self/exe; Linux). */
G4RT_MUST_USE g4rt_status_t g4rt_posix_map_self_blob(
    g4rt_blob_placement_t placement, g4rt_mapped_blob_t *out_blob);

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
                                                g4rt_blob_placement_t placement,
                                                g4rt_mapped_blob_t *out_blob);

/* Unmaps |blob| and clears it; a cleared or zeroed blob is a no-op. */
void g4rt_posix_unmap(g4rt_mapped_blob_t *blob);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_PLATFORM_POSIX_MAPPED_BLOB_H_ */
