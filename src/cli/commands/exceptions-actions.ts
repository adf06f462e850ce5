/**
 * What the `ward exceptions` subcommands do. exceptions.ts registers them and loads this module (yaml, ajv, the
 * control loader and the store) with one `await import()` when a subcommand runs, so `ward --help` stays fast.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { exceptionIsActive } from '../../core/engine/apply-exceptions.js';
import { WardError, type ErrorLocation } from '../../core/errors.js';
import { parseExceptionsFile, type ExceptionsFileEntry } from '../../core/exceptions/parse-exceptions-file.js';
import { exceptionProblem, type DeclaredException, type ExceptionRules } from '../../core/exceptions/validate-exception.js';
import type { ExceptionRecord } from '../../core/model.js';
import { formatColumns } from '../../reporters/table-reporter.js';
import {
  getException,
  lastExceptionEvent,
  listExceptionEvents,
  listExceptions,
  nextExceptionId,
  recordExpiredExceptions,
  removeException,
  saveException,
  type ExceptionEvent,
} from '../../store/exception-repository.js';
import { addException, exceptionRefusal, exceptionWarnings, judgedState, removeExceptionById } from '../../scan/exception-changes.js';
import type { CliContext } from '../cli-context.js';
import { emit, exceptionMaxDays, parseFormat, withStore } from '../command-options.js';
import { describeControls } from '../control-options.js';
import { actorOf } from './actor-of.js';

interface StoreFlags {
  readonly db?: string;
}
interface ActorFlags {
  readonly actor?: string;
}
interface RuleFlags {
  readonly maxDays?: string;
  readonly controls?: string;
}
interface ListingFlags extends StoreFlags, ActorFlags {
  readonly format?: string;
  readonly output?: string;
}
export interface AddFlags extends StoreFlags, ActorFlags, RuleFlags {
  readonly control: string;
  readonly asset: string;
  readonly owner?: string;
  readonly expires?: string;
  readonly reason?: string;
}
export type ListFlags = ListingFlags;
export type RemoveFlags = StoreFlags & ActorFlags;
export interface ExportFlags extends StoreFlags {
  readonly output?: string;
}
export interface ImportFlags extends StoreFlags, ActorFlags, RuleFlags {
  readonly replace?: boolean;
}
export type LogFlags = ListingFlags;

function rulesFor(context: CliContext, options: RuleFlags): ExceptionRules {
  return { now: context.io.now(), maxDays: exceptionMaxDays(context, options.maxDays), knownControls: describeControls(context, options.controls, undefined).map((c) => c.id) };
}

const warn = (context: CliContext, text: string): void => void context.io.stderr.write(`ward: warning: ${text}\n`);

const stateOf = (e: ExceptionRecord, now: Date): string => (exceptionIsActive(e, now) ? 'active' : 'expired');

async function add(context: CliContext, options: AddFlags): Promise<void> {
  const rules = rulesFor(context, options);
  const declared: DeclaredException = { controlId: options.control, assetId: options.asset, owner: options.owner, expires: options.expires, reason: options.reason };
  const problem = exceptionProblem(declared, rules);
  if (problem) throw exceptionRefusal(problem);
  const by = { actor: actorOf(context, options.actor), source: 'cli' };
  const { saved, warnings } = await withStore(context, options.db, (store) => addException(store, declared, rules, by));
  for (const warning of warnings) warn(context, warning);
  context.io.stdout.write(`added ${saved.id}: ${saved.controlId} on ${saved.assetId}, owner ${saved.owner}, until ${saved.expires}\n`);
}

async function list(context: CliContext, options: ListFlags): Promise<void> {
  const format = parseFormat(options.format, ['table', 'json'] as const, 'table');
  const now = context.io.now();
  const exceptions = await withStore(context, options.db, async (store) => {
    await recordExpiredExceptions(store, now, { actor: actorOf(context, options.actor), source: 'exceptions list' });
    return listExceptions(store);
  });
  if (format === 'json') return emit(context, `${JSON.stringify(exceptions.map((e) => ({ ...e, state: stateOf(e, now) })), null, 2)}\n`, options.output);
  if (exceptions.length === 0) return emit(context, 'no exceptions\n', options.output);
  const rows = exceptions.map((e) => [e.id, stateOf(e, now), e.expires, e.owner, e.controlId, e.assetId, e.reason]);
  emit(context, `${formatColumns([['ID', 'STATE', 'EXPIRES', 'OWNER', 'CONTROL', 'ASSET', 'REASON'], ...rows]).join('\n')}\n`, options.output);
}

async function remove(context: CliContext, id: string, options: RemoveFlags): Promise<void> {
  const by = { actor: actorOf(context, options.actor), source: 'cli' };
  const removed = await withStore(context, options.db, (store) => removeExceptionById(store, id, context.io.now(), by));
  context.io.stdout.write(`removed ${removed.id}: ${removed.controlId} on ${removed.assetId}\n`);
}

async function exportFile(context: CliContext, options: ExportFlags): Promise<void> {
  const exceptions = await withStore(context, options.db, (store) => listExceptions(store));
  emit(context, exceptionsYaml(exceptions), options.output);
}

function sameException(stored: ExceptionRecord, entry: ExceptionsFileEntry): boolean {
  return (
    stored.controlId === entry.controlId?.trim() &&
    stored.assetId === entry.assetId?.trim() &&
    stored.owner === entry.owner?.trim() &&
    stored.expires === entry.expires?.trim() &&
    stored.reason === entry.reason?.trim()
  );
}

const numberOf = (id: string | undefined): number => Number(/^EX-(\d+)$/.exec(id ?? '')?.[1] ?? 0);

async function importFile(context: CliContext, file: string, options: ImportFlags): Promise<void> {
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
      const current = await judgedState(tx);
      const counts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
      const warnings: string[] = [];
      const plan: ExceptionRecord[] = [];
      // entries without an id take the next free numbers, above any EX-<n> the file itself names
      let nextNumber = Math.max(numberOf(await nextExceptionId(tx)), ...entries.map((e) => numberOf(e.id) + 1));
      for (const entry of entries) {
        const existing = entry.id === undefined ? undefined : stored.get(entry.id);
        if (existing && sameException(existing, entry)) {
          counts.unchanged += 1; // re-importing an unchanged entry never fails, even once it has expired
          continue;
        }
        const where = (field: keyof ExceptionsFileEntry['lines']): ErrorLocation => ({ file, line: entry.lines[field] ?? entry.line, field: `exceptions[${entry.index}].${field}` });
        if (entry.id !== undefined && !existing) {
          const last = await lastExceptionEvent(tx, entry.id);
          if (last) {
            throw new WardError('EXCEPTION_INVALID', `exception ${entry.id} was removed on ${last.at.slice(0, 10)} by ${last.actor}, and ids are never reused`, {
              location: where('id'),
              hint: 'delete the entry to keep it removed, or delete its id line to add it again under a new id',
            });
          }
        }
        const problem = exceptionProblem(entry, rules);
        if (problem) throw exceptionRefusal(problem, where(problem.field));
        const record: ExceptionRecord = {
          id: entry.id ?? `EX-${nextNumber++}`,
          controlId: entry.controlId!.trim(),
          assetId: entry.assetId!.trim(),
          owner: entry.owner!.trim(),
          reason: entry.reason!.trim(),
          expires: entry.expires!.trim(),
          createdAt: existing?.createdAt ?? rules.now.toISOString(),
          createdBy: existing?.createdBy ?? actor,
        };
        for (const warning of await exceptionWarnings(tx, record, current)) warnings.push(`${file}:${entry.lines.asset ?? entry.line}: ${warning}`);
        plan.push(record);
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
      return { counts, warnings };
    }),
  );
  for (const warning of result.warnings) warn(context, warning);
  const { counts } = result;
  context.io.stdout.write(`imported ${file}: ${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.removed} removed\n`);
}

async function log(context: CliContext, id: string | undefined, options: LogFlags): Promise<void> {
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
}

function eventsTable(events: readonly ExceptionEvent[]): string {
  if (events.length === 0) return 'no exception changes yet\n';
  const rows = events.map((e) => [e.at, e.action, e.exceptionId, e.actor, e.source ?? '', `${e.exception.controlId} on ${e.exception.assetId}, owner ${e.exception.owner}, until ${e.exception.expires}`]);
  return `${formatColumns([['TIME', 'ACTION', 'EXCEPTION', 'ACTOR', 'SOURCE', 'EXCEPTION AT THE TIME'], ...rows]).join('\n')}\n`;
}

/** The reviewable file form: a header saying what it is, then one entry per exception. */
export function exceptionsYaml(exceptions: readonly ExceptionRecord[]): string {
  const header = [
    '# ward exceptions: accepted failures, each with an owner, a reason and an expiry (YYYY-MM-DD, valid through that day, UTC).',
    '# Review changes like code; apply with: ward exceptions import <this file>   (--replace also removes unlisted ones)',
    '# asset: an ARM id, or a prefix ending in * (e.g. /subscriptions/* or /subscriptions/0000*). Only `fail` findings are excepted.',
  ];
  const body = {
    version: 1,
    exceptions: exceptions.map((e) => ({ id: e.id, control: e.controlId, asset: e.assetId, owner: e.owner, expires: e.expires, reason: e.reason })),
  };
  return `${header.join('\n')}\n${stringify(body, { lineWidth: 0 })}`;
}

/** The subcommands' actions, by subcommand name. */
export const exceptionsActions = { add, list, remove, export: exportFile, import: importFile, log } as const;
