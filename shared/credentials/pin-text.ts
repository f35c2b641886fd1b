/**
 * How a PIN and a name are read for the rules of docs/product/credential-rules.md#operational-pin, shared by the service (pin-rules.ts) and the pages' live
 * checks (web/src/pin-check.ts), so both judge the same text. No imports: the web client bundles it.
 */

/** A PIN as typed, without spaces or dashes, upper case. */
export function normalisePinInput(value: string): string {
  return value.replace(/[\s-]/g, "").toUpperCase();
}

/** The parts of a name a PIN must not contain: letters only, accents removed, three letters or more. */
export function nameParts(name: string): string[] {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter((part) => part.length >= 3);
}
