import { now, romeDate } from "../platform/clock.ts";
import { AppError, ForbiddenError } from "../platform/errors.ts";
import * as z from "../platform/zod.ts";
import { codiceFiscaleSchema, countryCodeSchema } from "./person.schema.ts";

/** An identity document checked by an operator (docs/product/http-api.md#route-contracts). */
export const identityDocumentSchema = z.strictObject({
  kind: z.enum(["passport", "identity-card", "driving-licence", "residence-permit"]),
  number: z.withChecks(z.string(), z.trim(), z.minLength(3), z.maxLength(32)),
  issuingCountry: countryCodeSchema,
  expiryDate: z.iso.date("Use the format YYYY-MM-DD"),
});

export type IdentityDocument = z.infer<typeof identityDocumentSchema>;

/** Who stands at the counter: the holder, a parent of a minor, a guardian, or a delegate (refused). */
export const presentedBySchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("holder") }),
  z.strictObject({
    kind: z.literal("parent"),
    codiceFiscale: codiceFiscaleSchema,
    selfCertification: z.literal(true, "A self-certification of parental authority is required"),
  }),
  z.strictObject({
    kind: z.literal("guardian"),
    codiceFiscale: codiceFiscaleSchema,
    appointment: z.withChecks(z.string(), z.trim(), z.minLength(3), z.maxLength(120)),
  }),
  // Accepted by the schema so that the refusal can say why (403 delegate-not-allowed), whatever it carries.
  z.looseObject({ kind: z.literal("delegate") }),
]);

export type PresentedBy = z.infer<typeof presentedBySchema>;

/** A document expired at the service clock is refused (`422 document-expired`). */
export function assertDocumentValid(document: IdentityDocument): void {
  if (document.expiryDate < romeDate(now())) {
    throw new AppError(
      422,
      "document-expired",
      "Identity document expired",
      "The identity document has expired.",
      {
        errors: [{ path: "identityDocument.expiryDate", message: "The document has expired" }],
      },
    );
  }
}

function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = today.split("-").map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/**
 * In person only (INPS message 4590/2016): a delegate is refused; a parent may act only for a minor, with a
 * self-certification of parental authority; a guardian with their appointment.
 */
export function assertPresentedInPerson(presentedBy: PresentedBy, holderBirthDate: string): void {
  if (presentedBy.kind === "delegate") {
    throw new ForbiddenError(
      "A PIN is issued or converted at a branch only to the holder in person (INPS message 4590/2016), " +
        "a parent of a minor or a guardian; a delegate cannot act for them.",
      "delegate-not-allowed",
    );
  }
  if (presentedBy.kind === "parent" && ageOn(holderBirthDate, romeDate(now())) >= 18) {
    throw new AppError(
      422,
      "not-a-minor",
      "Not a minor",
      "A parent may act only for a holder under 18; an adult must come in person.",
    );
  }
}
