import { config, globalRegistry, ZodMiniType } from "zod/mini";
import type * as core from "zod/v4/core";
import en from "zod/v4/locales/en.js";

/**
 * zod for every schema of the service, as `import * as z from "<this module>"`: its tree-shakeable `zod/mini`
 * API, so that a function's bundle holds the few validators its own schemas use rather than all of zod (the
 * classic API, whose every schema carries every method, is most of a small function's bundle). Same checks,
 * same issues. Importing through here also does what zod/mini leaves to its user, once, before any schema exists.
 */
export * from "zod/mini";

// The English messages, which zod/mini leaves out unless asked (the classic API loads them).
config(en());

/**
 * zod-to-openapi (the OpenAPI document, openapi.ts) reads a schema's metadata with the classic API's
 * `schema.meta()`; zod/mini keeps the same metadata in the same global registry. zod copies prototype members
 * onto each schema it creates, so this must run before any schema exists.
 */
(ZodMiniType.prototype as { meta?: () => unknown }).meta = function meta(this: core.$ZodType) {
  return globalRegistry.get(this);
};

/**
 * `schema.check(...checks)`, declared free of side effects. Bundlers cannot know that a method call is pure, so a
 * schema built with `.check()` stays in every bundle whose code imports its module, with all it refers to (a
 * phone-number library, say); built with this, a schema no code uses leaves the bundle.
 */
// @__NO_SIDE_EFFECTS__
export function withChecks<S extends core.$ZodType>(
  schema: S,
  ...checks: Array<core.$ZodCheck<core.output<S>>>
): S {
  return (schema as unknown as { check(...checks: unknown[]): S }).check(...checks);
}
