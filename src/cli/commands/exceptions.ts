import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Node as YamlNode } from 'yaml';
import { exceptionIsActive } from '../../core/engine/apply-exceptions.js';
import { WardError, type ErrorLocation } from '../../core/errors.js';
import type { DeclaredException, ExceptionProblem, ExceptionRules } from '../../core/exceptions/validate-exception.js';
import type { ExceptionRecord } from '../../core/model.js';
import { formatColumns } from '../../reporters/table-reporter.js';
import {
  getException,
  listExceptionEvents,
  listExceptions,
  nextExceptionId,
  recordExpiredExceptions,
  removeException,
  saveException,
  type ExceptionEvent,
} from '../../store/exception-repository.js';
import type { SqlClient } from '../../store/sql-client.js';
import type { CliContext } from '../cli-context.js';
import type { RegisterCommand } from './index.js';

/*
 * yaml, the validator library and the control loader (graphql, ajv) cost ~0.3 s to import: they are bound here when
 * a subcommand runs (`await loadImplementation()` first thing in each action), not when `ward --help` loads this file.
 */
let isMap: typeof import('yaml').isMap;
let isScalar: typeof import('yaml').isScalar;
let isSeq: typeof import('yaml').isSeq;
let LineCounter: typeof import('yaml').LineCounter;
let parseDocument: typeof import('yaml').parseDocument;
let stringify: typeof import('yaml').stringify;
let exceptionProblem: typeof import('../../core/exceptions/validate-exception.js').exceptionProblem;
let parseMaxDays: typeof import('../../core/exceptions/validate-exception.js').parseMaxDays;
let emit: typeof import('../command-options.js').emit;
let parseFormat: typeof import('../command-options.js').parseFormat;
let selectControls: typeof import('../command-options.js').selectControls;
let withStore: typeof import('../command-options.js').withStore;

async function loadImplementation(): Promise<void> {
  const [yaml, validate, options] = await Promise.all([
    import('yaml'),
    import('../../core/exceptions/validate-exception.js'),
    import('../command-options.js'),
  ]);
  ({ isMap, isScalar, isSeq, LineCounter, parseDocument, stringify } = yaml);
  ({ exceptionProblem, parseMaxDays } = validate);
  ({ emit, parseFormat, selectControls, withStore } = options);
}

const DB_HELP = 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)';
const ACTOR_HELP = 'who makes the change, for the audit trail (default: $USER)';
const MAX_DAYS_HELP = 'the longest an exception may run, in days (default: $WARD_EXCEPTION_MAX_DAYS or 365)';

/** The person recorded in the audit trail: --actor, else $USER ($USERNAME on Windows), else `unknown`. */
export function actorOf(context: CliContext, flag: string | undefined): string {
  return flag?.trim() || context.io.env.USER || context.io.env.USERNAME || 'unknown';
}

function rulesFor(context: CliContext, options: { maxDays?: string; controls?: string }): ExceptionRules {
  const text = options.maxDays ?? context.io.env.WARD_EXCEPTION_MAX_DAYS;
  const maxDays = parseMaxDays(text);
  if (maxDays === undefined) {
    const source = options.maxDays === undefined ? 'WARD_EXCEPTION_MAX_DAYS' : '--max-days';
    throw new WardError('USAGE', `${source} must be a whole number of days (1 or more), got ${JSON.stringify(text)}`);
  }
  return { now: context.io.now(), maxDays, knownControls: selectControls(context, options.controls, undefined).map((c) => c.id) };
}

const refusal = (problem: ExceptionProblem, location?: ErrorLocation): WardError =>
  new WardError('EXCEPTION_INVALID', problem.message, { ...(problem.hint ? { hint: problem.hint } : {}), ...(location ? { location } : {}) });

/** Asset ids ward has seen: the inventory and every finding ever stored. */
async function assetSeen(client: SqlClient, pattern: string): Promise<boolean> {
  const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : undefined;
  const { rows } = await client.query<{ seen: boolean }>(
    prefix === undefined
      ? 'SELECT EXISTS (SELECT 1 FROM connectors WHERE lower(id) = lower($1)) OR EXISTS (SELECT 1 FROM findings WHERE lower(asset_id) = lower($1)) AS seen'
      : "SELECT EXISTS (SELECT 1 FROM connectors WHERE starts_with(lower(id), lower($1))) OR EXISTS (SELECT 1 FROM findings WHERE starts_with(lower(asset_id), lower($1))) AS seen",
    [prefix ?? pattern],
  );
  return Boolean(rows[0]?.seen);
}

function warnUnseen(context: CliContext, assetId: string, where = ''): void {
  const what = assetId.endsWith('*') ? `no asset ward has seen matches ${assetId}` : `ward has not seen ${assetId} yet`;
  context.io.stderr.write(`ward: warning: ${where}${what}; the exception is stored and applies once a scan finds it\n`);
}

const stateOf = (e: ExceptionRecord, now: Date): string => (exceptionIsActive(e, now) ? 'active' : 'expired');

export const registerExceptions: RegisterCommand = (program, context: CliContext) => {
  const exceptions = program
    .command('exceptions')
    .description('accept known failures for a while: each exception has an owner, a reason and an expiry, and every change is logged');

  exceptions
    .command('add')
    .description('accept a failing control on an asset (or on every asset under a prefix ending in *) until a date')
    .requiredOption('--control <id>', 'the control the exception accepts')
    .requiredOption('--asset <id>', 'the ARM id, e.g. /subscriptions/<id>, or a prefix ending in *, e.g. /subscriptions/0000*')
    .option('--owner <email>', 'the accountable person or team mailbox')
    .option('--expires <date>', 'YYYY-MM-DD: the last day the exception holds (UTC)')
    .option('--reason <text>', 'why the risk is accepted (at least 10 characters)')
    .option('--max-days <n>', MAX_DAYS_HELP)
    .option('--actor <name>', ACTOR_HELP)
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--db <location>', DB_HELP)
    .action(async (options) => {
      await loadImplementation();
      const rules = rulesFor(context, options);
      const declared: DeclaredException = { controlId: options.control, assetId: options.asset, owner: options.owner, expires: options.expires, reason: options.reason };
      const problem = exceptionProblem(declared, rules);
      if (problem) throw refusal(problem);
      const actor = actorOf(context, options.actor);
      const saved = await withStore(context, options.db, (store) =>
        store.transaction(async (tx) => {
          const record: ExceptionRecord = {
            id: await nextExceptionId(tx),
            controlId: options.control.trim(),
            assetId: options.asset.trim(),
            owner: options.owner!.trim(),
            reason: options.reason!.trim(),
            expires: options.expires!.trim(),
            createdAt: rules.now.toISOString(),
            createdBy: actor,
          };
          if (!(await assetSeen(tx, record.assetId))) warnUnseen(context, record.assetId);
          await saveException(tx, record, { actor, at: rules.now, source: 'cli' });
          return record;
        }),
      );
      context.io.stdout.write(`added ${saved.id}: ${saved.controlId} on ${saved.assetId}, owner ${saved.owner}, until ${saved.expires}\n`);
    });

  exceptions
    .command('list')
    .description('list the exceptions with their owner, expiry and state (active or expired)')
    .option('--format <format>', 'table | json')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--actor <name>', 'who is looking (recorded when an exception is found expired; default: $USER)')
    .option('--db <location>', DB_HELP)
    .action(async (options) => {
      await loadImplementation();
      const format = parseFormat(options.format, ['table', 'json'] as const, 'table');
      const now = context.io.now();
      const list = await withStore(context, options.db, async (store) => {
        await recordExpiredExceptions(store, now, { actor: actorOf(context, options.actor), source: 'exceptions list' });
        return listExceptions(store);
      });
      if (format === 'json') {
        emit(context, `${JSON.stringify(list.map((e) => ({ ...e, state: stateOf(e, now) })), null, 2)}\n`, options.output);
        return;
      }
      if (list.length === 0) return emit(context, 'no exceptions\n', options.output);
      const rows = list.map((e) => [e.id, stateOf(e, now), e.expires, e.owner, e.controlId, e.assetId, e.reason]);
      emit(context, `${formatColumns([['ID', 'STATE', 'EXPIRES', 'OWNER', 'CONTROL', 'ASSET', 'REASON'], ...rows]).join('\n')}\n`, options.output);
    });

  exceptions
    .command('remove')
    .description('remove an exception (the removal is logged)')
    .argument('<id>', 'the exception id, e.g. EX-3')
    .option('--actor <name>', ACTOR_HELP)
    .option('--db <location>', DB_HELP)
    .action(async (id, options) => {
      await loadImplementation();
      const removed = await withStore(context, options.db, (store) =>
        store.transaction((tx) => removeException(tx, id, { actor: actorOf(context, options.actor), at: context.io.now(), source: 'cli' })),
      );
      if (!removed) throw new WardError('NOT_FOUND', `no exception ${id}`, { hint: 'ward exceptions list shows them' });
      context.io.stdout.write(`removed ${removed.id}: ${removed.controlId} on ${removed.assetId}\n`);
    });

  exceptions
    .command('export')
    .description('write the exceptions as a YAML file to review and keep in git (ward exceptions import reads it back)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--db <location>', DB_HELP)
    .action(async (options) => {
      await loadImplementation();
      const list = await withStore(context, options.db, (store) => listExceptions(store));
      emit(context, exceptionsYaml(list), options.output);
    });

  exceptions
    .command('import')
    .description('add and update exceptions from a YAML file, all or nothing: one invalid entry changes nothing')
    .argument('<file>', 'a file in the form ward exceptions export writes')
    .option('--replace', 'also remove stored exceptions the file does not list (the file becomes the whole set)')
    .option('--max-days <n>', MAX_DAYS_HELP)
    .option('--actor <name>', ACTOR_HELP)
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--db <location>', DB_HELP)
    .action(async (file, options) => {
      await loadImplementation();
      const rules = rulesFor(context, options);
      const path = resolve(context.io.cwd, file);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        throw new WardError('USAGE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const entries = parseExceptionsFile(text, file);
      const actor = actorOf(context, options.actor);
      const result = await withStore(context, options.db, (store) =>
        store.transaction(async (tx) => {
          const stored = new Map((await listExceptions(tx)).map((e) => [e.id, e]));
          const counts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
          const unseen: { assetId: string; where: string }[] = [];
          const plan: ExceptionRecord[] = [];
          let nextNumber = Number((await nextExceptionId(tx)).slice(3));
          for (const entry of entries) {
            const existing = entry.id === undefined ? undefined : stored.get(entry.id);
            if (existing && sameException(existing, entry)) {
              counts.unchanged += 1; // re-importing an unchanged entry never fails, even once it has expired
              continue;
            }
            const problem = exceptionProblem(entry, rules);
            if (problem) throw refusal(problem, { file, line: entry.lines[problem.field] ?? entry.line, field: `exceptions[${entry.index}].${problem.field}` });
            if (!(await assetSeen(tx, entry.assetId!.trim()))) unseen.push({ assetId: entry.assetId!.trim(), where: `${file}:${entry.lines.asset ?? entry.line}: ` });
            plan.push({
              id: entry.id ?? `EX-${nextNumber++}`,
              controlId: entry.controlId!.trim(),
              assetId: entry.assetId!.trim(),
              owner: entry.owner!.trim(),
              reason: entry.reason!.trim(),
              expires: entry.expires!.trim(),
              createdAt: existing?.createdAt ?? rules.now.toISOString(),
              createdBy: existing?.createdBy ?? actor,
            });
          }
          const change = { actor, at: rules.now, source: `import:${file}` };
          for (const record of plan) counts[(await saveException(tx, record, change)) === 'add' ? 'added' : 'updated'] += 1;
          if (options.replace) {
            const listed = new Set(entries.map((e) => e.id).filter((id) => id !== undefined));
            for (const id of stored.keys()) {
              if (listed.has(id)) continue;
              await removeException(tx, id, change);
              counts.removed += 1;
            }
          }
          return { counts, unseen };
        }),
      );
      for (const { assetId, where } of result.unseen) warnUnseen(context, assetId, where);
      const { counts } = result;
      context.io.stdout.write(`imported ${file}: ${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.removed} removed\n`);
    });

  exceptions
    .command('log')
    .description('the audit trail: every add, update, removal and expiry, with who and when')
    .argument('[id]', 'only this exception')
    .option('--format <format>', 'table | json')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--actor <name>', 'who is looking (recorded when an exception is found expired; default: $USER)')
    .option('--db <location>', DB_HELP)
    .action(async (id, options) => {
      await loadImplementation();
      const format = parseFormat(options.format, ['table', 'json'] as const, 'table');
      const now = context.io.now();
      const events = await withStore(context, options.db, async (store) => {
        await recordExpiredExceptions(store, now, { actor: actorOf(context, options.actor), source: 'exceptions log' });
        if (id !== undefined && !(await getException(store, id)) && (await listExceptionEvents(store, id)).length === 0) {
          throw new WardError('NOT_FOUND', `no exception ${id}`, { hint: 'ward exceptions list shows them' });
        }
        return listExceptionEvents(store, id);
      });
      emit(context, format === 'json' ? `${JSON.stringify(events, null, 2)}\n` : eventsTable(events), options.output);
    });
};

function eventsTable(events: readonly ExceptionEvent[]): string {
  if (events.length === 0) return 'no exception changes yet\n';
  const rows = events.map((e) => [e.at, e.action, e.exceptionId, e.actor, e.source ?? '', `${e.exception.controlId} on ${e.exception.assetId}, owner ${e.exception.owner}, until ${e.exception.expires}`]);
  return `${formatColumns([['TIME', 'ACTION', 'EXCEPTION', 'ACTOR', 'SOURCE', 'EXCEPTION AT THE TIME'], ...rows]).join('\n')}\n`;
}

/** The reviewable file form: a header saying what it is, then one entry per exception. */
export function exceptionsYaml(list: readonly ExceptionRecord[]): string {
  const header = [
    '# ward exceptions: accepted failures, each with an owner, a reason and an expiry (YYYY-MM-DD, valid through that day, UTC).',
    '# Review changes like code; apply with: ward exceptions import <this file>   (--replace also removes unlisted ones)',
    '# asset: an ARM id, or a prefix ending in * (e.g. /subscriptions/* or /subscriptions/0000*). Only `fail` findings are excepted.',
  ];
  const body = {
    version: 1,
    exceptions: list.map((e) => ({ id: e.id, control: e.controlId, asset: e.assetId, owner: e.owner, expires: e.expires, reason: e.reason })),
  };
  return `${header.join('\n')}\n${stringify(body, { lineWidth: 0 })}`;
}

type EntryField = ExceptionProblem['field'];

interface FileEntry extends DeclaredException {
  readonly index: number;
  readonly id: string | undefined;
  /** Line of the entry, and of each field present. */
  readonly line: number;
  readonly lines: Partial<Record<EntryField | 'id', number>>;
}

const FILE_FIELDS: Record<string, EntryField | 'id'> = { id: 'id', control: 'control', asset: 'asset', owner: 'owner', expires: 'expires', reason: 'reason' };

function sameException(stored: ExceptionRecord, entry: FileEntry): boolean {
  return (
    stored.controlId === entry.controlId?.trim() &&
    stored.assetId === entry.assetId?.trim() &&
    stored.owner === entry.owner?.trim() &&
    stored.expires === entry.expires?.trim() &&
    stored.reason === entry.reason?.trim()
  );
}

/**
 * Parses an exceptions file (pure): `version: 1` and `exceptions:`, a list of {id?, control, asset, owner, expires, reason}.
 * A malformed file is refused with the line and the field at fault; the rules themselves are checked by the caller.
 */
export function parseExceptionsFile(text: string, file: string): FileEntry[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: YamlNode | null | undefined): number | undefined => (node?.range ? lineCounter.linePos(node.range[0]).line : undefined);
  const fail = (message: string, line: number | undefined, field?: string, hint?: string): never => {
    throw new WardError('EXCEPTION_INVALID', message, {
      location: { file, ...(line === undefined ? {} : { line }), ...(field === undefined ? {} : { field }) },
      ...(hint ? { hint } : {}),
    });
  };
  const [syntax] = doc.errors;
  if (syntax) fail(`not valid YAML: ${syntax.message.split('\n')[0]}`, lineCounter.linePos(syntax.pos[0]).line);
  const root = doc.contents;
  if (!isMap(root)) fail('an exceptions file is a mapping with `version: 1` and `exceptions:`', lineOf(root) ?? 1, undefined, 'ward exceptions export writes one to start from');
  const rootMap = root as Exclude<typeof root, null> & { items: { key: unknown; value: unknown }[] };
  for (const pair of rootMap.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key !== 'version' && key !== 'exceptions') fail(`unknown key ${JSON.stringify(key)}`, lineOf(pair.key as YamlNode), key, 'the file has version and exceptions');
  }
  const version = doc.get('version', true);
  if (!isScalar(version) || version.value !== 1) fail('version must be 1', lineOf(version as YamlNode) ?? 1, 'version');
  const list = doc.get('exceptions', true);
  if (list === undefined || (isScalar(list) && list.value === null)) return [];
  if (!isSeq(list)) fail('exceptions must be a list', lineOf(list as YamlNode), 'exceptions');
  const entries: FileEntry[] = [];
  const seenIds = new Map<string, number>();
  (list as { items: unknown[] }).items.forEach((item, index) => {
    const line = lineOf(item as YamlNode) ?? 1;
    if (!isMap(item)) fail('each exception is a mapping of id, control, asset, owner, expires and reason', line, `exceptions[${index}]`);
    const values: Partial<Record<EntryField | 'id', string>> = {};
    const lines: Partial<Record<EntryField | 'id', number>> = {};
    for (const pair of (item as { items: { key: unknown; value: unknown }[] }).items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const field = FILE_FIELDS[key];
      const at = lineOf(pair.key as YamlNode) ?? line;
      if (!field) fail(`unknown field ${JSON.stringify(key)}`, at, `exceptions[${index}].${key}`, `the fields are: ${Object.keys(FILE_FIELDS).join(', ')}`);
      if (!isScalar(pair.value) || pair.value.value === null || typeof pair.value.value === 'object') {
        fail(`${key} must be a single value`, at, `exceptions[${index}].${key}`);
      }
      values[field!] = String((pair.value as { value: unknown }).value);
      lines[field!] = at;
    }
    if (values.id !== undefined) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(values.id)) fail(`id ${JSON.stringify(values.id)} is not a valid exception id`, lines.id, `exceptions[${index}].id`, 'leave id out to have one assigned');
      const first = seenIds.get(values.id);
      if (first !== undefined) fail(`id ${values.id} is listed twice (first on line ${first})`, lines.id, `exceptions[${index}].id`);
      seenIds.set(values.id, lines.id!);
    }
    entries.push({
      index,
      id: values.id,
      controlId: values.control,
      assetId: values.asset,
      owner: values.owner,
      expires: values.expires,
      reason: values.reason,
      line,
      lines,
    });
  });
  return entries;
}
