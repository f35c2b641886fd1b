import { type MetadataJson, parsePhoneNumberFromString } from "libphonenumber-js/core";
import * as z from "../platform/zod.ts";
import mobileMetadata from "./mobile-metadata.json" with { type: "json" };

/**
 * Mobile numbers, validated with libphonenumber-js's mobile metadata: the numbering plans' mobile ranges of every
 * country, nothing else (a fixed line is refused, a number the plan cannot tell from a fixed line is accepted).
 * The metadata is the package's own less the national formatting patterns, which validation never reads
 * (mobile-metadata.generate.ts). In a module of its own, so that only the functions that take a mobile number
 * carry the metadata.
 */
const metadata = mobileMetadata as unknown as MetadataJson;

/** A mobile number in E.164, or undefined when it is not a valid international mobile number. */
export function normaliseMobile(value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed.startsWith("+")) return undefined;
  const parsed = parsePhoneNumberFromString(trimmed, metadata);
  if (!parsed?.isValid()) return undefined;
  const type = parsed.getType();
  if (type !== undefined && type !== "MOBILE" && type !== "FIXED_LINE_OR_MOBILE") return undefined;
  return parsed.number;
}

export const mobileSchema = z.withChecks(
  z.pipe(
    z.withChecks(z.string(), z.maxLength(32)),
    z.transform((value: string, ctx) => {
      const e164 = normaliseMobile(value);
      if (!e164) {
        ctx.issues.push({
          code: "custom",
          message: "Use a mobile number in international format, e.g. +14155550123",
          input: value,
        });
        return z.NEVER;
      }
      return e164;
    }),
  ),
  z.meta({
    id: "Mobile",
    pattern: "^\\+[1-9][0-9]{6,14}$",
    description:
      "A mobile number in E.164 international format. It must be valid for its country's numbering plan and " +
      "a mobile number there (or one the plan cannot tell from a fixed line); spaces are tolerated and removed.",
    examples: ["+14155550123"],
  }),
);
