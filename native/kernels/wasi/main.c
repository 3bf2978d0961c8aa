// vidwasm-cmd: a real WASI command (wasi_snapshot_preview1, `main`) that runs a compiled
// inference plan with the SAME kernel object files as the reactor module vidwasm.wasm.
//
//   vidwasm-cmd [--backend simd|scalar] [--isa x86|arm] [PLAN [INPUT]] [-o OUTPUT]
//   cat plan.vwplan input.f32 | vidwasm-cmd > output.f32          (the same, through pipes)
//
// A plan (written by ts/runtime/hosts/plan_builder.ts; format documented in ts/runtime/hosts/plan.ts) is
// a list of buffers (weights, scratch, parameter blocks, the input) and a list of kernel calls
// with their arguments. The TypeScript plan runner executes the same list through the loader in
// Node and in browsers, so all hosts run the same kernels, in the same order, on the same
// arguments: their outputs are bit-identical unless the hosts' wasm engines differ.
//
// Standalone emscripten has no file system (fopen cannot reach WASI preopens), so files are
// opened through WASI itself (wasi_files.h); without file arguments the plan and its raw input
// arrive on stdin and the raw f32 output leaves on stdout.
// This folder is not matched by the Makefile's native/kernels/*.c glob, so main() never
// lands in the zero-import reactor module.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "wasi_files.h"

// The kernel table (every kernel of kernels.def with its variants) and invoke(), which calls one
// with the plan's arguments, are generated: kernel_table.gen.h. Variant choice mirrors wasm.ts:
//   scalar backend: vw_<k>_scalar, else vw_<k>;   simd backend: vw_<k>_<isa>, else vw_<k>.
#include "kernel_table.gen.h"

// ---------------------------------------------------------------------------------------------
static int die(const char *msg, const char *detail) {
  fprintf(stderr, "vidwasm-cmd: %s%s%s\n", msg, detail ? ": " : "", detail ? detail : "");
  exit(2);
}

// Appends everything readable from fd to buf[*len..] (growing buf).
static uint8_t *read_all(int fd, uint8_t *buf, size_t *len) {
  size_t n = *len, cap = n + (1 << 16);
  buf = realloc(buf, cap);
  if (!buf) die("out of memory reading input", NULL);
  for (;;) {
    if (n == cap) {
      cap *= 2;
      buf = realloc(buf, cap);
      if (!buf) die("out of memory reading stdin", NULL);
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0) die(fd == 0 ? "cannot read stdin" : "cannot read an input file", NULL);
    if (r == 0) break;
    n += (size_t)r;
  }
  *len = n;
  return buf;
}

typedef struct {
  const uint8_t *p;
  size_t len, pos;
} Reader;
static uint32_t u32(Reader *r) {
  if (r->pos + 4 > r->len) die("truncated plan", NULL);
  uint32_t v;
  memcpy(&v, r->p + r->pos, 4);
  r->pos += 4;
  return v;
}
static const uint8_t *bytes(Reader *r, size_t n) {
  size_t padded = (n + 3) & ~(size_t)3;
  if (r->pos + padded > r->len) die("truncated plan", NULL);
  const uint8_t *b = r->p + r->pos;
  r->pos += padded;
  return b;
}

#define MAX_ARGS 16

static const char *USAGE =
    "usage: vidwasm-cmd [--backend simd|scalar] [--isa x86|arm] [--list] [PLAN [INPUT]] [-o OUTPUT]\n"
    "Runs a vidwasm inference plan (kernel calls over the same kernels as vidwasm.wasm) on the\n"
    "plan's raw f32 input and writes the raw little-endian f32 output. PLAN, INPUT and OUTPUT are\n"
    "files in directories the WASI host preopened; missing ones are stdin (the plan, then the\n"
    "input) and stdout.\n";

// Reads a whole file (through the host's preopens) onto the end of buf.
static uint8_t *read_file(const char *path, uint8_t *buf, size_t *len) {
  int32_t fd = wasi_open(path, 0);
  if (fd == -1) die("no preopened directory holds (grant one, e.g. wasmtime --dir)", path);
  if (fd < 0) die("cannot open", path);
  buf = read_all(fd, buf, len);
  close(fd);
  return buf;
}

int main(int argc, char **argv) {
  int scalar = 0, arm = 0;
  const char *files[2] = {NULL, NULL}, *out_path = NULL;
  int nfiles = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(USAGE, stdout);
      return 0;
    } else if (!strcmp(a, "--list")) {
      for (size_t k = 0; k < NKERNELS; k++) {
        const Kernel *kn = &kernels[k];
        printf("%s %s%s%s%s\n", kn->name, kn->base ? "base" : "-", kn->x86 ? " x86" : "", kn->arm ? " arm" : "",
               kn->scalar ? " scalar" : "");
      }
      return 0;
    } else if (!strcmp(a, "--backend") && i + 1 < argc) {
      const char *v = argv[++i];
      if (!strcmp(v, "scalar")) scalar = 1;
      else if (strcmp(v, "simd")) die("--backend must be simd or scalar, got", v);
    } else if (!strcmp(a, "--isa") && i + 1 < argc) {
      const char *v = argv[++i];
      if (!strcmp(v, "arm")) arm = 1;
      else if (strcmp(v, "x86")) die("--isa must be x86 or arm, got", v);
    } else if (!strcmp(a, "-o") && i + 1 < argc) {
      out_path = argv[++i];
    } else if (a[0] != '-' && nfiles < 2) {
      files[nfiles++] = a;
    } else {
      fputs(USAGE, stderr);
      die("unknown argument", a);
    }
  }

  // The byte stream is the plan followed by its raw input, from files or stdin.
  size_t len = 0;
  uint8_t *all = NULL;
  all = files[0] ? read_file(files[0], all, &len) : read_all(0, all, &len);
  if (files[1]) all = read_file(files[1], all, &len);
  else if (files[0]) all = read_all(0, all, &len);  // a plan file, its input on stdin (if any)
  Reader r = {all, len, 0};
  if (u32(&r) != 0x4C505756u) die("the input does not start with a vidwasm plan (magic VWPL)", NULL);
  uint32_t version = u32(&r);
  if (version != 1) die("unsupported plan version", NULL);

  // Buffers: allocated up front, zero-filled, or copied from the plan. Memory is 16-byte aligned.
  uint32_t nbuf = u32(&r);
  uint8_t **buf = calloc(nbuf ? nbuf : 1, sizeof *buf);
  uint32_t *size = calloc(nbuf ? nbuf : 1, sizeof *size);
  int input = -1;
  for (uint32_t b = 0; b < nbuf; b++) {
    uint32_t nbytes = u32(&r), kind = u32(&r);
    size[b] = nbytes;
    buf[b] = aligned_alloc(16, ((size_t)nbytes + 15) & ~(size_t)15);
    if (!buf[b] && nbytes) die("out of memory allocating plan buffers", NULL);
    memset(buf[b], 0, nbytes);
    if (kind == 1) memcpy(buf[b], bytes(&r, nbytes), nbytes);
    else if (kind == 2) input = (int)b;
    else if (kind != 0) die("bad buffer kind in plan", NULL);
  }

  // Calls: resolved to kernel functions now, run after the input is in place.
  uint32_t ncall = u32(&r);
  size_t calls_at = r.pos;
  for (uint32_t c = 0; c < ncall; c++) {
    uint32_t nl = u32(&r);
    bytes(&r, nl);
    uint32_t sl = u32(&r);
    bytes(&r, sl);
    uint32_t na = u32(&r);
    for (uint32_t k = 0; k < na; k++) (void)u32(&r), (void)u32(&r), (void)u32(&r);
  }
  uint32_t out_buf = u32(&r), out_off = u32(&r), out_bytes = u32(&r);
  uint32_t rank = u32(&r);
  for (uint32_t k = 0; k < rank; k++) (void)u32(&r);
  if (u32(&r) != 0x5657504Cu) die("plan does not end with its trailer (LPWV)", NULL);
  if (out_buf >= nbuf || (uint64_t)out_off + out_bytes > size[out_buf]) die("plan output is out of range", NULL);

  if (input >= 0) {
    if (r.pos + size[input] > len) die("the input ends before the plan's input tensor", NULL);
    memcpy(buf[input], all + r.pos, size[input]);
    r.pos += size[input];
  }
  if (r.pos != len) die("unexpected bytes after the plan and its input", NULL);

  r.pos = calls_at;
  uint32_t args[MAX_ARGS];
  for (uint32_t c = 0; c < ncall; c++) {
    uint32_t nl = u32(&r);
    char name[64], sig[MAX_ARGS + 1];
    if (nl >= sizeof name) die("kernel name too long in plan", NULL);
    memcpy(name, bytes(&r, nl), nl);
    name[nl] = 0;
    uint32_t sl = u32(&r);
    if (sl > MAX_ARGS) die("too many kernel arguments in plan", name);
    memcpy(sig, bytes(&r, sl), sl);
    sig[sl] = 0;
    const Kernel *kn = NULL;
    for (size_t k = 0; k < NKERNELS; k++)
      if (!strcmp(kernels[k].name, name)) kn = &kernels[k];
    if (!kn) die("the command does not know kernel", name);
    if (strcmp(kn->sig, sig)) die("kernel signature in plan differs from the command's", name);
    anyfn fn = scalar ? (kn->scalar ? kn->scalar : kn->base) : ((arm ? kn->arm : kn->x86) ? (arm ? kn->arm : kn->x86) : kn->base);
    if (!fn) die("kernel is not linked into this command", name);
    uint32_t na = u32(&r);
    if (na != sl) die("argument count differs from the signature for kernel", name);
    for (uint32_t k = 0; k < na; k++) {
      uint32_t tag = u32(&r), v = u32(&r), off = u32(&r);
      if (tag == 2) {
        if (v >= nbuf || off > size[v]) die("buffer reference out of range in call to", name);
        args[k] = (uint32_t)(uintptr_t)(buf[v] + off);
      } else if (tag <= 1) {
        if ((tag == 1) != (sig[k] == 'f')) die("argument type differs from the signature for kernel", name);
        args[k] = v;
      } else if (tag == 3) {
        args[k] = 0;  // NULL pointer
      } else die("bad argument tag in call to", name);
    }
    invoke(kn->shape, fn, args);
  }

  int out_fd = 1;
  if (out_path) {
    out_fd = wasi_open(out_path, 1);
    if (out_fd == -1) die("no preopened directory holds (grant one, e.g. wasmtime --dir)", out_path);
    if (out_fd < 0) die("cannot create", out_path);
  }
  const uint8_t *out = buf[out_buf] + out_off;
  for (uint32_t done = 0; done < out_bytes;) {
    ssize_t w = write(out_fd, out + done, out_bytes - done);
    if (w <= 0) die("cannot write the output", out_path ? out_path : "stdout");
    done += (uint32_t)w;
  }
  if (out_fd != 1) close(out_fd);
  return 0;
}
