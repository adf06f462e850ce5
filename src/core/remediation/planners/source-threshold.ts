/**
 * Notification thresholds shared by the alert-severity and attack-path planners. Pure.
 *
 * A notification source mails its level and every level above it, so a source whose threshold is at or below the
 * required level already satisfies the control and is kept (a Low alert threshold stays Low: raising it to the
 * required High would mail less). Otherwise the first source of that type is set to the required level (its other
 * fields kept), or a new source is added.
 */
import { WardError } from '../../errors.js';
import type { Control } from '../../model.js';
import type { NotificationSourceBody } from '../contact-body.js';

export interface SourceThreshold {
  readonly sourceType: 'Alert' | 'AttackPath';
  readonly field: 'minimalSeverity' | 'minimalRiskLevel';
  /** Lowest first. */
  readonly levels: readonly string[];
  readonly required: string;
}

const same = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

function rank(levels: readonly string[], level: unknown): number {
  return typeof level === 'string' ? levels.findIndex((candidate) => same(candidate, level)) : -1;
}

/** The parameter's value in force, checked against the levels (control.yaml restricts it; a copy might not). */
export function requiredLevel(control: Control, parameter: string, levels: readonly string[]): string {
  const value = control.parameterValues[parameter];
  const level = levels.find((candidate) => typeof value === 'string' && same(candidate, value));
  if (!level) {
    throw new WardError('REMEDIATION_INVALID', `${control.id}.${parameter} is ${JSON.stringify(value)}, not one of ${levels.join(', ')}`, {
      hint: `set it in ward.yaml or with --param ${control.id}.${parameter}=<level>`,
    });
  }
  return level;
}

export function sourceAtThreshold(
  sources: readonly NotificationSourceBody[],
  threshold: SourceThreshold,
): { sources: NotificationSourceBody[]; change: string | undefined } {
  const { sourceType, field, levels, required } = threshold;
  const needed = rank(levels, required);
  const ofType = (source: NotificationSourceBody): boolean => same(source.sourceType, sourceType);
  const satisfied = sources.some((source) => {
    const level = rank(levels, source[field]);
    return ofType(source) && level >= 0 && level <= needed;
  });
  if (satisfied) return { sources: sources.map((source) => ({ ...source })), change: undefined };
  const index = sources.findIndex(ofType);
  if (index < 0) {
    return { sources: [...sources.map((source) => ({ ...source })), { sourceType, [field]: required }], change: `adds an ${sourceType} notification source from ${required} up` };
  }
  const previous = sources[index]![field];
  return {
    sources: sources.map((source, position) => (position === index ? { ...source, sourceType, [field]: required } : { ...source })),
    change: `sets the ${sourceType} notification source to ${required} and up (was ${previous === undefined ? 'no threshold' : JSON.stringify(previous)})`,
  };
}
