// vidwasm-cmd: a real WASI command (wasi_snapshot_preview1, `main`) that runs a compiled
// inference plan with the SAME kernel object files as the reactor module vidwasm.wasm.
//
//   vidwasm-cmd [--backend simd|scalar] [--isa x86|arm] [PLAN [INPUT]] [-o OUTPUT]
//   cat plan.vwplan input.f32 | vidwasm-cmd > output.f32          (the same, through pipes)
//
// A plan (made by compile(), ts/accelerator/compile; format documented in ts/runtime/hosts/plan.ts)
// is constants, an arena size and a list of kernel calls whose pointers are offsets into them.
// The TypeScript plan runner executes the same list through the loader in Node and in browsers,
// so all hosts run the same kernels, in the same order, on the same arguments: their outputs are
// bit-identical unless the hosts' wasm engines differ. Every reference is checked against the
// arena and the constants, and the body's checksum, before any kernel runs.
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

// Component hosts (jco) run this command through the preview1 adapter, which keeps its state in
// our memory: exporting cabi_realloc makes it allocate that state with our malloc. Otherwise it
// takes a page with memory.grow, and once a large plan makes malloc grow the heap past that
// page, both would use the same bytes.
__attribute__((export_name("cabi_realloc"))) void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  if (ptr) return realloc(ptr, new_size);
  return aligned_alloc(align < 16 ? 16 : align, (new_size + 15) & ~(size_t)15);
}

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
  size_t len, pos;  // len: end of the plan body
} Reader;
static uint32_t u32(Reader *r) {
  if (r->pos + 4 > r->len) die("truncated plan body", NULL);
  uint32_t v;
  memcpy(&v, r->p + r->pos, 4);
  r->pos += 4;
  return v;
}
// A length-prefixed byte string (padded to 4); *n receives its length.
static const uint8_t *blob(Reader *r, uint32_t *n) {
  *n = u32(r);
  if (*n > r->len - r->pos) die("truncated plan body", NULL);
  const uint8_t *b = r->p + r->pos;
  r->pos += ((size_t)*n + 3) & ~(size_t)3;
  if (r->pos > r->len) die("truncated plan body", NULL);
  return b;
}
static void str(Reader *r, char *out, size_t cap, const char *what) {
  uint32_t n;
  const uint8_t *b = blob(r, &n);
  if (n >= cap) die("string too long in plan", what);
  memcpy(out, b, n);
  out[n] = 0;
}

// A tensor of the plan (an input or the output): where it sits in the arena and its bytes.
typedef struct { uint32_t off, nbytes; } PlanTensor;
static PlanTensor tensor(Reader *r, uint32_t arena_bytes) {
  static const uint32_t dtype_bytes[] = {4, 4, 1, 1, 2};  // f32 i32 u8 i8 f16 (ts/runtime/hosts/plan.ts)
  PlanTensor t = {u32(r), u32(r)};
  uint32_t dtype = u32(r), layout = u32(r), rank = u32(r);
  if (dtype > 4 || layout > 1 || rank > 8) die("bad tensor description in plan", NULL);
  uint64_t n = dtype_bytes[dtype];
  for (uint32_t k = 0; k < rank; k++) n *= u32(r);
  if (n != t.nbytes) die("a plan tensor's shape does not match its size", NULL);
  if ((uint64_t)t.off + t.nbytes > arena_bytes) die("a plan tensor lies outside the arena", NULL);
  return t;
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
  // Header: magic, version, body length in words, checksum of the body; the trailer follows the body.
  if (len < 20) die("the input does not start with a vidwasm plan (magic VWPL)", NULL);
  uint32_t head[4];
  memcpy(head, all, 16);
  if (head[0] != 0x4C505756u) die("the input does not start with a vidwasm plan (magic VWPL)", NULL);
  if (head[1] != 2) die("unsupported plan version (this command reads version 2)", NULL);
  if (head[2] > (len - 20) / 4) die("truncated plan", NULL);
  const size_t body_end = 16 + (size_t)head[2] * 4;
  uint32_t trailer, h = 0x811c9dc5u;
  memcpy(&trailer, all + body_end, 4);
  if (trailer != 0x5657504Cu) die("plan does not end with its trailer (LPWV)", NULL);
  for (size_t at = 16; at < body_end; at += 4) {
    uint32_t w;
    memcpy(&w, all + at, 4);
    h = (h ^ w) * 0x01000193u;
  }
  if (h != head[3]) die("plan checksum mismatch: the file is corrupt", NULL);
  Reader r = {all, body_end, 16};

  // [constants | arena] in one 16-byte-aligned block, as the TypeScript runner lays them out.
  uint32_t arena_bytes = u32(&r), const_bytes;
  const uint8_t *consts = blob(&r, &const_bytes);
  uint32_t notes_len, meta_len;
  (void)blob(&r, &notes_len);
  (void)blob(&r, &meta_len);
  const size_t const_pad = ((size_t)const_bytes + 15) & ~(size_t)15;
  uint8_t *block = aligned_alloc(16, const_pad + (((size_t)arena_bytes + 15) & ~(size_t)15) + 16);
  if (!block) die("out of memory allocating the plan's arena", NULL);
  memcpy(block, consts, const_bytes);
  uint8_t *arena = block + const_pad;
  memset(arena, 0, arena_bytes);
  uint32_t ninputs = u32(&r);
  if (ninputs > 64) die("too many plan inputs", NULL);
  PlanTensor inputs[64];
  for (uint32_t i = 0; i < ninputs; i++) inputs[i] = tensor(&r, arena_bytes);
  PlanTensor out = tensor(&r, arena_bytes);

  // Calls: checked and resolved to kernel functions before anything runs.
  uint32_t ncall = u32(&r);
  if (ncall > (r.len - r.pos) / 4) die("truncated plan body", NULL);
  typedef struct { const Kernel *kn; anyfn fn; uint32_t args[MAX_ARGS]; } Call;
  Call *calls = calloc(ncall ? ncall : 1, sizeof *calls);
  if (!calls) die("out of memory reading the plan", NULL);
  for (uint32_t c = 0; c < ncall; c++) {
    char name[64], variant[16], sig[MAX_ARGS + 1], label[512];
    str(&r, name, sizeof name, "kernel name");
    str(&r, variant, sizeof variant, name);
    str(&r, sig, sizeof sig, name);
    str(&r, label, sizeof label, name);
    const Kernel *kn = NULL;
    for (size_t k = 0; k < NKERNELS && !kn; k++)
      if (!strcmp(kernels[k].name, name)) kn = &kernels[k];
    if (!kn) die("the command does not know kernel", name);
    if (strcmp(kn->sig, sig)) die("kernel signature in plan differs from the command's", name);
    anyfn fn = NULL;
    if (!variant[0]) fn = scalar ? (kn->scalar ? kn->scalar : kn->base) : ((arm ? kn->arm : kn->x86) ? (arm ? kn->arm : kn->x86) : kn->base);
    else if (!strcmp(variant, "base")) fn = kn->base;
    else if (!strcmp(variant, "x86")) fn = kn->x86;
    else if (!strcmp(variant, "arm")) fn = kn->arm;
    else if (!strcmp(variant, "scalar")) fn = kn->scalar;
    else die("unknown kernel variant in plan for", name);
    if (!fn) die("kernel variant is not linked into this command", name);
    uint32_t na = u32(&r);
    if (na != strlen(sig)) die("argument count differs from the signature for kernel", name);
    for (uint32_t k = 0; k < na; k++) {
      uint32_t tag = u32(&r), v = u32(&r);
      const char access = kn->access[k];
      if ((tag == 1) != (sig[k] == 'f')) die("argument type differs from the signature for kernel", name);
      if ((tag >= 2) != (access != '-')) die("a pointer argument holds a value, or a value argument a pointer, for kernel", name);
      if (tag == 2) {
        if (v > arena_bytes) die("arena reference out of range in call to", name);
        calls[c].args[k] = (uint32_t)(uintptr_t)(arena + v);
      } else if (tag == 3) {
        if (v > const_bytes) die("constant reference out of range in call to", name);
        if (access == 'w') die("a call writes into the plan's constants:", name);
        calls[c].args[k] = (uint32_t)(uintptr_t)(block + v);
      } else if (tag <= 1) {
        calls[c].args[k] = v;
      } else if (tag == 4) {
        calls[c].args[k] = 0;  // NULL pointer
      } else die("bad argument tag in call to", name);
    }
    calls[c].kn = kn;
    calls[c].fn = fn;
  }
  if (r.pos != r.len) die("unexpected bytes at the end of the plan body", NULL);

  // The inputs follow the plan, in order.
  size_t at = body_end + 4;
  for (uint32_t i = 0; i < ninputs; i++) {
    if (inputs[i].nbytes > len - at) die("the input ends before the plan's input tensors", NULL);
    memcpy(arena + inputs[i].off, all + at, inputs[i].nbytes);
    at += inputs[i].nbytes;
  }
  if (at != len) die("unexpected bytes after the plan and its inputs", NULL);
  for (uint32_t c = 0; c < ncall; c++) invoke(calls[c].kn->shape, calls[c].fn, calls[c].args);

  int out_fd = 1;
  if (out_path) {
    out_fd = wasi_open(out_path, 1);
    if (out_fd == -1) die("no preopened directory holds (grant one, e.g. wasmtime --dir)", out_path);
    if (out_fd < 0) die("cannot create", out_path);
  }
  const uint8_t *outp = arena + out.off;
  for (uint32_t done = 0; done < out.nbytes;) {
    ssize_t w = write(out_fd, outp + done, out.nbytes - done);
    if (w <= 0) die("cannot write the output", out_path ? out_path : "stdout");
    done += (uint32_t)w;
  }
  if (out_fd != 1) close(out_fd);
  return 0;
}
