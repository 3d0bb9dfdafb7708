/* status.h - Status values: how every fallible runtime call reports errors.
 *
 * A g4rt_status_t is a plain value (code + where + a fixed-size message); it
 * owns no heap memory and needs no freeing, so it can be returned by value,
 * copied, and dropped. OK is code 0. Functions that can fail return one and are
 * G4RT_MUST_USE: discard a status deliberately with g4rt_status_ignore().
 * Messages are built with the stdio-free formatter of format.h and truncated to
 * G4RT_STATUS_MESSAGE_CAPACITY - 1 characters.
 */
#ifndef G4RT_BASE_STATUS_H_
#define G4RT_BASE_STATUS_H_

#include <stdbool.h>
#include <stddef.h>

#include "runtime/g4rt/base/attributes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum g4rt_status_code_e {
  G4RT_STATUS_OK = 0,
  G4RT_STATUS_INVALID_ARGUMENT = 1,    /* the caller passed a bad value */
  G4RT_STATUS_OUT_OF_RANGE = 2,        /* a position/token/size past a limit */
  G4RT_STATUS_FAILED_PRECONDITION = 3, /* the object is in the wrong state */
  G4RT_STATUS_RESOURCE_EXHAUSTED = 4,  /* an allocator ran out */
  G4RT_STATUS_DATA_LOSS = 5,   /* corrupt or mismatched weights/trailer */
  G4RT_STATUS_NOT_FOUND = 6,   /* a file does not exist */
  G4RT_STATUS_UNAVAILABLE = 7, /* an OS call failed (I/O, mmap) */
  G4RT_STATUS_UNIMPLEMENTED = 8,
  G4RT_STATUS_INTERNAL = 9,
} g4rt_status_code_t;

#define G4RT_STATUS_MESSAGE_CAPACITY 256

typedef struct g4rt_status_t {
  g4rt_status_code_t code;
  int line;         /* source line that made the status, 0 if unknown */
  const char *file; /* source file (a string literal), NULL if unknown */
  char message[G4RT_STATUS_MESSAGE_CAPACITY]; /* "" for OK */
} g4rt_status_t;

/* The OK status. */
G4RT_MUST_USE g4rt_status_t g4rt_ok_status(void);

/* A status with |code| and a formatted message (format.h subset). Use the
 * macro, which records the location. */
G4RT_MUST_USE g4rt_status_t g4rt_make_status_at(const char *file, int line,
                                                g4rt_status_code_t code,
                                                const char *format, ...)
    G4RT_PRINTF(4, 5);
#define G4RT_MAKE_STATUS(code, ...) \
  g4rt_make_status_at(__FILE__, __LINE__, (code), __VA_ARGS__)

static inline bool g4rt_status_is_ok(const g4rt_status_t *status) {
  return status->code == G4RT_STATUS_OK;
}

/* Explicitly drops a status (documents that the error is not interesting). */
static inline void g4rt_status_ignore(g4rt_status_t status) { (void)status; }

/* "INVALID_ARGUMENT" etc.; "UNKNOWN" for values outside the enum. */
const char *g4rt_status_code_name(g4rt_status_code_t code);

/* Writes "OK" or "<CODE NAME>: <message>" into |buffer|; returns the
 * untruncated length (format.h conventions). */
size_t g4rt_status_format(const g4rt_status_t *status, char *buffer,
                          size_t capacity);

/* Returns from the enclosing function (which returns g4rt_status_t) if |expr|
 * fails. */
#define G4RT_RETURN_IF_ERROR(expr)                                        \
  do {                                                                    \
    g4rt_status_t g4rt_status_tmp_ = (expr);                              \
    if (g4rt_status_tmp_.code != G4RT_STATUS_OK) return g4rt_status_tmp_; \
  } while (0)

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_BASE_STATUS_H_ */
