/**
 * Test support for driving real ARM clients (Debian's azure-cli 2.45 and python3-azure) against the emulator:
 * finding them, an environment that keeps every client on the machine, and the commands a user would type.
 *
 * Where the clients are missing the tests skip and say why, except under CI (`CI=true`), where a missing client
 * is a failure: .ci/run installs them, so their absence there is a broken setup, not a reason to pass.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningEmulator } from '../start-emulator.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SAMPLE_TENANT = path.join(REPO_ROOT, 'samples', 'contoso-tenant');
/** Debian's python3-azure packages belong to the system interpreter, not to whatever `python3` is first on PATH. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const PYTHON_SDK_CLIENT = fileURLToPath(new URL('./python-sdk-client.py', import.meta.url));

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(
  command: string,
  args: readonly string[],
  options: { readonly env: NodeJS.ProcessEnv; readonly cwd?: string; readonly timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { env: options.env, cwd: options.cwd ?? REPO_ROOT, timeout: options.timeoutMs ?? 240_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why each client cannot run here (empty when all of them can). */
export async function missingRealClients(): Promise<{ readonly az?: string; readonly python?: string }> {
  const missing: { az?: string; python?: string } = {};
  if (!onPath('az')) missing.az = '`az` (Debian package azure-cli) is not on PATH';
  const probe = await run(SYSTEM_PYTHON, ['-c', 'import azure.identity, azure.mgmt.resource, azure.mgmt.security'], { env: process.env, timeoutMs: 60_000 });
  if (probe.code !== 0) {
    missing.python = `${SYSTEM_PYTHON} cannot import azure.identity, azure.mgmt.resource and azure.mgmt.security (Debian package python3-azure)`;
  }
  return missing;
}

/** Skips the test with the reason, or fails it under CI, where the clients are installed on purpose. */
export function skipUnlessPresent(t: { skip(message?: string): void }, reason: string | undefined): boolean {
  if (reason === undefined) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true and a real client is missing: ${reason}`);
  t.skip(`${reason}; install it to run this test`);
  return false;
}

/**
 * The environment of one client run: the emulator's variables (credentials, endpoint, CA bundles), a config
 * directory of its own (the token caches of az and MSAL live there), and a proxy that refuses everything except
 * loopback, so that a client reaching for the internet fails at once instead of quietly using it.
 */
export function clientEnvironment(emulator: RunningEmulator, configDir: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(AZURE_|WARD_|ARM_|MSAL_|REQUESTS_CA_BUNDLE$|CURL_CA_BUNDLE$|SSL_CERT_FILE$|NODE_EXTRA_CA_CERTS$)/i.test(name)),
  );
  return {
    ...inherited,
    ...emulator.environment,
    AZURE_CONFIG_DIR: configDir,
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_NO_COLOR: 'true',
    AZURE_CORE_SURVEY_MESSAGE: 'false',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
    NO_COLOR: '1',
  };
}

/** A fresh directory for one run, removed afterwards. */
export async function withScratchDir<T>(prefix: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Fails with the command, its exit code and its stderr (which, from these clients, never holds the secret). */
export function expectSuccess(what: string, result: RunResult, secret: string): RunResult {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}: ${result.stderr.replaceAll(secret, '[secret]').slice(-2000)}`);
  return result;
}

/**
 * Signs the Azure CLI in to the emulator as a user would: register a cloud from the emulator's metadata endpoint
 * (its ARM URL alone), make it current, and `az login --service-principal` (with `--password=`, since a secret may
 * start with `-`).
 */
export async function azSignIn(emulator: RunningEmulator, env: NodeJS.ProcessEnv): Promise<void> {
  const secret = emulator.credentials.clientSecret;
  expectSuccess('az cloud register', await run('az', ['cloud', 'register', '-n', 'WardEmulator', '--endpoint-resource-manager', `${emulator.url}/`], { env }), secret);
  expectSuccess('az cloud set', await run('az', ['cloud', 'set', '-n', 'WardEmulator'], { env }), secret);
  expectSuccess(
    'az login',
    await run('az', ['login', '--service-principal', '-u', emulator.credentials.clientId, `--password=${secret}`, '--tenant', emulator.credentials.tenantId, '-o', 'none'], { env }),
    secret,
  );
}

/** `az … -o json`, parsed. */
export async function azJson(emulator: RunningEmulator, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<any> {
  const result = expectSuccess(`az ${args.slice(0, 3).join(' ')}`, await run('az', [...args, '-o', 'json'], { env }), emulator.credentials.clientSecret);
  return result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout);
}

/** Runs the ward CLI from source (the code under test, not a possibly stale build) with the given environment. */
export function runWard(args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  const script = "import { main } from './src/cli/main.ts'; process.exitCode = await main(process.argv.slice(1));";
  return run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], { env, cwd: REPO_ROOT });
}
