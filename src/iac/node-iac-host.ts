import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { BicepCompile, IacHost } from './iac-format.js';

/**
 * The real file system as an IacHost; paths are shown relative to `cwd`. Files are read synchronously:
 * for thousands of small files one blocking read is several times faster than fs.promises' open/stat/read/close
 * round trips through the thread pool, and a CLI scan has nothing else to do meanwhile.
 */
export function nodeIacHost(cwd: string, compileBicep?: BicepCompile): IacHost {
  return {
    readText: async (file) => readFileSync(file, 'utf8'),
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
