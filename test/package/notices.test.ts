// THIRD_PARTY_NOTICES.md lists exactly the runtime dependency closure of package-lock.json.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('THIRD_PARTY_NOTICES.md is up to date with package-lock.json', () => {
  const r = spawnSync(process.execPath, ['scripts/notices.mjs', '--check'], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
});

test('every runtime dependency in package.json is listed with its licence', () => {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { dependencies: Record<string, string> };
  const notices = readFileSync(`${root}THIRD_PARTY_NOTICES.md`, 'utf8');
  for (const name of Object.keys(pkg.dependencies)) {
    const { version, license } = JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, 'utf8')) as { version: string; license: string };
    assert.ok(notices.includes(`| ${name} | ${version} | ${license} |`), `${name} ${version} (${license}) missing`);
  }
});

test.run();
