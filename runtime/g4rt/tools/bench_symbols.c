/* bench_symbols.c - Names of this program's functions (see bench_symbols.h). */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "runtime/g4rt/tools/bench_symbols.h"

#include <string.h>

#if defined(__linux__) && defined(__LP64__)
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* dl_iterate_phdr lists the main program first: its load bias is the offset
 * of its run-time addresses from its symbol values (0 unless it is a PIE). */
static int first_object_bias(struct dl_phdr_info *info, size_t size,
                             void *data) {
  (void)size;
  *(uintptr_t *)data = (uintptr_t)info->dlpi_addr;
  return 1; /* stop after the first */
}

bool g4rt_bench_symbols_open(g4rt_bench_symbols_t *out) {
  memset(out, 0, sizeof(*out));
  int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  void *image = MAP_FAILED;
  if (fstat(fd, &st) == 0 && (size_t)st.st_size >= sizeof(Elf64_Ehdr))
    image = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (image == MAP_FAILED) return false;
  size_t bytes = (size_t)st.st_size;

  /* Every offset and size below is checked against the file's size: a
   * truncated or odd file gives no names, never a fault. */
  const Elf64_Ehdr *header = (const Elf64_Ehdr *)image;
  bool ok = memcmp(header->e_ident, ELFMAG, SELFMAG) == 0 &&
            header->e_ident[EI_CLASS] == ELFCLASS64 &&
            header->e_shentsize == sizeof(Elf64_Shdr) &&
            header->e_shoff < bytes &&
            header->e_shnum <= (bytes - header->e_shoff) / sizeof(Elf64_Shdr);
  const Elf64_Shdr *sections =
      ok ? (const Elf64_Shdr *)((const char *)image + header->e_shoff) : NULL;
  const Elf64_Shdr *table = NULL;
  for (unsigned i = 0; ok && i < header->e_shnum; ++i) {
    if (sections[i].sh_type == SHT_SYMTAB) table = &sections[i];
  }
  const Elf64_Shdr *strings = table != NULL && table->sh_link < header->e_shnum
                                  ? &sections[table->sh_link]
                                  : NULL;
  if (table == NULL || strings == NULL || table->sh_offset > bytes ||
      table->sh_size > bytes - table->sh_offset || strings->sh_offset > bytes ||
      strings->sh_size > bytes - strings->sh_offset || strings->sh_size == 0) {
    munmap(image, bytes);
    return false;
  }
  out->image = image;
  out->image_bytes = bytes;
  out->symbols = (const char *)image + table->sh_offset;
  out->count = table->sh_size / sizeof(Elf64_Sym);
  out->strings = (const char *)image + strings->sh_offset;
  out->strings_bytes = strings->sh_size;
  dl_iterate_phdr(first_object_bias, &out->bias);
  return true;
}

const char *g4rt_bench_symbols_name(const g4rt_bench_symbols_t *symbols,
                                    const void *address) {
  if (symbols->image == NULL) return NULL;
  uintptr_t value = (uintptr_t)address - symbols->bias;
  const Elf64_Sym *table = (const Elf64_Sym *)symbols->symbols;
  for (size_t i = 0; i < symbols->count; ++i) {
    const Elf64_Sym *s = &table[i];
    if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF)
      continue;
    bool inside = value == s->st_value ||
                  (value > s->st_value && value - s->st_value < s->st_size);
    if (!inside || s->st_name >= symbols->strings_bytes) continue;
    /* The name must end inside the string table. */
    const char *name = symbols->strings + s->st_name;
    if (memchr(name, '\0', symbols->strings_bytes - s->st_name) == NULL)
      return NULL;
    return name;
  }
  return NULL;
}

void g4rt_bench_symbols_close(g4rt_bench_symbols_t *symbols) {
  if (symbols->image != NULL) munmap(symbols->image, symbols->image_bytes);
  memset(symbols, 0, sizeof(*symbols));
}

#else /* not Linux with 64-bit ELF: no names */

bool g4rt_bench_symbols_open(g4rt_bench_symbols_t *out) {
  memset(out, 0, sizeof(*out));
  return false;
}

const char *g4rt_bench_symbols_name(const g4rt_bench_symbols_t *symbols,
                                    const void *address) {
  (void)symbols;
  (void)address;
  return NULL;
}

void g4rt_bench_symbols_close(g4rt_bench_symbols_t *symbols) {
  memset(symbols, 0, sizeof(*symbols));
}

#endif
