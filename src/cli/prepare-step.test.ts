/**
 * bin/prepare.js, npm's `prepare` step (here, not beside it: the test runner walks src/, controls/ and scripts/):
 * it links ward into the project's node_modules/.bin, builds under `npm ci` / `npm install`, and does not build again
 * under `npx`, which runs the step when it links the project into its cache (that build made the first
 * `npx ward` after `npm ci` take about 10 s). Run in a copy of the project whose build is a recording stand-in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** A project with ward's package.json and prepare step, and an `npm` that only records what it was asked to run. */
function projectCopy(): { dir: string; fakeNpm: string; calls: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ward-prepare-'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(REPO, 'package.json'), join(dir, 'package.json'));
  copyFileSync(join(REPO, 'bin', 'prepare.js'), join(dir, 'bin', 'prepare.js'));
  writeFileSync(join(dir, 'bin', 'ward.js'), '');
  const calls = join(dir, 'npm-calls.txt');
  const fakeNpm = join(dir, 'fake-npm.cjs');
  writeFileSync(fakeNpm, `require('node:fs').appendFileSync(${JSON.stringify(calls)}, process.argv.slice(2).join(' ') + '\\n');\n`);
  return { dir, fakeNpm, calls };
}

function prepare(dir: string, env: Record<string, string>): void {
  execFileSync(process.execPath, [join(dir, 'bin', 'prepare.js')], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' });
}

test('under npm ci it links node_modules/.bin/ward to bin/ward.js and builds', () => {
  const { dir, fakeNpm, calls } = projectCopy();
  try {
    prepare(dir, { npm_command: 'ci', npm_execpath: fakeNpm });
    assert.equal(readlinkSync(join(dir, 'node_modules', '.bin', 'ward')), join('..', '..', 'bin', 'ward.js'), 'relative, as npm links');
    assert.equal(readFileSync(calls, 'utf8'), 'run build\n');
    prepare(dir, { npm_command: 'install', npm_execpath: fakeNpm }); // again: the link is replaced, not an error
    assert.equal(readFileSync(calls, 'utf8'), 'run build\nrun build\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('under npx it links but does not build a project that is built; an unbuilt one it builds', () => {
  const { dir, fakeNpm, calls } = projectCopy();
  try {
    prepare(dir, { npm_command: 'exec', npm_execpath: fakeNpm });
    assert.equal(readFileSync(calls, 'utf8'), 'run build\n', 'nothing built yet (no dist/bundle/main.js): build');
    mkdirSync(join(dir, 'dist', 'bundle'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'bundle', 'main.js'), '');
    rmSync(join(dir, 'node_modules'), { recursive: true });
    prepare(dir, { npm_command: 'exec', npm_execpath: fakeNpm });
    assert.equal(readFileSync(calls, 'utf8'), 'run build\n', 'built: npx does not build again');
    assert.equal(readlinkSync(join(dir, 'node_modules', '.bin', 'ward')), join('..', '..', 'bin', 'ward.js'), 'linked again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('package.json runs it as the prepare step', () => {
  const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.equal(scripts.prepare, 'node bin/prepare.js');
  assert.match(scripts.build ?? '', /^tsc /);
});
