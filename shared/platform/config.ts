import { z } from "zod";

/**
 * The environment, parsed once with zod. Infrastructure values are optional in the schema because each
 * function only receives the variables of its own bindings; `required()` fails fast with the variable's name
 * the first time a function reaches for one it was not given.
 */
const environmentSchema = z.object({
  STAGE: z.string().min(1).default("local"),
  AWS_REGION: z.string().min(1).default("eu-south-1"),
  LOG_LEVEL: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]).default("INFO"),
  WEB_ORIGIN: z.url().default("http://localhost:3000"),
  TABLE_NAME: z.string().min(1).optional(),
  LETTERS_BUCKET: z.string().min(1).optional(),
  UPLOADS_BUCKET: z.string().min(1).optional(),
  /** Bucket of the record import: files arrive under `registry/incoming/`, reports go to `registry/reports/`. */
  REGISTRY_BUCKET: z.string().min(1).optional(),
  SENDER_EMAIL: z.email().optional(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  SMS_SENDER_ID: z.string().min(1).max(11).optional(),
  /** Non-matching recovery or revocation requests one source address may make an hour (SPEC §3). */
  SOURCE_MISSES_PER_HOUR: z.coerce.number().int().positive().default(20),
  /** KMS key that encrypts part B until its letter is printed (AWS). */
  PART_B_KEY_ID: z.string().min(1).optional(),
  /** KMS asymmetric ECC_NIST_P256 key that signs access tokens (AWS). */
  SIGNING_KEY_ID: z.string().min(1).optional(),
  /** Local stand-in for KMS: base64 32-byte AES key (local stack and tests only). */
  LOCAL_DATA_KEY: z.string().min(1).optional(),
  /** Local stand-in for the KMS signing key: a private EC P-256 JWK as JSON (local stack and tests only). */
  LOCAL_SIGNING_JWK: z.string().min(1).optional(),
  /** Issuer of operator tokens (Cognito user pool in AWS, the local issuer locally). */
  OPERATOR_ISSUER: z.string().min(1).optional(),
  OPERATOR_AUDIENCE: z.string().min(1).optional(),
  OPERATOR_JWKS_URL: z.url().optional(),
  /** External OIDC issuer of SPID/CIE/CNS identity tokens. */
  IDENTITY_ISSUER: z.string().min(1).optional(),
  IDENTITY_AUDIENCE: z.string().min(1).optional(),
  IDENTITY_JWKS_URL: z.url().optional(),
});

export type Config = z.infer<typeof environmentSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

let parsed: Config | undefined;

/** The parsed environment; parsed on first use and cached. */
export function config(): Config {
  if (!parsed) {
    const result = environmentSchema.safeParse(process.env);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new ConfigError(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
    }
    parsed = result.data;
  }
  return parsed;
}

/** A configuration value this function cannot work without. */
export function required<K extends keyof Config>(name: K): NonNullable<Config[K]> {
  const value = config()[name];
  if (value === undefined || value === null) throw new ConfigError(`Missing environment variable ${name}`);
  return value as NonNullable<Config[K]>;
}

/** Forgets the parsed environment (tests and the local stack change it). */
export function resetConfig(): void {
  parsed = undefined;
}
