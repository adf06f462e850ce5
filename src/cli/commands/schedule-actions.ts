/**
 * What the `ward schedule` subcommands do. schedule.ts registers them and loads this module (the store and
 * graphile-worker's cron parser) with one `await import()` when a subcommand runs.
 */
import { WardError } from '../../core/errors.js';
import { formatColumns } from '../../reporters/table-reporter.js';
import { listConnectorConfigs } from '../../store/connector-config-repository.js';
import { addSchedule, listSchedules, removeSchedule, type ScheduleRecord } from '../../store/schedule-repository.js';
import { nextCronRun, parseScheduleCron } from '../../team/schedule-cron.js';
import { requireTeamStore } from '../../team/team-jobs.js';
import type { CliContext } from '../cli-context.js';
import { emit, parseFormat, withStore } from '../command-options.js';
import { actorOf } from './actor-of.js';

interface StoreFlags {
  readonly db?: string;
}
export interface AddFlags extends StoreFlags {
  readonly cron: string;
  readonly connector?: string[];
  readonly name?: string;
  readonly actor?: string;
}
export interface ListFlags extends StoreFlags {
  readonly format?: string;
  readonly output?: string;
}
export type RemoveFlags = StoreFlags;

/** `2026-12-02 06:00 UTC`: minute precision, as the schedules run. */
const utc = (date: Date | undefined): string => (date === undefined ? 'never' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`);

function nextRunOf(schedule: ScheduleRecord, now: Date): Date | undefined {
  try {
    return nextCronRun(parseScheduleCron(schedule.cron), now);
  } catch {
    return undefined; // stored before a stricter check: list shows it as never running rather than failing
  }
}

async function add(context: CliContext, options: AddFlags): Promise<void> {
  const cron = parseScheduleCron(options.cron);
  const now = context.io.now();
  const next = nextCronRun(cron, now);
  if (next === undefined) {
    throw new WardError('USAGE', `--cron ${JSON.stringify(cron.expression)} never runs: no such date comes in the next 8 years`, {
      hint: 'check the day of month against the month (30 February never comes)',
    });
  }
  const connectors = options.connector === undefined ? null : [...new Set(options.connector)];
  const { schedule, configured } = await withStore(context, options.db, async (store) => {
    requireTeamStore(store, 'ward schedule add');
    return store.transaction(async (tx) => {
      const known = (await listConnectorConfigs(tx)).map((config) => config.name);
      const unknown = (connectors ?? []).filter((name) => !known.includes(name));
      if (unknown.length > 0) {
        throw new WardError('NOT_FOUND', `no connector named ${unknown.join(', ')}`, {
          hint: known.length === 0 ? 'add one first: ward connectors add azure --name NAME --tenant ID' : `configured connectors: ${known.join(', ')} (ward connectors list)`,
        });
      }
      const added = await addSchedule(tx, {
        ...(options.name === undefined ? {} : { id: options.name }),
        cron: cron.expression,
        connectors,
        createdAt: now.toISOString(),
        createdBy: actorOf(context, options.actor),
      });
      return { schedule: added, configured: known.length };
    });
  });
  const which = connectors === null ? 'every configured connector' : `connector${connectors.length === 1 ? '' : 's'} ${connectors.join(', ')}`;
  context.io.stdout.write(`added schedule ${schedule.id}: ${schedule.cron} (UTC), scanning ${which}; next run ${utc(next)}\n`);
  if (configured === 0) context.io.stderr.write('ward: warning: no connectors are configured yet: until one is (ward connectors add azure …), its runs scan nothing\n');
}

async function list(context: CliContext, options: ListFlags): Promise<void> {
  const format = parseFormat(options.format, ['table', 'json'] as const, 'table');
  const now = context.io.now();
  const schedules = await withStore(context, options.db, (store) => listSchedules(store));
  if (format === 'json') {
    const body = schedules.map((s) => ({ ...s, nextRunAt: nextRunOf(s, now)?.toISOString() ?? null }));
    return emit(context, `${JSON.stringify(body, null, 2)}\n`, options.output);
  }
  if (schedules.length === 0) return emit(context, 'no schedules (add one: ward schedule add --cron "0 6 * * *")\n', options.output);
  const rows = schedules.map((s) => [
    s.id,
    s.cron,
    s.connectors === null ? '(all)' : s.connectors.join(', '),
    utc(nextRunOf(s, now)),
    s.lastRunAt === null ? '' : utc(new Date(s.lastRunAt)),
    s.lastScanId === null ? '' : String(s.lastScanId),
  ]);
  emit(context, `${formatColumns([['ID', 'CRON (UTC)', 'CONNECTORS', 'NEXT RUN', 'LAST RUN', 'LAST SCAN'], ...rows]).join('\n')}\n`, options.output);
}

async function remove(context: CliContext, id: string, options: RemoveFlags): Promise<void> {
  const removed = await withStore(context, options.db, (store) => removeSchedule(store, id));
  if (!removed) throw new WardError('NOT_FOUND', `no schedule ${id}`, { hint: 'ward schedule list shows them' });
  context.io.stdout.write(`removed schedule ${id}\n`);
}

export const scheduleActions = { add, list, remove };
