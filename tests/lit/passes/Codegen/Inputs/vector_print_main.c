/* A main for lowered MLIR test functions run outside mlir-runner (cross-compiled, under
 * qemu): the vector.print runtime entry points it calls, and calls of q8() then q4(). */
#include <stdint.h>
#include <stdio.h>

void q8(void);
void q4(void);

void printI64(int64_t value) { printf("%lld", (long long)value); }
void printOpen(void) { fputs("( ", stdout); }
void printClose(void) { fputs(" )", stdout); }
void printComma(void) { fputs(", ", stdout); }
void printNewline(void) { fputc('\n', stdout); }
void printString(const char *text) { fputs(text, stdout); }

int main(void) {
  q8();
  q4();
  return 0;
}
