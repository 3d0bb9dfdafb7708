/* cli_parse.c - Number and list parsing shared by the mains (see cli_parse.h). */
#include "runtime/g4rt/tools/cli_parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int g4rt_cli_fail(int exit_code, const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("error: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  return exit_code;
}

bool g4rt_cli_parse_whole_int(const char *text, long long *out) {
  if (*text == '\0' || isspace((unsigned char)*text)) return false;
  char *end = NULL;
  errno = 0;
  long long value = strtoll(text, &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = value;
  return true;
}

bool g4rt_cli_parse_whole_real(const char *text, double *out) {
  if (*text == '\0' || isspace((unsigned char)*text)) return false;
  char *end = NULL;
  errno = 0;
  double value = strtod(text, &end);
  if (errno != 0 || *end != '\0' || !isfinite(value)) return false;
  *out = value;
  return true;
}

const char *g4rt_cli_list_begin(const char *text) {
  const char *p = text;
  while (*p == ' ') ++p;
  return *p == '\0' ? NULL : text;
}

int g4rt_cli_list_next(const char **cursor, char *item, size_t item_size) {
  const char *p = *cursor;
  if (p == NULL) return 0;
  size_t length = strcspn(p, ",");
  const char *next = p + length;
  while (length > 0 && p[length - 1] == ' ') --length;
  while (length > 0 && *p == ' ') ++p, --length;
  if (length == 0 || length >= item_size) return -1;
  memcpy(item, p, length);
  item[length] = '\0';
  *cursor = *next == '\0' ? NULL : next + 1;
  return 1;
}
