/**
 * The cron expressions of `ward schedule`: five fields (minute, hour, day of month, month, day of week), UTC, as
 * graphile-worker's crontab runs them. graphile-worker's own parser decides what is valid, so a schedule ward
 * accepts is one the workers can run; this module names the wrong field in words and finds the next run.
 */
import { parseCronItem, type ParsedCronItem } from 'graphile-worker';
import { WardError } from '../core/errors.js';

export interface ParsedScheduleCron {
  /** The expression with its fields separated by one space: what is stored and handed to graphile-worker. */
  readonly expression: string;
  /** graphile-worker's matcher (over a UTC timestamp digest). */
  readonly match: ParsedCronItem['match'];
}

const FIELDS = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
/** How graphile-worker names the fields in its errors. */
const GRAPHILE_FIELD_NAMES: Readonly<Record<string, (typeof FIELDS)[number]>> = {
  minutes: 'minute',
  hours: 'hour',
  dates: 'day-of-month',
  months: 'month',
  'days of week': 'day-of-week',
};
const RANGES: Readonly<Record<(typeof FIELDS)[number], string>> = {
  minute: '0-59',
  hour: '0-23',
  'day-of-month': '1-31',
  month: '1-12',
  'day-of-week': '0-6, Sunday is 0 (or 7)',
};
const HINT = 'five fields, UTC: minute hour day-of-month month day-of-week, each *, */N, a number, a range a-b, or a comma list; e.g. "0 6 * * *" (06:00 UTC daily), "*/15 * * * 1-5"';

function cronError(expression: string, problem: string, hint = HINT): WardError {
  return new WardError('USAGE', `--cron ${JSON.stringify(expression)}: ${problem}`, { hint });
}

export function parseScheduleCron(expr: string): ParsedScheduleCron {
  const fields = expr.trim().split(/\s+/).filter((field) => field !== '');
  if (fields.length !== 5) {
    throw cronError(expr, `a cron expression has 5 fields, this one has ${fields.length}`);
  }
  fields.forEach((field, index) => {
    const name = FIELDS[index]!;
    if (!/^[0-9*/,-]+$/.test(field)) {
      throw cronError(expr, `the ${name} field ${JSON.stringify(field)} is not numeric`, `use numbers (${name}: ${RANGES[name]}); names such as MON or JAN and macros such as @daily are not supported. ${HINT}`);
    }
  });
  const expression = fields.join(' ');
  try {
    const item = parseCronItem({ task: 'ward_schedule', match: expression, identifier: 'ward_schedule' });
    return { expression, match: item.match };
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const field = /\bin (minutes|hours|dates|months|days of week) range\b/.exec(message)?.[1];
    const name = field === undefined ? undefined : GRAPHILE_FIELD_NAMES[field];
    const detail = message
      .replace(/\s+in (minutes|hours|dates|months|days of week) range in .*?(?=:|$)/, '')
      .replace(/\.$/, '')
      .replace(/^[A-Z]/, (letter) => letter.toLowerCase());
    if (name === undefined) throw cronError(expression, detail.replace(/\s+in parseCronItem call/, ''));
    throw cronError(expression, `the ${name} field is wrong: ${detail}`, `${name}: ${RANGES[name]}. ${HINT}`);
  }
}

/** Whether the schedule fires in the minute of `date` (UTC; seconds are ignored). */
export function cronMatches(parsed: ParsedScheduleCron, date: Date): boolean {
  return parsed.match({
    min: date.getUTCMinutes(),
    hour: date.getUTCHours(),
    date: date.getUTCDate(),
    month: date.getUTCMonth() + 1,
    dow: date.getUTCDay(),
  });
}

const MINUTE_MS = 60_000;

/**
 * The first minute strictly after `after` at which the schedule fires, or undefined when it does not fire within
 * `horizonDays` (default a little over 8 years: a day that never comes, such as 30 February).
 */
export function nextCronRun(parsed: ParsedScheduleCron, after: Date, horizonDays = 2930): Date | undefined {
  const start = Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const end = start + horizonDays * 24 * 60 * MINUTE_MS;
  const at = new Date(start);
  for (let time = start; time < end; ) {
    at.setTime(time);
    const digest = { min: at.getUTCMinutes(), hour: at.getUTCHours(), date: at.getUTCDate(), month: at.getUTCMonth() + 1, dow: at.getUTCDay() };
    if (parsed.match(digest)) return new Date(time);
    time += MINUTE_MS;
  }
  return undefined;
}
