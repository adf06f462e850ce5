import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { WardError } from '../core/errors.js';
import type { Control, ControlDescription } from '../core/model.js';
import { parseControl, type CheckCompiler } from '../core/control/parse-control.js';

/** Every folder below `root` that holds a control.yaml, sorted. */
export function findControlDirs(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((entry) => entry.isFile() && entry.name === 'control.yaml')) {
      found.push(dir);
      return;
    }
    for (const entry of entries) if (entry.isDirectory() && entry.name !== 'fixtures' && !entry.name.startsWith('.')) walk(join(dir, entry.name));
  };
  walk(root);
  return found.sort();
}

/**
 * Reads and validates every control below `root`; the first invalid file stops the load with its location. With a
 * compiler their checks are compiled (Control); without one (null) they are described (ControlDescription, for the
 * commands that run no check: no GraphQL is loaded).
 */
export function loadControlsDir(root: string, compiler: CheckCompiler, cwd?: string): Control[];
export function loadControlsDir(root: string, compiler: null, cwd?: string): ControlDescription[];
export function loadControlsDir(root: string, compiler: CheckCompiler | null, cwd = process.cwd()): (Control | ControlDescription)[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new WardError('CONTROL_INVALID', `controls directory ${root} does not exist`);
  }
  const display = (path: string): string => {
    const shown = relative(cwd, path);
    return shown.startsWith('..') ? path : shown || '.';
  };
  const controls = findControlDirs(root).map((dir) => {
    const checkFiles = new Map<string, string>();
    for (const name of readdirSync(dir)) if (name.endsWith('.graphql')) checkFiles.set(name, readFileSync(join(dir, name), 'utf8'));
    const yamlPath = join(dir, 'control.yaml');
    const files = { folderName: basename(dir), directory: display(dir), yamlPath: display(yamlPath), yamlText: readFileSync(yamlPath, 'utf8'), checkFiles };
    return compiler === null ? parseControl(files, null) : parseControl(files, compiler);
  });
  const ids = new Set<string>();
  for (const control of controls) {
    if (ids.has(control.id)) throw new WardError('CONTROL_INVALID', `two controls have the id ${control.id}`, { location: { file: control.directory } });
    ids.add(control.id);
  }
  return controls;
}
