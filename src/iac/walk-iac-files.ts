import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { WardError } from '../core/errors.js';

/** Directories never scanned: provider caches, dependencies, git internals. */
const SKIPPED_DIRECTORIES = new Set(['.terraform', 'node_modules', '.git']);
/** Extensions a directory walk collects; a file named on the command line is read whatever its name. */
const SOURCE_FILE = /\.(?:tf|json|bicep)$/;

interface IgnoreLevel {
  readonly base: string;
  readonly rules: Ignore;
}

/**
 * Lists the files to scan under `paths` (files or directories), sorted. Directory walks honour every
 * `.gitignore` from the enclosing git repository's root down, and skip `.terraform/`, `node_modules/`
 * and `.git/`. A path that does not exist is an input error.
 */
export async function walkIacFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  // real paths of the directories walked: a symbolic link to a directory is followed once, a loop never
  const visited = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let info;
    try {
      info = await stat(absolute);
    } catch {
      throw new WardError('NOT_FOUND', `no such file or directory: ${given}`, { hint: 'pass files or folders that exist (default: the current folder)' });
    }
    if (info.isFile()) found.add(absolute);
    else if (info.isDirectory()) await walk(absolute, await ancestorIgnores(absolute), found, visited);
  }
  return [...found].sort();
}

async function walk(directory: string, levels: readonly IgnoreLevel[], found: Set<string>, visited: Set<string>): Promise<void> {
  const real = await realpath(directory).catch(() => directory);
  if (visited.has(real)) return;
  visited.add(real);
  const own = await readIgnoreFile(directory);
  const chain = own ? [...levels, own] : levels;
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    throw new WardError('IAC_INVALID', `cannot list folder: ${(error as Error).message}`, { location: { file: directory } });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    // a symbolic link is judged by what it points at (a dangling one is listed, and its read error reported)
    const target = entry.isSymbolicLink() ? await stat(full).catch(() => undefined) : undefined;
    if (entry.isDirectory() || target?.isDirectory()) {
      if (SKIPPED_DIRECTORIES.has(entry.name) || isIgnored(chain, full, true)) continue;
      await walk(full, chain, found, visited);
    } else if (SOURCE_FILE.test(entry.name) && !isIgnored(chain, full, false)) {
      // any other entry with a source name (a FIFO, a device, a socket) is listed, so reading it reports an error row
      found.add(full);
    }
  }
}

/** The deepest .gitignore with an opinion decides (a `!pattern` below re-includes what a parent ignored). */
function isIgnored(levels: readonly IgnoreLevel[], file: string, directory: boolean): boolean {
  for (let index = levels.length - 1; index >= 0; index--) {
    const level = levels[index];
    if (!level) continue;
    const relative = path.relative(level.base, file).split(path.sep).join('/');
    if (!relative || relative.startsWith('..')) continue;
    const verdict = level.rules.test(directory ? `${relative}/` : relative);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

async function readIgnoreFile(directory: string): Promise<IgnoreLevel | undefined> {
  try {
    const text = await readFile(path.join(directory, '.gitignore'), 'utf8');
    return { base: directory, rules: ignore().add(text) };
  } catch {
    return undefined;
  }
}

/** .gitignore files of the folders between the enclosing repository's root and `directory` (exclusive). */
async function ancestorIgnores(directory: string): Promise<IgnoreLevel[]> {
  const ancestors: string[] = [];
  let current = path.dirname(directory);
  let root: string | undefined;
  if (await exists(path.join(directory, '.git'))) return [];
  while (current !== path.dirname(current)) {
    ancestors.unshift(current);
    if (await exists(path.join(current, '.git'))) {
      root = current;
      break;
    }
    current = path.dirname(current);
  }
  if (root === undefined) return [];
  const levels: IgnoreLevel[] = [];
  for (const ancestor of ancestors) {
    const level = await readIgnoreFile(ancestor);
    if (level) levels.push(level);
  }
  return levels;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
