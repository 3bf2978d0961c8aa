// WASI-shim entry (for apps that run on @bjorn3/browser_wasi_shim, in a worker or a page): no
// automatic load. Call init(bytes | module | 'path/in/the/shim/dir', { dir }) first; the kernel
// module needs no WASI imports, so this is the same loader as the Node and browser entries.
// Also exports the tools to run the real WASI command (vidwasm-cmd.wasm) under the shim, and
// the inference-plan runner that the command and the JS hosts share.
export { initWasi as init, initWasi, runWasiCommand, runPlanCommand, commandArgs, commandStdin, readShimFile } from './runtime/hosts/wasi.js';
export { Plan, loadPlan, encodePlan, decodePlan, validatePlan, PlanError, type PlanData } from './runtime/hosts/plan.js';
export * from './index.js';
