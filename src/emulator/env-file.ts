/**
 * The emulator's env file: NAME=value lines that `set -a; . FILE; set +a` loads. Values are single-quoted for the
 * shell when they hold anything but plain characters; `parseEnvFile` reads them back the way the shell would.
 * `replaceFile` writes it (and the CA certificate) safely: it holds the client secret.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export function shellValue(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]*$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

export function formatEnvFileLine(name: string, value: string): string {
  return `${name}=${shellValue(value)}`;
}

/** NAME=value lines back to values; blank lines and # comments are skipped, anything else is refused. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`not a NAME=value line: ${line}`);
    const raw = match[2] ?? '';
    env[match[1] ?? ''] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll("'\\''", "'") : raw;
  }
  return env;
}

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
