import * as z from "../platform/zod.ts";

/** base64url text as WebAuthn's JSON serialisation carries it; bounded so a body cannot smuggle megabytes. */
const base64url = (max: number) =>
  z.withChecks(
    z.string(),
    z.minLength(1, "Required"),
    z.maxLength(max),
    z.regex(/^[A-Za-z0-9_-]+$/, "Not base64url"),
  );

const challengeId = z.withChecks(
  z.uuid(),
  z.meta({ description: "The challengeId of the options this response answers (single use, 5 minutes)." }),
);

const clientExtensionResults = z.record(z.string(), z.unknown());

/** What `navigator.credentials.create()` returned, serialised (`@simplewebauthn/browser`'s `startRegistration`). */
const registrationResponseSchema = z.object({
  id: base64url(1400),
  rawId: base64url(1400),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url(8192),
    attestationObject: base64url(32768),
    transports: z.optional(
      z.array(z.enum(["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"])),
    ),
    publicKeyAlgorithm: z.optional(z.number()),
    publicKey: z.optional(base64url(8192)),
    authenticatorData: z.optional(base64url(8192)),
  }),
  authenticatorAttachment: z.optional(z.enum(["platform", "cross-platform"])),
  clientExtensionResults,
});

/** What `navigator.credentials.get()` returned, serialised (`startAuthentication`). */
const authenticationResponseSchema = z.object({
  id: base64url(1400),
  rawId: base64url(1400),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url(8192),
    authenticatorData: base64url(8192),
    signature: base64url(2048),
    userHandle: z.optional(base64url(256)),
  }),
  authenticatorAttachment: z.optional(z.enum(["platform", "cross-platform"])),
  clientExtensionResults,
});

const passkeyName = z.withChecks(
  z.string(),
  z.trim(),
  z.minLength(1, "Required"),
  z.maxLength(60),
  z.meta({
    description: "A name the holder recognises the passkey by (e.g. the device)",
    examples: ["Laptop"],
  }),
);

export const registerPasskeySchema = z.strictObject({
  challengeId,
  response: registrationResponseSchema,
  name: z.optional(passkeyName),
});

export const renamePasskeySchema = z.strictObject({ name: passkeyName });

export const passkeyLoginSchema = z.strictObject({ challengeId, response: authenticationResponseSchema });

export const passkeyOptionsSchema = z.object({
  challengeId: z.uuid(),
  options: z.withChecks(
    z.record(z.string(), z.unknown()),
    z.meta({
      description:
        "PublicKeyCredentialCreationOptionsJSON or PublicKeyCredentialRequestOptionsJSON, for @simplewebauthn/browser",
    }),
  ),
});

export const passkeyAddedSchema = z.object({ id: z.uuid(), name: z.string(), createdAt: z.iso.datetime() });

export const passkeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.nullable(z.iso.datetime()),
  backedUp: z.boolean(),
  /** A signature counter went backwards: the passkey is refused; delete it and add it again. */
  suspect: z.boolean(),
});

export const passkeyListSchema = z.object({ items: z.array(passkeySchema) });

export type RegisterPasskey = z.infer<typeof registerPasskeySchema>;
export type PasskeyLogin = z.infer<typeof passkeyLoginSchema>;
export type PasskeyView = z.infer<typeof passkeySchema>;
