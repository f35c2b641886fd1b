/**
 * the rules of docs/product/credential-rules.md#operational-pin for a chosen PIN, as the pages check them while the holder types (no DOM here: the unit tests
 * hold them against the service's own `checkNewPin`). The weak list is the service's module itself.
 */
import { nameParts, normalisePinInput } from "../../shared/credentials/pin-text.ts";
import { isWeakPin } from "../../shared/credentials/weak-pins.ts";

export type RuleName = "format" | "codiceFiscale" | "name" | "common";
/** `unknown`: not checkable here (the names are not known before first access); the service checks it. */
export type RuleState = "ok" | "fail" | "unknown";

export interface PinContext {
  codiceFiscale?: string;
  surname?: string;
  givenName?: string;
}

export { normalisePinInput as normalisePin };

export function evaluatePin(value: string, context: PinContext): Record<RuleName, RuleState> {
  const pin = normalisePinInput(value);
  const format: RuleState = /^[A-Z0-9]{8}$/.test(pin) ? "ok" : "fail";
  const cf = (context.codiceFiscale ?? "").toUpperCase();
  let codiceFiscale: RuleState = cf.length === 16 ? "ok" : "unknown";
  for (let i = 0; i + 8 <= cf.length; i++) if (cf.slice(i, i + 8) === pin) codiceFiscale = "fail";
  const parts =
    context.surname !== undefined || context.givenName !== undefined
      ? [...nameParts(context.surname ?? ""), ...nameParts(context.givenName ?? "")]
      : undefined;
  const name: RuleState =
    parts === undefined ? "unknown" : parts.some((part) => pin.includes(part.slice(0, 8))) ? "fail" : "ok";
  const common: RuleState = format === "ok" && isWeakPin(pin) ? "fail" : format === "ok" ? "ok" : "unknown";
  return { format, codiceFiscale, name, common };
}
