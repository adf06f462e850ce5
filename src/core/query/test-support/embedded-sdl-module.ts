/** The text of src/core/query/inventory-sdl.ts for an SDL: written by scripts/embed-inventory-schema.ts, checked by inventory-schema.test.ts. */
export function embeddedSdlModule(sdl: string): string {
  const literal = sdl.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  return [
    '// Generated from schema/inventory.graphql by scripts/embed-inventory-schema.ts: edit the .graphql file, then run the script.',
    '/** The inventory SDL (schema/inventory.graphql), embedded so the core compiles it without reading a file. */',
    `export const INVENTORY_SDL = \`${literal}\`;`,
    '',
  ].join('\n');
}
