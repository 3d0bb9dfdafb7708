/* mapped_blob.c - open/pread/mmap for weight blobs (see mapped_blob.h). */
#define _POSIX_C_SOURCE 200809L /* pread, fstat, O_CLOEXEC under -std=c11 */
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
                                      g4rt_mapped_blob_t *out_blob) {
  clear_blob(out_blob);
  int fd;
  uint64_t file_bytes;
  G4RT_RETURN_IF_ERROR(open_file(path, &fd, &file_bytes));
  g4_exe_trailer_t trailer;
  g4rt_status_t status = read_trailer(fd, path, file_bytes, &trailer);
  if (g4rt_status_is_ok(&status)) {
    status =
        map_range(fd, path, trailer.blob_offset, trailer.blob_bytes, out_blob);
  }
  close(fd); /* the mapping keeps the file alive */
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

g4rt_status_t g4rt_posix_map_self_blob(g4rt_mapped_blob_t *out_blob) {
  return g4rt_posix_map_exe_blob("/proc/self/exe", out_blob);
}

g4rt_status_t g4rt_posix_map_file(const char *path,
                                  g4rt_mapped_blob_t *out_blob) {
  clear_blob(out_blob);
  int fd;
  uint64_t file_bytes;
  G4RT_RETURN_IF_ERROR(open_file(path, &fd, &file_bytes));
  g4rt_status_t status;
  if (file_bytes == 0) {
    status = G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS, "'%s' is empty", path);
  } else {
    status = map_range(fd, path, 0, file_bytes, out_blob);
  }
  close(fd);
  return status;
}

void g4rt_posix_unmap(g4rt_mapped_blob_t *blob) {
  if (blob->mapping != NULL) munmap(blob->mapping, blob->mapping_bytes);
  clear_blob(blob);
}
