/* trailer.c - Executable trailer validation (see trailer.h). */
#include "runtime/g4rt/model/trailer.h"

#include <string.h>

/* The trailer is read straight from the file: its layout is the ABI. */
_Static_assert(sizeof(g4_exe_trailer_t) == 48, "g4_exe_trailer_t layout");

g4rt_status_t g4rt_exe_trailer_validate(const g4_exe_trailer_t *trailer,
                                        uint64_t file_bytes) {
  if (file_bytes < sizeof(g4_exe_trailer_t)) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "executable trailer: the file has %llu bytes, fewer than the %zu-byte "
        "trailer",
        (unsigned long long)file_bytes, sizeof(g4_exe_trailer_t));
  }
  if (memcmp(trailer->magic, G4_TRAILER_MAGIC, 8) != 0) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "executable trailer: magic \"%s\" not found at the end of the file (no "
        "weights appended; pass --weights FILE or rebuild the executable)",
        G4_TRAILER_MAGIC);
  }
  if (trailer->blob_offset % G4RT_EXE_BLOB_ALIGNMENT != 0) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "executable trailer: blob_offset expected a multiple of %u, found %llu",
        G4RT_EXE_BLOB_ALIGNMENT, (unsigned long long)trailer->blob_offset);
  }
  uint64_t trailer_start = file_bytes - sizeof(g4_exe_trailer_t);
  if (trailer->text_bytes == 0) {
    /* The blob runs right up to the trailer (model_abi.h): checking the exact
     * end also catches a blob_offset that was never filled in. */
    if (trailer->blob_bytes == 0 || trailer->blob_offset > trailer_start ||
        trailer->blob_bytes != trailer_start - trailer->blob_offset) {
      return G4RT_MAKE_STATUS(
          G4RT_STATUS_DATA_LOSS,
          "executable trailer: blob [%llu, +%llu bytes) expected non-empty and "
          "ending where the trailer starts (byte %llu)",
          (unsigned long long)trailer->blob_offset,
          (unsigned long long)trailer->blob_bytes,
          (unsigned long long)trailer_start);
    }
    if (trailer->text_offset != 0) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                              "executable trailer: text_offset expected 0 "
                              "without a text section, found %llu",
                              (unsigned long long)trailer->text_offset);
    }
    return g4rt_ok_status();
  }
  /* With a text section: blob, padding to 8, text section, trailer, exactly. */
  if (trailer->text_offset % G4RT_EXE_TEXT_ALIGNMENT != 0 ||
      trailer->text_offset > trailer_start ||
      trailer->text_bytes != trailer_start - trailer->text_offset) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "executable trailer: text section [%llu, +%llu bytes) expected at a "
        "multiple of %u and ending where the trailer starts (byte %llu)",
        (unsigned long long)trailer->text_offset,
        (unsigned long long)trailer->text_bytes, G4RT_EXE_TEXT_ALIGNMENT,
        (unsigned long long)trailer_start);
  }
  uint64_t text_offset = trailer->text_offset;
  uint64_t blob_end_min = text_offset >= G4RT_EXE_TEXT_ALIGNMENT - 1
                              ? text_offset - (G4RT_EXE_TEXT_ALIGNMENT - 1)
                              : 0;
  if (trailer->blob_bytes == 0 || trailer->blob_offset > text_offset ||
      trailer->blob_bytes > text_offset - trailer->blob_offset ||
      trailer->blob_offset + trailer->blob_bytes < blob_end_min) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "executable trailer: blob [%llu, +%llu bytes) expected non-empty and "
        "ending where the text section starts (byte %llu, after at most %u "
        "bytes of padding)",
        (unsigned long long)trailer->blob_offset,
        (unsigned long long)trailer->blob_bytes,
        (unsigned long long)text_offset, G4RT_EXE_TEXT_ALIGNMENT - 1);
  }
  return g4rt_ok_status();
}
