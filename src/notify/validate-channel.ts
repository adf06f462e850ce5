/**
 * What `ward notify add` accepts, checked before anything is stored: an https URL (http only to this machine, for
 * local receivers and tests), known events and severity, a well-formed id and secret variable. Every refusal is one
 * line that names the flag and never repeats the URL's token.
 */
import { WardError } from '../core/errors.js';
import type { Severity } from '../core/model.js';
import { NOTIFICATION_EVENTS, NOTIFICATION_KINDS, type NotificationChannel, type NotificationEvent, type NotificationKind } from '../store/notification-repository.js';
import { redactUrl } from './redact-url.js';

/** The severities `--min-severity` takes, lowest first (informational findings are always below any minimum). */
export const MIN_SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const SEVERITY_RANK: Readonly<Record<Severity, number>> = { informational: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** Is `severity` at `minimum` or above it (null: no minimum)? */
export const meetsSeverity = (severity: Severity, minimum: Severity | null): boolean => minimum === null || SEVERITY_RANK[severity] >= SEVERITY_RANK[minimum];

export const severityRank = (severity: Severity): number => SEVERITY_RANK[severity] ?? 0;

const CHANNEL_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const CONNECTOR_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const usage = (message: string, hint: string): WardError => new WardError('USAGE', message, { hint });

/** The URL a channel posts to, checked: https, or http to 127.0.0.1 / localhost; no user:password; not a retired Office 365 connector. */
export function validateChannelUrl(kind: NotificationKind, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usage('--url is not an absolute URL', 'give the full https:// address the service gave you (quote it in the shell)');
  }
  const shown = redactUrl(url);
  if (parsed.protocol === 'http:' && !LOOPBACK_HOSTS.has(parsed.hostname)) {
    throw usage(`--url ${shown} is plain http: a notification URL must be https`, 'http is accepted only for a receiver on this machine (http://127.0.0.1 or http://localhost)');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw usage(`--url ${shown} is not an https URL`, 'give the https:// address the service gave you');
  if (parsed.username !== '' || parsed.password !== '') {
    throw usage(`--url ${redactUrl(`${parsed.protocol}//${parsed.host}`)} carries a user name or password`, 'put no credentials in the URL: sign webhooks with --secret-env instead');
  }
  if (kind === 'teams' && /(^|\.)webhook\.office\.com$|^outlook\.office(365)?\.com$/i.test(parsed.hostname)) {
    throw usage(
      `--url ${shown} is an Office 365 connector webhook: Microsoft has retired those connectors`,
      'create a Workflows webhook in Teams ("Post to a channel when a webhook request is received") and give its URL',
    );
  }
  return parsed.href;
}

/** `--on` values (default new-failures), each once, in the order given. */
export function parseEvents(values: readonly string[] | undefined): NotificationEvent[] {
  if (values === undefined || values.length === 0) return ['new-failures'];
  const events: NotificationEvent[] = [];
  for (const value of values.flatMap((v) => v.split(',')).map((v) => v.trim())) {
    if (!(NOTIFICATION_EVENTS as readonly string[]).includes(value)) throw usage(`unknown --on ${JSON.stringify(value)}`, `choose from: ${NOTIFICATION_EVENTS.join(', ')}`);
    if (!events.includes(value as NotificationEvent)) events.push(value as NotificationEvent);
  }
  return events;
}

export function parseMinSeverity(value: string | undefined): Severity | null {
  if (value === undefined) return null;
  if (!(MIN_SEVERITIES as readonly string[]).includes(value)) throw usage(`unknown --min-severity ${JSON.stringify(value)}`, `choose one of: ${MIN_SEVERITIES.join(', ')}`);
  return value as Severity;
}

export function parseConnectors(values: readonly string[] | undefined): string[] | null {
  if (values === undefined || values.length === 0) return null;
  const names = [...new Set(values.flatMap((v) => v.split(',')).map((v) => v.trim()))];
  for (const name of names) {
    if (!CONNECTOR_NAME.test(name)) throw usage(`--connector ${JSON.stringify(name)} is not a connector name`, 'connector names are lower-case letters, digits and dashes (ward connectors list)');
  }
  return names;
}

export function parseKind(value: string): NotificationKind {
  if (!(NOTIFICATION_KINDS as readonly string[]).includes(value)) throw usage(`unknown channel kind ${JSON.stringify(value)}`, `choose one of: ${NOTIFICATION_KINDS.join(', ')}`);
  return value as NotificationKind;
}

export function validateChannelId(id: string): string {
  if (!CHANNEL_ID.test(id)) throw usage(`--name ${JSON.stringify(id.slice(0, 80))} is not a valid channel id`, 'use 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit');
  return id;
}

/** webhook needs `--secret-env NAME`; slack and teams take none (their URL is their credential). */
export function validateSecretEnv(kind: NotificationKind, name: string | undefined): string | null {
  if (kind !== 'webhook') {
    if (name !== undefined) throw usage(`--secret-env is for webhook channels, not ${kind}`, `a ${kind === 'slack' ? 'Slack' : 'Teams'} URL carries its own token: leave --secret-env out`);
    return null;
  }
  if (name === undefined) throw usage('a webhook channel needs --secret-env NAME', 'name the environment variable that holds the HMAC secret, e.g. --secret-env WARD_WEBHOOK_SECRET; the secret itself is never stored');
  if (!ENV_NAME.test(name)) throw usage(`--secret-env ${JSON.stringify(name.slice(0, 80))} is not an environment variable name`, 'use letters, digits and underscores, not starting with a digit');
  return name;
}

export interface ChannelFlags {
  readonly kind: string;
  readonly url: string;
  readonly on?: readonly string[] | undefined;
  readonly connector?: readonly string[] | undefined;
  readonly minSeverity?: string | undefined;
  readonly secretEnv?: string | undefined;
}

/** A channel from `ward notify add` flags, without its id and creation (the caller adds them). */
export function channelFromFlags(flags: ChannelFlags): Omit<NotificationChannel, 'id' | 'createdAt' | 'createdBy'> {
  const kind = parseKind(flags.kind);
  return {
    kind,
    url: validateChannelUrl(kind, flags.url),
    events: parseEvents(flags.on),
    connectors: parseConnectors(flags.connector),
    minSeverity: parseMinSeverity(flags.minSeverity),
    secretEnv: validateSecretEnv(kind, flags.secretEnv),
  };
}
