/**
 * Reads a file ward takes as input (a capture body, an IaC file): only a regular file of at most `limit` bytes.
 * It is opened without blocking and checked on the open descriptor, so a FIFO never hangs the read and a device
 * such as /dev/zero (behind a symlink, say) is refused before anything is read. Throws a RegularFileError whose
 * message says what is wrong in a few words; callers add the file and their hint.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

export class RegularFileError extends Error {
  constructor(
    readonly kind: 'unreadable' | 'not-regular' | 'too-large',
    message: string,
  ) {
    super(message);
  }
}

export function readRegularFile(path: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new RegularFileError('unreadable', (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new RegularFileError('not-regular', 'not a regular file');
    if (info.size > limit) throw new RegularFileError('too-large', `${info.size.toLocaleString('en-US')} bytes, past the limit of ${limit.toLocaleString('en-US')}`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
