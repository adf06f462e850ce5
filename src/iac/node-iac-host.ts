import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BicepCompile, IacHost } from './iac-format.js';

/** The real file system as an IacHost; paths are shown relative to `cwd`. */
export function nodeIacHost(cwd: string, compileBicep?: BicepCompile): IacHost {
  return {
    readText: (file) => readFile(file, 'utf8'),
    listDir: async (directory) => {
      try {
        return await readdir(directory);
      } catch {
        return [];
      }
    },
    compileBicep,
    displayPath: (file) => {
      const relative = path.relative(cwd, file);
      return (relative === '' ? path.basename(file) : relative).split(path.sep).join('/');
    },
  };
}
