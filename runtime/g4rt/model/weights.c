/* weights.c - Weight-blob header validation (see weights.h). */
#include "runtime/g4rt/model/weights.h"

#include <string.h>

/* The blob header is read straight from the file: its layout is the ABI. */
_Static_assert(sizeof(g4_weights_header_t) == 72, "g4_weights_header_t layout");
_Static_assert(offsetof(g4_weights_header_t, fingerprint) == 16,
               "g4_weights_header_t layout");

/* The 8 magic bytes as printable text ('?' for anything else), NUL-terminated.
 */
static void printable_magic(const char magic[8], char out[9]) {
  for (int i = 0; i < 8; ++i) {
    out[i] = (magic[i] >= 0x20 && magic[i] < 0x7f) ? magic[i] : '?';
  }
  out[8] = '\0';
}

static g4rt_status_t data_loss_u64(const char *field,
                                   unsigned long long expected,
                                   unsigned long long found) {
  return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                          "weights header: %s expected %llu, found %llu", field,
                          expected, found);
}

g4rt_status_t g4rt_weights_validate(const g4_model_info_t *info,
                                    const void *blob, size_t blob_bytes,
                                    const uint8_t **out_data) {
  *out_data = NULL;
  if (blob == NULL) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "weights blob: NULL pointer");
  }
  if (blob_bytes < sizeof(g4_weights_header_t)) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "weights blob: %zu bytes is smaller than the %zu-byte header",
        blob_bytes, sizeof(g4_weights_header_t));
  }
  g4_weights_header_t header;
  memcpy(&header, blob, sizeof(header)); /* |blob| may be unaligned */

  if (memcmp(header.magic, G4_WEIGHTS_MAGIC, 8) != 0) {
    char found[9];
    printable_magic(header.magic, found);
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "weights header: magic expected \"%s\", found \"%s\" "
        "(not a g4 weight blob)",
        G4_WEIGHTS_MAGIC, found);
  }
  if (header.version != G4_WEIGHTS_VERSION) {
    return data_loss_u64("version", G4_WEIGHTS_VERSION, header.version);
  }
  if (header.header_bytes != sizeof(g4_weights_header_t)) {
    return data_loss_u64("header_bytes", sizeof(g4_weights_header_t),
                         header.header_bytes);
  }
  if (header.fingerprint != info->fingerprint) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "weights header: fingerprint expected 0x%llx, found 0x%llx (the blob "
        "was made for a different compiled model)",
        (unsigned long long)info->fingerprint,
        (unsigned long long)header.fingerprint);
  }
  if (header.data_offset % G4_TENSOR_ALIGNMENT != 0) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "weights header: data_offset expected a multiple of %u, found %llu",
        G4_TENSOR_ALIGNMENT, (unsigned long long)header.data_offset);
  }
  if (header.data_offset < header.header_bytes ||
      header.data_offset > blob_bytes) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "weights header: data_offset expected in [%u, %zu] (after the header, "
        "inside the blob), found %llu",
        header.header_bytes, blob_bytes,
        (unsigned long long)header.data_offset);
  }
  if (header.data_bytes != (uint64_t)info->weights_bytes) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "weights header: data_bytes expected %lld (the model's weights_bytes), "
        "found %llu",
        (long long)info->weights_bytes, (unsigned long long)header.data_bytes);
  }
  if (header.data_bytes > blob_bytes - header.data_offset) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "weights header: data_offset %llu + data_bytes %llu expected <= the "
        "blob's %zu bytes, found %llu (truncated blob)",
        (unsigned long long)header.data_offset,
        (unsigned long long)header.data_bytes, blob_bytes,
        (unsigned long long)(header.data_offset + header.data_bytes));
  }
  const uint8_t *data = (const uint8_t *)blob + header.data_offset;
  if ((uintptr_t)data % G4_TENSOR_ALIGNMENT != 0) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_INVALID_ARGUMENT,
        "weights blob: data address 0x%llx expected %u-byte aligned (load the "
        "blob at an aligned address)",
        (unsigned long long)(uintptr_t)data, G4_TENSOR_ALIGNMENT);
  }
  *out_data = data;
  return g4rt_ok_status();
}
