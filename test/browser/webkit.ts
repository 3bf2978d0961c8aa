// WebKitGTK for the engine matrix: Debian's WebKitWebDriver (webkit2gtk-driver) drives its
// MiniBrowser on an Xvfb display of its own (WebKitGTK has no headless mode and needs a display). The W3C WebDriver protocol
// needed here is four JSON requests (new session, navigate, execute async script, delete), so
// this is a small client of its own rather than a driver library.
//
// JavaScriptCore hides SharedArrayBuffer unless JSC_useSharedArrayBuffer=true is in the browser's
// environment (even on a cross-origin-isolated page), so `sharedArrayBuffer` picks the variant.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.VIDWASM_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const XVFB = '/usr/bin/Xvfb';

/** Fails with a clear message when WebKitGTK's driver, browser or Xvfb is missing (make setup installs them). */
export function requireWebKit(): void {
  for (const [path, pkg] of [[WEBKIT_DRIVER, 'webkit2gtk-driver'], [MINIBROWSER, 'webkit2gtk-driver'], [XVFB, 'xvfb']]) {
    if (!existsSync(path)) throw new Error(`${path} not found: install Debian's ${pkg} (make setup)`);
  }
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export interface WebDriverSession {
  /** Runs `script` (the body of a function whose last argument is the done callback) and returns what it passed to done. */
  executeAsync(script: string, args: unknown[]): Promise<unknown>;
  navigate(url: string): Promise<void>;
  close(): Promise<void>;
}

/** A process in its own group, ended (with its children) by the returned function, at the latest when this process exits. */
function spawnGroup(cmd: string, args: string[], opts: Parameters<typeof spawn>[2]): { child: ChildProcess; kill(): void } {
  const child = spawn(cmd, args, { ...opts, detached: true });
  const kill = () => {
    process.off('exit', kill);
    try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
  };
  process.once('exit', kill);
  return { child, kill };
}

/** An Xvfb server on a display number it picks itself (-displayfd: no race with other Xvfb servers). */
async function startXvfb(): Promise<{ display: string; kill(): void }> {
  const x = spawnGroup(XVFB, ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x800x24'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let out = '', log = '';
  x.child.stderr!.on('data', (d) => { log = (log + d).slice(-2000); });
  try {
    const n = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`Xvfb gave no display within 30 s: ${log}`)), 30_000);
      x.child.stdio[3]!.on('data', (d) => { out += d; if (out.includes('\n')) { clearTimeout(timer); ok(out.trim()); } });
      x.child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`Xvfb exited (${code}): ${log}`)); });
    });
    return { display: `:${n}`, kill: x.kill };
  } catch (e) { x.kill(); throw e; }
}

/** Starts Xvfb and WebKitWebDriver and opens one MiniBrowser session. */
export async function launchWebKit(opts: { sharedArrayBuffer: boolean; scriptTimeoutMs: number }): Promise<WebDriverSession> {
  requireWebKit();
  const [xvfb, port] = await Promise.all([startXvfb(), freePort()]);
  const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: xvfb.display };
  if (opts.sharedArrayBuffer) env.JSC_useSharedArrayBuffer = 'true';
  else delete env.JSC_useSharedArrayBuffer;
  const driver = spawnGroup(WEBKIT_DRIVER, [`--port=${port}`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = () => { driver.kill(); xvfb.kill(); };
  let log = '';
  driver.child.stderr!.on('data', (d) => { log = (log + d).slice(-2000); });
  const base = `http://127.0.0.1:${port}`;
  const request = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json() as { value: unknown };
    if (!res.ok) throw new Error(`WebKitWebDriver ${method} ${path}: HTTP ${res.status} ${JSON.stringify(json.value)}`);
    return json.value;
  };
  try {
    for (let t0 = Date.now(); ; await new Promise((r) => setTimeout(r, 100))) {
      if (driver.child.exitCode !== null) throw new Error(`WebKitWebDriver exited (${driver.child.exitCode}): ${log}`);
      if (await request('GET', '/status').then(() => true, () => false)) break;
      if (Date.now() - t0 > 30_000) throw new Error(`WebKitWebDriver did not answer on port ${port} within 30 s: ${log}`);
    }
    const session = await request('POST', '/session', {
      capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
    }) as { sessionId: string };
    const s = `/session/${session.sessionId}`;
    await request('POST', `${s}/timeouts`, { script: opts.scriptTimeoutMs, pageLoad: 60_000 });
    return {
      executeAsync: (script, args) => request('POST', `${s}/execute/async`, { script, args }),
      navigate: async (url) => { await request('POST', `${s}/url`, { url }); },
      close: async () => {
        await request('DELETE', s).catch(() => {});
        stop();
      },
    };
  } catch (e) {
    stop();
    throw e;
  }
}
