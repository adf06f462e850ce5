#!/usr/bin/env -S node --
// Entry point of the `ward` command: the compiled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
// `node --` stops Node 20 from taking ward's own `--env-file` flag (of `ward emulator`) for itself.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
