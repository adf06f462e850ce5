import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { BicepCompile } from './iac-format.js';

/** The Bicep compiler found on PATH: the standalone `bicep` CLI, else `az bicep`. */
export interface BicepCompiler {
  readonly command: string;
  readonly compile: BicepCompile;
}

export const BICEP_INSTALL_HINT =
  'install the Bicep CLI (https://learn.microsoft.com/azure/azure-resource-manager/bicep/install) or the Azure CLI ' +
  'and run `az bicep install`, make sure `bicep` or `az` is on PATH, or leave the .bicep files out of the scanned paths';

/** Looks up `bicep`, then `az`, in the PATH of `env` (passed in so tests can point it at a fake compiler). */
export async function findBicepCompiler(env: Readonly<Record<string, string | undefined>>): Promise<BicepCompiler | undefined> {
  const bicep = await findExecutable('bicep', env);
  if (bicep) return { command: bicep, compile: (file) => run(bicep, ['build', file, '--stdout'], env) };
  const az = await findExecutable('az', env);
  if (az) return { command: `${az} bicep`, compile: (file) => run(az, ['bicep', 'build', '--file', file, '--stdout'], env) };
  return undefined;
}

async function findExecutable(name: string, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  const extensions = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const directory of (env.PATH ?? env.Path ?? '').split(path.delimiter)) {
    if (!directory) continue;
    for (const extension of extensions) {
      const candidate = path.join(directory, name + extension);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

function run(command: string, args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { env: { ...env }, maxBuffer: 256 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      if (error) reject(new Error(String(stderr).trim() || error.message));
      else resolve(String(stdout));
    });
  });
}
