/**
 * Login benchmark: POST /v1/sessions through the local gateway (real HTTP, payload 2.0 events, the deployed
 * handler, DynamoDB Local) beside a raw loop of the same DynamoDB calls made with the SDK, and the KDF (scrypt
 * at OWASP cost) timed on its own. Reports requests/s, p50 and p99, and the ratio of the path without its KDF
 * to the raw round trips. Target: the path adds at most 25% over its DynamoDB round trips, KDF aside.
 *
 * Then logins at the KDF's full cost from 1, 8 and 32 concurrent clients: what one process (one function
 * instance serves one request at a time; the local stack runs every function in one Node.js process, whose
 * four libuv threads run the KDFs) sustains.
 *
 *   npm run bench -- login [--requests 100] [--clients 1,8,32]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { freePort, waitFor } from "../local/ports.ts";
import { buildCodiceFiscale } from "../shared/credentials/codice-fiscale.ts";
import { hashSecret, verifySecret } from "../shared/credentials/pin-hash.ts";

const requests = Number(process.argv[process.argv.indexOf("--requests") + 1] || 100) || 100;
// `--clients 1` leaves out the heavier loads (a machine shared with other work times them out).
const loadClients = (
  process.argv.includes("--clients") ? process.argv[process.argv.indexOf("--clients") + 1]! : "1,8,32"
)
  .split(",")
  .map(Number);
const PIN = "K7QW2M9X";
const consonants = "BCDFGHJKLMNPQRSTVZ";

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const describe = (name: string, samples: number[], totalMs?: number) =>
  `| ${name} | ${samples.length} | ${totalMs ? ((samples.length / totalMs) * 1000).toFixed(1) : "-"} | ${percentile(samples, 50).toFixed(2)} | ${percentile(samples, 99).toFixed(2)} |`;

const dir = mkdtempSync(join(tmpdir(), "pin-bench-login-"));
const port = await freePort();
const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", resolve("local/main.ts")], {
  env: {
    ...process.env,
    PORT: String(port),
    PIN_LOCAL_DIR: dir,
    PIN_LOCAL_SCHEDULER: "off",
    LOG_LEVEL: "WARN",
    // 32 full-cost KDFs queue in this one process (Lambda gives each its own instance): deadlines stretched so
    // the queue shows as latency rather than as timeouts.
    PIN_LOCAL_TIMEOUT_SCALE: "8",
  },
  stdio: "ignore",
});
try {
  const api = `http://127.0.0.1:${port}`;
  // Ready once endpoints.json is written (after the record seed), not merely when health answers.
  await waitFor(async () => existsSync(join(dir, "endpoints.json")), 90_000, "local stack");
  const e = JSON.parse(readFileSync(join(dir, "endpoints.json"), "utf8"));
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: e.dynamodb, region: e.region, credentials: e.credentials }),
  );
  const TableName = e.tableName as string;

  // KDF alone, at the cost the service stores (OWASP). The benchmark's holder gets a near-free hash instead
  // (the cost is read from the stored hash), so the login path below is measured without its KDF.
  const owaspHash = await hashSecret(PIN);
  const pinHash = await hashSecret(PIN, { ln: 4, r: 8, p: 1 });
  const kdf: number[] = [];
  const kdfStart = performance.now();
  for (let i = 0; i < Math.min(requests, 30); i++) {
    const t = performance.now();
    await verifySecret(PIN, owaspHash);
    kdf.push(performance.now() - t);
  }
  const kdfTotal = performance.now() - kdfStart;

  // Holders of the benchmark, written as the service writes an active credential.
  const putHolder = async (givenName: string, hash: string) => {
    const holder = {
      surname: "Bench",
      givenName,
      birthDate: "1970-01-01",
      sex: "M" as const,
      birthPlaceCode: "Z404",
    };
    const cf = buildCodiceFiscale(holder);
    const now = new Date();
    await db.send(
      new PutCommand({
        TableName,
        Item: {
          pk: `CF#${cf}`,
          sk: "CREDENTIAL",
          kind: "credential",
          credentialId: `bench-${givenName}`,
          codiceFiscale: cf,
          holder,
          residence: { countryCode: "US", addressLines: ["1 Main St"], city: "Boston", postalCode: "02110" },
          contacts: { email: "bench@example.org" },
          holderKind: "citizen",
          pinType: "ordinario",
          status: "active",
          pinHash: hash,
          pinSetAt: now.toISOString(),
          pinExpiresAt: new Date(now.getTime() + 100 * 86_400_000).toISOString(),
          everUsed: true,
          failures: 0,
          version: 1,
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
        },
      }),
    );
    return cf;
  };
  const codiceFiscale = await putHolder("Login", pinHash);
  const key = { pk: `CF#${codiceFiscale}`, sk: "CREDENTIAL" };

  // The login path through the gateway, and the same DynamoDB calls made raw with the SDK (read, reserve a
  // guess, then clear the counter, write the audit record and the token's subject side by side, as the service
  // does), alternated
  // after a warm-up so both meet DynamoDB Local's JVM in the same state.
  const loginOnce = async (cf = codiceFiscale) => {
    const response = await fetch(`${api}/v1/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ codiceFiscale: cf, pin: PIN }),
    });
    const body = (await response.json()) as { outcome?: string };
    if (body.outcome !== "authenticated") throw new Error(`login failed: ${JSON.stringify(body)}`);
  };
  const rawOnce = async (i: number) => {
    const { Item } = await db.send(new GetCommand({ TableName, Key: key, ConsistentRead: true }));
    await db.send(
      new UpdateCommand({
        TableName,
        Key: key,
        UpdateExpression: "SET failures = :f, blocked = :b REMOVE lockedUntil",
        ConditionExpression: "attribute_exists(pk) AND failures = :p",
        ExpressionAttributeValues: {
          ":f": (Item?.failures ?? 0) + 1,
          ":p": Item?.failures ?? 0,
          ":b": false,
        },
      }),
    );
    // As the service does after a correct PIN: clear the counter, write the audit record and the access token's
    // pseudonymous subject (shared/auth/access-token.ts) side by side.
    await Promise.all([
      db.send(
        new PutCommand({
          TableName,
          Item: {
            pk: `SUBJECT#bench-${i}-${Date.now()}`,
            sk: "SUBJECT",
            kind: "subject",
            codiceFiscale,
            ttl: 0,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
      db.send(
        new UpdateCommand({
          TableName,
          Key: key,
          UpdateExpression: "SET failures = :z, blocked = :b REMOVE lockedUntil",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":z": 0, ":b": false },
        }),
      ),
      db.send(
        new PutCommand({
          TableName,
          Item: {
            pk: key.pk,
            sk: `EVENT#${new Date().toISOString()}#${i}`,
            kind: "audit-event",
            type: "login-succeeded",
            outcome: "success",
          },
        }),
      ),
    ]);
  };
  for (let i = 0; i < 50; i++) {
    await loginOnce();
    await rawOnce(-1 - i);
  }
  // The fixed cost of any request (HTTP to the local gateway, the event, middy, the answer): where the path's
  // extra milliseconds over its raw DynamoDB calls go, apart from validation, hashing a cheap PIN and signing.
  const healthOnce = async () => {
    const response = await fetch(`${api}/v1/health`);
    await response.arrayBuffer();
  };
  const health: number[] = [];
  const login: number[] = [];
  const raw: number[] = [];
  let loginTotal = 0;
  let rawTotal = 0;
  for (let i = 0; i < requests; i++) {
    let t = performance.now();
    await loginOnce();
    login.push(performance.now() - t);
    loginTotal += login.at(-1)!;
    t = performance.now();
    await rawOnce(i);
    raw.push(performance.now() - t);
    rawTotal += raw.at(-1)!;
    t = performance.now();
    await healthOnce();
    health.push(performance.now() - t);
  }

  // Enumeration parity, at the real KDF cost: a wrong PIN for a known holder against any PIN for an unknown
  // one (a right PIN in between keeps the known holder below the lock threshold).
  await db.send(
    new UpdateCommand({
      TableName,
      Key: key,
      UpdateExpression: "SET pinHash = :h",
      ExpressionAttributeValues: { ":h": owaspHash },
    }),
  );
  const unknownCf = buildCodiceFiscale({
    surname: "Nobody",
    givenName: "Here",
    birthDate: "1971-02-03",
    sex: "F",
    birthPlaceCode: "Z404",
  });
  const wrongKnown: number[] = [];
  const unknown: number[] = [];
  const timed = async (cf: string, pin: string, into?: number[]) => {
    const t = performance.now();
    const response = await fetch(`${api}/v1/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ codiceFiscale: cf, pin }),
    });
    await response.arrayBuffer();
    into?.push(performance.now() - t);
    return response.status;
  };
  for (let i = 0; i < Math.min(requests, 30); i++) {
    if ((await timed(codiceFiscale, "WRONG234", wrongKnown)) !== 401)
      throw new Error("wrong PIN not refused");
    if ((await timed(unknownCf, "WRONG234", unknown)) !== 401) throw new Error("unknown CF not refused");
    await timed(codiceFiscale, PIN);
  }

  // Under load, the KDF at full cost: 1, 8 and 32 clients at once, each logging in as a holder of its own
  // (one credential item each, as real traffic), three logins per client after one warm-up each.
  const holders = await Promise.all(
    // Names whose consonants differ, so each holder has a codice fiscale of its own.
    Array.from({ length: 32 }, (_, i) =>
      putHolder(`Load${consonants[i % 18]}${consonants[Math.floor(i / 18)]}`, owaspHash),
    ),
  );
  const load: Array<{ clients: number; samples: number[]; totalMs: number }> = [];
  for (const clients of loadClients) {
    await Promise.all(holders.slice(0, clients).map((cf) => loginOnce(cf)));
    const samples: number[] = [];
    const started = performance.now();
    await Promise.all(
      holders.slice(0, clients).map(async (cf) => {
        for (let i = 0; i < 3; i++) {
          const t = performance.now();
          await loginOnce(cf);
          samples.push(performance.now() - t);
        }
      }),
    );
    load.push({ clients, samples, totalMs: performance.now() - started });
  }

  console.log("| run | requests | per second | p50 ms | p99 ms |");
  console.log("|---|---|---|---|---|");
  console.log(describe("login via gateway (KDF aside)", login, loginTotal));
  console.log(describe("KDF alone (scrypt N=2^17,r=8,p=1)", kdf, kdfTotal));
  console.log(describe("raw DynamoDB calls", raw, rawTotal));
  console.log(describe("GET /v1/health via gateway", health));
  console.log(describe("wrong PIN, known holder (401)", wrongKnown));
  console.log(describe("unknown codice fiscale (401)", unknown));
  for (const { clients, samples, totalMs } of load)
    console.log(
      describe(`login, OWASP KDF, ${clients} concurrent client${clients > 1 ? "s" : ""}`, samples, totalMs),
    );
  const pathP50 = percentile(login, 50);
  console.log("");
  console.log(
    `login path without KDF: p50 ${pathP50.toFixed(2)} ms, p99 ${percentile(login, 99).toFixed(2)} ms; ` +
      `with the OWASP KDF add ~${percentile(kdf, 50).toFixed(0)} ms`,
  );
  console.log(`ratio path/raw at p50: ${(pathP50 / percentile(raw, 50)).toFixed(2)}x (target <= 1.25x)`);
  console.log(
    `path minus raw at p50: ${(pathP50 - percentile(raw, 50)).toFixed(2)} ms, of which a request's fixed cost ` +
      `through the gateway (GET /v1/health p50) ${percentile(health, 50).toFixed(2)} ms`,
  );
  console.log(
    `enumeration timing: known-wrong p50 ${percentile(wrongKnown, 50).toFixed(1)} ms vs unknown p50 ${percentile(unknown, 50).toFixed(1)} ms ` +
      `(difference ${(percentile(wrongKnown, 50) - percentile(unknown, 50)).toFixed(1)} ms)`,
  );
} finally {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
  rmSync(dir, { recursive: true, force: true });
}
