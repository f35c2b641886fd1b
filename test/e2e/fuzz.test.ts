import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  activateOneByOne,
  agent,
  bearer,
  CONCURRENCY,
  type Failure,
  type Operation,
  PIN,
  person,
  type Reply,
  send,
} from "./fuzz-client.ts";
import {
  api,
  clearOutbox,
  identityToken,
  operatorToken,
  outbox,
  postJson,
  putOnRecord,
  readLogs,
  runJob,
} from "./helpers.ts";
import { breakBody, type Dictionary, generate, type Person, Rng, type Schema } from "./schema-fuzz.ts";

/**
 * Schema-driven fuzzing of every operation of the served OpenAPI document: bodies generated from its schemas
 * (valid ones filled with people on record, holders and ids the service answered with, so that many reach the
 * business rules; and broken ones), query parameters and Idempotency-Keys, with the right token, none, a wrong
 * one or another kind. Every answer must be below 500, of a status and content type the document declares, and
 * valid against the declared schema. Bounded in count and time; the seed (FUZZ_SEED) replays a run.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const MAX_REQUESTS = 3000;
const TIME_BUDGET_MS = 35_000;
/**
 * Of the workers, those that send valid requests (the rest send edge cases, which are refused cheaply): many
 * valid ones run a full-cost KDF, about a core each, and a 2-core machine running more side by side only times
 * them out.
 */
const BUSINESS_WORKERS = 3;
/** Requests per operation that reach its business rules; past that, only edge cases (cheap refusals). */
const REACHED_CAP = 15;

describe("schema-driven fuzzing of the served OpenAPI document", () => {
  // biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON
  let doc: any;
  const operations: Operation[] = [];
  const validators = new Map<string, ValidateFunction>();
  const dict: Dictionary = { people: [], ids: [] };
  const tokens: Record<string, string> = {};
  const failures: Failure[] = [];
  const reached = new Map<string, number>();
  const timeSpent = new Map<string, number>();
  let sent = 0;
  let elapsed = 0;

  beforeAll(async () => {
    doc = (await api("/v1/openapi.json")).body;
    for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const [method, spec] of Object.entries(item)) {
        // biome-ignore lint/suspicious/noExplicitAny: plain JSON
        operations.push({ method: method.toUpperCase(), path, id: (spec as any).operationId, spec });
      }
    }
    // Holders A (most citizen routes), B (PIN changes, whose wrong guesses lock only B) and C (recoveries);
    // D and E on record without a PIN; F and G on no record.
    const people = Array.from({ length: 7 }, (_, i) => person(700_001 + i));
    const [a, b, c, d, e] = people as [Person, Person, Person, Person, Person];
    await putOnRecord(a, b, c, d, e);
    await activateOneByOne([a, b, c]);
    dict.people.push(...people);
    for (const [name, holder] of [
      ["citizenA", a],
      ["citizenB", b],
    ] as const) {
      const login = await postJson("/v1/sessions", { codiceFiscale: holder.codiceFiscale, pin: PIN });
      expect(login.body.outcome).toBe("authenticated");
      tokens[name] = login.body.accessToken;
    }
    tokens.identityA = await identityToken(a.codiceFiscale);
    tokens.identityD = await identityToken(d.codiceFiscale, "cie");
    for (const group of ["contact-center", "branch", "back-office", "auditor"]) {
      tokens[group] = await operatorToken(group, `fuzz-${group}`);
    }
    tokens.garbage = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";

    const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats.default(ajv);
    ajv.addSchema(doc, "openapi");
    for (const op of operations) {
      for (const [status, response] of Object.entries<Schema>(op.spec.responses)) {
        for (const contentType of Object.keys(response.content ?? {})) {
          const pointer = [
            "paths",
            op.path,
            op.method.toLowerCase(),
            "responses",
            status,
            "content",
            contentType,
          ]
            .map((s) => s.replaceAll("~", "~0").replaceAll("/", "~1"))
            .join("/");
          if (!response.content[contentType].schema || contentType === "application/pdf") continue;
          validators.set(
            `${op.id} ${status} ${contentType}`,
            ajv.compile({ $ref: `openapi#/${pointer}/schema` }),
          );
        }
      }
    }
  });

  afterAll(async () => {
    agent.destroy();
    await runJob("letter-batch"); // the letters of the people it requested PINs for, out of the next file's way
    // Notices the fuzzing caused may still be on their way through the table's stream: let them land, then
    // leave the outbox empty for the next test file.
    let last = -1;
    for (let i = 0; i < 20; i++) {
      const box = await outbox();
      const size = box.sms.length + box.emails.length;
      if (size === last) break;
      last = size;
      await new Promise((r) => setTimeout(r, 500));
    }
    await clearOutbox();
  });

  /** The token the operation asks for; or, for an edge case, none, a garbage one or one of another kind. */
  function tokenFor(op: Operation, rng: Rng, edge: boolean): string | undefined {
    const security: Array<Record<string, string[]>> = op.spec.security ?? [];
    if (edge) {
      const roll = rng.next();
      if (roll < 0.3) return undefined;
      if (roll < 0.5) return bearer(tokens.garbage!);
      return bearer(tokens[rng.pick(Object.keys(tokens))]!);
    }
    const schemes = security.flatMap((requirement) => Object.keys(requirement));
    if (schemes.length === 0) return undefined;
    const scheme = rng.pick(schemes);
    if (scheme === "operator") {
      const groups = security.flatMap((requirement) => requirement.operator ?? []);
      return bearer(tokens[rng.pick(groups)]!);
    }
    if (scheme === "identity") return bearer(tokens[rng.chance(0.8) ? "identityA" : "identityD"]!);
    // PIN changes with the current PIN: B's token, so that wrong guesses lock B, not A.
    if (op.id === "pinChanges") return bearer(tokens.citizenB!);
    return bearer(tokens.citizenA!);
  }

  /** The path with its parameters filled in, and query parameters; out-of-range values only for an edge case. */
  function pathOf(op: Operation, rng: Rng, edge: boolean): string {
    let path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      if (name === "codiceFiscale") {
        return !edge || rng.chance(0.5)
          ? rng.pick(dict.people).codiceFiscale
          : rng.pick(["x", "RSSMRA80A01Z404Q"]);
      }
      return rng.chance(0.7) && dict.ids.length > 0 ? rng.pick(dict.ids) : rng.pick([rng.uuid(), "x", "%20"]);
    });
    const query = (op.spec.parameters ?? []).filter((p: Schema) => p.in === "query");
    const pairs: string[] = [];
    for (const parameter of query) {
      if (!rng.chance(0.5)) continue;
      const value =
        !edge || rng.chance(0.6)
          ? generate(parameter.schema, { doc, rng, dict, name: parameter.name })
          : rng.pick(["0", "-1", "abc", "99999", "", "2026-13-45"]);
      pairs.push(`${encodeURIComponent(parameter.name)}=${encodeURIComponent(String(value))}`);
    }
    if (pairs.length > 0) path += `?${pairs.join("&")}`;
    return path;
  }

  function check(op: Operation, reply: Reply, request: string): void {
    if (reply.status >= 500) {
      const problem = `server error: ${reply.body.toString("utf8").slice(0, 300)}`;
      failures.push({
        operation: `${op.method} ${op.path}`,
        status: reply.status,
        problem,
        request,
        requestId: reply.requestId,
      });
    }
    const problem = disagreement(op, reply);
    if (problem)
      failures.push({ operation: `${op.method} ${op.path}`, status: reply.status, problem, request });
  }

  /** How an answer departs from what the document declares for it, if it does. */
  function disagreement(op: Operation, reply: Reply): string | undefined {
    const declared = op.spec.responses[String(reply.status)] ?? op.spec.responses.default;
    if (!declared) return "status not declared";
    const contentType = reply.contentType.split(";")[0]?.trim() ?? "";
    if (!declared.content) {
      return reply.body.length > 0 ? `a body where none is declared (${contentType})` : undefined;
    }
    if (!(contentType in declared.content)) return `content type ${contentType || "(none)"} not declared`;
    if (contentType === "application/pdf") {
      return reply.body.subarray(0, 5).toString() === "%PDF-" ? undefined : "not a PDF";
    }
    let body: unknown;
    try {
      body = JSON.parse(reply.body.toString("utf8"));
    } catch {
      return "not JSON";
    }
    collectIds(body);
    const validate = validators.get(`${op.id} ${reply.status} ${contentType}`);
    if (validate && !validate(body)) {
      return `body not valid: ${JSON.stringify(validate.errors?.slice(0, 2))} in ${JSON.stringify(body).slice(0, 300)}`;
    }
    return undefined;
  }

  function collectIds(body: unknown): void {
    if (!body || typeof body !== "object") return;
    for (const [key, value] of Object.entries(body)) {
      if (key === "id" && typeof value === "string" && dict.ids.length < 200 && !dict.ids.includes(value)) {
        dict.ids.push(value);
      } else if (typeof value === "object") collectIds(value);
    }
  }

  /**
   * One request to `op`. An edge case breaks one thing (the body, or the token); a valid one is valid as far as
   * the document can say, until the operation has reached its business rules REACHED_CAP times (which bounds
   * the costly ones: every PIN checked or issued runs a full-cost KDF).
   */
  async function fuzzOnce(op: Operation, rng: Rng, valid: boolean): Promise<void> {
    const hasBody = Boolean(op.spec.requestBody);
    const secured = (op.spec.security ?? []).length > 0;
    const edge = !valid || (reached.get(op.id) ?? 0) >= REACHED_CAP;
    const breakTheBody = edge && hasBody && (!secured || rng.chance(0.5));
    const headers: Record<string, string> = {};
    const token = tokenFor(op, rng, edge && !breakTheBody);
    if (token) headers.authorization = token;
    if ((op.spec.parameters ?? []).some((p: Schema) => p.in === "header" && p.name === "Idempotency-Key")) {
      const roll = rng.next();
      if (roll < 0.4) headers["idempotency-key"] = `fuzz-${rng.word(10, 20)}`;
      else if (roll < 0.55) headers["idempotency-key"] = "fuzz-reused-key-0001";
      else if (roll < 0.6) headers["idempotency-key"] = rng.pick(["x", "white space key", "é".repeat(20)]);
    }
    let body: string | undefined;
    let broken = "";
    const requestSchema = op.spec.requestBody?.content?.["application/json"]?.schema;
    if (requestSchema) {
      const valid = generate(requestSchema, { doc, rng, dict });
      if (!breakTheBody) {
        body = JSON.stringify(valid);
        headers["content-type"] = "application/json";
      } else {
        const raw = breakBody(valid, rng);
        body = raw.text;
        broken = raw.broken;
        if (raw.contentType) headers["content-type"] = raw.contentType;
      }
    }
    const path = pathOf(op, rng, edge);
    const described = `${op.method} ${path} [${token ? token.slice(0, 20) : "no token"}] ${broken} ${(body ?? "").slice(0, 400)}`;
    let reply: Reply;
    const started = performance.now();
    try {
      reply = await send(op.method, path, headers, body);
      timeSpent.set(op.id, (timeSpent.get(op.id) ?? 0) + performance.now() - started);
    } catch (error) {
      failures.push({
        operation: `${op.method} ${op.path}`,
        status: 0,
        problem: String(error),
        request: described,
      });
      return;
    }
    sent++;
    check(op, reply, described);
    // Refused before the business rules: the body, or (on a route that requires one) the token.
    const tokenRequired =
      (op.spec.security ?? []).length > 0 && !op.spec.security.some((r: object) => !Object.keys(r).length);
    const refusedEarly =
      [413, 415].includes(reply.status) ||
      (reply.status === 401 && tokenRequired) ||
      (reply.status === 400 && /"code":"(validation-failed|malformed-json)"/.test(reply.body.toString()));
    if (!refusedEarly) reached.set(op.id, (reached.get(op.id) ?? 0) + 1);
  }

  it("answers a window that ends before it starts with an empty page (found by this fuzzer: it was a 500)", async () => {
    const own = await api("/v1/me/events?to=1985-06-15", {
      headers: { authorization: bearer(tokens.citizenA!) },
    });
    expect(own.status).toBe(200);
    expect(own.body.items).toEqual([]);
    const holder = dict.people[0]!.codiceFiscale;
    const trail = await api(`/v1/operator/citizens/${holder}/events?from=2026-01-02&to=2026-01-01`, {
      headers: { authorization: bearer(tokens.auditor!) },
    });
    expect(trail.status).toBe(200);
    expect(trail.body.items).toEqual([]);
  });

  it("gets no 5xx and only declared statuses, content types and bodies, from a few thousand requests", async () => {
    const started = performance.now();
    const deadline = started + TIME_BUDGET_MS;
    let issued = 0;
    // Round robin, for valid requests and edge cases apart: every operation gets its share, whatever the seed.
    const turns = { valid: 0, edge: 0 };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        const rng = new Rng(SEED * 31 + worker);
        const valid = worker < BUSINESS_WORKERS;
        while (issued < MAX_REQUESTS && performance.now() < deadline) {
          issued++;
          const op = operations[(valid ? turns.valid++ : turns.edge++) % operations.length]!;
          await fuzzOnce(op, rng, valid);
        }
      }),
    );
    elapsed = performance.now() - started;
    const slowest = [...timeSpent].sort((x, y) => y[1] - x[1]).slice(0, 5);
    console.log(
      `fuzz: ${sent} requests in ${Math.round(elapsed)} ms (seed ${SEED}), ${failures.length} failures; ` +
        `past validation: ${JSON.stringify(Object.fromEntries([...reached].sort()))}; ` +
        `most time: ${slowest.map(([id, ms]) => `${id} ${Math.round(ms)} ms`).join(", ")}`,
    );
    const errors = readLogs()
      .split("\n")
      .filter((line) => line.includes('"level":"ERROR"'));
    for (const failure of failures.filter((f) => f.requestId)) {
      const line = errors.find((l) => l.includes(failure.requestId!));
      if (line) failure.logged = JSON.stringify(JSON.parse(line).error).slice(0, 500);
    }
    const distinct = new Map(
      failures.map((f) => [`${f.operation} ${f.status} ${f.problem.slice(0, 80)}`, f]),
    );
    expect([...distinct.values()].slice(0, 25)).toEqual([]);
    // Bounded by time: a loaded machine sends fewer, but never so few that an operation goes untried.
    expect(turns.valid).toBeGreaterThanOrEqual(operations.length * 2);
  });

  it("got past validation into the business rules of every operation", () => {
    const never = operations.filter((op) => !reached.get(op.id)).map((op) => `${op.method} ${op.path}`);
    expect(never).toEqual([]);
  });

  it("serves the document for the origin it was asked on, over plain HTTP locally", () => {
    expect(doc.servers).toEqual([{ url: inject("apiUrl"), description: expect.any(String) }]);
  });
});
