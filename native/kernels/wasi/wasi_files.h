// Files for the WASI command without a libc file system: standalone emscripten's fopen cannot
// see WASI preopens, so we ask WASI directly. A path is resolved against the preopened
// directories the host granted (wasmtime --dir, jco run's defaults, browser_wasi_shim's
// PreopenDirectory); read()/write()/close() then work on the returned fd as on stdin/stdout.
#ifndef VW_WASI_FILES_H
#define VW_WASI_FILES_H
#include <stdint.h>
#include <string.h>

#define WASI_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
typedef struct { uint8_t tag; uint32_t name_len; } wasi_prestat;  // tag 0 = directory
WASI_IMPORT(fd_prestat_get) int32_t wasi_fd_prestat_get(int32_t fd, wasi_prestat *out);
WASI_IMPORT(fd_prestat_dir_name) int32_t wasi_fd_prestat_dir_name(int32_t fd, char *path, int32_t len);
WASI_IMPORT(path_open) int32_t wasi_path_open(int32_t dirfd, int32_t lookupflags, const char *path, int32_t path_len,
                                              int32_t oflags, int64_t rights_base, int64_t rights_inheriting,
                                              int32_t fdflags, int32_t *fd_out);

#define WASI_RIGHT_FD_READ (1ll << 1)
#define WASI_RIGHT_FD_SEEK (1ll << 2)
#define WASI_RIGHT_FD_TELL (1ll << 5)
#define WASI_RIGHT_FD_WRITE (1ll << 6)
#define WASI_RIGHT_FD_FILESTAT_GET (1ll << 21)
#define WASI_OFLAGS_CREAT 1
#define WASI_OFLAGS_TRUNC 8
#define WASI_LOOKUP_SYMLINK_FOLLOW 1

// Finds the preopen holding `path`; *rel receives the path relative to it. Returns the
// directory fd, or -1. Absolute paths take the longest matching absolute preopen; relative
// paths take a relative preopen ("." from wasmtime --dir .), else "/" when it is the only root.
static int32_t wasi_resolve(const char *path, const char **rel) {
  int32_t best = -1;
  size_t best_len = 0;
  int32_t relative_fd = -1;
  for (int32_t fd = 3; fd < 64; fd++) {
    wasi_prestat ps;
    if (wasi_fd_prestat_get(fd, &ps) != 0) break;
    if (ps.tag != 0 || ps.name_len >= 256) continue;
    char name[256];
    if (wasi_fd_prestat_dir_name(fd, name, (int32_t)ps.name_len) != 0) continue;
    size_t n = ps.name_len;
    while (n > 1 && name[n - 1] == '/') n--;  // "dir/" -> "dir"
    name[n] = 0;
    if (path[0] == '/') {
      if (name[0] != '/') continue;
      const size_t m = strcmp(name, "/") == 0 ? 0 : n;
      if (strncmp(path, name, m) == 0 && (path[m] == '/' || path[m] == 0) && (best < 0 || m >= best_len)) {
        best = fd;
        best_len = m;
      }
    } else if (name[0] != '/' && relative_fd < 0) {
      relative_fd = fd;
    } else if (strcmp(name, "/") == 0 && relative_fd < 0) {
      relative_fd = fd;  // a bare "/" root: treat relative paths as relative to it
    }
  }
  if (path[0] == '/') {
    if (best < 0) return -1;
    const char *r = path + best_len;
    while (*r == '/') r++;
    *rel = *r ? r : ".";
    return best;
  }
  const char *r = path;
  while (r[0] == '.' && r[1] == '/') r += 2;
  *rel = *r ? r : ".";
  return relative_fd;
}

// Opens path for reading (write = 0) or for writing, created or truncated (write = 1).
// Returns the fd or -1 (no preopen holds the path) or -2 - errno (WASI refused).
static int32_t wasi_open(const char *path, int write) {
  const char *rel;
  int32_t dir = wasi_resolve(path, &rel);
  if (dir < 0) return -1;
  int32_t fd = -1;
  const int64_t rights = write ? (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_FILESTAT_GET)
                               : (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_FILESTAT_GET);
  int32_t err = wasi_path_open(dir, WASI_LOOKUP_SYMLINK_FOLLOW, rel, (int32_t)strlen(rel),
                               write ? (WASI_OFLAGS_CREAT | WASI_OFLAGS_TRUNC) : 0, rights, 0, 0, &fd);
  return err ? -2 - err : fd;
}
#endif
