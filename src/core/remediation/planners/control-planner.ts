/**
 * What a control contributes to a remediation plan. Pure: a planner sees one subscription (its contacts, the
 * control with its parameter values in force, the requested addresses) and says how to change the merged body
 * of the `default` contact, and which other contacts to change, so that the control passes.
 *
 * Every failing control of a subscription changes the same body in turn: one PUT per subscription fixes them all.
 * A planner changes only what its control needs and keeps everything else as it found it.
 */
import type { Control, SecurityContactRecord } from '../../model.js';
import type { ContactBody2017, ContactProperties2023 } from '../contact-body.js';

export interface PlannerInput {
  /** The control, with `parameterValues` in force (ward.yaml, `--param`). */
  readonly control: Control;
  /** The subscription's contacts as collected (every api-version shape). */
  readonly contacts: readonly SecurityContactRecord[];
  /** `--email`, validated and deduplicated; may be empty. */
  readonly addresses: readonly string[];
  /** `--delete-legacy`: remove legacy contacts instead of changing them. */
  readonly deleteLegacy: boolean;
}

export interface DefaultContactChange {
  readonly properties: ContactProperties2023;
  /** What was changed, in a few words each ("adds soc@contoso.com"); empty when nothing had to change. */
  readonly changes: readonly string[];
  /** What a person should know about the change. */
  readonly notes: readonly string[];
}

/** A request on a contact other than `default` (a legacy 2017 contact), in that contact's own api-version. */
export interface OtherContactRequest {
  readonly contact: SecurityContactRecord;
  readonly method: 'PUT' | 'DELETE';
  /** The 2017 body for PUT; null for DELETE. */
  readonly body: ContactBody2017 | null;
  readonly reason: string;
}

export interface ControlPlanner {
  /**
   * Why this subscription cannot be planned with the given input (the addresses a fix needs are missing), or
   * undefined. The planner reports every such subscription in one error.
   */
  readonly missingInput?: (input: PlannerInput) => string | undefined;
  /** Changes the merged `default` body so that the control passes. */
  readonly fixDefaultContact: (properties: ContactProperties2023, input: PlannerInput) => DefaultContactChange;
  /** Requests on the other contacts the control judges, if any. */
  readonly fixOtherContacts?: (input: PlannerInput) => readonly OtherContactRequest[];
}
