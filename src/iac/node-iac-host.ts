import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { jsonNestingDepth } from '../core/inventory/input-limits.js';
import { readRegularFile } from '../io/read-regular-file.js';
import type { BicepCompile, IacHost } from './iac-format.js';

/**
 * The real file system as an IacHost; paths are shown relative to `cwd`. Files are read synchronously:
 * for thousands of small files one blocking read is several times faster than fs.promises' open/stat/read/close
 * round trips through the thread pool, and a CLI scan has nothing else to do meanwhile.
 */
/** Bytes of one IaC file ward reads (README, "Guarantees and limits"). */
export const IAC_FILE_BYTES = 64 * 1024 * 1024;
/** Nesting of a JSON IaC file (ARM templates, plan JSON, .tf.json): real ones stay under 30. */
export const IAC_JSON_DEPTH = 128;

/**
 * The text of an IaC file: a regular file (never a FIFO or a device, which would hang or never end) of at most
 * IAC_FILE_BYTES, holding text (no NUL byte: a binary file named x.tf is an error row, not an empty module).
 */
export function readIacText(file: string): string {
  const bytes = readRegularFile(file, IAC_FILE_BYTES);
  if (bytes.includes(0)) throw new Error('not a text file (it holds NUL bytes)');
  const text = bytes.toString('utf8');
  // the JSON parser and the template evaluator recurse: a file nested thousands deep is refused before either runs
  if (file.endsWith('.json')) {
    const depth = jsonNestingDepth(text);
    if (depth > IAC_JSON_DEPTH) throw new Error(`nested ${depth.toLocaleString('en-US')} levels deep (limit ${IAC_JSON_DEPTH})`);
  }
  return text;
}

export function nodeIacHost(cwd: string, compileBicep?: BicepCompile): IacHost {
  return {
    readText: async (file) => readIacText(file),
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
