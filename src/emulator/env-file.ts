/**
 * The emulator's env file: NAME=value lines that `set -a; . FILE; set +a` loads. Values are single-quoted for the
 * shell when they hold anything but plain characters; `parseEnvFile` reads them back the way the shell would.
 * `replaceFile` (src/io/replace-file.ts) writes it (and the CA certificate) safely: it holds the client secret.
 */

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

