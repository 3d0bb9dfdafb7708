/* mapped_blob.c - open/pread/mmap for weight blobs (see mapped_blob.h). */
/* pread, fstat, O_CLOEXEC, MAP_ANONYMOUS and madvise under -std=c11 */
#define _DEFAULT_SOURCE
#include "runtime/g4rt/platform/posix/mapped_blob.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/g4rt/model/trailer.h"

static g4rt_status_t errno_status(const char *path, const char *what,
                                  int error) {
  return G4RT_MAKE_STATUS(
      error == ENOENT ? G4RT_STATUS_NOT_FOUND : G4RT_STATUS_UNAVAILABLE,
      "'%s': %s failed: %s (errno %d)", path, what, strerror(error), error);
}

/* Opens |path| read-only and returns its size. */
static g4rt_status_t open_file(const char *path, int *out_fd,
                               uint64_t *out_bytes) {
  *out_fd = -1;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_status(path, "open", errno);
  struct stat info;
  if (fstat(fd, &info) != 0) {
    int error = errno;
    close(fd);
    return errno_status(path, "fstat", error);
  }
  if (!S_ISREG(info.st_mode)) {
    close(fd);
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "'%s' is not a regular file", path);
  }
  *out_fd = fd;
  *out_bytes = (uint64_t)info.st_size;
  return g4rt_ok_status();
}

/* Maps |bytes| bytes of |fd| from |offset|, which need not be page-aligned
 * (pages may be larger than the 4 KiB the trailer promises). */
static g4rt_status_t map_range(int fd, const char *path, uint64_t offset,
                               uint64_t bytes, g4rt_mapped_blob_t *out_blob) {
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) page = 4096;
  uint64_t start = offset - offset % (uint64_t)page;
  uint64_t delta = offset - start;
  if (bytes > SIZE_MAX - delta) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_RESOURCE_EXHAUSTED,
                            "'%s': a %llu-byte blob does not fit the address "
                            "space",
                            path, (unsigned long long)bytes);
  }
  size_t length = (size_t)(bytes + delta);
  void *mapping = mmap(NULL, length, PROT_READ, MAP_PRIVATE, fd, (off_t)start);
  if (mapping == MAP_FAILED) return errno_status(path, "mmap", errno);
  out_blob->mapping = mapping;
  out_blob->mapping_bytes = length;
  out_blob->blob = (const uint8_t *)mapping + delta;
  out_blob->blob_bytes = (size_t)bytes;
  return g4rt_ok_status();
}

/* Reads |bytes| bytes of |fd| from |offset| into anonymous memory advised for
 * transparent huge pages (G4RT_BLOB_HUGE_PAGES), 2 MiB-aligned, then read-only. */
static g4rt_status_t read_range_huge(int fd, const char *path, uint64_t offset,
                                     uint64_t bytes, g4rt_mapped_blob_t *out_blob) {
  const uint64_t huge = 2u << 20;
  if (bytes > SIZE_MAX - 2 * huge) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_RESOURCE_EXHAUSTED,
                            "'%s': a %llu-byte blob does not fit the address "
                            "space",
                            path, (unsigned long long)bytes);
  }
  /* One huge page of slack lets the blob start on a 2 MiB boundary. */
  size_t length = (size_t)((bytes + huge - 1) / huge * huge + huge);
  void *mapping = mmap(NULL, length, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_RESOURCE_EXHAUSTED,
                            "'%s': cannot allocate %llu bytes for the weights: "
                            "%s (errno %d)",
                            path, (unsigned long long)bytes, strerror(errno),
                            errno);
  }
  uint8_t *blob = (uint8_t *)(((uintptr_t)mapping + huge - 1) &
                              ~(uintptr_t)(huge - 1));
#ifdef MADV_HUGEPAGE
  /* Advice only: without transparent huge pages the copy still works. */
  (void)madvise(blob, length - (size_t)(blob - (uint8_t *)mapping),
                MADV_HUGEPAGE);
#endif
  uint64_t done = 0;
  while (done < bytes) {
    uint64_t want = bytes - done;
    if (want > (1u << 30)) want = 1u << 30;
    ssize_t got = pread(fd, blob + done, (size_t)want, (off_t)(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      int error = got < 0 ? errno : 0;
      munmap(mapping, length);
      if (error != 0) return errno_status(path, "pread", error);
      return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                              "'%s': the file ended %llu bytes into a %llu-byte "
                              "blob",
                              path, (unsigned long long)done,
                              (unsigned long long)bytes);
    }
    done += (uint64_t)got;
  }
  (void)mprotect(mapping, length, PROT_READ); /* weights are never written */
  out_blob->mapping = mapping;
  out_blob->mapping_bytes = length;
  out_blob->blob = blob;
  out_blob->blob_bytes = (size_t)bytes;
  return g4rt_ok_status();
}

/* Places |bytes| bytes of |fd| from |offset| as |placement| says. */
static g4rt_status_t place_range(int fd, const char *path, uint64_t offset,
                                 uint64_t bytes, g4rt_blob_placement_t placement,
                                 g4rt_mapped_blob_t *out_blob) {
  if (placement == G4RT_BLOB_HUGE_PAGES)
    return read_range_huge(fd, path, offset, bytes, out_blob);
  return map_range(fd, path, offset, bytes, out_blob);
}

static void clear_blob(g4rt_mapped_blob_t *blob) {
  memset(blob, 0, sizeof(*blob));
}

/* Whether the |file_bytes|-byte file |fd| ends in the 32-byte trailer of an
 * older g4c. */
static bool has_legacy_trailer(int fd, uint64_t file_bytes) {
  if (file_bytes < G4RT_EXE_LEGACY_TRAILER_BYTES) return false;
  char magic[8];
  off_t at = (off_t)(file_bytes - G4RT_EXE_LEGACY_TRAILER_BYTES);
  return pread(fd, magic, sizeof(magic), at) == (ssize_t)sizeof(magic) &&
         memcmp(magic, G4RT_EXE_LEGACY_TRAILER_MAGIC, 8) == 0;
}

/* The trailer of the |file_bytes|-byte file |fd|, validated. */
static g4rt_status_t read_trailer(int fd, const char *path, uint64_t file_bytes,
                                  g4_exe_trailer_t *out_trailer) {
  memset(out_trailer, 0, sizeof(*out_trailer));
  if (file_bytes >= sizeof(*out_trailer)) {
    off_t at = (off_t)(file_bytes - sizeof(*out_trailer));
    ssize_t got = pread(fd, out_trailer, sizeof(*out_trailer), at);
    if (got < 0) return errno_status(path, "pread", errno);
    if ((size_t)got != sizeof(*out_trailer)) {
      return G4RT_MAKE_STATUS(G4RT_STATUS_UNAVAILABLE,
                              "'%s': short read of the trailer", path);
    }
  }
  if (memcmp(out_trailer->magic, G4_TRAILER_MAGIC, 8) != 0 &&
      has_legacy_trailer(fd, file_bytes)) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "'%s': executable trailer: found \"%s\", the trailer of an older g4c "
        "(expected \"%s\"); recompile the model with this g4c",
        path, G4RT_EXE_LEGACY_TRAILER_MAGIC, G4_TRAILER_MAGIC);
  }
  g4rt_status_t status = g4rt_exe_trailer_validate(out_trailer, file_bytes);
  if (!g4rt_status_is_ok(&status)) {
    /* Prefix the path: the message alone does not say which file. */
    return G4RT_MAKE_STATUS(status.code, "'%s': %s", path, status.message);
  }
  return status;
}

g4rt_status_t g4rt_posix_map_exe_blob(const char *path,
                                      g4rt_blob_placement_t placement,
                                      g4rt_mapped_blob_t *out_blob) {
  clear_blob(out_blob);
  int fd;
  uint64_t file_bytes;
  G4RT_RETURN_IF_ERROR(open_file(path, &fd, &file_bytes));
  g4_exe_trailer_t trailer;
  g4rt_status_t status = read_trailer(fd, path, file_bytes, &trailer);
  if (g4rt_status_is_ok(&status)) {
    status = place_range(fd, path, trailer.blob_offset, trailer.blob_bytes,
                         placement, out_blob);
  }
  close(fd); /* a mapping keeps the file alive */
  return status;
}

g4rt_status_t g4rt_posix_map_exe_text(const char *path,
                                      g4rt_mapped_blob_t *out_text) {
  clear_blob(out_text);
  int fd;
  uint64_t file_bytes;
  G4RT_RETURN_IF_ERROR(open_file(path, &fd, &file_bytes));
  g4_exe_trailer_t trailer;
  g4rt_status_t status = read_trailer(fd, path, file_bytes, &trailer);
  if (g4rt_status_is_ok(&status) && trailer.text_bytes > 0) {
    status =
        map_range(fd, path, trailer.text_offset, trailer.text_bytes, out_text);
  }
  close(fd);
  return status;
}

g4rt_status_t g4rt_posix_map_self_text(g4rt_mapped_blob_t *out_text) {
  return g4rt_posix_map_exe_text("/proc/self/exe", out_text);
}

g4rt_status_t g4rt_posix_map_self_blob(g4rt_blob_placement_t placement,
                                       g4rt_mapped_blob_t *out_blob) {
  return g4rt_posix_map_exe_blob("/proc/self/exe", placement, out_blob);
}

g4rt_status_t g4rt_posix_map_file(const char *path,
                                  g4rt_blob_placement_t placement,
                                  g4rt_mapped_blob_t *out_blob) {
  clear_blob(out_blob);
  int fd;
  uint64_t file_bytes;
  G4RT_RETURN_IF_ERROR(open_file(path, &fd, &file_bytes));
  g4rt_status_t status;
  if (file_bytes == 0) {
    status = G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS, "'%s' is empty", path);
  } else {
    status = place_range(fd, path, 0, file_bytes, placement, out_blob);
  }
  close(fd);
  return status;
}

void g4rt_posix_unmap(g4rt_mapped_blob_t *blob) {
  if (blob->mapping != NULL) munmap(blob->mapping, blob->mapping_bytes);
  clear_blob(blob);
}
