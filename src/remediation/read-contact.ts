/** GET one contact as it is now: the resource, or `'absent'` on 404. Any other answer is an error, never a guess. */
import { WardError } from '../core/errors.js';
import type { ArmTransport } from './arm-transport.js';
import type { ContactState } from './contact-state.js';
import { armErrorText } from './write-errors.js';

export async function readContact(transport: ArmTransport, path: string): Promise<ContactState> {
  let answer;
  try {
    answer = await transport.request('GET', path);
  } catch (error) {
    throw new WardError('AZURE_ERROR', `could not read ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (answer.status === 404) return 'absent';
  if (answer.status < 200 || answer.status >= 300) throw new WardError('AZURE_ERROR', `could not read ${path}: ${armErrorText(answer)}`);
  return (answer.body ?? {}) as ContactState;
}
