// Imported first by tests of the single-thread module over a plain (non-shared) memory, the one a
// browser page without cross-origin isolation runs: the Node entry would otherwise start on the
// shared-memory module (ts/runtime/hosts/node.ts).
process.env.VIDWASM_SHARED_MEMORY = '0';
