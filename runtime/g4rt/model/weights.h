/* weights.h - Validation of a weight blob (g4_weights_header_t + data) against
 * the compiled model that will read it. */
#ifndef G4RT_MODEL_WEIGHTS_H_
#define G4RT_MODEL_WEIGHTS_H_

#include <stddef.h>
#include <stdint.h>

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/base/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Checks the header of |blob| (|blob_bytes| bytes, any alignment) field by
 * field against |info|: magic, version, header_bytes, fingerprint, data_offset
 * (aligned, after the header, inside the blob), data_bytes ==
 * info->weights_bytes, and that the data's address is
 * G4_TENSOR_ALIGNMENT-aligned. Each failure is a DATA_LOSS status naming the
 * field with the expected and found values. On success *out_data points at the
 * weight data inside |blob|. */
G4RT_MUST_USE g4rt_status_t g4rt_weights_validate(const g4_model_info_t *info,
                                                  const void *blob,
                                                  size_t blob_bytes,
                                                  const uint8_t **out_data);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_MODEL_WEIGHTS_H_ */
