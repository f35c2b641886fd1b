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

/**
 * The calendar day of `date` in Rome, YYYY-MM-DD: the day expiries, document validity and delegations are
 * counted in. Here rather than in the credential store, so that schemas checking dates import no SDK client.
 */
export const romeDate: (date: Date) => string = dateFormat("en-CA", { timeZone: "Europe/Rome" });

/**
 * A date formatter built at its first use. Building the first `Intl` formatter loads the ICU locale data, about
 * 20 ms that a function would otherwise pay at every cold start, whether or not it ever formats a date.
 */
export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): (date: Date) => string {
  let format: Intl.DateTimeFormat | undefined;
  return (date) => {
    format ??= new Intl.DateTimeFormat(locale, options);
    return format.format(date);
  };
}
