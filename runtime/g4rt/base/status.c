/* status.c - Status values (see status.h). */
#include "runtime/g4rt/base/status.h"

#include "runtime/g4rt/base/format.h"

g4rt_status_t g4rt_ok_status(void) {
  g4rt_status_t status;
  status.code = G4RT_STATUS_OK;
  status.line = 0;
  status.file = NULL;
  status.message[0] = '\0';
  return status;
}

g4rt_status_t g4rt_make_status_at(const char *file, int line,
                                  g4rt_status_code_t code, const char *format,
                                  ...) {
  g4rt_status_t status;
  status.code = code;
  status.line = line;
  status.file = file;
  va_list args;
  va_start(args, format);
  g4rt_vformat(status.message, sizeof(status.message), format, args);
  va_end(args);
  return status;
}

const char *g4rt_status_code_name(g4rt_status_code_t code) {
  switch (code) {
    case G4RT_STATUS_OK:
      return "OK";
    case G4RT_STATUS_INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case G4RT_STATUS_OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case G4RT_STATUS_FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case G4RT_STATUS_RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case G4RT_STATUS_DATA_LOSS:
      return "DATA_LOSS";
    case G4RT_STATUS_NOT_FOUND:
      return "NOT_FOUND";
    case G4RT_STATUS_UNAVAILABLE:
      return "UNAVAILABLE";
    case G4RT_STATUS_UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case G4RT_STATUS_INTERNAL:
      return "INTERNAL";
  }
  return "UNKNOWN";
}

size_t g4rt_status_format(const g4rt_status_t *status, char *buffer,
                          size_t capacity) {
  if (status->code == G4RT_STATUS_OK)
    return g4rt_format(buffer, capacity, "OK");
  return g4rt_format(buffer, capacity, "%s: %s",
                     g4rt_status_code_name(status->code), status->message);
}
