/**
 * Running the README's recipes as a user does: the commands read from README.md, run through `sh` and `npx` in a
 * project directory of their own (ward as `npm ci` leaves it), with an empty npm cache and none of this process's
 * npm, Azure or ward settings.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** The shell lines of the first ```sh block after the heading `heading` in README.md, comments dropped. */
export function readmeShellBlock(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n${heading}\n`);
  assert.notEqual(start, -1, `README.md has a section ${heading}`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start));
  assert.ok(block, `the section ${heading} has a sh block`);
  return block[1]!
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** A project directory that is ward as `npm ci` leaves it (links into this checkout), where npx finds `ward`. */
export function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ward-readme-recipe-'));
  copyFileSync(join(REPO, 'package.json'), join(dir, 'package.json'));
  for (const entry of ['bin', 'dist', 'controls', 'schema', 'samples', 'node_modules']) symlinkSync(join(REPO, entry), join(dir, entry));
  return dir;
}

/** The environment of a user's shell: none of this process's npm, Azure or ward settings, and an empty npm cache. */
export function userEnv(cache: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|AZURE_|WARD_|NODE_OPTIONS$|NODE_EXTRA_CA_CERTS$)/i.test(name)));
  return { ...env, npm_config_cache: cache, npm_config_update_notifier: 'false', NO_COLOR: '1' };
}

export function collect(child: ChildProcess): { out: () => string; err: () => string; exited: Promise<number | null> } {
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return { out: () => out, err: () => err, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

