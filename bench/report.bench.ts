/**
 * `npm run bench:report`: what writing a large JSON report costs in memory. A report of 80,000 findings (what a scan
 * of 20,000 subscriptions over the four controls reports, 42 MB of JSON) is written to a file the way `ward scan -o`
 * writes it, in a child process of its own per run, so that each peak RSS is that run's alone:
 * - pieces: what ward does (the JSON reporter's pieces, written as they come: see ReportText);
 * - one string: the same text joined first, as the report was made before it was written in pieces.
 * Prints the growth of the peak RSS over the RSS before the report, and writes bench/results/report.txt.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { emit } from '../src/cli/command-options.js';
import type { CliContext } from '../src/cli/cli-context.js';
import type { Finding } from '../src/core/model.js';
import { jsonReporter } from '../src/reporters/json-reporter.js';
import { reportString } from '../src/reporters/scan-report.js';
import { sampleReport } from '../src/reporters/test-support/sample-report.js';

const FINDINGS = Number(process.env.WARD_BENCH_FINDINGS ?? 80_000);
const RUNS = 3;
const RESULTS = fileURLToPath(new URL('./results/report.txt', import.meta.url));
const MODES = ['pieces', 'one string'] as const;
type Mode = (typeof MODES)[number];

interface ChildResult {
  readonly ms: number;
  readonly rssBeforeMb: number;
  readonly peakRssMb: number;
  readonly bytes: number;
}

function child(mode: Mode, out: string): ChildResult {
  const base = sampleReport();
  const findings: Finding[] = Array.from({ length: FINDINGS }, (_, i) => ({
    ...base.findings[i % base.findings.length]!,
    assetId: `/subscriptions/${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
    assetName: `subscription ${i}`,
  }));
  const report = { ...base, findings };
  const context: CliContext = {
    io: { stdout: process.stdout, stderr: { write: () => true }, stdin: process.stdin, env: {}, cwd: tmpdir(), now: () => new Date() },
    exitCode: 0,
  };
  globalThis.gc?.();
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  const started = performance.now();
  const text = jsonReporter(report, { colour: false });
  emit(context, mode === 'pieces' ? text : reportString(text), out);
  return { ms: performance.now() - started, rssBeforeMb, peakRssMb: process.resourceUsage().maxRSS / 1024, bytes: statSync(out).size };
}

function runChild(mode: Mode, out: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', mode, out], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the ${mode} run failed (${result.status ?? result.signal}):\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function main(): void {
  const scratch = mkdtempSync(join(tmpdir(), 'ward-bench-report-'));
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    console.log(line);
  };
  try {
    print(`JSON report of ${FINDINGS.toLocaleString('en')} findings written to a file; ${cpus().length} cores, Node ${process.version}, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
    print(`median of ${RUNS} runs each, interleaved, one child process per run`);
    const results = new Map<Mode, ChildResult[]>(MODES.map((mode) => [mode, []]));
    for (let run = 0; run < RUNS; run += 1) for (const mode of MODES) results.get(mode)!.push(runChild(mode, join(scratch, 'report.json')));
    print('written as     ms   report MB   RSS before MB   peak RSS MB   growth MB');
    for (const mode of MODES) {
      const runs = results.get(mode)!;
      const peak = median(runs.map((r) => r.peakRssMb));
      const before = median(runs.map((r) => r.rssBeforeMb));
      print(
        `${mode.padEnd(11)} ${median(runs.map((r) => r.ms)).toFixed(0).padStart(6)}   ${(runs[0]!.bytes / 2 ** 20).toFixed(1).padStart(9)}   ${before.toFixed(0).padStart(13)}   ${peak.toFixed(0).padStart(11)}   ${median(runs.map((r) => r.peakRssMb - r.rssBeforeMb)).toFixed(0).padStart(9)}`,
      );
    }
    print(`load average after: ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  writeFileSync(RESULTS, `${new Date().toISOString()}\n${lines.join('\n')}\n`);
  console.log(`written to ${RESULTS}`);
}

if (process.argv[2] === '--child') process.stdout.write(`${JSON.stringify(child(process.argv[3] as Mode, process.argv[4]!))}\n`);
else main();
