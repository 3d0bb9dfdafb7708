/* cli_parse.h - Error reporting, number and list parsing shared by the mains (exe_main,
 * bench_main). */
#ifndef G4RT_TOOLS_CLI_PARSE_H
#define G4RT_TOOLS_CLI_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* Prints "error: <formatted message>" and a newline to stderr; returns |exit_code|. */
int g4rt_cli_fail(int exit_code, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* strtoll / strtod that reject empty text, leading blanks, trailing junk, overflow
 * (and, for reals, non-finite values). */
bool g4rt_cli_parse_whole_int(const char *text, long long *out);
bool g4rt_cli_parse_whole_real(const char *text, double *out);

/* Comma-separated lists with blanks allowed around items. Start with
 * g4rt_cli_list_begin(text): an empty or all-blank text has no items. Then each
 * g4rt_cli_list_next copies the next item, trimmed, into |item| and returns 1; it
 * returns 0 after the last item and -1 for an empty item or one longer than
 * |item_size| - 1. */
const char *g4rt_cli_list_begin(const char *text);
int g4rt_cli_list_next(const char **cursor, char *item, size_t item_size);

#endif /* G4RT_TOOLS_CLI_PARSE_H */
