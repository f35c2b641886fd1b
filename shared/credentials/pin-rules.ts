import { randomString } from "../platform/random.ts";
import { nameParts, normalisePinInput } from "./pin-text.ts";
import { isWeakPin } from "./weak-pins.ts";

const HEX = "0123456789ABCDEF";

/** A 16-character initial PIN from the CSPRNG (64 bits). */
export function generateInitialPin(): string {
  return randomString(HEX, 16);
}

export function splitInitialPin(pin: string): { partA: string; partB: string } {
  return { partA: pin.slice(0, 8), partB: pin.slice(8, 16) };
}

/** As people type PINs: spaces and hyphens dropped, case folded. */
export { normalisePinInput };

export const isInitialPinShape = (pin: string) => /^[0-9A-F]{16}$/.test(pin);
export const isOperationalPinShape = (pin: string) => /^[A-Z0-9]{8}$/.test(pin);

export type NewPinVerdict =
  | { ok: true }
  | {
      ok: false;
      reason: "bad-format" | "same-as-current" | "contains-codice-fiscale" | "contains-name" | "common-pin";
      message: string;
    };

/** the rules of docs/product/credential-rules.md#operational-pin for a PIN the holder chooses. Messages never repeat the PIN. */
export function checkNewPin(
  newPin: string,
  context: { currentPin?: string; codiceFiscale: string; surname: string; givenName: string },
): NewPinVerdict {
  const pin = normalisePinInput(newPin);
  if (!isOperationalPinShape(pin)) {
    return {
      ok: false,
      reason: "bad-format",
      message: "The PIN must be exactly 8 letters or digits (A-Z, 0-9).",
    };
  }
  if (context.currentPin !== undefined && normalisePinInput(context.currentPin) === pin) {
    return { ok: false, reason: "same-as-current", message: "The new PIN must differ from the current one." };
  }
  for (let i = 0; i + 8 <= context.codiceFiscale.length; i++) {
    if (context.codiceFiscale.slice(i, i + 8).toUpperCase() === pin) {
      return {
        ok: false,
        reason: "contains-codice-fiscale",
        message: "The PIN must not be part of your codice fiscale.",
      };
    }
  }
  const parts = [...nameParts(context.surname), ...nameParts(context.givenName)];
  if (parts.some((part) => pin.includes(part.slice(0, 8)))) {
    return {
      ok: false,
      reason: "contains-name",
      message: "The PIN must not contain your surname or given name.",
    };
  }
  if (isWeakPin(pin)) {
    return {
      ok: false,
      reason: "common-pin",
      message: "This PIN is too easy to guess: choose a less common one.",
    };
  }
  return { ok: true };
}
