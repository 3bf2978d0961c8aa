// `vidwasm serve [--port 8080] [--host 127.0.0.1] [--dir DIR]`: the browser demo page on a local
// static server. Every response carries COOP/COEP (the page is cross-origin isolated, so
// SharedArrayBuffer and wasm threads work) and the right MIME type (wasm must be
// application/wasm for streaming compilation). Routes:
//   /                        the demo page (ts/demo/page.ts demoPageHtml)
//   /demo.js                 the bundled page script (ts/demo/page_main.ts)
//   /vidwasm.wasm, /pixels.wasm (+ the -mt builds when present)   the kernel modules
//   /ffmpeg/*, /ffmpeg-core/*  @ffmpeg/ffmpeg's and @ffmpeg/core's dist/esm (page ?decoder=ffmpeg)
//   /zoo/<path of a zoo checkpoint>  the checkpoint, fetched by this process (zoo.pretrainedWeights:
//                            verified, cached, torch hub's cache reused) for the page's pretrained
//                            mode: the page cannot fetch the zoo itself under COEP without CORS
//   anything else            a file under --dir, if given; 404 otherwise
// Paths that climb out of a served root ('..' after decoding, or a symlink whose target is
// outside it) get 403. Requests whose Host header names another host get 403 too: a page on
// another site that points its own DNS name at 127.0.0.1 (DNS rebinding) must not read --dir.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { createReadStream, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, parseArgs, UsageError } from './args.js';
import { wasmPath } from '../runtime/hosts/node.js';
import { pixelsPath } from '../data/pixels.js';
import { demoPageHtml } from '../demo/page.js';
import { listModels, modelInfo } from '../zoo/registry.js';
import { pretrainedWeights, weightsLocation } from '../zoo/download.js';

export const HELP = `usage: vidwasm serve [--port 8080] [--host 127.0.0.1] [--dir DIR]

Serves the browser demo page: open the printed URL, press Train to train a small X3D for a few
steps in the tab, then drop a video on the page to classify it (add ?decoder=ffmpeg to the URL to
decode with ffmpeg.wasm instead of the browser's <video>). Responses carry the COOP/COEP headers
that let the page use wasm threads. Ctrl-C stops the server.

options:
  --port N      TCP port (0 picks a free one; default 8080)
  --host H      address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 opens the
                page and --dir to every machine that can reach this one)
  --dir DIR     also serve the files under DIR (e.g. your videos) at /<path>`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.txt': 'text/plain; charset=utf-8',
  '.mp4': 'video/mp4', '.m4v': 'video/mp4', '.webm': 'video/webm', '.mkv': 'video/x-matroska', '.mov': 'video/quicktime', '.avi': 'video/x-msvideo',
};
const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The page script. From a source checkout (ts/cli/serve.ts) it is bundled now with esbuild, so it
 * always matches the sources and the wasm/ build next to them; from the package (dist/cli.js) it
 * is dist/web/demo.js, bundled by `make build`.
 */
async function demoScript(): Promise<Uint8Array> {
  const entry = join(here, '../demo/page_main.ts');
  const built = [join(here, 'web', 'demo.js'), join(here, '../../dist/web/demo.js')].find((p) => existsSync(p));
  if (existsSync(entry)) {
    let esbuild: typeof import('esbuild') | null = null;
    try { esbuild = await import('esbuild'); } catch { /* not installed: fall back to a built bundle */ }
    if (esbuild) {
      const out = await esbuild.build({
        entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
        write: false, logLevel: 'silent', external: ['node:*'],
      });
      return out.outputFiles[0].contents;
    }
  }
  if (built) return readFileSync(built);
  throw new CliError('serve: the demo page script is missing: run `make build` (dist/web/demo.js), or install esbuild (npm i -D esbuild) to bundle it from the sources');
}

/** A package's dist/esm folder, or null when it is not installed. */
function esmDir(pkg: string): string | null {
  for (const from of [import.meta.url, join(process.cwd(), 'x.js')]) {
    try {
      const main = createRequire(from).resolve(pkg);
      const dir = join(main.replace(/[\\/]dist[\\/].*$/, ''), 'dist', 'esm');
      if (existsSync(dir)) return dir;
    } catch { /* try the next */ }
  }
  return null;
}

/** The kernel modules to serve: name -> host path (the -mt builds only when found). */
function wasmFiles(): Record<string, string> {
  const files: Record<string, string> = { 'vidwasm.wasm': wasmPath() };
  const near = (name: string) => [join(dirname(files['vidwasm.wasm']), name)].find((p) => existsSync(p));
  let px: string | null = null;
  try { px = pixelsPath('single'); } catch { /* reported below */ }
  px ??= near('pixels.wasm') ?? null;
  if (px) files['pixels.wasm'] = px;
  else console.error('vidwasm serve: pixels.wasm not found (run `make pixels`): the page trains, but video transforms are unavailable');
  for (const name of ['vidwasm-mt.wasm', 'pixels-mt.wasm']) {
    const p = near(name);
    if (p) files[name] = p;
  }
  return files;
}

/**
 * Resolves a request path under root (itself a real path), or 'outside' when it would leave
 * root: by '..', or through a symlink anywhere on the way (the real path must stay inside).
 */
function under(root: string, rel: string): string | 'outside' {
  if (rel.split('/').some((s) => s === '..') || rel.includes('\\') || rel.includes('\0')) return 'outside';
  const inside = (p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
  const p = resolve(root, `.${rel.startsWith('/') ? rel : `/${rel}`}`);
  if (!inside(p)) return 'outside';
  let real: string;
  try { real = realpathSync(p); } catch { return p; } // missing: a 404 from sendFile
  return inside(real) ? real : 'outside';
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The Host header values this server answers: localhost, the loopback addresses, the bound
 * host, and (bound to every interface) any IP address, which no DNS name can stand for.
 */
export function hostAllowed(header: string | undefined, bound: string): boolean {
  if (!header) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(header.trim().toLowerCase());
  if (!m) return false;
  const name = m[1];
  const b = bound.toLowerCase();
  if (name === 'localhost' || name === '127.0.0.1' || name === '[::1]') return true;
  if (name === b || name === `[${b}]`) return true;
  return WILDCARDS.has(b) && isIP(name.replace(/^\[|\]$/g, '')) !== 0;
}

export interface ServeOptions { port: number; host: string; dir?: string }
export interface Serving { url: string; port: number; close(): Promise<void> }

/** Starts the server (also usable from code); resolves once it listens. */
export async function startServer(o: ServeOptions): Promise<Serving> {
  const page = demoPageHtml({ script: './demo.js', zooBaseUrl: '/zoo' });
  const zooFiles = new Map(listModels().map((n) => [weightsLocation(modelInfo(n), 'x').rel, n]));
  const script = await demoScript();
  const wasm = wasmFiles();
  const real = (d: string | null) => (d ? realpathSync(d) : null);
  const roots: [string, string | null][] = [['/ffmpeg/', real(esmDir('@ffmpeg/ffmpeg'))], ['/ffmpeg-core/', real(esmDir('@ffmpeg/core'))]];
  if (roots.some(([, d]) => !d)) console.error('vidwasm serve: @ffmpeg/ffmpeg or @ffmpeg/core not installed: the page\'s ?decoder=ffmpeg mode will not work');
  const dir = o.dir ? real(resolve(o.dir)) : null;
  if (WILDCARDS.has(o.host)) {
    console.error(`vidwasm serve: warning: --host ${o.host} listens on every network interface: any machine that can reach this one can load the page${dir ? ` and every file under ${dir}` : ''}`);
  }

  const send = (res: ServerResponse, status: number, type: string, body?: Uint8Array | string) => {
    res.writeHead(status, { ...HEADERS, 'Content-Type': type });
    res.end(body);
  };
  const sendFile = (req: IncomingMessage, res: ServerResponse, path: string) => {
    let st;
    try { st = statSync(path); } catch { st = null; }
    if (!st?.isFile()) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    res.writeHead(200, { ...HEADERS, 'Content-Type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': st.size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(path).on('error', () => res.destroy()).pipe(res);
  };

  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    if (!hostAllowed(req.headers.host, o.host)) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden host\n');
    let path: string;
    try { path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname); } catch { return send(res, 400, 'text/plain; charset=utf-8', 'bad request\n'); }
    const body = (type: string, data: Uint8Array | string) => send(res, 200, type, req.method === 'HEAD' ? undefined : data);
    if (path === '/' || path === '/index.html') return body(TYPES['.html'], page);
    if (path === '/demo.js') return body(TYPES['.js'], script);
    if (path === '/favicon.ico') return send(res, 204, 'image/x-icon'); // no icon, and no 404 in the console
    const name = path.slice(1);
    if (wasm[name]) return sendFile(req, res, wasm[name]);
    const model = path.startsWith('/zoo/') ? zooFiles.get(path.slice(5)) : undefined;
    if (model) {
      pretrainedWeights(model).then((file) => sendFile(req, res, file as string),
        (e: Error) => send(res, 502, 'text/plain; charset=utf-8', `${e.message}\n`));
      return;
    }
    for (const [prefix, root] of roots) {
      if (!path.startsWith(prefix)) continue;
      if (!root) break;
      const p = under(root, path.slice(prefix.length));
      return p === 'outside' ? send(res, 403, 'text/plain; charset=utf-8', 'forbidden\n') : sendFile(req, res, p);
    }
    if (dir) {
      const p = under(dir, path);
      return p === 'outside' ? send(res, 403, 'text/plain; charset=utf-8', 'forbidden\n') : sendFile(req, res, p);
    }
    if (path.split('/').includes('..')) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden\n');
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => fail(
      e.code === 'EADDRINUSE' ? new CliError(`serve: port ${o.port} on ${o.host} is already in use (pick another with --port, or --port 0)`)
        : e.code === 'EACCES' ? new CliError(`serve: not allowed to listen on ${o.host}:${o.port} (ports below 1024 need privileges)`)
          : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' ? new CliError(`serve: cannot listen on host ${o.host} (${e.code})`) : e));
    server.listen(o.port, o.host, () => ok());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs('serve', argv, { port: { kind: 'int', min: 0 }, host: { kind: 'string' }, dir: { kind: 'string' } });
  const port = (p.opts.port as number | undefined) ?? 8080;
  if (port > 65535) throw new UsageError(`serve: --port needs an integer from 0 to 65535, got '${port}'`);
  const host = (p.opts.host as string | undefined) ?? '127.0.0.1';
  if (!host.trim()) throw new UsageError('serve: --host needs an address');
  const dir = p.opts.dir as string | undefined;
  if (dir !== undefined) {
    let st;
    try { st = statSync(dir); } catch { throw new CliError(`serve: --dir ${dir}: no such directory`); }
    if (!st.isDirectory()) throw new CliError(`serve: --dir ${dir}: not a directory`);
  }
  const s = await startServer({ port, host, dir });
  console.log(`vidwasm demo page: ${s.url}  (Ctrl-C to stop)`);
  // Serve until SIGINT/SIGTERM, then close the sockets and exit 0.
  await new Promise<void>((done) => {
    const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); done(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await s.close();
  return 0;
}
