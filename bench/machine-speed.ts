/**
 * How fast the machine a benchmark ran on is, in three figures that let runs on different machines be compared:
 * a fresh `node -e 0` (what every CLI command pays before ward's code runs), a fixed loop of JavaScript (CPU), and
 * the first touch of fresh memory (page faults: on some virtual machines here they cost ten times what they cost on
 * others, and a CLI command that reads a store touches about 100 MB).
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const PAGE = 4096;
const TOUCHED_BYTES = 256 * 1024 * 1024;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One line: `node -e 0` in N ms (median of 5), a 300,000,000-step loop in N s, fresh memory N µs per 4 kB page. */
export function machineSpeed(): string {
  const starts = Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    execFileSync(process.execPath, ['-e', '0']);
    return performance.now() - t0;
  });

  const loopStart = performance.now();
  let sum = 0;
  for (let i = 0; i < 300_000_000; i += 1) sum += i;
  const loopMs = performance.now() - loopStart;
  if (sum < 0) throw new Error('unreachable'); // keeps the loop from being optimised away

  const faultsBefore = process.resourceUsage().minorPageFault;
  const touchStart = performance.now();
  const fresh = new Uint8Array(TOUCHED_BYTES);
  for (let at = 0; at < fresh.length; at += PAGE) fresh[at] = 1;
  const touchMs = performance.now() - touchStart;
  const faults = process.resourceUsage().minorPageFault - faultsBefore;

  return (
    `Machine speed: \`node -e 0\` ${median(starts).toFixed(0)} ms (median of 5), a 300,000,000-step JavaScript loop ${(loopMs / 1000).toFixed(2)} s, ` +
    `first touch of ${TOUCHED_BYTES / 1024 / 1024} MB of fresh memory ${touchMs.toFixed(0)} ms (${((touchMs * 1000) / (TOUCHED_BYTES / PAGE)).toFixed(1)} µs per 4 kB page, ${faults.toLocaleString('en-US')} page faults).`
  );
}
