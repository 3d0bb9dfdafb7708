/* freestanding.h - What freestanding.c gives the firmware test program. */
#ifndef G4_TESTS_FIRMWARE_FREESTANDING_H_
#define G4_TESTS_FIRMWARE_FREESTANDING_H_

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void g4_test_exit(int code) __attribute__((noreturn));
void g4_test_write(const char *text, size_t n);
void g4_test_puts(const char *text);
void g4_test_put_int(long long value);
/* An anonymous read-write mapping of |bytes| (page multiple), or NULL. */
void *g4_test_map(size_t bytes);
/* Makes [page, page + bytes) inaccessible: touching it kills the program. */
int g4_test_protect_none(void *page, size_t bytes);
/* The program (firmware_test.c). */
int g4_test_main(int argc, char **argv);

#endif /* G4_TESTS_FIRMWARE_FREESTANDING_H_ */
