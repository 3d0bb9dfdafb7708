/* freestanding.c - The whole "operating system" of the firmware test: _start, three
 * Linux system calls (write, exit, mmap/mprotect for guard pages) and the two libc
 * functions the library may use (memcpy, memset). Built with -ffreestanding
 * -nostdlib -fno-builtin, so none of this comes from a C library. */
#include "freestanding.h"

#if defined(__x86_64__)
__asm__(".text\n.globl _start\n_start:\n"
        "  xor %rbp, %rbp\n  mov %rsp, %rdi\n  and $-16, %rsp\n"
        "  call g4_test_start\n  hlt\n");

static long syscall6(long n, long a, long b, long c, long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}
enum { SYS_WRITE = 1, SYS_MMAP = 9, SYS_MPROTECT = 10, SYS_EXIT = 60 };
#elif defined(__aarch64__)
__asm__(".text\n.globl _start\n_start:\n"
        "  mov x29, #0\n  mov x0, sp\n  bl g4_test_start\n  brk #0\n");

static long syscall6(long n, long a, long b, long c, long d, long e, long f) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc #0"
                   : "+r"(x0)
                   : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                   : "memory");
  return x0;
}
enum { SYS_WRITE = 64, SYS_MMAP = 222, SYS_MPROTECT = 226, SYS_EXIT = 93 };
#else
#error "the firmware test runs on x86-64 and AArch64 Linux (natively or under qemu)"
#endif

void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--)
    *d++ = *s++;
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n--)
    *d++ = (unsigned char)c;
  return dst;
}

void g4_test_exit(int code) {
  syscall6(SYS_EXIT, code, 0, 0, 0, 0, 0);
  for (;;) {
  }
}

void g4_test_write(const char *text, size_t n) {
  while (n > 0) {
    long written = syscall6(SYS_WRITE, 1, (long)text, (long)n, 0, 0, 0);
    if (written <= 0)
      g4_test_exit(99);
    text += written;
    n -= (size_t)written;
  }
}

void *g4_test_map(size_t bytes) {
  /* PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS */
  long p = syscall6(SYS_MMAP, 0, (long)bytes, 3, 0x22, -1, 0);
  return p < 0 && p > -4096 ? (void *)0 : (void *)p;
}

int g4_test_protect_none(void *page, size_t bytes) {
  return syscall6(SYS_MPROTECT, (long)page, (long)bytes, 0, 0, 0, 0) == 0;
}

void g4_test_puts(const char *text) {
  size_t n = 0;
  while (text[n])
    ++n;
  g4_test_write(text, n);
}

void g4_test_put_int(long long value) {
  char digits[24];
  int count = 0;
  unsigned long long v = value < 0 ? 0ull - (unsigned long long)value : (unsigned long long)value;
  do {
    digits[count++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  if (value < 0)
    g4_test_write("-", 1);
  while (count)
    g4_test_write(&digits[--count], 1);
}

/* The kernel's initial stack: argc, argv[0..argc-1], NULL, envp... */
void g4_test_start(long *stack) {
  int argc = (int)stack[0];
  char **argv = (char **)(stack + 1);
  g4_test_exit(g4_test_main(argc, argv));
}
