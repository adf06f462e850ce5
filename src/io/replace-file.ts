import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `text` to `file` with exactly `mode`: into a new file beside it (created exclusively, so nothing already
 * there, not even a symlink, is opened), flushed, then renamed over `file`. An existing file is replaced, never
 * rewritten in place with the mode it had; a symlink at `file` is replaced, never followed. Readers see the old
 * file or the whole new one.
 */
export async function replaceFile(file: string, text: string, mode: number): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', mode);
  try {
    try {
      await handle.chmod(mode); // the umask narrows the mode `open` sets; the file gets exactly this one
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
