/**
 * The one module that talks to the HCL parser (@cdktf/hcl2json, HashiCorp's HCL compiled to WebAssembly).
 * The WebAssembly instance loads on first use (about 0.2 s) and is reused for every file; parsing costs
 * roughly 1 ms per KB, so callers pre-filter files that cannot matter before calling it.
 */
export type HclBody = Record<string, unknown>;

export type HclParseResult =
  | { readonly ok: true; readonly body: HclBody }
  | { readonly ok: false; readonly line: number; readonly column: number; readonly message: string };

type ParseFunction = (filename: string, contents: string) => Promise<Record<string, unknown>>;

let parser: Promise<ParseFunction> | undefined;

function loadParser(): Promise<ParseFunction> {
  parser ??= import('@cdktf/hcl2json').then((module) => module.parse as ParseFunction);
  return parser;
}

const SOURCE_NAME = 'source.hcl';

/** Parses HCL (a `.tf` or `.tfvars` file) into hcl2json's JSON shape; syntax errors come back as data. */
export async function parseHcl(text: string): Promise<HclParseResult> {
  const parse = await loadParser();
  try {
    return { ok: true, body: await parse(SOURCE_NAME, text) };
  } catch (error) {
    return { ok: false, ...describeHclError(error instanceof Error ? error.message : String(error)) };
  }
}

/** `parse config: [source.hcl:2,7-3,1: Invalid expression; Expected …]` -> line 2, column 7 and the text. */
export function describeHclError(raw: string): { line: number; column: number; message: string } {
  const inner = /^parse config: \[([\s\S]*)\]\s*$/.exec(raw)?.[1] ?? raw;
  const diagnostics = inner.split(new RegExp(`(?:^|\\s)${SOURCE_NAME.replace('.', '\\.')}:`)).filter((part) => part.trim() !== '');
  const first = diagnostics[0] ?? inner;
  const located = /^(\d+),(\d+)(?:-\d+(?:,\d+)?)?:\s*([\s\S]*)$/.exec(first.trim());
  if (!located) return { line: 1, column: 1, message: inner.trim() };
  return { line: Number(located[1]), column: Number(located[2]), message: (located[3] ?? '').trim() };
}
