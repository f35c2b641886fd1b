import { z } from "zod";
import { codiceFiscaleSchema } from "../pin-requests/pin-request.schema.ts";

/** PIN input as typed by people: spaces and hyphens are tolerated, case is not significant. */
const pinInput = z.string().min(1, "Required").max(64);

/** The new PIN's rules are checked by the service, which answers `400 weak-pin` with the reason. */
const newPinInput = pinInput.meta({
  description:
    "The new 8-character PIN: A-Z and 0-9, case-insensitive, spaces and hyphens ignored. Refused with 400 " +
    "weak-pin and a reason when it is the current PIN, any 8-character run of the codice fiscale, contains " +
    "the surname or given name (3+ letters), or is in the list of weak PINs.",
  examples: ["K7Q2M9XA"],
});

export const loginSchema = z.strictObject({ codiceFiscale: codiceFiscaleSchema, pin: pinInput });

export const loginResultSchema = z.discriminatedUnion("outcome", [
  z.object({
    outcome: z.literal("authenticated"),
    accessToken: z.string(),
    expiresIn: z.number().int(),
    pinType: z.enum(["ordinario", "dispositivo"]),
    pinExpiresAt: z.iso.datetime(),
  }),
  z.object({
    outcome: z.literal("pin-change-required"),
    reason: z.enum(["first-access", "expired"]),
    changeToken: z.string(),
    expiresIn: z.number().int(),
  }),
]);

export const pinChangeSchema = z.union(
  [
    z.strictObject({ changeToken: z.string().min(1).max(128), newPin: newPinInput }),
    z.strictObject({ currentPin: pinInput, newPin: newPinInput }).meta({
      description: "With the holder's own access token (Authorization: Bearer), which is checked first.",
    }),
  ],
  { error: "Send either changeToken and newPin, or currentPin and newPin (with your access token)" },
);

export const pinChangedSchema = z.object({
  outcome: z.literal("pin-changed"),
  pinType: z.enum(["ordinario", "dispositivo"]),
  pinExpiresAt: z.iso.datetime(),
});

export const profileSchema = z.object({
  codiceFiscale: z.string(),
  surname: z.string(),
  givenName: z.string(),
  birthDate: z.string(),
  holderKind: z.enum(["citizen", "intermediary"]),
  pinType: z.enum(["ordinario", "dispositivo"]),
  pinExpiresAt: z.iso.datetime(),
  residence: z.object({ countryCode: z.string(), city: z.string() }),
  contacts: z.object({
    mobile: z.string().optional(),
    email: z.string().optional(),
    pec: z.string().optional(),
  }),
});
