// A tiny static server for browser tests: in-memory files plus an optional directory (e.g.
// dist/), with the COOP/COEP headers that make a page cross-origin isolated (SharedArrayBuffer,
// wasm threads) — the headers a real deployment of vidwasm needs too.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.bin': 'application/octet-stream',
};

export interface Served { url: string; close(): Promise<void>; requests: string[] }

/** isolated: false leaves out COOP/COEP, as most hosting does (no SharedArrayBuffer, no threads). */
export async function serve(files: Record<string, Uint8Array | string>, dir?: string, { isolated = true } = {}): Promise<Served> {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const asked = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const path = asked.endsWith('/') ? `${asked}index.html` : asked;
    requests.push(path);
    const headers = {
      ...isolated ? {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Cross-Origin-Resource-Policy': 'same-origin',
      } : {},
      'Cache-Control': 'no-store',
      'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
    };
    let body: Uint8Array | string | undefined = files[path];
    if (body === undefined && dir && !normalize(path).includes('..')) {
      body = await readFile(join(dir, normalize(path))).catch(() => undefined);
    }
    if (body === undefined) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength });
    res.end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
