#!/usr/bin/env -S node --
// Entry point of the `ward` command: the compiled CLI, bundled (built by `npm run build`, which `npm ci` runs through
// `prepare`; scripts/bundle-cli.ts says why it is bundled).
// `node --` keeps Node from reading any of ward's arguments as its own.
import { main } from '../dist/bundle/main.js';

process.exitCode = await main(process.argv.slice(2));
