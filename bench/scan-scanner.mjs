// The in-process child of `npm run bench:scan` (bench/scan.bench.ts starts it, with the emulator's environment): the
// CLI's own main() over the built dist/, called once untimed and then RUNS times in the same process, so what a fresh
// process adds to a scan (node start, module loading, JIT, the first TLS handshakes) shows against the bench's
// fresh-process figures. Plain JavaScript on purpose: it runs with plain node, as bin/ward.js does.
//   node bench/scan-scanner.mjs --runs R -- scan --db DIR …
// Prints one JSON line: { warmUpMs, runsMs, codes, maxRssMb }. Exits 1 if any call returns anything but 0 or 1.
import { performance } from 'node:perf_hooks';

const argv = process.argv.slice(2);
const separator = argv.indexOf('--');
if (argv[0] !== '--runs' || separator !== 2) throw new Error('usage: scan-scanner.mjs --runs R -- WARD-ARGS…');
const runs = Number(argv[1]);
const wardArgs = argv.slice(separator + 1);

const { main } = await import(new URL('../dist/bundle/main.js', import.meta.url).href);

async function once() {
  const started = performance.now();
  const code = await main(wardArgs);
  const ms = performance.now() - started;
  if (code !== 0 && code !== 1) {
    process.stderr.write(`bench/scan-scanner.mjs: ward ${wardArgs.join(' ')} returned ${code}\n`);
    process.exit(1);
  }
  return { ms, code };
}

const warmUp = await once();
const runsMs = [];
const codes = [];
for (let run = 0; run < runs; run += 1) {
  const { ms, code } = await once();
  runsMs.push(ms);
  codes.push(code);
}
process.stdout.write(`${JSON.stringify({ warmUpMs: warmUp.ms, runsMs, codes, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
