/**
 * A timestamptz column as it arrives: node-postgres gives a Date, PGlite a Date or an ISO string. Every repository
 * reads timestamps through these two.
 */
export const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

export const toIso = (value: Date | string): string => toDate(value).toISOString();
