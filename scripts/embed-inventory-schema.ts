/**
 * Writes src/core/query/inventory-sdl.ts from schema/inventory.graphql: the core is pure and reads no files, so
 * the SDL it compiles ships as a module. schema/inventory.graphql stays the one to edit; inventory-schema.test.ts
 * fails while the two differ. Run: node --import tsx scripts/embed-inventory-schema.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { embeddedSdlModule } from '../src/core/query/test-support/embedded-sdl-module.js';

const schemaPath = fileURLToPath(new URL('../schema/inventory.graphql', import.meta.url));
const modulePath = fileURLToPath(new URL('../src/core/query/inventory-sdl.ts', import.meta.url));
writeFileSync(modulePath, embeddedSdlModule(readFileSync(schemaPath, 'utf8')));
console.log(`wrote ${modulePath}`);
