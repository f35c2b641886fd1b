import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { z } from "zod";

/** A mobile number in E.164, or undefined when it is not a valid international mobile number. */
export function normaliseMobile(value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed.startsWith("+")) return undefined;
  const parsed = parsePhoneNumberFromString(trimmed);
  if (!parsed?.isValid()) return undefined;
  const type = parsed.getType();
  if (type !== undefined && type !== "MOBILE" && type !== "FIXED_LINE_OR_MOBILE") return undefined;
  return parsed.number;
}

/**
 * E-mail addresses are compared lower-cased: mailbox providers treat the local part case-insensitively in
 * practice, and a holder who types their address differently must still be recognised.
 */
export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

export function maskMobile(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const country = parsed ? `+${parsed.countryCallingCode}` : e164.slice(0, 3);
  return `${country} ••• ••• ${e164.slice(-4)}`;
}

export function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  const shown =
    local.length <= 2
      ? local.slice(0, 1)
      : `${local[0]}${"•".repeat(Math.min(local.length - 2, 6))}${local.at(-1)}`;
  return `${shown}@${domain}`;
}

export const mobileSchema = z
  .string()
  .max(32)
  .transform((value, ctx) => {
    const e164 = normaliseMobile(value);
    if (!e164) {
      ctx.addIssue({
        code: "custom",
        message: "Use a mobile number in international format, e.g. +14155550123",
      });
      return z.NEVER;
    }
    return e164;
  })
  .meta({
    id: "Mobile",
    pattern: "^\\+[1-9][0-9]{6,14}$",
    description:
      "A mobile number in E.164 international format. It must be valid for its country's numbering plan and " +
      "a mobile number there (or one the plan cannot tell from a fixed line); spaces are tolerated and removed.",
    examples: ["+14155550123"],
  });

export const emailSchema = z
  .string()
  .max(254)
  .transform(normaliseEmail)
  .pipe(z.email("Not a valid e-mail address"))
  .meta({
    id: "Email",
    format: "email",
    description:
      "An e-mail address (PEC addresses too); compared case-insensitively, surrounding spaces removed.",
    examples: ["mario.rossi@example.org"],
  });
