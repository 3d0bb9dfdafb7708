/* format.h - A tiny printf subset that needs no stdio.
 *
 * The core runtime must build for firmware without stdio, so status messages
 * and the memory-plan report use this formatter instead of vsnprintf. Supported
 * conversions: %s (NULL prints "(null)"), %c, %%, %d %i %u %x with the length
 * modifiers none, l, ll and z (%zu, %lld, %llx, ...), %f (fixed point, at most
 * 6 decimals, trailing zeros trimmed; nan/inf spelled out; magnitudes >= 1e15
 * print as "big"). No width, precision or flags. An unsupported conversion is
 * copied through verbatim (and consumes no argument), so a wrong format never
 * reads a stray argument. Pass int64_t as (long long) and uint64_t as (unsigned
 * long long).
 */
#ifndef G4RT_BASE_FORMAT_H_
#define G4RT_BASE_FORMAT_H_

#include <stdarg.h>
#include <stddef.h>

#include "runtime/g4rt/base/attributes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Formats into |buffer| (capacity |capacity| bytes, always NUL-terminated when
 * capacity > 0, truncated if needed). Returns the length the full result has,
 * like snprintf, so a return value >= capacity means it was truncated. */
size_t g4rt_format(char *buffer, size_t capacity, const char *format, ...)
    G4RT_PRINTF(3, 4);
size_t g4rt_vformat(char *buffer, size_t capacity, const char *format,
                    va_list args);

/* Appends to a NUL-terminated |buffer| already holding |*length| characters;
 * |*length| becomes the untruncated total, so a chain of appends can report the
 * size it needed. */
void g4rt_format_append(char *buffer, size_t capacity, size_t *length,
                        const char *format, ...) G4RT_PRINTF(4, 5);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_BASE_FORMAT_H_ */
