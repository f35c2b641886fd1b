import { CODICE_FISCALE_PATTERN } from "#shared/credentials/codice-fiscale";
import { IDEMPOTENCY_KEY } from "#shared/platform/idempotency";
import type { PersonOnRecord } from "./helpers.ts";

/**
 * Request bodies generated from the OpenAPI document's schemas: valid ones, with domain values (people on
 * record, their contacts, ids the service handed out) where a property's name asks for one, so that many reach
 * the business rules; and invalid ones, each breaking one thing.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema is read as plain JSON
export type Schema = any;

/** A small seeded PRNG (mulberry32): a run can be replayed from its seed. */
export class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  word(min = 1, max = 12): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    return Array.from({ length: this.int(min, max) }, () => this.pick([...alphabet])).join("");
  }
  uuid(): string {
    const hex = () => this.int(0, 15).toString(16);
    const part = (n: number) => Array.from({ length: n }, hex).join("");
    return `${part(8)}-${part(4)}-4${part(3)}-8${part(3)}-${part(12)}`;
  }
}

/** A person on record (as the e2e helpers put one there) with the contacts their requests give. */
export interface Person extends PersonOnRecord {
  contacts: Record<string, string | undefined>;
  healthCard?: { number: string; expiryDate: string };
}

/** Values the service knows: people (some on record, some holding PINs), ids it answered with, PIN guesses. */
export interface Dictionary {
  people: Person[];
  ids: string[];
}

/** Properties a chosen `oneOf` option must not carry (those only the other options require). */
const FORBIDDEN = "x-fuzz-forbidden";

interface Context {
  doc: Schema;
  rng: Rng;
  dict: Dictionary;
  person?: Person;
  name?: string;
}

export function resolve(doc: Schema, schema: Schema): Schema {
  let current = schema;
  while (current && typeof current === "object" && typeof current.$ref === "string") {
    const path = (current.$ref as string).replace(/^#\//, "").split("/");
    current = path.reduce((node, key) => node?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], doc);
  }
  return current ?? {};
}

/** A schema with one of its `anyOf`/`oneOf` options folded in (properties merged, `required` joined). */
function withOption(base: Schema, option: Schema): Schema {
  const merged: Schema = { ...base, ...option };
  delete merged.anyOf;
  delete merged.oneOf;
  if (base.properties || option.properties) {
    merged.properties = { ...base.properties };
    for (const [key, value] of Object.entries(option.properties ?? {})) {
      merged.properties[key] = merged.properties[key] ? { allOf: [merged.properties[key], value] } : value;
    }
  }
  merged.required = [...new Set([...(base.required ?? []), ...(option.required ?? [])])];
  return merged;
}

/** `allOf` of a base and a constraint, as `withOption` builds it, generated as one schema. */
function flatten(doc: Schema, schema: Schema): Schema {
  if (!schema.allOf) return schema;
  return schema.allOf.map((s: Schema) => resolve(doc, s)).reduce(withOption, {});
}

const DOMAIN_STRINGS: Record<string, (ctx: Context) => string | undefined> = {
  codiceFiscale: (ctx) => ctx.person?.codiceFiscale,
  surname: (ctx) => ctx.person?.surname,
  givenName: (ctx) => ctx.person?.givenName,
  birthDate: (ctx) => ctx.person?.birthDate,
  sex: (ctx) => ctx.person?.sex,
  birthPlaceCode: (ctx) => ctx.person?.birthPlaceCode,
  mobile: (ctx) => ctx.person?.contacts.mobile,
  email: (ctx) => ctx.person?.contacts.email,
  pec: (ctx) => ctx.person?.contacts.pec,
  expiryDate: () => "2031-05-31",
  endsOn: () => "2031-05-31",
  receivedAt: () => new Date().toISOString(),
  issuingCountry: (ctx) => ctx.rng.pick(["US", "DE", "AR"]),
  number: (ctx) => `YA${ctx.rng.int(1_000_000, 9_999_999)}`,
  organisation: () => "Patronato Esempio",
  appointment: () => "Tribunale di Roma 123/2020",
};

function generateString(schema: Schema, ctx: Context): string {
  const { rng } = ctx;
  const min = schema.minLength ?? 1;
  const max = Math.min(schema.maxLength ?? 24, min + 24);
  switch (schema.format) {
    case "date":
      return rng.pick(["1985-06-15", "2031-05-31", "2024-02-29"]);
    case "date-time":
      return new Date(Date.now() - rng.int(0, 90) * 86_400_000).toISOString();
    case "email":
      return `fuzz.${rng.word(3, 8)}@example.org`.toLowerCase();
    case "uuid":
      return rng.chance(0.7) && ctx.dict.ids.length > 0 ? rng.pick(ctx.dict.ids) : rng.uuid();
  }
  if (schema.pattern === CODICE_FISCALE_PATTERN.source) return rng.pick(ctx.dict.people).codiceFiscale;
  if (schema.pattern === IDEMPOTENCY_KEY.source) return `fuzz-${rng.word(8, 20)}`;
  if (schema.pattern === "^\\+[1-9][0-9]{6,14}$") return `+1415556${rng.int(1000, 9999)}`;
  if (schema.pattern === "^[A-Z][0-9]{3}$") return rng.pick(["Z404", "H501", "Z114"]);
  if (schema.pattern === "^\\d{20}$") return Array.from({ length: 20 }, () => rng.int(0, 9)).join("");
  if (schema.examples?.length && rng.chance(0.5)) return rng.pick(schema.examples);
  return rng.word(min, Math.max(min, max));
}

/** A value valid against `schema` (as far as the generator understands it), with domain values where named. */
export function generate(schema: Schema, ctx: Context): unknown {
  const { doc, rng } = ctx;
  const s = flatten(doc, resolve(doc, schema));
  const options: Schema[] | undefined = s.oneOf ?? s.anyOf;
  if (options) {
    const option = resolve(doc, rng.pick(options));
    if (!(s.type || s.properties)) return generate(option, ctx);
    const merged = flatten(doc, withOption(s, option));
    if (s.oneOf) {
      // Exactly one option may match: leave out what only the others require.
      const others = options.filter((o) => o !== option).flatMap((o) => resolve(doc, o).required ?? []);
      merged[FORBIDDEN] = others.filter((key: string) => !merged.required.includes(key));
    }
    return generate(merged, ctx);
  }
  if ("const" in s) return s.const;
  const domain = ctx.name ? DOMAIN_STRINGS[ctx.name]?.(ctx) : undefined;
  if (domain !== undefined && (s.type === "string" || !s.type)) {
    const fits = (!s.enum || s.enum.includes(domain)) && (!s.pattern || new RegExp(s.pattern).test(domain));
    if (fits) return domain;
  }
  if (s.enum) {
    if (ctx.name === "countryCode") return ctx.person?.residence.countryCode ?? "US";
    return rng.pick(s.enum);
  }
  switch (s.type) {
    case "object":
      return generateObject(s, ctx);
    case "array": {
      const n = rng.int(s.minItems ?? 0, Math.min(s.maxItems ?? 3, (s.minItems ?? 0) + 2));
      return Array.from({ length: n }, () => generate(s.items ?? {}, { ...ctx, name: undefined }));
    }
    case "string":
      return generateString(s, ctx);
    case "integer":
    case "number":
      return rng.int(s.minimum ?? 0, Math.min(s.maximum ?? 1000, (s.minimum ?? 0) + 1000));
    case "boolean":
      return ctx.name === "hasItalianIdDocument" ? rng.chance(0.1) : rng.chance(0.5);
    default:
      return rng.word(1, 8);
  }
}

function generateObject(s: Schema, ctx: Context): Record<string, unknown> {
  const { rng } = ctx;
  const properties: Record<string, Schema> = s.properties ?? {};
  // An object that names a person is filled with one person's data, its nested objects too.
  const person = "codiceFiscale" in properties ? rng.pick(ctx.dict.people) : ctx.person;
  if (ctx.name === "residence" && person) return { ...person.residence };
  if (ctx.name === "healthCard" && person?.healthCard && rng.chance(0.8)) return { ...person.healthCard };
  const forbidden = new Set<string>([...(s.not?.required ?? []), ...(s[FORBIDDEN] ?? [])]);
  const required = new Set<string>(s.required ?? []);
  const out: Record<string, unknown> = {};
  for (const [name, propertySchema] of Object.entries(properties)) {
    if (forbidden.has(name)) continue;
    if (!required.has(name) && !rng.chance(0.6)) continue;
    const value = generate(propertySchema, { ...ctx, person, name });
    if (value !== undefined) out[name] = value;
  }
  for (const name of Object.keys(properties)) {
    if (Object.keys(out).length >= (s.minProperties ?? 0)) break;
    if (!(name in out) && !forbidden.has(name))
      out[name] = generate(properties[name], { ...ctx, person, name });
  }
  if (ctx.name === "details" && Object.keys(properties).length === 0) return { note: rng.word(), weeks: 3 };
  return out;
}

export interface RawBody {
  text: string;
  contentType: string;
  /** What was broken, for failure reports. */
  broken: string;
}

/** One invalid variant of a valid body: a field missing, mistyped or unknown, or the body itself broken. */
export function breakBody(valid: unknown, rng: Rng): RawBody {
  const json = (value: unknown, broken: string): RawBody => ({
    text: JSON.stringify(value),
    contentType: "application/json",
    broken,
  });
  const object = valid && typeof valid === "object" && !Array.isArray(valid) ? (valid as object) : {};
  const keys = Object.keys(object);
  const key = keys.length > 0 ? rng.pick(keys) : "x";
  switch (rng.int(0, 11)) {
    case 0: {
      const { [key]: _dropped, ...rest } = object as Record<string, unknown>;
      return json(rest, `without ${key}`);
    }
    case 1:
      return json({ ...object, [key]: rng.pick([null, 42, true, [], {}, "", "\u0000"]) }, `${key} mistyped`);
    case 2:
      return json({ ...object, [`x${rng.word(2, 5)}`]: 1 }, "an unknown field");
    case 3:
      return json({ ...object, [key]: "é".repeat(rng.pick([300, 40_000])) }, `${key} too long`);
    case 4:
      return json(rng.pick([{}, [], "x", 0, null]), "another JSON value");
    case 5:
      return {
        text: JSON.stringify(object).slice(0, -1),
        contentType: "application/json",
        broken: "truncated",
      };
    case 6:
      return {
        text: JSON.stringify(object),
        contentType: rng.pick(["text/plain", "application/xml", ""]),
        broken: "content type",
      };
    case 7:
      return { text: "", contentType: "application/json", broken: "empty" };
    case 8:
      return json({ ...object, [key]: { $ne: null, __proto__: { admin: true } } }, `${key} an object`);
    case 9: {
      let nested: unknown = 1;
      for (let i = 0; i < 2000; i++) nested = [nested];
      return json({ ...object, [key]: nested }, `${key} deeply nested`);
    }
    case 10:
      return json({ ...object, [key]: "\ud800 \u202e'; DROP TABLE--<script>" }, `${key} hostile text`);
    default:
      return json({ ...object, [key]: -1e308 }, `${key} a huge number`);
  }
}
