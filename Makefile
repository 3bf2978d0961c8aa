# vidwasm build. `make setup` once on a fresh Debian machine, then `make test` / `make demo`.
SHELL := /bin/bash
KERNEL_SRC := $(wildcard native/kernels/*.c)
# BUILD lets several people build at once without sharing object files: make wasm BUILD=/tmp/me
BUILD ?= wasm
KERNEL_OBJ := $(patsubst native/kernels/%.c,$(BUILD)/obj/%.o,$(KERNEL_SRC))
CFLAGS := -O3 -std=c99 -Wall -Wextra -Werror -msimd128 -mbulk-memory -mnontrapping-fptoint -mmutable-globals -msign-ext
# The scalar twins must stay scalar: no auto-vectorisation, so SIMD-vs-scalar compares two real implementations.
SCALAR_FLAGS := -fno-vectorize -fno-slp-vectorize
LDFLAGS := -sSTANDALONE_WASM --no-entry -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sINITIAL_MEMORY=16MB \
  -sEXPORTED_FUNCTIONS=_malloc,_free -sFILESYSTEM=0 -sERROR_ON_UNDEFINED_SYMBOLS=1 -sTOTAL_STACK=1MB
export NODE_PATH := /usr/share/nodejs

.PHONY: setup gen gen-check wasm wasm-mt wasm-relaxed wasi pixels pixels-mt build test bench demo clean
all: build

# Installs only what is missing (Debian packages: command they provide), then the npm tree
# (typescript, esbuild, uvu, playwright-core, puppeteer-core, jco, browser_wasi_shim) from package-lock.json.
# The browser engines of test/browser's matrix: chromium, firefox-esr, webkit2gtk-driver (WebKitWebDriver
# and its MiniBrowser) on an Xvfb display.
SETUP_TOOLS := emcc:emscripten wasm-opt:binaryen wasm-objdump:wabt wasm-strip:wabt chromium:chromium node:nodejs npm:npm ffmpeg:ffmpeg \
  firefox-esr:firefox-esr WebKitWebDriver:webkit2gtk-driver Xvfb:xvfb \
  clang-16:clang-16 wasm-ld-16:lld-16
setup:
	@missing=$$(for t in $(SETUP_TOOLS); do command -v $${t%%:*} >/dev/null || echo $${t##*:}; done | sort -u | tr '\n' ' '); \
	  if [ -n "$$missing" ]; then echo "installing: $$missing"; apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; fi
	ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund

# The kernel manifest: `make gen` turns native/kernels/kernels.def into the C declarations
# (kernels.gen.h), the WASI command's table (wasi/kernel_table.gen.h) and the typed TypeScript
# bindings (ts/runtime/kernels.gen.ts), rewriting only files whose content changes. They are
# committed and never regenerated behind your back: test/ops/manifest.test.ts (and
# `make gen-check`) fail when one differs from what kernels.def gives.
gen:
	npx tsx native/kernels/gen_kernels.ts
gen-check:
	npx tsx native/kernels/gen_kernels.ts --check

$(BUILD)/obj/%_scalar.o: native/kernels/%_scalar.c native/kernels/vw.h native/kernels/kernels.gen.h $(wildcard native/kernels/*.h)
	@mkdir -p $(BUILD)/obj
	emcc $(CFLAGS) $(SCALAR_FLAGS) -c $< -o $@

$(BUILD)/obj/%.o: native/kernels/%.c native/kernels/vw.h native/kernels/kernels.gen.h $(wildcard native/kernels/*.h)
	@mkdir -p $(BUILD)/obj
	emcc $(CFLAGS) -c $< -o $@

# Link, then optimise, then strip (stripping while linking breaks emcc 3.1.6's wasm-opt pass).
$(BUILD)/vidwasm.wasm: $(KERNEL_OBJ)
	emcc $(CFLAGS) $(KERNEL_OBJ) -o $(BUILD)/vidwasm.link.wasm $(LDFLAGS)
	wasm-opt -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals $(BUILD)/vidwasm.link.wasm -o $(BUILD)/vidwasm.opt.wasm
	wasm-strip $(BUILD)/vidwasm.opt.wasm
	@imports=$$(wasm-objdump -x -j Import $(BUILD)/vidwasm.opt.wasm | grep -c ' <- ' || true); \
	  if [ "$$imports" != "0" ]; then echo "vidwasm.wasm must have zero imports, has $$imports"; exit 1; fi
	mv $(BUILD)/vidwasm.opt.wasm $(BUILD)/vidwasm.wasm

wasm: $(BUILD)/vidwasm.wasm

# The threads add-on (ts/runtime/threads): the same kernels linked over an IMPORTED, SHARED memory
# (env.memory, max 4 GiB), so a pool of workers can each instantiate it over one
# WebAssembly.Memory({shared: true}). emcc 3.1.6 has no SHARED_MEMORY setting and refuses
# STANDALONE_WASM with pthreads, so we ask wasm-ld directly (--shared-memory): objects need
# atomics + bulk memory; data segments become passive and the start function copies them in once,
# behind an atomic guard (later instances skip it). Each worker sets its own stack with the
# exported stackRestore. The only import allowed is env.memory.
KERNEL_OBJ_MT := $(patsubst native/kernels/%.c,$(BUILD)/obj-mt/%.o,$(KERNEL_SRC))
MT_FLAGS := -matomics
$(BUILD)/obj-mt/%_scalar.o: native/kernels/%_scalar.c native/kernels/vw.h native/kernels/kernels.gen.h $(wildcard native/kernels/*.h)
	@mkdir -p $(BUILD)/obj-mt
	emcc $(CFLAGS) $(MT_FLAGS) $(SCALAR_FLAGS) -c $< -o $@

$(BUILD)/obj-mt/%.o: native/kernels/%.c native/kernels/vw.h native/kernels/kernels.gen.h $(wildcard native/kernels/*.h)
	@mkdir -p $(BUILD)/obj-mt
	emcc $(CFLAGS) $(MT_FLAGS) -c $< -o $@

$(BUILD)/vidwasm-mt.wasm: $(KERNEL_OBJ_MT)
	emcc $(CFLAGS) $(MT_FLAGS) $(KERNEL_OBJ_MT) -o $(BUILD)/vidwasm-mt.link.wasm $(LDFLAGS) -sIMPORTED_MEMORY -Wl,--shared-memory
	wasm-opt -O3 --enable-simd --enable-bulk-memory --enable-threads --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals $(BUILD)/vidwasm-mt.link.wasm -o $(BUILD)/vidwasm-mt.opt.wasm
	wasm-strip $(BUILD)/vidwasm-mt.opt.wasm
	@imports=$$(wasm-objdump -x -j Import $(BUILD)/vidwasm-mt.opt.wasm | grep ' <- '); \
	  if [ "$$(echo "$$imports" | grep -c .)" != "1" ] || ! echo "$$imports" | grep -q 'shared <- env\.memory$$'; then \
	    echo "vidwasm-mt.wasm must import only a shared env.memory, has: $$imports"; exit 1; fi
	mv $(BUILD)/vidwasm-mt.opt.wasm $(BUILD)/vidwasm-mt.wasm

wasm-mt: $(BUILD)/vidwasm-mt.wasm

# Relaxed-SIMD variants (native/relaxed; why this way: native/relaxed/relaxed.h): clang-16 and
# wasm-ld-16 from Debian, since emcc 3.1.6's clang 14 cannot emit the standard relaxed opcodes.
# A small module that imports the kernel module's memory and the few functions it shares with it
# (packing, matmul), exports exactly the `relaxed` kernels of kernels.def (exports.gen.rsp) and
# its __stack_pointer (the loader points it at a block malloc'ed for it). No data segment, so
# nothing lands in vidwasm.wasm's memory. Loaded only where relaxed SIMD validates.
RELAXED_SRC := $(wildcard native/relaxed/*.c)
RELAXED_OBJ := $(patsubst native/relaxed/%.c,$(BUILD)/obj-relaxed/%.o,$(RELAXED_SRC))
EM_SYSROOT ?= /usr/share/emscripten/cache/sysroot
$(BUILD)/obj-relaxed/%.o: native/relaxed/%.c native/relaxed/relaxed.h native/kernels/kernels.gen.h $(wildcard native/kernels/*.h)
	@mkdir -p $(BUILD)/obj-relaxed
	clang-16 --target=wasm32-unknown-emscripten --sysroot=$(EM_SYSROOT) $(CFLAGS) -mrelaxed-simd -c $< -o $@

$(BUILD)/vidwasm-relaxed.wasm: $(RELAXED_OBJ) native/relaxed/exports.gen.rsp
	wasm-ld-16 $(RELAXED_OBJ) -o $(BUILD)/vidwasm-relaxed.tmp.wasm --no-entry --import-memory --allow-undefined --gc-sections \
	  --strip-all -z stack-size=0 --export=__stack_pointer @native/relaxed/exports.gen.rsp
	@bad=$$(wasm-objdump -x -j Import $(BUILD)/vidwasm-relaxed.tmp.wasm | grep ' <- ' | grep -Evc ' <- env\.(memory|vw_[a-z0-9_]+)$$' || true); \
	  if [ "$$bad" != "0" ]; then echo "vidwasm-relaxed.wasm may import only env.memory and env.vw_* kernels, has $$bad other imports"; exit 1; fi
	@if wasm-objdump -h $(BUILD)/vidwasm-relaxed.tmp.wasm | grep -q ' Data '; then echo "vidwasm-relaxed.wasm must have no data segment"; exit 1; fi
	mv $(BUILD)/vidwasm-relaxed.tmp.wasm $(BUILD)/vidwasm-relaxed.wasm

wasm-relaxed: $(BUILD)/vidwasm-relaxed.wasm

# The WASI command (native/kernels/wasi/main.c + the same kernel objects): a `main` that imports
# only wasi_snapshot_preview1, run in tests through jco (`jco new --wasi-command`, `jco run`).
# Optimised and stripped like vidwasm.wasm, so both modules carry the same kernel code.
# emcc 3.1.6's JS library does not know WASI's path_open/fd_prestat_*, which main.c imports
# itself (wasi_files.h), so undefined symbols may not abort the link; the import check below
# is the guard (anything undefined would show up as a non-WASI import).
WASI_LDFLAGS := -sSTANDALONE_WASM -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sINITIAL_MEMORY=16MB \
  -sERROR_ON_UNDEFINED_SYMBOLS=0 -sTOTAL_STACK=1MB
$(BUILD)/vidwasm-cmd.wasm: native/kernels/wasi/main.c native/kernels/wasi/kernel_table.gen.h $(wildcard native/kernels/wasi/*.h) $(KERNEL_OBJ)
	emcc $(CFLAGS) native/kernels/wasi/main.c $(KERNEL_OBJ) -o $(BUILD)/vidwasm-cmd.link.wasm $(WASI_LDFLAGS)
	wasm-opt -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals $(BUILD)/vidwasm-cmd.link.wasm -o $(BUILD)/vidwasm-cmd.opt.wasm
	wasm-strip $(BUILD)/vidwasm-cmd.opt.wasm
	@bad=$$(wasm-objdump -x -j Import $(BUILD)/vidwasm-cmd.opt.wasm | grep ' <- ' | grep -vc ' <- wasi_snapshot_preview1\.' || true); \
	  if [ "$$bad" != "0" ]; then echo "vidwasm-cmd.wasm may import only wasi_snapshot_preview1, has $$bad other imports"; exit 1; fi
	mv $(BUILD)/vidwasm-cmd.opt.wasm $(BUILD)/vidwasm-cmd.wasm

wasi: $(BUILD)/vidwasm-cmd.wasm

# Pixel kernels (AssemblyScript, native/pixels): they import the C module's memory (env.memory,
# not shared), use the stub runtime and never allocate, so the module has no data segment that
# could land in the C module's memory. asc comes from node_modules (npm ci).
PIXELS_SRC := $(wildcard native/pixels/*.ts)
$(BUILD)/pixels.wasm: $(PIXELS_SRC)
	@mkdir -p $(BUILD)
	npx asc native/pixels/index.ts -o $(BUILD)/pixels.tmp.wasm --importMemory --runtime stub -O3 --noAssert --enable simd
	@bad=$$(wasm-objdump -x -j Import $(BUILD)/pixels.tmp.wasm | grep ' <- ' | grep -vc ' <- env\.' || true); \
	  if [ "$$bad" != "0" ]; then echo "pixels.wasm may import only env.memory/env.abort, has $$bad other imports"; exit 1; fi
	@if wasm-objdump -h $(BUILD)/pixels.tmp.wasm | grep -q ' Data '; then echo "pixels.wasm must have no data segment"; exit 1; fi
	mv $(BUILD)/pixels.tmp.wasm $(BUILD)/pixels.wasm

pixels: $(BUILD)/pixels.wasm

# The same pixel kernels over a SHARED imported memory, for the runtime after setNumThreads(n > 1)
# (ts/runtime/threads swaps the C module for vidwasm-mt.wasm over a JS-created shared memory,
# which a non-shared import cannot bind to). Same checks: only env.memory, now shared; no data.
$(BUILD)/pixels-mt.wasm: $(PIXELS_SRC)
	@mkdir -p $(BUILD)
	npx asc native/pixels/index.ts -o $(BUILD)/pixels-mt.tmp.wasm --importMemory --sharedMemory --maximumMemory 65536 \
	  --enable threads --runtime stub -O3 --noAssert --enable simd
	@imports=$$(wasm-objdump -x -j Import $(BUILD)/pixels-mt.tmp.wasm | grep ' <- '); \
	  if [ "$$(echo "$$imports" | grep -c .)" != "1" ] || ! echo "$$imports" | grep -q 'shared <- env\.memory$$'; then \
	    echo "pixels-mt.wasm must import only a shared env.memory, has: $$imports"; exit 1; fi
	@if wasm-objdump -h $(BUILD)/pixels-mt.tmp.wasm | grep -q ' Data '; then echo "pixels-mt.wasm must have no data segment"; exit 1; fi
	mv $(BUILD)/pixels-mt.tmp.wasm $(BUILD)/pixels-mt.wasm

pixels-mt: $(BUILD)/pixels-mt.wasm

# dist/: node.js (loads vidwasm.wasm next to it), browser.js (init() fetches it next to it; no
# node: import anywhere in its graph; @ffmpeg/ffmpeg, imported only when a video is decoded, stays
# a package import so that the user's bundler handles its worker, which Vite would otherwise look
# for next to browser.js), browser-worker.js (the DataLoader's Web Worker, self-contained, as it is
# loaded by URL), wasi.js (browser_wasi_shim
# hosts, no automatic load), cli.js (the `vidwasm` bin), web/demo.js (the demo page script that
# `vidwasm serve` serves at /demo.js, beside the .wasm files), the .wasm files and type declarations.
build: wasm wasm-mt wasm-relaxed wasi pixels pixels-mt
	npx tsc -p tsconfig.build.json
	npx esbuild ts/node.ts --bundle --platform=node --format=esm --outfile=dist/node.js --packages=external
	npx esbuild ts/browser.ts --bundle --platform=browser --format=esm --outfile=dist/browser.js --external:@ffmpeg/ffmpeg
	npx esbuild ts/wasi.ts --bundle --platform=neutral --format=esm --outfile=dist/wasi.js --packages=external
	npx esbuild ts/cli/main.ts --bundle --platform=node --format=esm --outfile=dist/cli.js --packages=external --banner:js='#!/usr/bin/env node'
	npx esbuild ts/data/loader/worker.ts --bundle --platform=node --format=esm --outfile=dist/worker.js --packages=external
	npx esbuild ts/data/loader/worker.ts --bundle --platform=browser --format=esm --outfile=dist/browser-worker.js
	npx esbuild ts/demo/page_main.ts --bundle --platform=browser --format=esm --target=es2022 --outfile=dist/web/demo.js
	chmod +x dist/cli.js
	cp $(BUILD)/vidwasm.wasm dist/vidwasm.wasm
	cp $(BUILD)/vidwasm-mt.wasm dist/vidwasm-mt.wasm
	cp $(BUILD)/vidwasm-relaxed.wasm dist/vidwasm-relaxed.wasm
	cp $(BUILD)/vidwasm-cmd.wasm dist/vidwasm-cmd.wasm
	cp $(BUILD)/pixels.wasm dist/pixels.wasm
	cp $(BUILD)/pixels-mt.wasm dist/pixels-mt.wasm

# The host tests need the WASI command too (jco runs it); both come from the same kernel objects.
test: gen-check wasm wasm-mt wasm-relaxed wasi pixels pixels-mt
	VIDWASM_WASM=$(abspath $(BUILD))/vidwasm.wasm VIDWASM_WASM_MT=$(abspath $(BUILD))/vidwasm-mt.wasm node test/run.mjs

bench: wasm wasm-relaxed
	npx tsx bench/run.ts $(SUITE)

# The README's main command. The demo decodes through the pixel kernels too. DEMO_ARGS=--quick for the short one.
demo: wasm pixels
	VIDWASM_WASM=$(abspath $(BUILD))/vidwasm.wasm npx tsx ts/cli/main.ts demo $(DEMO_ARGS)

clean:
	rm -rf wasm/obj wasm/obj-mt wasm/obj-relaxed wasm/*.wasm dist
