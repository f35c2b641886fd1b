/**
 * The service clock. Everything that reads the time reads it here, so tests and the local stack
 * (`/_local/clock`) can shift it. In AWS the offset is always 0.
 */
let offsetMs = 0;

export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

export function nowMs(): number {
  return Date.now() + offsetMs;
}

export function nowEpochSeconds(): number {
  return Math.floor(nowMs() / 1000);
}

export function clockOffsetSeconds(): number {
  return offsetMs / 1000;
}

export function setClockOffsetSeconds(seconds: number): void {
  offsetMs = Math.round(seconds * 1000);
}

export const DAY_MS = 86_400_000;

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}
