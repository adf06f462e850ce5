import { fileURLToPath } from 'node:url';

/**
 * The package root. This file sits two levels below it both as src/core/package-paths.ts (tsx) and
 * as dist/core/package-paths.js (built), so the same relative URL works in both.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The controls that ship with ward. */
export const BUILTIN_CONTROLS_DIR = fileURLToPath(new URL('../../controls/', import.meta.url));
