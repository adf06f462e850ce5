#!/usr/bin/env -S node --
// Entry point of the `ward` command: the compiled CLI, bundled (built by `npm run build`, which `npm ci` runs through
// `prepare`; scripts/bundle-cli.ts says why it is bundled).
// `node --` keeps Node from reading any of ward's arguments as its own.
// The embedded store's preparation starts first (dist/bundle/start-store-early.js says why); the CLI is imported after
// it, so that its modules load while PGlite's files are read and its WebAssembly compiles.
import { startStoreEarly } from '../dist/bundle/start-store-early.js';

startStoreEarly(process.argv.slice(2), process.env);
const { main } = await import('../dist/bundle/main.js');
process.exitCode = await main(process.argv.slice(2));
