// The Web Worker of the loader test, bundled as one file: vidwasm's loader worker entry plus the
// transform (default export, a factory). The page gives this file's URL as both workerUrl and
// transformModule, so the transform is imported from the worker's own module instance and uses
// the worker's vidwasm memory.
import '../../ts/data/loader/worker.js';
import * as T from '../../ts/data/transforms/index.js';
import { chain } from './loader_workers_chain.js';

export default () => chain(T);
