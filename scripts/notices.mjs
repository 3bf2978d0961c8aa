#!/usr/bin/env node
// Writes THIRD_PARTY_NOTICES.md: every package a user's `npm i vidwasm` installs (the runtime
// dependency closure recorded in package-lock.json, i.e. entries not marked dev) with its version
// and licence. The lock file is the single source; `--check` fails when the committed file differs
// (test/package/notices.test.ts runs it), so a new dependency cannot land unlisted.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const lock = JSON.parse(readFileSync(`${root}package-lock.json`, 'utf8'));
const rows = Object.entries(lock.packages)
  .filter(([path, info]) => path.startsWith('node_modules/') && !info.dev)
  .map(([path, info]) => ({ name: path.slice('node_modules/'.length), version: info.version, license: info.license ?? 'UNKNOWN' }))
  .sort((a, b) => a.name.localeCompare(b.name));

const text = `# Third-party notices

vidwasm itself is Apache-2.0 (see LICENSE). Installing it also installs the packages below (its
runtime dependencies and theirs). This file is generated from package-lock.json by
\`node scripts/notices.mjs\`; do not edit it by hand.

| package | version | licence |
|---|---|---|
${rows.map((r) => `| ${r.name} | ${r.version} | ${r.license} |`).join('\n')}

**@ffmpeg/core is GPL-2.0-or-later.** It is the compiled FFmpeg that vidwasm's video and audio
decoding runs on (\`EncodedVideo\`, the datasets that read video files, the CLI's decoding commands).
See the README's "Licensing" section for what that means when you redistribute it.
`;

const out = `${root}THIRD_PARTY_NOTICES.md`;
if (process.argv.includes('--check')) {
  let current = '';
  try { current = readFileSync(out, 'utf8'); } catch { /* missing counts as stale */ }
  if (current !== text) {
    console.error('THIRD_PARTY_NOTICES.md is out of date with package-lock.json: run `node scripts/notices.mjs`');
    process.exit(1);
  }
} else writeFileSync(out, text);
