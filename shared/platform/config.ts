/**
 * The environment, parsed once. Infrastructure values are optional because each function only receives the
 * variables of its own bindings; `required()` fails fast with the variable's name the first time a function
 * reaches for one it was not given. Checked by hand rather than with zod: every function loads this module,
 * and a schema library would be most of a small function's bundle.
 */

/** How one variable is read: its checks and, when absent, its default. */
type Reader<T> = (raw: string | undefined) => T;
class Invalid extends Error {}

const text =
  (options: { max?: number } = {}): Reader<string | undefined> =>
  (raw) => {
    if (raw === undefined) return undefined;
    if (raw.length < 1) throw new Invalid("Too small: expected string to have >=1 characters");
    if (options.max !== undefined && raw.length > options.max)
      throw new Invalid(`Too big: expected string to have <=${options.max} characters`);
    return raw;
  };

const url: Reader<string | undefined> = (raw) => {
  if (raw === undefined) return undefined;
  if (!URL.canParse(raw)) throw new Invalid("Invalid URL");
  return raw;
};

const email: Reader<string | undefined> = (raw) => {
  if (raw === undefined) return undefined;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw)) throw new Invalid("Invalid email address");
  return raw;
};

const positiveInteger: Reader<number | undefined> = (raw) => {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Invalid("Expected a positive integer");
  return value;
};

function oneOf<const T extends string>(...values: T[]): Reader<T | undefined> {
  return (raw) => {
    if (raw === undefined) return undefined;
    if (!(values as string[]).includes(raw))
      throw new Invalid(`Invalid option: expected one of ${values.map((v) => `"${v}"`).join("|")}`);
    return raw as T;
  };
}

function withDefault<T>(read: Reader<T | undefined>, fallback: T): Reader<T> {
  return (raw) => read(raw) ?? fallback;
}

const environment = {
  STAGE: withDefault(text(), "local"),
  AWS_REGION: withDefault(text(), "eu-south-1"),
  LOG_LEVEL: withDefault(oneOf("DEBUG", "INFO", "WARN", "ERROR"), "INFO"),
  /**
   * The origin the pages and the API share (`https://host`): token issuer, links in messages, CORS. Unset on a
   * deployment whose origin is its CloudFront distribution's own domain: that is known only after the function
   * exists, and `WEB_ORIGIN_PARAMETER` names where the edge stack writes it (platform/web-origin.ts).
   * `http://localhost:3000` when neither is set, outside Lambda.
   */
  WEB_ORIGIN: url,
  /** SSM parameter holding the web origin when the deployment has no fixed one (AWS). */
  WEB_ORIGIN_PARAMETER: text(),
  TABLE_NAME: text(),
  LETTERS_BUCKET: text(),
  UPLOADS_BUCKET: text(),
  /** Bucket of the record import: files arrive under `registry/incoming/`, reports go to `registry/reports/`. */
  REGISTRY_BUCKET: text(),
  SENDER_EMAIL: email,
  SES_CONFIGURATION_SET: text(),
  SMS_SENDER_ID: text({ max: 11 }),
  /** Non-matching recovery or revocation requests one source address may make an hour (docs/product/credential-rules.md). */
  SOURCE_MISSES_PER_HOUR: withDefault(positiveInteger, 20),
  /** KMS key that encrypts part B until its letter is printed (AWS). */
  PART_B_KEY_ID: text(),
  /** KMS asymmetric ECC_NIST_P256 key that signs access tokens (AWS). */
  SIGNING_KEY_ID: text(),
  /** Local stand-in for KMS: base64 32-byte AES key (local stack and tests only). */
  LOCAL_DATA_KEY: text(),
  /** Local stand-in for the KMS signing key: a private EC P-256 JWK as JSON (local stack and tests only). */
  LOCAL_SIGNING_JWK: text(),
  /** Issuer of operator tokens (Cognito user pool in AWS, the local issuer locally). */
  OPERATOR_ISSUER: text(),
  OPERATOR_AUDIENCE: text(),
  OPERATOR_JWKS_URL: url,
  /** External OIDC issuer of SPID/CIE/CNS identity tokens. */
  IDENTITY_ISSUER: text(),
  IDENTITY_AUDIENCE: text(),
  IDENTITY_JWKS_URL: url,
  /**
   * Method and path of every route (`GET /v1/health,POST /v1/sessions,...`), for the `$default` function's 405
   * answers; set from the route table by CDK and by the local stack.
   */
  ROUTE_KEYS: text(),
  /**
   * The OpenAPI document's file, for the `openapi` function. Unset in AWS: it is beside the bundle, generated at
   * synthesis. The local stack, which runs the function from source, writes it at start.
   */
  OPENAPI_DOCUMENT: text(),
};

/** The web origin of the local stack's default port, when no origin is configured. */
export const LOCAL_WEB_ORIGIN = "http://localhost:3000";

export type Config = { [K in keyof typeof environment]: ReturnType<(typeof environment)[K]> };

export class ConfigError extends Error {
  override name = "ConfigError";
}

let parsed: Config | undefined;

/** The parsed environment; parsed on first use and cached. */
export function config(): Config {
  if (!parsed) {
    const result: Record<string, unknown> = {};
    for (const [name, read] of Object.entries(environment)) {
      try {
        result[name] = read(process.env[name]);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        throw new ConfigError(`Invalid environment variable ${name}: ${error.message}`);
      }
    }
    // The local default never applies in Lambda: a function given no origin there fails naming WEB_ORIGIN
    // when it reaches for it, rather than writing localhost into a link.
    const inLambda = process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;
    if (result.WEB_ORIGIN === undefined && result.WEB_ORIGIN_PARAMETER === undefined && !inLambda)
      result.WEB_ORIGIN = LOCAL_WEB_ORIGIN;
    parsed = result as Config;
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
