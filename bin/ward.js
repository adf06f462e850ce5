#!/usr/bin/env -S node --
// Entry point of the `ward` command: the compiled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
// `node --` keeps Node from reading any of ward's arguments as its own.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
