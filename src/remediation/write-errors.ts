/** Turns a failed ARM answer into a WardError a person can act on; 403 names the role that writes contacts. */
import { WardError } from '../core/errors.js';
import type { ArmAnswer } from './arm-transport.js';

export function armErrorText(answer: ArmAnswer): string {
  const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP ${answer.status}`;
  const message = typeof error?.message === 'string' ? error.message : '(no message)';
  return `${code}: ${message}`;
}

export function writeError(answer: ArmAnswer, what: string, hint: string): WardError {
  if (answer.status === 403) {
    return new WardError(
      'AZURE_ERROR',
      `${what}: permission denied (${armErrorText(answer)}); writing security contacts needs the Security Admin role (or Contributor/Owner) on the subscription`,
      { hint: `ask for the Security Admin role on the subscription (role definition fb1c8493-542b-48eb-b624-b4c8fea62acd), then ${hint}` },
    );
  }
  return new WardError('AZURE_ERROR', `${what}: ${armErrorText(answer)}`, { hint });
}
