// npm's `prepare` step (run by `npm ci` and `npm install` in a clone of ward, and by `npx ward` in it):
// 1. links each command of package.json's "bin" into the project's own node_modules/.bin: npm links the bins of
//    dependencies only, and npm 10's npx runs `ward` from there instead of installing the project into its cache;
// 2. builds dist/ (`npm run build`), except under `npx`: npm 11's npx "installs" the project it runs from into its
//    cache by a link, which runs this step again; the project is already built (by `npm ci`), and rebuilding it there
//    made the first `npx ward` take about 10 s while every later one took under a second.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { bin = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const binDir = join(root, 'node_modules', '.bin');
mkdirSync(binDir, { recursive: true });
for (const [name, target] of Object.entries(typeof bin === 'string' ? { ward: bin } : bin)) {
  const link = join(binDir, name);
  rmSync(link, { force: true });
  symlinkSync(relative(binDir, join(root, target)), link); // relative, as npm's own links: the clone can move
}

if (process.env.npm_command === 'exec' && existsSync(join(root, 'dist', 'bundle', 'main.js'))) process.exit(0);
const npm = process.env.npm_execpath;
const build = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
process.exitCode = build.status ?? 1;
